"""Repeated failed logins lock the account out, even for the right password, and are audited."""

from __future__ import annotations

import pytest
from django.test import Client

from reviews.models import AuditEvent
from tests.factories import reviewer

pytestmark = pytest.mark.django_db


def attempt(client: Client, password: str, address: str = "203.0.113.7") -> bool:
    response = client.post("/admin/login/?next=/admin/", {"username": "rita", "password": password},
                           REMOTE_ADDR=address)
    return response.status_code == 302


def test_lockout_after_repeated_failures_even_with_the_right_password(settings) -> None:
    settings.HITLCRM_LOGIN_FAILURE_LIMIT = 3
    reviewer("rita")
    client = Client()
    assert [attempt(client, "wrong") for _ in range(3)] == [False, False, False]
    assert not attempt(client, "correct-horse-battery"), "a locked-out account must refuse the right password"
    assert AuditEvent.objects.filter(action="login_throttled", actor="rita").exists()
    assert AuditEvent.objects.filter(action="login_failed").count() >= 3


def test_a_success_before_the_limit_clears_the_count(settings) -> None:
    settings.HITLCRM_LOGIN_FAILURE_LIMIT = 3
    reviewer("rita")
    client = Client()
    assert not attempt(client, "wrong") and not attempt(client, "wrong")
    assert attempt(client, "correct-horse-battery")
    client.logout()
    assert not attempt(client, "wrong") and not attempt(client, "wrong")
    assert attempt(client, "correct-horse-battery")


def test_one_address_guessing_many_usernames_is_locked_out(settings) -> None:
    settings.HITLCRM_LOGIN_FAILURE_LIMIT = 3
    reviewer("rita")
    client = Client()
    for name in [f"guess{n}" for n in range(15)]:  # 5 × the per-username limit
        client.post("/admin/login/", {"username": name, "password": "x"}, REMOTE_ADDR="198.51.100.9")
    assert not attempt(client, "correct-horse-battery", address="198.51.100.9")
    assert attempt(client, "correct-horse-battery", address="192.0.2.1")
