"""``Authorization: Token <token>`` for API clients; tokens are looked up by their hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiToken
from ..models.clients import hash_token
from ..signals import token_authenticated, token_rejected

# last_used_at is written at most this often per token, so a busy agent does not write a row per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hour(moment: datetime) -> tuple[int, int, int, int]:
    utc = moment.astimezone(UTC)
    return utc.year, utc.month, utc.day, utc.hour


class AgentTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):  # noqa: ANN201
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Token <token>'.")
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from exc
        token = ApiToken.objects.active().select_related("client__user").filter(key_hash=hash_token(raw)).first()
        if token is None:
            token_rejected.send(sender=type(self), request=request, raw=raw, reason="invalid or revoked")
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        last = token.last_used_at
        if last is None or now - last > LAST_USED_RESOLUTION or _hour(now) != _hour(last):
            # At most once a minute per token, and always on its first use in an hour: enough for
            # last_used_at and for the hourly "token used" audit record, without a write (or a cache
            # round trip) on every request of a busy agent.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token_authenticated.send(sender=type(self), token=token, request=request)
        return token.client.user, token

    def authenticate_header(self, request) -> str:  # noqa: ANN001
        return self.keyword


class AgentTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token header in the OpenAPI schema."""

    target_class = AgentTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <token>`: the token `manage.py create_agent` printed."}
