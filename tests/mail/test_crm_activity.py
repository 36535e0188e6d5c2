"""The sent email on the prospect's CRM record: a completed Task, batched, never created twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.salesforce import client as client_module
from integrations.salesforce.client import get_client
from reviews.models.mail import CrmActivityState, MailDelivery
from reviews.services.execution import proposals_execute
from reviews.services.sending import email_activities_due, email_activities_push
from reviews.state_machine import Status
from tests.support import wait_for

pytestmark = pytest.mark.django_db


def contact(salesforce, email: str) -> str:
    return salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": email,
                                         "HasOptedOutOfEmail": False})


def tasks(salesforce) -> list[dict]:
    return salesforce.store.all("Task")


def test_sent_emails_are_logged_as_completed_tasks_in_one_request(approved_email, smtp, salesforce) -> None:
    people = [("ada", contact(salesforce, "ada@contoso.example")), ("grace", contact(salesforce, "grace@contoso.example"))]
    emails = [approved_email(to=[f"{name}@contoso.example"], crm_object="Contact", crm_id=crm_id,
                             edits={"subject": f"Hello {name}"}) for name, crm_id in people]
    anonymous = approved_email(to=["alan@contoso.example"])  # names no CRM record: nothing to log
    creates = salesforce.calls("collections_create")

    proposals_execute(proposal_ids=[*(p.pk for p in emails), anonymous.pk])

    assert salesforce.calls("collections_create") - creates == 1
    logged = {task["WhoId"]: task for task in tasks(salesforce)}
    assert set(logged) == {crm_id for _, crm_id in people}
    ada = logged[people[0][1]]
    assert ada["Subject"] == "Email: Hello ada" and ada["Status"] == "Completed" and ada["TaskSubtype"] == "Email"
    assert ada["Description"] == emails[0].final_output["body"]
    delivery = MailDelivery.objects.get(proposal=emails[0])
    assert delivery.crm_activity_state == CrmActivityState.CREATED and delivery.crm_activity_id == ada["Id"]
    assert MailDelivery.objects.get(proposal=anonymous).crm_activity_state == CrmActivityState.NONE


def test_logging_a_task_lets_no_assignment_rule_run(approved_email, smtp, salesforce) -> None:
    """Creating the Task is a write too: "This header also gets applied when making REST API calls that
    indirectly result in creating or updating Accounts, Cases, or Leads" (an Apex trigger on Task that
    updates the Lead), so the create says ``Sforce-Auto-Assign: FALSE``.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm"""
    lead = salesforce.create("Lead", {"LastName": "Lovelace", "Company": "Contoso", "Email": "ada@contoso.example"})
    proposal = approved_email(to=["ada@contoso.example"], crm_object="Lead", crm_id=lead)

    proposals_execute(proposal_ids=[proposal.pk])

    assert MailDelivery.objects.get(proposal=proposal).crm_activity_state == CrmActivityState.CREATED
    (create,) = [entry for entry in salesforce.request_log if entry["kind"] == "collections_create"]
    assert create["sforce"]["sforce-auto-assign"] == "FALSE"
    assert create["sforce"]["sforce-duplicate-rule-header"].startswith("allowSave=false;")


def test_a_failed_crm_write_leaves_the_email_done_and_the_sweeper_retries_it(approved_email, smtp, salesforce) -> None:
    proposal = approved_email(crm_object="Contact", crm_id=contact(salesforce, "ada@contoso.example"))
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=3, kinds=["collections_create"])

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    delivery = MailDelivery.objects.get(proposal=proposal)
    assert proposal.status == Status.DONE and len(smtp.received()) == 1
    assert delivery.crm_activity_state == CrmActivityState.PENDING and "SERVER_UNAVAILABLE" in delivery.crm_activity_error
    assert tasks(salesforce) == []
    assert email_activities_due() == [proposal.pk]

    salesforce.clear_faults()
    email_activities_push()  # what the sweeper's task runs
    email_activities_push()

    delivery.refresh_from_db()
    assert delivery.crm_activity_state == CrmActivityState.CREATED and len(tasks(salesforce)) == 1
    assert email_activities_due() == []


def test_a_lost_answer_does_not_create_the_task_twice(approved_email, smtp, salesforce, settings) -> None:
    proposal = approved_email(crm_object="Contact", crm_id=contact(salesforce, "ada@contoso.example"))
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=1, kinds=["collections_create"])
    proposals_execute(proposal_ids=[proposal.pk])  # sent; Salesforce answered 503: certainly no Task yet
    delivery = MailDelivery.objects.get(proposal=proposal)
    assert delivery.crm_activity_state == CrmActivityState.PENDING and not delivery.crm_activity_uncertain

    settings.SALESFORCE_TIMEOUT_SECONDS = 0.5
    client_module.reset_clients()
    salesforce.set_latency(1500)  # Salesforce creates the Task after hitlcrm stopped waiting for the answer
    email_activities_push()

    delivery.refresh_from_db()
    assert delivery.crm_activity_state == CrmActivityState.PENDING and delivery.crm_activity_uncertain
    wait_for(lambda: len(tasks(salesforce)) == 1, timeout=10, what="the emulator to create the Task")
    salesforce.set_latency(0)

    counts = email_activities_push()

    delivery.refresh_from_db()
    assert counts["adopted"] == 1 and counts["created"] == 0
    assert delivery.crm_activity_state == CrmActivityState.CREATED
    assert [task["Id"] for task in tasks(salesforce)] == [delivery.crm_activity_id]


def test_a_worker_that_died_mid_request_is_reconciled_after_a_while(approved_email, smtp, salesforce) -> None:
    proposal = approved_email(crm_object="Contact", crm_id=contact(salesforce, "ada@contoso.example"))
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=1, kinds=["collections_create"])
    proposals_execute(proposal_ids=[proposal.pk])
    delivery = MailDelivery.objects.get(proposal=proposal)
    # As a worker leaves it when it dies after Salesforce created the Task, before saving the answer:
    created = get_client().restful("sobjects/Task", method="POST", json={
        "Subject": "Email: Idea for Contoso", "Status": "Completed", "TaskSubtype": "Email",
        "WhoId": proposal.crm_id, "Description": proposal.final_output["body"]})
    MailDelivery.objects.filter(pk=delivery.pk).update(crm_activity_state=CrmActivityState.CREATING,
                                                      crm_activity_requested_at=timezone.now())
    assert email_activities_due() == []  # it may still be in flight

    MailDelivery.objects.filter(pk=delivery.pk).update(crm_activity_requested_at=timezone.now() - timedelta(hours=1))
    email_activities_push()

    delivery.refresh_from_db()
    assert delivery.crm_activity_state == CrmActivityState.CREATED and delivery.crm_activity_id == created["id"]
    assert len(tasks(salesforce)) == 1
