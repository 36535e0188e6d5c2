from django.db import models


class Review(models.Model):
    """A customer's review of one of the host's products (table ``reviews_review``)."""

    product = models.CharField(max_length=100)
    stars = models.PositiveSmallIntegerField()

    class Meta:
        permissions = [("decide_review", "Can publish or hide a review")]

    def __str__(self) -> str:
        return f"{self.product}: {self.stars}"
