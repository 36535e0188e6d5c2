"""Postmark tracking webhooks posted to the real URL, through anymail's view and its basic auth."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from reviews.models import AuditEvent
from reviews.models.mail import DeliveryStatus, MailDelivery, MailEvent, Suppression
from reviews.services.execution import proposals_execute
from tests.factories import policy

pytestmark = pytest.mark.django_db
URL = "/mail/postmark/tracking/"


def post(client, payload: dict[str, Any], secret: str = "hook:s3cret"):
    auth = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post(URL, data=json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=auth)


@pytest.fixture
def sent(approved_email, postmark) -> Any:
    proposal = approved_email()
    proposals_execute(proposal_ids=[proposal.pk])
    return MailDelivery.objects.get(proposal=proposal)


def delivery(sent: MailDelivery) -> dict[str, Any]:
    return {"RecordType": "Delivery", "ServerID": 23, "MessageStream": "outbound",
            "MessageID": sent.provider_message_id, "Recipient": "ada@contoso.example",
            "DeliveredAt": "2025-01-06T10:00:05Z", "Details": "smtp;250 2.0.0 OK",
            "Metadata": {"hitlcrm_proposal": str(sent.proposal_id)}}


def bounce(sent: MailDelivery, kind: str = "HardBounce", event_id: int = 4323372036854775807) -> dict[str, Any]:
    return {"RecordType": "Bounce", "ID": event_id, "Type": kind, "TypeCode": 1, "Name": "Hard bounce",
            "MessageID": sent.provider_message_id, "ServerID": 23, "MessageStream": "outbound",
            "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
            "Details": "smtp;550 5.1.1 The email account does not exist", "Email": "Ada@Contoso.example",
            "From": "outreach@hitlcrm.example", "BouncedAt": "2025-01-06T10:00:05Z", "Inactive": True,
            "CanActivate": True, "Subject": "Idea for Contoso", "Metadata": {"hitlcrm_proposal": str(sent.proposal_id)}}


def test_an_invalid_secret_is_rejected_and_changes_nothing(client, sent) -> None:
    for secret in ("hook:wrong", "someone:s3cret"):
        assert post(client, bounce(sent), secret=secret).status_code == 400
    response = client.post(URL, data=json.dumps(bounce(sent)), content_type="application/json")
    assert response.status_code == 400
    assert not MailEvent.objects.exists() and not Suppression.objects.exists()
    assert MailDelivery.objects.get(pk=sent.pk).delivery_status == DeliveryStatus.NONE


def test_delivered_updates_the_draft(client, sent) -> None:
    assert post(client, delivery(sent)).status_code == 200

    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED
    event = MailEvent.objects.get()
    assert (event.provider, event.event_type, event.proposal_id) == ("Postmark", "delivered", sent.proposal_id)
    assert not Suppression.objects.exists()
    assert AuditEvent.objects.filter(proposal_id_ref=sent.proposal_id, action="mail_delivered").exists()


def test_a_hard_bounce_suppresses_the_address_and_a_repeat_is_ignored(client, sent) -> None:
    assert post(client, bounce(sent)).status_code == 200
    assert post(client, bounce(sent)).status_code == 200  # Postmark retrying the same event

    entry = Suppression.objects.get()
    assert (entry.address, entry.reason, entry.source_event_id) == ("ada@contoso.example", "hard_bounce",
                                                                    "4323372036854775807")
    assert MailEvent.objects.count() == 1
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.BOUNCED
    assert AuditEvent.objects.filter(proposal_id_ref=sent.proposal_id, action="mail_bounced").count() == 1


def test_a_soft_bounce_does_not_suppress(client, sent) -> None:
    assert post(client, bounce(sent, kind="SoftBounce", event_id=77)).status_code == 200
    assert MailEvent.objects.count() == 1 and not Suppression.objects.exists()


def test_a_complaint_suppresses_the_address(client, sent) -> None:
    payload = {**bounce(sent, kind="SpamComplaint", event_id=42), "RecordType": "SpamComplaint",
               "Email": "ada@contoso.example"}
    assert post(client, payload).status_code == 200

    assert Suppression.objects.get().reason == "complaint"
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.COMPLAINED


def test_an_unsubscribe_suppresses_the_address_and_the_next_email_is_stopped(client, sent, approved_email) -> None:
    payload = {"RecordType": "SubscriptionChange", "MessageID": sent.provider_message_id, "ServerID": 23,
               "MessageStream": "outbound", "ChangedAt": "2025-01-06T11:00:00Z", "Recipient": "ada@contoso.example",
               "Origin": "Recipient", "SuppressSending": True, "SuppressionReason": "ManualSuppression",
               "Metadata": {"hitlcrm_proposal": str(sent.proposal_id)}}
    assert post(client, payload).status_code == 200
    assert post(client, payload).status_code == 200  # no event id: deduplicated by its content

    assert Suppression.objects.get().reason == "unsubscribe"
    assert MailEvent.objects.count() == 1
    policy("*", quiet_period_days=0)
    later = approved_email(subject="Next quarter")
    proposals_execute(proposal_ids=[later.pk])
    later.refresh_from_db()
    assert later.status == "failed" and later.execution.error_code == "suppressed"


def test_an_event_is_matched_by_the_provider_message_id_without_metadata(client, sent) -> None:
    payload = delivery(sent)
    del payload["Metadata"]
    assert post(client, payload).status_code == 200
    assert MailEvent.objects.get().proposal_id == sent.proposal_id


def test_without_a_webhook_secret_events_change_nothing(client, sent, settings) -> None:
    settings.ANYMAIL = {key: value for key, value in settings.ANYMAIL.items() if key != "WEBHOOK_SECRET"}
    with pytest.warns(Warning, match="WEBHOOK_SECRET"):
        response = client.post(URL, data=json.dumps(bounce(sent)), content_type="application/json")
    assert response.status_code == 200
    assert not MailEvent.objects.exists() and not Suppression.objects.exists()
