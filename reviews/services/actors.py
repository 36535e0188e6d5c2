"""Who did something: a person, an API client, a policy or the system, and where from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from ..models.audit import AuditActorType

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

    from ..models import ApiClient, Policy


def login_given(credentials: dict[str, Any] | None) -> str:
    """The login in a sign-in's credentials: ``username`` (the login form's field, whatever the user
    model calls it), else the user model's USERNAME_FIELD (``email`` for an email-login model)."""
    credentials = credentials or {}
    return credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD) or ""


@dataclass(frozen=True)
class Actor:
    type: str
    name: str
    user: Any = None  # the Django user, for people and API clients' service accounts
    client: Any = None
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def for_user(cls, user: AbstractBaseUser, request: HttpRequest | None = None) -> Actor:
        return cls(AuditActorType.USER, user.get_username(), user=user, **_origin(request))

    @classmethod
    def for_client(cls, client: ApiClient, request: HttpRequest | None = None) -> Actor:
        return cls(AuditActorType.AGENT, client.name, user=client.user, client=client, **_origin(request))

    @classmethod
    def for_policy(cls, policy: Policy) -> Actor:
        return cls(AuditActorType.POLICY, f"policy:{policy.task_type}@v{policy.version}")

    @classmethod
    def system(cls, what: str = "system", request: HttpRequest | None = None) -> Actor:
        """hitlcrm itself; with ``request``, acting on an anonymous request (a one-click unsubscribe)."""
        return cls(AuditActorType.SYSTEM, what, **_origin(request))

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        client = getattr(request.user, "api_client", None) if request.user.is_authenticated else None
        if client is not None:
            return cls.for_client(client, request)
        return cls.for_user(request.user, request)


def _origin(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    # REMOTE_ADDR only: a proxy in front must be configured to set it (X-Forwarded-For is forgeable).
    return {
        "ip": request.META.get("REMOTE_ADDR") or None,
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:300],
    }
