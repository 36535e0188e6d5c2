"""Approve A, execute A, for CRM changes: the approval records the digest of the field patch the push
writes (object, record, the approved fields with their approved values, an upsert's external id among
them), and a change whose stored patch changed after the approval is refused and left out of the push:
nothing of it reaches the Salesforce emulator, while the batch's other changes are written."""

from __future__ import annotations

import pytest

import integrations.salesforce.executor as salesforce_executor
from integrations.salesforce.executor import written_patch
from reviews.canonical import payload_digest
from reviews.models import AuditEvent, CrmFieldChange, Decision, Execution, ExecutionState, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status
from tests.support import raw_json_write

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def approval_digest(proposal_id: int) -> str:
    return Decision.objects.get(proposal_id=proposal_id, action__in=Decision.APPROVING).payload_digest


def test_the_approval_records_the_digest_of_exactly_the_patch_written(org, changes, always_review, rita,
                                                                      monkeypatch) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "Department": "R&D"})
    keyed = org.create("Contact", {"LastName": "Hopper", "Title": "Engineer", "External_Id__c": "crm-42"})
    (edited,) = changes.submit([("Contact", contact, {"Title": "CTO", "Department": "Sales"})])
    (upsert,) = changes.submit([("Contact", keyed, {"External_Id__c": "crm-42", "Title": "VP"})],
                               external_id_field="External_Id__c")
    proposal_decide(proposal_id=edited, actor=Actor.for_user(rita), action="edit_approve",
                    field_decisions={"Title": True, "Department": False}, edits={"Title": "Chief Technology Officer"})
    proposal_decide(proposal_id=upsert, actor=Actor.for_user(rita), action="approve")
    pushed: list = []
    push = salesforce_executor.push_updates

    def recording(items, **kwargs):  # noqa: ANN001, ANN202
        pushed.extend(items)
        return push(items, **kwargs)

    monkeypatch.setattr(salesforce_executor, "push_updates", recording)

    proposals_execute(proposal_ids=[edited, upsert])

    patches = {item.key: written_patch(item) for item in pushed}
    assert patches[edited] == {"crm_object": "Contact", "crm_id": contact, "fields": {"Title": "Chief Technology Officer"}}
    assert patches[upsert]["fields"] == {"External_Id__c": "crm-42", "Title": "VP"}  # the upsert's key included
    assert {pk: payload_digest(patch) for pk, patch in patches.items()} == {edited: approval_digest(edited),
                                                                            upsert: approval_digest(upsert)}
    assert org.get("Contact", contact)["Title"] == "Chief Technology Officer"
    assert org.get("Contact", keyed)["Title"] == "VP"
    assert set(Proposal.objects.filter(pk__in=[edited, upsert]).values_list("status", flat=True)) == {Status.DONE}


def test_a_patch_changed_after_its_approval_is_refused_and_not_pushed(org, changes, always_review, rita) -> None:
    tampered_record = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    clean_record = org.create("Contact", {"LastName": "Hopper", "Title": "Engineer"})
    tampered, clean = changes.submit([("Contact", tampered_record, {"Title": "CTO"}),
                                      ("Contact", clean_record, {"Title": "VP"})])
    for proposal_id in (tampered, clean):
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    row = CrmFieldChange.objects.get(proposal_id=tampered, field="Title")
    raw_json_write(CrmFieldChange, row.pk, "approved_value", "Former employee - do not contact")
    approved = approval_digest(tampered)

    proposals_execute(proposal_ids=[tampered, clean])

    # Nothing of the changed patch reached the org; the other change of the batch was written.
    assert org.get("Contact", tampered_record)["Title"] == "Engineer"
    assert org.get("Contact", clean_record)["Title"] == "VP"
    execution = Execution.objects.get(proposal_id=tampered)
    assert Proposal.objects.get(pk=tampered).status == Status.FAILED and execution.state == ExecutionState.REFUSED
    found = payload_digest({"crm_object": "Contact", "crm_id": tampered_record,
                            "fields": {"Title": "Former employee - do not contact"}})
    assert execution.response["approved_digest"] == approved and execution.response["executing_digest"] == found
    assert approved in execution.last_error and found in execution.last_error
    assert AuditEvent.objects.filter(proposal_id_ref=tampered, action="execution_refused").count() == 1
    assert Proposal.objects.get(pk=clean).status == Status.DONE

    writes = org.calls("collections_update")
    proposals_execute(proposal_ids=[tampered])  # refused for good: not retried
    assert org.calls("collections_update") == writes and org.get("Contact", tampered_record)["Title"] == "Engineer"
