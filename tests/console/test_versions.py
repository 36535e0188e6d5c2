"""The console shows the agent's version: on the review page, with the gate's reason for routing the
item (a new version under review says so), and on the dashboard, whose task types break down by version.
The review page in a browser: tests/console/browser/test_versions.py."""

from __future__ import annotations

import html
import re

import pytest
from django.test import override_settings

from reviews.state_machine import Status
from tests.factories import decided, policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"
A = {"agent_version": "2.3.1", "prompt_version": "v6", "model": "gpt-4o-2024-08-06"}
B = {**A, "prompt_version": "v7"}


def text(page: bytes) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.decode())))


@override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=30)
def test_the_review_page_shows_the_version_and_why_a_new_one_is_under_review(api, agent, rita) -> None:
    policy("cold_email", mode="calibrated", audit_sample_rate=0, checks=["placeholders"], confidence_threshold=0.5)
    decided(agent[0], "cold_email", 30, reviewer=rita, version=tuple(A.values()))
    (held,) = queued(api, 1, **B)
    assert held.status == Status.NEEDS_REVIEW

    response = logged_in(rita).get(f"/admin/hitlcrm_reviews/emaildraft/{held.pk}/review/")
    assert response.status_code == 200
    shown = text(response.content)
    assert ("agent 2.3.1 prompt v7 model gpt-4o-2024-08-06 · Gate: new version agent 2.3.1 · prompt v7 · model "
            "gpt-4o-2024-08-06: 0 of 30 reviewed, under review until its own record clears the bound") in shown
    # An item naming no version shows no version line.
    (plain,) = queued(api, 1, task_type="manual_task")
    page = logged_in(rita).get(f"/admin/hitlcrm_reviews/emaildraft/{plain.pk}/review/").content
    assert b'id="version"' not in page and b"Gate:" not in page


@override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=30)
def test_the_dashboard_breaks_the_task_types_down_by_version(agent, rita) -> None:
    policy("cold_email", error_rate_target=0.2)
    decided(agent[0], "cold_email", 40, reviewer=rita, version=tuple(A.values()))
    decided(agent[0], "cold_email", 4, reviewer=rita, version=tuple(B.values()))
    decided(agent[0], "cold_email", 2, reviewer=rita, version=tuple(B.values()), action="reject")
    client = logged_in(rita)

    plain = client.get(DASHBOARD)
    assert plain.context["by_version"] is False and 'class="version-row' not in plain.content.decode()
    assert 'href="?by=version#quality"' in plain.content.decode()

    response = client.get(DASHBOARD, {"by": "version"})
    assert response.status_code == 200
    (cold,) = response.context["quality"]
    rows = {row["label"]: row for row in cold["versions"]}
    old = rows["agent 2.3.1 · prompt v6 · model gpt-4o-2024-08-06"]
    new = rows["agent 2.3.1 · prompt v7 · model gpt-4o-2024-08-06"]
    assert (old["volume"], old["reviewed"], old["may_narrow"], old["held"]) == (40, 40, True, False)
    assert (new["volume"], new["reviewed"], new["held"]) == (6, 6, True)
    assert new["error_rate"] == pytest.approx(2 / 6)
    page = response.content.decode()
    version_rows = re.findall(r'<tr class="version-row[^"]*">(.*?)</tr>', page, re.S)
    assert len(version_rows) == 2
    cells = [text(row.encode()) for row in version_rows]
    assert "↳ agent 2.3.1 · prompt v6 · model gpt-4o-2024-08-06" in cells[0] and "may be narrowed" in cells[0]
    assert "↳ agent 2.3.1 · prompt v7" in cells[1]
    assert "under review · 6 of 30 reviewed" in cells[1]
    assert ('title="new version agent 2.3.1 · prompt v7 · model gpt-4o-2024-08-06: 6 of 30 reviewed, under review '
            'until its own record clears the bound.') in html.unescape(version_rows[1])
    assert 'class="version-row held-version"' in page
    assert "task types only" in page
