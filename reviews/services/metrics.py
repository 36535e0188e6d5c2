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
- errors: reviewed outputs that were rejected, or approved after a material edit (a value changed
  beyond whitespace and letter case, or, for a CRM change, some proposed fields rejected), judged
  by the review that first concluded: see ``ERROR`` below.
- error_rate_upper_95: the upper end of the 95% Wilson score interval of errors / reviewed.

The gate may be narrowed for a task type when at least ``HITLCRM_MIN_REVIEWS_TO_NARROW``
reviewed outputs put that upper bound under the policy's ``error_rate_target``.

Which outputs that verdict counts (the gate window) is every month recorded, for the API and the
console alike (:func:`gate_metrics` is the one function both call). The issue and SPEC state the
rule as a number of reviewed outputs (at least 500) whose bound clears the target, with no period:
a rolling window would throw measured reviews away, keep the gate forever on task types that do
not see 500 reviews in the window, and could not be served from monthly roll-ups. The price is
that an old good record can hide a recent drift; the monthly rows (API and dashboard) show the
trend, and audit sampling keeps measuring the automated path after the gate is narrowed.
``since``/``until`` only choose which months are listed and totalled; they never change the verdict.

Every figure is also kept per version of the agent's outputs (agent_version, prompt_version, model;
reviews/versions.py): the roll-ups hold a row per task type, version and month, ``gate_metrics`` lists
each task type's ``versions`` with their own verdict, and :func:`version_standing` is the record the
gate asks before it auto-approves a versioned output.

Closed months are read from roll-ups (:class:`reviews.models.MetricRollup`, written by
:func:`metrics_roll_up` from celery beat); months after the last rolled-up one (the current month,
or all of them before the first roll-up ran) are aggregated live, by the same queries.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..conf import hitlcrm_settings
from ..models import Decision, Execution, GoldenItem, MetricRollup, Proposal
from ..selectors import PolicySet, policies_by_task_type, policy_pick
from ..state_machine import Status
from ..versions import (
    UNVERSIONED,
    VERSION_FIELDS,
    VersionKey,
    VersionStanding,
    version_as_api,
    version_filter,
    version_label,
    version_of,
)

Z_95 = 1.959963984540054  # two-sided 95%: the 97.5th percentile of the standard normal
ASSUMPTION = ("reviews_needed assumes the observed error rate holds for the reviews still to come; "
              "it is null when the observed rate is not under the target (no number of reviews would do)")
UNSPECIFIED = "unspecified"
GATE_WINDOW = ("every month recorded: may_narrow, reviews_needed, recommendation and gate_total count all "
               "reviewed outputs, whatever since/until list")
# Each roll-up recomputes at least this many closed months: outputs submitted in a month can still
# be decided after it closed (a late review, an undo), until they leave the queue (SLA expiry).
ROLLUP_RECENT_MONTHS = 3
LABELS_COUNTED = ("may_narrow, reviews_needed and recommendation count the reviewed outputs of counted_total: "
                  "gate_total without those whose review a reviewer below the quality floor concluded "
                  "(reviewers_below_floor; docs/gate.md)")
COUNTS = ("volume", "auto_approved", "sampled_for_audit", "reviewed", "rejected", "materially_edited")


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
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, count in other.error_types.items():
            self.error_types[code] = self.error_types.get(code, 0) + count

    def without(self, other: Figures | None) -> Figures:
        """These figures with ``other``'s reviewed outputs (and their errors) taken out: the labels
        the narrowing verdict counts once those of reviewers below the quality floor are left out."""
        if other is None:
            return self
        return Figures(volume=self.volume, auto_approved=self.auto_approved, sampled_for_audit=self.sampled_for_audit,
                       reviewed=self.reviewed - other.reviewed, rejected=self.rejected - other.rejected,
                       materially_edited=self.materially_edited - other.materially_edited,
                       error_types=dict(self.error_types))

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


def _month(value: date | datetime) -> str:
    return f"{value:%Y-%m}"


def month_start(value: datetime) -> datetime:
    """The first instant (UTC) of ``value``'s month."""
    value = value.astimezone(UTC)
    return datetime(value.year, value.month, 1, tzinfo=UTC)


def add_months(value: datetime | date, months: int) -> datetime:
    """The first instant (UTC) of the month ``months`` after ``value``'s (before, if negative)."""
    index = value.year * 12 + value.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


# What an output's live decisions say of it (the outcome aliases of ``with_outcome``), each a condition
# on one decision: a policy approved it, a person concluded a review of it, someone rejected it.
DECISION_OUTCOMES: dict[str, Q] = {
    "auto": Q(action=Decision.Action.AUTO_APPROVE),
    "human": Q(reviewer__isnull=False,
               action__in=[Decision.Action.APPROVE, Decision.Action.EDIT_APPROVE, Decision.Action.REJECT]),
    "rejected": Q(action=Decision.Action.REJECT),
}


def with_outcome(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """``queryset`` with what ``REVIEWED`` and ``ERROR`` read (aliases, not selected). Golden items
    (reviews/services/golden.py) are left out: they are not the agent's outputs."""
    live = Decision.objects.live().filter(proposal=OuterRef("pk"))
    return queryset.filter(golden_item__isnull=True).alias(
        **{name: Exists(live.filter(condition)) for name, condition in DECISION_OUTCOMES.items()},
        executed=Exists(Execution.objects.filter(proposal=OuterRef("pk"))),
    )


def _proposals(since: datetime | None, until: datetime | None, task_type: str | None,
               version: VersionKey | None = None) -> QuerySet[Proposal]:
    """The proposals of [since, until) (of a task type, of a version), each with its ``month``."""
    queryset = Proposal.objects.all()
    if since:
        queryset = queryset.filter(submitted_at__gte=since)
    if until:
        queryset = queryset.filter(submitted_at__lt=until)
    if task_type:
        queryset = queryset.filter(task_type=task_type)
    if version is not None:
        queryset = queryset.filter(**version_filter(version))
    return queryset.annotate(month=TruncMonth("submitted_at", tzinfo=UTC))


def _annotated(since: datetime | None, until: datetime | None, task_type: str | None,
               version: VersionKey | None = None) -> Any:
    return with_outcome(_proposals(since, until, task_type, version))


# Outputs whose review is over: a live human decision, no longer waiting, not auto-approved.
REVIEWED = Q(human=True, auto=False) & ~Q(status__in=[Status.CHECKING, Status.NEEDS_REVIEW])
# An output is judged by the review that first concluded, not by what happened to it afterwards.
# The error rate estimates how often a person's review stops or corrects the AI's output, which is
# exactly what narrowing the gate would give up; what happens after an approval (a push Salesforce
# refused, a CRM value changed meanwhile, a mailbox that bounced) happens with or without the
# review, so it is no evidence about it. Hence:
# - A rejection counts only when it concluded the review. An output that has an execution was
#   approved (by a person, since auto-approved ones are not reviewed outputs) and its approval
#   stood past the undo grace period; a rejection after that dismisses a failed or conflicting
#   execution, and the output counts as the approval judged it: an error only if materially edited.
# - ``materially_edited`` is set by the first review round only (``proposal_decide`` and
#   ``approve_fields`` leave it alone when a failed or conflicting record is approved again).
# The price: an AI mistake the reviewer missed and only the push revealed is not counted; the
# execution failures are on the dashboard for that.
REJECTED_IN_REVIEW = Q(rejected=True, executed=False)
ERROR = REVIEWED & (REJECTED_IN_REVIEW | Q(materially_edited=True))


def labelled(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The outputs of ``queryset`` whose review concluded (``REVIEWED``), each annotated with
    ``error`` (``ERROR``): the labels the error rate counts, one per output (the what-if replay reads them)."""
    return with_outcome(queryset).filter(REVIEWED).annotate(
        error=Case(When(ERROR, then=Value(True)), default=Value(False), output_field=BooleanField()))


def _holds(condition: Q, row: dict[str, Any]) -> bool:
    """Whether ``row`` (one output's values) meets ``condition``, a Q of exact and ``__in`` lookups
    such as ``REVIEWED`` and ``ERROR``: so one definition serves the queries and the sums below."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, row))
        else:
            lookup, expected = child
            name, _, operator = lookup.partition("__")
            results.append(row[name] in expected if operator == "in" else row[name] == expected)
    met = all(results) if condition.connector == Q.AND else any(results)
    return not met if condition.negated else met


# What REVIEWED and ERROR read of an output (its row's fields and the outcome aliases of ``with_outcome``).
OUTCOME = ("auto", "human", "rejected", "executed")
EDITED_IN_REVIEW = REVIEWED & ~REJECTED_IN_REVIEW & Q(materially_edited=True)


@contextmanager
def analytic_queries() -> Iterator[None]:
    """A transaction whose queries are planned for aggregates over many rows: PostgreSQL's JIT
    compilation is off (it cost more than it saved on these, about a second a query at a million
    proposals), up to the end of the transaction (the caller's, if there is one). Nothing changes
    on other databases."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


# The fields of an output the figures depend on, besides its task type, version, month and outcome.
CELL_FIELDS = ("status", "materially_edited", "sampled_for_audit", "reason_code")


def _outcome_cells(proposals: QuerySet[Proposal]) -> list[dict[str, Any]]:
    """How many outputs of ``proposals`` (golden items left out) share each combination of task type,
    version, month, ``CELL_FIELDS`` and outcome (``with_outcome``'s aliases): one query, whose rows
    are a few hundred whatever the number of proposals. Every output's live decisions are read once,
    as one row of flags per output joined to it (``DECISION_OUTCOMES``), and its execution by a join:
    as correlated EXISTS, the database probed the decisions once per output and outcome, serially."""
    columns = ("task_type", *VERSION_FIELDS, "month", *CELL_FIELDS)
    # Golden items left out by NOT EXISTS, an anti-join the planner estimates right (its estimate for a
    # LEFT JOIN's "IS NULL" made it sort every output twice).
    golden = GoldenItem.objects.filter(proposal=OuterRef("pk"))
    outputs_sql, outputs_params = (proposals.filter(~Exists(golden)).order_by()
                                   .values("id", *columns).query.sql_with_params())
    flags_sql, flags_params = (Decision.objects.live().order_by().values("proposal_id").annotate(**{
        f"is_{name}": Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))
        for name, condition in DECISION_OUTCOMES.items()
    }).query.sql_with_params())
    quote = connection.ops.quote_name
    outcomes = [f"COALESCE(d.{quote(f'is_{name}')}, 0)" for name in DECISION_OUTCOMES]
    selected = [f"o.{quote(name)}" for name in columns] + outcomes
    sql = (f"SELECT {', '.join(selected)}, CASE WHEN e.{quote('proposal_id')} IS NULL THEN 0 ELSE 1 END, COUNT(*) "  # noqa: S608
           f"FROM ({outputs_sql}) o LEFT JOIN ({flags_sql}) d ON d.{quote('proposal_id')} = o.{quote('id')} "
           f"LEFT JOIN {quote(Execution._meta.db_table)} e ON e.{quote('proposal_id')} = o.{quote('id')} "
           f"GROUP BY {', '.join(str(number) for number in range(1, len(selected) + 2))}")
    with analytic_queries(), connection.cursor() as cursor:
        cursor.execute(sql, (*outputs_params, *flags_params))
        rows = cursor.fetchall()
    names = (*columns, *DECISION_OUTCOMES, "executed", "count")
    cells = []
    for row in rows:
        cell = dict(zip(names, row, strict=True))
        cell["month"] = _as_month(cell["month"])
        cell.update({name: bool(cell[name]) for name in (*DECISION_OUTCOMES, "executed", "materially_edited",
                                                          "sampled_for_audit")})
        cells.append(cell)
    return cells


def _as_month(value: date | datetime | str) -> str:
    """"YYYY-MM" of a month as the raw query returns it (a datetime, or text on SQLite)."""
    return value[:7] if isinstance(value, str) else _month(value)


def _by_version(*, since: datetime | None = None, until: datetime | None = None, task_type: str | None = None,
                version: VersionKey | None = None) -> dict[tuple[str, VersionKey], dict[str, Figures]]:
    """{(task_type, version): {"YYYY-MM": Figures}} computed from the proposals by one aggregate
    query (no row-by-row work, :func:`_outcome_cells`); ``version`` keeps one version only. Each
    combination of what the figures depend on is judged here by ``REVIEWED`` and ``ERROR``, so the
    figures follow the definitions the other queries filter by."""
    figures: dict[tuple[str, VersionKey], dict[str, Figures]] = defaultdict(dict)
    for row in _outcome_cells(_proposals(since, until, task_type, version)):
        month = figures[(row["task_type"], version_of(row))].setdefault(row["month"], Figures())
        count = row["count"]
        month.volume += count
        month.auto_approved += count if row["auto"] else 0
        month.sampled_for_audit += count if row["sampled_for_audit"] else 0
        if not _holds(REVIEWED, row):
            continue
        month.reviewed += count
        month.rejected += count if _holds(REJECTED_IN_REVIEW, row) else 0
        month.materially_edited += count if _holds(EDITED_IN_REVIEW, row) else 0
        if _holds(ERROR, row):  # error types: the reviewer's reason code (a material edit may carry one too)
            code = row["reason_code"] or UNSPECIFIED
            month.error_types[code] = month.error_types.get(code, 0) + count
    return dict(figures)


def _merged(per_version: dict[tuple[str, VersionKey], dict[str, Figures]]) -> dict[str, dict[str, Figures]]:
    """{task_type: {"YYYY-MM": Figures}}: the versions of each task type added up."""
    figures: dict[str, dict[str, Figures]] = defaultdict(dict)
    for (task_type, _version), months in per_version.items():
        for month, month_figures in months.items():
            figures[task_type].setdefault(month, Figures()).add(month_figures)
    return dict(figures)


def monthly_figures(*, since: datetime | None = None, until: datetime | None = None,
                    task_type: str | None = None) -> dict[str, dict[str, Figures]]:
    """{task_type: {"YYYY-MM": Figures}} computed from the proposals, by two aggregate queries (no
    row-by-row work). :func:`gate_metrics` reads closed months from the roll-ups instead."""
    return _merged(_by_version(since=since, until=until, task_type=task_type))


def figures_decided_by(reviewer_ids: list[int], *, task_type: str | None = None,
                       version: VersionKey | None = None) -> dict[tuple[str, VersionKey], Figures]:
    """{(task_type, version): Figures} of the reviewed outputs whose review one of ``reviewer_ids``
    concluded (the proposal's ``decided_by``), every month recorded: one aggregate query."""
    if not reviewer_ids:
        return {}
    queryset = Proposal.objects.filter(decided_by__in=reviewer_ids)
    if task_type:
        queryset = queryset.filter(task_type=task_type)
    if version is not None:
        queryset = queryset.filter(**version_filter(version))
    rows = with_outcome(queryset).values("task_type", *VERSION_FIELDS).annotate(
        reviewed=Count("pk", filter=REVIEWED),
        rejected_count=Count("pk", filter=REVIEWED & REJECTED_IN_REVIEW),
        edited_count=Count("pk", filter=REVIEWED & ~REJECTED_IN_REVIEW & Q(materially_edited=True)),
    ).order_by()
    return {(row["task_type"], version_of(row)): Figures(reviewed=row["reviewed"], rejected=row["rejected_count"],
                                                         materially_edited=row["edited_count"]) for row in rows}


def metrics_roll_up(*, full: bool = False, now: datetime | None = None) -> int:
    """Recompute the roll-ups of closed months from the proposals; returns the rows kept.

    The months recomputed: every closed month when ``full`` or before the first roll-up; otherwise
    the last ``ROLLUP_RECENT_MONTHS`` closed months, and any closed month after the latest rolled-up
    one (beat was down at a month's end). So the rolled-up months always run without a gap from the
    first month on, which :func:`gate_metrics` relies on. Idempotent: each month's rows are replaced
    by what the proposals say now (one row per task type and version that had proposals, none for
    the others)."""
    closed_end = month_start(now or timezone.now())
    since: datetime | None = None
    if not full:
        latest = MetricRollup.objects.aggregate(latest=Max("month"))["latest"]
        if latest is not None:
            since = min(add_months(latest, 1), add_months(closed_end, -ROLLUP_RECENT_MONTHS))
    # The aggregate runs outside the transaction, which then only swaps rows (short, and the
    # readers of a month never see it half-written).
    figures = _by_version(since=since, until=closed_end)
    computed_at = timezone.now()
    rows = [
        MetricRollup(task_type=task_type, month=date.fromisoformat(f"{month}-01"), computed_at=computed_at,
                     error_types=dict(sorted(month_figures.error_types.items())),
                     **dict(zip(VERSION_FIELDS, version, strict=True)),
                     **{name: getattr(month_figures, name) for name in COUNTS})
        for (task_type, version), months in figures.items() for month, month_figures in months.items()
    ]
    with transaction.atomic():
        existing = MetricRollup.objects.filter(month__lt=closed_end.date())
        if since is not None:
            existing = existing.filter(month__gte=since.date())
        keep = {(row.task_type, row.month, version_of(row)) for row in rows}
        gone = {pk: (task_type, tuple(version)) for pk, task_type, month, *version
                in existing.values_list("pk", "task_type", "month", *VERSION_FIELDS)
                if (task_type, month, tuple(version)) not in keep}
        MetricRollup.objects.filter(pk__in=list(gone)).delete()
        MetricRollup.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["task_type", "month", *VERSION_FIELDS],
            update_fields=[*COUNTS, "error_types", "computed_at"],
        )
    # The gate's cached sums of the rolled-up months (version_standing) of every version whose rows were
    # written or deleted. Another version's stay true: it had no outputs in the months rolled up now, so
    # its live part, which may start earlier than the roll-ups now do, counts nothing there. (A gate that
    # read the old roll-ups just before this commit may store their sums after it: kept at most
    # HITLCRM_VERSION_STANDING_CACHE_SECONDS, and short only of the late reviews this roll-up added.)
    cache.delete_many([_standing_key(task_type, version) for task_type, version in {*figures, *gone.values()}])
    return len(rows)


def _rolled_up(since: datetime | None, until: datetime | None, task_type: str | None,
               version: VersionKey | None = None,
               ) -> tuple[dict[tuple[str, VersionKey], dict[str, Figures]], datetime | None]:
    """The rolled-up closed months in [since, until), and where the live part must start: the month
    after the latest one read (rolled-up months run without a gap from the first, so every month
    before it is covered, a month without a row having had no proposals), or ``since`` if none."""
    queryset = MetricRollup.objects.filter(month__lt=month_start(timezone.now()).date())
    if since:
        queryset = queryset.filter(month__gte=since.date())
    if until:
        queryset = queryset.filter(month__lt=until.date())
    if task_type:
        queryset = queryset.filter(task_type=task_type)
    # Where the live part starts is the latest month rolled up for any version (a version without a row
    # in a month had no proposals then), so it is read before the version is filtered on.
    latest = queryset.aggregate(latest=Max("month"))["latest"] if version is not None else None
    if version is not None:
        queryset = queryset.filter(**version_filter(version))
    figures: dict[tuple[str, VersionKey], dict[str, Figures]] = defaultdict(dict)
    for row in queryset.order_by():
        figures[(row.task_type, version_of(row))][_month(row.month)] = Figures(
            error_types=dict(row.error_types), **{name: getattr(row, name) for name in COUNTS})
        if version is None:
            latest = row.month if latest is None else max(latest, row.month)
    return figures, (add_months(latest, 1) if latest else since)


def figures_by_version(*, since: datetime | None = None, until: datetime | None = None,
                       task_type: str | None = None,
                       version: VersionKey | None = None) -> dict[tuple[str, VersionKey], dict[str, Figures]]:
    """{(task_type, version): {"YYYY-MM": Figures}}: closed months from the roll-ups, later ones live.
    The queries do not grow with the number of proposals, only the live part's rows with the month's."""
    figures, live_since = _rolled_up(since, until, task_type, version)
    if until is None or live_since is None or live_since < until:
        for name, months in _by_version(since=live_since, until=until, task_type=task_type,
                                        version=version).items():
            figures[name].update(months)
    return dict(figures)


def figures_by_month(*, since: datetime | None = None, until: datetime | None = None,
                     task_type: str | None = None) -> dict[str, dict[str, Figures]]:
    """{task_type: {"YYYY-MM": Figures}}: every version of each task type added up."""
    return _merged(figures_by_version(since=since, until=until, task_type=task_type))


def gate_metrics(*, since: datetime | None = None, until: datetime | None = None,
                 task_type: str | None = None, below_floor: dict[int, str] | None = None) -> dict[str, Any]:
    """Per task type: the monthly figures in [since, until), their total over that period, and
    whether the gate may be narrowed (with how many more reviews it would take otherwise). The API
    and the console's dashboard both call this; the verdict is always over every month recorded
    (the gate window, see the module's docstring), whatever period is listed. ``below_floor``: the
    reviewers below the quality floor when the caller measured them already (reviewer_quality)."""
    from .reviewer_quality import reviewers_below_floor  # it reads this module's definitions

    minimum = hitlcrm_settings.MIN_REVIEWS_TO_NARROW
    policies = policies_by_task_type()
    # The labels are only as good as the reviewers: those of reviewers below the quality floor do
    # not count towards narrowing a gate (they still count in the figures listed).
    below = reviewers_below_floor() if below_floor is None else below_floor
    left_out_by_version = figures_decided_by(list(below)) if below else {}
    left_out: dict[str, Figures] = {}
    for (name, _version), figures in left_out_by_version.items():
        left_out.setdefault(name, Figures()).add(figures)
    per_version = figures_by_version(task_type=task_type)
    result = []
    for name, months in sorted(_merged(per_version).items()):
        listed = {month: figures for month, figures in months.items()
                  if (since is None or month >= _month(since)) and (until is None or month < _month(until))}
        if not listed:
            continue
        total, gate = Figures(), Figures()
        for month, figures in months.items():
            gate.add(figures)
            if month in listed:
                total.add(figures)
        policy = policy_pick(policies, name)
        target = policy.error_rate_target if policy else hitlcrm_settings.DEFAULT_ERROR_TARGET
        discounted = left_out.get(name)
        counted = gate.without(discounted)
        upper = wilson_upper(counted.errors, counted.reviewed)
        may_narrow = counted.reviewed >= minimum and upper < target
        needed = 0 if may_narrow else reviews_needed(counted.errors, counted.reviewed, target, minimum)
        result.append({
            "task_type": name,
            "policy": ({"task_type": policy.task_type, "version": policy.version, "mode": policy.mode,
                        "error_rate_target": target, "audit_sample_rate": policy.audit_sample_rate}
                       if policy else {"task_type": None, "error_rate_target": target}),
            "months": [{"month": month, **figures.as_dict()} for month, figures in sorted(listed.items())],
            "total": total.as_dict(),
            "gate_total": gate.as_dict(),
            # The labels the verdict counts: gate_total without those of reviewers below the quality floor.
            "counted_total": counted.as_dict(),
            "left_out": {"reviewed": discounted.reviewed if discounted else 0,
                         "errors": discounted.errors if discounted else 0},
            "may_narrow": may_narrow,
            "reviews_needed": needed,
            "recommendation": _recommendation(counted, upper, target, minimum, may_narrow, needed)
                              + _left_out_note(discounted),
            # The same figures and verdict per version of the agent's outputs (reviews/versions.py).
            "versions": _versions(name, per_version, left_out_by_version, policies, minimum, since, until),
        })
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "gate_window": GATE_WINDOW,
        "min_reviews_to_narrow": minimum,
        "confidence_level": 0.95,
        "bound": "Wilson score interval, upper end",
        "assumption": ASSUMPTION,
        "labels_counted": LABELS_COUNTED,
        "reviewers_below_floor": sorted(below.values()),
        "task_types": result,
    }


def _versions(task_type: str, per_version: dict[tuple[str, VersionKey], dict[str, Figures]],
              left_out: dict[tuple[str, VersionKey], Figures], policies: PolicySet, minimum: int,
              since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
    """The task type's figures and verdict per version, most outputs first, each against the target of
    the policy that governs that version (a scoped one, if any). A versioned output is auto-approved
    only once its own version's verdict says the gate may be narrowed (``held``)."""
    gate_on = bool(hitlcrm_settings.VERSION_GATE)
    rows = []
    for (name, version), months in per_version.items():
        if name != task_type:
            continue
        policy = policy_pick(policies, name, version=version)
        target = policy.error_rate_target if policy else hitlcrm_settings.DEFAULT_ERROR_TARGET
        total, gate = Figures(), Figures()
        for month, figures in months.items():
            gate.add(figures)
            if (since is None or month >= _month(since)) and (until is None or month < _month(until)):
                total.add(figures)
        discounted = left_out.get((name, version))
        counted = gate.without(discounted)
        upper = wilson_upper(counted.errors, counted.reviewed)
        may_narrow = counted.reviewed >= minimum and upper < target
        needed = 0 if may_narrow else reviews_needed(counted.errors, counted.reviewed, target, minimum)
        standing = VersionStanding(task_type, version, counted.reviewed, counted.errors, minimum, target,
                                   left_out=discounted.reviewed if discounted else 0)
        versioned = version != UNVERSIONED
        rows.append({
            **version_as_api(version), "label": version_label(version), "versioned": versioned,
            # The policy governing this version's outputs: a policy scoped to it, else the task type's.
            "policy": ({"task_type": policy.task_type, "version": policy.version, "scope": policy.scope_as_api(),
                        "error_rate_target": target} if policy else {"task_type": None, "error_rate_target": target}),
            "total": total.as_dict(), "gate_total": gate.as_dict(), "counted_total": counted.as_dict(),
            "left_out": {"reviewed": discounted.reviewed if discounted else 0,
                         "errors": discounted.errors if discounted else 0},
            "may_narrow": may_narrow, "reviews_needed": needed,
            "recommendation": _recommendation(counted, upper, target, minimum, may_narrow, needed)
                              + _left_out_note(discounted),
            # Whether the gate holds its outputs for a person whatever the policy says (docs/gate.md).
            "held_for_review": gate_on and versioned and not may_narrow,
            "gate": (standing.explanation() if gate_on and versioned
                     else "no version given: the policy alone decides" if not versioned
                     else "HITLCRM_VERSION_GATE is off: the policy alone decides"),
        })
    return sorted(rows, key=lambda row: (-row["gate_total"]["volume"], row["label"]))


# What the gate keeps of a version's record between submissions (``HITLCRM_VERSION_STANDING_CACHE_SECONDS``):
# the sums of its rolled-up months, which only a roll-up changes (and :func:`metrics_roll_up` drops them
# when it rewrites a version's rows), and who is below the reviewer quality floor, which changes slowly.
STANDING_CACHE_PREFIX = "hitlcrm:version-standing:"
FLOOR_CACHE_KEY = f"{STANDING_CACHE_PREFIX}below-floor"


def _standing_key(task_type: str, version: VersionKey) -> str:
    named = hashlib.sha256("\x1f".join((task_type, *version)).encode()).hexdigest()
    return f"{STANDING_CACHE_PREFIX}{named}"


def _rolled_up_record(task_type: str, version: VersionKey) -> dict[str, Any]:
    """The version's rolled-up months added up, and where the live part starts (:func:`_rolled_up`)."""
    rolled, live_since = _rolled_up(None, None, task_type, version)
    total = Figures()
    for figures in rolled.get((task_type, version), {}).values():
        total.add(figures)
    return {"reviewed": total.reviewed, "errors": total.errors, "live_since": live_since}


def version_standing(*, task_type: str, version: VersionKey, target: float,
                     below_floor: dict[int, str] | None = None) -> VersionStanding:
    """The version's own record within the task type, every month recorded, counted as the narrowing
    verdict counts labels (those of reviewers below the quality floor left out): what the gate asks
    before it auto-approves a versioned output.

    Cheap, since the gate asks it for every such output: one query for the months not rolled up yet
    (always read, so a review is counted by the next submission), the rolled-up months' sums and the
    reviewers below the floor from the cache (one read of both), and only for a version with the
    reviews to clear at all (at least ``HITLCRM_MIN_REVIEWS_TO_NARROW``) with someone below the floor,
    one query more for the labels left out."""
    from .reviewer_quality import reviewers_below_floor

    minimum = hitlcrm_settings.MIN_REVIEWS_TO_NARROW
    seconds = int(hitlcrm_settings.VERSION_STANDING_CACHE_SECONDS)
    key = _standing_key(task_type, version)
    cached = cache.get_many([key, FLOOR_CACHE_KEY]) if seconds > 0 else {}
    rolled = cached.get(key)
    if rolled is None:
        rolled = _rolled_up_record(task_type, version)
        if seconds > 0:
            cache.set(key, rolled, seconds)
    live = with_outcome(Proposal.objects.filter(task_type=task_type, **version_filter(version),
                                                **({"submitted_at__gte": rolled["live_since"]}
                                                   if rolled["live_since"] else {})))
    counts = live.aggregate(reviewed=Count("pk", filter=REVIEWED), errors=Count("pk", filter=ERROR))
    reviewed, errors = rolled["reviewed"] + counts["reviewed"], rolled["errors"] + counts["errors"]
    discounted = None
    if reviewed >= minimum:  # with fewer, the counted labels (fewer still) cannot clear the bound
        below = below_floor if below_floor is not None else cached.get(FLOOR_CACHE_KEY)
        if below is None:
            below = reviewers_below_floor()
            if seconds > 0:
                cache.set(FLOOR_CACHE_KEY, below, seconds)
        if below:
            discounted = figures_decided_by(list(below), task_type=task_type, version=version).get(
                (task_type, version))
    left_out = discounted or Figures()
    return VersionStanding(task_type, version, reviewed - left_out.reviewed, errors - left_out.errors, minimum,
                           target, left_out=left_out.reviewed,
                           canary_share=float(hitlcrm_settings.NEW_VERSION_CANARY_SHARE))


def _left_out_note(discounted: Figures | None) -> str:
    if not discounted or not discounted.reviewed:
        return ""
    return (f" {discounted.reviewed} reviewed outputs ({discounted.errors} errors) decided by reviewers below the "
            f"quality floor are left out.")


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


def check_precision(*, check: str, since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    """How often a check is right when it objects, judged by people: of the outputs it failed whose
    review concluded (as ``REVIEWED``), the share rejected in review or materially edited (as
    ``ERROR``), with its 95% Wilson interval. Outputs it failed that are still waiting, or were
    blocked, are not counted: nobody judged them. Tracks the AI reviewer like any task type."""
    from ..models import CheckResult

    failed = CheckResult.objects.filter(proposal=OuterRef("pk"), name=check, passed=False)
    counts = _annotated(since, until, None).filter(Exists(failed)).aggregate(
        failed=Count("pk"), reviewed=Count("pk", filter=REVIEWED), confirmed=Count("pk", filter=ERROR))
    reviewed, confirmed = counts["reviewed"], counts["confirmed"]
    return {
        "check": check,
        "failed": counts["failed"],
        "failed_reviewed": reviewed,
        "confirmed": confirmed,
        "precision": _ratio(confirmed, reviewed),
        "precision_lower_95": round(1 - wilson_upper(reviewed - confirmed, reviewed), 6) if reviewed else None,
        "precision_upper_95": round(wilson_upper(confirmed, reviewed), 6) if reviewed else None,
    }
