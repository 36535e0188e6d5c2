"""Use cases of the people in the loop: decide, rebase a conflict, rescue, undo, withdraw (the agent's), claim."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..apps import perm
from ..checks.base import HARD, SOFT
from ..conf import hitlcrm_settings
from ..kinds import EditRefused, kind_of
from ..models import AuditEvent, CheckResult, Decision, Execution, ExecutionState, Policy, Proposal, ReasonCode
from ..models.crm import FieldDecision
from ..search import search_text_refresh
from ..selectors import policy_of
from ..state_machine import DECIDABLE, WITHDRAWABLE, IllegalTransition, Status
from ..versions import VersionKey, version_of
from .actors import Actor
from .approval import approval_finalise
from .audit import audit_record
from .checking import (
    check_failures,
    checks_data,
    edited_checks_evaluate,
    edited_context_gather,
    proposal_checks_store,
)
from .execution import proposal_reapproval_prepare, proposal_rebase_prepare
from .queueing import enqueue_on_commit
from .transitions import proposal_lock, proposal_transition

# How a person resolves a conflict (the CRM value changed after the change was approved): write the
# approved value over the CRM's newer one, or take the newer one as the new base and check again.
OVERWRITE = "overwrite"
REBASE = "rebase"
CONFLICT_CHOICES = (
    "the CRM value changed after this change was approved, so a plain approval would write over it: "
    "choose \"Rebase\" (take the CRM's value as the new base, check the change again and decide it "
    "again) or \"Overwrite\" (write the approved value over the CRM's newer one); nothing changed"
)


class DecisionRefused(Exception):
    """A decision that cannot be taken; the message says why, in words a reviewer understands."""


class EditChecksFailed(DecisionRefused):
    """A person's edit fails the checks the agent's output had to pass: nothing was recorded.

    ``failures`` are the failing results (unsaved ``CheckResult``); ``confirmable`` is True when
    all of them are soft, so the same decision with ``confirm_soft=True`` goes through.
    """

    def __init__(self, failures: list[CheckResult], *, confirmable: bool, rescue: bool = False) -> None:
        self.failures = failures
        self.confirmable = confirmable
        found = "; ".join(f"{result.name} — {result.message}" for result in failures)
        count = "a check" if len(failures) == 1 else f"{len(failures)} checks"
        if confirmable:
            outcome = "Confirm to approve it anyway."
        else:
            outcome = "Nothing changed." if rescue else "Nothing was approved."
        super().__init__(f"the edit fails {count}: {found}. {outcome}")


def _normalised(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def _edits_of(proposal: Proposal, edits: dict[str, Any] | None) -> dict[str, list[Any]]:
    """The edits that really change something, as {field: [original, edited]}."""
    if not edits:
        return {}
    try:
        return kind_of(proposal).edits_of(proposal, edits)
    except EditRefused as exc:
        raise DecisionRefused(str(exc)) from exc


def _is_material(changes: dict[str, list[Any]]) -> bool:
    # Whitespace and letter case are not material; anything else a reviewer changed is.
    return any(_normalised(old) != _normalised(new) for old, new in changes.values())


def _edit_inputs(proposal: Proposal, *, edits: dict[str, Any] | None,
                 carried_edits: dict[str, Any]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """The reviewer's edits that change something, and the output's edits as a whole: what the earlier
    round approved (``carried_edits``), then each live approval's edits, then this reviewer's."""
    changes = _edits_of(proposal, edits)
    all_edits = dict(carried_edits)
    for earlier in _live_approvals(proposal).order_by("created_at", "pk"):
        all_edits.update({name: pair[1] for name, pair in earlier.edits.items()})
    all_edits.update({name: pair[1] for name, pair in changes.items()})
    return changes, all_edits


def _edit_checks_ahead(proposal_id: int, *, edits: dict[str, Any], field_decisions: dict[str, bool] | None,
                       gathered: dict[str, Any] | None) -> tuple[Any, list[CheckResult]] | None:
    """The checks of a reviewer's edit, run before the row lock is taken: a check may take seconds (the
    AI reviewer asks a model), and the lock would make every other decision on the record wait that
    long. For a record in review (the usual edit); the locked decision uses the results only if what
    they checked is still what it approves (same round, same edits), else it runs them again."""
    proposal = (Proposal.objects.filter(pk=proposal_id).select_related("agent")
                .prefetch_related("field_changes", "check_results").first())
    if proposal is None or proposal.status != Status.NEEDS_REVIEW:
        return None
    try:
        changes, all_edits = _edit_inputs(proposal, edits=edits, carried_edits={})
    except DecisionRefused:
        return None  # refused again, with its message, under the lock
    if not changes:
        return None
    approved = None if field_decisions is None else [name for name, keep in field_decisions.items() if keep]
    results = edited_checks_evaluate(proposal, edits=all_edits, gathered=gathered, fields=approved)
    return (proposal.status_changed_at, all_edits, approved), results


def _edit_checked(
    proposal: Proposal, *, edits: dict[str, Any], gathered: dict[str, Any] | None,
    fields: dict[str, bool] | None, confirm_soft: bool, ahead: tuple[Any, list[CheckResult]] | None = None,
) -> dict[str, Any]:
    """Run the checks on the output as it would be executed (``edits`` applied; for a CRM change only
    the fields approved in ``fields``, all when None). A hard failure refuses the decision; a soft one
    the record was not already showing refuses it unless the reviewer confirmed (``confirm_soft``).
    Soft failures it already showed are what sent it to this reviewer: they saw them. ``ahead``: the
    results :func:`_edit_checks_ahead` got before the lock, used when they checked this very output.
    Returns what the approval's audit event records of them."""
    approved = None if fields is None else [name for name, keep in fields.items() if keep]
    if ahead is not None and ahead[0] == (proposal.status_changed_at, edits, approved):
        results = ahead[1]
    else:
        results = edited_checks_evaluate(proposal, edits=edits, gathered=gathered, fields=approved)
    hard = check_failures(results, HARD)
    if hard:
        raise EditChecksFailed(hard, confirmable=False)
    shown = {result.name for result in proposal.check_results.all() if not result.passed}
    new_soft = [result for result in check_failures(results, SOFT) if result.name not in shown]
    if new_soft and not confirm_soft:
        raise EditChecksFailed(new_soft, confirmable=True)
    return {"checks": checks_data(results), "soft_confirmed": [result.name for result in new_soft]}


def proposal_decide(
    *,
    proposal_id: int,
    actor: Actor,
    action: str,
    reason_code: str = "",
    note: str = "",
    edits: dict[str, Any] | None = None,
    field_decisions: dict[str, bool] | None = None,
    confirm_soft: bool = False,
    conflict_resolution: str = "",
) -> Proposal:
    """Approve, edit & approve, or reject. Exactly one of two racing reviewers wins: the row lock
    serialises them and the loser finds the status already changed.

    An approval whose edits change the output runs the checks on the final output first (see
    :func:`_edit_checked`): a failure raises :class:`EditChecksFailed` and nothing is recorded;
    ``confirm_soft`` accepts soft failures the reviewer was shown.

    A record in ``conflict`` is approved only with ``conflict_resolution="overwrite"``: the approved
    values are then written over the CRM's newer ones (audit action ``conflict_overwritten``). A
    plain approval of a conflict is refused naming the choices; the other one is
    :func:`proposal_rebase`."""
    if actor.user is None or actor.client is not None:
        raise DecisionRefused("only reviewers can decide")
    if action not in {Decision.Action.APPROVE, Decision.Action.EDIT_APPROVE, Decision.Action.REJECT}:
        raise DecisionRefused(f"unknown action {action!r}")
    if action == Decision.Action.REJECT and reason_code not in ReasonCode.values:
        raise DecisionRefused(f"a rejection needs a reason code, one of: {', '.join(ReasonCode.values)}")
    if action != Decision.Action.REJECT and reason_code and reason_code not in ReasonCode.values:
        raise DecisionRefused(f"unknown reason code {reason_code!r}")
    if conflict_resolution == REBASE:
        raise DecisionRefused("rebasing a conflict is not an approval: use proposal_rebase")
    if conflict_resolution not in ("", OVERWRITE):
        raise DecisionRefused(f"unknown conflict resolution {conflict_resolution!r}; choose {OVERWRITE!r} or "
                              f"{REBASE!r}")
    if conflict_resolution and action == Decision.Action.REJECT:
        raise DecisionRefused("a rejection overwrites nothing: leave out the conflict resolution")
    # The CRM reads the checks of an edit need happen before the row lock is taken.
    gathered = edited_context_gather(proposal_id) if edits and action != Decision.Action.REJECT else None
    ahead = (_edit_checks_ahead(proposal_id, edits=edits, field_decisions=field_decisions, gathered=gathered)
             if edits and action != Decision.Action.REJECT else None)

    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        if proposal.status not in DECIDABLE:
            who = f" by {proposal.decided_by.get_username()}" if proposal.decided_by_id else ""
            raise DecisionRefused(f"this item is already {proposal.get_status_display().lower()}{who}; nothing changed")
        if proposal.agent.user_id == actor.user.pk:
            raise DecisionRefused("you cannot decide an item you submitted")
        overwriting = action != Decision.Action.REJECT and proposal.status == Status.CONFLICT
        if overwriting and conflict_resolution != OVERWRITE:
            raise DecisionRefused(CONFLICT_CHOICES)
        if conflict_resolution and not overwriting:
            raise DecisionRefused(f"only a change in conflict can be overwritten; this one is "
                                  f"{proposal.get_status_display().lower()}")
        carried_edits: dict[str, Any] = {}
        carried_fields: dict[str, bool] | None = None
        if action != Decision.Action.REJECT and proposal.status in (Status.FAILED, Status.CONFLICT):
            # What the earlier round approved: the retry executes what people approved, not the AI's
            # original; a reviewer who edits again, or decides the fields again, overrides it. Unless
            # the executor refused it (approve A, execute A): what was stored as approved had changed
            # since, so nothing of it is carried; this approval is of the record as the reviewer sees it.
            if not Execution.objects.filter(proposal_id=proposal.pk, state=ExecutionState.REFUSED).exists():
                carried_edits, carried_fields = kind_of(proposal).approved_before(proposal)
            proposal_reapproval_prepare(proposal, actor=actor)  # a new round of approvals (see there)
        if action != Decision.Action.REJECT and proposal.required_approvals > 1:
            _check_second_approval(proposal, actor)
        # Edits accumulate over approvals: the first approver's edits stand unless the second edits too.
        changes, all_edits = _edit_inputs(proposal, edits=edits if action != Decision.Action.REJECT else None,
                                          carried_edits=carried_edits)
        if action == Decision.Action.EDIT_APPROVE and not changes and field_decisions is None:
            action = Decision.Action.APPROVE
        approvals = _live_approvals(proposal)
        checked: dict[str, Any] = {}
        if changes:
            checked = _edit_checked(proposal, edits=all_edits, gathered=gathered, confirm_soft=confirm_soft,
                                    fields=carried_fields if field_decisions is None else field_decisions,
                                    ahead=ahead)
        common = {"reason_code": reason_code, "note": note}
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    proposal=proposal, reviewer=actor.user, submitted_by_id=proposal.agent.user_id, action=action,
                    edits=changes, origin_ip=actor.ip, user_agent=actor.user_agent, **common,
                )
        except IntegrityError as exc:
            raise DecisionRefused("you already approved this item; a second approval must come from someone else") from exc

        proposal.reason_code, proposal.decision_note = reason_code, note
        if action == Decision.Action.REJECT:
            proposal.decided_at, proposal.decided_by, proposal.decision_action = timezone.now(), actor.user, action
            return proposal_transition(
                proposal, Status.REJECTED, actor=actor, action="rejected",
                data={"reason_code": reason_code, "note": note, "decision": decision.pk},
                update_fields=["decided_at", "decided_by", "decision_action", "reason_code", "decision_note"],
            )

        if proposal.status == Status.NEEDS_REVIEW:
            # The AI's output is judged by the review that first concludes (reviews/services/metrics.py):
            # edits made when a failed or conflicting execution is approved again correct the execution
            # (a CRM value that changed since, a push refused), not the output first reviewed.
            proposal.materially_edited = proposal.materially_edited or _is_material(changes)
        if approvals.count() < proposal.required_approvals:
            audit_record(action="first_approval", actor=actor, proposal=proposal,
                         data={"decision": decision.pk, "edits": changes, "reason_code": reason_code, "note": note,
                               "approvals": approvals.count(), "required": proposal.required_approvals, **checked})
            fields = ["materially_edited", "reason_code", "decision_note", "updated_at"]
            if proposal.claimed_by_id == actor.user.pk:
                # The approval is given; the second must come from someone else, who may now take it.
                proposal.claimed_by, proposal.claimed_until = None, None
                fields += ["claimed_by", "claimed_until"]
            proposal.save(update_fields=fields)
            return proposal
        try:
            kind_of(proposal).approval_record(
                proposal, field_decisions=carried_fields if field_decisions is None else field_decisions,
                edits=all_edits)
        except EditRefused as exc:
            raise DecisionRefused(str(exc)) from exc
        data = {"decision": decision.pk, "edits": changes, "reason_code": reason_code, "note": note, **checked}
        if overwriting:
            # What the push will write over: the CRM's values found when the conflict was detected.
            data["overwrites"] = {change.field: {"crm": change.before_value, "written": change.approved_value}
                                  for change in proposal.field_changes.all()
                                  if change.decision == FieldDecision.APPROVED}
        verb = "approved" if action == Decision.Action.APPROVE else "edited_and_approved"
        return approval_finalise(proposal, actor=actor, action="conflict_overwritten" if overwriting else verb,
                                 decision=decision, edits=all_edits, data=data)


def _lock_in(proposal_id: int, status: str, *, actor: Actor, refusal: str) -> Proposal:
    """The record, row-locked, when it is in ``status`` and was not submitted by ``actor``; else
    DecisionRefused (``refusal`` says which records the use case takes)."""
    proposal = proposal_lock(proposal_id)
    if proposal.status != status:
        raise DecisionRefused(f"{refusal}; this one is {proposal.get_status_display().lower()}; nothing changed")
    if proposal.agent.user_id == actor.user.pk:
        raise DecisionRefused("you cannot decide an item you submitted")
    return proposal


def proposal_rebase(*, proposal_id: int, actor: Actor, note: str = "") -> Proposal:
    """Resolve a conflict by taking the CRM's newer values as the change's new base: the earlier
    approvals stop counting, the field decisions start over, the baseline is read again by the checks
    (``conflict`` -> ``checking``), and a person decides the change again (the policy does not
    approve a rebased change by itself, see ``checking.proposal_run_checks``). Nothing is written to
    the CRM."""
    from ..tasks import proposal_run_checks_task

    if actor.user is None or actor.client is not None:
        raise DecisionRefused("only reviewers can rebase a conflict")
    with transaction.atomic():
        proposal = _lock_in(proposal_id, Status.CONFLICT, actor=actor, refusal="only a change in conflict can be rebased")
        rebased = proposal_rebase_prepare(proposal)
        proposal.final_output, proposal.decided_at, proposal.decided_by = None, None, None
        proposal.decision_action, proposal.execute_after, proposal.decision_note = "", None, note
        proposal_transition(
            proposal, Status.CHECKING, actor=actor, action="conflict_rebased", data={"before": rebased, "note": note},
            update_fields=["final_output", "decided_at", "decided_by", "decision_action", "execute_after",
                           "decision_note"],
        )
        enqueue_on_commit(proposal_run_checks_task, proposal.pk)
    return proposal


def proposal_rescue(*, proposal_id: int, actor: Actor, edits: dict[str, Any], note: str = "") -> Proposal:
    """A person with the rescue permission (senior reviewers, admins) edits a blocked record so that
    it passes the hard checks; it goes back to review instead of the agent having to resubmit.

    The edited content becomes the record's content (an email's parts, a CRM change's proposed
    values), so the review that follows shows it and an approval executes it; the agent's output stays
    as received in ``original_output``. The record's check results are replaced by those of the
    edited output (its soft failures are shown to the next reviewer). The audit event keeps the
    before/after of every edited part. An edit that still fails a hard check changes nothing
    (:class:`EditChecksFailed`)."""
    if actor.user is None or actor.client is not None:
        raise DecisionRefused("only reviewers can rescue a blocked item")
    if not actor.user.has_perm(perm("rescue_proposal")):
        raise DecisionRefused("rescuing a blocked item needs a senior reviewer; nothing changed")
    gathered = edited_context_gather(proposal_id)  # network reads before the row lock

    with transaction.atomic():
        proposal = _lock_in(proposal_id, Status.BLOCKED, actor=actor, refusal="only a blocked item can be rescued")
        changes = _edits_of(proposal, edits)
        if not changes:
            raise DecisionRefused("a rescue needs an edit that changes what the checks blocked; nothing changed")
        final = {name: pair[1] for name, pair in changes.items()}
        results = edited_checks_evaluate(proposal, edits=final, gathered=gathered)
        hard = check_failures(results, HARD)
        if hard:
            raise EditChecksFailed(hard, confirmable=False, rescue=True)

        own_fields = kind_of(proposal).rescue_apply(proposal, final)
        own_fields = [*own_fields, *search_text_refresh(proposal)]  # found by its new content
        proposal_checks_store(proposal, results)
        # The agent's output needed a person's correction: an error of the AI in the gate metrics.
        material = _is_material(changes)
        proposal.materially_edited = proposal.materially_edited or material
        return proposal_transition(
            proposal, Status.NEEDS_REVIEW, actor=actor, action="rescued",
            data={"edits": changes, "material": material, "checks": checks_data(results), "note": note},
            update_fields=[*own_fields, "materially_edited"],
        )


def _rescued_materially(proposal: Proposal) -> bool:
    return AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="rescued", data__material=True).exists()


def _live_approvals(proposal: Proposal) -> Any:
    return proposal.decisions.live_approvals()


def _check_second_approval(proposal: Proposal, actor: Actor) -> None:
    """The approval that completes a four-eyes item needs the senior reviewer's permission."""
    given = _live_approvals(proposal).exclude(reviewer=actor.user).count()
    if given + 1 >= proposal.required_approvals and not actor.user.has_perm(perm("second_approve_proposal")):
        raise DecisionRefused("the second approval of a four-eyes item needs a senior reviewer; nothing changed")


def proposal_bulk_eligible(proposal: Proposal, policy: Policy) -> str:
    """Why an item cannot be decided in bulk ("" when it can): it waits for its first decision, every
    check ran and passed, it needs one approval, and its task type's policy allows bulk decisions."""
    if proposal.status != Status.NEEDS_REVIEW:
        return f"it is {proposal.get_status_display().lower()}"
    if not policy.allow_bulk_decisions:
        return f"the policy for {proposal.task_type} does not allow bulk decisions"
    if proposal.required_approvals > 1:
        return "it needs two approvals"
    results = [result.passed for result in proposal.check_results.all()]
    if not results or not all(results):
        return "not every check passed"
    return ""


@dataclass
class BulkOutcome:
    decided: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def proposals_decide_bulk(
    *, proposal_ids: list[int], actor: Actor, action: str, reason_code: str = "", note: str = ""
) -> BulkOutcome:
    """Approve or reject several items, each through :func:`proposal_decide` in its own transaction;
    items that are not eligible (see :func:`proposal_bulk_eligible`) are refused, not skipped silently."""
    if action not in {Decision.Action.APPROVE, Decision.Action.REJECT}:
        raise DecisionRefused(f"bulk decisions approve or reject, not {action!r}")
    outcome = BulkOutcome()
    policies: dict[tuple[str, VersionKey], Policy] = {}
    for proposal_id in sorted(set(proposal_ids)):
        try:
            with transaction.atomic():
                proposal = proposal_lock(proposal_id)
                governed = (proposal.task_type, version_of(proposal))
                if governed not in policies:
                    policies[governed] = policy_of(proposal)
                why = proposal_bulk_eligible(proposal, policies[governed])
                if why:
                    raise DecisionRefused(f"not eligible for a bulk decision: {why}")
                proposal_decide(proposal_id=proposal_id, actor=actor, action=action, reason_code=reason_code,
                                note=note)
        except (DecisionRefused, IllegalTransition) as exc:
            outcome.refused[proposal_id] = str(exc)
        else:
            outcome.decided.append(proposal_id)
    return outcome


def undo_deadline(proposal: Proposal, decision: Decision | None = None) -> Any:
    """Until when the reviewer may take back their decision on ``proposal``: an approval until it
    starts executing (its ``execute_after``), a rejection or a first approval of a four-eyes item for
    the undo grace period after it was made. None when there is nothing to take back."""
    if proposal.status == Status.APPROVED:
        return proposal.execute_after
    made = proposal.decided_at if proposal.status == Status.REJECTED else getattr(decision, "created_at", None)
    return made + timedelta(seconds=hitlcrm_settings.UNDO_GRACE_SECONDS) if made else None


def proposal_undo(*, proposal_id: int, actor: Actor) -> Proposal:
    """Take back one's own decision while its grace period runs (``HITLCRM_UNDO_GRACE_SECONDS``): an
    approval that has not started executing, a rejection, or the first approval of a four-eyes item.
    The item returns to the queue as it was before the decision; the decision stays recorded,
    settled as undone. Past the grace period the decision stands and the refusal says so."""
    user_pk = getattr(actor.user, "pk", None)
    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        now = timezone.now()
        mine = (proposal.decisions.live().filter(reviewer_id=user_pk).order_by("-created_at", "-pk").first()
                if user_pk is not None else None)
        if proposal.status in (Status.APPROVED, Status.REJECTED):
            if proposal.decided_by_id is None or proposal.decided_by_id != user_pk:
                raise DecisionRefused(f"only your own {proposal.get_status_display().lower()} decision can be undone")
        elif not (proposal.status == Status.NEEDS_REVIEW and mine is not None and mine.is_live_approval):
            raise DecisionRefused(f"nothing of yours to undo: this item is {proposal.get_status_display().lower()}")
        deadline = undo_deadline(proposal, mine)
        if deadline is not None and deadline <= now:
            what = {Status.APPROVED: "approval", Status.REJECTED: "rejection"}.get(proposal.status, "approval")
            raise DecisionRefused(f"too late to undo: the grace period is over and the {what} stands")
        if proposal.status == Status.NEEDS_REVIEW:
            # A first approval of a four-eyes item: the status never moved; the approval stops counting.
            Decision.objects.filter(pk=mine.pk).update(revoked_at=now, settled=Decision.Settled.UNDONE)
            proposal.materially_edited = _rescued_materially(proposal)
            proposal.save(update_fields=["materially_edited", "updated_at"])
            audit_record(action="undone", actor=actor, proposal=proposal,
                         data={"decision": mine.pk, "approvals": _live_approvals(proposal).count(),
                               "required": proposal.required_approvals})
            return proposal
        proposal.decisions.live().update(revoked_at=now, settled=Decision.Settled.UNDONE)
        proposal.final_output, proposal.decided_at, proposal.decided_by = None, None, None
        # The review starts again; a rescue's correction of the agent's output still stands.
        proposal.decision_action, proposal.execute_after = "", None
        proposal.reason_code, proposal.decision_note = "", ""
        proposal.materially_edited = _rescued_materially(proposal)
        for change in proposal.field_changes.all():  # saved one by one so their history records it
            if change.decision != "pending" or change.approved_value is not None:
                change.decision, change.approved_value = "pending", None
                change.save(update_fields=["decision", "approved_value"])
        return proposal_transition(
            proposal, Status.NEEDS_REVIEW, actor=actor, action="undone",
            update_fields=["final_output", "decided_at", "decided_by", "decision_action", "execute_after",
                           "reason_code", "decision_note", "materially_edited"],
        )


def proposal_withdraw(*, proposal_id: int, actor: Actor) -> Proposal:
    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        if proposal.status not in WITHDRAWABLE:
            raise IllegalTransition(
                proposal.status, Status.WITHDRAWN,
                f"cannot withdraw: the proposal is already {proposal.status} (only checking or needs_review "
                f"proposals can be withdrawn)",
            )
        return proposal_transition(proposal, Status.WITHDRAWN, actor=actor, action="withdrawn")


def proposal_claim(*, proposal_id: int, actor: Actor) -> tuple[bool, Proposal]:
    """Claim an item for a few minutes. Returns (claimed, proposal); a live claim by someone else
    is left alone (the caller shows who holds it). Claims only steer people: decisions lock rows."""
    now = timezone.now()
    until = now + timedelta(seconds=hitlcrm_settings.CLAIM_SECONDS)
    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        held_by_other = (
            proposal.claimed_by_id not in (None, actor.user.pk) and proposal.claimed_until and proposal.claimed_until > now
        )
        if held_by_other or proposal.status not in DECIDABLE:
            return False, proposal
        if proposal.required_approvals > 1 and _live_approvals(proposal).filter(reviewer_id=actor.user.pk).exists():
            return False, proposal  # their approval is given: the item waits for someone else, free to take
        first = proposal.claimed_by_id != actor.user.pk or not proposal.claimed_until or proposal.claimed_until <= now
        # Claim fields are excluded from the record's history (they churn); the audit event below is
        # the claim's record, so a plain UPDATE is enough here.
        Proposal.objects.filter(pk=proposal.pk).update(claimed_by=actor.user, claimed_until=until)
        proposal.claimed_by, proposal.claimed_until = actor.user, until
        if first:
            audit_record(action="claimed", actor=actor, proposal=proposal, data={"until": until})
        return True, proposal
