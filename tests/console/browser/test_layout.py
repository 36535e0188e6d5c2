"""The review page fits a laptop screen: everything needed to decide shows without scrolling the page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from reviews.models import Proposal
from tests.console.conftest import queued

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set to a folder to keep the screenshots the test takes (to look at the layout).
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")

LONG_BODY = "Hi Ada,\n\n" + "\n\n".join(
    f"{n}. Contoso just opened a Berlin office, and teams like yours keep their pipeline data clean with us: "
    "fewer bounced emails, no duplicate accounts, and reports the board can trust." for n in range(1, 16)
) + "\n\nOpen to a 20-minute chat next week?\n\nSam"
DESCRIPTION = (
    "Ada leads the sales organisation for DACH since the Berlin office opened in March. She reports to the CRO, "
    "owns a team of 14 account executives and 4 SDRs, and is evaluating tooling for pipeline hygiene this quarter. "
    "Previously she ran inside sales at Fabrikam for six years, where she introduced a data-quality programme that "
    "cut duplicate accounts by 40%. Speaks German, English and Polish; prefers email over calls; based in Berlin "
    "Mitte. Mentioned in a podcast that forecast accuracy is her main concern for the next planning cycle. "
) * 2
FIELDS = {
    "Title": "VP Sales", "Department": "Sales", "Phone": "+49 30 1234567", "MobilePhone": "+49 170 7654321",
    "MailingCity": "Berlin", "LinkedIn_URL__c": "https://linkedin.example/in/ada-lovelace-contoso",
    "Description": DESCRIPTION,
}
BEFORE = {"Title": "Sales Manager", "Department": "Sales", "Phone": "+49 30 7654321", "MailingCity": "Munich",
          "Description": DESCRIPTION[:300]}
EVIDENCE = [
    {"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "Ada Lovelace · VP Sales at Contoso"},
    {"source": "press release", "url": "https://contoso.example/news",
     "quote": "Contoso opened its Berlin office in March; Ada Lovelace, VP Sales, leads the DACH team from Berlin."},
    {"source": "company site", "url": "https://contoso.example/team", "quote": "Sales: +49 30 1234567"},
    {"source": "podcast", "url": "https://podcast.example/ep/42",
     "quote": "Forecast accuracy is my main concern for the next planning cycle, says Ada."},
]

NO_PAGE_SCROLL = "() => document.scrollingElement.scrollHeight <= window.innerHeight"


def open_review(page: Any, live_server: Any, proposal: Proposal) -> None:
    model = "emaildraft" if proposal.is_email else "crmchange"
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/{model}/{proposal.pk}/review/")
    page.wait_for_selector("#review")


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def fits(page: Any, name: str) -> None:
    shot(page, name)
    heights = page.evaluate("() => [document.scrollingElement.scrollHeight, window.innerHeight]")
    assert page.evaluate(NO_PAGE_SCROLL), f"the page scrolls: {heights[0]} px tall in a {heights[1]} px window"
    assert page.locator("#approve").is_visible() and page.locator("#approve").is_enabled()
    assert page.locator("#reject").is_visible()


IN_VIEW = """el => {
  const r = el.getBoundingClientRect();
  if (!(r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight)) { return false; }
  for (let box = el.parentElement; box; box = box.parentElement) {  // nor scrolled away inside a column
    if (!/auto|scroll|hidden/.test(getComputedStyle(box).overflowY)) { continue; }
    const b = box.getBoundingClientRect();
    if (r.top < b.top - 1 || r.bottom > b.bottom + 1) { return false; }
  }
  return true;
}"""


def in_view(page: Any, selector: str) -> bool:
    """Inside the window, not rendered below it or scrolled away within its column."""
    return page.locator(selector).evaluate(IN_VIEW)


@pytest.mark.parametrize("html", [False, True], ids=["text", "html"])
def test_an_email_with_a_long_body_fits_a_laptop_screen(browser, live_server, api, rita, html) -> None:
    extra = {"body_html": "".join(f"<p>{part}</p>" for part in LONG_BODY.split("\n\n"))} if html else {}
    email = queued(api, 1, body=LONG_BODY, **extra)[0]
    page = signed_in_page(browser, live_server, rita)
    open_review(page, live_server, email)
    fits(page, f"review-email-long-{'html' if html else 'text'}")
    for selector in ("#subject", "#body-html" if html else "#body", "#checks", "#evidence", "#assumptions", "#approve",
                     "#reject"):
        assert in_view(page, selector), selector
    if not html:  # the whole body is there, scrolling within its pane
        assert page.locator("#body").inner_text().rstrip().endswith("Sam")
    page.keyboard.press("e")
    shot(page, f"review-email-long-{'html' if html else 'text'}-edit")
    assert page.evaluate(NO_PAGE_SCROLL) and in_view(page, "#save-edit") and in_view(page, "#edit-subject")


def test_a_crm_change_with_7_fields_a_long_description_and_4_quotes_fits_a_laptop_screen(browser, live_server, api,
                                                                                           rita) -> None:
    change = queued(api, 1, "crm", fields=FIELDS, field_confidence={name: 0.9 for name in FIELDS},
                    evidence=EVIDENCE, assumptions=["Ada still works at Contoso", "The Berlin office is hers"])[0]
    for row in change.field_changes.all():  # as the checks record them when they read the CRM
        row.before_value, row.before_captured_at = BEFORE.get(row.field), timezone.now()
        row.save()
    page = signed_in_page(browser, live_server, rita)
    open_review(page, live_server, change)
    fits(page, "review-crm-7-fields")
    rows = page.locator("#diff tbody tr")
    assert rows.count() == len(FIELDS)
    for name in FIELDS:
        assert in_view(page, f'#diff tr[data-field="{name}"]'), name
    for selector in ("#checks", "#evidence", "#approve", "#reject"):
        assert in_view(page, selector), selector
    assert page.locator("#evidence li").count() == len(EVIDENCE)

    # The long value is cut short, and one click (or the keyboard) shows all of it in place.
    description = page.locator('#diff tr[data-field="Description"] td.proposed .value')
    cut_short = "el => el.scrollHeight > el.clientHeight + 1"
    assert description.evaluate(cut_short)
    assert page.locator('#diff tr[data-field="MobilePhone"] button.more').count() == 0  # nothing cut short
    more = page.locator('#diff tr[data-field="Description"] button.more')
    more.click()
    shot(page, "review-crm-7-fields-more")
    assert not description.evaluate(cut_short) and description.inner_text() == DESCRIPTION.strip()
    assert page.evaluate(NO_PAGE_SCROLL)  # the open row scrolls within its column, not the page
    more.click()
    assert description.evaluate(cut_short)
    # The keyboard flow is intact: e opens the edit column with every value, Esc closes it, a decides.
    page.keyboard.press("e")
    shot(page, "review-crm-7-fields-edit")
    assert page.locator('input[name="field:Description"]').input_value() == DESCRIPTION
    assert page.evaluate(NO_PAGE_SCROLL) and in_view(page, "#save-edit")
    page.keyboard.press("Escape")
    assert page.locator("#review").get_attribute("data-mode") == "view"
    page.keyboard.press("a")
    page.wait_for_url(lambda url: url.endswith("/admin/hitlcrm_reviews/crmchange/"))
