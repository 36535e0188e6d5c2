"""Security events worth an audit record: logins (success and failure), permission denials and
API token use; plus the per-connection SQL function the audit table's SQLite trigger consults.

Volume: every login, failed login and denial of a signed-in person is recorded. What anyone on
the network can cause without credentials (refused tokens, anonymous denials) is recorded up to
``UNAUTHENTICATED_EVENTS_PER_MINUTE`` per source address, so probing is evidenced but cannot
flood the trail. A token's successful use is recorded once per token per hour: an agent may
make thousands of requests an hour, and "this token was used, from there, in that hour" is the
question an investigation asks; each request's own effects are audited by the use case it ran.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db.backends.signals import connection_created
from django.dispatch import Signal, receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .audit_actions import AuditAction
from .models.audit import AuditActorType
from .services.actors import Actor, login_given
from .services.audit import audit_record, sqlite_register_prune_function

UNAUTHENTICATED_EVENTS_PER_MINUTE = 20

# Sent by reviews.api.authentication: a token authenticated a request / a presented token was refused.
token_authenticated = Signal()  # kwargs: token, request
token_rejected = Signal()  # kwargs: request, raw (the presented value), reason


@receiver(connection_created)
def _sqlite_functions(sender, connection, **kwargs) -> None:  # noqa: ANN001
    if connection.vendor == "sqlite":
        sqlite_register_prune_function(connection)


def _anonymous(request: HttpRequest | None, name: str = "anonymous") -> Actor:
    if request is None:
        return Actor.system(name)
    return Actor(AuditActorType.USER, name, ip=request.META.get("REMOTE_ADDR"),
                 user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300])


def _within_budget(kind: str, request: HttpRequest | None) -> bool:
    """At most UNAUTHENTICATED_EVENTS_PER_MINUTE events of ``kind`` per source address per minute
    (counted in the shared cache, so every web process draws on the same budget)."""
    address = (request.META.get("REMOTE_ADDR") if request is not None else None) or "-"
    key = f"hitlcrm:audit-budget:{kind}:{address}:{timezone.now():%Y%m%d%H%M}"
    if cache.add(key, 1, timeout=120):
        return True
    try:
        return cache.incr(key) <= UNAUTHENTICATED_EVENTS_PER_MINUTE
    except ValueError:  # expired between add and incr: a new minute
        return cache.add(key, 1, timeout=120)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:  # noqa: ANN001
    audit_record(action=AuditAction.LOGIN, actor=Actor.for_user(user, request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:  # noqa: ANN001
    username = str(login_given(credentials))[:150]
    audit_record(action=AuditAction.LOGIN_FAILED, actor=_anonymous(request, username or "anonymous"),
                 data={"username": username})


@receiver(token_authenticated)
def _token_used(sender, token, request, **kwargs) -> None:  # noqa: ANN001
    hour = timezone.now().strftime("%Y-%m-%dT%H:00Z")
    if cache.add(f"hitlcrm:token-used:{token.pk}:{hour}", 1, timeout=3700):
        audit_record(action=AuditAction.TOKEN_USED, actor=Actor.for_client(token.client, request),
                     data={"token": token.hint, "token_id": token.pk, "hour": hour})


@receiver(token_rejected)
def _token_rejected(sender, request, raw: str, reason: str, **kwargs) -> None:  # noqa: ANN001
    from .models import ApiToken
    from .models.clients import hash_token

    known = ApiToken.objects.select_related("client").filter(key_hash=hash_token(raw)).first() if raw else None
    if known is not None:
        # A revoked token (or one of a deactivated client): say whose it was, from where.
        data = {"reason": "revoked" if known.revoked_at else "client inactive", "token": known.hint,
                "token_id": known.pk}
        audit_record(action=AuditAction.TOKEN_REJECTED, actor=Actor.for_client(known.client, request), data=data)
        return
    if not _within_budget("token_rejected", request):
        return
    # Never the presented value itself (it may be someone's real secret, mistyped): a fingerprint.
    fingerprint = hashlib.sha256(raw.encode()).hexdigest()[:12] if raw else ""
    audit_record(action=AuditAction.TOKEN_REJECTED, actor=_anonymous(request, "unknown token"),
                 data={"reason": reason, "fingerprint": fingerprint})  # reason as the authenticator saw it


def permission_denied_record(request: HttpRequest, response: HttpResponse) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        actor = Actor.from_request(request)
    elif _within_budget("permission_denied", request):
        actor = _anonymous(request)
    else:
        return
    audit_record(action=AuditAction.PERMISSION_DENIED, actor=actor,
                 data={"method": request.method, "path": request.path[:500], "status": response.status_code})


class PermissionDeniedAuditMiddleware:
    """Records every 403, whichever door refused it: the console (PermissionDenied), the API
    (DRF's permission checks, which set the request's user before refusing) or CSRF."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            permission_denied_record(request, response)
        return response
