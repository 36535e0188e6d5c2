"""Golden items: known-answer proposals an admin seeds into the queue to measure each reviewer's
accuracy (reviews/services/reviewer_quality.py reads the answers).

A golden item is a copy of a real proposal (its agent, task type, content, evidence, assumptions and
check results; optionally with an error planted by the admin), in ``needs_review`` like the items
around it. Nothing on the queue or the review page tells it apart; only ``GoldenItem`` knows. It
must never reach a prospect, the CRM or the agent:

- the agent does not see it (the API's lists and feeds leave golden items out) and gets no webhook;
- its approval goes the way every approval goes (the undo grace period included), and the executor
  then retires it (:func:`golden_items_retire`: ``approved`` -> ``withdrawn``) instead of executing it;
- it counts in no gate metric, replay or export of the agent's outputs (it is not the agent's output).
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..audit_actions import AuditAction
from ..kinds import kind_of
from ..models import CheckResult, Decision, GoldenExpectation, GoldenItem, Proposal
from ..selectors import policy_of
from ..state_machine import Status
from .actors import Actor
from .transitions import proposal_transition

RETIRED = AuditAction.GOLDEN_RETIRED
SEEDED = AuditAction.GOLDEN_SEEDED
MAX_COPIES = 20
# What a copy takes over from its source: everything the queue and the review page show.
COPIED_FIELDS = (
    "kind", "task_type", "confidence", "evidence", "assumptions", "agent", "external_ref", "crm_object", "crm_id",
    "company_name", "recipients", "subject", "body", "body_html", "from_email", "change_kind", "external_id_field",
    "original_output", "policy_task_type", "policy_version", "risk", "required_approvals", "sampled_for_audit",
    "search_text",  # found by what finds its source (a reviewer must not tell a golden item apart)
    "agent_version", "prompt_version", "agent_model", "gate_reason",
)


class GoldenSeedRefused(Exception):
    """A golden item that cannot be seeded; the message says why."""


def not_golden(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """``queryset`` without golden items: the agent's own outputs only."""
    return queryset.filter(golden_item__isnull=True)


def is_golden(proposal_id: int) -> bool:
    return GoldenItem.objects.filter(proposal_id=proposal_id).exists()


def golden_items_seed(
    *, source_id: int, expected: str, actor: Actor, copies: int = 1, edits: dict[str, Any] | None = None,
    note: str = "",
) -> list[GoldenItem]:
    """Put ``copies`` golden copies of the proposal ``source_id`` in the queue, with the known answer
    ``expected`` (:class:`GoldenExpectation`). ``edits`` change the copies' content (an email's
    subject, body or body_html; a CRM change's proposed field values), e.g. to plant an error the
    reviewers should catch. Several copies let several reviewers answer the same item, so their
    agreement is measured (Cohen's kappa) as well as their accuracy."""
    if expected not in GoldenExpectation.values:
        raise GoldenSeedRefused(f"the expected answer is one of {', '.join(GoldenExpectation.values)}")
    if not 1 <= copies <= MAX_COPIES:
        raise GoldenSeedRefused(f"seed between 1 and {MAX_COPIES} copies")
    if actor.user is None:
        raise GoldenSeedRefused("golden items are seeded by a person")
    source = (Proposal.objects.filter(pk=source_id).select_related("agent")
              .prefetch_related("check_results", "field_changes").first())
    if source is None:
        raise GoldenSeedRefused(f"no proposal #{source_id}")
    if is_golden(source.pk):
        raise GoldenSeedRefused("the source is a golden item itself: seed from the agent's own proposal")
    kind = kind_of(source)
    edits = edits or {}
    problem = kind.golden_edits_problem(source, edits)
    if problem:
        raise GoldenSeedRefused(problem)
    now = timezone.now()
    policy = policy_of(source)
    # An item in the queue says why the gate put it there: a copy of one the policy let through says
    # what a let-through item in the queue would (the audit sample), not "auto-approved".
    let_through = source.decisions.filter(action=Decision.Action.AUTO_APPROVE).exists()
    seeded = []
    with transaction.atomic():
        for _ in range(copies):
            proposal = Proposal(submitted_at=now, status_changed_at=now, idempotency_key=None,
                                sla_due_at=now + timedelta(minutes=policy.sla_minutes),
                                **{name: copy.deepcopy(getattr(source, name)) for name in COPIED_FIELDS})
            if let_through:
                proposal.sampled_for_audit, proposal.gate_reason = True, "sampled for audit"
            kind.golden_copy_apply(source, proposal, edits, now=now)
            proposal.save()
            kind.golden_copy_rows(source, proposal, edits, now=now)
            # The checks as they ran on the source: what the reviewer would see on the agent's own item.
            CheckResult.objects.bulk_create([
                CheckResult(proposal=proposal, name=result.name, passed=result.passed, severity=result.severity,
                            message=result.message, details=result.details, checked_at=now)
                for result in source.check_results.all()
            ])
            golden = GoldenItem.objects.create(proposal=proposal, source=source, expected=expected, note=note,
                                               seeded_by=actor.user, seeded_at=now)
            proposal_transition(proposal, Status.NEEDS_REVIEW, actor=actor, action=SEEDED,
                                data={"golden_item": golden.pk, "source": source.pk, "expected": expected,
                                      "edits": sorted(edits), "note": note})
            seeded.append(golden)
    return seeded


def golden_items_retire(locked: list[Proposal], *, now: Any = None) -> list[Proposal]:
    """The executor's guard: of row-locked records about to be claimed for execution, the golden
    items whose approval is due leave the loop (``approved`` -> ``withdrawn``, audit action
    ``golden_retired``) and are never executed. Returns the other records, for the executor to go on
    with. One query, and only when some record is an approval that is due."""
    now = now or timezone.now()
    due = [proposal.pk for proposal in locked
           if proposal.status == Status.APPROVED and (proposal.execute_after or now) <= now]
    if not due:
        return locked
    golden = {item.proposal_id: item for item in GoldenItem.objects.filter(proposal_id__in=due)}
    if not golden:
        return locked
    system = Actor.system("golden items")
    for proposal in locked:
        item = golden.get(proposal.pk)
        if item is not None:
            proposal_transition(proposal, Status.WITHDRAWN, actor=system, action=RETIRED,
                                data={"golden_item": item.pk, "expected": item.expected,
                                      "reason": "a golden item's decision is its answer; nothing is executed"})
    GoldenItem.objects.filter(pk__in=[item.pk for item in golden.values()]).update(retired_at=now)
    return [proposal for proposal in locked if proposal.pk not in golden]
