"""What an agent needs besides submitting: preflight (checks and the policy's verdict, nothing
stored), the long poll that answers when a record is decided, and the feedback list of its own
rejected and edited outputs."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from reviews.models import ApiClient, AuditEvent, CheckResult, Policy, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from tests.factories import policy

from .conftest import crm_payload, email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db

FLAWED_BODY = "Hi {first_name},\n\nContoso just opened a Berlin office.\n\nSam"


def rows() -> dict[str, int]:
    return {"proposals": Proposal.objects.count(), "checks": CheckResult.objects.count(),
            "audit": AuditEvent.objects.exclude(action__in=("token_used",)).count(),
            "policies": Policy.objects.count()}


def submitted(api: Any, path: str = "email-drafts", **overrides: Any) -> int:
    payload = email_payload(**overrides) if path == "email-drafts" else crm_payload(**overrides)
    response = api.post(f"/api/v1/{path}/", payload, format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return response.json()["id"]


# --- preflight ----------------------------------------------------------------------------------------

def test_preflight_of_a_flawed_draft_names_the_failing_check_and_stores_nothing(
        api, django_capture_on_commit_callbacks) -> None:
    before = rows()
    with nothing_left_behind(), django_capture_on_commit_callbacks() as published:
        response = api.post("/api/v1/email-drafts/preflight/", email_payload(body=FLAWED_BODY), format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert "placeholders" in result["failed"]
    failing = next(check for check in result["checks"] if check["name"] == "placeholders")
    assert not failing["passed"] and "{first_name}" in failing["message"]
    assert result["checks"][0]["passed"] is False  # failing first
    assert result["outcome"] in ("blocked", "needs_review") and "placeholders" in result["reason"]
    assert result["policy"]["task_type"] == "*" and result["policy"]["mode"] == "always_review"
    assert rows() == before and published == []


def test_preflight_reads_the_crm_and_tells_what_a_calibrated_policy_would_do(api, salesforce) -> None:
    policy("cold_email", mode="calibrated", confidence_threshold=0.5, audit_sample_rate=0.2)
    ada = salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@contoso.example",
                                        "HasOptedOutOfEmail": False})
    bob = salesforce.create("Contact", {"FirstName": "Bob", "LastName": "Opted-Out", "Email": "bob@contoso.example",
                                        "HasOptedOutOfEmail": True})
    with nothing_left_behind():
        clean = api.post("/api/v1/email-drafts/preflight/", email_payload(crm_id=ada), format="json").json()
        opted_out = api.post("/api/v1/email-drafts/preflight/", email_payload(crm_id=bob, to=["bob@contoso.example"]),
                             format="json").json()
    assert clean["failed"] == [] and clean["outcome"] == "approved", clean
    assert clean["policy"] == {"task_type": "cold_email", "version": 1, "mode": "calibrated",
                               "audit_sample_rate": 0.2}
    assert opted_out["outcome"] == "blocked" and opted_out["failed"] == ["do_not_contact"]
    assert salesforce.get("Contact", ada)["HasOptedOutOfEmail"] is False  # read, not written


def test_preflight_of_a_crm_change_runs_its_checks_without_writing(api) -> None:
    with nothing_left_behind():
        response = api.post("/api/v1/crm-changes/preflight/", crm_payload(evidence=[]), format="json")
    assert response.status_code == 200, response.content
    assert "evidence" in response.json()["failed"]


def test_preflight_makes_no_default_policy_when_there_is_none(api) -> None:
    Policy.objects.all().delete()
    response = api.post("/api/v1/email-drafts/preflight/", email_payload(), format="json")
    assert response.status_code == 200
    assert response.json()["policy"]["task_type"] == "*" and not Policy.objects.exists()


def test_preflight_refuses_invalid_input_as_a_submission_does(api) -> None:
    with nothing_left_behind():
        response = api.post("/api/v1/email-drafts/preflight/", email_payload(to=["not an address"], colour="red"),
                            format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"colour"}  # unknown keys are refused first, as on submit
    response = api.post("/api/v1/crm-changes/preflight/", crm_payload(fields={"Salary__c": 1}), format="json")
    assert response.status_code == 400 and "fields.Salary__c" in response.json()["fields"]


def test_preflight_is_throttled_like_submissions(api, agent) -> None:
    ApiClient.objects.filter(pk=agent[0].pk).update(throttle_rate="2/min")
    answers = [api.post("/api/v1/email-drafts/preflight/", email_payload(), format="json").status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]


def test_only_agents_preflight(integration_api) -> None:
    assert integration_api.post("/api/v1/email-drafts/preflight/", email_payload(), format="json").status_code == 403


# --- long poll ----------------------------------------------------------------------------------------

def test_wait_answers_a_decided_record_at_once(api, rita) -> None:
    proposal_id = submitted(api)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="reject", reason_code="tone",
                    note="Too pushy")
    response = api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=30")
    assert response.status_code == 200
    record = response.json()
    assert record["status"] == "rejected"
    assert (record["decision"]["reason_code"], record["decision"]["note"]) == ("tone", "Too pushy")


def test_wait_answers_the_undecided_record_when_the_timeout_ends(api) -> None:
    proposal_id = submitted(api)
    response = api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=1")
    assert response.status_code == 200 and response.json()["status"] == "needs_review"


def test_wait_is_cut_to_the_servers_cap(api) -> None:
    proposal_id = submitted(api)
    started = time.monotonic()
    with override_settings(HITLCRM_WAIT_MAX_SECONDS=1):
        response = api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=600")
    assert response.status_code == 200 and response.json()["status"] == "needs_review"
    assert time.monotonic() - started < 60  # it did not wait the ten minutes asked for


def test_wait_until_executed_waits_past_the_approval(api, rita) -> None:
    proposal_id = submitted(api)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    assert api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=0&until=decided").json()["status"] == "approved"
    waited = api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=1&until=executed").json()
    assert waited["status"] == "approved"  # no worker here: it has not executed, and the answer says so


@pytest.mark.django_db(transaction=True)
def test_wait_returns_as_soon_as_another_connection_decides(api, rita) -> None:
    proposal_id = submitted(api)

    def decide_soon() -> None:
        time.sleep(1)
        try:
            proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="reject",
                            reason_code="factual_error")
        finally:
            connection.close()

    decider = threading.Thread(target=decide_soon)
    decider.start()
    response = api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=60")
    decider.join()
    assert response.json()["status"] == "rejected"
    assert response.json()["decision"]["reason_code"] == "factual_error"


def test_wait_refuses_bad_parameters_and_other_agents_records(api, other_api) -> None:
    proposal_id = submitted(api)
    for query in ("timeout=-1", "timeout=soon", "until=sent", "colour=red"):
        response = api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"] == "invalid"
    assert other_api.get(f"/api/v1/email-drafts/{proposal_id}/wait/?timeout=0").status_code == 404
    assert api.get(f"/api/v1/crm-changes/{proposal_id}/wait/?timeout=0").status_code == 404


# --- actionable outcomes ------------------------------------------------------------------------------

def test_an_edit_and_approve_reaches_the_agent_with_the_final_text_and_a_diff(api, rita) -> None:
    proposal_id = submitted(api)
    body = email_payload()["body"].replace("Open to a chat?", "Worth a short call next week?")
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"body": body}, note="softer ask")
    record = api.get(f"/api/v1/email-drafts/{proposal_id}/").json()
    assert record["final"]["body"] == body
    assert record["decision"]["edits"] == {"body": [email_payload()["body"], body]}
    assert "-Open to a chat?" in record["decision"]["diff"] and "+Worth a short call next week?" in record["decision"][
        "diff"]


def test_a_crm_change_approved_with_a_field_changed_and_one_left_out_shows_both(api, rita) -> None:
    proposal_id = submitted(api, "crm-changes")
    # The edited Title is quoted by no evidence: a soft failure the reviewer confirms (edits are checked).
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"Title": "Vice President, Sales"}, field_decisions={"Title": True, "Department": False},
                    confirm_soft=True)
    decision = api.get(f"/api/v1/crm-changes/{proposal_id}/").json()["decision"]
    assert decision["edits"] == {"Title": ["VP Sales", "Vice President, Sales"], "Department": ["Sales", None]}


def test_feedback_lists_only_the_agents_own_rejections_and_edits(api, other_api, rita) -> None:
    rejected = submitted(api)
    edited = submitted(api, subject="Another idea for Contoso", to=["bob@contoso.example"])
    approved = submitted(api, subject="A third idea", to=["cy@contoso.example"])
    foreign = submitted(other_api, subject="Not yours", to=["dee@contoso.example"])
    reviewer = Actor.for_user(rita)
    proposal_decide(proposal_id=rejected, actor=reviewer, action="reject", reason_code="wrong_target",
                    note="Ada left Contoso")
    proposal_decide(proposal_id=edited, actor=reviewer, action="edit_approve", edits={"subject": "Idea for Bob"})
    proposal_decide(proposal_id=approved, actor=reviewer, action="approve")
    proposal_decide(proposal_id=foreign, actor=reviewer, action="reject", reason_code="tone")

    page = api.get("/api/v1/feedback/").json()
    assert [entry["proposal_id"] for entry in page["results"]] == [rejected, edited]
    first, second = page["results"]
    assert (first["outcome"], first["reason_code"], first["note"], first["final"]) == (
        "rejected", "wrong_target", "Ada left Contoso", None)
    assert second["outcome"] == "edited_and_approved" and second["final"]["subject"] == "Idea for Bob"
    assert second["edits"] == {"subject": ["Another idea for Contoso", "Idea for Bob"]} and "+Idea for Bob" in second[
        "diff"]

    one = api.get("/api/v1/feedback/?page_size=1").json()
    assert [e["proposal_id"] for e in one["results"]] == [rejected] and one["next"]
    rest = api.get(f"/api/v1/feedback/?page_size=1&after={one['cursor']}").json()
    assert [e["proposal_id"] for e in rest["results"]] == [edited] and rest["next"] is None
    assert api.get("/api/v1/feedback/?since=2999-01-01T00:00:00Z").json()["results"] == []
    assert api.get("/api/v1/feedback/?since=yesterday").status_code == 400
