"""A reviewer clears a queue with the keyboard alone."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from reviews.models import Decision, Proposal
from reviews.state_machine import Status
from tests.console.conftest import queued

from .conftest import LAPTOP, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOVED_ON = """pk => {
  const review = document.getElementById("review");
  return review && review.dataset.proposal !== pk && !document.body.classList.contains("console-busy");
}"""
def in_queue(url: str) -> bool:
    return urlsplit(url).path == "/admin/hitlcrm_reviews/emaildraft/"


REJECTS = {4: ("2", "tone", "ja, rather pushy"), 17: ("1", "factual_error", "wrong office")}
EDIT_AT = 9
UNDO_AT = 2


def test_a_reviewer_clears_a_queue_of_30_with_the_keyboard_alone(browser, live_server, api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    items = queued(api, 30)
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/hitlcrm_reviews/emaildraft/")
    page.keyboard.type("rita")  # the login form focuses the username
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(in_queue)
    page.keyboard.press("j")
    page.wait_for_selector("#review")

    seen, rejected, edited = [], {}, None
    for step in range(30):
        pk = page.locator("#review").get_attribute("data-proposal")
        seen.append(int(pk))
        if step in REJECTS:
            key, reason, note = REJECTS[step]
            page.keyboard.press("r")
            page.keyboard.press(key)  # picks the reason and moves to the note
            page.keyboard.type(note)  # typed letters (a, j, r) are text here, not commands
            page.keyboard.press("Enter")
            rejected[int(pk)] = (reason, note)
        elif step == EDIT_AT:
            page.keyboard.press("e")
            page.keyboard.type("A thought for Contoso")  # replaces the selected subject
            page.keyboard.press("Enter")
            edited = int(pk)
        else:
            page.keyboard.press("a")
        if step == 29:
            break
        page.wait_for_function(MOVED_ON, arg=pk)
        if step == UNDO_AT:
            assert page.locator("#undo-form").is_visible()
            page.keyboard.press("u")
            page.wait_for_function(f"() => document.getElementById('review').dataset.proposal === '{pk}'")
            assert "undone" in page.locator(".messagelist").inner_text()
            page.keyboard.press("a")
            page.wait_for_function(MOVED_ON, arg=pk)

    page.wait_for_url(in_queue)
    assert "The queue is clear." in page.locator(".messagelist").inner_text()
    assert sorted(seen) == [item.pk for item in items]  # every item once, in the queue's order
    assert seen == sorted(seen)
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert {pk for pk, status in statuses.items() if status == Status.REJECTED} == set(rejected)
    assert sum(status == Status.APPROVED for status in statuses.values()) == 28
    for pk, (reason, note) in rejected.items():
        assert Decision.objects.filter(proposal_id=pk, action="reject", reason_code=reason, note=note).exists()
    edit = Decision.objects.get(proposal_id=edited)
    assert edit.action == "edit_approve" and edit.edits == {"subject": ["Idea for Contoso", "A thought for Contoso"]}
    assert Proposal.objects.get(pk=edited).final_output["subject"] == "A thought for Contoso"
    assert Decision.objects.filter(reviewer=rita).count() == 31  # 30 decisions and the one taken back
    assert Decision.objects.filter(revoked_at__isnull=False).count() == 1


def showing(page, pk: int) -> None:
    page.wait_for_function(
        "pk => { const review = document.getElementById('review');"
        " return review && review.dataset.proposal === pk && !document.body.classList.contains('console-busy'); }",
        arg=str(pk))


def test_j_and_k_move_to_the_next_and_previous_item_in_place(browser, live_server, api, rita) -> None:
    first, second, third = queued(api, 3)
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{first.pk}/review/")
    showing(page, first.pk)
    page.evaluate("() => { window.__samePage = true; }")  # gone if a key loaded a whole page instead

    for key, expected in (("j", second), ("j", third), ("k", second), ("k", first)):
        page.keyboard.press(key)
        showing(page, expected.pk)
        assert urlsplit(page.url).path == f"/admin/hitlcrm_reviews/emaildraft/{expected.pk}/review/"
        assert page.locator("#subject").inner_text() == expected.subject
    page.keyboard.press("k")  # nothing before the first: it stays, and says so
    page.wait_for_selector(".messagelist")
    showing(page, first.pk)
    assert "No previous item in this queue." in page.locator(".messagelist").inner_text()
    assert page.evaluate("() => window.__samePage === true")
    assert set(Proposal.objects.values_list("status", flat=True)) == {Status.NEEDS_REVIEW}  # moving decides nothing
    assert not Decision.objects.exists()


def test_a_decision_costs_exactly_one_request(browser, live_server, api, rita, settings) -> None:
    """Pressing a key to decide sends the decision, and its answer is the next item, already rendered:
    nothing else is fetched, not even the icon of the message the next page shows."""
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60  # as in production: an approval shows the undo bar
    first, second, third = queued(api, 3)
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{first.pk}/review/")
    showing(page, first.pk)
    page.wait_for_load_state("networkidle")
    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.method, urlsplit(request.url).path)))

    page.keyboard.press("a")
    showing(page, second.pk)
    page.wait_for_timeout(300)  # anything the swapped-in page would still fetch
    assert requests == [("POST", f"/admin/hitlcrm_reviews/emaildraft/{first.pk}/decide/")]
    assert page.locator("#undo-form").is_visible() and page.locator("#subject").inner_text() == second.subject

    requests.clear()
    page.keyboard.press("r")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    showing(page, third.pk)
    page.wait_for_timeout(300)
    assert requests == [("POST", f"/admin/hitlcrm_reviews/emaildraft/{second.pk}/decide/")]
    assert "rejected" in page.locator("#undo-form").inner_text()  # said by the undo bar, which offers u
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[third.pk]) == (Status.APPROVED, Status.REJECTED,
                                                                            Status.NEEDS_REVIEW)
