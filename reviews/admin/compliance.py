"""The compliance console: the audit history (read-only for everyone, superusers included), its
export, one CRM record's timeline and the monthly report. The filters are the API's
(``HistoryFilters``), so the console and ``GET /api/v1/history/`` always agree."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode

from ..apps import perm
from ..downloads import events_export_response, export_response
from ..models import AuditEvent, Proposal
from ..models.audit import AUDIT_ACTIONS, AuditActorType
from ..models.decisions import ReasonCode
from ..services.crm_identity import crm_identities
from ..services.history import (
    EXPORT_FORMATS,
    HistoryFilters,
    history_events,
    monthly_report,
    report_csv,
    timeline_filters,
)
from .layout import FullWidthMixin
from .readonly import ReadOnlyAdminMixin

TIMELINE_LIMIT = 1000


class HistoryFilter(admin.ListFilter):
    """One sidebar form for every history filter; values are parsed exactly as the API does."""

    title = "history"
    template = "admin/reviews/compliance/history_filter.html"
    parameters = ("crm_object", "crm_id", "actor", "actor_type", "action", "since", "until", "record")

    def __init__(self, request: HttpRequest, params: dict[str, list[str]], model: Any, model_admin: Any) -> None:
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)
        try:
            self.filters = HistoryFilters.from_params(self.used_parameters)
        except ValidationError as exc:
            raise IncorrectLookupParameters(exc) from exc  # the admin shows the unfiltered list, flagged

    def has_output(self) -> bool:
        return True

    def choices(self, changelist: Any) -> list[Any]:
        return []

    def expected_parameters(self) -> list[str]:
        return list(self.parameters)

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        return history_events(self.filters, queryset)

    @property
    def values(self) -> dict[str, str]:
        return {name: (values[-1] if values else "") for name, values in self.used_parameters.items()}

    actions = sorted(AUDIT_ACTIONS)
    actor_types = AuditActorType.choices


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL a count over millions of events takes seconds: above a threshold the planner's
    estimate is shown instead (the page itself is still exact)."""

    exact_below = 50_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connections[queryset.db].vendor == "postgresql":
            plan = queryset.order_by().explain(format="json")  # "" when the filters match nothing
            estimate = int(json.loads(plan)[0]["Plan"]["Plan Rows"]) if plan else 0
            if estimate >= self.exact_below:
                return estimate
        return super().count


class AuditChangeList(ChangeList):
    """The history's page, each event with who its CRM record is (``crm_identity``), read for the
    whole page at once (services/crm_identity.py: one cache read, on a miss one query per object)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        identities = crm_identities((event.crm_object, event.crm_id) for event in self.result_list)
        for event in self.result_list:
            event.crm_identity = identities.get((event.crm_object, event.crm_id))
# The report's columns as the page shows them, in words (the CSV keeps the machine names of
# REPORT_COLUMNS); the rejections by reason share one column, so the table fits a laptop's width.
REPORT_HEADERS = ("Month", "Task type", "Reviewer", "Decisions", "Approved", "Edited, then approved", "Rejected",
                  "Rejections by reason", "Material edits", "Undone", "Errors", "Error rate",
                  "Change from the month before")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def report_row_shown(row: dict[str, Any]) -> list[str]:
    """One report row as the page shows it: rates as percentages, the change in percentage points
    (or why there is none), the rejections' reasons in words."""
    reasons = ", ".join(f"{label.lower()} {row[f'rejected_{code}']}" for code, label in ReasonCode.choices
                        if row.get(f"rejected_{code}"))
    change = row.get("error_rate_change")
    if change is not None:
        change_shown = f"{change * 100:+.1f} points"
    else:
        change_shown = "—"  # the page's note says why: no decisions the month before
    return [row["month"], row["task_type"], row["reviewer"], str(row["decisions"]), str(row["approved"]),
            str(row["edited_and_approved"]), str(row["rejected"]), reasons or "—", str(row["material_edits"]),
            str(row["undone"]), str(row["errors"]), _percent(row["error_rate"]), change_shown]


@admin.register(AuditEvent)
class AuditEventAdmin(FullWidthMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "action", "actor_type", "actor", "record_link", "crm_record", "origin_ip")
    list_filter = (HistoryFilter,)
    list_per_page = 100
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    ordering = ("-seq",)
    fields = ("seq", "occurred_at", "action", "actor_type", "actor", "proposal_id_ref", "crm_object", "crm_id",
              "origin_ip", "user_agent", "data_pretty", "prev_hash", "hash")
    readonly_fields = fields
    change_list_template = "admin/reviews/compliance/change_list.html"
    timeline_template = "admin/reviews/compliance/timeline.html"
    report_template = "admin/reviews/compliance/monthly_report.html"

    # --- read-only for everyone -----------------------------------------------------------
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(perm("view_history"))

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(perm("export_history"))


    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return AuditChangeList

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).defer("data", "user_agent", "prev_hash", "hash")

    # --- columns --------------------------------------------------------------------------
    @admin.display(description="record", ordering="proposal_id_ref")
    def record_link(self, event: AuditEvent) -> str:
        if event.proposal_id_ref is None:
            return "—"
        url = reverse(self._url("changelist")) + "?" + urlencode({"record": event.proposal_id_ref})
        return format_html('<a href="{}" title="every event of this proposal">#{}</a>', url, event.proposal_id_ref)

    @admin.display(description="CRM record")
    def crm_record(self, event: AuditEvent) -> str:
        if not (event.crm_object and event.crm_id):
            return "—"
        url = reverse(self._url("timeline"), args=[event.crm_object, event.crm_id])
        identity = getattr(event, "crm_identity", None)
        if identity is not None and identity.record is not None:
            return format_html('<a href="{}" title="timeline of {} {}">{}</a>', url, event.crm_object, event.crm_id,
                               identity.label)
        return format_html('<a href="{}" title="timeline of this record">{} {}</a>', url, event.crm_object,
                           event.crm_id)

    @admin.display(description="data")
    def data_pretty(self, event: AuditEvent) -> str:
        return format_html("<pre style=\"white-space: pre-wrap\">{}</pre>",
                           json.dumps(event.data, indent=2, sort_keys=True, ensure_ascii=False))

    # --- extra views ----------------------------------------------------------------------
    def _url(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("export/", wrap(self.export_view), name=f"{prefix}_export"),
            path("timeline/<str:crm_object>/<str:crm_id>/", wrap(self.timeline_view), name=f"{prefix}_timeline"),
            path("report/", wrap(self.report_view), name=f"{prefix}_report"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {
            "export_links": [(fmt.upper(), f"{reverse(self._url('export'))}?{self._query(request, format=fmt)}")
                             for fmt in EXPORT_FORMATS] if self.has_export_permission(request) else [],
            "report_url": reverse(self._url("report")),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    @staticmethod
    def _query(request: HttpRequest, **extra: str) -> str:
        params = {name: request.GET[name] for name in HistoryFilter.parameters if request.GET.get(name)}
        return urlencode({**params, **extra})

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        fmt = request.GET.get("format", "csv")
        if fmt not in EXPORT_FORMATS:
            return HttpResponse(f"format must be one of {', '.join(EXPORT_FORMATS)}", status=400,
                                content_type="text/plain")
        try:
            filters = HistoryFilters.from_params(request.GET)
        except ValidationError as exc:
            return HttpResponse(json.dumps(exc.message_dict), status=400, content_type="application/json")
        return events_export_response(history_events(filters), fmt, "history")

    def timeline_view(self, request: HttpRequest, crm_object: str, crm_id: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            filters = timeline_filters(crm_object, crm_id)
        except ValidationError as exc:
            return HttpResponse(json.dumps(exc.message_dict), status=400, content_type="application/json")
        events = list(history_events(filters).order_by("seq")[: TIMELINE_LIMIT + 1])
        proposals = list(Proposal.objects.filter(crm_object=filters.crm_object, crm_id=filters.crm_id)
                         .order_by("submitted_at", "pk").only("pk", "kind", "status", "task_type", "submitted_at"))
        query = urlencode({"crm_object": filters.crm_object, "crm_id": filters.crm_id})
        identity = crm_identities([(filters.crm_object, filters.crm_id)]).get((filters.crm_object, filters.crm_id))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Timeline of {filters.crm_object} {filters.crm_id}",
            "crm_object": filters.crm_object,
            "crm_id": filters.crm_id,
            "crm_identity": identity,
            "events": events[:TIMELINE_LIMIT],
            "truncated": len(events) > TIMELINE_LIMIT,
            "proposals": [(proposal, self._review_url(proposal)) for proposal in proposals],
            "history_url": f"{reverse(self._url('changelist'))}?{query}",
            "export_links": [(fmt.upper(), f"{reverse(self._url('export'))}?{query}&format={fmt}")
                             for fmt in EXPORT_FORMATS] if self.has_export_permission(request) else [],
        }
        return TemplateResponse(request, self.timeline_template, context)

    @staticmethod
    def _review_url(proposal: Proposal) -> str:
        try:
            return proposal.admin_url()
        except NoReverseMatch:
            return ""

    def report_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        months = request.GET.get("months", "12")
        months = int(months) if months.isdigit() and 1 <= int(months) <= 60 else 12
        rows = monthly_report(months=months)
        if request.GET.get("format") == "csv":
            return export_response(report_csv(rows), "csv", "monthly-report")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Monthly decisions report (last {months} months)",
            "is_nav_sidebar_enabled": False,
            "columns": REPORT_HEADERS,
            "rows": [report_row_shown(row) for row in rows],
            "months": months,
            "csv_url": f"{reverse(self._url('report'))}?{urlencode({'months': months, 'format': 'csv'})}",
        }
        return TemplateResponse(request, self.report_template, context)
