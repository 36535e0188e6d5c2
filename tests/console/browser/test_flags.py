"""The passages checks flagged are highlighted in the draft, and f / F jump between them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.console.conftest import queued
from tests.factories import policy

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
SIZES = {"laptop": {"width": 1366, "height": 768}, "desktop": {"width": 1920, "height": 1080}}
BODY = ("Hi Ada,\n\nI noticed that Contoso's pipeline team has been growing remarkably fast across every region this "
        "year, and that usually means the CRM data starts drifting.\n\nLast chance - 100% free, no risk!!! Act now.\n\n"
        "If it helps, we can bill 4111 1111 1111 1111 for the pilot.\n\nSam")


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_f_jumps_between_the_flagged_passages(browser, live_server, api, rita, size) -> None:
    policy("cold_email", mode="always_review")
    item = queued(api, 1, body=BODY)[0]
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{item.pk}/review/")
    page.wait_for_selector("#review")
    marks = page.locator("#body mark.flag")
    checks = [marks.nth(i).get_attribute("data-checks") for i in range(marks.count())]
    assert "length" in checks and "tone" in checks and "personal_data" in checks
    assert checks.index("length") < checks.index("tone") < checks.index("personal_data")  # in the draft's order
    assert "remarkably fast" in marks.nth(checks.index("length")).inner_text()
    page.keyboard.press("f")
    assert page.locator("mark.flag.current").get_attribute("data-checks") == checks[0]
    assert page.locator("#console-toast").inner_text().startswith(f"1 of {len(checks)} · length: ")
    page.keyboard.press("f")
    page.keyboard.press("f")
    assert page.locator("mark.flag.current").get_attribute("data-checks") == checks[2]
    shot(page, f"flags-{size}")
    page.keyboard.press("Shift+F")
    assert page.locator("mark.flag.current").get_attribute("data-checks") == checks[1]
    assert page.locator("mark.flag.current").count() == 1


# A long HTML part: the flagged passages are below the frame's fold, so a jump must scroll the frame.
HTML_BODY = ("<!DOCTYPE html><html><body><p>Hi Ada,</p>"
             + "".join(f"<p>Paragraph {i} about Contoso's pipeline data and how it stays clean.</p>" for i in range(30))
             + "<p>This is your <b>last chance</b> &mdash; <em>act&nbsp;now</em>!</p><p>Sam</p></body></html>")


def test_the_html_parts_flagged_passages_are_marked_in_its_frame_and_f_reaches_them(browser, live_server, api,
                                                                                    rita) -> None:
    policy("cold_email", mode="always_review")
    item = queued(api, 1, body="Hi Ada,\n\nContoso just opened Berlin.\n\nSam", body_html=HTML_BODY)[0]
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{item.pk}/review/")
    page.wait_for_selector("#review")
    assert page.locator("#body-html").get_attribute("sandbox") == ""  # still no script, no same origin
    frame = page.frame_locator("#body-html")
    marks = frame.locator("mark.hitlcrm-flag")
    # "This is your last chance" (tone) crosses into the <b>: a mark on each side, the stop's id on the first.
    assert [(marks.nth(i).inner_text(), marks.nth(i).get_attribute("id")) for i in range(marks.count())] == [
        ("This is your ", "hitlcrm-flag-1"), ("last chance", None), ("act\xa0now", "hitlcrm-flag-2")]
    background = marks.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(255, 240, 179)"  # the frame's own mark style applies (the CSP allows it)
    assert not marks.first.evaluate("el => { const r = el.getBoundingClientRect(); return r.top < innerHeight; }")

    entries = page.evaluate("() => history.length")
    page.keyboard.press("f")
    frame.locator("mark.hitlcrm-flag:target").wait_for()
    assert frame.locator("mark.hitlcrm-flag:target").get_attribute("id") == "hitlcrm-flag-1"
    in_view = "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert marks.first.evaluate(in_view)  # the frame scrolled to it
    assert page.locator("#console-toast").inner_text().startswith("1 of 2 · tone: ")
    shot(page, "flags-html")
    page.keyboard.press("f")
    page.wait_for_function("() => document.getElementById('body-html').dataset.currentFlag === 'hitlcrm-flag-2'")
    frame.locator("#hitlcrm-flag-2:target").wait_for()
    page.keyboard.press("Shift+F")
    frame.locator("#hitlcrm-flag-1:target").wait_for()
    # The jumps moved only the frame: the page's own history has no entry for them.
    assert page.evaluate("() => history.length") == entries
