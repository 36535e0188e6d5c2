"""The processes as SPEC runs them: ``celery -A hitlcrm worker``, no ``-Q``, consumes every queue the
project publishes to, and executes what a reviewer approved; a worker narrowed with ``-Q`` leaves
the other queues alone, and ``GET /health/`` and the console's dashboard say which queue has no
consumer and which approvals are not executing.

Real processes: a Celery worker, the Salesforce emulator over HTTPS, an SMTP server.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.health import queues_probe
from reviews.services.sweeping import sweep
from tests.factories import reviewer
from tests.reviews.conftest import crm_payload, email_payload
from tests.support import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def contact(salesforce: Any) -> str:
    return salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Title": "Engineer",
                                         "Email": "ada@contoso.example", "HasOptedOutOfEmail": False})


def worker_env(salesforce: Any, smtp_sink: Any) -> dict[str, str]:
    return {**salesforce.env, "EMAIL_HOST": smtp_sink.host, "EMAIL_PORT": str(smtp_sink.port)}


def status(proposal_id: int) -> str:
    return Proposal.objects.values_list("status", flat=True).get(pk=proposal_id)


def submit_and_approve(api: Any, contact_id: str) -> list[int]:
    """An email draft and a CRM change, checked by the worker, then approved by a reviewer."""
    ids = []
    for path, payload in (("email-drafts", email_payload(crm_id=contact_id)),
                          ("crm-changes", crm_payload(crm_id=contact_id, fields={"Title": "CTO"},
                                                      field_confidence={"Title": 0.97}))):
        response = api.post(f"/api/v1/{path}/", payload, format="json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    for proposal_id in ids:
        wait_for(lambda p=proposal_id: status(p) == "needs_review", timeout=60, what=f"the checks of {proposal_id}")
    rita = reviewer("rita")
    for proposal_id in ids:
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    return ids


def test_a_plain_worker_consumes_every_queue_and_executes_an_approved_email_and_crm_change(
        api, salesforce, smtp_sink, worker_factory) -> None:
    contact_id = contact(salesforce)
    worker = worker_factory(worker_env(salesforce, smtp_sink))
    assert "-Q" not in worker.process.args  # started as SPEC says
    smtp_sink.clear()

    consumers = queues_probe()
    assert consumers.ok is True and consumers.details["without_consumer"] == []
    assert consumers.details["queues"] == ["checks", "executions"]

    email_id, change_id = submit_and_approve(api, contact_id)
    for proposal_id in (email_id, change_id):
        wait_for(lambda p=proposal_id: status(p) == "done", timeout=60, what=f"the execution of {proposal_id}")
    assert salesforce.get("Contact", contact_id)["Title"] == "CTO"
    sent = wait_for(smtp_sink.received, timeout=10, what="the email at the SMTP server")
    assert [message["rcpt"] for message in sent] == [["ada@contoso.example"]]
    assert sent[0]["message"]["Message-ID"] == f"<hitlcrm-proposal-{email_id}@hitlcrm.example>"


def test_a_worker_narrowed_to_checks_leaves_approvals_waiting_and_health_and_dashboard_say_so(
        api, client, salesforce, smtp_sink, worker_factory, settings) -> None:
    settings.HITLCRM_HEALTH_STALLED_AFTER_MINUTES = 0  # due at once is "not executing" for this test
    contact_id = contact(salesforce)
    env = worker_env(salesforce, smtp_sink)
    worker_factory(env, queues=("checks",))
    ids = submit_and_approve(api, contact_id)  # the checks queue has its worker

    threading.Event().wait(3)  # an executions worker would have claimed them by now
    assert [status(proposal_id) for proposal_id in ids] == ["approved", "approved"]
    response = client.get("/health/")
    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["healthy"] is False
    assert report["queues"]["details"]["without_consumer"] == ["executions"]
    assert report["executions"]["details"]["count"] == 2
    assert report["database"]["ok"] is True and report["broker"]["ok"] is True
    assert report["problems"] == ["2 approved item(s) not executing after 0 minute(s)", "no worker consumes executions"]
    # The endpoint answers anyone: no host, URL, path or credential in it.
    body = response.content.decode()
    assert "127.0.0.1" not in body and "://" not in body and str(settings.DATABASES["default"]["NAME"]) not in body

    client.force_login(reviewer("ada", role="admin"))
    page = client.get("/admin/hitlcrm_reviews/proposal/dashboard/").content.decode()
    section = page[page.index('id="health"'):page.index('id="queues"')]
    assert "No worker consumes executions." in section
    assert "2 approved item(s) not executing after 0 minute(s)." in section

    # A plain worker: the executions queue gets its consumer; the sweeper's next run (beat, every
    # minute) publishes the due approvals again (the fixture purged the queues), and they go out.
    worker_factory(env)
    sweep()
    for proposal_id in ids:
        wait_for(lambda p=proposal_id: status(p) == "done", timeout=60, what=f"the execution of {proposal_id}")
    response = client.get("/health/")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["problems"] == []
