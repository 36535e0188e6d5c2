"""The only place a status changes: under the row lock, checked against the state machine,
recorded in simple-history and in the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Proposal
from ..state_machine import assert_transition
from .actors import Actor
from .audit import audit_record, audit_record_many
from .notifications import notifications_on_transition
from .webhooks import webhook_enqueue


def proposal_lock(proposal_id: int) -> Proposal:
    """Lock one record for a decision or execution (see ``ProposalQuerySet.select_for_decision``).
    Must run inside ``transaction.atomic``."""
    return Proposal.objects.select_for_decision().get(pk=proposal_id)


def proposal_transition(
    proposal: Proposal,
    target: str,
    *,
    actor: Actor,
    action: str | None = None,
    data: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
) -> Proposal:
    """Move a locked record to ``target``; raises IllegalTransition when the lifecycle forbids it.

    ``update_fields`` are other fields the caller changed alongside the status.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("proposal_transition must run inside transaction.atomic with the row locked")
    previous = _move(proposal, target, actor=actor, action=action, now=timezone.now())
    fields = ["status", "status_changed_at", "updated_at", *(update_fields or [])]
    proposal.save(update_fields=list(dict.fromkeys(fields)))
    audit_record(
        action=action or target,
        actor=actor,
        proposal=proposal,
        data={"from": previous, "to": target, **(data or {})},
    )
    webhook_enqueue(proposal, previous=previous, target=target)  # the agent's decision webhook, if any
    notifications_on_transition([proposal], target=target)  # reviewers' Slack and email, if routed
    return proposal


def _move(proposal: Proposal, target: str, *, actor: Actor, action: str | None, now: Any) -> str:
    """Set the new status on a locked record (unsaved); returns the previous one."""
    previous = proposal.status
    assert_transition(previous, target)
    proposal.status = target
    proposal.status_changed_at = now
    proposal._change_reason = action or target  # simple-history stores it on the historical row
    if actor.user is not None:
        proposal._history_user = actor.user
    return previous


def proposals_transition(
    proposals: list[Proposal],
    target: str,
    *,
    actor: Actor,
    action: str | None = None,
    data: dict[int, dict[str, Any]] | None = None,
) -> list[Proposal]:
    """:func:`proposal_transition` for many locked records at once (the executor's batches): the same
    checks and the same records (a history row, an audit event and the agent's webhook each), written
    with one UPDATE, one history insert per 500 records and one audit append. ``data``: proposal
    id -> that record's audit data. If one record may not move, none does (IllegalTransition)."""
    if not proposals:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("proposals_transition must run inside transaction.atomic with the rows locked")
    from simple_history.utils import get_history_manager_for_model

    now = timezone.now()
    previous = {}
    for proposal in proposals:
        previous[proposal.pk] = _move(proposal, target, actor=actor, action=action, now=now)
        proposal.updated_at = now
    # Every row gets the same values: one plain UPDATE (bulk_update's per-row CASE costs seconds for
    # a thousand rows), and the history rows written here, as save() would have.
    Proposal.objects.filter(pk__in=[proposal.pk for proposal in proposals]).update(
        status=target, status_changed_at=now, updated_at=now)
    get_history_manager_for_model(Proposal).bulk_history_create(proposals, update=True, default_date=now,
                                                                batch_size=500)
    audit_record_many([
        {"action": action or target, "actor": actor, "proposal": proposal,
         "data": {"from": previous[proposal.pk], "to": target, **((data or {}).get(proposal.pk) or {})}}
        for proposal in proposals
    ])
    for proposal in proposals:
        webhook_enqueue(proposal, previous=previous[proposal.pk], target=target)
    notifications_on_transition(proposals, target=target)
    return proposals
