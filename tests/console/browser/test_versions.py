"""In Chromium: a new prompt version's output waits for a person, and its review page says why beside
the decision buttons, keeping the page on a laptop screen; the dashboard breaks the task type down by version.
Screenshots go to the test's output folder (printed), and to HITLCRM_TEST_SCREENSHOTS when set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from reviews.state_machine import Status
from tests.console.conftest import queued
from tests.factories import decided, policy

from .conftest import signed_in_page
from .test_layout import BEFORE, EVIDENCE, FIELDS, NO_PAGE_SCROLL, in_view

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
A = ("2.3.1", "v6", "gpt-4o-2024-08-06")
B = {"agent_version": "2.3.1", "prompt_version": "v7", "model": "gpt-4o-2024-08-06"}


def shot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
    return path


@override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=30)
def test_a_new_prompt_versions_review_page_and_the_dashboard_by_version(browser, live_server, api, agent, rita,
                                                                         tmp_path) -> None:
    policy("contact_update", mode="calibrated", audit_sample_rate=0, checks=["confidence"], confidence_threshold=0.5,
           field_confidence_threshold=0.5, error_rate_target=0.2)
    decided(agent[0], "contact_update", 40, reviewer=rita, version=A, kind="crm_change")
    decided(agent[0], "contact_update", 3, reviewer=rita, version=tuple(B.values()), kind="crm_change",
            action="reject")
    (change,) = queued(api, 1, "crm", fields=FIELDS, field_confidence={name: 0.9 for name in FIELDS},
                       evidence=EVIDENCE, assumptions=["Ada still works at Contoso"], **B)
    assert change.status == Status.NEEDS_REVIEW
    for row in change.field_changes.all():
        row.before_value, row.before_captured_at = BEFORE.get(row.field), timezone.now()
        row.save()

    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/crmchange/{change.pk}/review/")
    page.wait_for_selector("#review")
    print(shot(page, tmp_path, "review-new-prompt-version"))
    line = page.locator("#version")
    assert line.is_visible() and in_view(page, "#version")
    assert line.inner_text().startswith("agent 2.3.1 prompt v7 model gpt-4o-2024-08-06 · Gate: new version")
    assert "3 of 30 reviewed, under review until its own record clears the bound" in line.get_attribute("title")
    # In the decision bar, beside the buttons, at most two lines: the bar is no taller, and the page still
    # fits, every field, the checks and the buttons without scrolling.
    assert line.evaluate("el => el.closest('.decision-bar') !== null")
    assert line.evaluate("el => el.getBoundingClientRect().height <= el.closest('.decision-bar').clientHeight")
    assert page.locator("#approve").evaluate("el => el.closest('.decision-bar').getBoundingClientRect().height < 60")
    assert page.evaluate(NO_PAGE_SCROLL)
    for name in FIELDS:
        assert in_view(page, f'#diff tr[data-field="{name}"]'), name
    for selector in ("#checks", "#evidence", "#approve", "#reject"):
        assert in_view(page, selector), selector

    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/proposal/dashboard/")
    page.click("#by-version")
    page.wait_for_selector("tr.version-row")
    page.locator("#quality").scroll_into_view_if_needed()
    print(shot(page, tmp_path, "dashboard-by-version"))
    page.locator("#quality").screenshot(path=str(tmp_path / "dashboard-by-version-card.png"))
    rows = page.locator("tr.version-row")
    assert rows.count() == 2
    assert "may be narrowed" in rows.nth(0).inner_text() and "prompt v6" in rows.nth(0).inner_text()
    held = page.locator("tr.held-version")
    assert held.count() == 1 and "under review" in held.inner_text() and "prompt v7" in held.inner_text()
