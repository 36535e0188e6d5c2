"""Issuing and revoking API tokens: every door (the console's actions, the management commands)
goes through ``services.tokens`` and leaves the same audit event."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from reviews.models import ApiClient, ApiToken, AuditEvent
from tests.factories import agent_with_token, reviewer

pytestmark = pytest.mark.django_db


def console() -> Client:
    browser = Client()
    browser.force_login(reviewer("ada", role="admin"))
    return browser


def token_event(action: str, token: ApiToken) -> AuditEvent:
    (event,) = AuditEvent.objects.filter(action=action, data__token_id=token.pk)
    return event


def issued_in_console(name: str) -> ApiToken:
    client, _ = agent_with_token(name)
    console().post("/admin/hitlcrm_reviews/apiclient/", {"action": "issue_token", "_selected_action": [client.pk]})
    return client.tokens.latest("pk")


def issued_by_create_agent(name: str) -> ApiToken:
    call_command("create_agent", name, stdout=StringIO())
    return ApiToken.objects.get(client__name=name)


def issued_by_create_agent_new_token(name: str) -> ApiToken:
    agent_with_token(name)
    call_command("create_agent", name, "--new-token", stdout=StringIO())
    return ApiToken.objects.filter(client__name=name).latest("pk")


ISSUING_DOORS: dict[str, tuple[Callable[[str], ApiToken], tuple[str, str]]] = {
    "console": (issued_in_console, ("user", "ada")),
    "create_agent": (issued_by_create_agent, ("system", "manage.py create_agent")),
    "create_agent --new-token": (issued_by_create_agent_new_token, ("system", "manage.py create_agent")),
}


@pytest.mark.parametrize("door", list(ISSUING_DOORS))
def test_every_door_audits_an_issued_token_the_same_way(door: str) -> None:
    issue, actor = ISSUING_DOORS[door]
    token = issue("bot")
    event = token_event("token_issued", token)
    assert event.data == {"client": "bot", "token": token.hint, "token_id": token.pk}
    assert (event.actor_type, event.actor) == actor


def revoked_in_console_by_client(token: ApiToken) -> None:
    console().post("/admin/hitlcrm_reviews/apiclient/", {"action": "revoke_tokens", "_selected_action": [token.client_id]})


def revoked_in_console_by_token(token: ApiToken) -> None:
    console().post("/admin/hitlcrm_reviews/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})


def revoked_by_command(token: ApiToken) -> None:
    call_command("revoke_token", token.client.name, stdout=StringIO())


def revoked_by_command_with_hint(token: ApiToken) -> None:
    call_command("revoke_token", token.client.name, "--hint", token.hint, stdout=StringIO())


REVOKING_DOORS: dict[str, tuple[Callable[[ApiToken], Any], tuple[str, str]]] = {
    "console, the client's tokens": (revoked_in_console_by_client, ("user", "ada")),
    "console, one token": (revoked_in_console_by_token, ("user", "ada")),
    "revoke_token": (revoked_by_command, ("system", "manage.py revoke_token")),
    "revoke_token --hint": (revoked_by_command_with_hint, ("system", "manage.py revoke_token")),
}


@pytest.mark.parametrize("door", list(REVOKING_DOORS))
def test_every_door_revokes_a_token_and_audits_it_the_same_way(door: str) -> None:
    revoke, actor = REVOKING_DOORS[door]
    client, _ = agent_with_token("bot")
    token = client.tokens.get()
    revoke(token)
    token.refresh_from_db()
    assert token.is_revoked
    event = token_event("token_revoked", token)
    assert event.data == {"client": "bot", "token": token.hint, "token_id": token.pk}
    assert (event.actor_type, event.actor) == actor


def test_a_token_revoked_again_keeps_its_time_and_is_audited_once() -> None:
    client, _ = agent_with_token("bot")
    token = client.tokens.get()
    revoked_in_console_by_token(token)
    token.refresh_from_db()
    first = token.revoked_at
    revoked_in_console_by_client(token)
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AuditEvent.objects.filter(action="token_revoked").count() == 1


def test_creating_a_client_that_the_model_refuses_leaves_nothing() -> None:
    from django.core.exceptions import ValidationError

    from reviews.services.actors import Actor
    from reviews.services.tokens import api_client_create

    with pytest.raises(ValidationError):
        api_client_create(name="bot", throttle_rate="lots", actor=Actor.system("test"))
    assert not ApiClient.objects.exists() and not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="token_issued").exists()
