"""End to end over real HTTP (pytest-django's live server and ``requests``)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
import requests
from django.test import override_settings

from reviews.models import AuditEvent, Proposal

from .conftest import email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def http(live_server, agent) -> Any:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {agent[1]}"
    session.base = f"{live_server.url}/api/v1"
    yield session
    session.close()


def test_the_token_header_is_required(live_server, http) -> None:
    anonymous = requests.get(f"{live_server.url}/api/v1/email-drafts/", timeout=10)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Token"
    wrong = requests.get(f"{live_server.url}/api/v1/email-drafts/", timeout=10,
                         headers={"Authorization": "Token hcrm_wrong"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Invalid or revoked token."
    assert http.get(f"{http.base}/email-drafts/", timeout=10).status_code == 200


def test_submit_and_replay_with_an_idempotency_key(http) -> None:
    headers = {"Idempotency-Key": "live-1"}
    first = http.post(f"{http.base}/email-drafts/", json=email_payload(), headers=headers, timeout=10)
    assert first.status_code == 201, first.text
    again = http.post(f"{http.base}/email-drafts/", json=email_payload(), headers=headers, timeout=10)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = http.post(f"{http.base}/email-drafts/", json=email_payload(subject="Changed"), headers=headers, timeout=10)
    assert other.status_code == 409 and other.json()["existing_id"] == first.json()["id"]
    assert Proposal.objects.count() == 1


def test_malformed_json_is_a_400(http) -> None:
    with nothing_left_behind():
        response = http.post(f"{http.base}/crm-changes/", data=b'{"kind": "update",,}', timeout=10,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error" and "Malformed JSON" in response.json()["detail"]


def test_an_oversized_body_is_a_413(http) -> None:
    body = json.dumps(email_payload(body="x" * 300_000)).encode()
    with override_settings(HITLCRM_MAX_BODY_BYTES=256 * 1024), nothing_left_behind():
        response = http.post(f"{http.base}/email-drafts/", data=body, timeout=30,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


@pytest.mark.postgres_only
def test_concurrent_retries_with_one_key_make_one_record(http) -> None:
    barrier = threading.Barrier(20)
    answers: list[tuple[int, int]] = []
    lock = threading.Lock()

    def retry() -> None:
        with requests.Session() as session:
            session.headers.update(http.headers)
            barrier.wait()
            response = session.post(f"{http.base}/email-drafts/", json=email_payload(), timeout=60,
                                    headers={"Idempotency-Key": "storm"})
            with lock:
                answers.append((response.status_code, response.json().get("id")))

    threads = [threading.Thread(target=retry) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Proposal.objects.count() == 1
    record = Proposal.objects.get()
    assert sorted(status for status, _ in answers) == [200] * 19 + [201]
    assert {proposal_id for _, proposal_id in answers} == {record.pk}
    assert AuditEvent.objects.filter(action="submitted").count() == 1
