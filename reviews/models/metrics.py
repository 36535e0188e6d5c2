"""Monthly roll-ups of the gate metrics, so ``GET /api/v1/metrics/`` and the dashboard read a few
rows per task type for closed months instead of aggregating millions of proposals on every request.

A row holds the counts of :class:`reviews.services.metrics.Figures` for one task type and one
*closed* month (UTC, the month the outputs were submitted); rates and bounds are derived on read.
Rows are written only by :func:`reviews.services.metrics.metrics_roll_up` (celery beat), which
recomputes a range of months from the proposals themselves, so running it again gives the same rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class MetricRollup(models.Model):
    task_type = models.CharField(max_length=100)
    month = models.DateField(help_text="The month's first day (UTC).")
    volume = models.PositiveIntegerField(default=0)
    auto_approved = models.PositiveIntegerField(default=0)
    sampled_for_audit = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    materially_edited = models.PositiveIntegerField(default=0)
    error_types = models.JSONField(default=dict, blank=True, help_text="Errors by reason code.")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_metricrollup"
        ordering = ["task_type", "month"]
        verbose_name = "metric roll-up"
        constraints = [
            models.UniqueConstraint(fields=["task_type", "month"], name="metric_rollup_one_per_task_type_month"),
        ]
        indexes = [models.Index(fields=["month"], name="metric_rollup_month")]

    def __str__(self) -> str:
        return f"{self.task_type} {self.month:%Y-%m}"
