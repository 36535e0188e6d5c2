"""Evidence with a source, and the confidence thresholds (overall and per field)."""

from __future__ import annotations

import pytest

from reviews.models import Policy

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
