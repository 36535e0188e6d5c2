"""A committed submission or approval whose task cannot be published, for any reason, still answers
as committed, and the sweeper enqueues its work later (reviews/services/queueing.py).

Not only a refused connection (tests/reliability/test_broker_outage.py): a transport that cannot
be loaded, an error raised while the message is built. The error is injected below Celery's
publish retries; the worker that runs the swept work is a real process.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from kombu.messaging import Producer

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.sweeping import sweep
from tests.factories import reviewer
from tests.reviews.conftest import email_payload
from tests.support import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def status(proposal_id: int) -> str:
    return Proposal.objects.values_list("status", flat=True).get(pk=proposal_id)


# Errors kombu does not translate into its own OperationalError (which a broker outage raises, and
# which was handled before): they reached the request as a 500 although the change was committed.
@pytest.mark.parametrize("error", [
    # What `pip install hitlcrm` without `packaging` raised on Redis, from kombu's Redis transport.
    ModuleNotFoundError("No module named 'packaging'"),
    ValueError("Circular reference detected"),  # raised while the message is built
], ids=["missing-module", "value-error"])
def test_a_submission_and_an_approval_whose_task_cannot_be_published_are_kept_and_swept_later(
        error, api, salesforce, smtp_sink, worker_factory, monkeypatch, caplog) -> None:
    contact_id = salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@contoso.example",
                                               "HasOptedOutOfEmail": False})
    worker_factory({**salesforce.env, "EMAIL_HOST": smtp_sink.host, "EMAIL_PORT": str(smtp_sink.port)})
    smtp_sink.clear()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise error

    # Below Celery's publish retries (kombu's Producer._publish runs inside connection.ensure).
    monkeypatch.setattr(Producer, "_publish", refuse)
    with caplog.at_level(logging.WARNING, logger="reviews.services.queueing"):
        response = api.post("/api/v1/email-drafts/", email_payload(crm_id=contact_id), format="json")
    assert response.status_code == 201, response.content
    proposal_id = response.json()["id"]
    assert response.json()["status"] == "checking"
    assert f"could not enqueue reviews.tasks.proposals_run_checks_task([{proposal_id}],)" in caplog.text
    assert type(error).__name__ in caplog.text

    monkeypatch.undo()  # the broker takes messages again: the sweeper's next run enqueues the checks
    assert sweep(checking_older_than=timedelta(0))["checks"] == 1
    wait_for(lambda: status(proposal_id) == "needs_review", timeout=60, what="the swept checks")

    monkeypatch.setattr(Producer, "_publish", refuse)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(reviewer("rita")), action="approve")
    assert status(proposal_id) == "approved"
    monkeypatch.undo()
    assert sweep()["executions"] == 1
    wait_for(lambda: status(proposal_id) == "done", timeout=60, what="the swept execution")
    assert [message["rcpt"] for message in smtp_sink.received()] == [["ada@contoso.example"]]
