"""Segregation of duties, held by the database itself (reviews/models/decisions.py constraints), not
only by the service: no one approves what they submitted, and the two approvals of a four-eyes item
come from two people. The rows are written with raw SQL, the way a bug, a script or a person with a
database shell would, bypassing every check in Python."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from reviews.models import Decision, Proposal
from reviews.roles import ensure_roles
from reviews.services.actors import Actor
from reviews.services.decisions import DecisionRefused, proposal_decide
from tests.console.conftest import queued

pytestmark = pytest.mark.django_db


def insert_decision(proposal: Proposal, reviewer_id: int | None, action: str = "approve", **values: Any) -> None:
    row = {"proposal_id": proposal.pk, "reviewer_id": reviewer_id, "submitted_by_id": proposal.agent.user_id,
           "action": action, "reason_code": "", "note": "", "edits": "{}", "policy_version": None, "origin_ip": None,
           "user_agent": "", "created_at": timezone.now(), "revoked_at": None, **values}
    table = connection.ops.quote_name(Decision._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in row)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(row))})",
                       list(row.values()))


def test_the_database_refuses_an_approval_by_the_submitter(api) -> None:
    (proposal,) = queued(api)
    with pytest.raises(IntegrityError):
        insert_decision(proposal, proposal.agent.user_id)
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_the_database_refuses_a_second_live_approval_by_the_same_person(api, rita) -> None:
    (proposal,) = queued(api)
    insert_decision(proposal, rita.pk)
    with pytest.raises(IntegrityError):
        insert_decision(proposal, rita.pk, action="edit_approve")
    insert_decision(proposal, rita.pk, action="approve", revoked_at=timezone.now())  # an undone one does not count
    assert Decision.objects.filter(proposal=proposal, revoked_at__isnull=True).count() == 1


def test_the_database_refuses_a_human_decision_without_a_person_or_a_rejection_without_a_reason(
        api, rita) -> None:
    (proposal,) = queued(api)
    with pytest.raises(IntegrityError):
        insert_decision(proposal, None, action="approve")
    with pytest.raises(IntegrityError):
        insert_decision(proposal, rita.pk, action="reject", reason_code="")
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_an_agent_account_made_a_reviewer_still_cannot_approve_its_own_work(api, agent) -> None:
    """Someone gives the agent's service user a console role: it may open the console, but its own
    proposals stay out of its reach, in the console and in the database."""
    (proposal,) = queued(api)
    user = agent[0].user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.set([ensure_roles()["reviewer"]])
    console = Client()
    console.force_login(user)
    response = console.post(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/decide/", {"action": "approve"},
                            HTTP_X_CONSOLE_SWAP="1")
    assert response.status_code == 409 and b"you cannot decide an item you submitted" in response.content
    assert Proposal.objects.get(pk=proposal.pk).status == "needs_review"
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_whoever_edited_a_four_eyes_item_cannot_also_give_its_second_approval(api, rita, sam) -> None:
    (proposal,) = queued(api)
    Proposal.objects.filter(pk=proposal.pk).update(required_approvals=2)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(sam), action="edit_approve",
                    edits={"subject": "A better subject"})
    with pytest.raises(DecisionRefused, match="someone else"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(sam), action="approve")
    with pytest.raises(IntegrityError):
        insert_decision(proposal, sam.pk)
    assert Proposal.objects.get(pk=proposal.pk).status == "needs_review"
    with pytest.raises(DecisionRefused, match="senior reviewer"):  # and a plain reviewer may not finish it either
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    assert Decision.objects.filter(proposal=proposal, revoked_at__isnull=True).count() == 1
