"""Monthly roll-ups of the gate metrics, so ``GET /api/v1/metrics/`` and the dashboard read a few
rows per task type for closed months instead of aggregating millions of proposals on every request.

A row holds the counts of :class:`reviews.services.metrics.Figures` for one task type, one version of the
agent's outputs (agent_version, prompt_version, model; blank when they named none) and one
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
    # The version of the agent's outputs counted ("" for outputs that named none): one row per
    # combination, so the metrics break down by version and a task type's row is their sum.
    agent_version = models.CharField(max_length=100, blank=True, default="")
    prompt_version = models.CharField(max_length=100, blank=True, default="")
    agent_model = models.CharField(max_length=100, blank=True, default="")
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
            models.UniqueConstraint(fields=["task_type", "month", "agent_version", "prompt_version", "agent_model"],
                                    name="metric_rollup_one_per_task_type_month_version"),
        ]
        indexes = [models.Index(fields=["month"], name="metric_rollup_month")]

    def __str__(self) -> str:
        return f"{self.task_type} {self.month:%Y-%m}"
