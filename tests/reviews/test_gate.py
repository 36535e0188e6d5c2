"""The calibrated gate: modes, audit sampling, four-eyes, and the checks' results stored and
shown. Verdicts are unit-tested on unsaved records; the routing through the worker's use case
and the database's own four-eyes guarantees use the database."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from reviews.gate import audit_sample_draw, gate_decide, required_approvals
from reviews.models import AuditEvent, CheckResult, CrmFieldChange, CrmObjectRule, Decision, Policy, Proposal
from reviews.services.checking import proposal_run_checks
from reviews.state_machine import Status
from tests.factories import policy

from .conftest import crm_payload, email_payload

PASS = [("tone", "soft", True), ("placeholders", "hard", True), ("confidence", "soft", True)]
SOFT_FAIL = [("tone", "soft", False), ("placeholders", "hard", True)]
HARD_FAIL = [("tone", "soft", True), ("placeholders", "hard", False)]


def record(pk: int = 7, confidence: float = 0.95, approvals: int = 1, risk: int = 2) -> Proposal:
    return Proposal(pk=pk, kind="email_draft", confidence=confidence, required_approvals=approvals, risk=risk)


def rules(**values: object) -> Policy:
    return Policy(**{"task_type": "cold_email", "mode": "calibrated", "audit_sample_rate": 0, **values})


@pytest.mark.parametrize("mode", ["always_review", "calibrated", "log_only"])
def test_a_failed_hard_check_blocks_in_every_mode(mode: str) -> None:
    verdict = gate_decide(record(), rules(mode=mode, reversible=True), HARD_FAIL)
    assert verdict.status == Status.BLOCKED and "placeholders" in verdict.reason


def test_always_review_sends_even_a_perfect_proposal_to_a_person() -> None:
    assert gate_decide(record(), rules(mode="always_review"), PASS).status == Status.NEEDS_REVIEW


def test_calibrated_approves_only_when_every_check_passes_and_confidence_clears() -> None:
    assert gate_decide(record(), rules(), PASS).status == Status.APPROVED
    verdict = gate_decide(record(), rules(), SOFT_FAIL)
    assert verdict.status == Status.NEEDS_REVIEW and verdict.reason == "check failed: tone"
    # The threshold holds even when the policy left the confidence check out.
    without_confidence = [("tone", "soft", True)]
    verdict = gate_decide(record(confidence=0.5), rules(confidence_threshold=0.9), without_confidence)
    assert verdict.status == Status.NEEDS_REVIEW and "under the threshold 0.90" in verdict.reason
    assert gate_decide(record(confidence=None), rules(), without_confidence).status == Status.NEEDS_REVIEW
    low_field = [CrmFieldChange(field="Title", proposed_value="VP", confidence=0.3)]
    verdict = gate_decide(record(), rules(field_confidence_threshold=0.8), without_confidence, low_field)
    assert verdict.status == Status.NEEDS_REVIEW and "Title 0.30" in verdict.reason


def test_log_only_executes_ungated_but_logs_soft_failures_and_is_still_sampled() -> None:
    verdict = gate_decide(record(confidence=0.2), rules(mode="log_only", reversible=True), SOFT_FAIL)
    assert verdict.status == Status.APPROVED
    assert "log-only" in verdict.reason and "soft checks failed: tone" in verdict.reason
    sampled = gate_decide(record(), rules(mode="log_only", reversible=True, audit_sample_rate=1), SOFT_FAIL)
    assert sampled.status == Status.NEEDS_REVIEW and sampled.sampled


def test_log_only_on_an_irreversible_action_is_treated_as_calibrated() -> None:
    verdict = gate_decide(record(), rules(mode="log_only", reversible=False), SOFT_FAIL)
    assert verdict.status == Status.NEEDS_REVIEW


def test_four_eyes_items_are_never_auto_approved() -> None:
    verdict = gate_decide(record(approvals=2), rules(), PASS)
    assert verdict.status == Status.NEEDS_REVIEW and verdict.reason == "two approvals required"


def test_audit_sampling_sends_the_configured_share_of_auto_approvals_to_a_person() -> None:
    ids = range(1, 4001)
    for rate in (0.0, 0.1, 0.3, 1.0):
        verdicts = [gate_decide(record(pk=pk), rules(audit_sample_rate=rate), PASS) for pk in ids]
        sampled = [v for v in verdicts if v.status == Status.NEEDS_REVIEW]
        assert all(v.sampled and v.reason == "sampled for audit" for v in sampled)
        assert abs(len(sampled) / len(ids) - rate) < 0.02
        # Stable: whether an item was sampled can be re-derived from its id.
        assert {pk for pk, v in zip(ids, verdicts, strict=True) if v.sampled} == {
            pk for pk in ids if audit_sample_draw(pk) < rate}


@pytest.mark.parametrize("values,fields,risk,expected", [
    ({}, ["Title"], 2, 1),
    ({"required_approvals": 2}, ["Title"], 2, 2),
    ({"four_eyes_fields": ["Amount", "StageName"]}, ["Amount"], 2, 2),
    ({"four_eyes_fields": ["Amount", "StageName"]}, ["Description"], 2, 1),
    ({"four_eyes_min_risk": 4}, [], 4, 2),
    ({"four_eyes_min_risk": 4}, [], 3, 1),
])
def test_required_approvals(values: dict, fields: list[str], risk: int, expected: int) -> None:
    assert required_approvals(record(risk=risk), rules(**values), fields) == expected


# --- through the worker's use case ------------------------------------------------------------

def submit(api, path: str = "email-drafts", **overrides: object) -> Proposal:
    payload = email_payload(**overrides) if path == "email-drafts" else crm_payload(**overrides)
    response = api.post(f"/api/v1/{path}/", payload, format="json")
    assert response.status_code == 201, response.content
    return Proposal.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
def test_check_results_are_stored_and_shown_in_the_api(api) -> None:
    proposal = submit(api, body="Hi {{first_name}},\n\nContoso grew. ACT NOW!!\n\nSam")
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.BLOCKED
    stored = {r.name: r for r in CheckResult.objects.filter(proposal=proposal)}
    assert not stored["placeholders"].passed and stored["placeholders"].severity == "hard"
    assert not stored["tone"].passed and stored["tone"].severity == "soft"
    # Salesforce is not configured here: the opt-out is unknown, and the record says so.
    assert not stored["do_not_contact"].passed and stored["do_not_contact"].severity == "soft"
    body = api.get(f"/api/v1/email-drafts/{proposal.pk}/").json()
    shown = {c["name"]: c for c in body["checks"]}
    assert shown["placeholders"] == {"name": "placeholders", "passed": False, "severity": "hard",
                                     "message": stored["placeholders"].message}
    assert body["checks"][0]["passed"] is False  # failing first
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="checks_run")
    assert {c["name"] for c in event.data["checks"]} == set(stored)


@pytest.mark.django_db
def test_calibrated_auto_approval_records_the_policy_decision(api) -> None:
    policy("cold_email", mode="calibrated", audit_sample_rate=0,
           checks=["placeholders", "length", "company_name", "tone", "shouting", "evidence", "confidence",
                   "personal_data", "duplicate_outreach"])
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and not proposal.sampled_for_audit
    decision = proposal.decisions.get()
    assert decision.action == Decision.Action.AUTO_APPROVE and decision.policy_version == proposal.policy_version


@pytest.mark.django_db
def test_a_sampled_proposal_goes_to_a_person_and_is_marked(api) -> None:
    policy("cold_email", mode="calibrated", audit_sample_rate=1, checks=["placeholders", "confidence"])
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW and proposal.sampled_for_audit
    assert not proposal.decisions.exists()


@pytest.mark.django_db
def test_log_only_executes_a_crm_change_despite_soft_failures(api) -> None:
    policy("contact_update", mode="log_only", reversible=True, stakes=1, audit_sample_rate=0)
    proposal = submit(api, "crm-changes", confidence=0.3)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="auto_approved")
    assert "log-only" in event.data["reason"]
    assert {c["name"] for c in event.data["checks"] if not c["passed"]} >= {"confidence", "field_validity"}


@pytest.mark.django_db
def test_the_gate_asks_for_four_eyes_on_listed_fields_and_by_risk(api) -> None:
    CrmObjectRule.objects.create(crm_object="Opportunity", allowed_fields=["Amount", "StageName", "Description"])
    policy("opportunity_update", mode="calibrated", stakes=3, four_eyes_fields=["Amount", "StageName"])
    amount = submit(api, "crm-changes", crm_object="Opportunity", crm_id="0065g00000ABCDeAAP",
                    task_type="opportunity_update", fields={"Amount": 125000}, field_confidence={})
    description = submit(api, "crm-changes", crm_object="Opportunity", crm_id="0065g00000ABCDeAAP",
                         task_type="opportunity_update", fields={"Description": "Renewal"}, field_confidence={})
    policy("contact_update", mode="calibrated", stakes=3, reversible=False, four_eyes_min_risk=4)
    risky = submit(api, "crm-changes")
    for proposal in (amount, description, risky):
        proposal_run_checks(proposal_id=proposal.pk)
        proposal.refresh_from_db()
    assert (amount.required_approvals, description.required_approvals, risky.required_approvals) == (2, 1, 2)
    assert amount.status == Status.NEEDS_REVIEW and risky.risk == 4


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_approval_by_the_same_person_or_by_the_submitter(
        api, agent, rita, sam) -> None:
    proposal = submit(api)
    submitter = agent[0].user
    base = {"proposal": proposal, "submitted_by": submitter, "action": Decision.Action.APPROVE}
    Decision.objects.create(reviewer=rita, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(reviewer=rita, **{**base, "action": Decision.Action.EDIT_APPROVE})
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(reviewer=submitter, **base)
    Decision.objects.create(reviewer=sam, **base)  # a second, different person is fine
    assert proposal.decisions.count() == 2
