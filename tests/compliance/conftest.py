"""Fixtures for the audit history: roles, a lifecycle that writes real events, and tampering
with the audit table the way someone with database superuser rights could."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from rest_framework.test import APIClient

from reviews.models import AuditEvent, Proposal
from reviews.services.actors import Actor
from reviews.services.audit import audit_record_many
from tests.factories import reviewer
from tests.reviews.conftest import CONTACT_ID, crm_payload, email_payload  # noqa: F401

TABLE = AuditEvent._meta.db_table
GUARD = importlib.import_module("reviews.migrations.0003_audit_append_only")


@pytest.fixture
def carla(db) -> Any:
    """A compliance officer."""
    return reviewer("carla", role="compliance")


def session(user: Any, **extra: str) -> APIClient:
    client = APIClient(**extra)
    client.force_login(user)
    return client


def person(user: Any, ip: str = "203.0.113.7", browser: str = "Mozilla/5.0 (compliance test)") -> Actor:
    request = RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=browser)
    return Actor.for_user(user, request)


def submit(api: APIClient, path: str = "email-drafts", **overrides: Any) -> Proposal:
    payload = email_payload(**overrides) if path == "email-drafts" else crm_payload(**overrides)
    response = api.post(f"/api/v1/{path}/", payload, format="json", REMOTE_ADDR="198.51.100.20",
                        HTTP_USER_AGENT="sdr-bot/2.1")
    assert response.status_code == 201, response.content
    return Proposal.objects.get(pk=response.json()["id"])


def append(count: int, **values: Any) -> list[AuditEvent]:
    """``count`` events through the real append path (one lock, one INSERT)."""
    actors = [Actor.system("checks"), Actor("user", "rita", ip="203.0.113.7", user_agent="Firefox"),
              Actor("agent", "sdr-bot", ip="198.51.100.20")]
    actions = ["checks_run", "approved", "submitted"]
    return audit_record_many([
        {"action": values.get("action", actions[n % 3]), "actor": values.get("actor", actors[n % 3]),
         "crm_object": values.get("crm_object", "Contact"),
         "crm_id": values.get("crm_id", f"0035g00000ABC{n % 50:03d}"),
         "data": {"n": n, "note": values.get("note", "plain")}}
        for n in range(count)
    ])


@contextlib.contextmanager
def tampering() -> Iterator[Any]:
    """A cursor that can change the audit table behind the application's back: the trigger is
    disabled for this transaction only, as a database superuser could (PostgreSQL: replica role;
    SQLite: the triggers dropped and put back)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield cursor
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            for sql in GUARD.statements("sqlite", remove=True):
                cursor.execute(sql)
            yield cursor
            for sql in GUARD.statements("sqlite"):
                cursor.execute(sql.format(table=connection.ops.quote_name(TABLE)))
