"""SLA: waiting items past their due time are flagged once, then expired if the policy says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import AuditEvent, Proposal
from reviews.services.checking import proposal_run_checks
from reviews.services.sla import proposals_escalate_overdue
from reviews.state_machine import Status
from tests.factories import policy

from .conftest import email_payload

pytestmark = pytest.mark.django_db


def waiting(api, **overrides: object) -> Proposal:
    response = api.post("/api/v1/email-drafts/", email_payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    proposal = Proposal.objects.get(pk=response.json()["id"])
    assert proposal.status == Status.NEEDS_REVIEW
    return proposal


def test_an_overdue_item_is_escalated_once_and_not_expired_without_a_policy_for_it(api) -> None:
    policy("cold_email", mode="always_review", sla_minutes=60, expire_after_minutes=None)
    proposal = waiting(api)
    assert proposal.sla_due_at == proposal.submitted_at + timedelta(minutes=60)

    assert proposals_escalate_overdue(now=proposal.submitted_at + timedelta(minutes=59)) == {"escalated": 0,
                                                                                             "expired": 0}
    later = proposal.submitted_at + timedelta(minutes=61)
    assert proposals_escalate_overdue(now=later) == {"escalated": 1, "expired": 0}
    proposal.refresh_from_db()
    assert proposal.escalated_at == later and proposal.status == Status.NEEDS_REVIEW
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="escalated")
    assert event.actor == "sla" and event.data["waited_minutes"] == 61

    # Flagged once only, and never expired while the policy does not say so.
    assert proposals_escalate_overdue(now=later + timedelta(days=30)) == {"escalated": 0, "expired": 0}
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="escalated").count() == 1


def test_the_policy_expires_an_item_after_it_was_flagged(api) -> None:
    policy("cold_email", mode="always_review", sla_minutes=60, expire_after_minutes=24 * 60)
    proposal = waiting(api)
    start = proposal.submitted_at

    # Past the expiry time already, but never flagged: this run flags it, then expires it.
    result = proposals_escalate_overdue(now=start + timedelta(minutes=24 * 60 + 1))
    assert result == {"escalated": 1, "expired": 1}
    proposal.refresh_from_db()
    assert proposal.status == Status.EXPIRED and proposal.escalated_at is not None
    expired = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="expired")
    assert expired.data["from"] == Status.NEEDS_REVIEW and expired.data["expire_after_minutes"] == 24 * 60


def test_flagged_then_expired_on_a_later_run(api) -> None:
    policy("cold_email", mode="always_review", sla_minutes=60, expire_after_minutes=120)
    proposal = waiting(api)
    start = proposal.submitted_at
    assert proposals_escalate_overdue(now=start + timedelta(minutes=90)) == {"escalated": 1, "expired": 0}
    assert proposals_escalate_overdue(now=start + timedelta(minutes=121)) == {"escalated": 0, "expired": 1}
    proposal.refresh_from_db()
    assert proposal.status == Status.EXPIRED


def test_decided_items_and_the_default_policy(api, rita) -> None:
    from reviews.services.actors import Actor
    from reviews.services.decisions import proposal_decide

    policy("*", mode="always_review", sla_minutes=30, expire_after_minutes=60)
    decided = waiting(api, task_type="nurture_email")
    proposal_decide(proposal_id=decided.pk, actor=Actor.for_user(rita), action="approve")
    still_waiting = waiting(api, task_type="nurture_email", subject="Another idea for Contoso",
                            to=["bob@contoso.example"])
    result = proposals_escalate_overdue(now=timezone.now() + timedelta(minutes=61))
    assert result == {"escalated": 1, "expired": 1}  # the default policy applies to nurture_email
    decided.refresh_from_db()
    still_waiting.refresh_from_db()
    assert decided.status == Status.APPROVED and decided.escalated_at is None
    assert still_waiting.status == Status.EXPIRED


def test_items_that_never_expire_do_not_starve_those_that_must(api) -> None:
    """The expiry pass works in batches (oldest first). A backlog of flagged items under a policy
    that never expires must not fill every batch: the query selects only items whose policy
    expires them and whose time is up."""
    policy("nurture_email", mode="always_review", sla_minutes=30, expire_after_minutes=None)
    policy("cold_email", mode="always_review", sla_minutes=60, expire_after_minutes=120)
    never = [waiting(api, task_type="nurture_email", subject=f"Nurture idea {n}", to=[f"n{n}@contoso.example"])
             for n in range(3)]
    expiring = waiting(api)
    start = expiring.submitted_at
    assert proposals_escalate_overdue(now=start + timedelta(minutes=61)) == {"escalated": 4, "expired": 0}

    # A batch of two: the three older never-expiring items would fill it on every run.
    assert proposals_escalate_overdue(now=start + timedelta(minutes=121), batch=2) == {"escalated": 0,
                                                                                      "expired": 1}
    expiring.refresh_from_db()
    assert expiring.status == Status.EXPIRED
    assert {p.status for p in Proposal.objects.filter(pk__in=[p.pk for p in never])} == {Status.NEEDS_REVIEW}


def test_the_routing_policy_decides_expiry_in_the_query(api) -> None:
    """An item routed by the default policy expires by the default's rule even after its task type
    gets a policy of its own (the routing policy was recorded at submission)."""
    policy("*", mode="always_review", sla_minutes=30, expire_after_minutes=60)
    routed_by_default = waiting(api, task_type="nurture_email")
    assert routed_by_default.policy_task_type == "*"
    policy("nurture_email", mode="always_review", sla_minutes=30, expire_after_minutes=None)
    start = routed_by_default.submitted_at
    assert proposals_escalate_overdue(now=start + timedelta(minutes=59)) == {"escalated": 1, "expired": 0}
    assert proposals_escalate_overdue(now=start + timedelta(minutes=61), batch=1) == {"escalated": 0, "expired": 1}


def test_the_sla_task_runs_periodically() -> None:
    """Celery beat runs the SLA pass often enough that an item is flagged within minutes of its due
    time, and not so often that the pass (a query per run) becomes load."""
    from django.conf import settings

    from reviews import tasks

    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "reviews.tasks.sla_escalate_task"]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    seconds = schedule.total_seconds() if isinstance(schedule, timedelta) else float(schedule)
    assert 30 <= seconds <= 15 * 60
    assert tasks.sla_escalate_task.name == "reviews.tasks.sla_escalate_task"
