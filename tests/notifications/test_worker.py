"""The whole path with real processes: a Celery worker, the web server, a local fake Slack and a real
SMTP server. An item waits → the worker posts it (after Slack's 429, once its Retry-After passed) →
a reviewer's signed click approves it → the worker executes it (the email reaches the SMTP server) →
the worker updates the message to say so. A replayed click and a stranger's click change nothing."""

from __future__ import annotations

import pytest
import requests

from reviews.models import AuditEvent, Decision, Notification, Proposal
from tests.factories import agent_with_token, policy, reviewer
from tests.notifications.conftest import SLACK_ACTIONS, FakeSlack, block_text, click_payload, element, link, signed
from tests.support import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake_slack(settings):
    fake = FakeSlack()
    for name, value in fake.env.items():
        setattr(settings, name, value)
    yield fake
    fake.close()


def test_waiting_posted_clicked_executed_and_shown(live_server, fake_slack, smtp_sink, worker_factory, broker,
                                                   settings) -> None:
    from reviews.models import NotificationRoute

    settings.HITLCRM_BASE_URL = live_server.url
    policy("*", mode="always_review")
    rita = reviewer("rita")
    link(rita, "U0RITA")
    NotificationRoute.objects.create(name="sdr", channel="slack_channel", slack_channel_id="C0REVIEW")
    _, token = agent_with_token("sdr-bot")
    fake_slack.answer_next(429, headers={"Retry-After": "1"}, body={"ok": False, "error": "ratelimited"})
    worker_factory({**fake_slack.env, "EMAIL_HOST": smtp_sink.host, "EMAIL_PORT": str(smtp_sink.port),
                    "HITLCRM_BASE_URL": live_server.url})
    smtp_sink.clear()

    submitted = requests.post(f"{live_server.url}/api/v1/email-drafts/", headers={"Authorization": f"Token {token}"},
                              json={"to": ["ada@contoso.example"], "subject": "Idea for Contoso",
                                    "body": "Hi Ada,\n\nContoso's new Berlin office caught my eye.\n\nBest,\nSam",
                                    "company_name": "Contoso", "task_type": "cold_email", "confidence": 0.9,
                                    "evidence": [{"source": "press", "url": "https://contoso.example/b",
                                                  "quote": "Berlin"}]})
    assert submitted.status_code == 201, submitted.text
    proposal_id = submitted.json()["id"]

    posts = wait_for(lambda: len(fake_slack.calls_to("chat.postMessage")) >= 2 and fake_slack.calls_to("chat.postMessage"),
                     timeout=60, what="the message, posted again after the 429")
    assert posts[1]["at"] - posts[0]["at"] >= 1.0  # not before Slack's Retry-After
    message = posts[1]["args"]
    approve = element(message["blocks"], "hitlcrm_approve")
    assert approve["value"] == str(proposal_id) and "Idea for Contoso" in block_text(message["blocks"])
    row = wait_for(lambda: Notification.objects.filter(proposal_id=proposal_id, purpose="item", state="sent").first(),
                   timeout=30, what="the posted message recorded")

    # A stranger's click: told so, nothing changes.
    body, headers = signed(click_payload(slack_user="U0STRANGER", action_id="hitlcrm_approve", proposal_id=proposal_id,
                                         ts=row.slack_ts))
    assert requests.post(f"{live_server.url}{SLACK_ACTIONS}", data=body, headers={
        **headers, "Content-Type": "application/x-www-form-urlencoded"}).status_code == 200
    ephemeral = wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"), timeout=30, what="the ephemeral answer")
    assert ephemeral[0]["args"]["user"] == "U0STRANGER" and "not allowed" in ephemeral[0]["args"]["text"]
    assert Proposal.objects.get(pk=proposal_id).status == "needs_review"

    # Rita's click approves it; the same request again is refused.
    body, headers = signed(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal_id,
                                         ts=row.slack_ts))
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    assert requests.post(f"{live_server.url}{SLACK_ACTIONS}", data=body, headers=headers).status_code == 200
    assert requests.post(f"{live_server.url}{SLACK_ACTIONS}", data=body, headers=headers).status_code == 409

    wait_for(lambda: Proposal.objects.get(pk=proposal_id).status == "done", timeout=60, what="the execution")
    (sent,) = wait_for(smtp_sink.received, timeout=30, what="the email at the SMTP server")
    assert sent["rcpt"] == ["ada@contoso.example"] and sent["message"]["Subject"] == "Idea for Contoso"
    (decision,) = Decision.objects.filter(proposal_id=proposal_id)
    assert decision.reviewer == rita

    def shown_executed() -> bool:
        return any("Approved by rita; executed." in block_text(call["args"]["blocks"])
                   for call in fake_slack.calls_to("chat.update"))

    wait_for(shown_executed, timeout=60, what="the message updated to say it was executed")
    assert all(call["args"]["ts"] == row.slack_ts for call in fake_slack.calls_to("chat.update"))
    actions = list(AuditEvent.objects.filter(proposal_id_ref=proposal_id).order_by("seq").values_list("action", flat=True))
    assert {"notification_sent", "approved", "slack_decided", "executed", "notification_updated"} <= set(actions)
    assert actions.index("approved") < actions.index("slack_decided") < actions.index("executed")
