"""The audit history for compliance: ``GET /api/v1/history/`` (filters, cursor pages, streaming
CSV / JSON Lines exports), one CRM record's timeline, and the monthly decisions report.

Read-only, and only for people holding ``hitlcrm_reviews.view_history`` (exports and reports also need
``hitlcrm_reviews.export_history``); API clients (agents, integrations) are always refused.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ..apps import perm
from ..downloads import events_export_response, export_response
from ..models import AuditEvent
from ..models.audit import AUDIT_ACTIONS
from ..services.history import (
    EVENT_FIELDS,
    EXPORT_FORMATS,
    HistoryFilters,
    event_as_dict,
    history_events,
    monthly_report,
    report_csv,
    timeline_filters,
)
from .base import HitlcrmApiPolicy
from .permissions import client_of
from .schema import extend_schema


class _FileRenderer(BaseRenderer):
    """Lets ``?format=csv`` / ``Accept: text/csv`` select an export. Successful exports stream
    themselves; errors are switched to JSON by the views, so this renders nothing of its own."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class JsonLinesRenderer(_FileRenderer):
    media_type = "application/x-ndjson"
    format = "jsonl"


class CanReadHistory(BasePermission):
    message = "Only compliance and admin users can read the audit history."

    def has_permission(self, request: Request, view: Any) -> bool:
        if client_of(request) is not None:
            return False  # agents and integrations never read the audit trail
        if not request.user.has_perm(perm("view_history")):
            return False
        fmt = getattr(getattr(request, "accepted_renderer", None), "format", "json")
        if (fmt in EXPORT_FORMATS or getattr(view, "is_report", False)) and not request.user.has_perm(
            perm("export_history")
        ):
            self.message = "Exporting the audit history needs the export permission."
            return False
        return True


class AuditEventSerializer(serializers.Serializer):
    """Documents one event as the API returns it (built by ``event_as_dict``)."""

    id = serializers.IntegerField()
    seq = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    action = serializers.CharField(help_text="; ".join(f"{name}: {text}" for name, text in AUDIT_ACTIONS.items()))
    actor_type = serializers.ChoiceField(choices=["user", "agent", "policy", "system"])
    actor = serializers.CharField()
    record = serializers.IntegerField(allow_null=True, help_text="The proposal's id.")
    crm_object = serializers.CharField()
    crm_id = serializers.CharField()
    origin_ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    data = serializers.JSONField()
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class NewestFirst(CursorPagination):
    ordering = "-seq"
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class OldestFirst(NewestFirst):
    ordering = "seq"


FILTER_PARAMETERS = [
    OpenApiParameter("crm_object", str, description="CRM object API name, e.g. Contact."),
    OpenApiParameter("crm_id", str, description="CRM record id (15 or 18 characters)."),
    OpenApiParameter("actor", str, description="Username, API client name, policy:<task type>@v<n>, or system."),
    OpenApiParameter("actor_type", str, enum=["user", "agent", "policy", "system"]),
    OpenApiParameter("action", str, enum=list(AUDIT_ACTIONS)),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="From this moment (inclusive); a date or date-time."),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Before this moment (exclusive)."),
    OpenApiParameter("record", int, description="A proposal's id."),
    OpenApiParameter("format", str, enum=["json", "csv", "jsonl"],
                     description="csv or jsonl stream every matching event, oldest first, as a download."),
]


class _HistoryBase(HitlcrmApiPolicy, GenericAPIView):
    permission_classes = [IsAuthenticated, CanReadHistory]
    renderer_classes = [JSONRenderer, CsvRenderer, JsonLinesRenderer]
    serializer_class = AuditEventSerializer
    filter_backends: list[Any] = []
    is_report = False

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:
            formats = ", ".join(renderer.format for renderer in self.renderer_classes)
            raise ValidationError({"format": [f"one of {formats}"]}) from exc

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON whatever the download format asked for.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)

    def events_response(self, request: Request, filters: HistoryFilters, prefix: str) -> Any:
        events = history_events(filters)
        fmt = request.accepted_renderer.format
        if fmt in EXPORT_FORMATS:
            return events_export_response(events, fmt, prefix)
        page = self.paginate_queryset(events.values(*EVENT_FIELDS))
        return self.get_paginated_response([event_as_dict(row) for row in page])


class HistoryView(_HistoryBase):
    """Audit events, newest first (exports: oldest first)."""

    pagination_class = NewestFirst
    queryset = AuditEvent.objects.none()  # for the schema generator; the data comes from history_events

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: AuditEventSerializer(many=True)})
    def get(self, request: Request) -> Any:
        return self.events_response(request, HistoryFilters.from_params(request.query_params), "history")


class TimelineView(_HistoryBase):
    """Everything that touched one CRM record (proposals, decisions, writes), oldest first."""

    pagination_class = OldestFirst
    queryset = AuditEvent.objects.none()

    @extend_schema(parameters=[p for p in FILTER_PARAMETERS if p.name not in ("crm_object", "crm_id")],
                   responses={200: AuditEventSerializer(many=True)})
    def get(self, request: Request, crm_object: str, crm_id: str) -> Any:
        filters = timeline_filters(crm_object, crm_id, request.query_params)
        return self.events_response(request, filters, f"timeline-{filters.crm_object}-{filters.crm_id}")


class MonthlyReportView(_HistoryBase):
    """Per month, task type and reviewer: decisions, error types, error rate and its trend."""

    renderer_classes = [JSONRenderer, CsvRenderer]
    pagination_class = None
    is_report = True

    @extend_schema(
        parameters=[OpenApiParameter("months", int, description="How many months, newest last (1–60, default 12)."),
                    OpenApiParameter("format", str, enum=["json", "csv"])],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="{rows: [...]} or a CSV download")},
    )
    def get(self, request: Request) -> Any:
        raw = request.query_params.get("months", "12")
        if not raw.isdigit() or not 1 <= int(raw) <= 60:
            raise ValidationError({"months": ["a whole number from 1 to 60"]})
        rows = monthly_report(months=int(raw))
        if request.accepted_renderer.format == "csv":
            return export_response(report_csv(rows), "csv", "monthly-report")
        return Response({"rows": rows})
