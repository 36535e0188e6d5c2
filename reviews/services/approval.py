"""What happens when a record becomes approved, whoever approved it (a person or a policy)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ..conf import hitlcrm_settings
from ..executors import executor_for
from ..models import Proposal
from ..models.crm import FieldDecision
from ..state_machine import Status
from .actors import Actor
from .queueing import enqueue_on_commit
from .transitions import proposal_transition

EMAIL_EDITABLE = ("subject", "body", "body_html")
# A subject is one header line: no line break of any kind (CR, LF, NEL, U+2028/9) and no other
# control character may reach it. Tabs are folding white space, allowed in headers.
_NOT_IN_SUBJECT = {"Cc", "Zl", "Zp"}


def email_text_problem(name: str, value: Any) -> str:
    """Why ``value`` cannot be an email's ``subject`` or ``body`` ("" when it can). The API's
    validation and reviewers' edits both ask here, so both doors hold the same rules."""
    if not isinstance(value, str) or not value.strip():
        return "This field may not be blank."
    if name == "subject" and any(unicodedata.category(ch) in _NOT_IN_SUBJECT and ch != "\t" for ch in value):
        return "A subject cannot contain line breaks or control characters."
    return ""


def final_output_for(proposal: Proposal, edits: dict[str, Any] | None) -> dict[str, Any]:
    """What will be executed: the AI's output with the reviewer's edits applied."""
    edits = edits or {}
    if proposal.is_email:
        return {
            "to": list(proposal.recipients),
            "from_email": proposal.from_email,
            **{name: edits.get(name, getattr(proposal, name)) for name in EMAIL_EDITABLE},
        }
    approved = {
        change.field: change.approved_value
        for change in proposal.field_changes.all()
        if change.decision == FieldDecision.APPROVED
    }
    return {"crm_object": proposal.crm_object, "crm_id": proposal.crm_id, "fields": approved}


def approve_fields(proposal: Proposal, *, field_decisions: dict[str, bool] | None, edits: dict[str, Any] | None) -> None:
    """Record per-field decisions of a CRM change (all fields approved unless told otherwise).

    A reviewer who approves the change but rejects some of its proposed fields corrected the AI's
    output as surely as one who edited a value: in the review that first concludes (the record is
    ``needs_review``), that marks the record ``materially_edited``, an error of the AI in the gate
    metrics (reviews/services/metrics.py). The caller saves the flag with the approval
    (:func:`approval_finalise`). Fields decided again when a failed or conflicting execution is
    approved once more do not change it: see ``proposal_decide``."""
    edits = edits or {}
    rejected = False
    for change in proposal.field_changes.all():
        approved = True if field_decisions is None else bool(field_decisions.get(change.field, False))
        rejected = rejected or not approved
        change.decision = FieldDecision.APPROVED if approved else FieldDecision.REJECTED
        change.approved_value = edits.get(change.field, change.proposed_value) if approved else None
        change.save(update_fields=["decision", "approved_value"])
    if rejected and proposal.status == Status.NEEDS_REVIEW:
        proposal.materially_edited = True


def approval_finalise(
    proposal: Proposal,
    *,
    actor: Actor,
    action: str,
    edits: dict[str, Any] | None,
    extra_fields: list[str] | None = None,
    data: dict[str, Any] | None = None,
    grace_seconds: int | None = None,
) -> Proposal:
    """Move a locked record to ``approved`` and schedule its execution after the undo grace period."""
    if not proposal.is_email and not proposal.field_changes.exclude(decision=FieldDecision.PENDING).exists():
        approve_fields(proposal, field_decisions=None, edits=edits)
    now = timezone.now()
    grace = hitlcrm_settings.UNDO_GRACE_SECONDS if grace_seconds is None else grace_seconds
    proposal.final_output = final_output_for(proposal, edits)
    proposal.decided_at = now
    proposal.decided_by = actor.user if actor.type == "user" else None
    proposal.decision_action = action
    proposal.execute_after = now + timedelta(seconds=grace)
    proposal_transition(
        proposal,
        Status.APPROVED,
        actor=actor,
        action=action,
        data={"final_output": proposal.final_output, **(data or {})},
        update_fields=["final_output", "decided_at", "decided_by", "decision_action", "execute_after",
                       "materially_edited", "reason_code", "decision_note", *(extra_fields or [])],
    )
    # A batched executor's task (a CRM change's) waits a little past the grace period: the records
    # approved meanwhile are due by then, and its batch takes them all along (Executor.coalesce_seconds).
    coalesce = executor_for(proposal).coalesce_seconds()
    schedule_execution_on_commit(proposal.pk, delay_seconds=grace + coalesce)
    return proposal


def schedule_execution_on_commit(proposal_id: int, *, delay_seconds: float = 0) -> None:
    from ..tasks import proposal_execute_task

    enqueue_on_commit(proposal_execute_task, [proposal_id], countdown=max(delay_seconds, 0))


