"""The state machine and the use cases that drive it, without external services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from reviews.models import AuditEvent, Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import DecisionRefused, proposal_decide, proposal_undo, proposal_withdraw
from reviews.services.transitions import proposal_lock, proposal_transition
from reviews.state_machine import TERMINAL, TRANSITIONS, IllegalTransition, Status
from tests.factories import policy

from .conftest import crm_payload, email_payload

pytestmark = pytest.mark.django_db


def submit(api, path="email-drafts", **overrides):
    payload = email_payload(**overrides) if path == "email-drafts" else crm_payload(**overrides)
    response = api.post(f"/api/v1/{path}/", payload, format="json")
    assert response.status_code == 201, response.content
    return Proposal.objects.get(pk=response.json()["id"])


def test_every_status_is_in_the_lifecycle_and_terminal_ones_go_nowhere() -> None:
    assert set(TRANSITIONS) == set(Status.values)
    for terminal in (Status.DONE, Status.EXPIRED, Status.WITHDRAWN):
        assert TRANSITIONS[terminal] == frozenset()
    # A rejection goes back to review only by the reviewer's undo in the grace period (tests/console/test_undo.py).
    assert TRANSITIONS[Status.REJECTED] == frozenset({Status.NEEDS_REVIEW})
    assert Status.REJECTED in TERMINAL
    # Blocked leads only back to review, through a senior reviewer's rescue (tests/reviews/test_edit_checks.py).
    assert TRANSITIONS[Status.BLOCKED] == frozenset({Status.NEEDS_REVIEW})


def test_an_illegal_transition_raises_and_changes_nothing(api) -> None:
    proposal = submit(api)
    with pytest.raises(IllegalTransition, match="cannot move from 'checking' to 'done'"):
        with transaction.atomic():
            proposal_transition(proposal_lock(proposal.pk), Status.DONE, actor=Actor.system())
    proposal.refresh_from_db()
    assert proposal.status == Status.CHECKING


@pytest.mark.django_db(transaction=True)  # a plain db test already runs inside a transaction
def test_a_transition_outside_a_transaction_is_refused(api) -> None:
    proposal = submit(api)
    with pytest.raises(RuntimeError):
        proposal_transition(proposal, Status.NEEDS_REVIEW, actor=Actor.system())


def test_checks_route_to_review_under_always_review(api) -> None:
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW
    assert {r.name for r in proposal.check_results.all()} >= {"placeholders", "confidence"}


def test_calibrated_policy_auto_approves_a_clean_confident_proposal(api) -> None:
    # Only checks that need no CRM record: without one, the CRM checks rightly send it to review.
    policy("cold_email", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0,
           checks=["placeholders", "confidence"])
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    decision = proposal.decisions.get()
    assert decision.action == Decision.Action.AUTO_APPROVE and decision.reviewer is None
    assert proposal.final_output["subject"] == "Idea for Contoso"
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="auto_approved").exists()


def test_calibrated_policy_queues_a_low_confidence_proposal(api) -> None:
    policy("cold_email", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0)
    proposal = submit(api, confidence=0.5)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW


def test_a_hard_check_failure_blocks(api) -> None:
    proposal = submit(api, body="Hi {{first_name}}, Contoso looks great.")
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.BLOCKED
    failed = proposal.check_results.get(name="placeholders")
    assert not failed.passed and "{{first_name}}" in failed.message


def test_running_checks_twice_is_harmless(api) -> None:
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal_run_checks(proposal_id=proposal.pk)
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="checks_run").count() == 1


def reviewed(api):
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    return proposal


def test_approve_records_who_when_and_the_final_output(api, rita) -> None:
    proposal = reviewed(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert proposal.decided_by == rita and proposal.decided_at is not None
    history = list(proposal.history.order_by("history_date").values_list("status", "history_user__username"))
    assert history[-1] == (Status.APPROVED, "rita")


def test_edit_and_approve_keeps_the_original_beside_the_edit(api, rita) -> None:
    proposal = reviewed(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"subject": "A thought for Contoso"})
    proposal.refresh_from_db()
    assert proposal.final_output["subject"] == "A thought for Contoso"
    assert proposal.original_output["subject"] == proposal.subject == "Idea for Contoso"
    assert proposal.materially_edited
    assert proposal.decisions.get().edits == {"subject": ["Idea for Contoso", "A thought for Contoso"]}


def test_reject_needs_a_reason_code(api, rita) -> None:
    proposal = reviewed(api)
    with pytest.raises(DecisionRefused, match="reason code"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="reject")
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED and proposal.reason_code == "tone"


def test_the_second_decision_loses_with_a_clear_message(api, rita, sam) -> None:
    proposal = reviewed(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    with pytest.raises(DecisionRefused, match="already approved by rita"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(sam), action="reject", reason_code="tone")
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.decisions.count() == 1


def test_four_eyes_needs_two_different_people(api, rita, sam) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    proposal = submit(api, "crm-changes")
    proposal_run_checks(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.required_approvals == 2
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW
    with pytest.raises(DecisionRefused, match="someone else"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(sam), action="approve")
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert set(proposal.final_output["fields"]) == {"Title", "Department"}


def test_the_database_refuses_a_second_approval_by_the_same_person(api, rita) -> None:
    proposal = reviewed(api)
    common = {"proposal": proposal, "reviewer": rita, "submitted_by_id": proposal.agent.user_id, "action": "approve"}
    Decision.objects.create(**common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(**common)


def test_the_database_refuses_a_decision_by_the_submitter(api) -> None:
    proposal = reviewed(api)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(proposal=proposal, reviewer=proposal.agent.user,
                                submitted_by_id=proposal.agent.user_id, action="approve")


def test_an_api_client_cannot_decide(api) -> None:
    proposal = reviewed(api)
    with pytest.raises(DecisionRefused, match="only reviewers"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_client(proposal.agent), action="approve")


def test_undo_returns_the_item_to_the_queue(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    proposal = reviewed(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal_undo(proposal_id=proposal.pk, actor=Actor.for_user(rita))
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW and proposal.final_output is None
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED


def test_withdraw_only_before_approval(api, rita) -> None:
    proposal = reviewed(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    with pytest.raises(IllegalTransition, match="already approved"):
        proposal_withdraw(proposal_id=proposal.pk, actor=Actor.for_client(proposal.agent))


def test_nothing_but_the_transition_service_assigns_a_status() -> None:
    """SPEC: one state machine enforced in one place."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {root / "reviews" / "services" / "transitions.py"}
    offenders = []
    # integrations/ moves no record (its executors report outcomes through the port, and its HTTP errors
    # have a status of their own), so reviews/ is the scope.
    for path in root.joinpath("reviews").rglob("*.py"):
        if path in allowed or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.status\s*=[^=]|[\"']status[\"']\s*:\s*Status\.|\bupdate\(.*\bstatus=", line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
