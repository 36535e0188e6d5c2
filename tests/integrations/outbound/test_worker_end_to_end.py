"""Outbound actions through real components: an agent POSTs actions over HTTP, a real Celery worker
runs the checks, a reviewer approves in the console over HTTP, the worker POSTs each signed action
to a real HTTPS receiver; the API then shows what came of it. Also a refusal (4xx), a timeout at an
endpoint that does not honour idempotency keys (unknown, never sent again), and an ungated type
(executed at once, audited)."""

from __future__ import annotations

import pytest
import requests

from integrations.outbound.webhook import IDEMPOTENCY_HEADER
from reviews.models import AuditEvent, Execution, ExecutionState, OutboundActionType
from tests.factories import agent_with_token, policy, reviewer
from tests.integration.test_end_to_end import approve_in_admin, login
from tests.support import wait_for

from .receiver import ActionReceiver, Reply

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PAYLOAD = {"budget": 800, "currency": "EUR"}


@pytest.fixture
def started(live_server, worker_factory, trusted, action_type: OutboundActionType, settings):
    """A worker trusting the receiver's CA, the default policy reviewing everything, the agent's session."""
    settings.HITLCRM_BASE_URL = live_server.url
    policy("*", mode="always_review")
    reviewer("rita")
    _, token = agent_with_token("ads-bot")
    worker_factory({"HITLCRM_BASE_URL": live_server.url, "HITLCRM_OUTBOUND_CA_BUNDLE": str(trusted.ca_path),
                    "HITLCRM_OUTBOUND_TIMEOUT_SECONDS": "0.5"})
    agent = requests.Session()
    agent.headers["Authorization"] = f"Token {token}"
    return agent


def submitted(live_server, agent: requests.Session, target: str) -> dict:
    response = agent.post(f"{live_server.url}/api/v1/outbound-actions/", json={
        "action_type": "ads.budget_change", "target": target, "payload": PAYLOAD, "confidence": 0.9})
    assert response.status_code == 201, response.text
    return response.json()


def status_of(live_server, agent: requests.Session, record: dict) -> str:
    return agent.get(f"{live_server.url}/api/v1/outbound-actions/{record['id']}/").json()["status"]


def test_submit_review_approve_and_execute_against_the_receiver(live_server, started, receiver: ActionReceiver,
                                                                action_type) -> None:
    agent = started
    receiver.script.extend([Reply(status=201, body=b'{"id": "rcv-42"}'),
                            Reply(status=422, body=b'{"error": "campaign-9 is archived"}'),
                            Reply(hang=True)])
    records = [submitted(live_server, agent, target) for target in ("campaign-1", "campaign-9", "campaign-5")]
    for record in records:
        wait_for(lambda r=record: status_of(live_server, agent, r) == "needs_review", timeout=60,
                 what=f"checks of {record['id']}")
    session = login(live_server, "rita")
    for record in records:  # one at a time: the receiver answers in this order
        approve_in_admin(session, record["review_url"])
        wait_for(lambda r=record: status_of(live_server, agent, r) != "approved" and (
            Execution.objects.filter(proposal_id=r["id"]).exclude(state=ExecutionState.IN_PROGRESS).exists()),
            timeout=60, what=f"execution of {record['id']}")
    done, refused, timed_out = records
    wait_for(lambda: status_of(live_server, agent, done) == "done", timeout=30, what="the delivered action done")
    detail = agent.get(f"{live_server.url}/api/v1/outbound-actions/{done['id']}/").json()
    assert detail["execution"]["provider_id"] == "rcv-42"
    wait_for(lambda: status_of(live_server, agent, refused) == "failed", timeout=30, what="the refused action failed")
    assert "campaign-9 is archived" in Execution.objects.get(proposal_id=refused["id"]).last_error
    assert Execution.objects.get(proposal_id=timed_out["id"]).state == ExecutionState.UNKNOWN

    requests_seen = receiver.requests()
    assert [request.json["target"] for request in requests_seen] == ["campaign-1", "campaign-9", "campaign-5"]
    assert all(request.signature_valid for request in requests_seen)
    assert [request.headers[IDEMPOTENCY_HEADER] for request in requests_seen] == [
        action_type.idempotency_key(record["id"]) for record in records]
    steps = list(AuditEvent.objects.filter(proposal_id_ref=done["id"]).order_by("seq").values_list("action", "actor"))
    assert [action for action, _ in steps if action != "claimed"] == [
        "submitted", "checks_run", "approved", "executing", "executed"]
    assert dict(steps)["approved"] == "rita"


def test_an_ungated_type_is_executed_at_once_and_audited(live_server, started, receiver, action_type) -> None:
    action_type.reversible, action_type.stakes, action_type.ungated, action_type.audit_sample_rate = True, 1, True, 0.0
    action_type.full_clean()
    action_type.save()
    record = submitted(live_server, started, "campaign-3")
    wait_for(lambda: status_of(live_server, started, record) == "done", timeout=60, what="the ungated action done")
    assert [request.json["target"] for request in receiver.requests()] == ["campaign-3"]
    actions = list(AuditEvent.objects.filter(proposal_id_ref=record["id"]).order_by("seq")
                   .values_list("action", flat=True))
    assert [action for action in actions if action != "claimed"] == [
        "submitted", "auto_approved", "executing", "executed"]
