"""Redis stopped for a while, and restarted empty, while agents submit and a reviewer approves.

Real processes throughout: gunicorn serving the API and the console, a Celery worker, a redis-server
of this test alone (no persistence, so the restart loses whatever was queued), the Salesforce
emulator and an SMTP server.

Guards:
- ``publish`` swallowing broker errors after commit (reviews/services/queueing.py): without it every
  submission and approval during the outage answers 500 although it was committed;
- the sweeper (reviews/services/sweeping.py): without it the records submitted or approved while the
  broker was down wait forever (``checking`` / ``approved``) because their messages never existed;
The final state of every record and every side effect (CRM writes, emails) is asserted: each
written or sent exactly once. (That work enqueued twice is done once, as a sweep over work still
queued would cause, is proven where a task is delivered three times:
tests/integration/salesforce_push/test_worker.py and tests/mail/test_worker.py.)
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
import requests
from celery import Celery
from django.conf import settings

from reviews.models import AuditEvent, Proposal
from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer
from tests.support import wait_for

from .conftest import agent_session, console_decide, console_login

pytestmark = [pytest.mark.integration, pytest.mark.redis_only, pytest.mark.django_db(transaction=True)]

TERMINAL = {"done", "failed", "conflict", "blocked", "rejected"}


def send_sweep(broker_url: str) -> None:
    """What celery beat does every minute: publish the sweeper task (to the checks queue)."""
    beat = Celery("beat", set_as_current=False)  # the test process's own tasks keep their app
    beat.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS  # this run's key prefix
    # An explicit connection: Celery prefers the CELERY_BROKER_URL environment variable to any URL given.
    with beat.connection_for_write(broker_url) as connection:
        beat.send_task("reviews.tasks.sweep_task", queue="checks", connection=connection)


def statuses(records: list[dict[str, Any]]) -> list[str]:
    found = dict(Proposal.objects.filter(pk__in=[r["id"] for r in records]).values_list("pk", "status"))
    return [found[r["id"]] for r in records]


def test_nothing_submitted_or_approved_during_a_broker_outage_is_lost_or_doubled(
        private_redis, salesforce, smtp_sink, web_factory, worker_factory, writes) -> None:
    allow_crm_objects()
    policy("*", mode="always_review")
    reviewer("rita")
    _, token = agent_with_token("sdr-bot")
    contacts = [salesforce.create("Contact", {"FirstName": "Ada", "LastName": f"Person {n}", "Title": "Engineer",
                                              "Email": f"person{n}@contoso.example", "HasOptedOutOfEmail": False})
                for n in range(4)]
    env = {**salesforce.env, "CELERY_BROKER_URL": private_redis.url, "EMAIL_HOST": smtp_sink.host,
           "EMAIL_PORT": str(smtp_sink.port), "HITLCRM_SWEEP_CHECKING_AFTER_SECONDS": "0"}
    worker = worker_factory(env)
    web = web_factory(env)
    smtp_sink.clear()
    agent = agent_session(token)

    def submit(n: int) -> dict[str, Any]:
        """Even numbers: a CRM change of Contact n; odd: an email draft to them."""
        contact = contacts[n]
        if n % 2 == 0:
            path, body = "crm-changes", {"kind": "update", "crm_object": "Contact", "crm_id": contact,
                                         "fields": {"Title": f"VP {n}"}, "confidence": 0.9, "task_type": "contact_update"}
        else:
            path, body = "email-drafts", {"to": [f"person{n}@contoso.example"], "subject": f"Idea {n} for Contoso",
                                          "body": "Hi Ada,\n\nContoso's new Berlin office caught my eye.\n\nBest,\nSam",
                                          "crm_object": "Contact", "crm_id": contact, "company_name": "Contoso",
                                          "confidence": 0.9, "task_type": "cold_email"}
        response = agent.post(f"{web.url}/api/v1/{path}/", json=body, timeout=60, headers={"Idempotency-Key": f"k{n}"})
        assert response.status_code == 201, response.text
        return response.json()

    # The broker is up: two submissions go through their checks.
    early = [submit(0), submit(1)]
    wait_for(lambda: statuses(early) == ["needs_review"] * 2, timeout=60, what="the checks of the first two")

    # The broker goes away. Agents still submit, the reviewer still approves; the API and the console answer.
    private_redis.stop()
    late = [submit(2), submit(3)]
    assert [record["status"] for record in late] == ["checking"] * 2
    rita = console_login(web.url, "rita")
    for record in early:
        response = console_decide(rita, record["review_url"])
        assert response.status_code == 200, response.text[:500]
    assert statuses(early) == ["approved"] * 2 and statuses(late) == ["checking"] * 2
    detail = agent.get(f"{web.url}/api/v1/email-drafts/{early[1]['id']}/", timeout=60)
    assert detail.status_code == 200 and detail.json()["status"] == "approved"

    # The broker is back, empty: the approvals' and submissions' messages never reached it, so with
    # the worker connected again nothing moves...
    private_redis.start()
    wait_for(lambda: worker.log_path.read_text(errors="replace").count("Connected to redis") >= 2, timeout=60,
             what="the worker to reconnect")
    threading.Event().wait(2)
    assert statuses(early) == ["approved"] * 2 and statuses(late) == ["checking"] * 2
    # ...until the sweeper's next run finds the work the database says is due.
    send_sweep(private_redis.url)
    wait_for(lambda: statuses(early) == ["done"] * 2 and statuses(late) == ["needs_review"] * 2, timeout=90,
             what="the sweeper to bring the lost work back")
    for record in late:
        response = console_decide(rita, record["review_url"])
        assert response.status_code == 200, response.text[:500]
    records = early + late
    wait_for(lambda: all(status in TERMINAL for status in statuses(records)), timeout=60, what="every execution")

    # Final state: every record done once, the CRM and the mailbox hold exactly what was approved.
    assert statuses(records) == ["done"] * 4
    assert {contacts[n]: salesforce.get("Contact", contacts[n])["Title"] for n in (0, 2)} == {
        contacts[0]: "VP 0", contacts[2]: "VP 2"}
    assert dict(writes) == {contacts[0]: 1, contacts[2]: 1}
    sent = wait_for(lambda: len(smtp_sink.received()) >= 2 and smtp_sink.received(), timeout=10)
    assert sorted(message["rcpt"][0] for message in sent) == ["person1@contoso.example", "person3@contoso.example"]
    assert sorted(message["message"]["Message-ID"] for message in sent) == sorted(
        f"<hitlcrm-proposal-{record['id']}@hitlcrm.example>" for record in (early[1], late[1]))
    ids = [record["id"] for record in records]
    for action in ("submitted", "executed"):
        counted = Counter(AuditEvent.objects.filter(proposal_id_ref__in=ids, action=action)
                          .values_list("proposal_id_ref", flat=True))
        assert counted == dict.fromkeys(ids, 1), action
    assert requests.get(f"{web.url}/admin/login/", timeout=30).status_code == 200
