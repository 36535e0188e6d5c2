"""Field validity against describe metadata, and do-not-contact from the CRM record. Without the
CRM's data they fail soft and say what could not be checked; they never pass silently."""

from __future__ import annotations

import pytest

from integrations.salesforce.records import OptedOutRecord

from .support import context, crm_change, email, fields, run


@pytest.mark.parametrize("crm_object,proposed,message", [
    ("Contact", {"Favourite_Colour__c": "blue"}, "Contact has no field Favourite_Colour__c"),
    ("Contact", {"Title": "x" * 129}, "Title is 129 characters long; the maximum is 128"),
    ("Contact", {"LeadSource": "Cold call"}, "LeadSource: 'Cold call' is not an allowed value"),
    ("Contact", {"Name": "Ada Lovelace"}, "Name is read-only in Salesforce"),
    ("Contact", {"Email": "not an address"}, "not a valid email address"),
    ("Contact", {"HasOptedOutOfEmail": "yes"}, "must be true or false"),
    ("Opportunity", {"StageName": "Won-ish"}, "StageName: 'Won-ish' is not an allowed value"),
    ("Opportunity", {"Amount": "lots"}, "Amount must be a number"),
    ("Lead", {"NumberOfEmployees": 2.5}, "NumberOfEmployees must be a whole number"),
])
def test_a_value_the_crm_would_refuse_fails_hard(crm_object: str, proposed: dict, message: str) -> None:
    valid = {"Department": "Sales"} if crm_object == "Contact" else {}  # a fine field alongside is not named
    ctx = context(crm_object=crm_object, field_changes=fields(**valid, **proposed))
    outcome = run("field_validity", crm_change(crm_object), ctx)
    assert not outcome.passed
    assert outcome.severity is None  # the check's own: hard
    assert message in outcome.message
    assert set(outcome.details["fields"]) == set(proposed)


def test_values_that_fit_pass() -> None:
    ctx = context(crm_object="Opportunity", field_changes=fields(StageName="Closed Won", Amount=125000.5,
                                                                  Description="Renewal, three years"))
    outcome = run("field_validity", crm_change("Opportunity"), ctx)
    assert outcome.passed and "All 3 field(s) valid for Opportunity" in outcome.message


def test_without_describe_metadata_field_validity_fails_soft_and_says_why() -> None:
    outcome = run("field_validity", crm_change(), context(with_describe=False, field_changes=fields(Title="VP")))
    assert not outcome.passed and outcome.severity == "soft"
    assert "Contact field metadata could not be read (Salesforce is not configured)" in outcome.message
    outcome = run("field_validity", crm_change(),
                  context(with_describe=False, crm_error="INVALID_SESSION_ID", field_changes=fields(Title="VP")))
    assert "could not be read (INVALID_SESSION_ID)" in outcome.message


def test_an_opted_out_recipient_blocks_hard() -> None:
    outcome = run("do_not_contact", email(), context(crm_record={"HasOptedOutOfEmail": True, "DoNotCall": False}))
    assert not outcome.passed and outcome.severity is None
    assert "opted out of email" in outcome.message


def test_do_not_call_fails_soft_and_a_clear_record_passes() -> None:
    outcome = run("do_not_contact", email(), context(crm_record={"HasOptedOutOfEmail": False, "DoNotCall": True}))
    assert not outcome.passed and outcome.severity == "soft" and "Do Not Call" in outcome.message
    assert run("do_not_contact", email(), context(crm_record={"HasOptedOutOfEmail": False})).passed


@pytest.mark.parametrize("proposal_values,ctx_values,message", [
    ({"crm_id": "", "crm_object": ""}, {}, "No CRM record given for the recipient"),
    ({}, {"crm_record": None}, "CRM record could not be read (Salesforce is not configured): opt-out unknown"),
    ({}, {"crm_record": None, "crm_error": "Contact 003… was not found in the CRM"}, "was not found in the CRM"),
    ({}, {"crm_record": {"Id": "x"}}, "has no email opt-out flag to check"),
])
def test_an_unknown_opt_out_fails_soft(proposal_values: dict, ctx_values: dict, message: str) -> None:
    outcome = run("do_not_contact", email(**proposal_values), context(**ctx_values))
    assert not outcome.passed and outcome.severity == "soft"
    assert message in outcome.message


LEAD = OptedOutRecord("Lead", "00Q5g00000ABCDeEAP", converted=True)


def test_an_opt_out_elsewhere_in_the_crm_blocks_hard_even_without_a_named_record() -> None:
    for proposal in (email(), email(crm_id="", crm_object="")):
        outcome = run("do_not_contact", proposal, context(crm_record={"HasOptedOutOfEmail": False},
                                                          crm_opt_outs={"ada@contoso.example": [LEAD]}))
        assert not outcome.passed and outcome.severity is None
        assert outcome.message == f"Lead {LEAD.crm_id} (converted) holds ada@contoso.example and opted out of email"


def test_the_named_records_own_opt_out_is_reported_first_and_an_unread_org_is_soft() -> None:
    outcome = run("do_not_contact", email(), context(crm_record={"HasOptedOutOfEmail": True},
                                                     crm_opt_outs={"ada@contoso.example": [LEAD]}))
    assert outcome.severity is None and "(HasOptedOutOfEmail in the CRM)" in outcome.message
    outcome = run("do_not_contact", email(), context(crm_record={"HasOptedOutOfEmail": False},
                                                     crm_opt_outs_error="INVALID_FIELD: No such column"))
    assert not outcome.passed and outcome.severity == "soft"
    assert "could not be read (INVALID_FIELD: No such column): opt-out unknown" in outcome.message
    assert run("do_not_contact", email(), context(crm_record={"HasOptedOutOfEmail": False},
                                                  crm_opt_outs={"ada@contoso.example": []})).passed
