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
