"""``GET /api/v1/metrics/``: per task type and month, volume, auto-approved share, review error
rate with its 95% upper bound, and whether the gate may be narrowed. Console staff with a session
only; API clients (agents, integrations) are refused.

Wired with ``path("metrics/", include("reviews.api.metrics"))``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services.metrics import gate_metrics
from .base import HitlcrmApiPolicy
from .permissions import client_of
from .schema import extend_schema


class IsConsoleStaff(BasePermission):
    message = "Only console staff can read the gate metrics."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.is_active and client_of(request) is None)


def _month(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """'YYYY-MM' as the month's first instant (UTC); with ``end``, the next month's."""
    if not value:
        return None
    try:
        start = datetime.strptime(value, "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError({name: ["Give a month as YYYY-MM."]}) from None
    if not end:
        return start
    index = start.year * 12 + start.month  # the next month, zero-based
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


class MetricsView(HitlcrmApiPolicy, APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsConsoleStaff]

    @extend_schema(
        summary="Gate metrics per task type and month",
        description=(
            "Volume, auto-approved share, reviewed count, error rate (rejected or approved after a "
            "material edit), error types by reason code and the error rate's 95% Wilson upper bound, "
            "per task type and month of submission; whether the gate may be narrowed (at least "
            "HITLCRM_MIN_REVIEWS_TO_NARROW reviewed outputs with the upper bound under the policy's "
            "target) and how many more reviews it would take at the observed error rate. That verdict, "
            "like the console's dashboard, counts every month recorded (`gate_total`), without the outputs "
            "whose review a reviewer below the quality floor concluded (`left_out`; what it counts is "
            "`counted_total`; who is below, and why: `reviewers_below_floor`); `since` and "
            "`until` only choose the months listed and totalled (`months`, `total`). `versions` gives the "
            "same per version of the agent's outputs (agent_version, prompt_version, model): a versioned "
            "output is auto-approved only once its own version's verdict says the gate may be narrowed "
            "(`held_for_review`, and why: `gate`), measured against the target of the `policy` that governs "
            "that version (a policy scoped to it, else the task type's). Closed months come from hourly roll-ups, "
            "the current "
            "month is live."
        ),
        parameters=[
            OpenApiParameter("since", OpenApiTypes.STR, description="First month listed, YYYY-MM (inclusive)."),
            OpenApiParameter("until", OpenApiTypes.STR, description="Last month listed, YYYY-MM (inclusive)."),
            OpenApiParameter("task_type", OpenApiTypes.STR, description="Only this task type."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        data = gate_metrics(since=_month(params.get("since"), "since"),
                            until=_month(params.get("until"), "until", end=True),
                            task_type=params.get("task_type") or None)
        return Response(data)


urlpatterns = [path("", MetricsView.as_view(), name="api-metrics")]
