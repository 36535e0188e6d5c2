"""A reviewer's edit is checked like the agent's output: an approval with edits runs the checks on the
final text and values first (a hard failure refuses it, a new soft one needs a confirmation), and a
blocked record can be rescued by a senior reviewer's edit that passes the hard checks."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.models import AuditEvent, CheckResult, Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import (
    DecisionRefused,
    EditChecksFailed,
    proposal_decide,
    proposal_rescue,
    proposal_undo,
)
from reviews.state_machine import Status

from .conftest import crm_payload, email_payload

pytestmark = pytest.mark.django_db

APPROVALS = ("approved", "edited_and_approved", "first_approval")
CARD = "4111 1111 1111 1111"  # a Luhn-valid Visa test number
LONG_SUBJECT = ("Idea for Contoso: how the new Berlin office could keep its pipeline data clean from the first "
                "quarter, without extra headcount")


def checked(api: Any, path: str = "email-drafts", **overrides: Any) -> Proposal:
    payload = email_payload(**overrides) if path == "email-drafts" else crm_payload(**overrides)
    response = api.post(f"/api/v1/{path}/", payload, format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return Proposal.objects.get(pk=response.json()["id"])


def edit_approve(proposal: Proposal, reviewer: Any, **kwargs: Any) -> Proposal:
    return proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(reviewer), action="edit_approve", **kwargs)


def assert_nothing_approved(proposal: Proposal, callbacks: list[Any]) -> None:
    """The record waits for review as before: no decision, no approval event, no final output, and no
    execution was scheduled (nothing registered to run on commit)."""
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW
    assert proposal.final_output is None and proposal.decided_by is None
    assert not Decision.objects.filter(proposal=proposal).exists()
    assert not AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action__in=APPROVALS).exists()
    assert callbacks == []


# --- approvals with edits ------------------------------------------------------------------------

def test_a_placeholder_added_in_an_edit_refuses_the_approval_with_the_checks_message(
        api, rita, django_capture_on_commit_callbacks) -> None:
    proposal = checked(api)
    assert proposal.status == Status.NEEDS_REVIEW
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(EditChecksFailed) as refused:
        edit_approve(proposal, rita, edits={"body": "Hi {{first_name}},\n\nContoso just opened a Berlin office."})
    assert str(refused.value) == ("the edit fails a check: placeholders — Unfilled template placeholder in the "
                                  "body: {{first_name}}. Nothing was approved.")
    assert not refused.value.confirmable and [r.name for r in refused.value.failures] == ["placeholders"]
    assert_nothing_approved(proposal, callbacks)
    # The stored results still describe the agent's output, which passed.
    assert CheckResult.objects.get(proposal=proposal, name="placeholders").passed


def test_a_card_number_added_in_an_edit_is_refused_even_with_the_soft_confirmation(
        api, rita, django_capture_on_commit_callbacks) -> None:
    proposal = checked(api)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(EditChecksFailed) as refused:
        edit_approve(proposal, rita, edits={"body": f"Hi Ada,\n\nPay with {CARD} and Contoso is set."},
                     confirm_soft=True)
    assert "Personal data that must not go out: a Visa card number ending 1111 in the body" in str(refused.value)
    assert CARD not in str(refused.value)  # the message shows the last digits only
    assert_nothing_approved(proposal, callbacks)


def test_an_edit_to_a_recipient_who_opted_out_since_the_checks_is_refused(
        api, rita, salesforce, django_capture_on_commit_callbacks) -> None:
    """The approval reads the opt-out from the CRM again, past the short cache the checks filled
    (``HasOptedOutOfEmail``: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm)."""
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    proposal = checked(api, crm_id=contact)
    assert CheckResult.objects.get(proposal=proposal, name="do_not_contact").passed
    salesforce.update("Contact", contact, {"HasOptedOutOfEmail": True})

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(EditChecksFailed) as refused:
        edit_approve(proposal, rita, edits={"subject": "A thought for Contoso"}, confirm_soft=True)
    assert "do_not_contact — The recipient opted out of email (HasOptedOutOfEmail in the CRM)" in str(refused.value)
    assert_nothing_approved(proposal, callbacks)


def test_a_300_character_title_typed_into_a_crm_change_is_refused_at_approval(
        api, rita, salesforce, django_capture_on_commit_callbacks) -> None:
    """Contact.Title holds 128 characters (the describe's ``length``:
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm#field);
    Salesforce refuses a longer value with STRING_TOO_LONG
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm). The
    reviewer learns it when approving, not after moving on."""
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    proposal = checked(api, "crm-changes", crm_id=contact)
    assert CheckResult.objects.get(proposal=proposal, name="field_validity").passed
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(EditChecksFailed) as refused:
        edit_approve(proposal, rita, edits={"Title": "x" * 300}, confirm_soft=True)
    assert "field_validity — Title is 300 characters long; the maximum is 128" in str(refused.value)
    assert_nothing_approved(proposal, callbacks)
    assert {c.field: (c.decision, c.approved_value) for c in proposal.field_changes.all()} == {
        "Title": ("pending", None), "Department": ("pending", None)}


@pytest.mark.parametrize("field,proposed,edited,message", [
    ("LeadSource", "Web", "Cold call", "LeadSource: 'Cold call' is not an allowed value"),  # restricted picklist
    ("HasOptedOutOfEmail", False, "yes", "HasOptedOutOfEmail must be true or false, got 'yes'"),  # type
    ("LastName", "Lovelace", "", "LastName cannot be blank"),  # not nillable
])
def test_an_edited_crm_value_is_validated_against_the_fields_describe(
        api, rita, salesforce, django_capture_on_commit_callbacks, field: str, proposed: Any, edited: Any,
        message: str) -> None:
    """Picklist values, field types and ``nillable`` as the describe reports them
    (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm#field)."""
    contact = salesforce.create("Contact", {"LastName": "Lovelace"})
    proposal = checked(api, "crm-changes", crm_id=contact, fields={"Title": "VP Sales", field: proposed},
                       field_confidence={})
    assert CheckResult.objects.get(proposal=proposal, name="field_validity").passed
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(EditChecksFailed) as refused:
        edit_approve(proposal, rita, edits={field: edited}, confirm_soft=True)
    assert message in str(refused.value)
    assert_nothing_approved(proposal, callbacks)


def test_a_field_the_reviewer_rejects_is_not_checked(api, rita, salesforce) -> None:
    """Only what will be written is validated: a rejected field's edited value goes nowhere."""
    contact = salesforce.create("Contact", {"LastName": "Lovelace"})
    proposal = checked(api, "crm-changes", crm_id=contact)
    edit_approve(proposal, rita, edits={"Title": "VP Sales EMEA", "Department": "y" * 300},
                 field_decisions={"Title": True, "Department": False}, confirm_soft=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.final_output["fields"] == {"Title": "VP Sales EMEA"}


def test_a_new_soft_failure_needs_one_explicit_confirmation(api, rita, django_capture_on_commit_callbacks) -> None:
    proposal = checked(api)
    assert CheckResult.objects.get(proposal=proposal, name="length").passed
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(EditChecksFailed) as refused:
        edit_approve(proposal, rita, edits={"subject": LONG_SUBJECT})
    assert refused.value.confirmable and [r.name for r in refused.value.failures] == ["length"]
    assert f"length — Subject is {len(LONG_SUBJECT)} characters, over the limit of 100" in str(refused.value)
    assert str(refused.value).endswith("Confirm to approve it anyway.")
    assert_nothing_approved(proposal, callbacks)

    with django_capture_on_commit_callbacks() as callbacks:
        edit_approve(proposal, rita, edits={"subject": LONG_SUBJECT}, confirm_soft=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.final_output["subject"] == LONG_SUBJECT
    assert len(callbacks) >= 1  # the execution is scheduled
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="edited_and_approved")
    assert event.data["soft_confirmed"] == ["length"]
    final = {check["name"]: check for check in event.data["checks"]}  # the checks of the final output
    assert not final["length"]["passed"] and final["placeholders"]["passed"]


def test_soft_failures_the_record_already_showed_need_no_confirmation(api, rita) -> None:
    """Without Salesforce the opt-out is unknown (soft) for the agent's draft and for the edit alike:
    the reviewer saw it on the page, so an edit does not ask again."""
    proposal = checked(api)
    assert not CheckResult.objects.get(proposal=proposal, name="do_not_contact").passed
    edit_approve(proposal, rita, edits={"subject": "A thought for Contoso"})
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="edited_and_approved")
    assert event.data["soft_confirmed"] == []
    assert {check["name"] for check in event.data["checks"] if not check["passed"]} == {"do_not_contact"}


def test_a_plain_approval_runs_no_checks_again(api, rita, salesforce) -> None:
    """Nothing the reviewer changed: what was checked is what executes, and Salesforce is not asked."""
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    proposal = checked(api, crm_id=contact)
    reads = salesforce.calls("query")
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    assert salesforce.calls("query") == reads
    assert "checks" not in AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="approved").data


# --- rescue of a blocked record ------------------------------------------------------------------

FIXED_BODY = "Hi Ada,\n\nContoso just opened a Berlin office; teams like yours keep pipeline data clean with us."


def blocked(api: Any) -> Proposal:
    proposal = checked(api, body="Hi {{first_name}},\n\nContoso just opened a Berlin office.")
    assert proposal.status == Status.BLOCKED
    return proposal


def test_a_senior_reviewer_rescues_a_blocked_draft_and_the_rescued_text_is_what_executes(api, rita, sam) -> None:
    proposal = blocked(api)
    original = dict(proposal.original_output)
    proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(sam), edits={"body": FIXED_BODY},
                    note="greeting filled in")
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW and proposal.body == FIXED_BODY
    assert proposal.original_output == original  # the agent's output, untouched
    assert proposal.materially_edited
    results = {r.name: r for r in CheckResult.objects.filter(proposal=proposal)}
    assert results["placeholders"].passed  # the stored results are the edited output's
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="rescued")
    assert event.actor == "sam" and event.data["from"] == Status.BLOCKED and event.data["to"] == Status.NEEDS_REVIEW
    assert event.data["edits"] == {"body": ["Hi {{first_name}},\n\nContoso just opened a Berlin office.", FIXED_BODY]}
    assert event.data["note"] == "greeting filled in"
    assert {check["name"] for check in event.data["checks"]} == set(results)
    history = list(proposal.history.order_by("history_date").values_list("status", "body"))
    assert history[-1] == (Status.NEEDS_REVIEW, FIXED_BODY)

    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.final_output["body"] == FIXED_BODY


def test_a_rescued_crm_change_executes_the_rescued_value(api, rita, sam, salesforce) -> None:
    contact = salesforce.create("Contact", {"LastName": "Lovelace"})
    proposal = checked(api, "crm-changes", crm_id=contact,
                       fields={"Title": "VP Sales", "Description": f"Pays with card {CARD}"}, field_confidence={})
    assert proposal.status == Status.BLOCKED
    with pytest.raises(EditChecksFailed, match="Title is 300 characters long; the maximum is 128"):
        # The rescue's edit is validated against the describe too.
        proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(sam),
                        edits={"Title": "x" * 300, "Description": "Pays by invoice"})
    proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(sam), edits={"Description": "Pays by invoice"})
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW
    assert {c.field: c.proposed_value for c in proposal.field_changes.all()} == {"Title": "VP Sales",
                                                                                 "Description": "Pays by invoice"}
    assert proposal.original_output["fields"]["Description"] == f"Pays with card {CARD}"
    assert CheckResult.objects.get(proposal=proposal, name="personal_data").passed
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal.refresh_from_db()
    assert proposal.final_output["fields"] == {"Title": "VP Sales", "Description": "Pays by invoice"}


def test_a_plain_reviewer_cannot_rescue(api, rita) -> None:
    proposal = blocked(api)
    with pytest.raises(DecisionRefused, match="rescuing a blocked item needs a senior reviewer; nothing changed"):
        proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(rita), edits={"body": FIXED_BODY})
    proposal.refresh_from_db()
    assert proposal.status == Status.BLOCKED and proposal.body.startswith("Hi {{first_name}}")
    assert not AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="rescued").exists()


def test_a_rescue_whose_edit_still_fails_a_hard_check_changes_nothing(api, sam) -> None:
    proposal = blocked(api)
    before = list(CheckResult.objects.filter(proposal=proposal).values_list("name", "passed", "message"))
    with pytest.raises(EditChecksFailed) as refused:
        proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(sam),
                        edits={"body": f"Hi [First Name],\n\nPay with {CARD}."})
    assert "Unfilled template placeholder in the body: [First Name]" in str(refused.value)
    assert "a Visa card number ending 1111" in str(refused.value)
    assert str(refused.value).endswith("Nothing changed.")
    proposal.refresh_from_db()
    assert proposal.status == Status.BLOCKED and proposal.body.startswith("Hi {{first_name}}")
    assert list(CheckResult.objects.filter(proposal=proposal).values_list("name", "passed", "message")) == before
    assert not AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="rescued").exists()


def test_only_a_blocked_record_is_rescued_and_only_with_an_edit(api, sam) -> None:
    waiting = checked(api)
    with pytest.raises(DecisionRefused, match="only a blocked item can be rescued; this one is needs review"):
        proposal_rescue(proposal_id=waiting.pk, actor=Actor.for_user(sam), edits={"body": FIXED_BODY})
    proposal = blocked(api)
    with pytest.raises(DecisionRefused, match="a rescue needs an edit"):
        proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(sam), edits={"body": proposal.body})
    assert Proposal.objects.get(pk=proposal.pk).status == Status.BLOCKED


def test_undoing_the_approval_of_a_rescued_record_keeps_it_counted_as_edited(api, rita, sam, settings) -> None:
    """The rescue corrected the agent's output; taking back a later approval does not undo that."""
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    proposal = blocked(api)
    proposal_rescue(proposal_id=proposal.pk, actor=Actor.for_user(sam), edits={"body": FIXED_BODY})
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal_undo(proposal_id=proposal.pk, actor=Actor.for_user(rita))
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW and proposal.materially_edited


def test_the_checks_of_an_edit_run_before_the_row_lock_is_taken(api, rita, monkeypatch) -> None:
    """A check may take seconds (the AI reviewer asks a model): run under the record's row lock, it
    would make every other decision on the record wait that long. They run before the lock; the locked
    decision uses their results because it approves exactly the output they checked."""
    from django.db import connection

    from reviews.checks.content import ToneCheck

    proposal = checked(api)
    depth_outside = len(connection.atomic_blocks)  # the test's own transaction
    depths: list[int] = []
    real_run = ToneCheck.run

    def tone_run(self: Any, view: Any, context: Any) -> Any:
        depths.append(len(connection.atomic_blocks))
        return real_run(self, view, context)

    monkeypatch.setattr(ToneCheck, "run", tone_run)
    edit_approve(proposal, rita, edits={"subject": "A shorter subject for Contoso"})

    assert depths == [depth_outside]  # once, and outside proposal_decide's transaction (its row lock)
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.final_output["subject"] == "A shorter subject for Contoso"
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="edited_and_approved")
    assert {check["name"] for check in event.data["checks"]} >= {"tone", "placeholders"}
