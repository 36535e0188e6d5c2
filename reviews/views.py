"""Plain Django views outside the API and the console."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .services.health import system_health


@never_cache
@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """``GET /health/`` for monitoring: 200 when every probe passed, 503 when one failed (the body
    names it). No login, so a monitor needs no credentials; the report holds counts and queue
    names only. A load balancer's liveness probe belongs elsewhere (``/admin/login/``): a 503 here
    may mean the workers, not this web process, need attention."""
    report = system_health()
    return JsonResponse(report, status=200 if report["healthy"] else 503)
