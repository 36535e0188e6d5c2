"""Every slip can be undone with ``u``, and neither the undo bar nor a message moves the buttons: an
item shown after a decision has its buttons exactly where the first item had them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from reviews.models import Proposal
from reviews.state_machine import Status
from tests.console.conftest import queued

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
SIZES = {"laptop": {"width": 1366, "height": 768}, "desktop": {"width": 1920, "height": 1080}}
BUTTONS = ("#approve", "#edit", "#reason_code", "#note", "#reject", "#next")


def showing(page: Any, pk: int) -> None:
    page.wait_for_function(
        "pk => { const review = document.getElementById('review');"
        " return review && review.dataset.proposal === pk && !document.body.classList.contains('console-busy'); }",
        arg=str(pk))


def boxes(page: Any) -> dict[str, dict[str, float]]:
    return {selector: page.locator(selector).bounding_box() for selector in BUTTONS}


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_undo_bar_and_messages_never_move_the_buttons(browser, live_server, api, rita, settings, size) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    first, second, third = queued(api, 3)
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{first.pk}/review/")
    showing(page, first.pk)
    assert page.locator("#undo-form").count() == 0
    before = boxes(page)

    page.keyboard.press("a")  # approved: the next item comes with the undo bar
    showing(page, second.pk)
    assert page.locator("#undo-form").is_visible()
    assert boxes(page) == before
    shot(page, f"undo-approved-{size}")

    page.keyboard.press("r")
    page.keyboard.press("2")
    page.keyboard.press("Enter")  # rejected: the bar offers to take the rejection back
    showing(page, third.pk)
    assert "rejected (Tone); undo within" in page.locator("#undo-form").inner_text()
    assert boxes(page) == before
    shot(page, f"undo-rejected-{size}")

    page.keyboard.press("u")  # the rejected item comes back, with a message saying so
    showing(page, second.pk)
    assert "undone" in page.locator(".messagelist").inner_text()
    assert boxes(page) == before
    shot(page, f"undo-undone-{size}")
    assert Proposal.objects.get(pk=second.pk).status == Status.NEEDS_REVIEW


def test_u_says_when_it_is_too_late(browser, live_server, api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 1
    first, second = queued(api, 2)
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{first.pk}/review/")
    showing(page, first.pk)
    page.keyboard.press("u")  # nothing decided yet
    assert "Nothing to undo" in page.locator("#console-toast").inner_text()
    page.keyboard.press("r")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    showing(page, second.pk)
    page.wait_for_selector("#undo-form.late")  # the countdown ran out: the bar says the decision stands
    assert "Too late to undo" in page.locator("#undo-form").inner_text()
    assert page.locator("#undo").is_disabled()
    page.keyboard.press("u")
    assert "Too late to undo" in page.locator("#console-toast").inner_text()
    shot(page, "undo-too-late-laptop")
    assert Proposal.objects.get(pk=first.pk).status == Status.REJECTED
