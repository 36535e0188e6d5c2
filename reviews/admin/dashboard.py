"""The console's dashboard: how the queues and the people working them are doing, from aggregates only."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncHour
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from ..apps import perm
from ..conf import hitlcrm_settings
from ..kinds import registered_kinds
from ..models import CrmObjectRule, Decision, Execution, Policy, Proposal
from ..models.clients import login_path
from ..models.execution import ExecutionState
from ..roles import ROLES, group_name
from ..selectors import salesforce_push_status
from ..services.health import system_health
from ..services.metrics import analytic_queries, gate_metrics, month_start
from ..services.reviewer_quality import QualityReport, reviewers_quality
from ..services.sender_health import sender_domains_status
from ..services.setup_status import mail_problems, salesforce_problem, setup_todo
from ..state_machine import DECIDABLE
from .headers import protect

# A refusal (approve A, execute A: not what was approved, nothing sent) is trouble a person must look at too.
TROUBLED_EXECUTIONS = [ExecutionState.FAILED, ExecutionState.CONFLICT, ExecutionState.UNKNOWN, ExecutionState.REFUSED]


def queue_depths(now: datetime) -> list[dict[str, Any]]:
    rows = {
        row["kind"]: row
        for row in Proposal.objects.filter(status__in=DECIDABLE).values("kind").annotate(
            depth=Count("pk"), oldest=Min("submitted_at"), overdue=Count("pk", filter=Q(sla_due_at__lt=now)),
        )
    }
    return [
        {"kind": kind.label, "depth": rows.get(kind.value, {}).get("depth", 0),
         "overdue": rows.get(kind.value, {}).get("overdue", 0), "oldest": rows.get(kind.value, {}).get("oldest"),
         "url": reverse(kind.admin_url_name("changelist"))}
        for kind in registered_kinds()
    ]


def decisions_per_hour(now: datetime) -> dict[str, Any]:
    """Today's human decisions per reviewer and hour (in the site's time zone)."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = (
        Decision.objects.filter(created_at__gte=start, reviewer__isnull=False)
        .annotate(hour=TruncHour("created_at", tzinfo=timezone.get_current_timezone()))
        .annotate(reviewer_login=F(login_path("reviewer")))
        .values("reviewer_login", "hour").annotate(n=Count("pk")).order_by("reviewer_login", "hour")
    )
    hours = list(range(timezone.localtime(now).hour + 1))
    table: dict[str, dict[int, int]] = {}
    for row in counts:
        table.setdefault(row["reviewer_login"], {})[timezone.localtime(row["hour"]).hour] = row["n"]
    active_hours = [hour for hour in hours if any(hour in per_hour for per_hour in table.values())]
    return {
        "hours": active_hours,
        "rows": [
            {"reviewer": name, "cells": [per_hour.get(hour, 0) for hour in active_hours], "total": sum(per_hour.values()),
             "best": max(per_hour.values())}
            for name, per_hour in sorted(table.items())
        ],
    }


def reviewers_shown(report: QualityReport) -> dict[str, Any]:
    """Reviewer quality over the window (reviews/services/reviewer_quality.py), a row per reviewer."""
    def percent(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    rows = [{
        "reviewer": quality.login, "decisions": quality.decisions, "too_fast": quality.too_fast,
        "not_opened": quality.not_opened, "stamp_share": percent(quality.rubber_stamp_share),
        "golden": f"{quality.golden_correct} of {quality.golden_answered}" if quality.golden_answered else "—",
        "golden_accuracy": percent(quality.golden_accuracy), "paired": len(quality.pairs),
        "kappa": "—" if quality.kappa is None else f"{quality.kappa:.2f}", "agreement": percent(quality.agreement),
        "below_floor": quality.below_floor,
    } for quality in report.reviewers]
    return {
        "rows": rows, "days": hitlcrm_settings.REVIEWER_QUALITY_DAYS, "pairs": len(report.pairs),
        "kappa": "—" if report.kappa is None else f"{report.kappa:.2f}",
        "seconds": hitlcrm_settings.RUBBER_STAMP_SECONDS, "floor": f"{float(hitlcrm_settings.REVIEWER_QUALITY_FLOOR):.0%}",
        "min_golden": hitlcrm_settings.REVIEWER_MIN_GOLDEN,
        "max_share": f"{float(hitlcrm_settings.RUBBER_STAMP_MAX_SHARE):.0%}",
        "min_decisions": hitlcrm_settings.REVIEWER_MIN_DECISIONS,
    }


def version_rows(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A task type's figures per version of the agent's outputs (reviews/versions.py), as its row shows them."""
    return [{
        "label": version["label"], "versioned": version["versioned"], "volume": version["gate_total"]["volume"],
        "auto_share": version["gate_total"]["auto_approved_share"], "reviewed": version["gate_total"]["reviewed"],
        "error_rate": version["gate_total"]["error_rate"], "error_rate_upper": version["gate_total"]["error_rate_upper_95"],
        "counted": version["counted_total"]["reviewed"],
        "left_out": version["left_out"]["reviewed"], "may_narrow": version["may_narrow"],
        "reviews_needed": version["reviews_needed"], "held": version["held_for_review"], "gate": version["gate"],
        "recommendation": version["recommendation"],
    } for version in versions]


def task_type_quality(below_floor: dict[int, str] | None = None, *, by_version: bool = False) -> list[dict[str, Any]]:
    """Per task type: volume, share auto-approved, reviewed error rate with its 95% upper bound, and
    whether the gate may be narrowed, with this month's figures beside them (``by_version``: and the
    same per version of the agent's outputs). One call of the metrics service ``GET /api/v1/metrics/``
    makes, over the same window (every month recorded, see reviews/services/metrics.py), so the
    console and the API never disagree about a gate."""
    this_month = f"{month_start(timezone.now()):%Y-%m}"
    rows = []
    for item in gate_metrics(below_floor=below_floor)["task_types"]:
        total = item["gate_total"]
        current = next((month for month in item["months"] if month["month"] == this_month), None)
        rows.append({
            "task_type": item["task_type"], "volume": total["volume"], "auto": total["auto_approved"],
            "auto_share": total["auto_approved_share"], "reviewed": total["reviewed"],
            "errors": total["errors"], "error_rate": total["error_rate"], "left_out": item["left_out"]["reviewed"],
            "error_rate_upper": total["error_rate_upper_95"], "may_narrow": item["may_narrow"],
            "reviews_needed": item["reviews_needed"], "recommendation": item["recommendation"],
            "month_volume": current["volume"] if current else 0,
            "month_auto": current["auto_approved"] if current else 0,
            "month_error_rate": current["error_rate"] if current else None,
            "versions": version_rows(item["versions"]) if by_version else [],
        })
    return sorted(rows, key=lambda row: (-row["volume"], row["task_type"]))


def troubled_executions() -> dict[str, Any]:
    """Counts of executions that failed, conflict with the CRM, or need a person, and the latest ones."""
    troubled = Execution.objects.filter(state__in=TROUBLED_EXECUTIONS)
    by_state = dict(troubled.values_list("state").annotate(n=Count("pk")).order_by())
    recent = (
        troubled.select_related("proposal")
        .only("state", "attempts", "last_error", "error_code", "started_at", "finished_at", "proposal__kind",
              "proposal__status", "proposal__task_type")
        .order_by(F("started_at").desc(nulls_last=True), "-pk")[:10]
    )
    labels = dict(ExecutionState.choices)
    return {
        "by_state": [(labels[state], by_state.get(state, 0)) for state in TROUBLED_EXECUTIONS],
        "recent": [{"proposal_id": execution.proposal_id, "proposal": str(execution.proposal),
                    "url": execution.proposal.admin_url(), "state": execution.get_state_display(),
                    "error": execution.error_code or execution.last_error} for execution in recent],
    }


# The figures are kept in the shared cache, one entry per view of them (``?by=version`` or not), for
# HITLCRM_DASHBOARD_CACHE_SECONDS: at a million proposals computing them takes seconds, and a team
# watching the dashboard would otherwise pay that at every load. They are the same for every viewer
# (the view permission only opens the page); what depends on the viewer, the queue tabs and the
# setup to-do, is computed per request. Plain data only (dicts, lists, numbers, strings, datetimes),
# so that an entry reads back the same in any process; the number in the key changes with their shape.
FIGURES_KEY = "hitlcrm:dashboard:figures:1:{view}"
# While one viewer computes the figures (a cold cache, or "Refresh now"), the others wait for them
# rather than run the same aggregates at once; one who waited COMPUTE_WAIT_SECONDS (the computing
# process died, or is very slow) computes them itself. The lock expires by itself after
# COMPUTE_LOCK_SECONDS, so a process that died holding it blocks nobody for longer.
COMPUTE_WAIT_SECONDS = 20.0
COMPUTE_POLL_SECONDS = 0.25
COMPUTE_LOCK_SECONDS = 30


def dashboard_figures_compute(*, by_version: bool) -> dict[str, Any]:
    """Everything the dashboard shows from the database, as of now, as plain data."""
    now = timezone.now()
    with analytic_queries():  # aggregates over many rows: JIT compilation off on PostgreSQL
        reviewers = reviewers_quality(now=now)
        quality = task_type_quality(below_floor=reviewers.below_floor, by_version=by_version)
        month_volume = sum(row["month_volume"] for row in quality)
        return {
            "computed_at": now,
            "queues": queue_depths(now),
            "per_hour": decisions_per_hour(now),
            "quality": quality,
            "reviewers": reviewers_shown(reviewers),
            "auto_share": sum(row["month_auto"] for row in quality) / month_volume if month_volume else None,
            "executions": troubled_executions(),
            "salesforce": salesforce_push_status(),
            # The report GET /health/ gives: approvals not executing, queues no worker consumes.
            "health": system_health(now=now, fresh=False),
            "sender_domains": sender_domains_status(now=now),
        }


def dashboard_figures_key(*, by_version: bool) -> str:
    return FIGURES_KEY.format(view="version" if by_version else "task_type")


def dashboard_figures(*, by_version: bool, refresh: bool = False) -> dict[str, Any]:
    """The dashboard's figures, from the cache while they are younger than HITLCRM_DASHBOARD_CACHE_SECONDS
    (0: computed at every view). ``refresh`` ("Refresh now") computes them afresh and keeps those."""
    seconds = int(hitlcrm_settings.DASHBOARD_CACHE_SECONDS)
    if seconds <= 0:
        return dashboard_figures_compute(by_version=by_version)
    key = dashboard_figures_key(by_version=by_version)
    kept = cache.get(key)
    if kept is not None and not refresh:
        return kept
    lock, token = f"{key}:computing", uuid.uuid4().hex
    locked = cache.add(lock, token, COMPUTE_LOCK_SECONDS)
    if not locked:
        # Another viewer is computing them: theirs, once they are in the cache (for "Refresh now", once
        # they replaced the ones kept), rather than the same aggregates twice at once.
        figures = _figures_awaited(key, replacing=kept)
        if figures is not None:
            return figures
    try:
        figures = dashboard_figures_compute(by_version=by_version)
        cache.set(key, figures, seconds)
    finally:
        # Still ours (a computation longer than the lock lets the next viewer take it): released.
        if locked and cache.get(lock) == token:
            cache.delete(lock)
    return figures


def _figures_awaited(key: str, *, replacing: dict[str, Any] | None) -> dict[str, Any] | None:
    """The figures another viewer is computing, once in the cache in place of ``replacing``; None
    after COMPUTE_WAIT_SECONDS."""
    deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(COMPUTE_POLL_SECONDS)
        figures = cache.get(key)
        if figures is not None and (replacing is None or figures["computed_at"] != replacing["computed_at"]):
            return figures
    return None


def dashboard_view(request: HttpRequest, model_admin: Any) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    by_version = request.GET.get("by") == "version"
    if request.method == "POST":  # "Refresh now": the same figures computed afresh, then the page again
        dashboard_figures(by_version=by_version, refresh=True)
        return HttpResponseRedirect(request.get_full_path())
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    context = dashboard_context(request, model_admin, dashboard_figures(by_version=by_version), by_version=by_version)
    return protect(TemplateResponse(request, "admin/reviews/dashboard.html", context))


def dashboard_context(request: HttpRequest, model_admin: Any, figures: dict[str, Any], *,
                      by_version: bool) -> dict[str, Any]:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Review dashboard",
        "is_nav_sidebar_enabled": False,
        **figures,
        "now": figures["computed_at"],  # ages ("oldest waiting") as of the figures, not of the page
        "cache_seconds": int(hitlcrm_settings.DASHBOARD_CACHE_SECONDS),
        "by_version": by_version,
        "min_reviews": hitlcrm_settings.MIN_REVIEWS_TO_NARROW,
        "canary_share": float(hitlcrm_settings.NEW_VERSION_CANARY_SHARE),
        "queue_tabs": model_admin.queue_tabs(request, current="dashboard"),
        "setup_todo": setup_todo() if sets_up(request.user) else [],
    }


def sets_up(user: Any) -> bool:
    """Whether ``user`` configures hitlcrm (rules, policies or people): they are told what is left to do."""
    return any(user.has_perm(name) for name in (perm("change_policy"), perm("change_crmobjectrule"),
                                                 perm("add_consoleaccount")))


def setup_view(request: HttpRequest, model_admin: Any) -> HttpResponse:
    """Setup: what is configured and what is not, with where each is fixed (reviews/services/setup_status.py)."""
    if not sets_up(request.user):
        raise PermissionDenied
    rules = list(CrmObjectRule.objects.order_by("crm_object"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Setup",
        "is_nav_sidebar_enabled": False,
        "setup_todo": setup_todo(),
        "rules": rules,
        "policies": list(Policy.objects.all()),  # by task type, then scope (the model's ordering)
        "salesforce_problem": salesforce_problem(),
        "mail_problems": mail_problems(),
        "mail": {"backend": settings.EMAIL_BACKEND, "sender": settings.DEFAULT_FROM_EMAIL,
                 "identity": hitlcrm_settings.SENDER_IDENTITY, "postal_address": hitlcrm_settings.POSTAL_ADDRESS},
        "people": [(role.replace("_", " ").capitalize(),
                    get_user_model()._default_manager.filter(is_active=True, groups__name=group_name(role)).count())
                   for role in ROLES],
        "queue_tabs": model_admin.queue_tabs(request, current="dashboard"),
    }
    return protect(TemplateResponse(request, "admin/reviews/setup.html", context))
