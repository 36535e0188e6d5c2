"""Requests that arrive at the same instant: two reviewers deciding one item, one reviewer's double
click on a four-eyes item, and 50 retries of one submission with the same Idempotency-Key.

Guards:
- the row lock every decision takes (``proposal_lock``: ``SELECT ... FOR NO KEY UPDATE`` on PostgreSQL, an
  IMMEDIATE transaction on SQLite) with the status re-checked under it: without it both reviewers
  read ``needs_review`` and both decisions are stored;
- the database constraint "one live approval per person" (reviews/models/decisions.py): the two
  approvals of a four-eyes item come from two people even when one person's clicks race;
- the unique (agent, Idempotency-Key) constraint with the replay after a lost insert race
  (reviews/services/submission.py): without it concurrent retries create several records.
Threads meet at a barrier, each with its own database connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.db import connection

from reviews.models import AuditEvent, Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import DecisionRefused, proposal_decide
from tests.console.conftest import queued
from tests.factories import reviewer
from tests.reviews.conftest import email_payload

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each returns its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def decide(user: Any, proposal_id: int, action: str, **extra: Any) -> Callable[[], Proposal]:
    return lambda: proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(user), action=action, **extra)


def test_two_reviewers_deciding_one_item_at_the_same_instant_one_wins(api, rita) -> None:
    ruth = reviewer("ruth")
    for proposal in queued(api, 5):
        approve, reject = at_once(decide(rita, proposal.pk, "approve"),
                                  decide(ruth, proposal.pk, "reject", reason_code="tone"))
        outcomes = [result for result in (approve, reject) if isinstance(result, Proposal)]
        refusals = [result for result in (approve, reject) if isinstance(result, DecisionRefused)]
        assert len(outcomes) == 1 and len(refusals) == 1, (approve, reject)
        proposal.refresh_from_db()
        (decision,) = Decision.objects.filter(proposal=proposal)
        assert proposal.status == outcomes[0].status == ("approved" if decision.reviewer == rita else "rejected")
        assert f"already {proposal.status} by {decision.reviewer.username}; nothing changed" in str(refusals[0])
        decided = AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action__in=["approved", "rejected"])
        assert decided.count() == 1


def test_one_reviewers_double_click_on_a_four_eyes_item_is_one_approval(api, rita) -> None:
    sam = reviewer("sam", role="senior_reviewer")
    for proposal in queued(api, 3):
        Proposal.objects.filter(pk=proposal.pk).update(required_approvals=2)
        first, second = at_once(decide(rita, proposal.pk, "approve"), decide(rita, proposal.pk, "approve"))
        assert sum(isinstance(result, DecisionRefused) for result in (first, second)) == 1, (first, second)
        assert Decision.objects.filter(proposal=proposal, revoked_at__isnull=True).count() == 1
        assert Proposal.objects.get(pk=proposal.pk).status == "needs_review"
        decide(sam, proposal.pk, "approve")()  # the second pair of eyes completes it
        assert Proposal.objects.get(pk=proposal.pk).status == "approved"
        assert set(Decision.objects.filter(proposal=proposal).values_list("reviewer__username", flat=True)) == {
            "rita", "sam"}


@pytest.mark.postgres_only
def test_fifty_concurrent_retries_with_one_idempotency_key_make_one_record(web_factory, agent) -> None:
    # gunicorn with 2 × 25 threads: the 50 requests really are in the database at the same time.
    web = web_factory({"CELERY_BROKER_URL": "memory://"}, threads=25)

    def retry() -> tuple[int, Any]:
        with requests.Session() as session:
            response = session.post(f"{web.url}/api/v1/email-drafts/", json=email_payload(), timeout=120,
                                    headers={"Authorization": f"Token {agent[1]}", "Idempotency-Key": "storm-50"})
            return response.status_code, response.json().get("id")

    answers = at_once(*[retry] * 50)
    assert not [answer for answer in answers if isinstance(answer, Exception)], answers
    record = Proposal.objects.get()
    assert sorted(status for status, _ in answers) == [200] * 49 + [201]
    assert {proposal_id for _, proposal_id in answers} == {record.pk}
    assert AuditEvent.objects.filter(action="submitted").count() == 1
    assert record.history.count() == 1
