"""What-if replay: what a candidate policy would have done to the latest human-decided proposals
it governs, before it is saved.

The proposals a policy governs are those of its task type (for the default policy ``*``, of every
task type none of whose own policies covers them) that its scope covers (reviews/versions.py) and no
more specific policy of the task type does (reviews/selectors.py, ``policy_governs``): a policy
scoped to prompt v7 is replayed on the prompt v7 outputs alone, the task type's generic policy on the
others.

For the last ``HITLCRM_REPLAY_DECISIONS`` proposals whose review by a person concluded (as the gate
metrics count them, reviews/services/metrics.py, newest submissions first), the gate
(:func:`reviews.gate.gate_decide`) is asked again with the candidate policy, from what is stored:

- the check results as they ran. A check the candidate leaves out is ignored; one it names that did
  not run on an item counts as passed there (``checks_not_run`` says how often: the replay then
  overstates what the candidate lets through, never understates it). Checks that read the policy's
  own parameters (length limits, tone lexicon, quiet period, sending rules) are taken as they ran;
- the confidence thresholds, overall and per field, applied afresh to the stored confidences;
- four-eyes (required approvals) worked out afresh from the candidate and the stored fields;
- the audit sample drawn exactly as the gate draws it (a stable hash of the record's id);
- the version rule (``HITLCRM_VERSION_GATE``): an output naming its version, which the rules would
  let through, is held for a person unless its version's own record had cleared the bound *when it
  was submitted* (its version's reviewed outputs whose review concluded before that moment, counted
  as the narrowing verdict counts them, against the rules' error-rate target), or it is drawn as a
  canary. The labels are those that stand now (a later undo changes one), the reviewers below the
  quality floor are those below it now, and the canary share is today's setting.

Nothing is executed, sent, or read from the CRM; a sender domain paused at the time is not known
(the replay cannot say it was paused). What a reviewer decided is the truth the replay measures
against: of the items the candidate would have auto-approved, how many a reviewer had rejected or
materially edited (the errors it would have let through), with the 95% Wilson upper bound of that
share, and which checks had failed on them when they ran (what caught them: a candidate that drops
those checks or ignores their soft failures lets them go). The saved policy is replayed on the same
items, so the two can be compared. A handful of queries (the policies, the items, their check
results, a CRM change's fields; for versioned items, their versions' reviewed outputs and the
reviewer quality) and one pass over plain rows: no query per item.

The sample is of reviewed items only, so "share auto-approved" is a share of what people reviewed;
the audit-sampled items among them are the ones the saved policy already lets through.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from ..checks.evidence import confidence_shortfall
from ..conf import hitlcrm_settings
from ..gate import GateVerdict, gate_decide, required_approvals
from ..kinds import kind_values
from ..models import CheckResult, CrmFieldChange, Policy, Proposal
from ..selectors import policies_ranked, policy_governs
from ..state_machine import Status
from ..versions import (
    UNVERSIONED,
    VERSION_FIELDS,
    VersionKey,
    VersionStanding,
    version_as_api,
    version_filter,
    version_label,
)
from .metrics import labelled, wilson_upper

CONFIDENCE = "confidence"
# Up to this many versions among the replayed items, their history is read version by version (an
# index each); beyond it, the task types' versioned rows are read and the others passed over.
MANY_VERSIONS = 100


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
    # items the rules would have let through that the version rule held for a person (their version's
    # own record had not cleared the bound when they were submitted), and new-version items drawn as a canary
    held_for_version: int = 0
    canaries: int = 0
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
    scope: VersionKey = UNVERSIONED
    version_rule: bool = True  # HITLCRM_VERSION_GATE: the version rule was applied
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
            "task_type": self.task_type, "scope": version_as_api(self.scope), "version_rule": self.version_rule,
            "limit": self.limit, "decisions": self.decisions, "errors": self.errors,
            "first_submitted": self.first_submitted.isoformat() if self.first_submitted else None,
            "last_submitted": self.last_submitted.isoformat() if self.last_submitted else None,
            "candidate": self.candidate.as_dict(), "saved": self.saved.as_dict() if self.saved else None,
            "seconds": round(self.seconds, 3),
        }

    @property
    def governs(self) -> str:
        """What it replays, in words: "cold_email", "cold_email, prompt v7"."""
        return self.task_type + (f", {version_label(self.scope)}" if self.scope != UNVERSIONED else "")


def policies_with(candidate: Policy) -> dict[str, list[Policy]]:
    """The saved policies, by task type and most specific first, with ``candidate`` (unsaved values)
    in place of its saved row, or added when it is new."""
    grouped: dict[str, list[Policy]] = defaultdict(list)
    for policy in Policy.objects.all():
        if candidate.pk is None or policy.pk != candidate.pk:
            grouped[policy.task_type].append(policy)
    grouped[candidate.task_type].append(candidate)
    return {task_type: policies_ranked(group) for task_type, group in grouped.items()}


def replayed_proposals(candidate: Policy) -> QuerySet[Proposal]:
    """The proposals ``candidate`` governs, among the saved policies (see the module's docstring)."""
    return Proposal.objects.filter(policy_governs(candidate, policies_with(candidate)))


@dataclass
class _VersionHistory:
    """A version's reviewed outputs as the gate counted them, in the order their reviews concluded."""

    minimum: int
    canary_share: float
    concluded: list[Any] = field(default_factory=list)
    errors_before: list[int] = field(default_factory=lambda: [0])  # errors among the first n, for each n

    def standing_at(self, task_type: str, version: VersionKey, moment: Any, target: float) -> VersionStanding:
        """The record as it stood at ``moment``: the reviews concluded before it."""
        reviewed = bisect_left(self.concluded, moment)
        return VersionStanding(task_type, version, reviewed, self.errors_before[reviewed], self.minimum, target,
                               canary_share=self.canary_share)


def _version_histories(keys: set[tuple[str, VersionKey]]) -> dict[tuple[str, VersionKey], _VersionHistory]:
    """Each (task type, version)'s reviewed outputs, every one recorded (not only the replayed ones):
    one query, and the reviewer quality (whose labels the verdict leaves out) once."""
    from .reviewer_quality import reviewers_below_floor

    below = set(reviewers_below_floor())
    versioned = Proposal.objects.filter(task_type__in={task_type for task_type, _ in keys}).exclude(
        **version_filter(UNVERSIONED)).filter(decided_at__isnull=False)
    if len(keys) <= MANY_VERSIONS:  # the replayed versions' own rows, through their index
        wanted = Q()
        for task_type, version in keys:
            wanted |= Q(task_type=task_type, **version_filter(version))
        versioned = versioned.filter(wanted)
    rows = (labelled(versioned).order_by("decided_at", "pk")
            .values_list("task_type", *VERSION_FIELDS, "decided_at", "error", "decided_by_id"))
    minimum, share = int(hitlcrm_settings.MIN_REVIEWS_TO_NARROW), float(hitlcrm_settings.NEW_VERSION_CANARY_SHARE)
    histories = {key: _VersionHistory(minimum, share) for key in keys}
    for task_type, agent_version, prompt_version, model, decided_at, error, decided_by in rows:
        history = histories.get((task_type, (agent_version, prompt_version, model)))
        if history is None or decided_by in below:
            continue
        history.concluded.append(decided_at)
        history.errors_before.append(history.errors_before[-1] + int(bool(error)))
    return histories


def policy_replay(*, candidate: Policy, saved: Policy | None = None, limit: int | None = None) -> Replay:
    """Replay ``candidate`` (unsaved values are fine) and, when given, the ``saved`` policy on the
    latest ``limit`` human-decided proposals the candidate governs (see the module's docstring)."""
    started = time.perf_counter()
    limit = int(hitlcrm_settings.REPLAY_DECISIONS if limit is None else limit)
    version_rule = bool(hitlcrm_settings.VERSION_GATE)
    replay = Replay(task_type=candidate.task_type, limit=limit, scope=candidate.scope, version_rule=version_rule,
                    saved=PolicyOutcome() if saved else None)
    newest = labelled(replayed_proposals(candidate)).order_by("-submitted_at", "-pk")
    rows = list(newest.values_list("pk", "kind", "confidence", "error", "submitted_at", "task_type",
                                   *VERSION_FIELDS)[:limit])
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
    versions = {(row[5], tuple(row[6:9])) for row in rows if tuple(row[6:9]) != UNVERSIONED}
    histories = _version_histories(versions) if version_rule and versions else {}

    policies = [(candidate, replay.candidate)] + ([(saved, replay.saved)] if saved else [])
    for pk, _kind, confidence, error, submitted, task_type, *version in rows:
        stored = checks.get(pk, [])
        item_fields = fields.get(pk, [])
        history = histories.get((task_type, tuple(version)))
        for policy, outcome in policies:
            standing = (history.standing_at(task_type, tuple(version), submitted, policy.error_rate_target)
                        if history is not None else None)
            _replay_one(_Item(pk, confidence), policy, outcome, stored, item_fields, error, standing)
    replay.decisions = len(rows)
    replay.errors = sum(1 for row in rows if row[3])
    replay.last_submitted, replay.first_submitted = rows[0][4], rows[-1][4]
    replay.seconds = time.perf_counter() - started
    return replay


def _replay_one(item: _Item, policy: Policy, outcome: PolicyOutcome, stored: list[tuple[str, str, bool]],
                item_fields: list[_Field], error: bool, standing: VersionStanding | None) -> None:
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
    if standing is not None and (verdict.status == Status.APPROVED or verdict.sampled):
        # As the gate does: the version's own record is asked only of what the rules would let through.
        verdict = _version_rule(item, policy, results, item_fields, standing, outcome)
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


def _version_rule(item: _Item, policy: Policy, results: list[tuple[str, str, bool]], item_fields: list[_Field],
                  standing: VersionStanding, outcome: PolicyOutcome) -> GateVerdict:
    verdict = gate_decide(item, policy, results, item_fields, version=standing)
    if not standing.cleared:
        if verdict.status == Status.APPROVED or verdict.sampled:
            outcome.canaries += 1
        else:
            outcome.held_for_version += 1
    return verdict

