"""SLA: items waiting past their due time are flagged (escalated), then, if the policy says so,
expired. Run periodically by ``sla_escalate_task``; safe to run any number of times."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..audit_actions import AuditAction
from ..models import Policy, Proposal
from ..selectors import policies_by_task_type, policy_governs, policy_pick
from ..state_machine import Status
from ..versions import VERSION_FIELDS
from .actors import Actor
from .audit import audit_record
from .notifications import notifications_on_escalation
from .transitions import proposal_lock, proposal_transition

SLA = Actor.system("sla")
BATCH = 1000


def proposals_escalate_overdue(*, now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Flag waiting items past ``sla_due_at`` (once each), and expire those the routing policy
    says to expire ``expire_after_minutes`` after submission. Returns the counts.

    Each item is decided in its own short transaction under its row lock, so a reviewer deciding
    it at the same moment either wins (the item is no longer waiting) or sees it escalated.
    """
    now = now or timezone.now()
    escalated = expired = 0
    overdue = Proposal.objects.filter(status=Status.NEEDS_REVIEW, sla_due_at__lt=now).order_by("sla_due_at", "pk")
    for proposal_id in overdue.filter(escalated_at__isnull=True).values_list("pk", flat=True)[:batch]:
        with transaction.atomic():
            proposal = proposal_lock(proposal_id)
            if proposal.status == Status.NEEDS_REVIEW and proposal.escalated_at is None:
                proposal.escalated_at = now
                proposal._change_reason = "escalated"
                proposal.save(update_fields=["escalated_at", "updated_at"])
                audit_record(action=AuditAction.ESCALATED, actor=SLA, proposal=proposal,
                             data={"sla_due_at": proposal.sla_due_at, "waited_minutes": _minutes(proposal, now)})
                notifications_on_escalation(proposal)  # the senior reviewers, through the routes
                escalated += 1

    policies = policies_by_task_type()
    due = _expiry_due(policies, now)
    if due is None:
        return {"escalated": escalated, "expired": expired}
    # The batch holds only items whose policy expires them and whose time is up: items under a
    # policy that never expires (however many) cannot crowd out those that must expire.
    candidates = overdue.filter(due, escalated_at__isnull=False).values_list("pk", "policy_task_type", "task_type",
                                                                             "submitted_at", *VERSION_FIELDS)
    for proposal_id, routed_by, task_type, submitted_at, *version in candidates[:batch]:
        # The policy that routed the item decides (its task type's own for its version, or the default).
        policy = policy_pick(policies, routed_by, task_type, version=tuple(version))
        if policy is None or policy.expire_after_minutes is None:
            continue
        if submitted_at + timedelta(minutes=policy.expire_after_minutes) > now:
            continue
        with transaction.atomic():
            proposal = proposal_lock(proposal_id)
            if proposal.status == Status.NEEDS_REVIEW:
                proposal_transition(proposal, Status.EXPIRED, actor=SLA, action=AuditAction.EXPIRED,
                                    data={"expire_after_minutes": policy.expire_after_minutes,
                                          "policy": f"{policy.task_type}@v{policy.version}",
                                          **({"scope": policy.scope_as_api()} if policy.scoped else {})})
                expired += 1
    return {"escalated": escalated, "expired": expired}


def _expiry_due(policies: dict[str, list[Policy]], now: datetime) -> Q | None:
    """The items whose routing policy expires them and whose expiry time has passed, as a filter
    (``None`` when no policy expires anything). The policy that routed an item decides: among the
    policies of the task type named by ``policy_task_type``, the one covering its version, else its task
    type's own, else the default — as the expiry loop resolves it."""
    known = list(policies)
    unrouted = ~Q(policy_task_type__in=known)
    due: Q | None = None
    for task_type, group in policies.items():
        for policy in group:
            if policy.expire_after_minutes is None:
                continue
            # Routed by this task type's policies: the one of them covering the item's version.
            in_group = policy_governs(policy, {task_type: group}) & Q(policy_task_type=task_type)
            routed_here = in_group | (unrouted & policy_governs(policy, policies))
            clause = routed_here & Q(submitted_at__lte=now - timedelta(minutes=policy.expire_after_minutes))
            due = clause if due is None else due | clause
    return due


def _minutes(proposal: Proposal, now: datetime) -> int:
    return int((now - proposal.submitted_at).total_seconds() // 60)
