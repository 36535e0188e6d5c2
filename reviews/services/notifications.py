"""Notifications: tell reviewers in Slack and by email when work waits, when it waits past its SLA,
and what became of it; send them from the outbox with retries.

Enqueueing happens inside the transaction of the change it tells about (``transitions`` calls
:func:`notifications_on_transition`, the SLA sweep :func:`notifications_on_escalation`): an outbox
row per route and person (or channel), unique by its ``dedupe_key``, so one item gets one message per
route and person however often it is enqueued. Workers send the rows after commit
(:func:`notifications_send`), each claimed with a lease so two workers never send one row at once,
and retry a Slack 429 after its ``Retry-After`` and a 5xx or network failure with exponential backoff;
longer waits are held as data (``next_attempt_at``) and picked up by the periodic dispatcher.

Nothing here can change a decision: a notification that fails to enqueue is logged and the change
goes on; one that fails to send is retried, then marked failed. Slack messages are rendered from
what hitlcrm recorded at the moment they are sent (notification_content), so an update never says
more than the database does.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from integrations.mail.sending import (
    MailOutcomeUnknownError,
    MailPermanentError,
    MailTransientError,
    OutgoingMessage,
    send_message,
)
from integrations.slack.blocks import digest_message, item_message
from integrations.slack.client import (
    SlackClient,
    SlackConfig,
    SlackConfigurationError,
    SlackPermanentError,
    SlackRateLimited,
    SlackTransientError,
)

from ..apps import perm
from ..audit_actions import AuditAction
from ..conf import hitlcrm_settings
from ..models import (
    Notification,
    NotificationChannel,
    NotificationPurpose,
    NotificationRoute,
    NotificationState,
    Proposal,
    ReviewerNotificationProfile,
)
from ..state_machine import Status
from .actors import Actor
from .audit import audit_record
from .notification_content import digest_view, item_summary, item_view, proposals_for_messages, sla_text
from .queueing import publish

logger = logging.getLogger(__name__)

NOTIFIER = Actor.system("notifications")
SLACK_CHANNELS = (NotificationChannel.SLACK_CHANNEL, NotificationChannel.SLACK_DM)
# A worker that claimed a row has this long to send it before the dispatcher may hand it to another.
LEASE = timedelta(seconds=120)
# Backoff of transient failures: 2 s doubling to 10 minutes, with jitter; a 429 waits its Retry-After.
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 600.0
# A retry at most this far off is published with a countdown (held by the broker); a longer one is
# left to the dispatcher, which runs every minute (reviews/system_checks.task_delays lists it).
HELD_RETRY_MAX_SECONDS = 300.0
# The dispatcher leaves rows alone this long after they became due: their own task is on its way.
DISPATCH_GRACE = timedelta(seconds=30)
ESCALATION_HEADING = "Waiting past its SLA"


class NotificationsNotConfigured(Exception):
    """A notification cannot be sent as configured (no bot token, a route without its target)."""


# --- who is told ----------------------------------------------------------------------------

def _people_with(permission: str) -> Any:
    """Active users holding ``reviews.<permission>`` through a group, directly, or as superusers."""
    app_label, codename = permission.split(".")
    by_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    model = get_user_model()
    holders = by_group | direct
    if any(field.name == "is_superuser" for field in model._meta.get_fields()):
        holders |= Q(is_superuser=True)
    return model.objects.filter(is_active=True).filter(holders).distinct()


def route_audience(route: NotificationRoute, *, escalation: bool = False) -> list[Any]:
    """The people a direct-message or email route tells: its reviewers (every active reviewer who may
    decide when it names none); for an escalation, its ``escalate_to`` people (when it names none,
    everyone active who may give a second approval: senior reviewers, admins). Each carries its
    notification profile (or None)."""
    if escalation:
        named = route.escalate_to.filter(is_active=True)
        people = named if named.exists() else _people_with(perm("second_approve_proposal"))
    else:
        named = route.reviewers.filter(is_active=True)
        people = named if named.exists() else _people_with(perm("decide_proposal"))
    people = list(people.order_by("pk"))
    profiles = {profile.user_id: profile for profile in
                ReviewerNotificationProfile.objects.filter(user_id__in=[person.pk for person in people])}
    for person in people:
        person._notification_profile = profiles.get(person.pk)
    return people


def _profile(person: Any) -> ReviewerNotificationProfile | None:
    return getattr(person, "_notification_profile", None)


def _email_of(person: Any) -> str:
    field = person.get_email_field_name() if hasattr(person, "get_email_field_name") else "email"
    return str(getattr(person, field, "") or "").strip()


def _person_target(route: NotificationRoute, person: Any) -> str:
    """Where a route reaches a person: their Slack member id or their email address ("" if nowhere)."""
    profile = _profile(person)
    if route.channel == NotificationChannel.SLACK_DM:
        return profile.slack_user_id if profile is not None and profile.slack_linked else ""
    if profile is not None and not profile.email_enabled:
        return ""
    return _email_of(person)


def _first_attempt(person: Any, now: datetime) -> datetime:
    """Now, or when the person's quiet hours end."""
    profile = _profile(person)
    return (profile.quiet_until(now) if profile is not None else None) or now


# --- enqueueing (inside the change's transaction) ---------------------------------------------

def notifications_on_transition(proposals: list[Proposal], *, target: str) -> None:
    """Called by every status change, in its transaction. An item that starts waiting is announced
    on every route that covers it; every Slack message already posted about these records is
    updated to show what happened. Never raises: a notification must not stop a change (the
    failure is logged, and the change goes on)."""
    if not proposals or (target != Status.NEEDS_REVIEW and not hitlcrm_settings.SLACK_BOT_TOKEN):
        return  # nothing can have been posted without a bot token: no update to queue
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the change's transaction usable
            rows = _updates_of_posted([proposal.pk for proposal in proposals])
            if target == Status.NEEDS_REVIEW:
                rows += _announcements(proposals, now=timezone.now())
            _created_and_published(rows)
    except Exception:
        logger.exception("could not enqueue notifications for %s record(s) moving to %s; the change goes on",
                         len(proposals), target)


def notifications_on_escalation(proposal: Proposal) -> None:
    """An item waits past its SLA: tell the senior reviewers through every route that covers it and
    escalates (in the escalation's transaction). Never raises, as above."""
    try:
        with transaction.atomic():
            now = timezone.now()
            rows = []
            for route in _enabled_routes():
                if route.escalate and route.covers(proposal):
                    rows += _rows_for(route, proposal, purpose=NotificationPurpose.ESCALATION, now=now)
            _created_and_published(rows)
    except Exception:
        logger.exception("could not enqueue the escalation notices of #%s; the escalation goes on", proposal.pk)


def _enabled_routes() -> list[NotificationRoute]:
    return list(NotificationRoute.objects.filter(enabled=True).order_by("pk"))


def _announcements(proposals: list[Proposal], *, now: datetime) -> list[Notification]:
    """The rows announcing these items, in a number of queries that grows with the routes, not the items."""
    rows: list[Notification] = []
    submitters: dict[int, int] | None = None
    for route in _enabled_routes():
        covered = [proposal for proposal in proposals if route.covers(proposal)]
        if not covered or route.digests_only:
            continue  # a digest-only route tells of them in its next digest
        if route.per_item_limit:
            covered = covered[:max(route.per_item_limit - _items_announced_last_hour(route, now), 0)]
        if route.to_people and covered and submitters is None:
            submitters = _submitters(proposals)
        audience = route_audience(route) if route.to_people and covered else None
        for proposal in covered:
            rows += _rows_for(route, proposal, purpose=NotificationPurpose.ITEM, now=now, audience=audience,
                              submitter=(submitters or {}).get(proposal.pk))
    return rows


def _submitters(proposals: list[Proposal]) -> dict[int, int]:
    """Proposal id -> the user id of the agent's service account that submitted it."""
    from ..models import ApiClient

    users = dict(ApiClient.objects.filter(pk__in={p.agent_id for p in proposals}).values_list("pk", "user_id"))
    return {proposal.pk: users.get(proposal.agent_id) for proposal in proposals}


def _items_announced_last_hour(route: NotificationRoute, now: datetime) -> int:
    recent = Notification.objects.filter(route=route, purpose=NotificationPurpose.ITEM,
                                         created_at__gte=now - timedelta(hours=1))
    return recent.values("proposal_id").distinct().count()


def _rows_for(route: NotificationRoute, proposal: Proposal, *, purpose: str, now: datetime,
              audience: list[Any] | None = None, submitter: int | None = None) -> list[Notification]:
    """The outbox rows of one item on one route: one for a channel, one per person otherwise."""
    key = f"{purpose}:{route.pk}:{proposal.pk}"
    if not route.to_people:
        return [Notification(purpose=purpose, channel=route.channel, route=route, proposal=proposal,
                             target=route.slack_channel_id, dedupe_key=f"{key}:channel", next_attempt_at=now)]
    if audience is None:
        audience = route_audience(route, escalation=purpose == NotificationPurpose.ESCALATION)
    if submitter is None:
        submitter = _submitters([proposal]).get(proposal.pk)
    rows = []
    for person in audience:
        if person.pk == submitter:
            continue  # nobody is asked to decide what their own service account submitted
        target = _person_target(route, person)
        if target:
            rows.append(Notification(purpose=purpose, channel=route.channel, route=route, proposal=proposal,
                                     recipient=person, target=target, dedupe_key=f"{key}:user{person.pk}",
                                     next_attempt_at=_first_attempt(person, now)))
    return rows


def _updates_of_posted(proposal_ids: list[int]) -> list[Notification]:
    """An update for every Slack message posted about these records (none without a bot token:
    nothing can have been posted)."""
    if not hitlcrm_settings.SLACK_BOT_TOKEN:
        return []
    posted = Notification.objects.filter(
        proposal_id__in=proposal_ids, purpose__in=[NotificationPurpose.ITEM, NotificationPurpose.ESCALATION],
        channel__in=SLACK_CHANNELS).exclude(slack_ts="").values_list("pk", "proposal_id", "channel", "route_id",
                                                                     "slack_channel", "recipient_id")
    return [Notification(purpose=NotificationPurpose.UPDATE, channel=channel, route_id=route_id, proposal_id=proposal_id,
                         recipient_id=recipient_id, target=slack_channel, message_id=message_id)
            for message_id, proposal_id, channel, route_id, slack_channel, recipient_id in posted]


def _created_and_published(rows: list[Notification]) -> list[int]:
    """Insert the rows (a row whose dedupe key exists already is left out: that message is queued or
    sent) and publish the due ones after commit. Returns the ids of the rows written."""
    if not rows:
        return []
    keyed = [row for row in rows if row.dedupe_key]
    plain = [row for row in rows if not row.dedupe_key]
    written = {row.pk: row.next_attempt_at for row in Notification.objects.bulk_create(plain)} if plain else {}
    if keyed:
        Notification.objects.bulk_create(keyed, ignore_conflicts=True)  # no ids come back with conflicts ignored
        written.update(Notification.objects.filter(dedupe_key__in=[row.dedupe_key for row in keyed], attempts=0,
                                                   created_at__gte=min(row.created_at for row in keyed))
                       .values_list("pk", "next_attempt_at"))
    now = timezone.now()
    due = [pk for pk, at in written.items() if at <= now]  # the others (quiet hours) wait for the dispatcher
    if due:
        transaction.on_commit(lambda: notifications_publish(due))
    return list(written)


def notifications_publish(notification_ids: list[int], *, countdown: float = 0) -> None:
    from ..tasks import notifications_send_task

    for start in range(0, len(notification_ids), 50):
        publish(notifications_send_task, (notification_ids[start:start + 50],), countdown=countdown)


def notification_ephemeral(*, channel: str, slack_user: str, text: str) -> Notification:
    """Queue an answer only one Slack user sees (a click that changed nothing, and why)."""
    row = Notification.objects.create(purpose=NotificationPurpose.EPHEMERAL, channel=NotificationChannel.SLACK_CHANNEL,
                                      target=channel, slack_user=slack_user, text=text[:3000])
    transaction.on_commit(lambda: notifications_publish([row.pk]))
    return row


# --- sending (workers) ----------------------------------------------------------------------

def slack_client() -> SlackClient:
    return SlackClient(SlackConfig(token=hitlcrm_settings.SLACK_BOT_TOKEN, base_url=hitlcrm_settings.SLACK_API_URL,
                                   timeout_seconds=float(hitlcrm_settings.SLACK_TIMEOUT_SECONDS)))


def notifications_send(*, notification_ids: Iterable[int]) -> dict[int, float]:
    """Send these rows (those still pending and due). Returns {id: seconds} of the rows to try again
    later; the task publishes those due soon, the dispatcher the others."""
    retry: dict[int, float] = {}
    for notification_id in notification_ids:
        delay = notification_send(notification_id=notification_id)
        if delay is not None:
            retry[notification_id] = delay
    return retry


def notification_send(*, notification_id: int) -> float | None:
    """One attempt at one row. Returns the seconds until its next attempt when it should be tried
    again, else None (sent, given up, cancelled, or not this worker's to send)."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, state=NotificationState.PENDING,
                                          next_attempt_at__lte=now).update(next_attempt_at=now + LEASE,
                                                                           attempts=F("attempts") + 1)
    if not claimed:
        return None  # sent, given up, not due yet, or another worker holds it
    notification = Notification.objects.select_related("route", "recipient", "message").get(pk=notification_id)
    try:
        if notification.purpose == NotificationPurpose.EPHEMERAL:
            slack_client().post_ephemeral(channel=notification.target, user=notification.slack_user,
                                          text=notification.text)
            return _sent(notification, audit=False)
        if notification.channel == NotificationChannel.EMAIL:
            return _send_email(notification)
        return _send_slack(notification)
    except SlackRateLimited as exc:
        return _again(notification, error=str(exc), delay=exc.retry_after or BACKOFF_BASE_SECONDS)
    except (SlackTransientError, MailTransientError) as exc:
        return _again(notification, error=str(exc), delay=_backoff(notification.attempts))
    except (SlackPermanentError, SlackConfigurationError, MailPermanentError, NotificationsNotConfigured) as exc:
        return _give_up(notification, error=str(exc))
    except MailOutcomeUnknownError as exc:
        # The mail server may have taken it: not sent again (a reviewer would get it twice).
        return _give_up(notification, error=f"{exc} (it may have been delivered; not repeated)")


def _backoff(attempts: int) -> float:
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * (2 ** max(attempts - 1, 0)))
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)


def _again(notification: Notification, *, error: str, delay: float) -> float | None:
    if notification.attempts >= int(hitlcrm_settings.NOTIFICATION_MAX_ATTEMPTS):
        return _give_up(notification, error=error)
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=delay), last_error=error[:2000])
    return delay


def _give_up(notification: Notification, *, error: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(state=NotificationState.FAILED, last_error=error[:2000])
        if notification.purpose != NotificationPurpose.EPHEMERAL:
            audit_record(action=AuditAction.NOTIFICATION_FAILED, actor=NOTIFIER, proposal=notification.proposal,
                         data={**_described(notification), "error": error[:500]})
    return None


def _cancel(notification: Notification, why: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(state=NotificationState.CANCELLED, last_error=why)
    return None


def _sent(notification: Notification, *, audit: bool = True, audit_data: dict[str, Any] | None = None,
          **changes: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(state=NotificationState.SENT, sent_at=now, last_error="",
                                                               **changes)
        for name, value in changes.items():
            setattr(notification, name, value)
        if audit:
            action = (AuditAction.NOTIFICATION_UPDATED if notification.purpose == NotificationPurpose.UPDATE
                      else AuditAction.NOTIFICATION_SENT)
            audit_record(action=action, actor=NOTIFIER, proposal=notification.proposal,
                         data={**_described(notification), **(audit_data or {})})
    return None


def _described(notification: Notification) -> dict[str, Any]:
    data = {"notification": notification.pk, "purpose": notification.purpose, "channel": notification.channel,
            "target": notification.target, "route": notification.route.name if notification.route else "",
            "attempts": notification.attempts}
    if notification.slack_ts:
        data["slack"] = {"channel": notification.slack_channel, "ts": notification.slack_ts}
    if notification.shown_status:
        data["shown_status"] = notification.shown_status
    return data


def _waiting_or_cancel(notification: Notification) -> Proposal | None:
    proposal = proposals_for_messages([notification.proposal_id]).get(notification.proposal_id)
    if proposal is None or proposal.status != Status.NEEDS_REVIEW:
        return _cancel(notification, "the item no longer waits")
    return proposal


def _escalation_mentions(notification: Notification) -> list[str]:
    """The linked Slack users an escalation in a channel names."""
    if notification.route is None:
        return []
    people = route_audience(notification.route, escalation=True)
    return [profile.slack_user_id for profile in map(_profile, people) if profile is not None and profile.slack_linked]


def _send_slack(notification: Notification) -> float | None:
    client = slack_client()
    if notification.purpose == NotificationPurpose.DIGEST:
        waiting = _route_waiting(notification.route) if notification.route else []
        if not waiting:
            return _cancel(notification, "nothing waits any more")
        text, blocks = digest_message(digest_view(notification.route.name, waiting))
        posted = client.post_message(channel=notification.target, text=text, blocks=blocks)
        return _sent(notification, slack_channel=posted.channel, slack_ts=posted.ts)
    if notification.purpose == NotificationPurpose.UPDATE:
        message = notification.message
        if message is None or not message.slack_ts:
            return _cancel(notification, "the message was never posted")
        rendered_at = timezone.now()
        proposal = proposals_for_messages([notification.proposal_id]).get(notification.proposal_id)
        if proposal is None:
            return _cancel(notification, "the item is gone")
        still_late = message.purpose == NotificationPurpose.ESCALATION and proposal.status == Status.NEEDS_REVIEW
        heading = ESCALATION_HEADING if still_late else ""
        text, blocks = item_message(item_view(proposal, heading=heading))
        client.update_message(channel=message.slack_channel, ts=message.slack_ts, text=text, blocks=blocks)
        with transaction.atomic():
            Notification.objects.filter(pk=message.pk).update(shown_status=proposal.status)
            # Updates of the same message queued before this one rendered are covered by it.
            Notification.objects.filter(message=message, state=NotificationState.PENDING, created_at__lte=rendered_at
                                        ).exclude(pk=notification.pk).update(state=NotificationState.CANCELLED,
                                                                             last_error="covered by a later update")
            return _sent(notification, shown_status=proposal.status, slack_channel=message.slack_channel,
                         slack_ts=message.slack_ts)
    proposal = _waiting_or_cancel(notification)
    if proposal is None:
        return None
    escalation = notification.purpose == NotificationPurpose.ESCALATION
    mentions = _escalation_mentions(notification) if escalation and not notification.recipient_id else []
    view = item_view(proposal, heading=ESCALATION_HEADING if escalation else "", mentions=mentions)
    text, blocks = item_message(view)
    posted = client.post_message(channel=notification.target, text=text, blocks=blocks)
    _sent(notification, slack_channel=posted.channel, slack_ts=posted.ts, shown_status=proposal.status)
    # A decision made while the message was on its way found no message to update: update it now.
    messages_reconcile(message_ids=[notification.pk])
    return None


def messages_reconcile(*, message_ids: list[int] | None = None, since: timedelta = timedelta(days=7)) -> int:
    """Queue an update of every posted Slack message that shows another status than its record's,
    has no update pending, and none that was given up (an administrator retries those). Covers a
    decision made while its message was being posted, and an update lost with a broker outage.
    Returns how many updates were queued."""
    posted = Notification.objects.filter(purpose__in=[NotificationPurpose.ITEM, NotificationPurpose.ESCALATION],
                                         channel__in=SLACK_CHANNELS, state=NotificationState.SENT).exclude(slack_ts="")
    if message_ids is not None:
        posted = posted.filter(pk__in=message_ids)
    else:
        posted = posted.filter(sent_at__gte=timezone.now() - since)
    unsettled = Notification.objects.filter(message=OuterRef("pk"), state__in=[NotificationState.PENDING,
                                                                              NotificationState.FAILED])
    stale = (posted.exclude(proposal__status=F("shown_status")).filter(~Exists(unsettled))
             .values_list("pk", "proposal_id", "channel", "route_id", "slack_channel", "recipient_id")[:500])
    rows = [Notification(purpose=NotificationPurpose.UPDATE, channel=channel, route_id=route_id, proposal_id=proposal_id,
                         recipient_id=recipient_id, target=slack_channel, message_id=message_id)
            for message_id, proposal_id, channel, route_id, slack_channel, recipient_id in stale]
    with transaction.atomic():
        return len(_created_and_published(rows))


# --- email ----------------------------------------------------------------------------------

def _from_email() -> str:
    return hitlcrm_settings.NOTIFICATION_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL


def _message_id(notification: Notification) -> str:
    domain = _from_email().rpartition("@")[2] or "hitlcrm.local"
    return f"<hitlcrm-notification-{notification.pk}-{notification.attempts}@{domain}>"


def _send_email(notification: Notification) -> float | None:
    from .notification_links import notification_link_issue

    recipient = notification.recipient
    if recipient is None or not recipient.is_active:
        return _cancel(notification, "the recipient is not an active user any more")

    def link(proposal: Proposal) -> str:
        return notification_link_issue(recipient=recipient, proposal=proposal, notification=notification)

    if notification.purpose == NotificationPurpose.DIGEST:
        waiting = _route_waiting(notification.route) if notification.route else []
        if not waiting:
            return _cancel(notification, "nothing waits any more")
        subject, body = _digest_email(notification.route, waiting, link)
    else:
        proposal = _waiting_or_cancel(notification)
        if proposal is None:
            return None
        escalation = notification.purpose == NotificationPurpose.ESCALATION
        subject, body = _item_email(proposal, link(proposal), escalation=escalation)
    message = OutgoingMessage(to=[notification.target], subject=subject, body=body, from_email=_from_email(),
                              message_id=_message_id(notification),
                              headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"})
    result = send_message(message)
    return _sent(notification, audit_data={"message_id": result.provider_id, "provider": result.provider})


def _links_note() -> str:
    hours = int(hitlcrm_settings.NOTIFICATION_LINK_SECONDS) // 3600
    lifetime = f"{hours} hour(s)" if hours else f"{int(hitlcrm_settings.NOTIFICATION_LINK_SECONDS) // 60} minute(s)"
    return (f"Each link opens the item in the review console (you sign in as usual); it works once, for you only, "
            f"for {lifetime}.")


def _item_email(proposal: Proposal, link: str, *, escalation: bool) -> tuple[str, str]:
    view = item_view(proposal)
    lead = "waits past its SLA" if escalation else "waits for review"
    lines = [f"{view.title} ({proposal.task_type}, risk {proposal.risk}) {lead}.", ""]
    lines += [f"{label}: {value}" for label, value in view.identity]
    lines.append(f"Proposes: {item_summary(proposal)}")
    if view.sla:
        lines.append(f"SLA: {view.sla}")
    if view.failing_checks:
        lines += ["", "Failing checks:"] + [f"- {check.name} ({check.severity}): {check.message}"
                                            for check in view.failing_checks]
    lines += ["", f"Open it: {link}", "", _links_note()]
    prefix = "[hitlcrm] SLA: " if escalation else "[hitlcrm] "
    return f"{prefix}{view.title} {lead} ({proposal.task_type})"[:200], "\n".join(lines) + "\n"


def _digest_email(route: NotificationRoute, waiting: list[Proposal], link: Any) -> tuple[str, str]:
    now = timezone.now()
    view = digest_view(route.name, waiting, now=now, link_for=link)
    total = sum(queue.waiting for queue in view.queues)
    overdue = sum(queue.overdue for queue in view.queues)
    lines = [f"{total} item(s) wait for review on the route \"{route.name}\"."]
    for queue in view.queues:
        lines += ["", f"{queue.label}: {queue.waiting} waiting, {queue.overdue} overdue, "
                      f"{queue.due_soon} due within the hour"]
        lines += [f"- {item.title} · {item.detail}" + (f" · {item.sla}" if item.sla else "") + f"\n  {item.url}"
                  for item in queue.items]
        if queue.waiting > len(queue.items):
            lines.append(f"  and {queue.waiting - len(queue.items)} more: {queue.url}")
    late = [proposal for proposal in waiting if proposal.sla_due_at and proposal.sla_due_at < now]
    if late:
        lines += ["", "SLA warnings:"] + [f"- {p.get_kind_display()} #{p.pk} is {sla_text(p, now)}" for p in late[:20]]
    lines += ["", _links_note()]
    subject = f"[hitlcrm] {total} item(s) wait for review" + (f", {overdue} overdue" if overdue else "")
    return subject[:200], "\n".join(lines) + "\n"


# --- digests and the dispatcher (beat) -------------------------------------------------------

def _route_waiting(route: NotificationRoute) -> list[Proposal]:
    waiting = Proposal.objects.filter(route.covering(), status=Status.NEEDS_REVIEW).order_by("-risk", "sla_due_at", "pk")
    ids = list(waiting.values_list("pk", flat=True)[:500])
    loaded = proposals_for_messages(ids)
    return [loaded[pk] for pk in ids if pk in loaded]


def notifications_digest(*, now: datetime | None = None) -> int:
    """Queue the digests due now: for every route that sends digests (digest-only routes, and routes
    whose hourly per-item limit left items unannounced) with work waiting, one per digest period and
    channel or person. Returns how many rows were queued."""
    now = now or timezone.now()
    queued = 0
    for route in NotificationRoute.objects.filter(enabled=True, per_item_limit__isnull=False).order_by("pk"):
        waiting = Proposal.objects.filter(route.covering(), status=Status.NEEDS_REVIEW)
        if not route.digests_only:
            announced = Notification.objects.filter(route=route, purpose=NotificationPurpose.ITEM, proposal=OuterRef("pk"))
            waiting = waiting.filter(~Exists(announced))
        if not waiting.exists():
            continue
        period = int(now.timestamp() // (route.digest_minutes * 60))
        key = f"digest:{route.pk}:{period}"
        if not route.to_people:
            rows = [Notification(purpose=NotificationPurpose.DIGEST, channel=route.channel, route=route,
                                 target=route.slack_channel_id, dedupe_key=f"{key}:channel", next_attempt_at=now)]
        else:
            rows = []
            for person in route_audience(route):
                target = _person_target(route, person)
                profile = _profile(person)
                if target and (profile is None or profile.quiet_until(now) is None):  # quiet: the next period tells
                    rows.append(Notification(purpose=NotificationPurpose.DIGEST, channel=route.channel, route=route,
                                             recipient=person, target=target, dedupe_key=f"{key}:user{person.pk}",
                                             next_attempt_at=now))
        with transaction.atomic():
            queued += len(_created_and_published(rows))
    return queued


def notifications_dispatch(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic pass (beat, every minute): queue due digests, update Slack messages that lag
    behind their record, publish rows whose time has come (retries held as data, quiet hours over,
    a lost message), forget old Slack request records."""
    from ..models import SlackRequest

    now = now or timezone.now()
    digests = notifications_digest(now=now)
    reconciled = messages_reconcile()
    due = list(Notification.objects.filter(state=NotificationState.PENDING, next_attempt_at__lte=now - DISPATCH_GRACE)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:1000])
    if due:
        notifications_publish(due)
    pruned, _ = SlackRequest.objects.filter(received_at__lt=now - timedelta(hours=1)).delete()
    return {"digests": digests, "reconciled": reconciled, "published": len(due), "slack_requests_pruned": pruned}


def notifications_retry(notification_ids: list[int]) -> int:
    """An administrator's retry of given-up notifications: a fresh round of attempts."""
    with transaction.atomic():
        ids = list(Notification.objects.select_for_update().filter(pk__in=notification_ids,
                                                                   state=NotificationState.FAILED)
                   .values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(state=NotificationState.PENDING, attempts=0,
                                                       next_attempt_at=timezone.now())
        if ids:
            transaction.on_commit(lambda: notifications_publish(ids))
    return len(ids)


# --- configuration (the console's doors) ---------------------------------------------------------

def notification_route_save(*, route: NotificationRoute, actor: Actor, created: bool) -> NotificationRoute:
    """Save a route (after its many-to-many fields are set, the caller saves those) and record who
    changed what goes where."""
    with transaction.atomic():
        route.save()
        audit_record(action=AuditAction.NOTIFICATION_ROUTE_CHANGED, actor=actor,
                     data={"route": route.name, "created": created, "enabled": route.enabled, "channel": route.channel,
                           "slack_channel_id": route.slack_channel_id, "kinds": route.kinds,
                           "task_types": route.task_types, "min_risk": route.min_risk, "max_risk": route.max_risk,
                           "per_item_limit": route.per_item_limit, "escalate": route.escalate})
    return route


def notification_route_delete(*, route: NotificationRoute, actor: Actor) -> None:
    with transaction.atomic():
        audit_record(action=AuditAction.NOTIFICATION_ROUTE_CHANGED, actor=actor, data={"route": route.name, "deleted": True})
        route.delete()


def notification_profile_save(*, profile: ReviewerNotificationProfile, actor: Actor) -> ReviewerNotificationProfile:
    """Save a reviewer's notification profile; linking (or changing) their Slack account is recorded
    with who linked it, since a linked Slack user may decide as that reviewer."""
    previous = (ReviewerNotificationProfile.objects.filter(pk=profile.pk).values("slack_team_id", "slack_user_id").first()
                if profile.pk else None) or {"slack_team_id": "", "slack_user_id": ""}
    relinked = (previous["slack_team_id"], previous["slack_user_id"]) != (profile.slack_team_id, profile.slack_user_id)
    with transaction.atomic():
        if relinked:
            profile.linked_by = actor.user if profile.slack_user_id else None
            profile.linked_at = timezone.now() if profile.slack_user_id else None
        profile.save()
        audit_record(action=AuditAction.NOTIFICATION_PROFILE_CHANGED, actor=actor,
                     data={"reviewer": profile.user.get_username(), "slack_team": profile.slack_team_id,
                           "slack_user": profile.slack_user_id, "slack_relinked": relinked,
                           "previous_slack_user": previous["slack_user_id"] if relinked else None,
                           "quiet_hours": [str(profile.quiet_hours_start or ""), str(profile.quiet_hours_end or "")],
                           "timezone": profile.timezone, "email_enabled": profile.email_enabled})
    return profile


def notification_profile_delete(*, profile: ReviewerNotificationProfile, actor: Actor) -> None:
    with transaction.atomic():
        audit_record(action=AuditAction.NOTIFICATION_PROFILE_CHANGED, actor=actor,
                     data={"reviewer": profile.user.get_username(), "deleted": True,
                           "previous_slack_user": profile.slack_user_id})
        profile.delete()
