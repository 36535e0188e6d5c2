"""At most once with real Celery workers: a worker killed between "sending" and the server's answer,
and a task delivered more than once."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest

from reviews.models import AuditEvent, Execution, ExecutionState
from reviews.models.mail import MailDelivery
from reviews.services.actors import Actor
from reviews.services.execution import executions_due, executions_recover_stale
from reviews.services.mail_events import email_resolve_unknown
from reviews.services.sending import message_id_for
from reviews.services.sweeping import sweep
from reviews.state_machine import Status
from reviews.tasks import proposal_execute_task
from tests.support import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def finished(worker, task_id: str) -> bool:
    return f"[{task_id}] succeeded" in worker.log_path.read_text(errors="replace")


def test_a_worker_killed_mid_send_leaves_an_unknown_that_is_never_resent(
        approved_email, scripted_smtp, worker_factory, rita) -> None:
    server = scripted_smtp("stall")
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(server.port), "EMAIL_TIMEOUT": "300"}
    worker = worker_factory(env)

    proposal = approved_email()  # the approval enqueues its execution; the worker takes it
    wait_for(server.in_data.is_set, timeout=60, what="the worker to hand the message to the server")

    # Marked "sending" (committed) before the server was called.
    assert MailDelivery.objects.get(proposal=proposal).sending_attempt == 1
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.IN_PROGRESS
    worker.stop(signal.SIGKILL)
    server.release.set()  # the server accepts it after all: it did go out
    server.mode = "accept"

    executions_recover_stale(older_than=timedelta(0))

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.EXECUTING and execution.state == ExecutionState.UNKNOWN
    assert proposal.pk not in executions_due()
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="execution_outcome_unknown").exists()

    # A new worker, the sweeper, and the dead worker's task delivered again: nothing resends it.
    worker = worker_factory(env)
    other = approved_email(to=["grace@contoso.example"])
    sweep(stale_execution_after=timedelta(0))
    redelivered = proposal_execute_task.delay([proposal.pk, other.pk])
    wait_for(lambda: finished(worker, redelivered.id), timeout=60, what="the redelivered task to finish")
    wait_for(lambda: Execution.objects.filter(proposal=other, state=ExecutionState.SUCCEEDED).exists(),
             timeout=60, what="the other email to be sent by the new worker")
    assert len(server.messages_with(message_id_for(proposal))) == 1
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.UNKNOWN

    # A person checks the mail server's log and resolves it.
    email_resolve_unknown(proposal_id=proposal.pk, actor=Actor.for_user(rita), sent=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.SUCCEEDED
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="send_confirmed", actor="rita").exists()


def test_a_task_delivered_three_times_sends_once(approved_email, smtp, worker_factory) -> None:
    worker = worker_factory({"EMAIL_HOST": smtp.host, "EMAIL_PORT": str(smtp.port)})

    proposal = approved_email()  # enqueued once by the approval ...
    again = [proposal_execute_task.delay([proposal.pk]) for _ in range(2)]  # ... and twice more

    def executed() -> int:
        log = worker.log_path.read_text(errors="replace").splitlines()
        return sum(1 for line in log if "proposal_execute_task[" in line and "] succeeded" in line)

    wait_for(lambda: executed() >= 3, timeout=60, what="all three deliveries of the task to finish")
    assert all(finished(worker, result.id) for result in again)
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.SUCCEEDED
    assert [m["message"]["Message-ID"] for m in smtp.received()] == [message_id_for(proposal)]
    assert Execution.objects.get(proposal=proposal).attempts == 1
