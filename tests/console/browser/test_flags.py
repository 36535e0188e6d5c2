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
