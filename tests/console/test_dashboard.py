"""The dashboard: queue depth and age, decisions per reviewer per hour, auto-approved share, error rate
per task type, troubled executions; aggregate queries only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Execution, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from tests.factories import policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/reviews/proposal/dashboard/"


def test_the_dashboard_shows_queues_people_quality_and_executions(api, rita, sam) -> None:
    policy("auto_task", mode="calibrated", checks=["placeholders"], confidence_threshold=0.5, audit_sample_rate=0)
    queued(api, 2, task_type="auto_task")  # auto-approved by policy
    approved, rejected, edited, waiting = queued(api, 4)
    queued(api, 1, "crm")
    proposal_decide(proposal_id=approved.pk, actor=Actor.for_user(rita), action="approve")
    proposal_decide(proposal_id=rejected.pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    proposal_decide(proposal_id=edited.pk, actor=Actor.for_user(sam), action="edit_approve",
                    edits={"body": "An entirely different message."})
    Execution.objects.create(proposal=approved, state="failed", last_error="mailbox full", error_code="550")

    response = logged_in(rita).get(DASHBOARD)
    context = response.context
    assert response.status_code == 200
    depths = {row["kind"]: row["depth"] for row in context["queues"]}
    assert depths == {"Email draft": 1, "CRM change": 1}
    assert all(row["oldest"] is not None for row in context["queues"])
    totals = {row["reviewer"]: row["total"] for row in context["per_hour"]["rows"]}
    assert totals == {"rita": 2, "sam": 1}
    quality = {row["task_type"]: row for row in context["quality"]}
    assert quality["auto_task"]["auto_share"] == 1.0
    assert quality["cold_email"]["reviewed"] == 3 and quality["cold_email"]["error_rate"] == pytest.approx(2 / 3)
    assert context["auto_share"] == pytest.approx(2 / Proposal.objects.count())
    assert ("Failed", 1) in context["executions"]["by_state"]
    assert [execution.proposal_id for execution in context["executions"]["recent"]] == [approved.pk]
    assert "550" in response.content.decode()


def test_the_dashboard_query_count_does_not_grow_with_the_data(api, rita, sam) -> None:
    client = logged_in(rita)
    items = queued(api, 3)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    for item in items:
        proposal_decide(proposal_id=item.pk, actor=Actor.for_user(sam), action="approve")
        Execution.objects.create(proposal=item, state="conflict")
    queued(api, 5, task_type="follow_up")
    with CaptureQueriesContext(connection) as after:
        client.get(DASHBOARD)
    assert len(after) == len(before)
