"""The approved-changes feed and the integrations' execution reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import AuditEvent, Execution, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status

from .conftest import crm_payload, email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db

ACCOUNT_ID = "0015g00000XyZ12AAF"


def account_change(**overrides):
    return crm_payload(crm_object="Account", crm_id=ACCOUNT_ID, fields={"Industry": "Retail"},
                       field_confidence={}, **overrides)


def approved(api, rita, payload: dict) -> int:
    proposal_id = api.post("/api/v1/crm-changes/", payload, format="json").json()["id"]
    proposal_run_checks(proposal_id=proposal_id)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    return proposal_id


def feed(integration_api, query: str = "status=approved") -> dict:
    response = integration_api.get(f"/api/v1/crm-changes/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_feed_lists_approved_changes_of_external_objects_in_approval_order(
    api, integration_api, rita,
) -> None:
    second_submitted = api.post("/api/v1/crm-changes/", account_change(external_ref="b"), format="json").json()["id"]
    first = approved(api, rita, account_change(external_ref="a"))
    approved(api, rita, crm_payload())  # a Contact: pushed by the built-in Salesforce executor
    proposal_run_checks(proposal_id=second_submitted)
    proposal_decide(proposal_id=second_submitted, actor=Actor.for_user(rita), action="approve")
    api.post("/api/v1/crm-changes/", account_change(external_ref="pending"), format="json")  # not approved

    page = feed(integration_api)
    assert [r["id"] for r in page["results"]] == [first, second_submitted]
    record = page["results"][0]
    assert record["final"] == {"crm_object": "Account", "crm_id": ACCOUNT_ID, "fields": {"Industry": "Retail"}}
    assert page["next"] is None and page["cursor"]


def test_the_cursor_continues_after_what_was_seen(api, integration_api, rita) -> None:
    ids = [approved(api, rita, account_change(external_ref=str(n))) for n in range(3)]
    page = feed(integration_api, "status=approved&page_size=2")
    assert [r["id"] for r in page["results"]] == ids[:2]
    assert "after=" in page["next"]
    rest = integration_api.get(page["next"]).json()
    assert [r["id"] for r in rest["results"]] == ids[2:]
    later = approved(api, rita, account_change(external_ref="later"))
    newer = feed(integration_api, f"status=approved&after={rest['cursor']}")
    assert [r["id"] for r in newer["results"]] == [later]
    # An empty page keeps the cursor, so a poller can store it and ask again.
    empty = feed(integration_api, f"status=approved&after={newer['cursor']}")
    assert empty["results"] == [] and empty["cursor"] == newer["cursor"]


def test_a_change_in_its_undo_grace_period_is_not_in_the_feed_yet(api, integration_api, rita) -> None:
    proposal_id = approved(api, rita, account_change())
    Proposal.objects.filter(pk=proposal_id).update(execute_after=timezone.now() + timedelta(minutes=5))
    assert feed(integration_api)["results"] == []
    response = integration_api.post(f"/api/v1/crm-changes/{proposal_id}/executed/", {"success": True}, format="json")
    assert response.status_code == 409 and "undone" in response.json()["detail"]


def test_a_bad_cursor_is_a_400(integration_api) -> None:
    response = integration_api.get("/api/v1/crm-changes/?status=approved&after=bm90LWEtY3Vyc29y")
    assert response.status_code == 400 and "after" in response.json()["fields"]


def test_success_moves_the_change_to_done_through_executing(api, integration_api, rita) -> None:
    proposal_id = approved(api, rita, account_change())
    response = integration_api.post(f"/api/v1/crm-changes/{proposal_id}/executed/",
                                    {"success": True, "external_id": "dw-991"}, format="json")
    assert response.status_code == 200, response.content
    record = response.json()
    assert record["status"] == "done"
    assert record["execution"] == {**record["execution"], "state": "succeeded", "provider_id": "dw-991"}
    history = list(Proposal.history.filter(id=proposal_id).order_by("history_date").values_list("status", flat=True))
    assert history[-3:] == ["approved", "executing", "done"]
    events = AuditEvent.objects.filter(proposal_id_ref=proposal_id).order_by("seq")
    assert [e.action for e in events][-2:] == ["executing", "executed"]
    assert events.last().actor == "warehouse-sync"
    assert feed(integration_api)["results"] == []
    assert [r["id"] for r in feed(integration_api, "status=done")["results"]] == [proposal_id]


def test_failure_moves_the_change_to_failed_with_the_error(api, integration_api, rita) -> None:
    proposal_id = approved(api, rita, account_change())
    response = integration_api.post(f"/api/v1/crm-changes/{proposal_id}/executed/",
                                    {"success": False, "error": "warehouse rejected Industry"}, format="json")
    assert response.json()["status"] == "failed"
    assert Execution.objects.get(proposal_id=proposal_id).last_error == "warehouse rejected Industry"


def test_the_same_report_twice_is_harmless_and_a_different_one_is_a_409(api, integration_api, rita) -> None:
    proposal_id = approved(api, rita, account_change())
    url = f"/api/v1/crm-changes/{proposal_id}/executed/"
    assert integration_api.post(url, {"success": True, "external_id": "dw-1"}, format="json").status_code == 200
    with nothing_left_behind():
        again = integration_api.post(url, {"success": True, "external_id": "dw-1"}, format="json")
        assert again.status_code == 200 and again.json()["status"] == "done"
        conflicting = integration_api.post(url, {"success": False, "error": "oops"}, format="json")
    assert conflicting.status_code == 409
    assert "already reported as done" in conflicting.json()["detail"]


def test_a_report_needs_a_well_formed_body(api, integration_api, rita) -> None:
    proposal_id = approved(api, rita, account_change())
    url = f"/api/v1/crm-changes/{proposal_id}/executed/"
    for body, field in [({}, "success"), ({"success": "maybe"}, "success"), ({"success": True, "error": "x"}, "error"),
                        ({"success": True, "extra": 1}, "extra")]:
        response = integration_api.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], body
    assert Proposal.objects.get(pk=proposal_id).status == Status.APPROVED


def test_the_built_in_executor_leaves_external_objects_alone(api, rita) -> None:
    from reviews.models import CrmObjectRule

    CrmObjectRule.objects.update_or_create(crm_object="Account", defaults={
        "allowed_fields": ["Industry"], "executor": CrmObjectRule.Executor.EXTERNAL})
    proposal_id = approved(api, rita, account_change())
    assert proposals_execute(proposal_ids=[proposal_id]) == {}
    assert Proposal.objects.get(pk=proposal_id).status == Status.APPROVED


def test_integrations_see_only_what_they_execute(api, integration_api, rita) -> None:
    contact_change = approved(api, rita, crm_payload())
    email = api.post("/api/v1/email-drafts/", email_payload(), format="json").json()["id"]
    assert integration_api.get(f"/api/v1/crm-changes/{contact_change}/").status_code == 404
    assert integration_api.post(f"/api/v1/crm-changes/{contact_change}/executed/", {"success": True},
                                format="json").status_code == 404
    assert integration_api.get("/api/v1/email-drafts/").status_code == 403
    assert integration_api.get(f"/api/v1/email-drafts/{email}/").status_code == 403
    pending = api.post("/api/v1/crm-changes/", account_change(), format="json").json()["id"]
    assert integration_api.get(f"/api/v1/crm-changes/{pending}/").status_code == 404


def test_agents_cannot_report_executions_and_integrations_cannot_submit(api, integration_api, rita) -> None:
    proposal_id = approved(api, rita, account_change())
    with nothing_left_behind():
        assert api.post(f"/api/v1/crm-changes/{proposal_id}/executed/", {"success": True},
                        format="json").status_code == 403
        assert integration_api.post("/api/v1/crm-changes/", account_change(), format="json").status_code == 403
        assert integration_api.post(f"/api/v1/crm-changes/{proposal_id}/withdraw/").status_code == 403
    assert Proposal.objects.get(pk=proposal_id).status == Status.APPROVED
