"""What sending email needs to remember besides the record's status: who may not be mailed
(suppression list), who was mailed when (the quiet period), each email's way out (the "sending"
mark that makes a send at-most-once, its CRM activity) and the provider's tracking events."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .proposals import Proposal


def normalise_address(address: str) -> str:
    """The comparable form of an address: the bare addr-spec, trimmed, lower-cased. (The local part
    is case-sensitive in theory; no mailbox provider treats it so, and a suppression must not be
    dodged by a capital letter.)"""
    return parseaddr(str(address or ""))[1].strip().lower()


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", "Hard bounce"
    COMPLAINT = "complaint", "Spam complaint"
    UNSUBSCRIBE = "unsubscribe", "Unsubscribed"
    MANUAL = "manual", "Manual entry"


class Suppression(models.Model):
    """An address hitlcrm never sends to, whatever a reviewer approved. Entries come from the
    provider's tracking webhooks or are added by hand in the console; removing one is a deliberate,
    recorded act (simple-history keeps deleted rows)."""

    address = models.CharField(max_length=254, db_index=True, help_text="Stored lower-case.")
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    provider = models.CharField(max_length=40, blank=True)
    source_event_id = models.CharField(max_length=255, blank=True, help_text="The tracking event that added it.")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(table_name="reviews_historicalsuppression")

    class Meta:
        db_table = "reviews_suppression"
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["address", "reason"], name="suppression_once_per_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.get_reason_display()})"

    def save(self, *args, **kwargs) -> None:
        # Normalised on every save, so an address typed into the console matches a webhook's.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before the unique constraint is validated, so "Ada@X" collides with "ada@x" in a form.
        self.address = normalise_address(self.address) or str(self.address or "").strip().lower()


class MailRecipient(models.Model):
    """One row per address hitlcrm has tried to mail. The pre-send check locks these rows, so two
    workers sending to one address take turns and the second sees the first's contact."""

    address = models.CharField(max_length=254, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_mailrecipient"

    def __str__(self) -> str:
        return self.address


class MailContact(models.Model):
    """An email that went, or may have gone, to an address: what the quiet period looks at."""

    recipient = models.ForeignKey(MailRecipient, on_delete=models.CASCADE, related_name="contacts")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="mail_contacts")
    contacted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_mailcontact"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "proposal"], name="mail_contact_once_per_email"),
        ]
        indexes = [models.Index(fields=["recipient", "contacted_at"], name="mail_contact_recent")]

    def __str__(self) -> str:
        return f"#{self.proposal_id} to {self.recipient_id} at {self.contacted_at:%Y-%m-%d %H:%M}"


class CrmActivityState(models.TextChoices):
    NONE = "", "No CRM record"
    PENDING = "pending", "To be logged"
    CREATING = "creating", "Being logged"
    CREATED = "created", "Logged"
    FAILED = "failed", "Logging failed"


class DeliveryStatus(models.TextChoices):
    NONE = "", "No report"
    DELIVERED = "delivered", "Delivered"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Complained"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class MailDelivery(models.Model):
    """One email's way out, beside its generic ``Execution``.

    ``sending_attempt`` is set (and committed) right before the provider is called, to the
    execution attempt that sends. A worker that dies after that point leaves an email whose fate is
    unknown; before it, the email certainly did not leave and can be retried.
    """

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="mail_delivery")
    message_id = models.CharField(max_length=255, blank=True)
    sending_attempt = models.PositiveIntegerField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=40, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    # The From address's domain: complaint and bounce rates are counted per sender domain.
    sender_domain = models.CharField(max_length=253, blank=True)
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)
    # The sent email logged on the prospect's CRM record as a completed Task.
    crm_activity_state = models.CharField(max_length=20, choices=CrmActivityState.choices, blank=True)
    crm_activity_id = models.CharField(max_length=18, blank=True)
    crm_activity_error = models.TextField(blank=True)
    crm_activity_attempts = models.PositiveIntegerField(default=0)
    # An earlier request may have created the Task (its answer was lost): look before creating.
    crm_activity_uncertain = models.BooleanField(default=False)
    crm_activity_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_maildelivery"
        verbose_name_plural = "mail deliveries"
        indexes = [models.Index(fields=["crm_activity_state", "crm_activity_requested_at"],
                                name="mail_delivery_activity_due"),
                   models.Index(fields=["sender_domain", "sent_at"], name="mail_delivery_domain_sent")]

    def __str__(self) -> str:
        return f"delivery of #{self.proposal_id}"


class MailEvent(models.Model):
    """A provider's tracking event (delivered, bounced, ...), kept once per (provider, event id)."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=30)
    recipient = models.CharField(max_length=254, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="mail_events")
    reject_reason = models.CharField(max_length=30, blank=True)
    description = models.TextField(blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "reviews_mailevent"
        ordering = ["-received_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="mail_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.recipient}"


class SenderDomainState(models.TextChoices):
    ACTIVE = "active", "Sending"
    PAUSED = "paused", "Paused (complaint or bounce rate too high)"


class SenderDomain(models.Model):
    """The circuit breaker of one sender domain. Tripped (``paused``) when its complaint or bounce
    rate over the rolling window passes the configured limit: its drafts are no longer auto-approved
    and its approved emails are held (not failed) until a senior reviewer resumes it. The rates are
    counted afresh from ``resumed_at``, so one old complaint does not trip it again at once."""

    domain = models.CharField(max_length=253, unique=True, help_text="Stored lower-case.")
    state = models.CharField(max_length=20, choices=SenderDomainState.choices, default=SenderDomainState.ACTIVE)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.TextField(blank=True)
    # The figures that tripped it: {"sent", "complaints", "bounces", "complaint_rate", "bounce_rate"}.
    pause_figures = models.JSONField(default=dict, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resume_note = models.TextField(blank=True)

    history = HistoricalRecords(table_name="reviews_historicalsenderdomain")

    class Meta:
        db_table = "reviews_senderdomain"
        ordering = ["domain"]
        permissions = [("resume_senderdomain", "Can resume sending for a paused sender domain")]

    def __str__(self) -> str:
        return f"{self.domain} ({self.get_state_display()})"

    @property
    def is_paused(self) -> bool:
        return self.state == SenderDomainState.PAUSED
