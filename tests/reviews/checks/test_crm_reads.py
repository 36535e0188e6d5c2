"""The CRM-dependent checks on data read from Salesforce (the local emulator over HTTPS): an
opted-out contact is blocked, the flags are cached for the next draft, CRM values are validated
against the org's describe metadata."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.test import override_settings

from integrations.salesforce import client as client_module
from integrations.salesforce_emulator import EmulatorServer
from reviews.models import CheckResult, Proposal
from reviews.services.checking import proposal_run_checks
from reviews.state_machine import Status
from tests.integrations.salesforce.conftest import salesforce_settings
from tests.reviews.conftest import crm_payload, email_payload

pytestmark = pytest.mark.django_db
_caches = itertools.count()


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(port=0, cert_dir=tmp_path_factory.mktemp("sf-checks"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def salesforce(org: EmulatorServer) -> Iterator[EmulatorServer]:
    org.reset()
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": f"check-tests-{next(_caches)}"}}
    client_module.reset_clients()
    with override_settings(CACHES=caches, **salesforce_settings(org)):
        yield org
    client_module.reset_clients()


def checked(api, path: str, payload: dict) -> tuple[Proposal, dict[str, CheckResult]]:
    response = api.post(f"/api/v1/{path}/", payload, format="json")
    assert response.status_code == 201, response.content
    proposal = proposal_run_checks(proposal_id=response.json()["id"])
    return proposal, {r.name: r for r in CheckResult.objects.filter(proposal=proposal)}


def test_an_opted_out_contact_is_blocked_and_the_flags_are_cached(api, salesforce) -> None:
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example",
                                            "HasOptedOutOfEmail": True})
    proposal, results = checked(api, "email-drafts", email_payload(crm_id=contact))
    assert proposal.status == Status.BLOCKED
    assert not results["do_not_contact"].passed and results["do_not_contact"].severity == "hard"
    assert "opted out of email" in results["do_not_contact"].message

    reads = salesforce.calls("query")
    assert reads >= 1
    _second, results = checked(api, "email-drafts", email_payload(crm_id=contact, subject="Another idea for Contoso"))
    assert not results["do_not_contact"].passed
    assert salesforce.calls("query") == reads  # served from the cache


def test_a_contact_who_did_not_opt_out_passes(api, salesforce) -> None:
    contact = salesforce.create("Contact", {"LastName": "Hopper", "Email": "ada@contoso.example"})
    _proposal, results = checked(api, "email-drafts", email_payload(crm_id=contact))
    assert results["do_not_contact"].passed, results["do_not_contact"].message


def test_crm_values_are_validated_against_the_orgs_metadata(api, salesforce) -> None:
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    proposal, results = checked(api, "crm-changes", crm_payload(crm_id=contact))
    assert results["field_validity"].passed and "All 2 field(s) valid for Contact" in results["field_validity"].message
    assert {c.field: c.before_value for c in proposal.field_changes.all()} == {"Title": "Engineer",
                                                                               "Department": None}


# --- do-not-contact across the org ------------------------------------------------------------------

def soql_sent(salesforce: EmulatorServer) -> list[str]:
    return [entry["query"]["q"][0] for entry in salesforce.request_log if entry["kind"] == "query"]


def test_a_duplicate_contact_that_opted_out_blocks_though_the_named_one_did_not(api, salesforce) -> None:
    """A second Contact holds the address in other letters and opted out: the person asked not to be
    emailed, whichever record the agent names. SOQL compares text case-insensitively ("For all other
    fields, comparisons are case-insensitive"), so one ``Email IN (…)`` finds both spellings.
    https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-comparisonoperators.html
    https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-contact.html
    """
    named = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    duplicate = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "Ada@Contoso.EXAMPLE",
                                              "HasOptedOutOfEmail": True})
    proposal, results = checked(api, "email-drafts", email_payload(crm_id=named))
    assert proposal.status == Status.BLOCKED
    outcome = results["do_not_contact"]
    assert not outcome.passed and outcome.severity == "hard"
    assert outcome.message == f"Contact {duplicate} holds ada@contoso.example and opted out of email"
    assert outcome.details["opted_out"] == {"ada@contoso.example": [
        {"object": "Contact", "id": duplicate, "converted": False}]}


def test_a_converted_lead_that_opted_out_blocks(api, salesforce) -> None:
    """Converting a Lead leaves the Lead in the org with ``IsConverted`` true and its fields as they
    were, ``HasOptedOutOfEmail`` among them; the opt-out it records still stands, so the look-up does
    not filter on ``IsConverted``.
    https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-lead.html
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/object_ref/sforce_api_calls_convertlead.htm
    """
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    lead = salesforce.create("Lead", {"LastName": "Lovelace", "Company": "Contoso", "Email": "ada@contoso.example",
                                      "HasOptedOutOfEmail": True, "IsConverted": True,
                                      "Status": "Closed - Converted"})
    _proposal, results = checked(api, "email-drafts", email_payload(crm_id=contact))
    outcome = results["do_not_contact"]
    assert not outcome.passed and outcome.severity == "hard"
    assert f"Lead {lead} (converted) holds ada@contoso.example and opted out of email" == outcome.message


def test_a_recipient_who_is_not_the_named_record_and_opted_out_elsewhere_blocks(api, salesforce) -> None:
    """Every address in ``to`` is looked up, not only the named record's Email.
    https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-lead.html
    """
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    lead = salesforce.create("Lead", {"LastName": "Hopper", "Company": "Contoso", "Email": "grace@contoso.example",
                                      "HasOptedOutOfEmail": True})
    proposal, results = checked(api, "email-drafts", email_payload(
        crm_id=contact, to=["ada@contoso.example", "Grace@contoso.example"]))
    assert proposal.status == Status.BLOCKED
    assert results["do_not_contact"].message == f"Lead {lead} holds grace@contoso.example and opted out of email"


def test_a_person_account_that_opted_out_blocks_where_the_org_has_them(api, salesforce) -> None:
    """With Person Accounts enabled, Account carries the person's ``PersonEmail`` and
    ``PersonHasOptedOutOfEmail`` (and ``IsPersonAccount``); Account's describe lists them only then.
    https://developer.salesforce.com/docs/atlas.en-us.244.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Account.htm
    """
    salesforce.enable_person_accounts()
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    person = salesforce.create("Account", {"Name": "Ada Lovelace", "IsPersonAccount": True,
                                           "PersonEmail": "ada@contoso.example", "PersonHasOptedOutOfEmail": True})
    salesforce.create("Account", {"Name": "Contoso"})  # a business account
    _proposal, results = checked(api, "email-drafts", email_payload(crm_id=contact))
    outcome = results["do_not_contact"]
    assert not outcome.passed and outcome.severity == "hard"
    assert outcome.message == f"Account {person} (person account) holds ada@contoso.example and opted out of email"
    assert any("FROM Account WHERE PersonEmail IN" in soql for soql in soql_sent(salesforce))


def test_without_person_accounts_no_account_is_queried_and_nobody_opted_out_passes(api, salesforce) -> None:
    """An org without Person Accounts has no ``PersonEmail`` on Account (describe says so): querying it
    would fail with INVALID_FIELD, so Account is not queried; Leads and Contacts are, once each.
    https://developer.salesforce.com/docs/atlas.en-us.244.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Account.htm
    """
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    salesforce.create("Lead", {"LastName": "Lovelace", "Company": "Contoso", "Email": "ada@contoso.example"})
    _proposal, results = checked(api, "email-drafts", email_payload(crm_id=contact))
    assert results["do_not_contact"].passed, results["do_not_contact"].message
    sent = soql_sent(salesforce)
    assert not [soql for soql in sent if " FROM Account" in soql]
    assert len([soql for soql in sent if "HasOptedOutOfEmail = true" in soql]) == 2
