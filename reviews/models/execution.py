"""Where an approved record stands on its way out: the side effect of its executor (reviews/executors)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from ..execution_state_machine import ExecutionState
from .proposals import Proposal

__all__ = ["Execution", "ExecutionAttempt", "ExecutionQuerySet", "ExecutionState", "ExecutorPause"]


class ExecutionQuerySet(models.QuerySet):
    def locked(self) -> ExecutionQuerySet:
        """The one row-lock helper for executions. Always in proposal order, so two workers locking
        overlapping sets wait for each other instead of deadlocking; FOR NO KEY UPDATE (as for
        proposals, see ``select_for_decision``), so inserting a row that references a locked one
        (the execution log) never waits for the lock's holder."""
        return self.order_by("proposal_id").select_for_update(no_key=True)


class Execution(models.Model):
    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="execution")
    state = models.CharField(max_length=20, choices=ExecutionState.choices, default=ExecutionState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    error_code = models.CharField(max_length=80, blank=True)
    provider_id = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    executor = models.CharField(max_length=20, blank=True)
    response = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Transient failures in a row since the last outcome (bounds the retries), and when a pending
    # execution may be tried again (exponential backoff with jitter; the sweeper honours it too).
    transient_failures = models.PositiveIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    # When the first of those transient failures came: the retries give up only once they have gone
    # on for SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS (an org's maintenance window or a long-locked row
    # lasts hours), not after a few minutes of attempts.
    failing_since = models.DateTimeField(null=True, blank=True)

    objects = ExecutionQuerySet.as_manager()

    class Meta:
        db_table = "reviews_execution"
        indexes = [models.Index(fields=["state", "started_at"], name="execution_state_started")]

    def __str__(self) -> str:
        return f"execution of #{self.proposal_id}: {self.state}"

    def as_api(self) -> dict:
        return {
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.last_error or None,
            "error_code": self.error_code or None,
            "provider_id": self.provider_id or None,
            "retry_after": self.retry_after.isoformat() if self.retry_after else None,
            "retrying_until": self.retrying_until.isoformat() if self.retrying_until else None,
        }

    @property
    def retrying_until(self):  # noqa: ANN201  (datetime | None)
        """When a pending retry gives up at the latest (None: not retrying), by its executor's retry policy."""
        from ..executors import executor_of

        if self.state != ExecutionState.PENDING or self.failing_since is None:
            return None
        policy = executor_of(self).retry_policy()
        return self.failing_since + timedelta(seconds=policy.give_up_after) if policy is not None else None


class ExecutionAttempt(models.Model):
    """The execution log: one row per record per push to Salesforce, with what Salesforce said.

    Records pushed together share a ``batch``; ``http_requests`` and the API usage are the batch's
    (the requests carry up to 200 records each), so sum them per batch, not per row.
    """

    class Outcome(models.TextChoices):
        WRITTEN = "written", "Written"
        ALREADY_DONE = "already_done", "Already held the values (nothing written)"
        CONFLICT = "conflict", "Conflict (not written)"
        FAILED = "failed", "Failed (permanent error)"
        RETRY = "retry", "Not written; retried later (transient error)"

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="log")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="execution_log")
    batch = models.UUIDField(db_index=True)
    number = models.PositiveIntegerField(help_text="The execution's attempt number.")
    request_kind = models.CharField(max_length=20, help_text="update (by id) or upsert (by external id)")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    http_requests = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)
    # The org's daily API usage as Salesforce reported it (Sforce-Limit-Info) after the batch.
    api_usage_used = models.PositiveIntegerField(null=True, blank=True)
    api_usage_max = models.PositiveIntegerField(null=True, blank=True)
    response = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "reviews_executionattempt"
        ordering = ["pk"]
        indexes = [models.Index(fields=["proposal", "started_at"], name="execution_log_proposal")]

    def __str__(self) -> str:
        return f"push of #{self.proposal_id} ({self.outcome})"


class ExecutorPause(models.Model):
    """An executor's pause of every execution: the other side, not a record, is the problem (a
    Salesforce login the org refuses, an org refusing every request, its daily allocation used up).

    Kept in the database, not the cache: a cache may cull or lose an entry under pressure or on a
    restart, which would forget since when the outage runs and restart the growing wait between
    probes at its first step. One row per paused executor; deleted when a push gets through.
    """

    executor = models.CharField(max_length=50, primary_key=True, help_text="The executor's name (Executor.name).")
    # What the dashboard and /health/ show (reason, title, since, message, fix, probes, next_probe_at, ...):
    # the executor's own shape.
    state = models.JSONField(default=dict)
    # The one probe in flight once the wait is over: other processes keep waiting until it ends (or
    # until this time, should its process die).
    probe_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reviews_executorpause"

    def __str__(self) -> str:
        return f"{self.executor} paused ({self.state.get('reason', '')})"
