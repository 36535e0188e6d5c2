"""The rules several callers share, each defined once: which policy governs a task type, and which
decisions still count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from reviews.models import Decision, Policy, Proposal
from reviews.selectors import policies_by_task_type, policy_find, policy_for, policy_pick
from tests.factories import policy, reviewer

from .conftest import email_payload

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_a_task_type_has_its_own_policy_else_the_default_one() -> None:
    assert policy_find("cold_email") is None
    default = policy_for("cold_email")  # made, with the model's defaults, when there is none at all
    assert default.task_type == "*" and Policy.objects.count() == 1
    own = policy("cold_email", mode="calibrated")
    assert policy_find("cold_email") == own == policy_for("cold_email") == Policy.for_task_type("cold_email")
    assert policy_find("follow_up") == default == policy_for("follow_up")


def test_picking_from_loaded_policies_follows_the_same_rule() -> None:
    default, own = policy("*"), policy("cold_email")
    policies = policies_by_task_type()
    assert policy_pick(policies, "cold_email") == own
    assert policy_pick(policies, "", "cold_email") == own  # blank (not routed yet) is skipped
    assert policy_pick(policies, "gone", "cold_email") == own
    assert policy_pick(policies, "follow_up") == default
    assert policy_pick({}, "cold_email") is None


def test_live_decisions_are_those_not_undone_or_settled(agent, api) -> None:
    client = agent[0]
    proposal = Proposal.objects.get(pk=api.post("/api/v1/email-drafts/", email_payload(), format="json").json()["id"])
    rita, sam, ruth = reviewer("rita"), reviewer("sam"), reviewer("ruth")

    def decide(user, action, **values):
        return Decision.objects.create(proposal=proposal, reviewer=user, submitted_by=client.user, action=action,
                                       reason_code="tone" if action == "reject" else "", **values)

    approval = decide(rita, "approve")
    edited = decide(sam, "edit_approve")
    undone = decide(ruth, "approve", revoked_at=timezone.now(), settled=Decision.Settled.UNDONE)
    rejection = decide(ruth, "reject")
    auto = Decision.objects.create(proposal=proposal, submitted_by=client.user, action="auto_approve")

    assert set(proposal.decisions.live()) == {approval, edited, rejection, auto}
    assert set(Decision.objects.live_approvals()) == {approval, edited}
    assert [d.is_live_approval for d in (approval, edited, undone, rejection, auto)] == [True, True, False, False,
                                                                                          False]


# Files that still spell the "live decision" filter out instead of using Decision.objects.live() /
# live_approvals() (or LIVE): the execution service's settling of an earlier round.
SPELLED_OUT: set[Path] = set()


def test_nothing_spells_out_which_decisions_are_live() -> None:
    """``revoked_at`` of a decision is read through ``reviews.models.decisions`` only (API tokens have
    a ``revoked_at`` of their own: their models and service are left out)."""
    allowed = {Path("reviews/models/decisions.py"), Path("reviews/models/clients.py"),
               Path("reviews/services/tokens.py"), *SPELLED_OUT}
    offenders = []
    for path in ROOT.joinpath("reviews").rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative in allowed or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"revoked_at__isnull|\.revoked_at is (not )?None", line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
