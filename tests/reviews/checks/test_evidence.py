"""Evidence with a source, and the confidence thresholds (overall and per field)."""

from __future__ import annotations

import pytest

from reviews.gate import gate_decide
from reviews.models import Policy
from reviews.services.checking import proposal_checks_evaluate

from .support import context, crm_change, email, fields, run


@pytest.mark.parametrize("evidence,message", [
    ([], "No evidence given"),
    (None, "No evidence given"),
    ([{"source": "", "url": "https://contoso.example"}], "Evidence 1 names no source"),
    ([{"source": "a rumour"}], "Evidence 1 (a rumour) has neither a link nor a quote"),
    ([{"source": "site", "url": "javascript:alert(1)"}], "Evidence 1 (site) has a link that is not http(s)"),
    ([{"source": "press", "quote": "opened Berlin"}, {"source": "blog"}], "Evidence 2 (blog) has neither"),
])
def test_evidence_needs_a_source_and_something_to_check_it_by(evidence: object, message: str) -> None:
    for proposal in (email(evidence=evidence), crm_change(evidence=evidence)):
        outcome = run("evidence", proposal)
        assert not outcome.passed and message in outcome.message


def test_evidence_with_a_source_and_a_link_or_quote_passes() -> None:
    outcome = run("evidence", email(evidence=[{"source": "press release", "quote": "opened Berlin"},
                                              {"source": "LinkedIn", "url": "https://linkedin.example/in/ada"}]))
    assert outcome.passed and "press release, LinkedIn" in outcome.message


def test_confidence_overall_and_per_field() -> None:
    policy = Policy(task_type="contact_update", confidence_threshold=0.9, field_confidence_threshold=0.8)
    assert run("confidence", email(confidence=0.95), context(policy)).passed
    outcome = run("confidence", email(confidence=0.5), context(policy))
    assert not outcome.passed and "Confidence 0.50 is under the threshold 0.90" == outcome.message
    assert "no confidence" in run("confidence", email(confidence=None), context(policy)).message
    low_field = context(policy, field_changes=fields(Title=("VP Sales", 0.97), Department=("Sales", 0.4)))
    outcome = run("confidence", crm_change(confidence=0.95), low_field)
    assert not outcome.passed and "Low confidence for Department 0.40" in outcome.message
    assert outcome.details["fields"] == {"Department": 0.4}
    # A field without its own confidence carries the overall one.
    assert run("confidence", crm_change(confidence=0.95), context(policy, field_changes=fields(Title="VP"))).passed


LINKEDIN = {"source": "LinkedIn", "url": "https://linkedin.example/in/ada"}


def test_a_crm_field_is_backed_by_an_entry_naming_it_case_insensitively_as_salesforce() -> None:
    evidence = [{**LINKEDIN, "quote": "Ada leads sales", "fields": ["title", "DEPARTMENT"]}]
    ctx = context(field_changes=fields(Title="VP Sales", Department="Sales"))
    outcome = run("evidence", crm_change(evidence=evidence), ctx)
    assert outcome.passed and outcome.message == "Backed by 1 source(s): LinkedIn"


def test_every_crm_field_no_entry_backs_is_named_once_an_agent_links_evidence_to_fields() -> None:
    # Department is named by no entry, and an entry that names its fields backs only those, even if
    # its quote happens to contain another field's value.
    evidence = [{**LINKEDIN, "quote": "VP Sales, Marketing team", "fields": ["Title"]},
                {"source": "press release", "quote": "She moved to Berlin"}]
    ctx = context(field_changes=fields(Title="VP Sales", Department="Marketing", MailingCity="Munich"))
    outcome = run("evidence", crm_change(evidence=evidence), ctx)
    assert not outcome.passed
    assert outcome.message == "No evidence backs Department, MailingCity: no source names it or quotes its value"
    assert outcome.details == {"unbacked_fields": ["Department", "MailingCity"]}
    # An old-style entry still backs a field by quoting its value (case-insensitive).
    evidence.append({"source": "company site", "quote": "our team in MUNICH and the marketing group"})
    assert run("evidence", crm_change(evidence=evidence), ctx).passed


def test_old_style_evidence_backs_a_field_by_quoting_its_value() -> None:
    ctx = context(field_changes=fields(Title="VP Sales", Department="Marketing"))
    quoted = crm_change(evidence=[{**LINKEDIN, "quote": "Ada is vp sales and runs marketing"}])
    assert run("evidence", quoted, ctx).passed
    # Quoting none of the proposed values backs nothing: the entry is not about this change.
    outcome = run("evidence", crm_change(evidence=[{**LINKEDIN, "quote": "Ada joined in 2019"}]), ctx)
    assert not outcome.passed
    assert outcome.message == "No evidence backs Title, Department: no source names it or quotes its value"


def test_old_style_evidence_quoting_some_values_fails_naming_the_rest() -> None:
    """A quoted title does not back the department an agent inferred beside it: the change fails
    (soft, so a person confirms the value) and names exactly the fields the review page shows "—" for."""
    ctx = context(field_changes=fields(Title="Head of Data", Department="Engineering"))
    outcome = run("evidence", crm_change(evidence=[{**LINKEDIN, "quote": "Head of Data at Contoso"}]), ctx)
    assert not outcome.passed
    assert outcome.message == "No evidence backs Department: no source names it or quotes its value"
    assert outcome.details == {"unbacked_fields": ["Department"]}


def test_a_value_too_short_or_not_text_is_backed_only_by_a_link() -> None:
    ctx = context(field_changes=fields(Title="VP Sales", HasOptedOutOfEmail=True, LeadSource="A"))
    quote_only = crm_change(evidence=[{**LINKEDIN, "quote": "VP Sales, true to form; A-list"}])
    outcome = run("evidence", quote_only, ctx)
    assert not outcome.passed and outcome.details == {"unbacked_fields": ["HasOptedOutOfEmail", "LeadSource"]}
    linked = crm_change(evidence=[{**LINKEDIN, "quote": "VP Sales"},
                                  {"source": "web form", "quote": "opted out; source A", "fields": ["HasOptedOutOfEmail"]}])
    outcome = run("evidence", linked, ctx)
    assert not outcome.passed and outcome.details == {"unbacked_fields": ["LeadSource"]}


def test_an_unreadable_fields_list_is_a_problem_of_the_entry() -> None:
    outcome = run("evidence", crm_change(evidence=[{**LINKEDIN, "quote": "VP Sales", "fields": "Title"}]),
                  context(field_changes=fields(Title="VP Sales")))
    assert not outcome.passed and "Evidence 1 (LinkedIn) names the fields it backs in a form that cannot be read" \
        == outcome.message


def test_an_enrichment_with_an_unbacked_field_goes_to_a_person_under_a_calibrated_policy() -> None:
    policy = Policy(task_type="title_enrichment", mode="calibrated", confidence_threshold=0.9,
                    field_confidence_threshold=0.8, audit_sample_rate=0)
    changes = fields(Title=("VP Sales", 0.97), Department=("Sales", 0.97))
    proposal = crm_change(change_kind="enrichment", task_type="title_enrichment", pk=11,
                          evidence=[{**LINKEDIN, "quote": "VP Sales at Contoso", "fields": ["Title"]}])
    results = proposal_checks_evaluate(proposal, context(policy, field_changes=changes))
    evidence = next(r for r in results if r.name == "evidence")
    assert not evidence.passed and evidence.severity == "soft" and "Department" in evidence.message
    verdict = gate_decide(proposal, policy, [(r.name, r.severity, r.passed) for r in results], changes)
    assert verdict.status == "needs_review" and "evidence" in verdict.reason
