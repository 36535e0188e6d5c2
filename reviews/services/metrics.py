"""Measuring the gate: per task type and month, how much work came, how much went through
without a person, and how often people found the AI's output wrong, with a confidence bound
that says when the gate may be narrowed (SPEC "Measure to narrow the gate").

Definitions (a month is the month an output was *submitted*, so every figure of a row is about
the same outputs):

- volume: outputs submitted.
- auto_approved: outputs a policy approved (a live ``auto_approve`` decision).
- reviewed: outputs whose review by a person concluded (a live human approval or rejection,
  and no longer waiting), not counting auto-approved outputs a person later handled after a
  failed execution. Audit-sampled outputs are reviewed outputs: that is what keeps the error
  rate of the automated path measured.
- errors: reviewed outputs that were rejected, or approved after a material edit.
- error_rate_upper_95: the upper end of the 95% Wilson score interval of errors / reviewed.

The gate may be narrowed for a task type when at least ``HITLCRM_MIN_REVIEWS_TO_NARROW``
reviewed outputs put that upper bound under the policy's ``error_rate_target``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from ..models import Decision, Policy, Proposal
from ..models.policies import DEFAULT_TASK_TYPE
from ..state_machine import Status

Z_95 = 1.959963984540054  # two-sided 95%: the 97.5th percentile of the standard normal
ASSUMPTION = ("reviews_needed assumes the observed error rate holds for the reviews still to come; "
              "it is null when the observed rate is not under the target (no number of reviews would do)")
UNSPECIFIED = "unspecified"


def wilson_upper(errors: float, n: int, z: float = Z_95) -> float:
    """Upper end of the Wilson score interval for a proportion errors / n (1.0 with no data)."""
    if n <= 0:
        return 1.0
    p = errors / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return min(1.0, (centre + spread) / (1 + z2 / n))


def reviews_needed(errors: int, reviewed: int, target: float, minimum: int) -> int | None:
    """How many more reviews it would take, at the observed error rate, for the Wilson upper bound
    to fall under ``target`` with at least ``minimum`` reviews. 0 when already there; None when no
    number would do (no reviews yet, or the observed rate is not under the target)."""
    if reviewed <= 0:
        return None
    rate = errors / reviewed
    if rate >= target:
        return None

    def clears(n: int) -> bool:
        return wilson_upper(rate * n, n) < target

    low = max(reviewed, minimum)
    if clears(low):
        return low - reviewed
    high = low * 2
    while not clears(high):  # the bound shrinks like 1/sqrt(n), so this ends
        low, high = high, high * 2
    while high - low > 1:  # invariant: not clears(low), clears(high)
        middle = (low + high) // 2
        low, high = (low, middle) if clears(middle) else (middle, high)
    return high - reviewed


@dataclass
class Figures:
    volume: int = 0
    auto_approved: int = 0
    sampled_for_audit: int = 0
    reviewed: int = 0
    rejected: int = 0
    materially_edited: int = 0
    error_types: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.rejected + self.materially_edited

    def add(self, other: Figures) -> None:
        for name in ("volume", "auto_approved", "sampled_for_audit", "reviewed", "rejected", "materially_edited"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, count in other.error_types.items():
            self.error_types[code] = self.error_types.get(code, 0) + count

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = self.errors
        data["auto_approved_share"] = _ratio(self.auto_approved, self.volume)
        data["error_rate"] = _ratio(self.errors, self.reviewed)
        data["error_rate_upper_95"] = round(wilson_upper(self.errors, self.reviewed), 6) if self.reviewed else None
        data["error_types"] = dict(sorted(self.error_types.items()))
        return data


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _month(value: datetime) -> str:
    return f"{value:%Y-%m}"


def _annotated(since: datetime | None, until: datetime | None, task_type: str | None) -> Any:
    live = Decision.objects.filter(proposal=OuterRef("pk"), revoked_at__isnull=True)
    human = [Decision.Action.APPROVE, Decision.Action.EDIT_APPROVE, Decision.Action.REJECT]
    queryset = Proposal.objects.all()
    if since:
        queryset = queryset.filter(submitted_at__gte=since)
    if until:
        queryset = queryset.filter(submitted_at__lt=until)
    if task_type:
        queryset = queryset.filter(task_type=task_type)
    return queryset.annotate(month=TruncMonth("submitted_at", tzinfo=UTC)).alias(
        auto=Exists(live.filter(action=Decision.Action.AUTO_APPROVE)),
        human=Exists(live.filter(reviewer__isnull=False, action__in=human)),
        rejected=Exists(live.filter(action=Decision.Action.REJECT)),
    )


# Outputs whose review is over: a live human decision, no longer waiting, not auto-approved.
REVIEWED = Q(human=True, auto=False) & ~Q(status__in=[Status.CHECKING, Status.NEEDS_REVIEW])
ERROR = REVIEWED & (Q(rejected=True) | Q(materially_edited=True))


def monthly_figures(*, since: datetime | None = None, until: datetime | None = None,
                    task_type: str | None = None) -> dict[str, dict[str, Figures]]:
    """{task_type: {"YYYY-MM": Figures}}, from two aggregate queries (no row-by-row work)."""
    base = _annotated(since, until, task_type)
    rows = base.values("task_type", "month").annotate(
        volume=Count("pk"),
        auto_approved=Count("pk", filter=Q(auto=True)),
        sampled_for_audit=Count("pk", filter=Q(sampled_for_audit=True)),
        reviewed=Count("pk", filter=REVIEWED),
        rejected_count=Count("pk", filter=REVIEWED & Q(rejected=True)),
        edited_count=Count("pk", filter=REVIEWED & Q(rejected=False, materially_edited=True)),
    ).order_by("task_type", "month")
    figures: dict[str, dict[str, Figures]] = defaultdict(dict)
    for row in rows:
        figures[row["task_type"]][_month(row["month"])] = Figures(
            volume=row["volume"], auto_approved=row["auto_approved"], sampled_for_audit=row["sampled_for_audit"],
            reviewed=row["reviewed"], rejected=row["rejected_count"], materially_edited=row["edited_count"],
        )
    # Error types: the reviewer's reason code (a material edit may carry one too).
    reasons = base.filter(ERROR).values("task_type", "month", "reason_code").annotate(count=Count("pk"))
    for row in reasons.order_by():
        month = figures[row["task_type"]][_month(row["month"])]
        code = row["reason_code"] or UNSPECIFIED
        month.error_types[code] = month.error_types.get(code, 0) + row["count"]
    return dict(figures)


def _policy_for(task_type: str, policies: dict[str, Policy]) -> Policy | None:
    return policies.get(task_type) or policies.get(DEFAULT_TASK_TYPE)


def gate_metrics(*, since: datetime | None = None, until: datetime | None = None,
                 task_type: str | None = None) -> dict[str, Any]:
    """Per task type: the monthly figures, their total over the period, and whether the gate may
    be narrowed (with how many more reviews it would take otherwise)."""
    minimum = settings.HITLCRM_MIN_REVIEWS_TO_NARROW
    policies = {policy.task_type: policy for policy in Policy.objects.all()}
    result = []
    for name, months in sorted(monthly_figures(since=since, until=until, task_type=task_type).items()):
        total = Figures()
        for month in months.values():
            total.add(month)
        policy = _policy_for(name, policies)
        target = policy.error_rate_target if policy else settings.HITLCRM_DEFAULT_ERROR_TARGET
        upper = wilson_upper(total.errors, total.reviewed)
        may_narrow = total.reviewed >= minimum and upper < target
        needed = 0 if may_narrow else reviews_needed(total.errors, total.reviewed, target, minimum)
        result.append({
            "task_type": name,
            "policy": ({"task_type": policy.task_type, "version": policy.version, "mode": policy.mode,
                        "error_rate_target": target, "audit_sample_rate": policy.audit_sample_rate}
                       if policy else {"task_type": None, "error_rate_target": target}),
            "months": [{"month": month, **figures.as_dict()} for month, figures in sorted(months.items())],
            "total": total.as_dict(),
            "may_narrow": may_narrow,
            "reviews_needed": needed,
            "recommendation": _recommendation(total, upper, target, minimum, may_narrow, needed),
        })
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "min_reviews_to_narrow": minimum,
        "confidence_level": 0.95,
        "bound": "Wilson score interval, upper end",
        "assumption": ASSUMPTION,
        "task_types": result,
    }


def _recommendation(total: Figures, upper: float, target: float, minimum: int, may_narrow: bool,
                    needed: int | None) -> str:
    if may_narrow:
        return (f"The gate may be narrowed: {total.reviewed} reviewed outputs put the error rate's 95% upper "
                f"bound at {upper:.1%}, under the target {target:.1%}.")
    if total.reviewed == 0:
        return f"Keep the gate: no reviewed outputs yet (at least {minimum} are needed)."
    if needed is None:
        return (f"Keep the gate: the observed error rate {total.errors / total.reviewed:.1%} is not under the "
                f"target {target:.1%}.")
    return (f"Keep the gate: about {needed} more reviews at the observed error rate "
            f"{total.errors / total.reviewed:.1%} would put the 95% upper bound (now {upper:.1%}) under "
            f"{target:.1%} with at least {minimum} reviewed.")
