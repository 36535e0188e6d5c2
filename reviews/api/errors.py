"""Every API error is JSON that names the field and the problem."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..services.decisions import DecisionRefused
from ..services.submission import IdempotencyConflict
from ..state_machine import IllegalTransition


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, IdempotencyConflict):
        return Response({"error": "idempotency_conflict", "detail": str(exc), "existing_id": exc.existing.pk},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IllegalTransition):
        return Response({"error": "conflict", "detail": str(exc), "status": exc.current},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DecisionRefused):
        return Response({"error": "conflict", "detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"error": "invalid", "fields": fields}
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(response.data["detail"], "code", None) or getattr(exc, "default_code", None) or "error"
        response.data = {"error": str(code), "detail": response.data["detail"]}
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's 404 handler: JSON under /api/ (a URL no route matches, e.g. /api/v1/email-drafts/x/),
    Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "No such URL in the API."}, status=404)
    return page_not_found(request, exception)
