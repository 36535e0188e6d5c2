"""Page layout the console's own lists share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


class FullWidthMixin:
    """Lists and forms without the admin's app sidebar, as the queues have: at 1366 px the sidebar's
    300 px pushed the audit list's CRM record column and the policies' last columns out of view."""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})

    def changeform_view(self, request: HttpRequest, object_id: Any = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url,
                                       {"is_nav_sidebar_enabled": False, **(extra_context or {})})
