"""What happens when a record becomes approved, whoever approved it (a person or a policy)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ..canonical import payload_digest
from ..conf import hitlcrm_settings
from ..kinds import kind_of
from ..kinds.email_draft import email_text_problem  # noqa: F401  (re-exported: it was defined here)
from ..models import Decision, Proposal
from ..state_machine import Status
from .actors import Actor
from .queueing import enqueue_on_commit
from .transitions import proposal_transition


def approval_finalise(
    proposal: Proposal,
    *,
    actor: Actor,
    action: str,
    decision: Decision,
    edits: dict[str, Any] | None,
    extra_fields: list[str] | None = None,
    data: dict[str, Any] | None = None,
    grace_seconds: int | None = None,
) -> Proposal:
    """Move a locked record to ``approved`` and schedule its execution after the undo grace period.

    ``decision`` is the approval that completes it (a person's, or the policy's ``auto_approve``): it
    records the digest of the exact payload the executor will send (approve A, execute A: the
    executor recomputes it before it sends and refuses on a difference, ``execution_payloads_verify``)."""
    kind = kind_of(proposal)
    kind.approval_settle(proposal, edits=edits)
    now = timezone.now()
    grace = hitlcrm_settings.UNDO_GRACE_SECONDS if grace_seconds is None else grace_seconds
    proposal.final_output = kind.final_output(proposal, edits)  # what will be executed
    decision.payload_digest = payload_digest(kind.execution_payload(proposal))
    decision.save(update_fields=["payload_digest"])
    proposal.decided_at = now
    proposal.decided_by = actor.user if actor.type == "user" else None
    proposal.decision_action = action
    proposal.execute_after = now + timedelta(seconds=grace)
    proposal_transition(
        proposal,
        Status.APPROVED,
        actor=actor,
        action=action,
        data={"final_output": proposal.final_output, "payload_digest": decision.payload_digest, **(data or {})},
        update_fields=["final_output", "decided_at", "decided_by", "decision_action", "execute_after",
                       "materially_edited", "reason_code", "decision_note", *(extra_fields or [])],
    )
    # A batching executor's task waits a little past the grace period, to take along what is
    # approved meanwhile.
    schedule_execution_on_commit(proposal.pk, delay_seconds=grace + kind.execution_delay_seconds())
    return proposal


def schedule_execution_on_commit(proposal_id: int, *, delay_seconds: float = 0) -> None:
    from ..tasks import proposal_execute_task

    enqueue_on_commit(proposal_execute_task, [proposal_id], countdown=max(delay_seconds, 0))


