"""Every API error is JSON that names the field and the problem."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..services.decisions import DecisionRefused
from ..services.submission import IdempotencyConflict
from ..state_machine import IllegalTransition

logger = logging.getLogger(__name__)


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
    if isinstance(exc, DatabaseError):
        return _database_error(exc, context)
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


def _database_error(exc: DatabaseError, context: dict[str, Any]) -> Response:
    """A database failure in the middle of a request (a lost connection, a locked database, a full
    disk). Every use case runs in one transaction, so what it had written is rolled back — a bulk
    submission stores all its items or none. The agent gets JSON saying so instead of an HTML error
    page; the database's own message stays in the log, not in the response. Operational errors are
    usually transient (503, retry later); anything else is our fault (500)."""
    request = context.get("request")
    logger.error("database error in %s %s", getattr(request, "method", "?"), getattr(request, "path", "?"),
                 exc_info=exc)
    detail = ("A database error stopped this request and everything it had written was rolled back: nothing "
              "was stored. Retry it; with idempotency keys a retry cannot store anything twice.")
    if isinstance(exc, OperationalError):
        return Response({"error": "database_unavailable", "detail": detail},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    return Response({"error": "database_error", "detail": detail}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's 404 handler: JSON under /api/ (a URL no route matches, e.g. /api/v1/email-drafts/x/),
    Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "No such URL in the API."}, status=404)
    return page_not_found(request, exception)
