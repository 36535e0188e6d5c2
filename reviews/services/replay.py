"""What-if replay: what a candidate policy would have done to the latest human-decided proposals
of its task type, before it is saved.

For the last ``HITLCRM_REPLAY_DECISIONS`` proposals whose review by a person concluded (as the gate
metrics count them, reviews/services/metrics.py, newest submissions first), the gate
(:func:`reviews.gate.gate_decide`) is asked again with the candidate policy, from what is stored:

- the check results as they ran. A check the candidate leaves out is ignored; one it names that did
  not run on an item counts as passed there (``checks_not_run`` says how often: the replay then
  overstates what the candidate lets through, never understates it). Checks that read the policy's
  own parameters (length limits, tone lexicon, quiet period, sending rules) are taken as they ran;
- the confidence thresholds, overall and per field, applied afresh to the stored confidences;
- four-eyes (required approvals) worked out afresh from the candidate and the stored fields;
- the audit sample drawn exactly as the gate draws it (a stable hash of the record's id).

Nothing is executed, sent, or read from the CRM; a sender domain paused at the time is not known
(the replay cannot say it was paused). What a reviewer decided is the truth the replay measures
against: of the items the candidate would have auto-approved, how many a reviewer had rejected or
materially edited (the errors it would have let through), with the 95% Wilson upper bound of that
share, and which checks had failed on them when they ran (what caught them: a candidate that drops
those checks or ignores their soft failures lets them go). The saved policy is replayed on the same
items, so the two can be compared. Three queries (the items, their check results, a CRM change's
fields) and one pass over plain rows: no query per item.

The sample is of reviewed items only, so "share auto-approved" is a share of what people reviewed;
the audit-sampled items among them are the ones the saved policy already lets through.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from ..checks.evidence import confidence_shortfall
from ..conf import hitlcrm_settings
from ..gate import gate_decide, required_approvals
from ..kinds import kind_values
from ..models import CheckResult, CrmFieldChange, Policy, Proposal
from ..models.policies import DEFAULT_TASK_TYPE
from ..state_machine import Status
from .metrics import labelled, wilson_upper

CONFIDENCE = "confidence"


@dataclass
class _Item:
    """The part of a proposal the gate reads."""

    pk: int
    confidence: float | None
    risk: int = 2
    required_approvals: int = 1


@dataclass
class _Field:
    field: str
    confidence: float | None


@dataclass
class PolicyOutcome:
    """What one policy would have done to the replayed items."""

    auto_approved: int = 0
    errors_let_through: int = 0
    sampled_for_audit: int = 0
    # check -> how many of the errors it would have let through had failed it when it ran
    caught_by: dict[str, int] = field(default_factory=dict)
    uncaught: int = 0  # errors it would have let through that no check had failed
    checks_not_run: dict[str, int] = field(default_factory=dict)
    replayed: int = 0

    @property
    def auto_approved_share(self) -> float | None:
        return self.auto_approved / self.replayed if self.replayed else None

    @property
    def error_rate(self) -> float | None:
        return self.errors_let_through / self.auto_approved if self.auto_approved else None

    @property
    def error_rate_upper_95(self) -> float | None:
        return wilson_upper(self.errors_let_through, self.auto_approved) if self.auto_approved else None

    def as_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 6)

        data = asdict(self)
        data.pop("replayed")
        data["caught_by"] = dict(sorted(self.caught_by.items(), key=lambda item: (-item[1], item[0])))
        data["auto_approved_share"] = rounded(self.auto_approved_share)
        data["error_rate"] = rounded(self.error_rate)
        data["error_rate_upper_95"] = rounded(self.error_rate_upper_95)
        return data


@dataclass
class Replay:
    task_type: str
    limit: int
    decisions: int = 0
    errors: int = 0  # of the replayed items, those a reviewer rejected or materially edited
    first_submitted: datetime | None = None
    last_submitted: datetime | None = None
    candidate: PolicyOutcome = field(default_factory=PolicyOutcome)
    saved: PolicyOutcome | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The figures, as the audit event of a policy save records them."""
        return {
            "task_type": self.task_type, "limit": self.limit, "decisions": self.decisions, "errors": self.errors,
            "first_submitted": self.first_submitted.isoformat() if self.first_submitted else None,
            "last_submitted": self.last_submitted.isoformat() if self.last_submitted else None,
            "candidate": self.candidate.as_dict(), "saved": self.saved.as_dict() if self.saved else None,
            "seconds": round(self.seconds, 3),
        }


def replayed_proposals(task_type: str) -> QuerySet[Proposal]:
    """The proposals a policy for ``task_type`` routes: that task type's, or, for the default policy
    (``*``), those of every task type without a policy of its own."""
    if task_type == DEFAULT_TASK_TYPE:
        own = Policy.objects.exclude(task_type=DEFAULT_TASK_TYPE).values("task_type")
        return Proposal.objects.exclude(task_type__in=own)
    return Proposal.objects.filter(task_type=task_type)


def policy_replay(*, candidate: Policy, saved: Policy | None = None, limit: int | None = None) -> Replay:
    """Replay ``candidate`` (unsaved values are fine) and, when given, the ``saved`` policy on the
    latest ``limit`` human-decided proposals of the candidate's task type (see the module's docstring)."""
    started = time.perf_counter()
    limit = int(hitlcrm_settings.REPLAY_DECISIONS if limit is None else limit)
    replay = Replay(task_type=candidate.task_type, limit=limit, saved=PolicyOutcome() if saved else None)
    newest = labelled(replayed_proposals(candidate.task_type)).order_by("-submitted_at", "-pk")
    rows = list(newest.values_list("pk", "kind", "confidence", "error", "submitted_at")[:limit])
    if not rows:
        replay.seconds = time.perf_counter() - started
        return replay
    # The sample's ids as a subquery (the same ORDER BY ... LIMIT), so no list of 10,000 parameters is sent.
    ids = newest.values("pk")[:limit]
    checks: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    for proposal_id, name, severity, passed in (CheckResult.objects.filter(proposal_id__in=ids).order_by()
                                                .values_list("proposal_id", "name", "severity", "passed")):
        checks[proposal_id].append((name, severity, passed))
    fields: dict[int, list[_Field]] = defaultdict(list)
    field_kinds = set(kind_values(writes_crm_fields=True))
    if any(kind in field_kinds for _, kind, *_ in rows):
        for proposal_id, name, confidence in (CrmFieldChange.objects.filter(proposal_id__in=ids).order_by()
                                              .values_list("proposal_id", "field", "confidence")):
            fields[proposal_id].append(_Field(name, confidence))

    policies = [(candidate, replay.candidate)] + ([(saved, replay.saved)] if saved else [])
    for pk, _kind, confidence, error, _submitted in rows:
        stored = checks.get(pk, [])
        item_fields = fields.get(pk, [])
        for policy, outcome in policies:
            _replay_one(_Item(pk, confidence), policy, outcome, stored, item_fields, error)
    replay.decisions = len(rows)
    replay.errors = sum(1 for row in rows if row[3])
    replay.last_submitted, replay.first_submitted = rows[0][4], rows[-1][4]
    replay.seconds = time.perf_counter() - started
    return replay


def _replay_one(item: _Item, policy: Policy, outcome: PolicyOutcome, stored: list[tuple[str, str, bool]],
                item_fields: list[_Field], error: bool) -> None:
    outcome.replayed += 1
    named = set(policy.checks or [])
    ran = {name for name, _severity, _passed in stored}
    for name in named - ran - {CONFIDENCE}:
        outcome.checks_not_run[name] = outcome.checks_not_run.get(name, 0) + 1
    # The confidence check is the one whose outcome the replay can work out afresh from stored data.
    results = [result for result in stored if result[0] != CONFIDENCE and (not named or result[0] in named)]
    if CONFIDENCE in ran or CONFIDENCE in named:
        results.append((CONFIDENCE, "soft", confidence_shortfall(item, policy, item_fields) is None))
    item.risk = policy.risk
    item.required_approvals = required_approvals(item, policy, [change.field for change in item_fields])
    verdict = gate_decide(item, policy, results, item_fields)
    outcome.sampled_for_audit += int(verdict.sampled)
    if verdict.status != Status.APPROVED:
        return
    outcome.auto_approved += 1
    if not error:
        return
    outcome.errors_let_through += 1
    caught = [name for name, _severity, passed in stored if not passed]
    for name in caught:
        outcome.caught_by[name] = outcome.caught_by.get(name, 0) + 1
    outcome.uncaught += int(not caught)

