"""After the send: the provider's tracking events, and a person resolving an "outcome unknown".

Tracking events arrive through django-anymail's webhook views (``/mail/<esp>/tracking/``), which
check the ``ANYMAIL["WEBHOOK_SECRET"]`` basic auth (and the ESP's signature where it has one)
before anything here runs. Each event is kept once per (provider, event id): a provider retrying a
webhook changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from anymail.signals import tracking
from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from ..models import Execution, ExecutionState, Proposal
from ..models.mail import (
    CrmActivityState,
    DeliveryStatus,
    MailDelivery,
    MailEvent,
    Suppression,
    SuppressionReason,
    normalise_address,
)
from ..state_machine import Status
from .actors import Actor
from .audit import audit_record
from .execution_transitions import execution_transition
from .transitions import proposal_lock, proposal_transition

logger = logging.getLogger(__name__)

# anymail's normalised event type -> what it says about the email, and the suppression it causes.
EVENT_EFFECTS: dict[str, tuple[str, str | None]] = {
    "delivered": (DeliveryStatus.DELIVERED, None),
    "bounced": (DeliveryStatus.BOUNCED, SuppressionReason.HARD_BOUNCE),
    "complained": (DeliveryStatus.COMPLAINED, SuppressionReason.COMPLAINT),
    "unsubscribed": (DeliveryStatus.UNSUBSCRIBED, SuppressionReason.UNSUBSCRIBE),
}
# Events that count towards the sender domain's complaint and bounce rates (sender_health).
BREAKER_EVENTS = frozenset({"complained", "bounced"})
# anymail reports some temporary bounces as "bounced"; they must not suppress an address.
SOFT_BOUNCE_TYPES = {"Postmark": {"SoftBounce", "Transient", "DnsError"}}


class ResolveRefused(Exception):
    """The "outcome unknown" cannot be resolved (already resolved, not an email, not allowed)."""


def event_id_of(provider: str, event: Any) -> str:
    """The provider's event id, or (for events that have none, e.g. Postmark deliveries) a digest of
    the raw event: a redelivered webhook carries the same payload, so it gets the same id."""
    if getattr(event, "event_id", None):
        return str(event.event_id)[:255]
    raw = json.dumps(getattr(event, "esp_event", None), sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(f"{provider}\n{raw}".encode()).hexdigest()


def _is_soft_bounce(provider: str, event: Any) -> bool:
    esp_event = getattr(event, "esp_event", None)
    kind = esp_event.get("Type") if isinstance(esp_event, dict) else None
    return kind in SOFT_BOUNCE_TYPES.get(provider, set())


def _proposal_for(event: Any) -> Proposal | None:
    metadata = getattr(event, "metadata", None) or {}
    reference = str(metadata.get("hitlcrm_proposal") or "")
    if reference.isdigit():
        # Only an email hitlcrm handed to the provider (its delivery is made before the send).
        found = Proposal.objects.filter(pk=int(reference), mail_delivery__isnull=False).first()
        if found is not None:
            return found
    message_id = str(getattr(event, "message_id", None) or "")
    if not message_id:
        return None
    delivery = MailDelivery.objects.filter(provider_message_id=message_id).select_related("proposal").first()
    if delivery is None:
        delivery = MailDelivery.objects.filter(message_id=message_id).select_related("proposal").first()
    return delivery.proposal if delivery else None


def mail_event_receive(*, provider: str, event: Any) -> MailEvent | None:
    """Record one tracking event: update the email it is about and the suppression list.
    Returns None for an event already received."""
    event_type = str(getattr(event, "event_type", "") or "unknown")
    recipient = normalise_address(getattr(event, "recipient", None) or "")
    event_id = event_id_of(provider, event)
    esp_event = getattr(event, "esp_event", None)
    payload = esp_event if isinstance(esp_event, dict) else {"raw": str(esp_event)[:10000]}
    actor = Actor.system(f"webhook:{provider.lower()}")
    with transaction.atomic():
        proposal = _proposal_for(event)
        try:
            with transaction.atomic():
                record = MailEvent.objects.create(
                    provider=provider, event_id=event_id, event_type=event_type, recipient=recipient,
                    provider_message_id=str(getattr(event, "message_id", None) or "")[:255], proposal=proposal,
                    reject_reason=str(getattr(event, "reject_reason", None) or ""),
                    description=str(getattr(event, "description", None) or getattr(event, "mta_response", None) or ""),
                    occurred_at=getattr(event, "timestamp", None), payload=json.loads(json.dumps(payload, default=str)),
                )
        except IntegrityError:
            return None  # the same event again (the provider retried the webhook)
        delivery_status, reason = EVENT_EFFECTS.get(event_type, ("", None))
        if reason == SuppressionReason.HARD_BOUNCE and _is_soft_bounce(provider, event):
            reason = None
        if delivery_status and proposal is not None:
            MailDelivery.objects.filter(proposal=proposal).update(
                delivery_status=delivery_status, delivery_updated_at=timezone.now()
            )
        if reason and recipient:
            suppression_add(address=recipient, reason=reason, actor=actor, proposal=proposal, provider=provider,
                            source_event_id=event_id,
                            note=f"{event_type} reported by {provider}" + (f" for #{proposal.pk}" if proposal else ""))
        if proposal is not None:
            audit_record(action=f"mail_{event_type}", actor=actor, proposal=proposal,
                         data={"recipient": recipient, "event_id": event_id, "description": record.description[:500]})
        if proposal is not None and event_type in BREAKER_EVENTS:
            from .sender_health import sender_domain_evaluate

            domain = MailDelivery.objects.filter(proposal=proposal).values_list("sender_domain", flat=True).first()
            sender_domain_evaluate(domain=domain or "")
    return record


def suppression_add(*, address: str, reason: str, actor: Actor, proposal: Proposal | None = None, provider: str = "",
                    source_event_id: str = "", note: str = "", user: Any = None) -> tuple[Suppression, bool]:
    """Put an address on the suppression list (once per reason) and audit it; the one way in for
    tracking webhooks, the one-click unsubscribe and the console. Returns (entry, created)."""
    with transaction.atomic():
        entry, created = Suppression.objects.get_or_create(
            address=normalise_address(address) or str(address).strip().lower(), reason=reason,
            defaults={"provider": provider, "source_event_id": source_event_id, "note": note, "created_by": user},
        )
        if created:
            audit_record(action="suppression_added", actor=actor, proposal=proposal,
                         data={"address": entry.address, "reason": reason, "event_id": source_event_id, "note": note})
    return entry, created


def webhook_secret_configured() -> bool:
    return bool((getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"))


@receiver(tracking, dispatch_uid="hitlcrm-mail-tracking")
def _on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    # Without a webhook secret anymail lets anyone post events; they must not change the
    # suppression list or a draft, so they are dropped (and the missing setting named).
    if not webhook_secret_configured():
        logger.error("ignored a %s tracking event: set ANYMAIL_WEBHOOK_SECRET (\"user:password\") and put it "
                     "in the webhook URL configured at the provider", esp_name)
        return
    mail_event_receive(provider=esp_name, event=event)


def email_resolve_unknown(*, proposal_id: int, actor: Actor, sent: bool, note: str = "") -> Proposal:
    """A person says whether an email whose send was interrupted reached the recipient (after
    checking the provider's log or the mail server's): ``done`` if it did, ``failed`` if it did not
    (from where a reviewer can retry or dismiss it, like any failure)."""
    if actor.user is None or actor.client is not None:
        raise ResolveRefused("only a person can resolve an email whose outcome is unknown")
    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        execution = Execution.objects.locked().filter(proposal=proposal).first()
        # Only an email that reached the "sending" mark (it has a delivery) can be in doubt.
        if proposal.status != Status.EXECUTING or execution is None or execution.state != ExecutionState.UNKNOWN \
                or not MailDelivery.objects.filter(proposal=proposal).exists():
            raise ResolveRefused(f"{proposal} is not an email whose outcome is unknown; nothing changed")
        now = timezone.now()
        execution.finished_at = now
        execution.error_code = "" if sent else "not_sent"
        execution.last_error = "" if sent else f"marked not sent by {actor.name}" + (f": {note}" if note else "")
        execution_transition(execution, ExecutionState.SUCCEEDED if sent else ExecutionState.FAILED,
                             update_fields=["finished_at", "error_code", "last_error"])
        if sent:
            MailDelivery.objects.filter(proposal=proposal).update(
                sent_at=now,
                crm_activity_state=CrmActivityState.PENDING if proposal.crm_object and proposal.crm_id else "",
            )
        proposal_transition(
            proposal, Status.DONE if sent else Status.FAILED, actor=actor,
            action="send_confirmed" if sent else "send_marked_not_sent",
            data={"note": note, "message_id": execution.message_id},
        )
        if sent and proposal.crm_object and proposal.crm_id:
            from ..tasks import email_activities_push_task
            from .queueing import enqueue_on_commit

            enqueue_on_commit(email_activities_push_task, [proposal.pk])
    return proposal
