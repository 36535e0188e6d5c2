"""API clients and their tokens: creating a client, issuing and revoking tokens.

The one way for every door (the console's actions, ``manage.py create_agent`` and
``revoke_token``, the demo's seeding): each token issued or revoked is audited once, with the same
record whoever did it (``data``: the client's name, the token's hint and its id).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..audit_actions import AuditAction
from ..models import ApiClient, ApiToken
from ..models.clients import new_api_client_user
from .actors import Actor
from .audit import audit_record


def _token_data(token: ApiToken) -> dict[str, Any]:
    return {"client": token.client.name, "token": token.hint, "token_id": token.pk}


def token_issue(*, client: ApiClient, actor: Actor) -> tuple[ApiToken, str]:
    """A new token for ``client``; returns it and its raw value, which is shown once and never stored."""
    with transaction.atomic():
        token, raw = ApiToken.issue(client)
        audit_record(action=AuditAction.TOKEN_ISSUED, actor=actor, data=_token_data(token))
    return token, raw


def tokens_revoke(*, tokens: QuerySet[ApiToken], actor: Actor) -> list[ApiToken]:
    """Revoke the tokens of ``tokens`` that are not revoked yet (revoked ones keep their time);
    returns those revoked now, in id order. They stay, so the audit trail can name them."""
    with transaction.atomic():
        revoked = list(tokens.filter(revoked_at__isnull=True).select_related("client")
                       .select_for_update(of=("self",)).order_by("pk"))
        now = timezone.now()
        for token in revoked:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(action=AuditAction.TOKEN_REVOKED, actor=actor, data=_token_data(token))
    return revoked


def api_client_create(*, name: str, actor: Actor, role: str = ApiClient.Role.AGENT, webhook_url: str = "",
                      throttle_rate: str = "") -> tuple[ApiClient, str]:
    """A new API client (with its service account and, given a callback URL, a webhook signing secret)
    and its first token; returns the client and the token's raw value. Raises ValidationError for a
    name taken or a value the model refuses."""
    with transaction.atomic():
        client = ApiClient(name=name, role=role, user=new_api_client_user(name), webhook_url=webhook_url,
                           throttle_rate=throttle_rate)
        if webhook_url:
            client.new_webhook_secret()
        client.full_clean()
        client.save()
        _, raw = token_issue(client=client, actor=actor)
    return client, raw
