"""The dashboard shows reviewer quality beside the agent's error rate, and which labels the gate
verdict leaves out."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from reviews.models import Decision, GoldenExpectation, ReviewOpening
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.golden import golden_items_seed
from tests.factories import decided, policy, reviewer

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"


def reviewer_rows(page: str) -> dict[str, list[str]]:
    section = page.split('id="reviewers"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr data-reviewer="([^"]+)">(.*?)</tr>', section, re.S)
    return {name: [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                   for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)] for name, cells in rows}


def test_reviewer_quality_beside_the_error_rate(api, agent, rita, ruth, settings) -> None:
    settings.HITLCRM_REVIEWER_MIN_DECISIONS = 5
    policy("cold_email", mode="always_review")
    source = queued(api, 1)[0]
    copies = golden_items_seed(source_id=source.pk, expected=GoldenExpectation.CATCH,
                               actor=Actor.for_user(reviewer("ada", role="admin")), copies=2)
    for copy, person, action in ((copies[0], rita, "reject"), (copies[1], ruth, "approve")):
        proposal_decide(proposal_id=copy.proposal_id, actor=Actor.for_user(person), action=action, reason_code="tone")
        decision = Decision.objects.get(proposal_id=copy.proposal_id)  # they looked at it for a while
        ReviewOpening.objects.create(proposal_id=copy.proposal_id, reviewer=person,
                                     opened_at=decision.created_at - timedelta(seconds=30))
    # ruth also approved 8 outputs without opening them (bulk): 8 of her 9 decisions are possible rubber stamps.
    decided(agent[0], "cold_email", 8, reviewer=ruth)

    response = logged_in(rita).get(DASHBOARD)
    page = response.content.decode()
    rows = reviewer_rows(page)
    # Reviewer, decisions, too fast, not opened, rubber stamps, golden right, accuracy, shared, agreement, kappa, labels
    assert rows["rita"][:9] == ["rita", "1", "·", "·", "0%", "1 of 1", "100%", "1", "0%"]
    assert rows["ruth"][:7] == ["ruth", "9", "·", "8", "89%", "0 of 1", "0%"]
    assert rows["rita"][-1] == "counted"
    assert rows["ruth"][-1].startswith("left out") and "89% of 9 decisions were possible rubber stamps" in rows["ruth"][-1]
    assert "Cohen's kappa" in page and "over 1 pair of decisions" in page
    # The task type's verdict leaves ruth's 8 reviewed outputs out (the golden copies are not the agent's).
    (cold,) = [row for row in response.context["quality"] if row["task_type"] == "cold_email"]
    assert cold["reviewed"] == 8 and cold["left_out"] == 8
