"""The complaint and bounce circuit breaker: the gate tightening itself when the outside world
complains.

Per sender domain (the From address's), over a rolling window (``HITLCRM_SENDER_HEALTH_WINDOW_DAYS``)
of emails sent, the share that drew a spam complaint and the share that bounced, from the providers'
tracking webhooks. Once the domain sent at least ``HITLCRM_SENDER_HEALTH_MIN_SENDS`` emails in the
window (so one bounce among three sends trips nothing) and either rate reaches its limit
(``HITLCRM_COMPLAINT_RATE_LIMIT``, ``HITLCRM_BOUNCE_RATE_LIMIT``), the domain is paused: the gate
stops auto-approving its drafts and the executor holds its approved emails (they stay approved, they
do not fail) until a senior reviewer resumes it (:func:`sender_domain_resume`). After a resume the
rates are counted from the resume on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ..apps import perm
from ..audit_actions import AuditAction
from ..conf import hitlcrm_settings
from ..kinds import kind_values
from ..models import AuditEvent, Proposal
from ..models.mail import MailDelivery, MailEvent, SenderDomain, SenderDomainState, normalise_address
from ..state_machine import Status
from .actors import Actor
from .audit import audit_record

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("sender-health")
# How long a held email waits before the executor looks at its domain again (a resume releases it at once).
HOLD_RECHECK = timedelta(minutes=10)
HELD_ACTION = AuditAction.HELD_FOR_SENDER_PAUSE


class ResumeRefused(Exception):
    """The domain cannot be resumed (not paused, or the actor may not)."""


def sender_domain_of(address: str) -> str:
    return normalise_address(address or settings.DEFAULT_FROM_EMAIL).rpartition("@")[2]


@dataclass(frozen=True)
class DomainFigures:
    domain: str
    since: datetime
    sent: int
    complaints: int
    bounces: int

    @property
    def complaint_rate(self) -> float | None:
        return self.complaints / self.sent if self.sent else None

    @property
    def bounce_rate(self) -> float | None:
        return self.bounces / self.sent if self.sent else None

    def trip_reason(self) -> str:
        """Why these figures trip the breaker, or ""."""
        if self.sent < hitlcrm_settings.SENDER_HEALTH_MIN_SENDS:
            return ""
        reasons = []
        if self.complaints / self.sent >= hitlcrm_settings.COMPLAINT_RATE_LIMIT:
            reasons.append(f"spam complaint rate {self.complaints / self.sent:.2%} ({self.complaints} of {self.sent}) "
                           f"reached the limit of {hitlcrm_settings.COMPLAINT_RATE_LIMIT:.2%}")
        if self.bounces / self.sent >= hitlcrm_settings.BOUNCE_RATE_LIMIT:
            reasons.append(f"bounce rate {self.bounces / self.sent:.2%} ({self.bounces} of {self.sent}) "
                           f"reached the limit of {hitlcrm_settings.BOUNCE_RATE_LIMIT:.2%}")
        return "; ".join(reasons)

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat(), "sent": self.sent, "complaints": self.complaints,
                "bounces": self.bounces, "complaint_rate": self.complaint_rate, "bounce_rate": self.bounce_rate}


def sender_domains_figures(*, domains: list[str] | None = None, now: datetime | None = None) -> list[DomainFigures]:
    """Each sender domain's figures over the window (from its last resume, if later): emails sent, and
    of those the ones with a complaint and with a bounce reported. One grouped query."""
    now = now or timezone.now()
    window_start = now - timedelta(days=hitlcrm_settings.SENDER_HEALTH_WINDOW_DAYS)
    resumed = dict(SenderDomain.objects.filter(resumed_at__gt=window_start).values_list("domain", "resumed_at"))
    sent = MailDelivery.objects.filter(sent_at__gte=window_start).exclude(sender_domain="")
    if domains is not None:
        sent = sent.filter(sender_domain__in=[d.lower() for d in domains])
    for domain, since in resumed.items():  # few domains are ever resumed: one condition each
        sent = sent.exclude(sender_domain=domain, sent_at__lt=since)
    event = MailEvent.objects.filter(proposal_id=OuterRef("proposal_id"))
    totals = (
        sent.annotate(complained=Exists(event.filter(event_type="complained")),
                      bounced=Exists(event.filter(event_type="bounced")))
        .values("sender_domain")
        .annotate(n=Count("pk"), c=Count("pk", filter=Q(complained=True)), b=Count("pk", filter=Q(bounced=True)))
        .order_by("sender_domain")
    )
    return [DomainFigures(row["sender_domain"], max(window_start, resumed.get(row["sender_domain"], window_start)),
                          row["n"], row["c"], row["b"]) for row in totals]


def sender_domain_evaluate(*, domain: str, now: datetime | None = None) -> SenderDomain | None:
    """Trip the breaker of ``domain`` if its figures call for it (called when a complaint or bounce
    arrives). Returns the paused row when this call paused it, else None."""
    if not domain:
        return None
    figures = sender_domains_figures(domains=[domain], now=now)
    reason = figures[0].trip_reason() if figures else ""
    if not reason:
        return None
    with transaction.atomic():
        SenderDomain.objects.get_or_create(domain=domain)
        row = SenderDomain.objects.select_for_update().get(domain=domain)
        if row.is_paused:
            return None
        row.state = SenderDomainState.PAUSED
        row.paused_at = timezone.now()
        row.pause_reason = reason
        row.pause_figures = figures[0].as_dict()
        row._change_reason = "circuit breaker tripped"
        row.save()
        audit_record(action=AuditAction.SENDER_DOMAIN_PAUSED, actor=SYSTEM,
                     data={"domain": domain, "reason": reason, "figures": row.pause_figures})
    logger.warning("sending paused for %s: %s", domain, reason)
    return row


def paused_sender_domains() -> dict[str, SenderDomain]:
    return {row.domain: row for row in SenderDomain.objects.filter(state=SenderDomainState.PAUSED)}


def sender_pause_reason(from_email: str) -> str:
    """Why email from this address may not go out or be auto-approved now, or ""."""
    row = SenderDomain.objects.filter(domain=sender_domain_of(from_email), state=SenderDomainState.PAUSED).first()
    return f"sending from {row.domain} is paused: {row.pause_reason}" if row else ""


def sender_domain_resume(*, domain: str, actor: Actor, note: str = "") -> SenderDomain:
    """A senior reviewer resumes a paused domain: its held emails are released at once and its rates
    are counted afresh from now."""
    user = actor.user
    if user is None or actor.client is not None or not user.has_perm(perm("resume_senderdomain")):
        raise ResumeRefused("only a senior reviewer (permission resume_senderdomain) can resume sending")
    from .approval import schedule_execution_on_commit

    with transaction.atomic():
        row = SenderDomain.objects.select_for_update().filter(domain=domain.lower()).first()
        if row is None or not row.is_paused:
            raise ResumeRefused(f"sending from {domain} is not paused; nothing changed")
        now = timezone.now()
        row.state = SenderDomainState.ACTIVE
        row.resumed_at, row.resumed_by, row.resume_note = now, user, note
        row._change_reason = "resumed"
        row.save()
        # The emails held for this pause (not those still in their undo grace period or send window).
        held_ids = AuditEvent.objects.filter(action=HELD_ACTION, occurred_at__gte=row.paused_at or now,
                                             data__domain=row.domain).values_list("proposal_id_ref", flat=True)
        held = list(Proposal.objects.filter(pk__in=list(held_ids), kind__in=kind_values(sends_email=True),
                                            status=Status.APPROVED, execute_after__gt=now).select_for_decision())
        for proposal in held:
            proposal.execute_after = now
            proposal._change_reason = "sender_domain_resumed"
            proposal.save(update_fields=["execute_after", "updated_at"])
            schedule_execution_on_commit(proposal.pk)
        audit_record(action=AuditAction.SENDER_DOMAIN_RESUMED, actor=actor,
                     data={"domain": row.domain, "note": note, "paused_at": row.paused_at.isoformat() if row.paused_at
                           else None, "pause_reason": row.pause_reason, "released": [p.pk for p in held]})
    return row


def emails_hold_for_sender_pause(proposals: list[Any], *, now: datetime, from_domain: Any) -> set[int]:
    """Called by the claim, on locked rows: the emails among ``proposals`` whose sender domain is paused.
    A due ``approved`` one stays approved and is looked at again after ``HOLD_RECHECK`` (a resume
    releases it at once); one waiting for a retry is simply not claimed. Audited once per pause."""
    paused = paused_sender_domains()
    if not paused:
        return set()
    held: set[int] = set()
    for proposal in proposals:
        domain = from_domain(proposal)
        row = paused.get(domain)
        if row is None:
            continue
        held.add(proposal.pk)
        if proposal.status != Status.APPROVED:
            continue
        proposal.execute_after = now + HOLD_RECHECK
        proposal._change_reason = HELD_ACTION
        proposal.save(update_fields=["execute_after", "updated_at"])
        if not AuditEvent.objects.filter(action=HELD_ACTION, proposal_id_ref=proposal.pk,
                                         occurred_at__gte=row.paused_at or now).exists():
            audit_record(action=HELD_ACTION, actor=SYSTEM, proposal=proposal,
                         data={"domain": domain, "reason": row.pause_reason})
    return held


def sender_domains_status(*, now: datetime | None = None) -> dict[str, Any]:
    """For the dashboard: each sender domain's figures, rates and breaker state, paused ones first."""
    figures = {row.domain: row for row in sender_domains_figures(now=now)}
    rows = {row.domain: row for row in SenderDomain.objects.select_related("resumed_by")}

    def percent(rate: float | None) -> str:
        return "–" if rate is None else f"{rate:.2%}"

    table = []
    for domain in sorted(set(figures) | {d for d, row in rows.items() if row.is_paused}):
        found, row = figures.get(domain), rows.get(domain)
        complaint_rate = found.complaint_rate if found else None
        table.append({
            "domain": domain, "sent": found.sent if found else 0, "complaints": found.complaints if found else 0,
            "bounces": found.bounces if found else 0, "complaint_rate": percent(complaint_rate),
            "bounce_rate": percent(found.bounce_rate if found else None),
            "warning": bool(complaint_rate is not None and complaint_rate >= hitlcrm_settings.COMPLAINT_RATE_WARNING),
            "paused": bool(row and row.is_paused), "reason": row.pause_reason if row and row.is_paused else "",
            "paused_at": row.paused_at if row and row.is_paused else None,
        })
    table.sort(key=lambda item: (not item["paused"], item["domain"]))
    return {
        "rows": table, "window_days": hitlcrm_settings.SENDER_HEALTH_WINDOW_DAYS,
        "min_sends": hitlcrm_settings.SENDER_HEALTH_MIN_SENDS,
        "complaint_limit": f"{hitlcrm_settings.COMPLAINT_RATE_LIMIT:.2%}",
        "complaint_warning": f"{hitlcrm_settings.COMPLAINT_RATE_WARNING:.2%}",
        "bounce_limit": f"{hitlcrm_settings.BOUNCE_RATE_LIMIT:.2%}",
    }
