"""What a notification says about a record, read from what hitlcrm recorded (never from the message
being updated): a Slack message can only say "approved by rita" once that approval is committed.

Shared code: the content is told apart by what a record holds (field changes, a subject and a body,
other parts of its output), not by its kind, so a new kind is shown without an edit here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from integrations.slack.blocks import DigestItem, DigestQueue, DigestView, FailingCheck, FieldDiff, ItemView

from ..apps import admin_url_name
from ..conf import hitlcrm_settings
from ..models import CheckResult, CrmFieldChange, Decision, Execution, Policy, Proposal, ReasonCode
from ..selectors import policy_find
from ..state_machine import Status

# Parts of a record's output shown as "what else it proposes" when it has no subject, body or fields.
_COMMON_PARTS = {"task_type", "confidence", "evidence", "assumptions", "external_ref", "crm_object", "crm_id",
                 "company_name", "to", "subject", "body", "body_html", "from_email", "fields", "field_confidence",
                 "kind"}
DIGEST_ITEMS_PER_QUEUE = 10
DUE_SOON = timedelta(hours=1)


def proposals_for_messages(ids: list[int]) -> dict[int, Proposal]:
    """The records with what their messages show, in a fixed number of queries."""
    queryset = Proposal.objects.filter(pk__in=ids).select_related("agent", "decided_by", "claimed_by").prefetch_related(
        Prefetch("check_results", queryset=CheckResult.objects.order_by("passed", "severity", "name")),
        Prefetch("field_changes", queryset=CrmFieldChange.objects.order_by("pk")),
        Prefetch("decisions", queryset=Decision.objects.select_related("reviewer").order_by("created_at", "pk")),
    )
    return {proposal.pk: proposal for proposal in queryset}


def minutes_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def sla_text(proposal: Proposal, now: datetime) -> str:
    if proposal.sla_due_at is None:
        return ""
    if proposal.sla_due_at < now:
        return f"overdue by {minutes_text(now - proposal.sla_due_at)}"
    return f"due in {minutes_text(proposal.sla_due_at - now)}"


def console_only_reason(proposal: Proposal, policy: Policy | None = None) -> str:
    """Why a waiting record can only be decided in the console ("" when Approve and Reject may be
    offered outside it): it needs a second approver, or a decision field by field. Edits are made in
    the console too ("Open in console"). Asked when a message is built and again when its button is
    clicked."""
    if proposal.status != Status.NEEDS_REVIEW:
        return f"it is {proposal.get_status_display().lower()}"
    if proposal.required_approvals > 1:
        return "it needs two approvers (four-eyes)"
    changes = list(proposal.field_changes.all())
    policy = policy if policy is not None else policy_find(proposal.task_type)  # as the review page reads it
    threshold = policy.field_confidence_threshold if policy is not None else None
    if threshold is not None and any(change.confidence is not None and change.confidence < threshold
                                     for change in changes):
        return "some proposed fields have low confidence: decide them field by field"
    return ""


def outcome_text(proposal: Proposal, execution: Execution | None) -> str:
    """What happened to the record since it waited, in words, from its recorded state; "" while it waits."""
    who = proposal.decided_by.get_username() if proposal.decided_by_id else "policy"
    status = proposal.status
    if status == Status.NEEDS_REVIEW:
        return ""
    if status == Status.APPROVED:
        when = ""
        if proposal.execute_after and proposal.execute_after > timezone.now():
            when = f" in {max(1, int((proposal.execute_after - timezone.now()).total_seconds()))} s (undo in the console)"
        return f"Approved by {who}; executes{when or ' now'}."
    if status == Status.EXECUTING:
        return f"Approved by {who}; executing."
    if status == Status.DONE:
        return f"Approved by {who}; executed."
    if status == Status.FAILED:
        error = (execution.last_error if execution else "") or "see the console"
        return f"Approved by {who}; execution failed: {error[:300]}. It is back in the console for a person."
    if status == Status.CONFLICT:
        return (f"Approved by {who}; conflict: the CRM value changed since the proposal. It is back in the console "
                "to be decided again.")
    if status == Status.REJECTED:
        labels = dict(ReasonCode.choices)
        reason = labels.get(proposal.reason_code, proposal.reason_code)
        return f"Rejected by {who} ({reason})." if reason else f"Rejected by {who}."
    if status == Status.EXPIRED:
        return "Expired unreviewed under its policy."
    if status == Status.WITHDRAWN:
        return "Withdrawn by the agent."
    if status == Status.BLOCKED:
        return "Blocked by a hard check."
    if status == Status.CHECKING:
        return "Being checked again; it will be decided again."
    return proposal.get_status_display()


def _identity(proposal: Proposal) -> list[tuple[str, str]]:
    parts = []
    if proposal.crm_object or proposal.crm_id:
        parts.append(("Record", f"{proposal.crm_object} {proposal.crm_id}".strip()))
    if proposal.company_name:
        parts.append(("Company", proposal.company_name))
    if proposal.recipients:
        parts.append(("To", ", ".join(str(address) for address in proposal.recipients)))
    parts.append(("Agent", proposal.agent.name))
    return parts


def _other_parts(proposal: Proposal) -> list[tuple[str, str]]:
    output = proposal.original_output if isinstance(proposal.original_output, dict) else {}
    return [(str(name), str(value)[:300]) for name, value in output.items() if name not in _COMMON_PARTS][:10]


def item_view(proposal: Proposal, *, now: datetime | None = None, heading: str = "",
              mentions: list[str] | None = None, execution: Execution | None = None) -> ItemView:
    """The message of one record as it stands (load it with :func:`proposals_for_messages`)."""
    now = now or timezone.now()
    changes = list(proposal.field_changes.all())
    failing = [FailingCheck(result.name, result.severity, result.message)
               for result in proposal.check_results.all() if not result.passed]
    if execution is None and proposal.status in (Status.FAILED, Status.CONFLICT):
        execution = Execution.objects.filter(proposal=proposal).first()
    reason = console_only_reason(proposal)
    outcome = outcome_text(proposal, execution)
    approvals = [decision for decision in proposal.decisions.all() if decision.is_live_approval]
    if not outcome and approvals and proposal.required_approvals > 1:
        heading = heading or f"{len(approvals)} of {proposal.required_approvals} approvals given"
    subject, body = proposal.subject, proposal.body
    return ItemView(
        proposal_id=proposal.pk,
        title=f"{proposal.get_kind_display()} #{proposal.pk}",
        task_type=proposal.task_type,
        risk=proposal.risk,
        review_url=proposal.review_url(),
        identity=_identity(proposal),
        subject=subject,
        body=body,
        diff=[FieldDiff(change.field, _shown(change.before_value) if change.before_captured_at else "",
                        _shown(change.proposed_value)) for change in changes],
        other=[] if (subject or body or changes) else _other_parts(proposal),
        failing_checks=failing,
        waiting=f"waiting {minutes_text(now - proposal.submitted_at)}",
        sla=sla_text(proposal, now) if not outcome else "",
        decidable=not outcome and not reason,
        console_reason="" if outcome else reason,
        reasons=list(ReasonCode.choices),
        outcome=outcome,
        heading=heading,
        mentions=list(mentions or []),
    )


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def item_summary(proposal: Proposal) -> str:
    """One line about a record for digests and email: its subject, or the fields it changes."""
    if proposal.subject:
        return proposal.subject
    fields = [change.field for change in proposal.field_changes.all()]
    if fields:
        return f"{proposal.crm_object} {proposal.crm_id}: " + ", ".join(fields)
    return f"{proposal.crm_object} {proposal.crm_id}".strip() or proposal.task_type


def digest_view(route_name: str, waiting: list[Proposal], *, now: datetime | None = None,
                link_for: Any = None) -> DigestView:
    """Per queue: how many wait, are overdue or due within the hour, and the most urgent first.
    ``link_for(proposal)`` gives each item's link (the review page, or a reviewer's signed link)."""
    now = now or timezone.now()
    link_for = link_for or (lambda proposal: proposal.review_url())
    queues: dict[str, list[Proposal]] = {}
    for proposal in waiting:
        queues.setdefault(proposal.get_kind_display(), []).append(proposal)
    queue_url = hitlcrm_settings.BASE_URL.rstrip("/") + reverse(admin_url_name("proposal", "changelist"))
    shown = []
    for label, items in queues.items():
        items.sort(key=lambda p: (-p.risk, p.sla_due_at or datetime.max.replace(tzinfo=now.tzinfo), p.submitted_at, p.pk))
        shown.append(DigestQueue(
            label=label, waiting=len(items),
            overdue=sum(1 for p in items if p.sla_due_at and p.sla_due_at < now),
            due_soon=sum(1 for p in items if p.sla_due_at and now <= p.sla_due_at < now + DUE_SOON),
            items=[DigestItem(title=f"{p.get_kind_display()} #{p.pk}", detail=f"{p.task_type}: {item_summary(p)}",
                              url=link_for(p), sla=sla_text(p, now)) for p in items[:DIGEST_ITEMS_PER_QUEUE]],
            url=queue_url,
        ))
    return DigestView(title=f"Waiting for review ({route_name})", queues=shown)
