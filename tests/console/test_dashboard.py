"""The dashboard: queue depth and age, decisions per reviewer per hour, auto-approved share, error rate
per task type, troubled executions; aggregate queries only."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.admin.dashboard import dashboard_figures_key
from reviews.models import Execution, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.metrics import metrics_roll_up
from reviews.state_machine import Status
from tests.factories import History, policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"


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
    assert depths == {"Email draft": 1, "CRM change": 1, "Outbound action": 0}  # every kind's queue, empty or not
    assert all(row["oldest"] is not None for row in context["queues"] if row["depth"])
    totals = {row["reviewer"]: row["total"] for row in context["per_hour"]["rows"]}
    assert totals == {"rita": 2, "sam": 1}
    quality = {row["task_type"]: row for row in context["quality"]}
    assert quality["auto_task"]["auto_share"] == 1.0
    assert quality["cold_email"]["reviewed"] == 3 and quality["cold_email"]["error_rate"] == pytest.approx(2 / 3)
    assert context["auto_share"] == pytest.approx(2 / Proposal.objects.count())
    assert ("Failed", 1) in context["executions"]["by_state"]
    assert [execution["proposal_id"] for execution in context["executions"]["recent"]] == [approved.pk]
    assert "550" in response.content.decode()


def test_the_dashboard_query_count_does_not_grow_with_the_data(api, rita, sam) -> None:
    """Counted when the figures are computed (nothing in the cache), the page's costly case."""
    client = logged_in(rita)
    items = queued(api, 3)
    client.get(DASHBOARD)
    cache.delete(dashboard_figures_key(by_version=False))
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    for item in items:
        proposal_decide(proposal_id=item.pk, actor=Actor.for_user(sam), action="approve")
        Execution.objects.create(proposal=item, state="conflict")
    queued(api, 5, task_type="follow_up")
    cache.delete(dashboard_figures_key(by_version=False))
    with CaptureQueriesContext(connection) as after:
        client.get(DASHBOARD)
    assert len(after) == len(before)
    assert any("reviews_proposal" in query["sql"] for query in after.captured_queries)  # computed, not cached


def gate_cells(page: str) -> dict[str, str]:
    """{task type: the text of its Gate cell} from the dashboard's task-type table."""
    rows = re.findall(r'<tr><td>([^<]+)</td>.*?<td class="gate"[^>]*>(.*?)</td></tr>', page, re.S)
    return {html.unescape(name): re.sub(r"<[^>]+>", "", cell).strip() for name, cell in rows}


@pytest.mark.parametrize("rolled_up", [False, True], ids=["live", "rolled-up"])
def test_the_dashboard_and_the_api_give_the_same_gate_verdict(agent, rita, rolled_up) -> None:
    """The verdict counts every month recorded, on both doors: reviews older than any 30 days count."""
    long_ago, lately = timezone.now() - timedelta(days=120), timezone.now() - timedelta(days=2)
    history = History(agent[0])
    history.add("cold_email", long_ago, 590, Status.DONE, actions=("approve",))
    history.add("cold_email", lately, 10, Status.DONE, actions=("approve",))
    history.add("cold_email", lately, 2, Status.REJECTED, actions=("reject",), reason_code="tone")
    history.add("contact_update", long_ago, 60, Status.DONE, actions=("approve",))
    history.add("contact_update", lately, 40, Status.DONE, actions=("approve",))
    history.save()
    policy("cold_email", error_rate_target=0.05)
    if rolled_up:
        metrics_roll_up()

    client = logged_in(rita)
    api = {row["task_type"]: row for row in client.get("/api/v1/metrics/").json()["task_types"]}
    cells = gate_cells(client.get(DASHBOARD).content.decode())
    assert api["cold_email"]["may_narrow"] is True and api["cold_email"]["gate_total"]["reviewed"] == 602
    assert cells["cold_email"] == "may be narrowed"
    needed = api["contact_update"]["reviews_needed"]
    assert api["contact_update"]["may_narrow"] is False and needed == 400
    assert cells["contact_update"] == f"keep · {needed} more reviews needed"
