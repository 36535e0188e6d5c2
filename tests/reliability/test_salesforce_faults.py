"""Salesforce misbehaving for a stretch: 503s and locked rows while approved changes are pushed by a
real worker.

Guards the retry of transient errors (``SalesforceTransientError``: the execution task retries with
the backoff the executions record, and the retry chain goes on until no change waits;
reviews/tasks.py and reviews/services/execution.py). Without it the changes would end ``failed`` at
the first 503 or stay ``executing``. The test asserts every record ends ``done``, written once.
(These faults answer before anything is written, so a retried push never meets a write that already
landed; that case, where the push's comparison of current values prevents a second write, is proven
by the worker killed mid-push: tests/integration/salesforce_push/test_worker.py.)
"""

from __future__ import annotations

from collections import Counter

import pytest

from reviews.models import AuditEvent, Execution, ExecutionAttempt, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from tests.reviews.conftest import crm_payload
from tests.support import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAST_RETRIES = {"SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS": "0.2", "SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS": "1"}


def test_changes_approved_while_salesforce_fails_are_written_once_after_the_stretch(
        api, rita, salesforce, writes, worker_factory, broker) -> None:
    titles = {salesforce.create("Contact", {"LastName": f"Person {n}", "Title": "Engineer"}): f"VP {n}"
              for n in range(4)}
    proposals = []
    for contact_id, title in titles.items():
        response = api.post("/api/v1/crm-changes/", crm_payload(crm_id=contact_id, fields={"Title": title},
                                                                field_confidence={"Title": 0.9}), format="json")
        assert response.status_code == 201, response.content
        proposals.append(response.json()["id"])
        proposal_run_checks(proposal_id=proposals[-1])
    worker = worker_factory({**salesforce.env, **FAST_RETRIES})

    # The stretch: the next three requests (reads and writes alike) answer 503, then rows are locked.
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=3)
    salesforce.inject_record_error("UNABLE_TO_LOCK_ROW", count=3)
    for proposal_id in proposals:
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")

    def settled() -> bool:
        return all(status in {"done", "failed", "conflict"}
                   for status in Proposal.objects.filter(pk__in=proposals).values_list("status", flat=True))

    wait_for(settled, timeout=120, what=lambda: "every change to finish: " + str(dict(
        Execution.objects.filter(proposal_id__in=proposals).values_list("proposal_id", "state")))
        + f"; worker log:\n{worker.log_tail(120)}")
    assert set(Proposal.objects.filter(pk__in=proposals).values_list("status", flat=True)) == {"done"}
    assert salesforce.state()["faults"] == [], "the stretch of faults was not used up"
    for contact_id, title in titles.items():
        assert salesforce.get("Contact", contact_id)["Title"] == title
    assert dict(writes) == {contact_id: 1 for contact_id in titles}, "a record was written twice (or not at all)"

    # The execution log shows the failed attempts; the audit trail one execution per record.
    assert ExecutionAttempt.objects.filter(proposal_id__in=proposals, outcome="retry").count() >= 3
    assert ExecutionAttempt.objects.filter(proposal_id__in=proposals, outcome="written").count() == len(proposals)
    assert max(Execution.objects.filter(proposal_id__in=proposals).values_list("attempts", flat=True)) > 1
    executed = Counter(AuditEvent.objects.filter(proposal_id_ref__in=proposals, action="executed")
                       .values_list("proposal_id_ref", flat=True))
    assert executed == {proposal_id: 1 for proposal_id in proposals}
