"""Sending approved email drafts: the one step in hitlcrm that cannot be undone.

The gate's rules for a send, called by the mail executor (``integrations/mail/executor.py``, which
talks to the provider) in the execution's phases:

- claim (under the row locks): :func:`emails_hold_for_send_window` keeps an approved email
  ``approved`` and moves ``execute_after`` to the opening of its policy's send window; a hold is not
  a failure, the sweeper enqueues it again when it is due.
- claim: an email whose sender domain is paused by the complaint and bounce circuit breaker
  (``sender_health``) is held the same way, until a senior reviewer resumes the domain.
- act: :func:`emails_presend_checks` re-checks every email at send time, not only at submission:
  the recipient's CRM record exists and has not opted out (one SOQL query per object and 200 ids),
  no address is on the suppression list, the sender identity and postal address are configured,
  no other email reached an address within the policy's quiet period and the policy's contact caps
  hold (see ``sending_rules``). A stopped email goes to ``failed`` with the reason; a reviewer
  retries or dismisses it in the console like any failure.
- every email carries the RFC 8058 one-click unsubscribe headers (``unsubscribe``) and, with
  ``HITLCRM_FOOTER_MODE=append``, the footer with the sender identity, postal address and link.
- at most once: right before the provider is called, the email is marked "sending" (the execution
  attempt, a deterministic Message-ID) in a committed transaction that also checks the claim is
  still this worker's. A worker that dies after the mark leaves an email whose fate is unknown, and
  :func:`email_send_started` tells the sweeper so: it is shown to a person, never resent. Each
  outcome is recorded as soon as it is known, so a crash puts at most one email in doubt.
- the sent email is logged on the prospect's CRM record as a completed Task
  (:func:`email_activities_push`, batched; retried by the sweeper, never created twice).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import OperationalError, transaction
from django.db import connection as database
from django.db.models import Q
from django.utils import timezone

from integrations.mail.sending import OutgoingMessage

from ..conf import hitlcrm_settings
from ..crm import (
    activities_logged_since,
    create_records,
    crm_configured,
    is_valid_id,
    normalise_id,
    opted_out_reason,
    read_records,
)
from ..executors import Outcome
from ..models import Execution, ExecutionState, Policy, Proposal
from ..models.mail import (
    CrmActivityState,
    MailContact,
    MailDelivery,
    MailRecipient,
    Suppression,
    normalise_address,
)
from ..state_machine import IllegalTransition, Status
from ..versions import VersionKey, version_of
from .actors import Actor
from .audit import audit_record
from .crm_context import recipients_opted_out
from .execution import executions_record
from .sender_health import emails_hold_for_sender_pause, paused_sender_domains, sender_domain_of
from .sending_rules import (
    bases_missing,
    basis_summary,
    caps_message,
    caps_reached_at_send,
    lawful_bases,
    sender_identity_problem,
    with_footer,
)
from .transitions import proposal_lock
from .unsubscribe import list_unsubscribe_headers, unsubscribe_token, unsubscribe_url

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("mail")

# How long a worker keeps trying to record an email's known outcome while the database is
# unreachable (a restart, a failover) before it gives up and the sweeper calls it "unknown".
OUTCOME_RECORD_PATIENCE_SECONDS = 60
# CRM records that can be a Task's "Who"; other objects are linked as its "What".
WHO_OBJECTS = frozenset({"Contact", "Lead"})
# How long a CRM activity may stay "being logged" before the sweeper reconciles and retries it.
ACTIVITY_STALE_AFTER = timedelta(minutes=10)
# Margin for clock differences when looking for a Task an interrupted attempt may have created.
ACTIVITY_CLOCK_MARGIN = timedelta(minutes=15)


def message_id_for(proposal: Proposal) -> str:
    """Deterministic, so a provider (and anyone reading headers) can tell a repeat from a new email."""
    domain = (proposal.from_email or settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "hitlcrm.local"
    return f"<hitlcrm-proposal-{proposal.pk}@{domain}>"


def idempotency_key_for(proposal: Proposal) -> str:
    return f"hitlcrm-proposal-{proposal.pk}"


def final_email(proposal: Proposal) -> dict[str, Any]:
    """What goes out: the approved output with the reviewer's edits (``final_output``); the AI's
    original stays in ``original_output``."""
    final = proposal.final_output or {}
    return {
        "to": list(final.get("to") or proposal.recipients),
        "subject": final.get("subject", proposal.subject),
        "body": final.get("body", proposal.body),
        "body_html": final.get("body_html", proposal.body_html),
        "from_email": final.get("from_email") or proposal.from_email or settings.DEFAULT_FROM_EMAIL,
    }


class Policies:
    """Policy look-ups cached for one batch."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, VersionKey], Policy] = {}

    def of(self, proposal: Proposal) -> Policy:
        governed = (proposal.policy_task_type or proposal.task_type, version_of(proposal))
        if governed not in self._cache:
            self._cache[governed] = Policy.for_task_type(*governed)
        return self._cache[governed]


# --- send window (claim phase) ---------------------------------------------------------------

def send_window_next_opening(policy: Policy, now: datetime) -> datetime | None:
    """None when ``now`` is inside the policy's send window (or it has none), else when it next opens.

    The window is the recipient's business hours: Monday to Friday, from ``send_window_start_hour``
    to ``send_window_end_hour`` in ``send_window_timezone``. A start after the end spans midnight
    (e.g. 22 to 6), counted from the weekday it starts on.
    """
    start, end = policy.send_window_start_hour, policy.send_window_end_hour
    if start is None or end is None or start == end:
        return None
    try:
        zone = ZoneInfo(policy.send_window_timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local_now = now.astimezone(zone)
    length = timedelta(hours=(end - start) % 24)
    openings = []
    for offset in range(-1, 9):
        day = (local_now + timedelta(days=offset)).date()
        if day.weekday() >= 5:
            continue
        opens = datetime(day.year, day.month, day.day, start, tzinfo=zone)
        if opens <= local_now < opens + length:
            return None
        if opens > local_now:
            openings.append(opens)
    return min(openings).astimezone(UTC) if openings else None


def emails_hold_for_send_window(proposals: Iterable[Proposal], *, now: datetime) -> set[int]:
    """Called by the claim (the mail executor's ``hold``), on locked rows: the emails that must wait for their
    send window, or for their paused sender domain to be resumed (``sender_health``). A due
    ``approved`` one stays approved with ``execute_after`` moved to the window's opening (the sweeper
    enqueues it then); one waiting for a retry is simply not claimed yet."""
    emails = [p for p in proposals if p.status in (Status.APPROVED, Status.EXECUTING)]
    if not emails:
        return set()
    retrying = set(
        Execution.objects.filter(proposal__in=[p for p in emails if p.status == Status.EXECUTING],
                                 state=ExecutionState.PENDING).values_list("proposal_id", flat=True)
    )
    policies = Policies()
    candidates = [p for p in emails if p.pk in retrying
                  or (p.status == Status.APPROVED and (p.execute_after or now) <= now)]
    held = emails_hold_for_sender_pause(candidates, now=now,
                                        from_domain=lambda p: sender_domain_of(final_email(p)["from_email"]))
    for proposal in candidates:
        if proposal.pk in held:
            continue
        opening = send_window_next_opening(policies.of(proposal), now)
        if opening is None:
            continue
        held.add(proposal.pk)
        if proposal.status == Status.APPROVED:
            proposal.execute_after = opening
            proposal._change_reason = "held_for_send_window"
            proposal.save(update_fields=["execute_after", "updated_at"])
            audit_record(action="held_for_send_window", actor=SYSTEM, proposal=proposal,
                         data={"until": opening.isoformat()})
    return held


# --- pre-send checks -----------------------------------------------------------------------------

def _stop(code: str, message: str) -> Outcome:
    return Outcome(Status.FAILED, message=message, error_code=code)


def _crm_stops(proposals: list[Proposal]) -> dict[int, Outcome]:
    """The CRM record each email names must exist and not be opted out of email.

    An email that names a CRM record which cannot be read is not sent: with Salesforce not
    configured, or the object having no ``HasOptedOutOfEmail`` field, it fails as unverifiable; with
    Salesforce unreachable it waits for a retry (outcome "").
    """
    naming = [p for p in proposals if p.crm_object and p.crm_id]
    if not naming:
        return {}
    if not crm_configured():
        return {p.pk: _stop("crm_unverifiable",
                            f"Salesforce is not configured, so the opt-out of {p.crm_object} {p.crm_id} cannot be "
                            "checked; the email was not sent") for p in naming}
    from ..crm import CrmError, CrmTransientError

    stops: dict[int, Outcome] = {}
    by_object: dict[str, list[Proposal]] = defaultdict(list)
    for proposal in naming:
        by_object[proposal.crm_object].append(proposal)
    for crm_object, group in by_object.items():
        try:
            records = read_records(crm_object, [p.crm_id for p in group], ["HasOptedOutOfEmail"])
        except CrmTransientError as exc:
            stops.update({p.pk: Outcome("", message=f"could not check the CRM record: {exc}",
                                        error_code="crm_unavailable") for p in group})
            continue
        except CrmError as exc:
            stops.update({p.pk: _stop("crm_unverifiable", f"could not check {crm_object} records for opt-out: {exc}")
                          for p in group})
            continue
        for proposal in group:
            record = records.get(normalise_id(proposal.crm_id)) if is_valid_id(proposal.crm_id) else None
            if record is None:
                stops[proposal.pk] = _stop("crm_record_missing",
                                           f"{crm_object} {proposal.crm_id} is deleted or does not exist in the CRM")
            elif record.get("HasOptedOutOfEmail"):
                stops[proposal.pk] = _stop("opted_out", f"{crm_object} {proposal.crm_id} has opted out of email "
                                                        "(HasOptedOutOfEmail)")
    return stops


def emails_presend_checks(proposals: list[Proposal]) -> dict[int, Outcome]:
    """Stops for the emails that must not go out now, found with batched reads: recipients,
    suppression list (one query), the sending rules (sender identity, lawful basis, a paused sender
    domain), CRM records (one query per object and 200 ids). The quiet period and the contact caps are
    checked per email under locks in :func:`email_mark_sending`."""
    stops: dict[int, Outcome] = {}
    addresses: dict[int, list[str]] = {}
    for proposal in proposals:
        addresses[proposal.pk] = [normalise_address(a) for a in final_email(proposal)["to"]]
        if not addresses[proposal.pk] or not all(addresses[proposal.pk]):
            stops[proposal.pk] = _stop("no_recipient", "the email has no valid recipient address")
    suppressed: dict[str, list[Suppression]] = defaultdict(list)
    for entry in Suppression.objects.filter(address__in={a for some in addresses.values() for a in some}):
        suppressed[entry.address].append(entry)
    for proposal in proposals:
        hits = [entry for address in addresses[proposal.pk] for entry in suppressed.get(address, [])]
        if hits and proposal.pk not in stops:
            reasons = ", ".join(f"{hit.address} ({hit.get_reason_display().lower()})" for hit in hits)
            stops[proposal.pk] = _stop("suppressed", f"on the suppression list: {reasons}")
    paused = paused_sender_domains()
    policies = Policies()
    checked = _checked_bases([p.pk for p in proposals])
    for proposal in proposals:
        if proposal.pk in stops:
            continue
        email = final_email(proposal)
        problem = sender_identity_problem(email["body"])
        domain = sender_domain_of(email["from_email"])
        missing = bases_missing(proposal, policies.of(proposal), checked.get(proposal.pk, []))
        if problem:
            stops[proposal.pk] = _stop("sender_identity_missing", problem)
        elif missing:
            stops[proposal.pk] = _stop("lawful_basis_missing", "no lawful basis recorded for "
                                       + ", ".join(f"{row.address} ({row.country or 'per the CRM record'})"
                                                   for row in missing))
        elif domain in paused:
            # Paused after the claim: held for a retry (claimed again only once the domain is resumed).
            stops[proposal.pk] = Outcome("", message=f"sending from {domain} is paused: {paused[domain].pause_reason}",
                                         error_code="sender_paused")
    unchecked = [p for p in proposals if p.pk not in stops]
    stops.update(_crm_stops(unchecked))
    stops.update(_opt_out_stops({p.pk: addresses[p.pk] for p in unchecked if p.pk not in stops}))
    return stops


def _opt_out_stops(addresses: dict[int, list[str]]) -> dict[int, Outcome]:
    """Anyone in the CRM holding a recipient's address who opted out stops the email (the check at
    submission looked too; an opt-out may have come since, on a record the email does not name)."""
    if not addresses or not crm_configured():
        return {}
    from ..crm import CrmError, CrmTransientError

    try:
        found = recipients_opted_out(addresses, cached=False)
    except CrmTransientError as exc:
        return {pk: Outcome("", message=f"could not check the recipients' opt-out: {exc}",
                            error_code="crm_unavailable") for pk in addresses}
    except CrmError as exc:
        return {pk: _stop("crm_unverifiable", f"could not check the recipients' opt-out: {exc}") for pk in addresses}
    return {pk: _stop("opted_out", opted_out_reason(by_address)) for pk, by_address in found.items()
            if any(by_address.values())}


# --- the "sending" mark ------------------------------------------------------------------------

def email_mark_sending(*, proposal: Proposal, attempt: int, message_id: str, addresses: list[str],
                       policy: Policy) -> Outcome | bool:
    """Check the quiet period and mark the email as sending, in one committed transaction.

    Returns True to go ahead, a stop Outcome, or False when this worker no longer owns the claim
    (the execution moved on: another attempt, or a person resolved it). The recipients' rows are
    locked, so two emails to one address cannot both pass the quiet-period check.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = proposal_lock(proposal.pk)
        execution = Execution.objects.locked().get(proposal=locked)
        if (locked.status != Status.EXECUTING or execution.state != ExecutionState.IN_PROGRESS
                or execution.attempts != attempt):
            return False
        # Besides each address, one row per account ("@domain") is locked, so two emails to one account
        # cannot both pass its contact cap. All in address order, so two workers never deadlock.
        accounts = sorted({"@" + a.rpartition("@")[2] for a in addresses}) if policy.cap_per_account else []
        MailRecipient.objects.bulk_create([MailRecipient(address=a) for a in sorted({*addresses, *accounts})],
                                          ignore_conflicts=True)
        locked_rows = list(MailRecipient.objects.select_for_update().filter(address__in=[*addresses, *accounts])
                           .order_by("address"))
        recipients = [row for row in locked_rows if not row.address.startswith("@")]
        if policy.quiet_period_days:
            since = now - timedelta(days=policy.quiet_period_days)
            earlier = (
                MailContact.objects.filter(recipient__in=recipients, contacted_at__gte=since,
                                           proposal__status__in=[Status.EXECUTING, Status.DONE])
                .exclude(proposal_id=proposal.pk).select_related("recipient").order_by("-contacted_at").first()
            )
            if earlier is not None:
                until = earlier.contacted_at + timedelta(days=policy.quiet_period_days)
                return _stop("quiet_period",
                             f"{earlier.recipient.address} was emailed on {earlier.contacted_at:%Y-%m-%d %H:%M} UTC "
                             f"(#{earlier.proposal_id}); the {policy.quiet_period_days}-day quiet period runs until "
                             f"{until:%Y-%m-%d %H:%M} UTC")
        reached = caps_reached_at_send(proposal.pk, addresses, policy, now=now)
        if reached:
            return _stop("contact_cap", f"contact cap reached: {caps_message(reached, policy.cap_window_days)}")
        for recipient in recipients:
            MailContact.objects.update_or_create(recipient=recipient, proposal_id=proposal.pk,
                                                 defaults={"contacted_at": now})
        # The send's audit record: to whom, on which lawful basis, under which sending rules.
        audit_record(action="email_sending", actor=SYSTEM, proposal=locked, data={
            "to": addresses, "message_id": message_id, "attempt": attempt,
            "lawful_basis": _checked_bases([locked.pk]).get(locked.pk) or basis_summary(lawful_bases(locked, policy)),
            "lawful_basis_regions": policy.lawful_basis_regions or [],
            "footer_mode": hitlcrm_settings.FOOTER_MODE, "list_unsubscribe": True,
        })
        MailDelivery.objects.update_or_create(
            proposal_id=proposal.pk,
            defaults={"message_id": message_id, "sending_attempt": attempt, "sending_started_at": now,
                      "sender_domain": sender_domain_of(final_email(locked)["from_email"])},
        )
        execution.message_id = message_id
        execution.save(update_fields=["message_id"])
    return True


def _checked_bases(proposal_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The recipients' lawful bases as the ``lawful_basis`` check found them (with the CRM record's
    country, which is not read again at send time), per proposal; one query."""
    from ..models import CheckResult

    rows = CheckResult.objects.filter(proposal_id__in=proposal_ids, name="lawful_basis").values_list("proposal_id",
                                                                                                     "details")
    return {pk: list((details or {}).get("recipients") or []) for pk, details in rows}


def email_send_started(execution: Execution) -> bool:
    """Whether the execution's current attempt got as far as calling the provider (for the sweeper:
    started means the outcome is unknown; not started means it can safely be tried again)."""
    return MailDelivery.objects.filter(proposal_id=execution.proposal_id, sending_attempt=execution.attempts).exists()


# --- sending (the mail executor, integrations/mail/executor.py, calls these around the provider) ------

def outgoing_message(proposal: Proposal, email: dict[str, Any] | None = None) -> OutgoingMessage:
    """The message to hand to the provider: the final email (``email``: :func:`final_email`, as the
    mail executor verified it against the approval's digest) with the one-click unsubscribe headers
    and, with ``HITLCRM_FOOTER_MODE=append``, the footer; a deterministic Message-ID and idempotency key."""
    email = final_email(proposal) if email is None else email
    token = unsubscribe_token(proposal_id=proposal.pk, addresses=email["to"])
    body, body_html = with_footer(email["body"], email["body_html"], unsubscribe_url(token))
    return OutgoingMessage(
        to=email["to"], subject=email["subject"], body=body, body_html=body_html,
        from_email=email["from_email"], message_id=message_id_for(proposal),
        idempotency_key=idempotency_key_for(proposal), metadata={"hitlcrm_proposal": str(proposal.pk)},
        headers=list_unsubscribe_headers(token, from_email=email["from_email"]),
    )


def email_outcome_record_patiently(proposal: Proposal, outcome: Outcome, *, attempt: int, provider: str) -> bool:
    """:func:`email_outcome_record`, tried again on a new connection while the database is unreachable:
    after a send only this process knows the outcome, and a database blip must not turn an email the
    provider accepted into "outcome unknown" (found by tests/reliability/test_database_restart_worker.py)."""
    deadline = time.monotonic() + OUTCOME_RECORD_PATIENCE_SECONDS
    while True:
        try:
            return email_outcome_record(proposal, outcome, attempt=attempt, provider=provider)
        except OperationalError:
            if time.monotonic() >= deadline or database.in_atomic_block:
                raise
            logger.warning("could not record the outcome of email #%s (database unreachable); trying again",
                           proposal.pk)
            database.close()  # the broken connection; the next query opens a new one
            time.sleep(1)


def email_outcome_record(proposal: Proposal, outcome: Outcome, *, attempt: int, provider: str = "") -> bool:
    """Record one email's outcome now (phase 3 for one record). False, recording nothing, when the
    execution moved on meanwhile (another worker's attempt, or a person resolved it): theirs stands.
    An answer that arrives after the sweeper declared the send "outcome unknown" still replaces
    that unknown, because it is better knowledge."""
    try:
        with transaction.atomic():
            locked = proposal_lock(proposal.pk)
            execution = Execution.objects.locked().get(proposal=locked)
            if (locked.status != Status.EXECUTING or execution.attempts != attempt
                    or execution.state not in (ExecutionState.IN_PROGRESS, ExecutionState.UNKNOWN)):
                logger.info("email #%s moved on while it was being sent; leaving it to its new owner", proposal.pk)
                return False
            executions_record({proposal.pk: outcome})
            if outcome.status == Status.DONE:
                names_record = bool(proposal.crm_object and proposal.crm_id)
                MailDelivery.objects.update_or_create(proposal_id=proposal.pk, defaults={
                    "sent_at": timezone.now(), "provider": provider, "provider_message_id": outcome.provider_id,
                    "crm_activity_state": CrmActivityState.PENDING if names_record else CrmActivityState.NONE,
                })
    except IllegalTransition as exc:  # defensive: the checks above should make this unreachable
        logger.warning("email #%s was resolved while it was being sent; keeping that resolution (%s)", proposal.pk, exc)
        return False
    return True


# --- the sent email on the CRM record ---------------------------------------------------------------

def _activity_fields(proposal: Proposal, sent_at: datetime) -> dict[str, Any]:
    email = final_email(proposal)
    link = "WhoId" if proposal.crm_object in WHO_OBJECTS else "WhatId"
    return {
        "Subject": f"Email: {email['subject']}"[:255],
        "Description": email["body"][:32000],
        "Status": "Completed",
        "TaskSubtype": "Email",
        "ActivityDate": sent_at.date().isoformat(),
        link: proposal.crm_id,
    }


def _tasks_created_since(deliveries: list[MailDelivery]) -> dict[int, str]:
    """Tasks an earlier, interrupted attempt may have created: {proposal id: Task id}, matched by the
    linked record and subject among Tasks created since that attempt began."""
    if not deliveries:
        return {}
    since = min(d.crm_activity_requested_at or d.sent_at or timezone.now() for d in deliveries) - ACTIVITY_CLOCK_MARGIN
    found = activities_logged_since({d.proposal.crm_id for d in deliveries}, since)
    matches: dict[int, str] = {}
    for delivery in deliveries:
        fields = _activity_fields(delivery.proposal, delivery.sent_at or timezone.now())
        task_id = found.get((normalise_id(delivery.proposal.crm_id), fields["Subject"]))
        if task_id:
            matches[delivery.proposal_id] = task_id
    return matches


def email_activities_due(*, proposal_ids: list[int] | None = None) -> list[int]:
    """Sent emails whose CRM activity is to be logged (none while the CRM is not configured)."""
    if not crm_configured():
        return []
    now = timezone.now()
    due = MailDelivery.objects.filter(
        Q(crm_activity_state=CrmActivityState.PENDING)
        | Q(crm_activity_state=CrmActivityState.CREATING, crm_activity_requested_at__lt=now - ACTIVITY_STALE_AFTER)
    )
    if proposal_ids is not None:
        due = due.filter(proposal_id__in=proposal_ids)
    return list(due.order_by("proposal_id").values_list("proposal_id", flat=True)[:1000])


def email_activities_push(*, proposal_ids: list[int] | None = None) -> dict[str, int]:
    """Log sent emails on their CRM records as completed Tasks: one sObject Collections create per
    200 emails. Never twice: each delivery is marked "being logged" (committed) before the request,
    and one whose earlier attempt may have reached Salesforce is first looked up there (a Task on the
    same record with the same subject, created since) and adopted instead of created again. A failure
    leaves the email ``done`` (it was sent) and the activity ``pending`` (retried by the sweeper) or
    ``failed`` (shown with the error)."""
    from ..crm import DONE, MAX_RECORDS_PER_REQUEST, RETRY, CrmConfigurationError, CrmError, CrmTransientError

    counts = {"created": 0, "adopted": 0, "failed": 0, "retry": 0}
    due = email_activities_due(proposal_ids=proposal_ids)
    if not due:
        return counts
    for start in range(0, len(due), MAX_RECORDS_PER_REQUEST):
        batch = _activities_claim(due[start:start + MAX_RECORDS_PER_REQUEST])
        if not batch:
            continue
        try:
            adopted = _tasks_created_since([d for d in batch if d.crm_activity_uncertain])
            to_create = [d for d in batch if d.proposal_id not in adopted]
            outcomes = create_records("Task", [_activity_fields(d.proposal, d.sent_at or timezone.now())
                                               for d in to_create]) if to_create else []
        except (CrmTransientError, CrmConfigurationError) as exc:
            # Retried by the sweeper (a configuration fixed later lets them through). Without an
            # HTTP answer (a timeout, a dropped connection) Salesforce may have created the Tasks.
            _activities_record(batch, state=CrmActivityState.PENDING, error=str(exc),
                               uncertain=any(d.crm_activity_uncertain for d in batch) or exc.status is None)
            counts["retry"] += len(batch)
            continue
        except CrmError as exc:
            _activities_record(batch, state=CrmActivityState.FAILED, error=str(exc))
            counts["failed"] += len(batch)
            continue
        for delivery in batch:
            if delivery.proposal_id in adopted:
                _activities_record([delivery], state=CrmActivityState.CREATED, task_id=adopted[delivery.proposal_id])
                counts["adopted"] += 1
        for delivery, outcome in zip(to_create, outcomes, strict=True):
            if outcome.status == DONE:
                _activities_record([delivery], state=CrmActivityState.CREATED, task_id=outcome.crm_id)
                counts["created"] += 1
            elif outcome.status == RETRY:
                _activities_record([delivery], state=CrmActivityState.PENDING, error=outcome.message)
                counts["retry"] += 1
            else:
                _activities_record([delivery], state=CrmActivityState.FAILED,
                                   error=f"{outcome.error_code}: {outcome.message}")
                counts["failed"] += 1
    return counts


def _activities_claim(proposal_ids: list[int]) -> list[MailDelivery]:
    """Mark due deliveries "being logged" (committed before the request), so a concurrent push
    skips them; one found still "being logged" later (its worker died) is looked up before it is
    created again."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            MailDelivery.objects.select_for_update(of=("self",), no_key=True).select_related("proposal")
            .filter(Q(crm_activity_state=CrmActivityState.PENDING)
                    | Q(crm_activity_state=CrmActivityState.CREATING,
                        crm_activity_requested_at__lt=now - ACTIVITY_STALE_AFTER),
                    proposal_id__in=proposal_ids)
            .order_by("proposal_id")
        )
        for delivery in claimed:
            if delivery.crm_activity_state == CrmActivityState.CREATING:
                delivery.crm_activity_uncertain = True  # its request may have reached Salesforce
            if not delivery.crm_activity_uncertain:
                # (else kept: the lookup searches from the request that may have created the Task)
                delivery.crm_activity_requested_at = now
            delivery.crm_activity_attempts += 1
            delivery.crm_activity_state = CrmActivityState.CREATING
            delivery.save(update_fields=["crm_activity_state", "crm_activity_requested_at", "crm_activity_attempts",
                                         "crm_activity_uncertain"])
    return claimed


def _activities_record(deliveries: list[MailDelivery], *, state: str, task_id: str = "", error: str = "",
                       uncertain: bool = False) -> None:
    with transaction.atomic():
        for delivery in deliveries:
            delivery.crm_activity_state = state
            delivery.crm_activity_id = task_id or delivery.crm_activity_id
            delivery.crm_activity_error = error[:2000]
            delivery.crm_activity_uncertain = uncertain
            delivery.save(update_fields=["crm_activity_state", "crm_activity_id", "crm_activity_error",
                                         "crm_activity_uncertain"])
            audit_record(action={CrmActivityState.CREATED: "crm_activity_logged",
                                 CrmActivityState.FAILED: "crm_activity_failed"}.get(state, "crm_activity_retry"),
                         actor=SYSTEM, proposal=delivery.proposal,
                         data={"task_id": delivery.crm_activity_id, "error": delivery.crm_activity_error})


__all__ = [
    "email_activities_push",
    "email_mark_sending",
    "email_outcome_record",
    "email_outcome_record_patiently",
    "email_send_started",
    "emails_hold_for_send_window",
    "emails_presend_checks",
    "message_id_for",
    "outgoing_message",
    "send_window_next_opening",
]
