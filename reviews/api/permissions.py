"""Who may do what through the API. Agents submit and read their own records; integrations read
the approved-changes feed and report executions; console staff read. Nobody decides through the
API: approving, rejecting and editing happen in the console, by people."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ..kinds import kind_of
from ..models import ApiClient


def client_of(request: Request) -> ApiClient | None:
    return getattr(request.user, "api_client", None) if request.user.is_authenticated else None


def _client_with_role(request: Request, role: str) -> bool:
    client = client_of(request)
    return client is not None and client.role == role and client.is_active


class IsAgent(BasePermission):
    message = "Only agent API clients can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _client_with_role(request, ApiClient.Role.AGENT)


class IsIntegration(BasePermission):
    message = "Only integration API clients can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _client_with_role(request, ApiClient.Role.INTEGRATION)


class CanReadProposals(BasePermission):
    """Agents (their own records), integrations (the CRM changes they execute) and console staff."""

    message = "Agents read their own records, integrations the CRM-change feed, console users everything."

    def has_permission(self, request: Request, view: Any) -> bool:
        client = client_of(request)
        if client is None:
            return bool(request.user.is_authenticated and request.user.is_staff)
        if not client.is_active:
            return False
        if client.role == ApiClient.Role.INTEGRATION:
            # The feed of what they may execute: records of the kinds they may execute only.
            kind = getattr(view, "kind", None)
            return bool(kind) and kind_of(kind).externally_executable
        return True
