"""What a person decided is what gets written: field-level approvals, edits, upserts by external id;
and what comes back to a person: conflicts (the CRM changed since the proposal) and permanent
failures (Salesforce's message), each approved again or dismissed."""

from __future__ import annotations

import pytest

from reviews.models import (
    AuditEvent,
    CrmFieldChange,
    CrmObjectRule,
    Decision,
    Execution,
    ExecutionAttempt,
    ExecutionState,
    Proposal,
)
from reviews.services.actors import Actor
from reviews.services.checking import proposals_run_checks
from reviews.services.decisions import DecisionRefused, proposal_decide, proposal_rebase
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def approve(proposal_id: int, user, **kwargs) -> Proposal:
    action = "edit_approve" if kwargs.get("edits") or kwargs.get("field_decisions") else "approve"
    return proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(user), action=action, **kwargs)


def fields_of(proposal_id: int) -> dict[str, CrmFieldChange]:
    return {change.field: change for change in CrmFieldChange.objects.filter(proposal_id=proposal_id)}


def state(proposal_id: int) -> tuple[str, str]:
    return Proposal.objects.get(pk=proposal_id).status, Execution.objects.get(proposal_id=proposal_id).state


def test_only_the_approved_fields_are_written_with_the_reviewers_edits(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "Department": "R&D",
                                     "MailingCity": "London"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO", "Department": "Sales",
                                                           "MailingCity": "Berlin"})])

    approve(proposal_id, rita, field_decisions={"Title": True, "Department": False, "MailingCity": True},
            edits={"Title": "Chief Technology Officer"})
    proposals_execute(proposal_ids=[proposal_id])

    record = org.get("Contact", contact)
    assert (record["Title"], record["Department"], record["MailingCity"]) == ("Chief Technology Officer", "R&D",
                                                                              "Berlin")
    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    written = {name: change.written_at is not None for name, change in fields_of(proposal_id).items()}
    assert written == {"Title": True, "Department": False, "MailingCity": True}
    assert Proposal.objects.get(pk=proposal_id).final_output["fields"] == {"Title": "Chief Technology Officer",
                                                                          "MailingCity": "Berlin"}


def test_a_change_naming_an_external_id_is_upserted_by_it(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "External_Id__c": "crm-42"})
    (proposal_id,) = changes.submit([("Contact", contact, {"External_Id__c": "crm-42", "Title": "CTO"})],
                                    external_id_field="External_Id__c")
    approve(proposal_id, rita)

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.get("Contact", contact)["Title"] == "CTO"
    assert org.calls("collections_upsert") == 1 and org.calls("collections_update") == 0
    assert Execution.objects.get(proposal_id=proposal_id).provider_id == contact
    assert ExecutionAttempt.objects.get(proposal_id=proposal_id).request_kind == "upsert"


def test_a_field_changed_in_the_crm_since_the_proposal_is_a_conflict_approved_again(org, changes, always_review,
                                                                                    rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "Department": "R&D"})
    other = org.create("Contact", {"LastName": "Hopper", "Title": "Engineer"})
    conflicting, clean = changes.submit([("Contact", contact, {"Title": "CTO", "Department": "Sales"}),
                                         ("Contact", other, {"Title": "Admiral"})])
    for proposal_id in (conflicting, clean):
        approve(proposal_id, rita)
    org.update("Contact", contact, {"Title": "Director"})  # someone edits the record in Salesforce meanwhile

    proposals_execute(proposal_ids=[conflicting, clean])

    assert state(conflicting) == (Status.CONFLICT, ExecutionState.CONFLICT)
    assert state(clean) == (Status.DONE, ExecutionState.SUCCEEDED)
    record = org.get("Contact", contact)
    assert (record["Title"], record["Department"]) == ("Director", "R&D")  # nothing written to that record
    shown = {name: (c.before_value, c.conflict_value, c.approved_value) for name, c in fields_of(conflicting).items()}
    assert shown == {"Title": ("Engineer", "Director", "CTO"), "Department": ("R&D", "R&D", "Sales")}
    execution = Execution.objects.get(proposal_id=conflicting)
    assert execution.error_code == "CONFLICT" and "Title" in execution.last_error
    assert ExecutionAttempt.objects.get(proposal_id=conflicting).outcome == ExecutionAttempt.Outcome.CONFLICT
    assert AuditEvent.objects.filter(proposal_id_ref=conflicting, action="conflict").exists()

    # A plain approval would write over "Director": refused, naming the two choices; nothing moves.
    with pytest.raises(DecisionRefused, match='"Rebase".*"Overwrite"'):
        approve(conflicting, rita)
    assert Proposal.objects.get(pk=conflicting).status == Status.CONFLICT
    assert fields_of(conflicting)["Title"].before_value == "Engineer"

    # The same reviewer overwrites, knowing the CRM now says "Director": the baseline moves there.
    approve(conflicting, rita, conflict_resolution="overwrite")
    shown = {name: (c.before_value, c.conflict_value) for name, c in fields_of(conflicting).items()}
    assert shown == {"Title": ("Director", None), "Department": ("R&D", None)}
    assert Decision.objects.filter(proposal_id=conflicting, reviewer=rita, revoked_at__isnull=True).count() == 1
    proposals_execute(proposal_ids=[conflicting])

    assert state(conflicting) == (Status.DONE, ExecutionState.SUCCEEDED)
    record = org.get("Contact", contact)
    assert (record["Title"], record["Department"]) == ("CTO", "Sales")


def test_a_field_whose_value_was_never_read_is_written_only_where_the_crm_field_is_empty(org, changes, always_review,
                                                                                        rita) -> None:
    """No baseline (the record could not be read when the change was checked): nothing the reviewer
    never saw is overwritten. An empty field is written; a filled one is a conflict showing its value."""
    filled = org.create("Contact", {"LastName": "Lovelace", "Title": "Director"})
    empty = org.create("Contact", {"LastName": "Hopper"})
    on_filled, on_empty = changes.submit([("Contact", filled, {"Title": "CTO"}), ("Contact", empty, {"Title": "CTO"})])
    # What a check that could not read the records leaves behind: no "before" values.
    CrmFieldChange.objects.filter(proposal_id__in=[on_filled, on_empty]).update(before_value=None,
                                                                                before_captured_at=None)
    for proposal_id in (on_filled, on_empty):
        approve(proposal_id, rita)

    proposals_execute(proposal_ids=[on_filled, on_empty])

    assert state(on_empty) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.get("Contact", empty)["Title"] == "CTO"
    assert state(on_filled) == (Status.CONFLICT, ExecutionState.CONFLICT)
    assert org.get("Contact", filled)["Title"] == "Director"
    assert fields_of(on_filled)["Title"].conflict_value == "Director"

    approve(on_filled, rita, conflict_resolution="overwrite")  # seen now: written unless the CRM changes again
    proposals_execute(proposal_ids=[on_filled])
    assert state(on_filled) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.get("Contact", filled)["Title"] == "CTO"


def test_field_names_are_matched_as_salesforce_does_without_regard_to_case(org, changes, always_review, rita) -> None:
    """An allow-list (and so an agent) may spell a field otherwise than Salesforce does; its "before"
    value is still read, so a later edit in the CRM is still a conflict."""
    CrmObjectRule.objects.filter(crm_object="Contact").update(allowed_fields=["title"])
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"title": "CTO"})])
    assert fields_of(proposal_id)["title"].before_value == "Engineer"
    approve(proposal_id, rita)
    org.update("Contact", contact, {"Title": "Director"})

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.CONFLICT, ExecutionState.CONFLICT)
    assert org.get("Contact", contact)["Title"] == "Director"


def test_approving_a_conflict_again_keeps_the_edits_and_field_decisions_of_the_first_round(
        org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "Department": "R&D"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO", "Department": "Sales"})])
    approve(proposal_id, rita, field_decisions={"Title": True, "Department": False},
            edits={"Title": "Chief Technology Officer"})
    org.update("Contact", contact, {"Title": "Director"})
    proposals_execute(proposal_ids=[proposal_id])
    assert state(proposal_id) == (Status.CONFLICT, ExecutionState.CONFLICT)

    # Overwritten: what was approved before, not the AI's proposal
    approve(proposal_id, rita, conflict_resolution="overwrite")
    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    record = org.get("Contact", contact)
    assert (record["Title"], record["Department"]) == ("Chief Technology Officer", "R&D")
    assert Proposal.objects.get(pk=proposal_id).final_output["fields"] == {"Title": "Chief Technology Officer"}


def test_overwriting_writes_over_the_value_seen_and_only_that_one(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    approve(proposal_id, rita)
    org.update("Contact", contact, {"Title": "Director"})
    proposals_execute(proposal_ids=[proposal_id])
    approve(proposal_id, rita, conflict_resolution="overwrite")  # over "Director", the value found
    org.update("Contact", contact, {"Title": "Head of R&D"})  # and yet another edit before the push

    proposals_execute(proposal_ids=[proposal_id])

    assert state(proposal_id) == (Status.CONFLICT, ExecutionState.CONFLICT)  # not written over a value unseen
    assert org.get("Contact", contact)["Title"] == "Head of R&D"


def test_rebase_takes_the_crms_value_as_the_base_and_a_person_decides_again(org, changes, auto_approve, rita,
                                                                           ruth) -> None:
    """Even where the policy approves such changes by itself, a rebased one goes to a person."""
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    assert Proposal.objects.get(pk=proposal_id).status == Status.APPROVED  # by the policy
    org.update("Contact", contact, {"Title": "Director"})
    proposals_execute(proposal_ids=[proposal_id])
    assert state(proposal_id) == (Status.CONFLICT, ExecutionState.CONFLICT)
    org.update("Contact", contact, {"Title": "Head of R&D"})  # it moves again before the reviewer acts

    proposal_rebase(proposal_id=proposal_id, actor=Actor.for_user(rita))
    assert Proposal.objects.get(pk=proposal_id).status == Status.CHECKING
    proposals_run_checks(proposal_ids=[proposal_id])  # what the enqueued task runs

    assert Proposal.objects.get(pk=proposal_id).status == Status.NEEDS_REVIEW
    title = fields_of(proposal_id)["Title"]
    assert (title.before_value, title.decision, title.conflict_value) == ("Head of R&D", "pending", None)
    assert org.calls("collections_update") == 0  # nothing was written
    assert Decision.objects.get(proposal_id=proposal_id, action="auto_approve").settled == Decision.Settled.CONFLICT

    approve(proposal_id, ruth)  # a plain approval now: the base is the CRM's current value
    proposals_execute(proposal_ids=[proposal_id])
    assert state(proposal_id) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.get("Contact", contact)["Title"] == "CTO"


def test_only_a_conflict_can_be_rebased_or_overwritten(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    with pytest.raises(DecisionRefused, match="only a change in conflict can be rebased"):
        proposal_rebase(proposal_id=proposal_id, actor=Actor.for_user(rita))
    with pytest.raises(DecisionRefused, match="only a change in conflict can be overwritten"):
        approve(proposal_id, rita, conflict_resolution="overwrite")
    with pytest.raises(DecisionRefused, match="unknown conflict resolution 'merge'"):
        approve(proposal_id, rita, conflict_resolution="merge")
    assert Proposal.objects.get(pk=proposal_id).status == Status.NEEDS_REVIEW


def test_a_conflict_can_be_dismissed(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    approve(proposal_id, rita)
    org.update("Contact", contact, {"Title": "Director"})
    proposals_execute(proposal_ids=[proposal_id])
    assert state(proposal_id) == (Status.CONFLICT, ExecutionState.CONFLICT)

    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="reject", reason_code="factual_error")
    proposals_execute(proposal_ids=[proposal_id])

    assert Proposal.objects.get(pk=proposal_id).status == Status.REJECTED
    assert org.get("Contact", contact)["Title"] == "Director"
    assert org.calls("collections_update") == 0


def test_a_permanent_error_fails_with_salesforces_message_and_can_be_fixed_and_retried(org, changes, always_review,
                                                                                      rita, sam) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    other = org.create("Contact", {"LastName": "Hopper", "Title": "Engineer"})
    failing, fine = changes.submit([("Contact", contact, {"Title": "CTO"}), ("Contact", other, {"Title": "VP"})])
    for proposal_id in (failing, fine):
        approve(proposal_id, rita)
    # A validation rule whose error shows at the Title field: the record's error names it in "fields"
    # (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm,
    # the errors array: statusCode, message, fields).
    org.inject_record_error("FIELD_CUSTOM_VALIDATION_EXCEPTION", record_ids=[contact],
                            message="Title must not be an abbreviation", fields=["Title"])

    proposals_execute(proposal_ids=[failing, fine])

    assert state(failing) == (Status.FAILED, ExecutionState.FAILED)
    assert state(fine) == (Status.DONE, ExecutionState.SUCCEEDED)  # allOrNone false: the other record went in
    execution = Execution.objects.get(proposal_id=failing)
    # The record, the code and field, the org's own words: what a RevOps admin needs to find and fix it.
    expected = f"Contact {contact}: FIELD_CUSTOM_VALIDATION_EXCEPTION on Title: Title must not be an abbreviation"
    assert (execution.error_code, execution.last_error) == ("FIELD_CUSTOM_VALIDATION_EXCEPTION", expected)
    assert execution.as_api()["last_error"] == expected
    assert org.calls("collections_update") == 1
    log = ExecutionAttempt.objects.get(proposal_id=failing)
    assert (log.outcome, log.error_message) == (ExecutionAttempt.Outcome.FAILED, expected)

    # The reviewer fixes the value and approves again (someone else could too).
    approve(failing, rita, edits={"Title": "Chief Technology Officer"})
    proposals_execute(proposal_ids=[failing])

    assert state(failing) == (Status.DONE, ExecutionState.SUCCEEDED)
    assert org.get("Contact", contact)["Title"] == "Chief Technology Officer"
    assert Execution.objects.get(proposal_id=failing).attempts == 2
    assert list(ExecutionAttempt.objects.filter(proposal_id=failing).values_list("number", "outcome")) == [
        (1, ExecutionAttempt.Outcome.FAILED), (2, ExecutionAttempt.Outcome.WRITTEN)]


def test_a_record_failure_never_shows_markup_or_a_16_kb_url(org, changes, always_review, rita) -> None:
    """Whatever an org's message carries (a trigger's error quoting a page, a URL with a long query),
    the failure a person reads names the record and the code, and no markup or 16 KB URL: "the
    maximum length for the combined URI and headers is 16,384 bytes"
    (https://help.salesforce.com/s/articleView?id=000386264&type=1), so a message can quote one that long;
    per-record errors as in
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    """
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    approve(proposal_id, rita)
    long_url = "https://hooks.example/notify?payload=" + "x" * 16_300
    org.inject_record_error("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", record_ids=[contact],
                            message=f"ContactTrigger: execution of AfterUpdate caused by: <html><body><h1>502 "
                                    f"Bad Gateway</h1></body></html> from {long_url}")

    proposals_execute(proposal_ids=[proposal_id])

    last_error = Execution.objects.get(proposal_id=proposal_id).last_error
    assert last_error.startswith(f"Contact {contact}: CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: ContactTrigger: "
                                 "execution of AfterUpdate caused by: 502 Bad Gateway from "
                                 "https://hooks.example/notify (a 16,")
    assert "<" not in last_error and "xxxxxxxx" not in last_error and len(last_error) < 400


def test_a_failure_can_be_dismissed(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    approve(proposal_id, rita)
    org.delete("Contact", contact)
    proposals_execute(proposal_ids=[proposal_id])
    execution = Execution.objects.get(proposal_id=proposal_id)
    assert (Proposal.objects.get(pk=proposal_id).status, execution.error_code) == (Status.FAILED, "ENTITY_IS_DELETED")

    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="reject", reason_code="wrong_target")

    assert Proposal.objects.get(pk=proposal_id).status == Status.REJECTED
    assert org.calls("collections_update") == 0


def test_the_audit_trail_keeps_what_was_written_and_salesforces_answer(org, changes, always_review, rita) -> None:
    """Compliance: the ``executed`` event of a real push holds the request (the approved fields) and
    what Salesforce answered (the record, its values after the write, the API usage it reported); the field
    rows' own history holds each field's decision and approved value."""
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "Department": "R&D"})
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO", "Department": "Sales"})])
    approve(proposal_id, rita, field_decisions={"Title": True, "Department": False}, edits={"Title": "Chief"})
    proposals_execute(proposal_ids=[proposal_id])

    executed = AuditEvent.objects.get(proposal_id_ref=proposal_id, action="executed").data
    assert executed["request"]["fields"] == {"Title": "Chief"}
    answer = executed["response"]
    assert (answer["status"], answer["crm_id"], answer["written"]) == ("done", contact, True)
    assert answer["current"] == {"Title": "Chief"} and answer["api_usage"][0] > 0

    title = CrmFieldChange.objects.get(proposal_id=proposal_id, field="Title")
    history = list(title.history.order_by("history_date", "history_id")
                   .values_list("decision", "approved_value", "written_at"))
    assert history[0] == ("pending", None, None)  # as proposed
    assert ("approved", "Chief", None) in history  # the reviewer's decision and edit
    assert history[-1][:2] == ("approved", "Chief") and history[-1][2] is not None  # written
    department = CrmFieldChange.objects.get(proposal_id=proposal_id, field="Department")
    assert department.history.order_by("-history_date", "-history_id").first().decision == "rejected"
