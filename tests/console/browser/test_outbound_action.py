"""In Chromium: a reviewer reads an outbound action on its review page (the action type, the target,
the endpoint's host, what the action is and is not, the payload readably) and approves it with the
keyboard. Screenshots go to the test's output folder, and to HITLCRM_TEST_SCREENSHOTS when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviews.models import CallbackHostRule, OutboundActionType
from reviews.services.checking import proposal_run_checks
from reviews.state_machine import Status
from tests.factories import token_client

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
SCHEMA = {
    "type": "object",
    "properties": {"budget": {"type": "integer", "minimum": 0, "maximum": 1000}, "currency": {"enum": ["EUR", "USD"]},
                   "note": {"type": "string"}},
    "required": ["budget", "currency"],
}


def test_an_outbound_action_is_read_and_approved_on_its_review_page(browser, live_server, agent, rita,
                                                                    tmp_path) -> None:
    CallbackHostRule.objects.create(host="ads.example.com", note="the ads platform")
    action_type = OutboundActionType(name="ads.budget_change", description="Change a campaign's daily budget.",
                                     payload_schema=SCHEMA, endpoint_url="https://ads.example.com/hooks/budget")
    action_type.full_clean()
    action_type.save()
    submitted = token_client(agent[1]).post("/api/v1/outbound-actions/", {
        "action_type": "ads.budget_change", "target": "campaign-2291", "confidence": 0.9,
        "payload": {"budget": 800, "currency": "EUR", "note": "Q4 push for the Woodgrove launch"},
        "evidence": [{"source": "brief", "quote": "raise the budget to 800"}]}, format="json")
    assert submitted.status_code == 201, submitted.content
    proposal = proposal_run_checks(proposal_id=submitted.json()["id"])
    assert proposal.status == Status.NEEDS_REVIEW

    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}{proposal.admin_url()}")
    # The header has a queue per kind (the registry's), this one's included.
    assert page.inner_text("nav.console-nav").split()[:6] == ["Email", "drafts", "CRM", "changes", "Outbound", "actions"]
    text = page.inner_text("body")
    for shown in ("ads.budget_change", "campaign-2291", "ads.example.com", "800", "EUR",
                  "Q4 push for the Woodgrove launch"):
        assert shown in text, shown
    shot = tmp_path / "outbound-action-review.png"
    page.screenshot(path=str(shot), full_page=True)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / "outbound-action-review.png"), full_page=True)
    print(f"screenshot: {shot}")

    page.keyboard.press("a")
    page.wait_for_function("() => !document.querySelector('#decide-form') || document.body.innerText.includes('Approved')",
                           timeout=10_000)
    proposal.refresh_from_db()
    assert proposal.status in {Status.APPROVED, Status.EXECUTING, Status.DONE, Status.FAILED}, proposal.status
