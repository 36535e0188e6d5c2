"""The sweeper: finds work that should be in flight and enqueues it again. Safe to run any
number of times, because every use case it triggers is idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..conf import hitlcrm_settings
from ..models import Proposal
from ..state_machine import Status
from .execution import executions_due, executions_recover_stale
from .queueing import publish
from .sending import email_activities_due
from .webhooks import webhooks_requeue_stale

BATCH = 200


def sweep(*, checking_older_than: timedelta | None = None,
          stale_execution_after: timedelta | None = None) -> dict[str, int]:
    """Re-enqueue lost work; the thresholds default to ``HITLCRM_SWEEP_CHECKING_AFTER_SECONDS`` and
    ``HITLCRM_SWEEP_STALE_EXECUTION_SECONDS``."""
    from ..tasks import email_activities_push_task, proposal_execute_task, proposals_run_checks_task

    if checking_older_than is None:
        checking_older_than = timedelta(seconds=hitlcrm_settings.SWEEP_CHECKING_AFTER_SECONDS)
    if stale_execution_after is None:
        stale_execution_after = timedelta(seconds=hitlcrm_settings.SWEEP_STALE_EXECUTION_SECONDS)
    cutoff = timezone.now() - checking_older_than
    checking = list(
        Proposal.objects.filter(status=Status.CHECKING, status_changed_at__lt=cutoff).values_list("pk", flat=True)[:5000]
    )
    for start in range(0, len(checking), BATCH):
        publish(proposals_run_checks_task, (checking[start:start + BATCH],))
    executions_recover_stale(older_than=stale_execution_after)
    due = executions_due()
    for start in range(0, len(due), BATCH):
        publish(proposal_execute_task, (due[start:start + BATCH],))
    webhooks_requeue_stale()  # decision webhooks whose queued message was lost
    if email_activities_due():  # sent emails still to be logged on their CRM records
        publish(email_activities_push_task, (None,))
    return {"checks": len(checking), "executions": len(due)}
