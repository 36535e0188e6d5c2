"""The ESP path: anymail's test backend, and anymail's real Postmark backend against a local fake
of Postmark's HTTP API (``POSTMARK_API_URL``)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import get_connection

from integrations.mail.sending import idempotency_headers
from reviews.models import Execution, ExecutionState
from reviews.models.mail import MailDelivery
from reviews.services.execution import executions_due, proposals_execute
from reviews.services.sending import message_id_for
from reviews.state_machine import Status
from tests.support import free_port

pytestmark = pytest.mark.django_db


def test_anymail_test_backend_gets_the_final_email_with_its_headers(approved_email, settings) -> None:
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []
    proposal = approved_email(edits={"body": "Hi Ada,\n\nEdited.\n\nSam"})

    proposals_execute(proposal_ids=[proposal.pk])

    [sent] = mail.outbox
    params = sent.anymail_test_params
    # The edited body, then the footer hitlcrm appends (HITLCRM_FOOTER_MODE=append, tests/mail/test_sending_rules.py).
    assert params["subject"] == "Idea for Contoso" and params["text_body"].startswith("Hi Ada,\n\nEdited.\n\nSam\n\n--\n")
    assert params["extra_headers"]["Message-ID"] == message_id_for(proposal)
    assert params["extra_headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert params["metadata"] == {"hitlcrm_proposal": str(proposal.pk)}
    execution = Execution.objects.get(proposal=proposal)
    assert execution.state == ExecutionState.SUCCEEDED
    assert execution.provider_id == "0"  # the test backend's id: the message's index in the outbox
    assert execution.response["status"] == ["sent"] and execution.response["provider"] == "Test"


def test_postmark_receives_message_id_token_and_metadata_and_its_id_is_recorded(approved_email, postmark) -> None:
    proposal = approved_email(edits={"subject": "A thought for Contoso"})

    proposals_execute(proposal_ids=[proposal.pk])

    [request] = postmark.requests
    assert request["path"] == "/email"
    assert request["headers"]["X-Postmark-Server-Token"] == "server-token-123"
    body = request["json"]
    assert body["Subject"] == "A thought for Contoso" and body["To"] == "ada@contoso.example"
    assert {"Name": "Message-ID", "Value": message_id_for(proposal)} in body["Headers"]
    assert body["Metadata"] == {"hitlcrm_proposal": str(proposal.pk)}
    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.DONE
    assert execution.provider_id == "0a129aee-e1cd-480d-b08d-4f48548ff001"
    assert execution.response["http_status"] == 200 and execution.response["body"]["Message"] == "OK"
    delivery = MailDelivery.objects.get(proposal=proposal)
    assert delivery.provider == "Postmark" and delivery.provider_message_id == execution.provider_id


@pytest.mark.parametrize(
    ("status", "error_body", "state", "proposal_status", "code"),
    [
        # Refused: certainly not sent.
        (422, {"ErrorCode": 300, "Message": "Invalid 'To' address: 'ada@contoso.example'."}, ExecutionState.FAILED,
         Status.FAILED, "mail_refused"),
        (422, {"ErrorCode": 406, "Message": "You tried to send to a recipient that has been marked as inactive."},
         ExecutionState.FAILED, Status.FAILED, "mail_refused"),
        (401, {"ErrorCode": 10, "Message": "Bad or missing Server API token"}, ExecutionState.FAILED, Status.FAILED,
         "mail_refused"),
        # Asked to come back later: not sent, retried by the sweeper.
        (429, {"ErrorCode": 429, "Message": "Rate limit exceeded"}, ExecutionState.PENDING, Status.EXECUTING,
         "mail_unavailable"),
        # A server error after the request arrived: it may have queued the message.
        (500, {"ErrorCode": 0, "Message": "Internal error"}, ExecutionState.UNKNOWN, Status.EXECUTING,
         "outcome_unknown"),
    ],
)
def test_postmark_errors_say_whether_the_email_may_have_left(approved_email, postmark, status, error_body, state,
                                                              proposal_status, code) -> None:
    postmark.status, postmark.error_body = status, error_body
    proposal = approved_email()

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert (execution.state, proposal.status, execution.error_code) == (state, proposal_status, code)
    assert len(postmark.requests) == 1
    assert (proposal.pk in executions_due()) is (state == ExecutionState.PENDING)


def test_an_unreachable_esp_is_a_safe_retry(approved_email, postmark, settings) -> None:
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_API_URL": f"http://127.0.0.1:{free_port()}/"}
    proposal = approved_email()

    proposals_execute(proposal_ids=[proposal.pk])

    execution = Execution.objects.get(proposal=proposal)
    assert execution.state == ExecutionState.PENDING and execution.error_code == "mail_unavailable"

    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_API_URL": postmark.url}
    proposals_execute(proposal_ids=[proposal.pk])
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE and len(postmark.requests) == 1


def test_idempotency_keys_go_only_where_the_provider_honours_them(settings) -> None:
    settings.ANYMAIL = {"BREVO_API_KEY": "key", "POSTMARK_SERVER_TOKEN": "token"}
    brevo = get_connection("anymail.backends.brevo.EmailBackend")
    postmark = get_connection("anymail.backends.postmark.EmailBackend")
    resend_smtp = get_connection("django.core.mail.backends.smtp.EmailBackend", host="smtp.resend.com")
    assert idempotency_headers(brevo, "hitlcrm-proposal-7") == {"idempotencyKey": "hitlcrm-proposal-7"}
    assert idempotency_headers(resend_smtp, "hitlcrm-proposal-7") == {"Resend-Idempotency-Key": "hitlcrm-proposal-7"}
    assert idempotency_headers(postmark, "hitlcrm-proposal-7") == {}


def test_a_provider_that_is_not_configured_names_the_setting_and_sends_nothing(approved_email, settings) -> None:
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {}
    proposal = approved_email()

    proposals_execute(proposal_ids=[proposal.pk])

    execution = Execution.objects.get(proposal=proposal)
    assert execution.state == ExecutionState.PENDING and execution.error_code == "mail_unavailable"
    assert "POSTMARK_SERVER_TOKEN" in execution.last_error
    assert not MailDelivery.objects.filter(proposal=proposal).exists()  # never got as far as "sending"
