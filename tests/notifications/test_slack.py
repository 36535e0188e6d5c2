"""Slack: a waiting item is posted with its content, checks and buttons; a signed click by a linked
reviewer decides it through the decision service; the message then shows what was recorded. Forged,
stale and replayed requests, unlinked Slack users and items that need the console change nothing."""

from __future__ import annotations

import time

import pytest

from reviews.models import AuditEvent, Decision, Notification, Proposal, SlackRequest
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_claim, proposal_decide
from tests.notifications.conftest import (
    block_text,
    click,
    click_payload,
    element,
    link,
    post_click,
    send_pending,
    signed,
    waiting_item,
)

pytestmark = pytest.mark.django_db


def posted_message(slack) -> dict:
    (call,) = slack.calls_to("chat.postMessage")
    return call["args"]


def test_an_item_that_starts_waiting_is_posted_with_its_draft_checks_identity_and_buttons(api, slack, channel_route):
    proposal = waiting_item(api)

    assert Notification.objects.filter(proposal=proposal, purpose="item", state="pending").count() == 1
    send_pending()

    message = posted_message(slack)
    assert message["channel"] == "C0REVIEW"
    text = block_text(message["blocks"])
    assert "Subject: Idea for Contoso" in text and "Hi Ada" in text
    assert f"Email draft #{proposal.pk}" in text and "Contoso" in text and "Contact 0035g00000ABCDeAAP" in text
    assert element(message["blocks"], "hitlcrm_approve")["value"] == str(proposal.pk)
    reasons = [option["value"] for option in element(message["blocks"], "hitlcrm_reject")["options"]]
    assert reasons == [f"{proposal.pk}:{code}" for code in ("factual_error", "tone", "compliance", "wrong_target", "other")]
    assert element(message["blocks"], "hitlcrm_open")["url"] == f"https://hitlcrm.example{proposal.admin_url()}"
    row = Notification.objects.get(proposal=proposal, purpose="item")
    assert (row.state, row.slack_channel, row.slack_ts) == ("sent", "C0REVIEW", "1700000001.000001")
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="notification_sent").count() == 1


def test_a_crm_change_shows_its_diff_and_failing_checks_are_named(api, slack, channel_route):
    proposal = waiting_item(api, kind="crm")
    send_pending()
    text = block_text(posted_message(slack)["blocks"])
    assert "Title: " in text and "→ VP Sales" in text and "Department: " in text
    failing = [result.name for result in proposal.check_results.all() if not result.passed]
    assert failing and all(name in text for name in failing)


def test_ai_written_text_cannot_mention_a_channel_or_dress_up_a_link(api, slack, channel_route):
    waiting_item(api, subject="<!channel> <https://evil.example|your invoice>")
    send_pending()
    blocks = posted_message(slack)["blocks"]
    subject = next(block["text"] for block in blocks if block.get("text", {}).get("text", "").startswith("Subject:"))
    assert subject["type"] == "plain_text"  # Slack renders no mention or link from plain text


def test_a_signed_click_by_a_linked_reviewer_approves_and_the_message_shows_it(api, slack, channel_route, rita):
    link(rita, "U0RITA")
    proposal = waiting_item(api)
    send_pending()

    response = click(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk))

    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by == rita
    (decision,) = Decision.objects.filter(proposal=proposal)
    assert decision.reviewer == rita and decision.user_agent == "Slack T0HITL/U0RITA"
    actions = list(AuditEvent.objects.filter(proposal_id_ref=proposal.pk).order_by("seq").values_list("action", "actor"))
    assert ("approved", "rita") in actions and ("slack_decided", "rita") in actions

    send_pending()  # the status change queued the message's update
    (update,) = slack.calls_to("chat.update")
    assert (update["args"]["channel"], update["args"]["ts"]) == ("C0REVIEW", "1700000001.000001")
    assert "Approved by rita" in block_text(update["args"]["blocks"])
    assert element(update["args"]["blocks"], "hitlcrm_approve") is None  # no buttons once decided
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="notification_updated").exists()


def test_a_reason_from_the_menu_rejects_with_that_reason(api, slack, channel_route, rita):
    link(rita, "U0RITA")
    proposal = waiting_item(api)
    send_pending()
    response = click(click_payload(slack_user="U0RITA", action_id="hitlcrm_reject", proposal_id=proposal.pk,
                                   reason="tone"))
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason_code, proposal.decided_by) == ("rejected", "tone", rita)
    send_pending()
    assert "Rejected by rita (Tone)" in block_text(slack.calls_to("chat.update")[0]["args"]["blocks"])


def test_a_forged_click_is_refused_and_changes_nothing(api, slack, channel_route, rita):
    link(rita, "U0RITA")
    proposal = waiting_item(api)
    payload = click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk)

    assert click(payload, secret="not-the-signing-secret").status_code == 401
    body, headers = signed(payload)
    tampered = body.replace(b"U0RITA", b"U0RUTH")
    assert post_click(tampered, headers).status_code == 401
    assert post_click(body, {**headers, "X-Slack-Signature": ""}).status_code == 401

    proposal.refresh_from_db()
    assert proposal.status == "needs_review" and not Decision.objects.exists()
    assert AuditEvent.objects.filter(action="slack_request_refused").count() == 3
    assert not Notification.objects.filter(purpose="ephemeral").exists()


def test_a_stale_click_is_refused_even_with_a_valid_signature(api, slack, channel_route, rita):
    link(rita, "U0RITA")
    proposal = waiting_item(api)
    payload = click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk)
    assert click(payload, timestamp=int(time.time()) - 6 * 60).status_code == 401
    proposal.refresh_from_db()
    assert proposal.status == "needs_review" and not Decision.objects.exists()


def test_a_replayed_click_is_refused_and_changes_nothing(api, slack, channel_route, rita):
    link(rita, "U0RITA")
    first, second = waiting_item(api), waiting_item(api)
    # The replay names another item in nothing but the same signed bytes: here a rejection of the first.
    body, headers = signed(click_payload(slack_user="U0RITA", action_id="hitlcrm_reject", proposal_id=first.pk,
                                         reason="tone"))
    assert post_click(body, headers).status_code == 200
    proposal_undo_to_waiting = Proposal.objects.get(pk=first.pk)
    assert proposal_undo_to_waiting.status == "rejected"
    events = AuditEvent.objects.count()

    assert post_click(body, headers).status_code == 409
    assert Decision.objects.filter(proposal=first).count() == 1
    assert SlackRequest.objects.count() == 1
    refused = AuditEvent.objects.filter(seq__gt=0).order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1 and refused.action == "slack_request_refused"
    assert refused.data["reason"].startswith("replayed")
    assert Proposal.objects.get(pk=second.pk).status == "needs_review"


def test_a_slack_user_without_a_linked_reviewer_is_told_not_allowed_and_nothing_changes(api, slack, channel_route):
    proposal = waiting_item(api)
    response = click(click_payload(slack_user="U0STRANGER", action_id="hitlcrm_approve", proposal_id=proposal.pk))

    assert response.status_code == 200  # Slack shows an error for anything else; the user is told below
    proposal.refresh_from_db()
    assert proposal.status == "needs_review" and not Decision.objects.exists()
    refused = AuditEvent.objects.get(action="slack_action_refused")
    assert refused.actor == "slack" and refused.data["slack_user"] == "U0STRANGER"

    send_pending()
    (ephemeral,) = slack.calls_to("chat.postEphemeral")
    assert ephemeral["args"]["user"] == "U0STRANGER" and ephemeral["args"]["channel"] == "C0REVIEW"
    assert "not allowed" in ephemeral["args"]["text"]


@pytest.mark.parametrize("why", ["compliance", "inactive", "other workspace"])
def test_only_an_active_linked_reviewer_who_may_decide_can_decide(api, slack, channel_route, rita, carl, why):
    if why == "compliance":
        link(carl, "U0CARL")
        payload = click_payload(slack_user="U0CARL", action_id="hitlcrm_approve", proposal_id=0)
    elif why == "inactive":
        link(rita, "U0RITA")
        rita.is_active = False
        rita.save()
        payload = click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=0)
    else:
        link(rita, "U0RITA")
        payload = click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=0, team="T0OTHER")
    proposal = waiting_item(api)
    payload["actions"][0]["value"] = str(proposal.pk)
    assert click(payload).status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "needs_review" and not Decision.objects.exists()
    assert "not allowed" in Notification.objects.get(purpose="ephemeral").text


def test_two_clicks_from_two_reviewers_leave_one_decision(api, slack, channel_route, rita, ruth):
    link(rita, "U0RITA")
    link(ruth, "U0RUTH")
    proposal = waiting_item(api)
    assert click(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk)).status_code == 200
    assert click(click_payload(slack_user="U0RUTH", action_id="hitlcrm_reject", proposal_id=proposal.pk,
                               reason="tone")).status_code == 200

    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by == rita
    (decision,) = Decision.objects.filter(proposal=proposal)
    assert decision.reviewer == rita
    told = Notification.objects.get(purpose="ephemeral", slack_user="U0RUTH").text
    assert "approved" in told and "nothing changed" in told


def test_a_four_eyes_item_offers_only_the_console_and_a_crafted_click_is_refused(api, slack, channel_route, sam):
    from tests.factories import policy

    policy("*", mode="always_review", required_approvals=2)
    link(sam, "U0SAM")
    proposal = waiting_item(api)
    assert proposal.required_approvals == 2
    send_pending()
    blocks = posted_message(slack)["blocks"]
    assert element(blocks, "hitlcrm_approve") is None and element(blocks, "hitlcrm_reject") is None
    assert element(blocks, "hitlcrm_open") is not None and "two approvers" in block_text(blocks)

    click(click_payload(slack_user="U0SAM", action_id="hitlcrm_approve", proposal_id=proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == "needs_review" and not Decision.objects.exists()
    assert "console" in Notification.objects.get(purpose="ephemeral").text


def test_a_crm_change_with_a_low_confidence_field_is_decided_field_by_field_in_the_console(api, slack, channel_route,
                                                                                            rita):
    link(rita, "U0RITA")
    proposal = waiting_item(api, kind="crm", field_confidence={"Title": 0.5, "Department": 0.95})
    click(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == "needs_review"
    assert "field by field" in Notification.objects.get(purpose="ephemeral").text


def test_a_crm_change_is_approved_whole_from_slack(api, slack, channel_route, rita):
    link(rita, "U0RITA")
    proposal = waiting_item(api, kind="crm")
    click(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert set(proposal.field_changes.values_list("decision", flat=True)) == {"approved"}


def test_an_item_someone_holds_in_the_console_is_left_to_them(api, slack, channel_route, rita, ruth):
    link(rita, "U0RITA")
    proposal = waiting_item(api)
    proposal_claim(proposal_id=proposal.pk, actor=Actor.for_user(ruth))
    click(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == "needs_review"
    assert "ruth is reviewing" in Notification.objects.get(purpose="ephemeral").text


def test_an_item_decided_before_its_message_went_out_is_not_posted(api, slack, channel_route, rita):
    proposal = waiting_item(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    send_pending()
    assert slack.calls_to("chat.postMessage") == []
    assert Notification.objects.get(proposal=proposal, purpose="item").state == "cancelled"
