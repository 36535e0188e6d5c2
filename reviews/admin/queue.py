"""The queue: filters, urgency order, neighbours of an item, and counts that stay cheap on big tables.

Every filter applies itself through one classmethod (``apply``), used both by the changelist and by
the review page, so "next item" always means the next item of the queue the reviewer came from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from ..apps import perm
from ..checks import builtin as _builtin  # noqa: F401  (registers the built-in check names)
from ..checks import registry
from ..kinds import registered_kinds
from ..models import ApiClient, CheckResult, Decision, Proposal
from ..search import rows_estimate
from ..state_machine import DECIDABLE, Status

# Most urgent first: risk, then SLA due time, then age. sla_due_at is nullable: NULLS LAST is spelled
# out so SQLite and PostgreSQL agree (it is PostgreSQL's default, so the queue index still serves it).
QUEUE_KEYS: tuple[tuple[str, bool], ...] = (("risk", True), ("sla_due_at", False), ("submitted_at", False), ("pk", False))
QUEUE_ORDER = [F("risk").desc(), F("sla_due_at").asc(nulls_last=True), F("submitted_at").asc(), F("pk").asc()]
QUEUE_ORDER_REVERSED = [F("risk").asc(), F("sla_due_at").desc(nulls_first=True), F("submitted_at").desc(), F("pk").desc()]


def live_approvals(**filters: Any) -> QuerySet[Decision]:
    return Decision.objects.live_approvals().filter(proposal=OuterRef("pk"), **filters)


def half_approved() -> QuerySet[Decision]:
    """Ids of four-eyes items waiting with one approval. Not correlated, and narrowed by the items'
    own status first, so the database reads a handful of decisions instead of hashing all of them."""
    return Decision.objects.live_approvals().filter(
        proposal__status=Status.NEEDS_REVIEW, proposal__required_approvals__gt=1,
    ).values("proposal_id")


def approved_by(user: AbstractBaseUser) -> QuerySet[Decision]:
    return Decision.objects.live_approvals().filter(reviewer=user).values("proposal_id")


def keyset_beyond(item: Proposal, *, forward: bool) -> Q:
    """Items after ``item`` in queue order (before it when not ``forward``), NULLs sorting last."""
    beyond, same = Q(pk__in=[]), Q()
    for name, descending in QUEUE_KEYS:
        value = getattr(item, name)
        later = forward != descending
        if value is None:
            step = Q(pk__in=[]) if forward else Q(**{f"{name}__isnull": False})
            equal = Q(**{f"{name}__isnull": True})
        else:
            step = Q(**{f"{name}__{'gt' if later else 'lt'}": value})
            if forward:
                step |= Q(**{f"{name}__isnull": True})
            equal = Q(**{name: value})
        beyond |= same & step
        same &= equal
    return beyond


def available_to(queryset: QuerySet[Proposal], user: AbstractBaseUser) -> QuerySet[Proposal]:
    """Leave out undecided items someone else holds."""
    waiting = Q(status__in=DECIDABLE)
    return queryset.exclude(waiting & Q(claimed_until__gt=timezone.now()) & ~Q(claimed_by=user))


def first_open(ordered: QuerySet[Proposal], user: AbstractBaseUser, *, batch: int = 20, batches: int = 10) -> int | None:
    """The first item of an ordered queue this reviewer can decide: not one they approved already
    (four-eyes), nor one waiting for a second approval they may not give. Checked on a small batch of
    candidates at a time, because a filter over the whole queue would read every waiting row."""
    senior = user.has_perm(perm("second_approve_proposal"))
    for start in range(0, batch * batches, batch):
        ids = list(ordered.values_list("pk", flat=True)[start:start + batch])
        if not ids:
            return None
        blocking = Q(reviewer=user, proposal__status__in=DECIDABLE)
        if not senior:
            blocking |= Q(proposal__status=Status.NEEDS_REVIEW, proposal__required_approvals__gt=1)
        blocked = set(
            Decision.objects.live_approvals().filter(blocking, proposal_id__in=ids).values_list("proposal_id", flat=True)
        )
        for pk in ids:
            if pk not in blocked:
                return pk
    return None


def mine(queryset: QuerySet[Proposal], user: AbstractBaseUser) -> QuerySet[Proposal]:
    """My queue: items I hold, and four-eyes items waiting for a second approval I may give."""
    held = Q(claimed_by=user, claimed_until__gt=timezone.now(), status__in=DECIDABLE)
    if not user.has_perm(perm("second_approve_proposal")):
        return queryset.filter(held)
    # The few half-approved ids first (one query), so the queue itself is read by primary key
    # instead of testing every waiting row against the decisions.
    second = list(half_approved().exclude(proposal_id__in=approved_by(user)).values_list("proposal_id", flat=True))
    return queryset.filter(held | Q(pk__in=second))


class QueueFilter(admin.SimpleListFilter):
    """A list filter whose logic lives in :meth:`apply`, so the review page can replay it."""

    def queryset(self, request: Any, queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
        return self.apply(queryset, self.value(), request.user)

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        raise NotImplementedError


class MineFilter(QueueFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("mine", "Mine: held by me, or waiting for my second approval")]

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        return mine(queryset, user) if value == "mine" else queryset


class StatusFilter(QueueFilter):
    """Defaults to the items waiting for a person, which is what a queue is."""

    title = "status"
    parameter_name = "status"
    AWAITING, ALL = "awaiting", "all"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.AWAITING, "Awaiting a decision"), *Status.choices, (self.ALL, "All")]

    def choices(self, changelist: Any) -> Any:
        current = self.value() or self.AWAITING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        if value in (None, "", cls.AWAITING):
            return queryset.filter(status__in=DECIDABLE)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


def task_types(kind: str | None = None) -> list[str]:
    """Distinct task types (of ``kind``'s proposals only, when given) by a loose index scan: one index
    probe per value, not a scan of every row, served by the (task_type, submitted_at) index, or the
    (kind, task_type) one for a kind, on SQLite and PostgreSQL alike."""
    table = connection.ops.quote_name(Proposal._meta.db_table)
    where, params = ("kind = %s AND ", [kind, kind]) if kind else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE t(v) AS (SELECT MIN(task_type) FROM {table} "  # noqa: S608 (a model's table name)
            f"{'WHERE kind = %s ' if kind else ''}"
            f"UNION ALL SELECT (SELECT MIN(task_type) FROM {table} WHERE {where}task_type > t.v) FROM t "
            "WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


class TaskTypeFilter(QueueFilter):
    title = "task type"
    parameter_name = "task_type"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        # A kind's queue lists its own kind's task types; the all-kinds queue lists every one.
        kind = next((kind.value for kind in registered_kinds() if kind.model is model_admin.model), None)
        return [(name, name) for name in task_types(kind)]

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        return queryset.filter(task_type=value) if value else queryset


RISK_LABELS = {4: "4 · high stakes, irreversible", 3: "3", 2: "2", 1: "1 · low stakes, reversible"}


class RiskFilter(QueueFilter):
    title = "risk"
    parameter_name = "risk"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(level), label) for level, label in RISK_LABELS.items()]

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        return queryset.filter(risk=int(value)) if value and value.isdigit() else queryset


class FailedCheckFilter(QueueFilter):
    title = "failed check"
    parameter_name = "failed_check"
    NONE = "none"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.NONE, "None: every check passed"), *((name, name) for name in registry.names())]

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        if not value:
            return queryset
        failing = CheckResult.objects.filter(proposal=OuterRef("pk"), passed=False)
        if value == cls.NONE:
            return queryset.exclude(Exists(failing))
        return queryset.filter(Exists(failing.filter(name=value)))


class AgentFilter(QueueFilter):
    title = "agent"
    parameter_name = "agent"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        agents = ApiClient.objects.filter(role=ApiClient.Role.AGENT).values_list("pk", "name")
        return [(str(pk), name) for pk, name in agents]

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        return queryset.filter(agent_id=int(value)) if value and value.isdigit() else queryset


AGE_BUCKETS: dict[str, tuple[str, timedelta | None, timedelta | None]] = {
    "1h": ("Under 1 hour", None, timedelta(hours=1)),
    "4h": ("1 to 4 hours", timedelta(hours=1), timedelta(hours=4)),
    "1d": ("4 to 24 hours", timedelta(hours=4), timedelta(days=1)),
    "old": ("Over a day", timedelta(days=1), None),
}


class AgeFilter(QueueFilter):
    title = "age"
    parameter_name = "age"
    OVERDUE = "overdue"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.OVERDUE, "Past its SLA"), *((key, label) for key, (label, _o, _y) in AGE_BUCKETS.items())]

    @classmethod
    def apply(cls, queryset: QuerySet[Proposal], value: str | None, user: AbstractBaseUser) -> QuerySet[Proposal]:
        now = timezone.now()
        if value == cls.OVERDUE:
            return queryset.filter(sla_due_at__lt=now)
        if value not in AGE_BUCKETS:
            return queryset
        _label, older_than, younger_than = AGE_BUCKETS[value]
        if older_than is not None:
            queryset = queryset.filter(submitted_at__lte=now - older_than)
        if younger_than is not None:
            queryset = queryset.filter(submitted_at__gt=now - younger_than)
        return queryset


QUEUE_FILTERS: tuple[type[QueueFilter], ...] = (
    MineFilter, StatusFilter, TaskTypeFilter, RiskFilter, FailedCheckFilter, AgentFilter, AgeFilter,
)


def filtered(queryset: QuerySet[Proposal], params: QueryDict, user: AbstractBaseUser) -> QuerySet[Proposal]:
    for queue_filter in QUEUE_FILTERS:
        queryset = queue_filter.apply(queryset, params.get(queue_filter.parameter_name), user)
    return queryset


planner_estimate = rows_estimate  # PostgreSQL's own row estimate for a query (None elsewhere)


class QueuePaginator(Paginator):
    """Counts exactly up to ``cap`` rows (a bounded scan, however large the table); past the cap it
    reports PostgreSQL's planner estimate instead of counting a million rows on every page view."""

    cap = 10_000
    estimated = False

    @cached_property
    def count(self) -> int:
        exact = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        if exact <= self.cap:
            return exact
        self.estimated = True
        return max(planner_estimate(self.object_list) or 0, exact)

    def page(self, number: Any) -> Any:
        """A page in two steps: its ids in queue order, which the queue index answers alone, then
        just those rows (a sort of every waiting row would otherwise read each of them in full)."""
        page = super().page(number)
        ids = list(page.object_list.values_list("pk", flat=True))
        page.object_list = self.object_list.filter(pk__in=ids)
        return page
