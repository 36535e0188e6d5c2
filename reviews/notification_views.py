"""Thin adapters of the notifications: Slack's interactive endpoint and the email links.

- ``POST …/notifications/slack/actions/``: Slack's "Request URL" for interactivity. No login and no
  CSRF token (Slack's signature is the credential); see ``services.slack_actions``.
- ``GET …/notifications/open/<token>/``: a reviewer email's link. Without a session it sends the
  browser to the console's login and back; with one, it uses the link up and opens the review page.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .services.actors import Actor
from .services.notification_links import LinkRefused, notification_link_open
from .services.slack_actions import slack_interaction


@csrf_exempt
@require_POST
def slack_actions_view(request: HttpRequest) -> HttpResponse:
    answer = slack_interaction(body=request.body, headers=dict(request.headers),
                               remote_addr=request.META.get("REMOTE_ADDR") or None)
    return HttpResponse(status=answer.status)


@never_cache
@require_GET
def notification_link_view(request: HttpRequest, token: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    try:
        proposal = notification_link_open(token=token, actor=Actor.for_user(request.user, request))
    except LinkRefused as exc:
        return HttpResponse(f"{exc}\n", status=exc.http_status, content_type="text/plain; charset=utf-8")
    return HttpResponseRedirect(proposal.admin_url())
