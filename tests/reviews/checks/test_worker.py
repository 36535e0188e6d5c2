"""Checks run in a real Celery worker process: an agent submits through the API, the worker picks
the task up, runs the checks, stores their results and routes the record."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from reviews.models import CheckResult, Proposal
from reviews.state_machine import Status
from tests.factories import agent_with_token, allow_crm_objects, policy
from tests.reviews.conftest import email_payload
from tests.support import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(worker_factory):
    return worker_factory()


def test_a_worker_runs_the_checks_and_routes_the_records(worker) -> None:
    allow_crm_objects()
    policy("*", mode="always_review")
    _, token = agent_with_token("sdr-bot")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    clean = api.post("/api/v1/email-drafts/", email_payload(), format="json")
    flawed = api.post("/api/v1/email-drafts/", email_payload(
        to=["bob@contoso.example"], subject="Idea for {{company}}", body="Hi Bob,\n\nMy card is 4111 1111 1111 1111.",
    ), format="json")
    assert clean.status_code == flawed.status_code == 201
    ids = [clean.json()["id"], flawed.json()["id"]]
    assert {record.json()["status"] for record in (clean, flawed)} == {Status.CHECKING}

    def routed() -> bool:
        return not Proposal.objects.filter(pk__in=ids, status=Status.CHECKING).exists()

    wait_for(routed, timeout=60, what=f"the worker to check the records; worker log:\n{worker.log_tail()}")
    statuses = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {ids[0]: Status.NEEDS_REVIEW, ids[1]: Status.BLOCKED}
    failed = set(CheckResult.objects.filter(proposal_id=ids[1], passed=False).values_list("name", flat=True))
    assert {"placeholders", "personal_data"} <= failed
    assert CheckResult.objects.filter(proposal_id=ids[0]).count() >= 10

    shown = api.get(f"/api/v1/email-drafts/{ids[1]}/").json()
    assert shown["status"] == Status.BLOCKED
    assert {c["name"] for c in shown["checks"] if not c["passed"]} >= {"placeholders", "personal_data"}
