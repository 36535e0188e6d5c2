"""The health report (reviews/services/health.py): which approved work counts as "not executing",
and what ``GET /health/`` answers when the broker is gone. With workers running, and one narrowed
with ``-Q``: tests/integration/test_processes.py."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hitlcrm.celery import app
from reviews.models import CrmObjectRule, Execution, ExecutionState, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.health import executions_stalled
from reviews.state_machine import Status
from tests.console.conftest import queued
from tests.factories import reviewer

pytestmark = pytest.mark.django_db


def approved(api, kind: str = "email", *, due_minutes_ago: float) -> Proposal:  # noqa: ANN001
    (proposal,) = queued(api, 1, kind)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(reviewer("rita")), action="approve")
    # Test set-up only: move the moment it became due into the past.
    Proposal.objects.filter(pk=proposal.pk).update(execute_after=timezone.now() - timedelta(minutes=due_minutes_ago))
    return Proposal.objects.get(pk=proposal.pk)


def test_approved_work_due_longer_than_the_setting_counts_as_not_executing(api, settings) -> None:
    settings.HITLCRM_HEALTH_STALLED_AFTER_MINUTES = 10
    stalled = approved(api, due_minutes_ago=11)
    approved(api, due_minutes_ago=5)  # due, but not for long: a busy moment
    held = approved(api, due_minutes_ago=-60)  # waits for its send window or its undo grace period
    assert held.status == Status.APPROVED

    found = executions_stalled()
    assert found["count"] == 1 and found["after_minutes"] == 10
    assert found["oldest_since"] == stalled.status_changed_at.isoformat()


def test_a_retry_due_long_ago_counts_and_an_externally_executed_change_does_not(api, settings) -> None:
    settings.HITLCRM_HEALTH_STALLED_AFTER_MINUTES = 10
    retrying = approved(api, "crm", due_minutes_ago=0)
    Proposal.objects.filter(pk=retrying.pk).update(status=Status.EXECUTING)  # test set-up: a push that failed
    Execution.objects.create(proposal=retrying, state=ExecutionState.PENDING,
                             retry_after=timezone.now() - timedelta(minutes=11))
    assert executions_stalled()["count"] == 1

    external = approved(api, "crm", due_minutes_ago=30)
    assert executions_stalled()["count"] == 2
    CrmObjectRule.objects.filter(crm_object=external.crm_object).update(executor=CrmObjectRule.Executor.EXTERNAL)
    # Both are Contacts: an external integration executes them, nothing here is stuck.
    assert executions_stalled()["count"] == 0


def test_health_answers_503_naming_the_broker_when_it_does_not_answer(client, monkeypatch) -> None:
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery prefers the variable to its settings
    monkeypatch.setitem(app.conf, "broker_url", unreachable)
    monkeypatch.setitem(app.conf, "broker_write_url", None)
    monkeypatch.setitem(app.conf, "broker_read_url", None)

    response = client.get("/health/")
    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["healthy"] is False and report["database"]["ok"] is True
    assert report["broker"] == {"ok": False, "problem": "the broker does not answer", "details": {"transport": "redis"}}
    # Which queues have a consumer cannot be known without the broker: said so, not guessed.
    assert report["queues"]["ok"] is None and report["queues"]["details"]["without_consumer"] == "unknown"
    assert report["problems"] == ["the broker does not answer"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_takes_get_only(client) -> None:
    assert client.post("/health/").status_code == 405


def test_the_dashboard_reuses_a_recent_queue_report_and_health_always_asks(monkeypatch) -> None:
    """A dashboard load must not wait for worker replies each time: it reuses the last report (at most
    QUEUES_REPORT_CACHE_SECONDS old); GET /health/ asks the workers afresh and refreshes that report."""
    from django.core.cache import cache

    from reviews.services import health

    cache.delete(health.QUEUES_REPORT_CACHE_KEY)
    asked = []

    def probe(**kwargs):
        asked.append(1)
        return health.Probe(False, f"no worker consumes executions ({len(asked)})", {"without_consumer": ["executions"]})

    monkeypatch.setattr(health, "queues_probe", probe)
    monkeypatch.setattr(health, "broker_probe", lambda: health.Probe(True))
    first = health.system_health(fresh=False)
    again = health.system_health(fresh=False)
    assert len(asked) == 1 and first["queues"] == again["queues"]
    health.system_health()  # what GET /health/ runs
    assert len(asked) == 2
    assert health.system_health(fresh=False)["queues"]["problem"] == "no worker consumes executions (2)"


def test_health_says_since_when_the_salesforce_login_fails_and_what_to_fix(client, settings) -> None:
    """A refused session (401 INVALID_SESSION_ID, "The session ID or OAuth token used has expired or
    is invalid", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm)
    recorded by a push pauses every push; /health/ reports it from that record, without calling
    Salesforce, and without Salesforce's own words (the endpoint answers anyone)."""
    from integrations.salesforce.errors import SalesforceAuthenticationError
    from integrations.salesforce.pauses import crm_pause_clear, crm_pause_record

    settings.SALESFORCE_INSTANCE_URL, settings.SALESFORCE_SESSION_ID = "https://org.invalid", "00Dx!secret"
    crm_pause_clear()
    assert "salesforce" not in " ".join(json.loads(client.get("/health/").content)["problems"]).lower()
    state = crm_pause_record(SalesforceAuthenticationError("session 00Dx!secret rejected",
                                                           error_code="INVALID_SESSION_ID"), "login")
    try:
        response = client.get("/health/")
    finally:
        crm_pause_clear()

    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["salesforce"]["ok"] is False
    assert report["salesforce"]["details"]["reason"] == "login"
    assert any(problem.startswith(f"Salesforce login failing since {state['since']}") and "SALESFORCE_SESSION_ID"
               in problem for problem in report["problems"])
    assert "00Dx!secret" not in response.content.decode()
