"""Login throttling for the console: repeated failures lock a username (and an address) out for a
while, in the shared cache so every web process sees the same counts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest

from .audit_actions import AuditAction
from .conf import hitlcrm_settings
from .services.actors import Actor, login_given
from .services.audit import audit_record

# One address may fail for several people (an office behind one NAT) before it is locked out.
ADDRESS_FACTOR = 5


def _keys(username: str, request: HttpRequest | None) -> list[str]:
    keys = [f"login-failures:user:{username.lower()[:150]}"]
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address:
        keys.append(f"login-failures:ip:{address}")
    return keys


def login_locked(username: str, request: HttpRequest | None) -> bool:
    limit = hitlcrm_settings.LOGIN_FAILURE_LIMIT
    user_key, *address_key = _keys(username, request)
    if (cache.get(user_key) or 0) >= limit:
        return True
    return bool(address_key) and (cache.get(address_key[0]) or 0) >= limit * ADDRESS_FACTOR


def login_failed(username: str, request: HttpRequest | None) -> None:
    for key in _keys(username, request):
        cache.add(key, 0, timeout=hitlcrm_settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=hitlcrm_settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(username: str, request: HttpRequest | None) -> None:
    # Only the username's count: a guesser must not clear its address's count with its own account.
    cache.delete(_keys(username, request)[0])


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing every attempt (even a correct one) while locked out."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        name = str(username or login_given(kwargs) or "")
        if name and login_locked(name, request):
            audit_record(action=AuditAction.LOGIN_THROTTLED, actor=Actor("user", name[:150],
                         ip=request.META.get("REMOTE_ADDR") if request else None), data={"username": name[:150]})
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if name:
            (login_succeeded if user is not None else login_failed)(name, request)
        return user
