from django.db import models


class Connection(models.Model):
    """A system the host's back office is connected to (table ``integrations_connection``)."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name
