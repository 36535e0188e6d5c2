"""Telling reviewers where they already are (Slack, email): who gets what, how to reach each person,
and an outbox of every message to send.

- :class:`NotificationRoute`: which queues, task types and risk levels go to which Slack channel, or
  to which reviewers by Slack direct message or email; per item or as a digest; and whether an SLA
  escalation reaches the senior reviewers the same way. Kept in the console by administrators.
- :class:`ReviewerNotificationProfile`: a reviewer's Slack identity (linked by an administrator)
  and quiet hours.
- :class:`Notification`: the outbox. A row is written in the transaction of the change it tells
  about (an item starting to wait, an escalation, a decision), so a change that rolls back tells
  nobody and a committed one is never forgotten; workers send it after commit and retry it.
  Nothing here feeds back into a decision: a lost or late message changes nothing that is decided.
- :class:`SlackRequest`: interactive requests already acted on, so a replayed click is refused.
- :class:`NotificationLink`: the signed, single-use, short-lived links of reviewer emails.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .proposals import Proposal


class NotificationChannel(models.TextChoices):
    SLACK_CHANNEL = "slack_channel", "Slack channel"
    SLACK_DM = "slack_dm", "Slack direct message to each reviewer"
    EMAIL = "email", "Email to each reviewer"


class NotificationRoute(models.Model):
    """Which waiting work goes where. An item matches a route when its queue, task type and risk are
    among the route's (an empty list matches all); every matching route tells its audience once."""

    name = models.CharField(max_length=100, unique=True)
    enabled = models.BooleanField(default=True)
    kinds = models.JSONField(default=list, blank=True, help_text="Queues (proposal kinds, e.g. [\"email_draft\"]) "
                             "this route covers; empty: every queue.")
    task_types = models.JSONField(default=list, blank=True, help_text="Task types this route covers, e.g. "
                                  "[\"cold_email\"]; empty: every task type.")
    min_risk = models.PositiveSmallIntegerField(default=1, help_text="Lowest risk level covered (1 to 4).")
    max_risk = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Highest risk level covered; "
                                                "empty: no upper bound.")
    channel = models.CharField(max_length=20, choices=NotificationChannel.choices)
    slack_channel_id = models.CharField(max_length=40, blank=True, help_text="For a Slack channel: its id "
                                        "(C0123ABCD; the app must be a member).")
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        help_text="For direct messages and email: who is told. Empty: every active reviewer who may decide.")
    per_item_limit = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Per-item messages an hour; beyond that, waiting items are gathered into the digest. "
                  "Empty: always one message per item (no digest); 0: digests only.")
    digest_minutes = models.PositiveIntegerField(default=60, help_text="How often a digest goes out while work waits.")
    escalate = models.BooleanField(default=True, help_text="When an item of this route waits past its SLA, tell the "
                                   "senior reviewers through this route.")
    escalate_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        help_text="Who is told of an escalation. Empty: everyone active who may give a second approval "
                  "(senior reviewers, admins).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reviews_notificationroute"
        ordering = ["name"]
        verbose_name = "notification route"
        constraints = [
            models.CheckConstraint(condition=models.Q(digest_minutes__gte=1), name="notification_route_digest_minutes"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.channel == NotificationChannel.SLACK_CHANNEL and not self.slack_channel_id.strip():
            errors["slack_channel_id"] = ["A Slack channel route needs the channel's id."]
        for name in ("kinds", "task_types"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                errors[name] = ["Give a list of names, e.g. [\"cold_email\"], or [] for all."]
        if self.max_risk is not None and self.max_risk < self.min_risk:
            errors["max_risk"] = ["The highest risk must not be below the lowest."]
        if errors:
            raise ValidationError(errors)

    @property
    def digests_only(self) -> bool:
        return self.per_item_limit == 0

    @property
    def to_people(self) -> bool:
        """Whether the route tells each person (direct messages, email) rather than a channel."""
        return self.channel != NotificationChannel.SLACK_CHANNEL

    def covers(self, proposal: Proposal) -> bool:
        return (
            (not self.kinds or proposal.kind in self.kinds)
            and (not self.task_types or proposal.task_type in self.task_types)
            and proposal.risk >= self.min_risk
            and (self.max_risk is None or proposal.risk <= self.max_risk)
        )

    def covering(self) -> models.Q:
        """The records this route covers, as a filter."""
        condition = models.Q(risk__gte=self.min_risk)
        if self.max_risk is not None:
            condition &= models.Q(risk__lte=self.max_risk)
        if self.kinds:
            condition &= models.Q(kind__in=self.kinds)
        if self.task_types:
            condition &= models.Q(task_type__in=self.task_types)
        return condition


class ReviewerNotificationProfile(models.Model):
    """How to reach one reviewer outside the console, and when not to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_profile")
    slack_team_id = models.CharField(max_length=40, blank=True, help_text="The Slack workspace's id (T0123ABCD).")
    slack_user_id = models.CharField(max_length=40, blank=True, help_text="The person's Slack member id (U0123ABCD): "
                                     "Slack profile → ⋮ → Copy member ID. Only a linked, active reviewer with "
                                     "the right role may decide from Slack.")
    quiet_hours_start = models.TimeField(null=True, blank=True, help_text="No direct message or email from this time…")
    quiet_hours_end = models.TimeField(null=True, blank=True, help_text="…until this time (may be past midnight).")
    timezone = models.CharField(max_length=64, default="UTC", help_text="The reviewer's time zone (Europe/Berlin).")
    email_enabled = models.BooleanField(default=True, help_text="Send this reviewer the emails of the routes naming them.")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    linked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reviews_reviewernotificationprofile"
        verbose_name = "reviewer notification profile"
        constraints = [
            models.UniqueConstraint(fields=["slack_team_id", "slack_user_id"], condition=~models.Q(slack_user_id=""),
                                    name="notification_profile_one_reviewer_per_slack_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.slack_user_id or 'no Slack link'})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = [f"Unknown time zone {self.timezone!r}; use a name such as Europe/Berlin."]
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            errors["quiet_hours_end"] = ["Give both ends of the quiet hours, or neither."]
        if self.slack_user_id and not self.slack_team_id:
            errors["slack_team_id"] = ["A Slack link needs the workspace's id too."]
        if errors:
            raise ValidationError(errors)

    @property
    def slack_linked(self) -> bool:
        return bool(self.slack_user_id and self.slack_team_id)

    def quiet_until(self, now: datetime) -> datetime | None:
        """When the reviewer's quiet hours end, if ``now`` falls within them; else None."""
        if self.quiet_hours_start is None or self.quiet_hours_end is None or self.quiet_hours_start == self.quiet_hours_end:
            return None
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        local = now.astimezone(zone)
        start, end, clock = self.quiet_hours_start, self.quiet_hours_end, local.time()
        overnight = start > end  # 19:00–07:00
        quiet = (clock >= start or clock < end) if overnight else (start <= clock < end)
        if not quiet:
            return None
        day = local.date() if clock < end else local.date() + timedelta(days=1)
        return datetime.combine(day, time(end.hour, end.minute), tzinfo=zone)


class NotificationPurpose(models.TextChoices):
    ITEM = "item", "An item waits"
    ESCALATION = "escalation", "An item waits past its SLA"
    DIGEST = "digest", "Digest of waiting work"
    UPDATE = "update", "Update of a posted message"
    EPHEMERAL = "ephemeral", "Answer to a Slack click"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending (queued or retrying)"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"
    CANCELLED = "cancelled", "Not needed any more"


class Notification(models.Model):
    """One message to send (or sent): to a Slack channel, to one person's Slack DM or to one
    person's inbox. ``dedupe_key`` makes "one item, one message per route and person" a database
    rule: enqueueing the same again is a no-op."""

    purpose = models.CharField(max_length=20, choices=NotificationPurpose.choices)
    channel = models.CharField(max_length=20, choices=NotificationChannel.choices)
    route = models.ForeignKey(NotificationRoute, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="notifications")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    # Where it goes: a Slack channel id, a Slack user id (DM, ephemeral), or an email address.
    target = models.CharField(max_length=254)
    # An update's message (the row that posted it); an ephemeral answer's Slack user.
    message = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="updates")
    slack_user = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True, help_text="An ephemeral answer's words (other messages are rendered when sent).")
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    state = models.CharField(max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # Where the posted Slack message is (chat.update needs both).
    slack_channel = models.CharField(max_length=40, blank=True)
    slack_ts = models.CharField(max_length=40, blank=True)
    # The proposal's status the message showed when it was last sent (posted or updated).
    shown_status = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_notification"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["proposal", "purpose"], name="notification_of_proposal"),
            models.Index(fields=["route", "purpose", "created_at"], name="notification_route_recent"),
            models.Index(fields=["slack_channel", "slack_ts"], name="notification_slack_message"),
        ]

    def __str__(self) -> str:
        about = f" #{self.proposal_id}" if self.proposal_id else ""
        return f"{self.get_purpose_display()}{about} → {self.target} ({self.state})"


class SlackRequest(models.Model):
    """An interactive request acted on. Its signature is unique to its timestamp and body, so the
    same request arriving again (a replay within Slack's five minutes) meets this row and is refused."""

    signature_hash = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "reviews_slackrequest"

    def __str__(self) -> str:
        return f"Slack request {self.signature_hash[:12]}… at {self.received_at:%Y-%m-%d %H:%M:%S}"


class NotificationLink(models.Model):
    """A link of a reviewer email that opens one item's review page: signed, for its recipient only,
    usable once and only until ``expires_at``. Opening it still needs the recipient's login."""

    nonce_hash = models.CharField(max_length=64, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_notificationlink"
        indexes = [models.Index(fields=["expires_at"], name="notification_link_expiry")]

    def __str__(self) -> str:
        return f"link to #{self.proposal_id} for {self.recipient_id}"
