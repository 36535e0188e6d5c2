"""The sending-rule checks: sender identity and postal address, lawful basis per recipient, contact
caps (counted across agents through the database), and the API's validation of lawful bases."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from reviews.models import Policy, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.state_machine import Status
from tests.factories import agent_with_token, allow_crm_objects, policy

from .support import BODY, context, email, run

CONSENT = {"basis": "consent", "source": "webinar sign-up form", "date": "2025-03-01"}


# --- sender identity and postal address -------------------------------------------------------------------

def test_sender_identity_passes_in_append_mode_and_shows_the_footer_hitlcrm_adds() -> None:
    outcome = run("sender_identity", email())
    assert outcome.passed
    assert outcome.details["footer"].splitlines() == [
        "--", "hitlcrm demo, Outreach team", "Example Street 1, 10115 Berlin, Germany",
        "To stop receiving these emails: <one-click unsubscribe link for each recipient>"]


@pytest.mark.parametrize("missing", ["HITLCRM_SENDER_IDENTITY", "HITLCRM_POSTAL_ADDRESS"])
def test_without_a_configured_identity_or_address_a_cold_email_is_refused(settings, missing: str) -> None:
    setattr(settings, missing, "  ")
    outcome = run("sender_identity", email())
    assert not outcome.passed and f"{missing} not set" in outcome.message


def test_require_mode_refuses_a_draft_without_the_postal_address(settings) -> None:
    settings.HITLCRM_FOOTER_MODE = "require"
    outcome = run("sender_identity", email())
    assert not outcome.passed and "does not contain the sender identity and the postal address" in outcome.message
    signed = email(body=BODY + "\n\nHITLCRM demo,  Outreach team\nExample Street 1\n10115 Berlin Germany")
    assert run("sender_identity", signed).passed


# --- lawful basis ---------------------------------------------------------------------------------------------

def rules(regions: list[str]) -> Policy:
    return Policy(task_type="cold_email", lawful_basis_regions=regions)


def draft(**output: object) -> Proposal:
    return email(original_output={"to": ["ada@contoso.example"], **output})


def test_no_regions_no_basis_needed() -> None:
    assert run("lawful_basis", draft(country="DE"), context(rules([]))).passed


def test_a_recipient_in_a_listed_region_without_a_basis_is_blocked() -> None:
    outcome = run("lawful_basis", draft(country="DE"), context(rules(["EEA"])))
    assert not outcome.passed and outcome.message.startswith("No lawful basis recorded for ada@contoso.example (DE)")
    assert outcome.details["recipients"][0]["required"] is True


def test_a_recorded_basis_passes_and_is_shown() -> None:
    outcome = run("lawful_basis", draft(country="DE", lawful_basis=[CONSENT]), context(rules(["EU"])))
    assert outcome.passed and outcome.message == "Lawful basis recorded: consent"
    assert outcome.details["recipients"][0]["basis"] == CONSENT


def test_the_country_comes_from_the_crm_record_when_the_draft_has_none() -> None:
    """Salesforce's Contact.MailingCountry is free text unless state and country picklists are on
    (https://help.salesforce.com/s/articleView?id=sf.admin_state_country_picklists_overview.htm)."""
    outcome = run("lawful_basis", draft(), context(rules(["GB"]), crm_record={"MailingCountry": "United Kingdom"}))
    assert not outcome.passed and "(GB)" in outcome.message
    outside = run("lawful_basis", draft(), context(rules(["GB"]), crm_record={"MailingCountry": "United States"}))
    assert outside.passed and "No recipient is in a country" in outside.message


def test_an_unknown_country_goes_to_a_person() -> None:
    outcome = run("lawful_basis", draft(), context(rules(["CA"]), crm_record={"MailingCountry": ""}))
    assert not outcome.passed and outcome.severity == "soft" and "Country unknown" in outcome.message


def test_policy_regions_are_validated() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Not a country code or region: Europe"):
        Policy(task_type="x", lawful_basis_regions=["EEA", "Europe"]).clean()
    with pytest.raises(ValidationError, match="lawful_basis_regions is set, so the checks must include lawful_basis"):
        Policy(task_type="x", lawful_basis_regions=["EEA"], checks=["tone"]).clean()
    with pytest.raises(ValidationError, match="a contact cap is set, so the checks must include contact_caps"):
        Policy(task_type="x", cap_per_person=1, checks=["tone"]).clean()


# --- through the API and the database -----------------------------------------------------------------------

@pytest.fixture
def api(db) -> APIClient:
    allow_crm_objects()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {agent_with_token('sdr-bot')[1]}")
    return client


def payload(**values: object) -> dict[str, object]:
    return {"to": ["ada@contoso.example"], "subject": "Idea for Contoso", "body": BODY, "company_name": "Contoso",
            "confidence": 0.95, **values}


def test_the_api_names_the_field_of_a_bad_lawful_basis(api) -> None:
    response = api.post("/api/v1/email-drafts/", payload(lawful_basis=[{"basis": "consent", "source": "form"}]),
                        format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"lawful_basis.0.date": ["Required for consent."]}

    response = api.post("/api/v1/email-drafts/", payload(to=["ada@contoso.example", "grace@contoso.example"],
                                                         lawful_basis=[CONSENT]), format="json")
    assert response.status_code == 400 and "one entry per address in to (2)" in response.json()["fields"]["lawful_basis"][0]

    response = api.post("/api/v1/email-drafts/", payload(lawful_basis=[{"basis": "legitimate_interest"}],
                                                         country="Germany"), format="json")
    assert set(response.json()["fields"]) == {"lawful_basis.0.note", "country"}
    assert not Proposal.objects.exists()


def submit_and_check(api: APIClient, **values: object) -> Proposal:
    response = api.post("/api/v1/email-drafts/", payload(**values), format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return Proposal.objects.get(pk=response.json()["id"])


def test_a_missing_basis_blocks_the_draft_at_submission(api) -> None:
    policy("*", mode="always_review", lawful_basis_regions=["EEA"])
    blocked = submit_and_check(api, country="FR")
    assert blocked.status == Status.BLOCKED
    assert submit_and_check(api, country="FR", lawful_basis=[CONSENT], to=["grace@contoso.example"]).status == \
        Status.NEEDS_REVIEW


def test_contact_caps_count_approved_and_sent_emails_across_agents(api, rita) -> None:
    policy("*", mode="always_review", quiet_period_days=0, cap_per_account=2, cap_per_person=1, cap_window_days=30)
    first = submit_and_check(api, to=["ada@contoso.example"])
    proposal_decide(proposal_id=first.pk, actor=Actor.for_user(rita), action="approve")

    other = APIClient()  # a second agent: the caps are per account and person, not per agent
    other.credentials(HTTP_AUTHORIZATION=f"Token {agent_with_token('another-bot')[1]}")
    again = submit_and_check(other, to=["Ada@Contoso.example"], subject="Following up")
    assert again.status == Status.BLOCKED
    message = again.check_results.get(name="contact_caps").message
    assert message == "Contact cap reached: ada@contoso.example had 1 cold email(s) in the last 30 days (cap 1)"

    second = submit_and_check(other, to=["grace@contoso.example"])
    assert second.status == Status.NEEDS_REVIEW  # the account's second email: within its cap of 2
    proposal_decide(proposal_id=second.pk, actor=Actor.for_user(rita), action="approve")
    third = submit_and_check(api, to=["hedy@contoso.example"])
    assert third.status == Status.BLOCKED
    assert "the account contoso.example had 2 cold email(s)" in third.check_results.get(name="contact_caps").message
    assert submit_and_check(api, to=["hedy@fabrikam.example"]).status == Status.NEEDS_REVIEW


def test_the_review_page_shows_the_footer_hitlcrm_adds_and_the_lawful_basis(api, rita, client) -> None:
    policy("*", mode="always_review", lawful_basis_regions=["EEA"])
    proposal = submit_and_check(api, country="DE", lawful_basis=[CONSENT])
    client.force_login(rita)

    page = " ".join(client.get(proposal.admin_url()).content.decode().split())

    assert ('<pre id="mail-footer" class="mail-body muted" title="Added by hitlcrm when the email is sent">-- '
            "hitlcrm demo, Outreach team Example Street 1, 10115 Berlin, Germany To stop receiving these emails: "
            "&lt;one-click unsubscribe link for each recipient&gt;</pre>") in page
    assert "<dd>ada@contoso.example (DE): consent, webinar sign-up form, 2025-03-01</dd>" in page
