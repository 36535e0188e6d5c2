"""Two reviewers decide one item at the same moment: exactly one decision counts."""

from __future__ import annotations

import pytest

from reviews.models import Decision, Proposal
from tests.console.conftest import queued

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SETTLED = """pk => {
  const review = document.getElementById("review");
  return !!document.body && !document.body.classList.contains("console-busy")
    && (document.querySelector(".messagelist .error") !== null || (review && review.dataset.proposal !== pk));
}"""
CLICK_AT = "([id, at]) => setTimeout(() => document.getElementById(id).click(), at - Date.now())"


def test_two_reviewers_racing_for_one_item_one_wins_and_the_other_is_told(browser, live_server, api, rita, ruth,
                                                                          settings) -> None:
    # An item someone holds opens read-only (tests/console/test_keys.py); claims that lapse at once let
    # both reviewers have the buttons, as when a claim ran out while one of them was looking.
    settings.HITLCRM_CLAIM_SECONDS = -1
    target, spare = queued(api, 2)
    url = f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{target.pk}/review/"
    approver, rejecter = signed_in_page(browser, live_server, rita), signed_in_page(browser, live_server, ruth)
    for page in (approver, rejecter):
        page.goto(url)
    assert approver.locator("#approve").is_visible() and rejecter.locator("#reject").is_visible()
    rejecter.select_option("#reason_code", "tone")

    at = approver.evaluate("Date.now()") + 500
    approver.evaluate(CLICK_AT, ["approve", at])
    rejecter.evaluate(CLICK_AT, ["reject", at])
    for page in (approver, rejecter):
        page.wait_for_function(SETTLED, arg=str(target.pk))

    decision = Decision.objects.get(proposal=target)
    target.refresh_from_db()
    winner, loser = (approver, rejecter) if decision.reviewer == rita else (rejecter, approver)
    assert target.status == ("approved" if decision.reviewer == rita else "rejected")
    assert winner.locator("#review").get_attribute("data-proposal") == str(spare.pk)
    assert loser.locator("#review").get_attribute("data-proposal") == str(target.pk)
    message = loser.locator(".messagelist .error").inner_text()
    assert f"already {target.status} by {decision.reviewer.username}; nothing changed" in message
    assert loser.locator("#status").inner_text() == target.get_status_display()
    assert Proposal.objects.get(pk=spare.pk).status == "needs_review"
