"""The registry: which checks run for a kind and policy, projects' own checks, and what the
checking service stores when a check crashes or a policy names one that is not installed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from reviews.checks.base import CheckRegistry, registry
from reviews.models import Policy
from reviews.services.checking import proposal_checks_evaluate

from .extra import BrokenCheck
from .support import BODY, context, crm_change, email

EMAIL_DEFAULTS = {"placeholders", "length", "company_name", "tone", "shouting", "evidence", "confidence",
                  "personal_data", "do_not_contact", "duplicate_outreach", "repetition",
                  "sender_identity", "lawful_basis", "contact_caps"}
CRM_DEFAULTS = {"evidence", "confidence", "personal_data", "field_validity", "repetition"}


def test_defaults_per_kind() -> None:
    assert {c.name for c in registry.for_proposal("email_draft", [])} == EMAIL_DEFAULTS
    assert {c.name for c in registry.for_proposal("crm_change", None)} == CRM_DEFAULTS


def test_a_policy_chooses_its_checks_and_unknown_names_are_reported() -> None:
    checks, unknown = registry.resolve("email_draft", ["tone", "field_validity", "nope"])
    assert [c.name for c in checks] == ["tone"]  # field_validity does not apply to emails
    assert unknown == ["nope"]
    with pytest.raises(KeyError, match="nope"):
        registry.for_proposal("email_draft", ["nope"])


@override_settings(HITLCRM_EXTRA_CHECKS=["tests.reviews.checks.extra.NoCompetitorsCheck"])
def test_projects_add_checks_by_dotted_path() -> None:
    fresh = CheckRegistry()  # the global one loaded its extras already
    assert "no_competitors" in fresh.names()
    # Not a default: it runs where a policy names it.
    assert "no_competitors" not in {c.name for c in fresh.for_proposal("email_draft", [])}
    check = fresh.for_proposal("email_draft", ["no_competitors"])[0]
    assert not check.run(email(body=BODY + "\nUnlike Globex, we..."), context()).passed


def test_a_crashing_check_or_an_unknown_name_becomes_a_failed_soft_result() -> None:
    registry.register(BrokenCheck)  # not a default: runs only where a policy names it
    results = proposal_checks_evaluate(email(), context(Policy(task_type="x", checks=["broken", "tone", "gone"])))
    by_name = {r.name: r for r in results}
    assert set(by_name) == {"broken", "tone", "gone"}
    assert not by_name["broken"].passed and by_name["broken"].severity == "soft"
    assert "could not run (RuntimeError)" in by_name["broken"].message
    assert by_name["tone"].passed
    assert not by_name["gone"].passed and "not installed (gone)" in by_name["gone"].message


def test_an_outcome_may_soften_its_check_and_the_result_records_it() -> None:
    results = proposal_checks_evaluate(crm_change(), context(Policy(task_type="x", checks=["field_validity"]),
                                                             with_describe=False))
    assert [(r.name, r.passed, r.severity) for r in results] == [("field_validity", False, "soft")]


def test_policy_validation_names_unknown_checks_and_unsafe_modes() -> None:
    with pytest.raises(ValidationError) as error:
        Policy(task_type="x", checks=["tone", "nope"], mode="log_only", reversible=False,
               tone_lexicon={"hype": ["re:(unclosed"]}, length_limits={"subject": -1}).clean()
    assert set(error.value.message_dict) == {"checks", "mode", "tone_lexicon", "length_limits"}
    Policy(task_type="x", checks=["tone"], mode="log_only", reversible=True).clean()
