"""Use case: an agent asks what a submission would meet, before it costs a reviewer's time.

The payload is validated by the submission's own serializer (the API view), built into an unsaved
record exactly as submission builds it, and judged by the checks and the gate the worker uses, with
the CRM read as the worker reads it. Nothing is stored, queued, published or audited: no
transaction is opened, no row is written (not even the default policy a first submission makes).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..checks import CheckContext
from ..checks.base import HARD
from ..gate import gate_decide, required_approvals
from ..models import ApiClient, CheckResult, Policy
from ..models.policies import DEFAULT_TASK_TYPE
from ..selectors import policy_find
from ..state_machine import Status
from ..versions import VersionKey
from .checking import proposal_checks_evaluate, version_standing_for
from .crm_context import crm_context_preview
from .submission import default_task_type, proposal_build, submitted_version


@dataclass(frozen=True)
class Preflight:
    outcome: str  # the status the gate would give: approved, needs_review or blocked
    reason: str
    checks: list[CheckResult]  # failing first, hard before soft
    required_approvals: int
    policy: Policy


def _policy_without_writes(task_type: str, version: VersionKey) -> Policy:
    """The policy a submission would get (the task type's for its version, else the default), without
    creating the default one when there is none yet: an unsaved one with the defaults stands in for it."""
    return policy_find(task_type, version) or Policy(task_type=DEFAULT_TASK_TYPE)


def proposal_preflight(*, client: ApiClient, kind: str, data: dict[str, Any], payload: dict[str, Any]) -> Preflight:
    """``data`` as the submission serializer validated it, ``payload`` as the agent sent it."""
    from ..crm import CrmError

    task_type, version = default_task_type(kind, data), submitted_version(data)
    policy = _policy_without_writes(task_type, version)
    proposal, field_changes = proposal_build(client=client, kind=kind, data=data, payload=payload,
                                             idempotency_key=None, policies={(task_type, version): policy})
    try:
        gathered = crm_context_preview(proposal, field_changes)
    except CrmError as exc:  # transient or configuration: the worker would retry; say so instead
        gathered = {"crm_record": None, "crm_error": f"The CRM could not be read right now ({exc})"}
    context = CheckContext(policy=policy, field_changes=field_changes, **gathered)
    results = sorted(proposal_checks_evaluate(proposal, context),
                     key=lambda result: (result.passed, result.severity != HARD, result.name))
    proposal.required_approvals = required_approvals(proposal, policy, [change.field for change in field_changes])
    # The audit draw needs the record's id, which a preflight does not have: the verdict is the one
    # before sampling, and the answer gives the sampling share beside it.
    unsampled = copy.copy(policy)
    unsampled.audit_sample_rate = 0.0
    triples = [(r.name, r.severity, r.passed) for r in results]
    verdict = gate_decide(proposal, unsampled, triples, field_changes)
    # A new version's output goes to a person until its own record clears the bound; a preflight has
    # no id to draw a canary with, so it answers as for the outputs not drawn.
    standing = version_standing_for(proposal, policy) if verdict.status == Status.APPROVED else None
    if standing is not None:
        verdict = gate_decide(proposal, unsampled, triples, field_changes, version=standing)
    return Preflight(outcome=verdict.status, reason=verdict.reason, checks=results,
                     required_approvals=proposal.required_approvals, policy=policy)
