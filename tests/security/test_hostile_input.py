"""Hostile input through the real stack (HTTP to a live server): every case gets a clear 4xx that
names the field or the problem, and nothing is half-written (no record, field row, history row or
audit event of the request remains). The reviewer's door (edits in the console) is held to the same
rules, since a crafted POST can carry what the page's inputs would not."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from django.test import Client

from reviews.models import Proposal
from tests.api.conftest import nothing_left_behind
from tests.console.conftest import queued
from tests.reviews.conftest import crm_payload, email_payload

pytestmark = pytest.mark.django_db(transaction=True)

INJECTED_ID = "0035g00000ABCDeAAP' OR Name != '"


def nested(depth: int) -> bytes:
    return json.dumps(email_payload()).encode()[:-1] + b', "evidence": ' + b"[" * depth + b"]" * depth + b"}"


def body(**overrides: Any) -> bytes:
    return json.dumps(email_payload(**overrides)).encode()


def crm(**overrides: Any) -> bytes:
    return json.dumps(crm_payload(**{"field_confidence": {}, **overrides})).encode()


# (case, path, raw body, status, where the answer names the problem: a field, or a phrase of `detail`)
CASES = [
    ("oversized body", "email-drafts", body(body="x" * 300_000), 413, "detail:larger than"),
    ("malformed JSON", "email-drafts", b'{"to": ["ada@contoso.example"],', 400, "detail:Malformed JSON"),
    ("not UTF-8", "email-drafts", b'{"subject": "\xff\xfe"}', 400, "detail:UTF-8"),
    ("nested 100 000 deep", "email-drafts", nested(100_000), 400, "detail:JSON"),
    ("nested 50 deep", "email-drafts", nested(50), 400, "detail:nested deeper"),
    ("a NUL character", "email-drafts", body(body="Hi\u0000there"), 400, "detail:NUL"),
    ("a lone surrogate", "email-drafts", b'{"subject": "\\udc00"}', 400, "detail:surrogate"),
    ("NaN", "email-drafts", body().replace(b'"confidence": 0.95', b'"confidence": NaN'), 400, "detail:NaN"),
    ("an infinite number", "email-drafts", body().replace(b'"confidence": 0.95', b'"confidence": 1e999'), 400,
     "detail:out of range"),
    ("a line break in the subject", "email-drafts", body(subject="Hi\r\nBcc: evil@attacker.example"), 400, "subject"),
    ("a control character in the subject", "email-drafts", body(subject="Hi\x1b[2J\x07"), 400, "subject"),
    ("a line separator in the subject", "email-drafts", body(subject="Hi\u2028Bcc: evil@attacker.example"), 400,
     "subject"),
    ("header injection in an address", "email-drafts", body(to=["ada@contoso.example\r\nBcc: evil@attacker.example"]),
     400, "to"),
    ("two addresses in one", "email-drafts", body(to=["ada@contoso.example, evil@attacker.example"]), 400, "to"),
    ("a display name in an address", "email-drafts", body(to=['"Ada" <ada@contoso.example>']), 400, "to"),
    ("header injection in the sender", "email-drafts", body(from_email="sam@hitlcrm.example\nBcc: x@attacker.example"),
     400, "from_email"),
    ("SOQL injection in the record id", "email-drafts", body(crm_id=INJECTED_ID), 400, "crm_id"),
    ("SOQL injection in the record id of a change", "crm-changes", crm(crm_id=INJECTED_ID), 400, "crm_id"),
    ("SOQL injection in the object", "crm-changes", crm(crm_object="Contact WHERE Name != null"), 400, "crm_object"),
    ("SOQL injection in a field name", "crm-changes", crm(fields={"Title, (SELECT Id FROM User)": "x"}), 400,
     "fields"),
    ("a field name off the allow-list", "crm-changes", crm(fields={"OwnerId": "005000000000001AAA"}), 400, "fields"),
    ("an unknown key", "crm-changes", crm(fields={"Title": "CTO"}, approved=True), 400, "approved"),
    ("a list where an object belongs", "crm-changes", crm(fields=["Title", "CTO"]), 400, "fields"),
    ("a nested value for a field", "crm-changes", crm(fields={"Title": {"$ne": None}}), 400, "fields"),
]


@pytest.fixture
def http(live_server: Any, agent: Any) -> Any:
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {agent[1]}", "Content-Type": "application/json"})
    session.base = f"{live_server.url}/api/v1"
    yield session
    session.close()


@pytest.mark.parametrize(("case", "path", "raw", "status", "named"), CASES, ids=[case[0] for case in CASES])
def test_hostile_input_is_refused_clearly_and_leaves_nothing(http, case, path, raw, status, named) -> None:
    with nothing_left_behind():
        response = http.post(f"{http.base}/{path}/", data=raw, timeout=60)
    assert response.status_code == status, response.text[:500]
    answer = response.json()
    if named.startswith("detail:"):
        assert named.removeprefix("detail:") in answer["detail"], answer
    else:
        assert any(key == named or key.startswith(f"{named}.") for key in answer.get("fields", {})), answer


def test_a_header_injection_header_is_refused(http) -> None:
    """A CR/LF in a request header the API reads (the Idempotency-Key) cannot reach the server as
    such (HTTP clients refuse to send it); one with a control character is a 400 naming the header."""
    with pytest.raises(ValueError):
        http.post(f"{http.base}/email-drafts/", data=body(), headers={"Idempotency-Key": "k\r\nX-Evil: 1"}, timeout=60)
    with nothing_left_behind():
        response = http.post(f"{http.base}/email-drafts/", data=body(), headers={"Idempotency-Key": "k\x07"}, timeout=60)
    assert response.status_code == 400 and "Idempotency-Key" in response.text


def test_quotes_in_a_proposed_value_are_data_not_soql(http) -> None:
    value = "O'Brien' OR Name != '"
    response = http.post(f"{http.base}/crm-changes/", data=crm(fields={"LastName": value}), timeout=60)
    assert response.status_code == 201, response.text
    assert Proposal.objects.get().field_changes.get().proposed_value == value


@pytest.mark.parametrize(("field", "value"), [
    ("subject", "Hi\r\nBcc: evil@attacker.example"),
    ("subject", "Hi\x1b[2J"),
    ("subject", "   "),
    ("body", ""),
])
def test_a_reviewers_edit_is_held_to_the_same_rules(api, rita, field, value) -> None:
    """The console's subject box is one line, but a crafted POST is not: the edit is refused and the
    item stays in the queue, unchanged (an email whose subject could inject headers never goes out)."""
    (proposal,) = queued(api)
    console = Client()
    console.force_login(rita)
    response = console.post(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/decide/",
                            {"action": "edit_approve", "subject": proposal.subject, "body": proposal.body,
                             field: value}, HTTP_X_CONSOLE_SWAP="1")
    assert response.status_code == 409, response.status_code
    proposal.refresh_from_db()
    assert proposal.status == "needs_review" and proposal.final_output is None
    assert not proposal.decisions.exists()
