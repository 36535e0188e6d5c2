"""Idempotency-Key: a retry returns the original record; another body with the same key is a 409."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from reviews.models import AuditEvent, Proposal
from reviews.services.actors import Actor
from reviews.services.submission import Submission, proposals_submit

from .conftest import crm_payload, email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "payload"), [("email-drafts", email_payload), ("crm-changes", crm_payload)])
def test_a_retry_with_the_same_key_and_body_returns_the_original(api, path, payload) -> None:
    first = api.post(f"/api/v1/{path}/", payload(), format="json", HTTP_IDEMPOTENCY_KEY="run-7/item-1")
    assert first.status_code == 201
    with nothing_left_behind():
        again = api.post(f"/api/v1/{path}/", payload(), format="json", HTTP_IDEMPOTENCY_KEY="run-7/item-1")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Proposal.objects.count() == 1
    assert AuditEvent.objects.filter(action="submitted").count() == 1


def test_the_same_key_with_another_body_is_a_409(api) -> None:
    first = api.post("/api/v1/email-drafts/", email_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1").json()
    with nothing_left_behind():
        response = api.post("/api/v1/email-drafts/", email_payload(subject="Another idea"), format="json",
                            HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_conflict"
    assert response.json()["existing_id"] == first["id"]


def test_keys_belong_to_one_agent(api, other_api) -> None:
    mine = api.post("/api/v1/email-drafts/", email_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    theirs = other_api.post("/api/v1/email-drafts/", email_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_key_is_matched_across_resources_by_its_body(api) -> None:
    api.post("/api/v1/email-drafts/", email_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    response = api.post("/api/v1/crm-changes/", crm_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409


@pytest.mark.parametrize("key", ["x" * 201, "tab\there"])
def test_a_bad_key_is_a_400_naming_the_header(api, key) -> None:
    with nothing_left_behind():
        response = api.post("/api/v1/email-drafts/", email_payload(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]


def test_the_database_refuses_a_second_record_with_the_same_key(agent) -> None:
    """What makes concurrent retries safe on every backend: the unique constraint, not the read."""
    client = agent[0]
    actor = Actor.for_client(client)
    (first,) = proposals_submit(client=client, kind="email_draft", actor=actor,
                                submissions=[Submission({"to": ["a@b.example"], "subject": "s", "body": "b"},
                                                        {"subject": "s"}, "k1")])
    duplicate = Proposal.objects.get(pk=first.proposal.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_submission_that_loses_the_insert_race_returns_the_winner(agent, monkeypatch) -> None:
    """The read before the insert misses a concurrent winner (simulated by hiding it from the first
    read): the insert hits the constraint, the transaction rolls back, the retry finds the winner."""
    from reviews.services import submission

    client = agent[0]
    actor = Actor.for_client(client)
    item = Submission({"to": ["a@b.example"], "subject": "s", "body": "b"}, {"subject": "s"}, "race")
    (winner,) = proposals_submit(client=client, kind="email_draft", submissions=[item], actor=actor)

    real_filter = Proposal.objects.filter
    reads = []

    def first_read_misses(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if "idempotency_key__in" in kwargs:
            reads.append(1)
            if len(reads) == 1:
                return queryset.none()
        return queryset

    monkeypatch.setattr(submission.Proposal.objects, "filter", first_read_misses)
    (outcome,) = proposals_submit(client=client, kind="email_draft", submissions=[item], actor=actor)
    assert len(reads) == 2
    assert outcome.proposal.pk == winner.proposal.pk and not outcome.created
    assert Proposal.objects.count() == 1
