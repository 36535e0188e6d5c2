"""Tokens (hashed, shown once, revocable, last-used time), roles and per-client throttling."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from reviews.models import ApiClient, ApiToken, AuditEvent
from reviews.models.clients import hash_token
from tests.factories import reviewer

from .conftest import email_payload, nothing_left_behind, token_client

pytestmark = pytest.mark.django_db


def create_agent(*args: str) -> str:
    out = StringIO()
    call_command("create_agent", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_create_agent_prints_a_working_token_once_and_stores_only_its_hash(agent) -> None:
    raw = create_agent("enrichment-bot")
    client = ApiClient.objects.get(name="enrichment-bot")
    assert client.role == "agent" and not client.user.is_staff and not client.user.has_usable_password()
    token = client.tokens.get()
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert raw.startswith(token.hint)
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert token.last_used_at is None
    assert token_client(raw).get("/api/v1/email-drafts/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_create_agent_makes_integrations_and_more_tokens(agent) -> None:
    raw = create_agent("dw-sync", "--role", "integration")
    assert ApiClient.objects.get(name="dw-sync").role == "integration"
    second = create_agent("dw-sync", "--new-token")
    assert second != raw and ApiToken.objects.filter(client__name="dw-sync").count() == 2
    with pytest.raises(CommandError, match="already exists"):
        create_agent("dw-sync")


def test_revoke_token_shuts_the_door(agent) -> None:
    raw = create_agent("bot")
    keep = create_agent("bot", "--new-token")
    hint = ApiToken.objects.get(key_hash=hash_token(raw)).hint
    call_command("revoke_token", "bot", "--hint", hint, stdout=StringIO())
    response = token_client(raw).get("/api/v1/email-drafts/")
    assert response.status_code == 401
    assert response.json() == {"error": "authentication_failed", "detail": "Invalid or revoked token."}
    assert token_client(keep).get("/api/v1/email-drafts/").status_code == 200
    assert AuditEvent.objects.filter(action="token_revoked", data__token=hint).exists()
    call_command("revoke_token", "bot", stdout=StringIO())
    assert token_client(keep).get("/api/v1/email-drafts/").status_code == 401
    with pytest.raises(CommandError, match="no active token"):
        call_command("revoke_token", "bot", stdout=StringIO())


def test_a_deactivated_client_is_refused(agent, api) -> None:
    ApiClient.objects.filter(pk=agent[0].pk).update(is_active=False)
    assert api.get("/api/v1/email-drafts/").status_code == 401


@pytest.mark.parametrize("header", [None, "Token", "Token a b", "Token hcrm_not-a-real-token", "Bearer x"])
def test_requests_without_a_valid_token_are_401(agent, header) -> None:
    client = Client(**({"HTTP_AUTHORIZATION": header} if header else {}))
    with nothing_left_behind():
        response = client.post("/api/v1/email-drafts/", email_payload(), content_type="application/json")
    assert response.status_code in (401, 403)
    if header is None or header.startswith("Token"):
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_roles_are_separate(api, integration_api) -> None:
    with nothing_left_behind():
        assert integration_api.post("/api/v1/email-drafts/", email_payload(), format="json").status_code == 403
    assert api.get("/api/v1/crm-changes/").status_code == 200  # an agent lists its own (none)


def test_throttling_is_per_client(agent, other_api, private_cache) -> None:
    ApiClient.objects.filter(pk=agent[0].pk).update(throttle_rate="3/min")
    api = token_client(agent[1])
    statuses = [api.get("/api/v1/email-drafts/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/email-drafts/")
    assert response.json()["error"] == "throttled" and int(response["Retry-After"]) > 0
    assert other_api.get("/api/v1/email-drafts/").status_code == 200  # another agent is not held back


def test_the_admin_issues_a_token_shown_once_and_revokes_it(agent) -> None:
    admin = reviewer("ada", role="admin")
    browser = Client()
    browser.force_login(admin)
    client = agent[0]
    response = browser.post("/admin/hitlcrm_reviews/apiclient/", {"action": "issue_token", "_selected_action": [client.pk]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    (raw,) = re.findall(r"<code>(hcrm_[^<]+)</code>", response.content.decode())
    assert token_client(raw).get("/api/v1/email-drafts/").status_code == 200
    assert AuditEvent.objects.filter(action="token_issued", actor="ada").exists()
    browser.post("/admin/hitlcrm_reviews/apiclient/", {"action": "revoke_tokens", "_selected_action": [client.pk]})
    assert token_client(raw).get("/api/v1/email-drafts/").status_code == 401
    assert not ApiToken.objects.active().filter(client=client).exists()
    assert b"key_hash" not in browser.get(f"/admin/hitlcrm_reviews/apitoken/{client.tokens.first().pk}/change/").content
