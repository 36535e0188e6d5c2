"""No side effect in Salesforce that nobody approved: an approved write changes the approved fields and
nothing else the org's automation would add on its own — no assignment rule hands the record to a new
owner, no duplicate slips past a duplicate rule — unless the object's CRM object rule opts in.

The emulator's org has an active assignment rule on Lead and Account and a duplicate rule (same Email)
on Lead and Contact, as an org that uses them does.

- Assignment Rule header: "If the header is not provided in the request, the default value is TRUE."
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
- Duplicate Rule header (allowSave; "The default value for all fields is false"):
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm
- DuplicateError / DuplicateResult (the DUPLICATES_DETECTED error body):
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_duplicateerror.htm
"""

from __future__ import annotations

import pytest

from integrations.salesforce_emulator.store import ASSIGNED_OWNER_ID, DEFAULT_OWNER_ID
from reviews.models import CrmObjectRule, Execution, ExecutionAttempt, ExecutionState, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status
from tests.support import wait_for

from .conftest import seed

pytestmark = [pytest.mark.integration]


def approve(proposal_id: int, user) -> None:
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(user), action="approve")


def state(proposal_id: int) -> tuple[str, str]:
    return Proposal.objects.get(pk=proposal_id).status, Execution.objects.get(proposal_id=proposal_id).state


def writes(org) -> list[dict[str, str]]:
    """The Sforce-* headers of every write request the emulator received."""
    return [entry["sforce"] for entry in org.request_log if entry["method"] in {"POST", "PATCH"}]


@pytest.mark.django_db
def test_approving_a_leads_title_leaves_its_owner_alone(org, changes, always_review, rita) -> None:
    """The org's Lead assignment rule would hand the Lead to another rep on this update; the reviewer
    approved a Title, not an owner."""
    (lead,) = seed(org, "Lead", 1, Title="Engineer")
    (proposal_id,) = changes.submit([("Lead", lead, {"Title": "CTO"})])
    approve(proposal_id, rita)

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    record = org.get("Lead", lead)
    assert (record["Title"], record["OwnerId"]) == ("CTO", DEFAULT_OWNER_ID)
    assert writes(org) == [{"sforce-auto-assign": "FALSE", "sforce-duplicate-rule-header":
                            "allowSave=false; includeRecordDetails=false; runAsCurrentUser=false"}]


@pytest.mark.django_db
def test_an_upsert_by_external_id_leaves_the_accounts_owner_alone(org, changes, always_review, rita) -> None:
    account = org.create("Account", {"Name": "Contoso", "Industry": "Retail", "External_Id__c": "acct-7"})
    (proposal_id,) = changes.submit([("Account", account, {"External_Id__c": "acct-7", "Industry": "Banking"})],
                                    external_id_field="External_Id__c")
    approve(proposal_id, rita)

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.calls("collections_upsert") == 1
    record = org.get("Account", account)
    assert (record["Industry"], record["OwnerId"]) == ("Banking", DEFAULT_OWNER_ID)


@pytest.mark.django_db
def test_an_object_rule_may_let_the_orgs_assignment_rules_run(org, changes, always_review, rita) -> None:
    CrmObjectRule.objects.filter(crm_object="Lead").update(run_assignment_rules=True)
    (lead, contact) = (*seed(org, "Lead", 1, Title="Engineer"), org.create("Contact", {"LastName": "Doe"}))
    lead_change, contact_change = changes.submit([("Lead", lead, {"Title": "CTO"}),
                                                  ("Contact", contact, {"Title": "CTO"})])
    approve(lead_change, rita)
    approve(contact_change, rita)

    proposals_execute(proposal_ids=[lead_change, contact_change])

    assert org.get("Lead", lead)["OwnerId"] == ASSIGNED_OWNER_ID
    # One request per object and choice: the Contact write still says FALSE.
    assert sorted(headers["sforce-auto-assign"] for headers in writes(org)) == ["FALSE", "TRUE"]


@pytest.mark.django_db
def test_a_duplicate_is_a_permanent_failure_that_names_the_rule_the_match_and_the_field(org, changes, always_review,
                                                                                       rita) -> None:
    ada = org.create("Lead", {"LastName": "Lovelace", "Company": "Contoso", "Email": "ada@contoso.example"})
    (lead,) = seed(org, "Lead", 1, Email="a.lovelace@contoso.example")
    (proposal_id,) = changes.submit([("Lead", lead, {"Email": "ada@contoso.example"})])
    approve(proposal_id, rita)

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.FAILED, ExecutionState.FAILED)  # back to a person, not retried
    execution = Execution.objects.get(proposal_id=proposal_id)
    assert execution.error_code == "DUPLICATES_DETECTED" and execution.attempts == 1
    for part in ("Standard_Rule_for_Leads_with_Duplicate_Leads", f"Lead {ada}", "on Email",
                 "You're creating a duplicate record"):
        assert part in execution.last_error
    log = ExecutionAttempt.objects.get(proposal_id=proposal_id)
    assert log.outcome == ExecutionAttempt.Outcome.FAILED
    assert (log.response["crm_id"], log.response["fields"]) == (lead, ["Email"])
    assert org.get("Lead", lead)["Email"] == "a.lovelace@contoso.example"


@pytest.mark.django_db
def test_an_object_rule_may_allow_duplicate_saves(org, changes, always_review, rita) -> None:
    CrmObjectRule.objects.filter(crm_object="Lead").update(allow_duplicate_save=True)
    org.create("Lead", {"LastName": "Lovelace", "Company": "Contoso", "Email": "ada@contoso.example"})
    (lead,) = seed(org, "Lead", 1)
    (proposal_id,) = changes.submit([("Lead", lead, {"Email": "ada@contoso.example"})])
    approve(proposal_id, rita)

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.get("Lead", lead)["Email"] == "ada@contoso.example"


@pytest.mark.django_db(transaction=True)
def test_a_worker_pushing_an_approved_lead_title_leaves_its_owner_alone(org, changes, always_review, rita,
                                                                        worker_factory) -> None:
    """The same through the broker and a real Celery worker process."""
    leads = seed(org, "Lead", 3, Title="Engineer")
    ids = changes.submit([("Lead", lead, {"Title": f"CTO {n}"}) for n, lead in enumerate(leads)])
    worker_factory(org.env)

    for proposal_id in ids:
        approve(proposal_id, rita)

    wait_for(lambda: set(Proposal.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.DONE},
             timeout=60, what="the worker to push the approved Titles")
    records = [org.get("Lead", lead) for lead in leads]
    assert [record["Title"] for record in records] == ["CTO 0", "CTO 1", "CTO 2"]
    assert {record["OwnerId"] for record in records} == {DEFAULT_OWNER_ID}
