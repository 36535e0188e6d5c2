"""Per-day usage counters of checks that call a paid or rate-limited service (the AI reviewer)."""

from __future__ import annotations

from django.db import models


class CheckBudget(models.Model):
    """How many calls a check made on one UTC day. Counted in the database, not a process's memory
    or the cache, because every worker process on every machine shares one budget and Django's
    database cache has no atomic increment: :func:`reviews.checks.ai_reviewer.budget_reserve`
    reserves a call with one conditional ``UPDATE ... SET used = used + 1 WHERE used < limit``."""

    check_name = models.CharField(max_length=80)
    day = models.DateField(help_text="The UTC day.")
    used = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reviews_checkbudget"
        constraints = [models.UniqueConstraint(fields=["check_name", "day"], name="check_budget_once_per_day")]
        verbose_name = "check budget"

    def __str__(self) -> str:
        return f"{self.check_name} {self.day}: {self.used}"
