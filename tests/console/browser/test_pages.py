"""Every console page in Chromium at 1366×768 and 1920×1080: a screenshot of each (kept in
``HITLCRM_TEST_SCREENSHOTS`` when set, to look at), and what a screenshot alone would not catch: no
page wider than the window, no label over its neighbour, table headers in words and no header word
broken across lines, no stray list bullets, no choice list squeezed, nothing cut off."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from reviews.models import CrmObjectRule, Execution, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_claim, proposal_decide
from tests.console.conftest import queued
from tests.factories import ExecutionAttemptFactory, policy, reviewer

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "1920": {"width": 1920, "height": 1080}}

NO_HORIZONTAL_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
# Elements whose text is drawn past their own box into the next cell (an "approved" label over the
# field name): text wider than the box that clips nothing.
OVERFLOWING = """sel => [...document.querySelectorAll(sel)].filter(el => {
  const style = getComputedStyle(el);
  return el.scrollWidth > el.clientWidth + 1 && style.overflowX === 'visible' && el.offsetParent !== null;
}).map(el => el.outerHTML.slice(0, 120))"""
# Tables cut off by a box that hides (or scrolls) what is wider than itself: the pushes table's last
# columns, the audit list's CRM record column.
CLIPPED = """() => [...document.querySelectorAll('table')].filter(table => {
  const right = table.getBoundingClientRect().right;
  for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
    if (getComputedStyle(box).overflowX !== 'visible' && right > box.getBoundingClientRect().right + 1) return true;
  }
  return right > window.innerWidth + 1;
}).map(table => table.id || table.className || 'table')"""
# Cells whose text is cut short by an ellipsis or a hidden overflow.
CUT_CELLS = """sel => [...document.querySelectorAll(sel)].filter(el => el.scrollWidth > el.clientWidth + 1
  && getComputedStyle(el).overflowX !== 'visible').map(el => el.textContent.trim().slice(0, 80))"""
# Header words split across lines ("SUBMISSI / ON", "H / T / T / P" in a column squeezed to a letter):
# a word whose text takes more than one line box.
BROKEN_HEADER_WORDS = """() => [...document.querySelectorAll("th")].filter(th => th.offsetParent !== null).flatMap(th => {
  const broken = [];
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(word[0]);
    }
  }
  return broken.map(word => `${th.closest("table").id || th.closest("table").className || "table"}: ${word}`);
})"""
# List items drawing a bullet their list means to have none (the admin's "ul li" square, outside the box).
STRAY_BULLETS = """() => [...document.querySelectorAll("ul > li")].filter(li => li.offsetParent !== null
  && getComputedStyle(li.parentElement).listStyleType === "none" && getComputedStyle(li).listStyleType !== "none"
  && getComputedStyle(li).display === "list-item").map(li => li.textContent.trim().slice(0, 60))"""
# Labels of a form's checkbox and radio lists (a reviewer's role, a policy's checks) squeezed into a
# narrow column, a few words a line.
SQUEEZED_CHOICES = """() => [...document.querySelectorAll('form div[id^="id_"] > div > label, form ul[id^="id_"] label')]
  .filter(label => label.offsetParent !== null).filter(label => {
    const style = getComputedStyle(label);
    const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);  // "normal": about 1.2 em
    const lines = label.getBoundingClientRect().height / line;
    return lines > 3.5;
  }).map(label => label.textContent.trim().slice(0, 50))"""
SNAKE_HEADERS = """() => [...document.querySelectorAll("thead th")].map(th => th.textContent.trim())
  .filter(text => /^[a-z0-9]+(_[a-z0-9]+)+$/.test(text))"""


def shoot(page: Any, name: str, tmp_path: Path) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.fixture
def world(api, salesforce, settings) -> dict[str, Any]:
    """One of everything a page shows: queued drafts and changes, a finished CRM change with a field
    rejected and its pushes, decisions for the report, rules and policies."""
    settings.HITLCRM_SENDER_IDENTITY, settings.HITLCRM_POSTAL_ADDRESS = "Contoso Outreach", "1 Main St, Springfield"
    policy("cold_email", mode="calibrated", confidence_threshold=0.95)
    rita = reviewer("rita")
    emails = queued(api, 3)
    short_html = queued(api, 1, body_html="<p>Hi Ada,</p><p>Contoso just opened Berlin: congratulations.</p>"
                                          "<p>Open to a 20-minute chat next week?</p><p>Sam</p>")[0]
    # A row as long as the demo's, held by a colleague: the queue's last columns stay in view.
    long_row = queued(api, 1, to=["margaret.hamilton@cohovineyard-international.example"],
                      subject="Re: Coho Vineyard's growth in Singapore and across the Asia-Pacific region",
                      company_name="Coho Vineyard International Holdings")[0]
    proposal_claim(proposal_id=long_row.pk, actor=Actor.for_user(reviewer("senior", role="senior_reviewer")))
    changes = queued(api, 2, "crm", fields={"Title": "VP Sales", "Department": "Sales", "MailingCity": "Berlin"},
                     field_confidence={"Title": 0.9, "Department": 0.9, "MailingCity": 0.9})
    proposal_decide(proposal_id=emails[2].pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    finished = changes[1]
    proposal_decide(proposal_id=finished.pk, actor=Actor.for_user(rita), action="approve",
                    field_decisions={"Title": True, "Department": False, "MailingCity": True})
    execution, _ = Execution.objects.get_or_create(proposal=finished)
    start = timezone.now() - timedelta(minutes=3)
    for number, outcome in enumerate(("retry", "written"), start=1):
        ExecutionAttemptFactory(execution=execution, number=number, started_at=start + timedelta(minutes=number),
                                outcome=outcome, error_code="SERVER_UNAVAILABLE" if number == 1 else "",
                                error_message="Salesforce is down for maintenance" if number == 1 else "")
    return {"email": emails[0], "html": short_html, "change": changes[0], "finished": Proposal.objects.get(pk=finished.pk)}


def pages(world: dict[str, Any]) -> dict[str, str]:
    change, finished = world["change"], world["finished"]
    rule = CrmObjectRule.objects.get(crm_object="Contact")
    return {
        "index": "/admin/",
        "dashboard": "/admin/hitlcrm_reviews/proposal/dashboard/",
        "setup": "/admin/hitlcrm_reviews/proposal/setup/",
        "queue-email": "/admin/hitlcrm_reviews/emaildraft/",
        "queue-crm": "/admin/hitlcrm_reviews/crmchange/",
        "review-email": f"/admin/hitlcrm_reviews/emaildraft/{world['email'].pk}/review/",
        "review-email-html": f"/admin/hitlcrm_reviews/emaildraft/{world['html'].pk}/review/",
        "review-crm": f"/admin/hitlcrm_reviews/crmchange/{change.pk}/review/",
        "review-crm-finished": f"/admin/hitlcrm_reviews/crmchange/{finished.pk}/review/",
        "audit": "/admin/hitlcrm_reviews/auditevent/",
        "timeline": f"/admin/hitlcrm_reviews/auditevent/timeline/{change.crm_object}/{change.crm_id}/",
        "monthly-report": "/admin/hitlcrm_reviews/auditevent/report/",
        "policies": "/admin/hitlcrm_reviews/policy/",
        "policy-add": "/admin/hitlcrm_reviews/policy/add/",
        "crm-rules": "/admin/hitlcrm_reviews/crmobjectrule/",
        "crm-rule": f"/admin/hitlcrm_reviews/crmobjectrule/{rule.pk}/change/",
        "reviewers": "/admin/hitlcrm_reviews/consoleaccount/",
        "reviewer-add": "/admin/hitlcrm_reviews/consoleaccount/add/",
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_console_page_fits_and_reads(browser, live_server, world, ada, viewport, tmp_path) -> None:
    page = signed_in_page(browser, live_server, ada)
    page.set_viewport_size(VIEWPORTS[viewport])
    problems: list[str] = []
    for name, url in pages(world).items():
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, (name, response and response.status)
        page.wait_for_load_state("load")
        shoot(page, f"{name}-{viewport}", tmp_path)
        if not page.evaluate(NO_HORIZONTAL_SCROLL):
            width = page.evaluate("() => document.scrollingElement.scrollWidth")
            problems.append(f"{name}: {width} px wide in a {VIEWPORTS[viewport]['width']} px window")
        snake = page.evaluate(SNAKE_HEADERS)
        if snake:
            problems.append(f"{name}: headers not in words: {snake}")
        overflowing = page.evaluate(OVERFLOWING, "#diff td, #changelist td, #result_list td")
        if overflowing:
            problems.append(f"{name}: text drawn over its neighbour: {overflowing[:3]}")
        broken = page.evaluate(BROKEN_HEADER_WORDS)
        if broken:
            problems.append(f"{name}: header words broken across lines: {broken[:4]}")
        squeezed = page.evaluate(SQUEEZED_CHOICES)
        if squeezed:
            problems.append(f"{name}: choices squeezed to a few words a line: {squeezed[:2]}")
        bullets = page.evaluate(STRAY_BULLETS)
        if bullets:
            problems.append(f"{name}: bullets on a list without them: {bullets[:2]}")
        clipped = page.evaluate(CLIPPED) + page.evaluate(CUT_CELLS, "#result_list td, #execution-log td")
        if clipped:
            problems.append(f"{name}: cut off: {clipped[:3]}")
    # A short HTML part gets a short frame, not 44 % of the screen left blank under four lines.
    page.goto(live_server.url + pages(world)["review-email-html"])
    frame, window = page.evaluate("() => [document.querySelector('#body-html').getBoundingClientRect().height, "
                                  "window.innerHeight]")
    if frame > 0.25 * window:
        problems.append(f"review-email-html: a {frame:.0f} px frame for four short paragraphs")
    # Editing a CRM change: each value's input is wide enough to read a title or an address in.
    page.goto(live_server.url + pages(world)["review-crm"])
    page.wait_for_selector("#review")
    page.keyboard.press("e")
    page.wait_for_selector('input[name="field:Title"]', state="visible")
    shoot(page, f"review-crm-edit-{viewport}", tmp_path)
    broken = page.evaluate(BROKEN_HEADER_WORDS)
    if broken:
        problems.append(f"review-crm edit: header words broken across lines: {broken[:4]}")
    width = page.locator('input[name="field:Title"]').evaluate("el => el.getBoundingClientRect().width")
    if width < 180:
        problems.append(f"review-crm edit: the value input is {width:.0f} px wide")
    assert not problems, "\n".join(problems)
