"""Create, retrieve, list and withdraw, for both resources, through DRF's test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import DecisionRefused, proposal_decide
from reviews.state_machine import Status

from .conftest import CONTACT_ID, crm_payload, email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db

RESOURCES = [("email-drafts", email_payload), ("crm-changes", crm_payload)]


def post(api: APIClient, path: str, payload: dict, **headers: str):
    return api.post(f"/api/v1/{path}/", payload, format="json", **headers)


@pytest.mark.parametrize(("path", "payload"), RESOURCES)
def test_create_returns_the_record_and_retrieve_adds_final_and_execution(api, path, payload) -> None:
    response = post(api, path, payload())
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["status"] == "checking"
    assert record["checks"] == [] and record["decision"] is None
    assert record["review_url"].startswith("http") and f"/{record['id']}/review/" in record["review_url"]
    assert record["original"] == payload()

    detail = api.get(f"/api/v1/{path}/{record['id']}/").json()
    assert detail["id"] == record["id"]
    assert detail["final"] is None and detail["execution"] is None
    if path == "crm-changes":
        assert [f["field"] for f in detail["fields"]] == ["Title", "Department"]


def test_a_crm_change_stores_one_row_per_field(api) -> None:
    record = post(api, "crm-changes", crm_payload()).json()
    proposal = Proposal.objects.get(pk=record["id"])
    assert {c.field: (c.proposed_value, c.confidence) for c in proposal.field_changes.all()} == {
        "Title": ("VP Sales", 0.97), "Department": ("Sales", 0.95)}
    assert proposal.history.get().history_change_reason == "submitted"


def test_crm_evidence_may_name_the_fields_it_backs_in_salesforces_case_insensitive_way(api) -> None:
    evidence = [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "VP Sales at Contoso",
                 "fields": ["TITLE", "title"]},
                {"source": "org chart", "quote": "Ada, sales team", "fields": ["department"]},
                {"source": "press release", "quote": "Ada joined Contoso"}]  # old style: still accepted
    response = post(api, "crm-changes", crm_payload(evidence=evidence))
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get(pk=response.json()["id"])
    # Stored in the proposed fields' spelling, each once; the submission itself is kept as sent.
    assert [item.get("fields") for item in proposal.evidence] == [["Title"], ["Department"], None]
    assert response.json()["original"]["evidence"] == evidence


def test_a_bulk_item_whose_evidence_names_a_field_not_proposed_is_invalid_alone(api) -> None:
    bad = crm_payload(evidence=[{"source": "web", "quote": "VP Sales", "fields": ["Phone"]}])
    results = api.post("/api/v1/crm-changes/bulk/", {"items": [crm_payload(), bad]}, format="json").json()["results"]
    assert [r["result"] for r in results] == ["created", "invalid"]
    assert "evidence.0.fields" in results[1]["errors"]


def test_a_15_character_id_is_stored_in_its_18_character_form(api) -> None:
    record = post(api, "crm-changes", crm_payload(crm_id=CONTACT_ID[:15])).json()
    assert record["crm_id"] == CONTACT_ID
    assert record["original"]["crm_id"] == CONTACT_ID[:15]  # the submission itself is kept as sent


@pytest.mark.parametrize(("path", "payload"), RESOURCES)
def test_an_agent_sees_only_its_own_records(api, other_api, path, payload) -> None:
    mine = post(api, path, payload()).json()["id"]
    theirs = post(other_api, path, payload()).json()["id"]
    assert [r["id"] for r in api.get(f"/api/v1/{path}/").json()["results"]] == [mine]
    assert api.get(f"/api/v1/{path}/{theirs}/").status_code == 404
    assert api.post(f"/api/v1/{path}/{theirs}/withdraw/").status_code == 404


def test_lists_filter_by_status_task_type_external_ref_and_since(api) -> None:
    first = post(api, "email-drafts", email_payload(task_type="cold_email", external_ref="lead-1")).json()["id"]
    second = post(api, "email-drafts", email_payload(task_type="follow_up", external_ref="lead-2")).json()["id"]
    Proposal.objects.filter(pk=first).update(submitted_at=timezone.now() - timedelta(days=2))
    proposal_run_checks(proposal_id=second)

    def ids(query: str) -> list[int]:
        response = api.get(f"/api/v1/email-drafts/?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids("") == [second, first]  # newest first
    assert ids("status=needs_review") == [second]
    assert ids("status=checking") == [first]
    assert ids("task_type=cold_email") == [first]
    assert ids("external_ref=lead-2") == [second]
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"since={since}") == [second]


@pytest.mark.parametrize(("query", "field"), [("status=nonsense", "status"), ("since=yesterday", "since"),
                                              ("stauts=checking", "stauts")])
def test_a_bad_list_parameter_is_a_400_that_names_it(api, query, field) -> None:
    response = api.get(f"/api/v1/email-drafts/?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_lists_page_with_a_cursor(api) -> None:
    ids = [post(api, "email-drafts", email_payload()).json()["id"] for _ in range(3)]
    page = api.get("/api/v1/email-drafts/?page_size=2").json()
    assert [r["id"] for r in page["results"]] == ids[:0:-1]
    rest = api.get(page["next"]).json()
    assert [r["id"] for r in rest["results"]] == [ids[0]] and rest["next"] is None


def test_console_staff_read_every_record_but_cannot_submit(api, other_api, rita) -> None:
    post(api, "email-drafts", email_payload())
    post(other_api, "email-drafts", email_payload())
    staff = APIClient()
    staff.force_login(rita)
    assert len(staff.get("/api/v1/email-drafts/").json()["results"]) == 2
    with nothing_left_behind():
        assert staff.post("/api/v1/email-drafts/", email_payload(), format="json").status_code == 403


@pytest.mark.parametrize(("path", "payload"), RESOURCES)
def test_withdraw_before_a_decision(api, path, payload) -> None:
    record = post(api, path, payload()).json()
    proposal_run_checks(proposal_id=record["id"])
    response = api.post(f"/api/v1/{path}/{record['id']}/withdraw/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"


def test_withdraw_after_approval_is_a_409_that_says_why(api, rita) -> None:
    record = post(api, "crm-changes", crm_payload()).json()
    proposal_run_checks(proposal_id=record["id"])
    proposal_decide(proposal_id=record["id"], actor=Actor.for_user(rita), action="approve")
    with nothing_left_behind():
        response = api.post(f"/api/v1/crm-changes/{record['id']}/withdraw/")
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "approved"
    assert "already approved" in body["detail"] and "checking or needs_review" in body["detail"]
    assert Proposal.objects.get(pk=record["id"]).status == Status.APPROVED


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_agents_cannot_edit_or_delete_records(api, method) -> None:
    record = post(api, "email-drafts", email_payload()).json()
    with nothing_left_behind():
        response = getattr(api, method)(f"/api/v1/email-drafts/{record['id']}/", {"subject": "x"}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("verb", ["approve", "reject", "decide", "edit"])
def test_there_is_no_api_to_decide(api, verb) -> None:
    record = post(api, "email-drafts", email_payload()).json()
    proposal_run_checks(proposal_id=record["id"])
    assert api.post(f"/api/v1/email-drafts/{record['id']}/{verb}/", {}, format="json").status_code == 404
    assert Proposal.objects.get(pk=record["id"]).status == Status.NEEDS_REVIEW


def test_an_agent_identity_can_never_decide_even_through_the_service(api, agent) -> None:
    record = post(api, "email-drafts", email_payload()).json()
    proposal_run_checks(proposal_id=record["id"])
    client = agent[0]
    assert not client.user.is_staff  # so it cannot sign in to the console either
    with pytest.raises(DecisionRefused, match="only reviewers"):
        proposal_decide(proposal_id=record["id"], actor=Actor.for_client(client), action="approve")
