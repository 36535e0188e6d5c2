"""Keys and position in the browser: ? lists every shortcut, the header says "2 of 3", digits tick
and untick a CRM change's fields, and j on a queue passes over the item another reviewer holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from reviews.models import CrmFieldChange, Decision
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_claim
from tests.console.conftest import queued
from tests.factories import policy

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
SIZES = {"laptop": {"width": 1366, "height": 768}, "desktop": {"width": 1920, "height": 1080}}


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_question_mark_lists_every_shortcut_and_the_header_says_where_we_are(browser, live_server, api, rita,
                                                                             size) -> None:
    policy("contact_update", mode="always_review")
    first, second, third = queued(api, 3, "crm")
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/crmchange/{second.pk}/review/")
    page.wait_for_selector("#review")
    assert page.locator("#position").inner_text() == "2 of 3"
    page.keyboard.press("?")
    help_ = page.locator("#keys-help")
    help_.wait_for()
    text = help_.inner_text()
    for entry in ("Approve", "Reject", "Edit & approve", "Tick or untick the CRM field", "Next / previous item",
                  "Undo your last decision", "Search", "This list of keys"):
        assert entry in text, entry
    assert "Search (names" in text and "(not on this page)" in text  # the queue's keys, marked as such
    shot(page, f"keys-help-{size}")
    page.keyboard.press("a")  # no key acts behind the list
    page.keyboard.press("Escape")
    assert not help_.is_visible()
    assert not Decision.objects.exists()

    # Digits tick and untick the fields, in view mode: 1 is Title, 2 Department.
    title = page.locator("input[name='approve_field'][value='Title']")
    assert title.is_checked()
    page.keyboard.press("1")
    assert not title.is_checked()
    shot(page, f"keys-field-unticked-{size}")
    page.keyboard.press("1")
    assert title.is_checked()
    page.keyboard.press("2")
    page.keyboard.press("a")  # approves Title only
    page.wait_for_function("pk => document.getElementById('review').dataset.proposal !== pk", arg=str(second.pk))
    decisions = dict(CrmFieldChange.objects.filter(proposal=second).values_list("field", "decision"))
    assert decisions == {"Title": "approved", "Department": "rejected"}


def test_j_on_the_queue_passes_over_the_item_someone_else_holds(browser, live_server, api, rita, ruth) -> None:
    held, free = queued(api, 2)
    proposal_claim(proposal_id=held.pk, actor=Actor.for_user(ruth))
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/")
    page.wait_for_selector("#result_list")
    page.keyboard.press("j")
    page.wait_for_selector("#review")
    assert urlsplit(page.url).path == f"/admin/hitlcrm_reviews/emaildraft/{free.pk}/review/"
    assert page.locator("#approve").is_visible()
    # Opened by its link, the held item is read-only and says whose it is.
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{held.pk}/review/")
    page.wait_for_selector("#read-only")
    assert "ruth is reviewing this item" in page.locator("#read-only").inner_text()
    assert page.locator("#approve").count() == 0
    shot(page, "keys-read-only-held-laptop")
