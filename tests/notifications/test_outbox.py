"""The outbox: Slack's 429 waits its Retry-After, 5xx and network failures back off, permanent
refusals and the last attempt give up (audited); one item gets one message per route; quiet hours
hold direct messages; and nothing about notifications can stop or change a decision."""

from __future__ import annotations

from datetime import time as clock
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews import tasks
from reviews.models import AuditEvent, Notification, NotificationRoute
from reviews.services import notifications
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide, proposal_undo
from reviews.services.notifications import notification_send, notifications_dispatch
from tests.notifications.conftest import block_text, link, send_pending, waiting_item

pytestmark = pytest.mark.django_db


def item_row(proposal) -> Notification:
    return Notification.objects.get(proposal=proposal, purpose="item")


def make_due(row: Notification) -> None:
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_429_is_retried_after_slacks_retry_after(api, slack, channel_route):
    proposal = waiting_item(api)
    row = item_row(proposal)
    slack.answer_next(429, headers={"Retry-After": "7"}, body={"ok": False, "error": "ratelimited"})

    before = timezone.now()
    assert notification_send(notification_id=row.pk) == 7.0
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1) and "rate limited" in row.last_error
    assert before + timedelta(seconds=7) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=7)
    assert notification_send(notification_id=row.pk) is None  # not before its time
    assert len(slack.calls_to("chat.postMessage")) == 1

    make_due(row)
    assert notification_send(notification_id=row.pk) is None
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2) and row.slack_ts
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_the_task_publishes_a_short_retry_with_its_wait_and_leaves_a_long_one_to_the_dispatcher(
        api, slack, channel_route, monkeypatch):
    published: list[tuple] = []
    monkeypatch.setattr(notifications, "publish", lambda task, args, countdown=0: published.append((args, countdown)))
    first, second = waiting_item(api), waiting_item(api)
    slack.answer_next(429, headers={"Retry-After": "3"})
    slack.answer_next(429, headers={"Retry-After": "900"})

    tasks.notifications_send_task.apply(args=[[item_row(first).pk, item_row(second).pk]])

    assert published == [(([item_row(first).pk],), 3.0)]
    assert item_row(second).next_attempt_at > timezone.now() + timedelta(seconds=800)


@pytest.mark.parametrize("answer", [(500, b"<html>Internal Server Error</html>"), (503, {"ok": False})])
def test_a_5xx_backs_off_and_the_last_attempt_gives_up_audited(api, slack, channel_route, settings, answer):
    settings.HITLCRM_NOTIFICATION_MAX_ATTEMPTS = 3
    proposal = waiting_item(api)
    row = item_row(proposal)
    delays = []
    for _ in range(3):
        slack.answer_next(answer[0], body=answer[1])
        make_due(row)
        delays.append(notification_send(notification_id=row.pk))
    row.refresh_from_db()
    assert delays[0] is not None and 1.0 <= delays[0] <= 2.0 and 2.0 <= delays[1] <= 4.0 and delays[2] is None
    assert (row.state, row.attempts) == ("failed", 3)
    failed = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="notification_failed")
    assert failed.data["attempts"] == 3 and failed.actor == "notifications"
    proposal.refresh_from_db()
    assert proposal.status == "needs_review"  # a lost notification changes nothing that is decided


def test_slack_unreachable_is_transient(api, slack, channel_route, settings):
    settings.HITLCRM_SLACK_API_URL = "http://127.0.0.1:9/api/"  # nothing listens on the discard port
    row = item_row(waiting_item(api))
    assert notification_send(notification_id=row.pk) is not None
    row.refresh_from_db()
    assert row.state == "pending" and "unreachable" in row.last_error


def test_a_permanent_refusal_gives_up_at_once(api, slack, channel_route):
    row = item_row(waiting_item(api))
    slack.answer_next(200, body={"ok": False, "error": "channel_not_found"})
    assert notification_send(notification_id=row.pk) is None
    row.refresh_from_db()
    assert row.state == "failed" and "channel_not_found" in row.last_error and row.attempts == 1


def test_without_a_bot_token_slack_rows_fail_naming_the_setting(api, slack, channel_route, settings):
    settings.HITLCRM_SLACK_BOT_TOKEN = ""
    row = item_row(waiting_item(api))
    notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.state == "failed" and "HITLCRM_SLACK_BOT_TOKEN" in row.last_error


def test_a_decision_goes_on_while_slack_fails(api, slack, channel_route, rita):
    proposal = waiting_item(api)
    send_pending()
    slack.answer_next(500)
    decided = proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    assert decided.status == "approved"
    send_pending()
    update = Notification.objects.get(proposal=proposal, purpose="update")
    assert update.state == "pending" and update.attempts == 1
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_a_failure_to_enqueue_never_stops_the_change(api, slack, channel_route, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("routes unreadable")

    monkeypatch.setattr(notifications, "_announcements", broken)
    proposal = waiting_item(api)  # the checks' transition to needs_review still happens
    assert proposal.status == "needs_review"
    assert not Notification.objects.exists()


def test_one_item_gets_one_message_per_route_and_a_return_to_the_queue_updates_it(api, slack, channel_route, rita,
                                                                                    settings):
    settings.HITLCRM_UNDO_GRACE_SECONDS = 600
    NotificationRoute.objects.create(name="all", channel="slack_channel", slack_channel_id="C0ALL")
    proposal = waiting_item(api)
    assert sorted(Notification.objects.filter(proposal=proposal).values_list("target", flat=True)) == ["C0ALL",
                                                                                                       "C0REVIEW"]
    notifications.notifications_on_transition([proposal], target="needs_review")  # enqueued again: nothing new
    assert Notification.objects.filter(proposal=proposal, purpose="item").count() == 2
    send_pending()

    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal_undo(proposal_id=proposal.pk, actor=Actor.for_user(rita))  # back in the queue
    send_pending()
    assert len(slack.calls_to("chat.postMessage")) == 2
    updates = slack.calls_to("chat.update")
    assert {call["args"]["channel"] for call in updates} == {"C0ALL", "C0REVIEW"}
    # The approval's and the undo's updates of one message are sent once, as it stands now: waiting.
    assert len(updates) == 2
    assert all("Approved by" not in block_text(call["args"]["blocks"]) for call in updates)
    assert Notification.objects.filter(purpose="update", state="cancelled").count() == 2


def test_a_route_covers_only_its_queues_task_types_and_risks(api, slack):
    NotificationRoute.objects.create(name="crm", channel="slack_channel", slack_channel_id="C0CRM", kinds=["crm_change"])
    NotificationRoute.objects.create(name="cold", channel="slack_channel", slack_channel_id="C0COLD",
                                     task_types=["cold_email"])
    NotificationRoute.objects.create(name="risky", channel="slack_channel", slack_channel_id="C0RISK", min_risk=4)
    email = waiting_item(api)
    change = waiting_item(api, kind="crm")
    assert list(Notification.objects.filter(proposal=email).values_list("target", flat=True)) == ["C0COLD"]
    assert list(Notification.objects.filter(proposal=change).values_list("target", flat=True)) == ["C0CRM"]
    assert email.risk < 4 and change.risk < 4


def test_direct_messages_reach_linked_reviewers_and_wait_out_their_quiet_hours(api, slack, rita, ruth, settings):
    route = NotificationRoute.objects.create(name="dm", channel="slack_dm")
    link(rita, "U0RITA")
    now = timezone.now()
    quiet_start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    quiet_end = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    link(ruth, "U0RUTH", quiet_hours_start=quiet_start, quiet_hours_end=quiet_end, timezone="UTC")
    proposal = waiting_item(api)

    rows = {row.target: row for row in Notification.objects.filter(proposal=proposal, route=route)}
    assert set(rows) == {"U0RITA", "U0RUTH"}  # every reviewer who may decide and is linked
    assert rows["U0RITA"].next_attempt_at <= timezone.now()
    assert rows["U0RUTH"].next_attempt_at > now + timedelta(hours=1, minutes=50)
    send_pending()
    (dm,) = slack.calls_to("chat.postMessage")
    assert dm["args"]["channel"] == "U0RITA"
    rows["U0RITA"].refresh_from_db()
    assert rows["U0RITA"].slack_channel == "D0RITA"  # the DM's channel, which chat.update needs


def test_quiet_hours_across_midnight() -> None:
    from datetime import UTC, datetime

    from reviews.models import ReviewerNotificationProfile

    profile = ReviewerNotificationProfile(quiet_hours_start=clock(19), quiet_hours_end=clock(7), timezone="Europe/Berlin")
    late = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    assert profile.quiet_until(late) == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    assert profile.quiet_until(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)) is None


def test_the_dispatcher_publishes_rows_whose_time_came(api, slack, channel_route, monkeypatch):
    published: list = []
    monkeypatch.setattr(notifications, "publish", lambda task, args, countdown=0: published.append(args))
    row = item_row(waiting_item(api))
    assert notifications_dispatch()["published"] == 0  # just queued: its own task is on its way
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    assert notifications_dispatch()["published"] == 1
    assert published == [([row.pk],)]


def test_an_hourly_limit_sends_the_overflow_as_a_digest(api, slack):
    route = NotificationRoute.objects.create(name="busy", channel="slack_channel", slack_channel_id="C0BUSY",
                                             per_item_limit=2)
    items = [waiting_item(api) for _ in range(4)]
    assert Notification.objects.filter(route=route, purpose="item").count() == 2
    assert notifications.notifications_digest() == 1
    assert notifications.notifications_digest() == 0  # one digest per period
    send_pending()
    digest = next(call for call in slack.calls_to("chat.postMessage") if call["args"]["text"].startswith("Waiting"))
    text = block_text(digest["args"]["blocks"])
    assert "Email draft*: 4 waiting" in text and all(f"#{item.pk}" in text for item in items)


def test_a_digest_only_route_posts_no_item(api, slack):
    route = NotificationRoute.objects.create(name="digest", channel="slack_channel", slack_channel_id="C0D",
                                             per_item_limit=0)
    waiting_item(api)
    assert not Notification.objects.filter(route=route, purpose="item").exists()
    assert notifications.notifications_digest() == 1


def test_announcing_many_items_costs_the_queries_of_a_few(api, slack, rita, ruth):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dm = NotificationRoute.objects.create(name="dm", channel="slack_dm")
    NotificationRoute.objects.create(name="inbox", channel="email").reviewers.set([rita, ruth])
    NotificationRoute.objects.create(name="channel", channel="slack_channel", slack_channel_id="C0ALL")
    link(rita, "U0RITA")
    link(ruth, "U0RUTH")
    for user in (rita, ruth):
        user.email = f"{user.username}@acme.example"
        user.save()
    NotificationRoute.objects.filter(pk=dm.pk).update(enabled=False)
    items = [waiting_item(api) for _ in range(12)]
    NotificationRoute.objects.filter(pk=dm.pk).update(enabled=True)

    def queries(proposals) -> int:
        with CaptureQueriesContext(connection) as captured:
            notifications.notifications_on_transition(proposals, target="needs_review")
        return len(captured)

    assert queries(items[:2]) == queries(items[2:])
    assert Notification.objects.filter(route=dm, purpose="item").count() == 24  # each item, each linked reviewer


def test_check_warns_of_a_bot_token_without_a_signing_secret(settings):
    from reviews.system_checks import slack_signing_secret_set

    settings.HITLCRM_SLACK_BOT_TOKEN, settings.HITLCRM_SLACK_SIGNING_SECRET = "xoxb-1", ""
    assert [message.id for message in slack_signing_secret_set()] == ["hitlcrm.W004"]
    settings.HITLCRM_SLACK_SIGNING_SECRET = "secret"
    assert slack_signing_secret_set() == []


def test_a_message_posted_while_its_item_was_decided_is_brought_up_to_date(api, slack, channel_route, rita,
                                                                            monkeypatch):
    proposal = waiting_item(api)
    row = item_row(proposal)
    from integrations.slack import client as slack_client_module

    real_post = slack_client_module.SlackClient.post_message

    def decided_meanwhile(self, **kwargs):
        posted = real_post(self, **kwargs)
        # The decision commits while the message is on its way: it finds no posted message to update.
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
        assert not Notification.objects.filter(purpose="update").exists()
        return posted

    monkeypatch.setattr(slack_client_module.SlackClient, "post_message", decided_meanwhile)
    notification_send(notification_id=row.pk)
    send_pending()
    (update,) = slack.calls_to("chat.update")
    assert "Approved by rita" in block_text(update["args"]["blocks"])
    assert notifications.messages_reconcile() == 0  # up to date now


def test_the_dispatcher_updates_a_message_whose_update_was_lost(api, slack, channel_route, rita):
    proposal = waiting_item(api)
    send_pending()
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    Notification.objects.filter(purpose="update").delete()  # lost with a broker outage, say
    assert notifications_dispatch()["reconciled"] == 1
    send_pending()
    assert "Approved by rita" in block_text(slack.calls_to("chat.update")[0]["args"]["blocks"])
