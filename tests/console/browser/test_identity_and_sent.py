"""Who a record is and what was sent, in Chromium at 1366×768 and 1920×1080: the queue names each
record with its link to Salesforce (nothing cut off), an email's page keeps the recipient's CRM
summary within a laptop screen, and an edited email shows its sent text with the word diff."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from tests.console.conftest import queued
from tests.factories import policy

from .conftest import signed_in_page
from .test_layout import NO_PAGE_SCROLL, fits, in_view, open_review, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = [pytest.param({"width": 1366, "height": 768}, id="1366x768"),
         pytest.param({"width": 1920, "height": 1080}, id="1920x1080")]
OWNER_ID = "005Em0000000009AAA"
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


def people(salesforce: Any, n: int) -> list[str]:
    salesforce.set_owner(OWNER_ID, "Grace Owner", "grace.owner@example.com")
    account = salesforce.create("Account", {"Name": "Woodgrove Bank"})
    return salesforce.seed("Contact", [
        {"FirstName": "Hamilton", "LastName": f"Vance {i}", "Email": f"h{i}@woodgrove.example",
         "Title": "VP Sales" if i % 2 else "Head of Revenue Operations", "AccountId": account, "OwnerId": OWNER_ID}
        for i in range(n)
    ])


@pytest.mark.parametrize("size", SIZES)
def test_the_queue_names_each_record_and_links_it_to_salesforce(browser, live_server, api, rita, salesforce,
                                                                size) -> None:
    from django.core.cache import cache

    cache.clear()
    policy("contact_update", mode="always_review")
    ids = people(salesforce, 8)
    for record_id in ids:
        queued(api, 1, "crm", crm_id=record_id)
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/crmchange/")
    page.wait_for_selector("#result_list")
    shot(page, f"queue-crm-identity-{size['width']}")

    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    first = page.locator("#result_list tbody tr").first
    assert "Hamilton Vance" in first.locator(".q-title").inner_text()
    assert "Woodgrove Bank" in first.locator(".q-sub").inner_text()
    link = first.locator("a.crm-link")
    assert link.get_attribute("href").startswith(f"https://{salesforce.instance}/lightning/r/Contact/")
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= size["width"]


@pytest.mark.parametrize("size", SIZES)
def test_an_email_shows_the_recipients_crm_summary_and_still_fits_the_screen(browser, live_server, api, rita,
                                                                           salesforce, size) -> None:
    from django.core.cache import cache

    cache.clear()
    policy("cold_email", mode="always_review")
    record_id = people(salesforce, 1)[0]
    email = queued(api, 1, crm_id=record_id, to=["h0@woodgrove.example"])[0]
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(size)
    open_review(page, live_server, email)
    fits(page, f"review-email-recipient-{size['width']}")

    summary = page.locator("#recipient-crm").inner_text()
    assert "Hamilton Vance 0" in summary and "Head of Revenue Operations" in summary and "Woodgrove Bank" in summary
    assert "not opted out" in summary and "no earlier email from hitlcrm" in summary
    assert in_view(page, "#recipient-crm") and in_view(page, "#crm-link")


@pytest.mark.parametrize("size", SIZES)
def test_an_edited_email_shows_what_was_sent_and_the_words_changed(browser, live_server, api, rita, size) -> None:
    policy("cold_email", mode="always_review")
    email = queued(api, 1, company_name="Fourth Coffee")[0]
    body = email.body.replace("Open to a chat?", "Worth a 20-minute call next week?").replace("Contoso", "Fourth Coffee")
    proposal_decide(proposal_id=email.pk, actor=Actor.for_user(rita), action="edit_approve", confirm_soft=True,
                    edits={"subject": "A thought for Fourth Coffee", "body": body})
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(size)
    open_review(page, live_server, Proposal.objects.get(pk=email.pk))
    shot(page, f"review-email-sent-diff-{size['width']}")

    assert page.locator("#subject").inner_text() == "A thought for Fourth Coffee"
    assert "Worth a 20-minute call next week?" in page.locator("#body").inner_text()
    diff = page.locator("#diff-body")
    assert diff.locator("del").first.inner_text() == "Contoso"
    assert diff.locator("ins").first.inner_text() == "Fourth Coffee"
    assert "\n\n" in diff.inner_text()  # the paragraphs stay paragraphs
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    if size["width"] == 1920:  # a desktop screen shows the sent text and its diff without scrolling
        assert page.evaluate(NO_PAGE_SCROLL) or in_view(page, "#text-diffs")


@pytest.mark.parametrize("size", SIZES)
def test_a_crm_changes_page_names_the_record_and_still_fits_the_screen(browser, live_server, api, rita, salesforce,
                                                                     size) -> None:
    from django.core.cache import cache

    from .test_layout import EVIDENCE, FIELDS

    cache.clear()
    policy("contact_update", mode="always_review")
    record_id = people(salesforce, 1)[0]
    change = queued(api, 1, "crm", crm_id=record_id, fields=FIELDS, field_confidence={name: 0.9 for name in FIELDS},
                    evidence=EVIDENCE)[0]
    page = signed_in_page(browser, live_server, rita)
    page.set_viewport_size(size)
    open_review(page, live_server, change)
    fits(page, f"review-crm-identity-{size['width']}")

    line = page.locator("#crm-identity")
    assert "Hamilton Vance 0" in line.inner_text() and "Woodgrove Bank" in line.get_attribute("title")
    assert "owner Grace Owner" in line.get_attribute("title")
    # One line, however long the titles: the record's name takes no height from the fields.
    assert line.evaluate("el => el.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(el).lineHeight || 20)")
    assert in_view(page, "#crm-link")
    if size["width"] == 1920:
        assert in_view(page, '#diff tr[data-field="Description"]')
