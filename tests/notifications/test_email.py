"""Email to reviewers: digests of waiting work per queue with SLA warnings, escalations to senior
reviewers, sent through the project's mail backend (a real SMTP server here), with links that open
the item once, for their recipient only, after login, and not after they expire."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reviews.models import AuditEvent, Notification, NotificationLink, NotificationRoute, Proposal
from reviews.services.notifications import notifications_digest
from reviews.services.sla import proposals_escalate_overdue
from tests.notifications.conftest import link, send_pending, waiting_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_sink.host, smtp_sink.port
    settings.HITLCRM_BASE_URL = "https://hitlcrm.example"
    settings.HITLCRM_NOTIFICATION_FROM_EMAIL = "reviews@hitlcrm.example"
    smtp_sink.clear()
    return smtp_sink


@pytest.fixture
def email_route(rita, db):
    route = NotificationRoute.objects.create(name="inbox", channel="email", per_item_limit=0, digest_minutes=60)
    route.reviewers.set([rita])
    rita.email = "rita@acme.example"
    rita.save()
    return route


def links_in(text: str) -> list[str]:
    return re.findall(r"https://hitlcrm\.example(/notifications/open/[^\s/]+/)", text)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_digest_lists_waiting_work_per_queue_with_sla_warnings_and_single_use_links(api, mailbox, email_route, rita):
    email, change = waiting_item(api), waiting_item(api, kind="crm")
    Proposal.objects.filter(pk=email.pk).update(sla_due_at=timezone.now() - timedelta(minutes=30))

    assert notifications_digest() == 1
    send_pending()

    (received,) = mailbox.received()
    message = received["message"]
    assert received["rcpt"] == ["rita@acme.example"] and message["From"] == "reviews@hitlcrm.example"
    assert message["Subject"] == "[hitlcrm] 2 item(s) wait for review, 1 overdue"
    body = message.get_content().replace("\r\n", "\n")
    assert "Email draft: 1 waiting, 1 overdue" in body and "CRM change: 1 waiting, 0 overdue" in body
    assert f"SLA warnings:\n- Email draft #{email.pk} is overdue by 30 min" in body
    assert f"CRM change #{change.pk}" in body and "Idea for Contoso" in body
    urls = links_in(body)
    assert len(urls) == 2
    assert AuditEvent.objects.get(action="notification_sent").data["channel"] == "email"

    first = urls[0]
    anonymous = Client().get(first)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")  # login still required
    assert NotificationLink.objects.filter(used_at__isnull=False).count() == 0  # a scanner does not use it up

    opened = logged_in(rita).get(first)
    assert opened.status_code == 302 and opened["Location"] == email.admin_url()
    assert AuditEvent.objects.filter(proposal_id_ref=email.pk, action="notification_link_opened", actor="rita").exists()
    again = logged_in(rita).get(first)
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_a_link_is_for_its_recipient_only_and_expires(api, mailbox, email_route, rita, ruth):
    waiting_item(api)
    notifications_digest()
    send_pending()
    (url,) = links_in(mailbox.received()[0]["message"].get_content())

    assert logged_in(ruth).get(url).status_code == 403
    assert NotificationLink.objects.get().used_at is None  # still rita's to use

    NotificationLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = logged_in(rita).get(url)
    assert expired.status_code == 410 and "expired" in expired.content.decode()

    assert logged_in(rita).get(url[:-3] + "xx/").status_code == 400  # a damaged signature


def test_the_signature_expires_with_the_configured_lifetime(api, mailbox, email_route, rita, monkeypatch):
    """The signed token carries its own time: past the lifetime it is refused even if the row's
    expiry were moved (the signer's clock is moved here, the row is left as it is)."""
    import time

    from reviews.conf import hitlcrm_settings

    waiting_item(api)
    notifications_digest()
    send_pending()
    (url,) = links_in(mailbox.received()[0]["message"].get_content())
    later = time.time() + hitlcrm_settings.NOTIFICATION_LINK_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    response = logged_in(rita).get(url)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert NotificationLink.objects.get().used_at is None


def test_an_escalation_reaches_the_senior_reviewers_by_email(api, mailbox, rita, sam):
    route = NotificationRoute.objects.create(name="inbox", channel="email")
    route.reviewers.set([rita])
    rita.email, sam.email = "rita@acme.example", "sam@acme.example"
    rita.save()
    sam.save()
    proposal = waiting_item(api)
    send_pending()
    assert [m["rcpt"] for m in mailbox.received()] == [["rita@acme.example"]]  # the item, to the route's reviewer
    mailbox.clear()

    Proposal.objects.filter(pk=proposal.pk).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    assert proposals_escalate_overdue()["escalated"] == 1
    send_pending()

    (received,) = mailbox.received()
    assert received["rcpt"] == ["sam@acme.example"]  # every active senior reviewer (the route names none)
    assert received["message"]["Subject"].startswith(f"[hitlcrm] SLA: Email draft #{proposal.pk} waits past its SLA")
    assert len(links_in(received["message"].get_content())) == 1
    assert Notification.objects.filter(purpose="escalation", recipient=sam, state="sent").count() == 1


def test_an_escalation_in_a_channel_names_the_linked_senior_reviewers(api, slack, channel_route, sam):
    link(sam, "U0SAM")
    proposal = waiting_item(api)
    Proposal.objects.filter(pk=proposal.pk).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    proposals_escalate_overdue()
    send_pending()
    escalation = slack.calls_to("chat.postMessage")[-1]["args"]
    assert "Waiting past its SLA" in escalation["blocks"][0]["text"]["text"]
    assert "<@U0SAM>" in escalation["blocks"][0]["text"]["text"]


def test_a_reviewer_in_quiet_hours_gets_no_digest_now(api, mailbox, email_route, rita):
    now = timezone.now()
    link(rita, "", slack_team_id="", quiet_hours_start=(now - timedelta(hours=1)).time().replace(microsecond=0),
         quiet_hours_end=(now + timedelta(hours=1)).time().replace(microsecond=0))
    waiting_item(api)
    assert notifications_digest() == 0  # the first period after the quiet hours tells them
