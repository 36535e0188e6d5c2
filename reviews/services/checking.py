"""Use case: run the automated checks on a submitted proposal and let the policy route it."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from ..checks import CheckContext, registry
from ..checks.base import SOFT
from ..checks.outreach import outreach_keys_record
from ..conf import hitlcrm_settings
from ..gate import GateVerdict, gate_decide, required_approvals
from ..kinds import kind_of
from ..models import CheckResult, CrmFieldChange, Decision, Proposal
from ..selectors import policy_of
from ..state_machine import Status
from ..versions import UNVERSIONED, VersionStanding, version_of
from .actors import Actor
from .approval import approval_finalise
from .crm_context import crm_context_gather, crm_contexts_gather
from .metrics import version_standing
from .transitions import proposal_lock, proposal_transition

logger = logging.getLogger(__name__)


# The most records one checks run takes (its own and those it takes along).
CHECKS_BATCH = 200


def proposals_run_checks(*, proposal_ids: list[int], take_along: bool = False) -> None:
    """Check several proposals: their CRM records are read in batches (one SOQL query per object and
    200 records, see ``crm_contexts_gather``), then each is checked and routed in its own transaction.
    ``take_along``: the other records waiting in ``checking`` join (up to ``CHECKS_BATCH``), so the
    checks of submissions that came one at a time share their reads (the task of each finds the
    others' records checked already and reads nothing)."""
    wanted = set(proposal_ids)
    if take_along and len(wanted) < CHECKS_BATCH:
        wanted |= set(Proposal.objects.filter(status=Status.CHECKING).exclude(pk__in=wanted)
                      .order_by("pk").values_list("pk", flat=True)[:CHECKS_BATCH - len(wanted)])
    waiting = list(Proposal.objects.filter(pk__in=wanted, status=Status.CHECKING)
                   .prefetch_related("field_changes").order_by("pk"))
    gathered = crm_contexts_gather(waiting)  # network reads before any lock is taken
    for proposal in waiting:
        proposal_run_checks(proposal_id=proposal.pk, gathered=gathered[proposal.pk])


def proposal_run_checks(*, proposal_id: int, gathered: dict[str, Any] | None = None) -> Proposal | None:
    """Idempotent: a record no longer in ``checking`` is left alone (a redelivered task is harmless).
    ``gathered``: its CRM context when the caller read it already (batched)."""
    proposal = Proposal.objects.filter(pk=proposal_id).prefetch_related("field_changes").first()
    if proposal is None or proposal.status != Status.CHECKING:
        return proposal
    policy = kind_of(proposal).policy_as_applied(proposal, policy_of(proposal))
    # Network reads (the CRM record, describe metadata) happen before the lock is taken.
    if gathered is None:
        gathered = crm_context_gather(proposal)
    extra = registry.gather(proposal, policy)  # the checks' own slow reads (the AI reviewer's call)

    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        if proposal.status != Status.CHECKING:
            return proposal
        prefetch_related_objects([proposal], "field_changes")
        field_changes = list(proposal.field_changes.all())
        context = CheckContext(policy=policy, field_changes=field_changes, extra=extra, **gathered)
        # Submission indexes drafts for the duplicate check; a record made another way is indexed now.
        outreach_keys_record([proposal])
        # A record decided before and back in checking was rebased after a conflict (decisions.
        # proposal_rebase): its baselines are read again, and a person decides it again.
        rebased = proposal.decisions.exists()
        _store_before_values(field_changes, context.crm_record, refresh=rebased)
        outcomes = proposal_checks_store(proposal, proposal_checks_evaluate(proposal, context))
        proposal.policy_task_type, proposal.policy_version, proposal.risk = policy.task_type, policy.version, policy.risk
        proposal.required_approvals = required_approvals(proposal, policy, [c.field for c in field_changes])
        triples = [(r.name, r.severity, r.passed) for r in outcomes]
        hold = kind_of(proposal).auto_approval_hold(proposal)
        verdict = gate_decide(proposal, policy, triples, field_changes, sender_paused=hold)
        # The version's own record is read only when the policy would let the output through.
        standing = version_standing_for(proposal, policy) if verdict.status == Status.APPROVED or verdict.sampled \
            else None
        if standing is not None:
            verdict = gate_decide(proposal, policy, triples, field_changes, sender_paused=hold, version=standing)
        if rebased and verdict.status == Status.APPROVED:
            verdict = GateVerdict(Status.NEEDS_REVIEW, "rebased after a conflict: a person decides it again")
        proposal.sampled_for_audit = verdict.sampled
        proposal.gate_reason = verdict.reason[:500]
        extra_fields = ["required_approvals", "policy_task_type", "policy_version", "risk", "sampled_for_audit",
                        "gate_reason"]
        checks = checks_data(outcomes)
        versioned = {"version": standing.as_dict()} if standing is not None else {}
        if verdict.status == Status.APPROVED:
            policy_actor = Actor.for_policy(policy)
            decision = Decision.objects.create(
                proposal=proposal,
                submitted_by_id=proposal.agent.user_id,
                action=Decision.Action.AUTO_APPROVE,
                policy_version=policy.version,
                note=verdict.reason,
            )
            approval_finalise(proposal, actor=policy_actor, action="auto_approved", decision=decision, edits=None,
                              extra_fields=extra_fields, data={"checks": checks, "reason": verdict.reason,
                                                               "policy_version": policy.version, "mode": policy.mode,
                                                               **_scope_of(policy), **versioned})
        else:
            proposal_transition(
                proposal,
                verdict.status,
                actor=Actor.system("checks"),
                action="checks_run",
                data={"checks": checks, "reason": verdict.reason, **_scope_of(policy), **versioned},
                update_fields=extra_fields,
            )
    return proposal


def _scope_of(policy: Any) -> dict[str, Any]:
    """The audit data naming a scoped policy's scope (nothing for a generic one)."""
    return {"policy_scope": policy.scope_as_api()} if getattr(policy, "scoped", False) else {}


def version_standing_for(proposal: Proposal, policy: Any) -> VersionStanding | None:
    """The record of the version that produced ``proposal`` within its task type, which the gate asks
    before auto-approving it (reviews/versions.py); None for an output naming no version, or when
    ``HITLCRM_VERSION_GATE`` is off."""
    version = version_of(proposal)
    if not hitlcrm_settings.VERSION_GATE or version == UNVERSIONED:
        return None
    return version_standing(task_type=proposal.task_type, version=version, target=policy.error_rate_target)


def proposal_checks_evaluate(proposal: Proposal, context: CheckContext) -> list[CheckResult]:
    """Run the checks the policy names (or the defaults for the kind); unsaved results.

    A check that crashes, or that the policy names but is not installed, is a failed soft result
    saying so: the record goes to a person instead of staying stuck in ``checking``.
    """
    now = timezone.now()
    checks, unknown = registry.resolve(proposal.kind, context.policy.checks)
    results = []
    for check in checks:
        try:
            outcome = check.run(proposal, context)
        except DatabaseError:
            raise  # the transaction is unusable now; the task is redelivered or swept
        except Exception as exc:  # noqa: BLE001  (a project's own check must not wedge the record)
            logger.exception("check %s crashed on proposal %s", check.name, proposal.pk)
            results.append(_result(proposal, check.name, SOFT, f"The check could not run ({type(exc).__name__}); "
                                                                "review by hand", {"error": str(exc)[:300]}, now))
            continue
        results.append(_result(proposal, check.name, outcome.severity or check.severity, outcome.message,
                               outcome.details, now, passed=outcome.passed))
    for name in unknown:
        results.append(_result(proposal, name, SOFT, f"The policy names a check that is not installed ({name})",
                               {}, now))
    return results


def proposal_as_edited(
    proposal: Proposal, edits: dict[str, Any], *, fields: Collection[str] | None = None
) -> tuple[Proposal, list[CrmFieldChange]]:
    """The record as it would be executed with ``edits`` (field -> final value) applied, unsaved, and
    the field rows that would be written (``fields``: the approved ones; all when None) carrying their
    final values: see ``Kind.as_edited``. The stored record and its rows are left untouched."""
    return kind_of(proposal).as_edited(proposal, edits, fields=fields)


def edited_checks_evaluate(
    proposal: Proposal, *, edits: dict[str, Any], gathered: dict[str, Any] | None,
    fields: Collection[str] | None = None,
) -> list[CheckResult]:
    """The policy's checks run on the output a person edited (see :func:`proposal_as_edited`), exactly
    as :func:`proposal_checks_evaluate` runs them on the agent's; unsaved results. ``gathered``: the
    CRM context read before the row lock was taken (:func:`edited_context_gather`)."""
    view, rows = proposal_as_edited(proposal, edits, fields=fields)
    context = CheckContext(policy=policy_of(proposal), field_changes=rows, **(gathered or {}))
    return proposal_checks_evaluate(view, context)


def edited_context_gather(proposal_id: int) -> dict[str, Any] | None:
    """The CRM context for checking a person's edit of a record: read before any row lock, as
    :func:`proposal_run_checks` reads it, but never from the opt-out cache (a decision is rare, and
    an opt-out since the draft was checked must stop it now). Salesforce being unreachable is not the
    reviewer's problem to debug: it reaches the checks as ``crm_error`` and they fail soft saying so."""
    from ..crm import CrmError

    proposal = Proposal.objects.filter(pk=proposal_id).prefetch_related("field_changes").first()
    if proposal is None:
        return None
    try:
        return crm_context_gather(proposal, cached=False)
    except CrmError as exc:
        return {"crm_record": None, "crm_error": str(exc)}


def check_failures(results: list[CheckResult], severity: str) -> list[CheckResult]:
    return [result for result in results if not result.passed and result.severity == severity]


def checks_data(results: list[CheckResult]) -> list[dict[str, Any]]:
    """Check results as the audit trail and the API show them."""
    return [{"name": r.name, "passed": r.passed, "severity": r.severity, "message": r.message} for r in results]


def proposal_checks_store(proposal: Proposal, results: list[CheckResult]) -> list[CheckResult]:
    """Replace the record's stored check results (one row per check)."""
    CheckResult.objects.filter(proposal=proposal).delete()
    CheckResult.objects.bulk_create(results)
    return results


def _result(proposal: Proposal, name: str, severity: str, message: str, details: dict[str, Any], now: datetime,
            *, passed: bool = False) -> CheckResult:
    return CheckResult(proposal=proposal, name=name[:80], passed=passed, severity=severity, message=message[:500],
                       details=details, checked_at=now)


def _store_before_values(field_changes: list[CrmFieldChange], record: dict[str, Any] | None, *,
                         refresh: bool = False) -> None:
    """The conflict baselines: the CRM's values as the checks read them, kept from the first read
    (``refresh``: replaced by this read; a field this read did not reach keeps its baseline)."""
    if record is None:
        return
    now = timezone.now()
    by_name = {name.lower(): value for name, value in record.items()}  # as Salesforce, case-insensitive
    for change in field_changes:
        if (refresh or change.before_captured_at is None) and change.field.lower() in by_name:
            change.before_value = by_name[change.field.lower()]
            change.before_captured_at = now
            change.save(update_fields=["before_value", "before_captured_at"])
