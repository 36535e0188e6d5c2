"""Security logging: logins (success and failure), permission denials and token use are audit
events too, without letting anonymous traffic flood the trail."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import ApiToken, AuditEvent
from reviews.signals import UNAUTHENTICATED_EVENTS_PER_MINUTE

from .conftest import session

pytestmark = pytest.mark.django_db


def latest(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("seq")


def test_console_logins_and_failed_logins(rita) -> None:
    browser = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox/140")
    browser.post("/admin/login/", {"username": "rita", "password": "wrong"})
    failed = latest("login_failed")
    assert (failed.actor, failed.origin_ip, failed.user_agent) == ("rita", "203.0.113.9", "Firefox/140")
    assert failed.data == {"username": "rita"}
    assert "wrong" not in str(failed.data)
    response = browser.post("/admin/login/", {"username": "rita", "password": "correct-horse-battery"})
    assert response.status_code == 302
    login = latest("login")
    assert (login.actor_type, login.actor, login.origin_ip) == ("user", "rita", "203.0.113.9")


def test_permission_denials_in_the_api_and_the_console(agent, rita) -> None:
    assert session(rita, REMOTE_ADDR="203.0.113.10").get("/api/v1/history/").status_code == 403
    denied = latest("permission_denied")
    assert (denied.actor, denied.origin_ip) == ("rita", "203.0.113.10")
    assert denied.data == {"method": "GET", "path": "/api/v1/history/", "status": 403}

    assert session(rita).get("/admin/hitlcrm_reviews/auditevent/export/").status_code == 403
    assert latest("permission_denied").data["path"] == "/admin/hitlcrm_reviews/auditevent/export/"

    robot = APIClient(REMOTE_ADDR="198.51.100.30")
    robot.credentials(HTTP_AUTHORIZATION=f"Token {agent[1]}")
    assert robot.get("/api/v1/reports/monthly/").status_code == 403
    denied = latest("permission_denied")
    assert (denied.actor_type, denied.actor, denied.origin_ip) == ("agent", "sdr-bot", "198.51.100.30")


def test_a_token_is_recorded_once_an_hour_not_on_every_request(agent) -> None:
    client, raw = agent
    robot = APIClient(REMOTE_ADDR="198.51.100.31", HTTP_USER_AGENT="sdr-bot/2.1")
    robot.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    for _ in range(5):
        assert robot.get("/api/v1/email-drafts/").status_code == 200
    used = AuditEvent.objects.filter(action="token_used")
    assert used.count() == 1
    event = used.get()
    token = ApiToken.objects.get(client=client)
    assert (event.actor_type, event.actor, event.origin_ip) == ("agent", client.name, "198.51.100.31")
    assert event.data == {"token": token.hint, "token_id": token.pk,
                          "hour": timezone.now().strftime("%Y-%m-%dT%H:00Z")}
    assert raw not in str(event.data)


def test_a_refused_token_is_recorded_without_its_value(db) -> None:
    guess = "hcrm_this-is-not-a-real-token-but-could-be-a-secret"
    robot = APIClient(REMOTE_ADDR="198.51.100.32")
    robot.credentials(HTTP_AUTHORIZATION=f"Token {guess}")
    assert robot.get("/api/v1/email-drafts/").status_code == 401
    event = latest("token_rejected")
    assert event.origin_ip == "198.51.100.32"
    assert event.data["reason"] == "invalid or revoked" and len(event.data["fingerprint"]) == 12
    assert guess not in str(event.data) and guess[:12] not in event.actor


def test_a_revoked_token_names_its_client(agent) -> None:
    client, raw = agent
    ApiToken.objects.filter(client=client).update(revoked_at=timezone.now())
    robot = APIClient()
    robot.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert robot.get("/api/v1/email-drafts/").status_code == 401
    event = latest("token_rejected")
    assert (event.actor_type, event.actor) == ("agent", client.name)
    assert event.data["reason"] == "revoked"


def test_anonymous_probing_cannot_flood_the_trail(db) -> None:
    robot = APIClient(REMOTE_ADDR="198.51.100.33")
    for number in range(UNAUTHENTICATED_EVENTS_PER_MINUTE + 15):
        robot.credentials(HTTP_AUTHORIZATION=f"Token hcrm_guess-{number}")
        assert robot.get("/api/v1/email-drafts/").status_code == 401
    recorded = AuditEvent.objects.filter(action="token_rejected", origin_ip="198.51.100.33").count()
    assert 1 <= recorded <= UNAUTHENTICATED_EVENTS_PER_MINUTE + 1  # +1: the minute may roll over mid-test
    other = APIClient(REMOTE_ADDR="198.51.100.34")
    other.credentials(HTTP_AUTHORIZATION="Token hcrm_guess-elsewhere")
    other.get("/api/v1/email-drafts/")
    assert AuditEvent.objects.filter(action="token_rejected", origin_ip="198.51.100.34").count() == 1
