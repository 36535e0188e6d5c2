"""Thin Celery wrappers: take ids, call a service, retry only errors known to be transient."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .crm import CrmTransientError
from .services.webhooks import WebhookTransientError

# OperationalError: the database chose this transaction as a deadlock victim, or the connection was
# lost (a restart). The transaction was rolled back and every use case is safe to run again.
RETRY = {"autoretry_for": (CrmTransientError, OperationalError), "retry_backoff": 2, "retry_backoff_max": 300,
         "retry_jitter": True, "max_retries": 8}


@shared_task(**RETRY)
def proposal_run_checks_task(proposal_id: int) -> None:
    from .services.checking import proposal_run_checks

    proposal_run_checks(proposal_id=proposal_id)


@shared_task(**RETRY)
def proposals_run_checks_task(proposal_ids: list[int]) -> None:
    """Checks of several proposals and of the others waiting in ``checking``, their CRM records read
    in batches."""
    from .services.checking import proposals_run_checks

    proposals_run_checks(proposal_ids=proposal_ids, take_along=True)


# A backstop only: each execution gives up by itself (reviews/services/execution.py), and a wait
# longer than HELD_RETRY_MAX_SECONDS ends the chain (the sweeper takes over).
EXECUTE_MAX_RETRIES = 30
DATABASE_RETRY_SECONDS = 2
# The longest retry wait a task is held for. Longer backoffs (up to SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS,
# hours) are held as data: the executions' retry_after, which the sweeper (every minute) honours. A
# task held for hours would outlast Redis's visibility timeout (reviews/system_checks.py).
HELD_RETRY_MAX_SECONDS = 300.0


@shared_task(bind=True, max_retries=EXECUTE_MAX_RETRIES)
def proposal_execute_task(self, proposal_ids: list[int]) -> None:  # noqa: ANN001
    """Execute these records (and the due records a batched executor takes along). After an
    executor's transient error it runs again when the backoff (exponential, with jitter) the
    executions recorded is over."""
    from .executors import transient_errors
    from .services.execution import executions_next_retry, executions_retry_in, proposals_execute

    try:
        proposals_execute(proposal_ids=proposal_ids)
    except transient_errors() as exc:
        countdown = executions_retry_in()
        if countdown > HELD_RETRY_MAX_SECONDS:
            return  # a long wait: the sweeper picks the records up when their retry_after comes
        raise self.retry(exc=exc, countdown=countdown) from exc
    except OperationalError as exc:
        # Rolled back (a deadlock victim, a lost connection). A claim that did not commit is retried
        # here; one that did is resumed by the sweeper, whose push finds written values already equal.
        raise self.retry(exc=exc, countdown=DATABASE_RETRY_SECONDS) from exc
    if self.request.retries:
        # A retry wakes when the first waiting record may go, but every record released after a
        # transient failure has a time of its own (jitter): those whose time had not come yet still
        # wait, and no other task may be coming for them. The chain goes on until none waits, so
        # none is left for the sweeper (found by tests/reliability/test_salesforce_faults.py).
        waiting, countdown = executions_next_retry()
        if waiting and countdown <= HELD_RETRY_MAX_SECONDS:
            raise self.retry(args=(waiting,), countdown=countdown)


@shared_task
def sweep_task() -> None:
    """Re-enqueue work that should be in flight but is not (a lost task, a broker that was down)."""
    from .services.sweeping import sweep

    sweep()


@shared_task
def sla_escalate_task() -> None:
    from .services.sla import proposals_escalate_overdue

    proposals_escalate_overdue()


@shared_task
def metrics_roll_up_task() -> None:
    """Roll up the gate metrics of closed months (beat, hourly); a missed run is made up by the next."""
    from .services.metrics import metrics_roll_up

    metrics_roll_up()


@shared_task(**RETRY)
def email_activities_push_task(proposal_ids: list[int] | None = None) -> None:
    """Log sent emails on their CRM records (completed Tasks); ``None``: every one that is due."""
    from .services.sending import email_activities_push

    email_activities_push(proposal_ids=proposal_ids)




@shared_task(autoretry_for=(WebhookTransientError,), retry_backoff=2, retry_backoff_max=600, retry_jitter=True,
             max_retries=None)
def webhook_deliver_task(delivery_id: int) -> None:
    """One decision-webhook attempt; the service gives up (and stops raising) after the last attempt."""
    from .services.webhooks import webhook_deliver

    webhook_deliver(delivery_id=delivery_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, retry_backoff_max=60, max_retries=5)
def notifications_send_task(notification_ids: list[int]) -> None:
    """Send these outbox rows; a row to retry soon is published again with its wait (a Slack 429's
    Retry-After, a backoff), a later one is left to the dispatcher."""
    from .services.notifications import HELD_RETRY_MAX_SECONDS, notifications_publish, notifications_send

    for notification_id, delay in notifications_send(notification_ids=notification_ids).items():
        if delay <= HELD_RETRY_MAX_SECONDS:
            notifications_publish([notification_id], countdown=delay)


@shared_task
def notifications_dispatch_task() -> None:
    """Due digests, retries held as data and rows whose quiet hours ended (beat, every minute)."""
    from .services.notifications import notifications_dispatch

    notifications_dispatch()
