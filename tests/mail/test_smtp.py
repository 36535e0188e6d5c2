"""The SMTP path, against real SMTP servers: what goes out, once, and what a failure means."""

from __future__ import annotations

import pytest

from reviews.executors import Outcome
from reviews.models import AuditEvent, Execution, ExecutionState
from reviews.models.mail import MailDelivery
from reviews.services.execution import executions_due, proposals_execute
from reviews.services.sending import message_id_for
from reviews.state_machine import Status
from tests.support import free_port

pytestmark = pytest.mark.django_db


def test_the_edited_draft_is_what_goes_out_and_the_original_stays_recorded(approved_email, smtp) -> None:
    proposal = approved_email(edits={"subject": "A thought for Contoso", "body": "Hi Ada,\n\nShort and edited.\n\nSam"})

    proposals_execute(proposal_ids=[proposal.pk])

    [received] = smtp.received()
    message = received["message"]
    assert message["Subject"] == "A thought for Contoso"
    # The edited body, then the footer hitlcrm appends (HITLCRM_FOOTER_MODE=append, tests/mail/test_sending_rules.py).
    assert message.get_content().replace("\r\n", "\n").startswith("Hi Ada,\n\nShort and edited.\n\nSam\n\n--\n")
    assert received["rcpt"] == ["ada@contoso.example"]
    assert message["Message-ID"] == message_id_for(proposal) == f"<hitlcrm-proposal-{proposal.pk}@hitlcrm.example>"
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE
    assert proposal.original_output["subject"] == "Idea for Contoso"
    assert proposal.final_output["subject"] == "A thought for Contoso"
    execution = Execution.objects.get(proposal=proposal)
    assert execution.state == ExecutionState.SUCCEEDED
    assert execution.message_id == execution.provider_id == message["Message-ID"]
    assert execution.response["provider"] == "smtp"
    assert MailDelivery.objects.get(proposal=proposal).sending_attempt == 1


def test_executing_twice_sends_once(approved_email, smtp) -> None:
    proposal = approved_email()

    first = proposals_execute(proposal_ids=[proposal.pk])
    second = proposals_execute(proposal_ids=[proposal.pk])

    assert list(first) == [proposal.pk] and second == {}
    assert len(smtp.received()) == 1
    assert Execution.objects.get(proposal=proposal).attempts == 1


def test_a_server_that_cannot_be_reached_leaves_the_email_for_a_safe_retry(approved_email, settings, smtp) -> None:
    proposal = approved_email()
    settings.EMAIL_PORT = free_port()  # nothing listens: the connection is refused before any message

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.EXECUTING and execution.state == ExecutionState.PENDING
    assert execution.error_code == "mail_unavailable"
    assert proposal.pk in executions_due()  # the sweeper sends it once the server is back

    settings.EMAIL_PORT = smtp.port
    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    assert proposal.status == Status.DONE and len(smtp.received()) == 1


def test_a_hang_up_before_data_is_retried_but_one_after_data_is_unknown(approved_email, scripted_smtp) -> None:
    before = approved_email()
    server = scripted_smtp("drop_before_data")
    proposals_execute(proposal_ids=[before.pk])
    assert Execution.objects.get(proposal=before).state == ExecutionState.PENDING
    assert server.received == []

    after = approved_email(to=["grace@contoso.example"])
    server = scripted_smtp("drop_after_data")
    proposals_execute(proposal_ids=[after.pk])

    after.refresh_from_db()
    execution = Execution.objects.get(proposal=after)
    assert after.status == Status.EXECUTING and execution.state == ExecutionState.UNKNOWN
    assert len(server.messages_with(message_id_for(after))) == 1
    assert after.pk not in executions_due()  # never resent blindly
    assert AuditEvent.objects.filter(proposal_id_ref=after.pk, action="execution_outcome_unknown").exists()


def test_a_refusal_fails_the_email_with_the_reason(approved_email, scripted_smtp) -> None:
    proposal = approved_email()
    server = scripted_smtp("refuse_rcpt")

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.FAILED and execution.state == ExecutionState.FAILED
    assert execution.error_code == "mail_refused" and "550" in execution.last_error
    assert server.received == []


def test_a_worker_that_died_before_sending_leaves_a_safe_retry(approved_email, smtp) -> None:
    from datetime import timedelta

    from reviews.services.execution import executions_recover_stale, proposals_claim_for_execution

    proposal = approved_email()
    proposals_claim_for_execution([proposal.pk])  # claimed, then the worker died before the "sending" mark

    assert executions_recover_stale(older_than=timedelta(0)) == [proposal.pk]
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.PENDING
    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    assert proposal.status == Status.DONE and len(smtp.received()) == 1
    assert Execution.objects.get(proposal=proposal).attempts == 2


def test_a_slow_worker_whose_claim_was_taken_over_does_not_send(approved_email, smtp) -> None:
    from datetime import timedelta

    from reviews.models import Policy
    from reviews.services.execution import executions_recover_stale, proposals_claim_for_execution
    from reviews.services.sending import email_mark_sending

    proposal = approved_email()
    [slow] = proposals_claim_for_execution([proposal.pk])  # attempt 1, then stuck (e.g. a slow CRM read)
    executions_recover_stale(older_than=timedelta(0))
    proposals_claim_for_execution([proposal.pk])  # attempt 2, another worker

    go = email_mark_sending(proposal=slow, attempt=1, message_id=message_id_for(slow),
                            addresses=["ada@contoso.example"], policy=Policy.for_task_type("*"))

    assert go is False
    assert not MailDelivery.objects.filter(proposal=proposal).exists()
    # Nor does its late verdict (say, a pre-send stop) land on the new owner's attempt.
    from reviews.services.sending import email_outcome_record

    assert email_outcome_record(slow, Outcome(Status.FAILED, error_code="opted_out"), attempt=1) is False
    execution = Execution.objects.get(proposal=proposal)
    assert (execution.state, execution.attempts) == (ExecutionState.IN_PROGRESS, 2)
