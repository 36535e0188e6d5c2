"""Bulk submission: every item validated, valid ones stored together, one result per item."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reviews.api.serializers import MAX_BULK_ITEMS
from reviews.models import AuditEvent, CrmFieldChange, Proposal
from reviews.services.audit import chain_verify
from reviews.services.checking import proposal_run_checks

from .conftest import crm_payload, email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db


def bulk(api, path: str, items: list, **headers: str):
    return api.post(f"/api/v1/{path}/bulk/", {"items": items}, format="json", **headers)


def test_valid_items_are_stored_and_invalid_ones_listed_with_their_errors(api) -> None:
    items = [crm_payload(external_ref="a"), crm_payload(fields={"Secret__c": 1}), crm_payload(external_ref="c"),
             "not an object"]
    response = bulk(api, "crm-changes", items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["invalid"], body["existing"], body["conflict"]) == (2, 2, 0, 0)
    results = body["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["result"] for r in results] == ["created", "invalid", "created", "invalid"]
    assert "fields.Secret__c" in results[1]["errors"]
    assert "non_field_errors" in results[3]["errors"]
    assert results[0]["status"] == "checking" and f"/{results[0]['id']}/review/" in results[0]["review_url"]
    stored = Proposal.objects.order_by("pk")
    assert [p.external_ref for p in stored] == ["a", "c"]
    assert [p.pk for p in stored] == [results[0]["id"], results[2]["id"]]
    assert CrmFieldChange.objects.count() == 4
    assert AuditEvent.objects.filter(action="submitted").count() == 2
    assert Proposal.history.filter(history_change_reason="submitted").count() == 2
    assert chain_verify().ok


def test_an_email_bulk_works_the_same_way(api) -> None:
    response = bulk(api, "email-drafts", [email_payload(), email_payload(to=["nobody"])])
    assert [r["result"] for r in response.json()["results"]] == ["created", "invalid"]
    assert "to" in response.json()["results"][1]["errors"]


def test_per_item_idempotency_keys_replay_and_conflict(api) -> None:
    first = bulk(api, "email-drafts", [{**email_payload(), "idempotency_key": "i1"}]).json()["results"][0]
    proposal_run_checks(proposal_id=first["id"])  # the record moves on; a replay reports where it is now
    items = [
        {**email_payload(), "idempotency_key": "i1"},  # a replay of the earlier request
        {**email_payload(subject="Other"), "idempotency_key": "i1"},  # same key, other body
        {**email_payload(subject="New"), "idempotency_key": "i2"},
        {**email_payload(subject="New"), "idempotency_key": "i2"},  # repeated within the batch
    ]
    results = bulk(api, "email-drafts", items).json()["results"]
    assert [r["result"] for r in results] == ["existing", "conflict", "created", "existing"]
    assert results[0]["id"] == results[1]["id"] == first["id"]
    assert results[0]["status"] == "needs_review" and results[2]["status"] == results[3]["status"] == "checking"
    assert results[2]["id"] == results[3]["id"]
    assert "idempotency_key" in results[1]["errors"]
    assert Proposal.objects.count() == 2


def test_a_single_submission_and_a_bulk_item_share_keys(api) -> None:
    single = api.post("/api/v1/email-drafts/", email_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k").json()
    (result,) = bulk(api, "email-drafts", [{**email_payload(), "idempotency_key": "k"}]).json()["results"]
    assert result == {**result, "result": "existing", "id": single["id"]}


@pytest.mark.parametrize(("body", "field"), [
    ({"items": []}, "items"),
    ({"items": {"to": []}}, "items"),
    ({}, "items"),
    ({"items": [email_payload()], "dry_run": True}, "dry_run"),
    ({"items": [email_payload()] * (MAX_BULK_ITEMS + 1)}, "items"),
])
def test_a_bad_envelope_is_a_400_and_stores_nothing(api, body, field) -> None:
    with nothing_left_behind():
        response = api.post("/api/v1/email-drafts/bulk/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_idempotency_header_is_refused_on_bulk(api) -> None:
    with nothing_left_behind():
        response = bulk(api, "email-drafts", [email_payload()], HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]


def test_when_every_item_is_invalid_nothing_is_stored(api) -> None:
    with nothing_left_behind():
        response = bulk(api, "email-drafts", [email_payload(to=[]), email_payload(confidence=3)])
    assert response.status_code == 200
    assert response.json()["invalid"] == 2


def test_bulk_has_its_own_body_cap(api) -> None:
    items = [email_payload(body="x" * 1000) for _ in range(5)]
    # Neither the single-submission cap nor Django's in-memory body limit applies to bulk bodies.
    with override_settings(HITLCRM_MAX_BODY_BYTES=2000, HITLCRM_BULK_MAX_BODY_BYTES=100_000,
                           DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        assert bulk(api, "email-drafts", items).status_code == 200
    with override_settings(HITLCRM_BULK_MAX_BODY_BYTES=4000), nothing_left_behind():
        response = bulk(api, "email-drafts", items)
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


def test_only_agents_submit_in_bulk(integration_api) -> None:
    with nothing_left_behind():
        assert bulk(integration_api, "crm-changes", [crm_payload()]).status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_items(api) -> None:
    def queries(count: int) -> int:
        items = [crm_payload(external_ref=f"{count}-{n}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert bulk(api, "crm-changes", items).json()["created"] == count
        return len(captured)

    queries(2)  # warm up what is looked up once per process
    # (20 items still fit one INSERT per table within SQLite's 999 parameters.)
    assert queries(20) == queries(5)


def test_exactly_the_maximum_number_of_items_is_accepted(api) -> None:
    assert MAX_BULK_ITEMS == 500  # the documented limit (README, SPEC, the schema)
    items = [crm_payload(external_ref=f"max-{n}") for n in range(MAX_BULK_ITEMS)]
    response = bulk(api, "crm-changes", items)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert (body["created"], body["invalid"]) == (MAX_BULK_ITEMS, 0)
    assert [r["index"] for r in body["results"]] == list(range(MAX_BULK_ITEMS))
    assert Proposal.objects.count() == MAX_BULK_ITEMS
    assert CrmFieldChange.objects.count() == 2 * MAX_BULK_ITEMS
    assert AuditEvent.objects.filter(action="submitted").count() == MAX_BULK_ITEMS


@pytest.mark.parametrize("failing_table", ["reviews_historicalproposal", "reviews_crmfieldchange", "reviews_auditevent"])
def test_a_database_failure_part_way_through_stores_nothing_and_says_so(api, failing_table) -> None:
    """The records are inserted (proposals first), then a later insert of the same submission fails
    (the database went away, the disk filled): the transaction rolls back every row already written,
    and the agent gets a JSON error it can act on, not an HTML error page."""
    seen: list[str] = []

    def fail_after_the_proposals(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            table = sql.split()[2].strip('"`')
            seen.append(table)
            if table == failing_table and "reviews_proposal" in seen:
                raise OperationalError("injected: disk I/O error")
        return execute(sql, params, many, context)

    items = [crm_payload(external_ref=f"part-{n}") for n in range(5)] + [crm_payload(fields={"Secret__c": 1})]
    with nothing_left_behind(), connection.execute_wrapper(fail_after_the_proposals):
        response = bulk(api, "crm-changes", items)
    assert seen.index("reviews_proposal") < seen.index(failing_table, seen.index("reviews_proposal"))  # part-way
    assert response.status_code == 503, response.content
    assert response["Retry-After"]
    body = response.json()
    assert body["error"] == "database_unavailable"
    assert "nothing was stored" in body["detail"] and "injected" not in body["detail"]
    assert not Proposal.objects.filter(external_ref__startswith="part-").exists()

    # The same request once the database is back stores every valid item.
    retried = bulk(api, "crm-changes", items).json()
    assert (retried["created"], retried["invalid"]) == (5, 1)
