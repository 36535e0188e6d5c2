"""An edit the checks refuse, seen from the keyboard: `e`, type, Ctrl+Enter, and the page says why,
keeping the reviewer's text; nothing is approved."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from reviews.models import Decision, Proposal
from reviews.state_machine import Status
from tests.console.conftest import queued

from .conftest import signed_in_page
from .test_layout import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
def in_queue(url: str) -> bool:
    return urlsplit(url).path == "/admin/hitlcrm_reviews/emaildraft/"


SETTLED = ("() => !!document.body && !document.body.classList.contains('console-busy')"
           " && !!document.getElementById('edit-refused')")


def test_a_placeholder_typed_into_an_edit_is_refused_on_the_page(browser, live_server, api, rita) -> None:
    first = queued(api, 1)[0]
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{first.pk}/review/")
    page.wait_for_selector("#review")

    page.keyboard.press("e")  # the subject is focused and selected
    page.keyboard.type("Hi {{first_name}}")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(SETTLED)
    shot(page, "edit-refused")

    refused = page.locator("#edit-refused")
    assert refused.is_visible()
    assert "Unfilled template placeholder in the subject: {{first_name}}" in refused.inner_text()
    assert page.locator("#review").get_attribute("data-proposal") == str(first.pk)  # the same item, not the next
    assert page.locator("#review").get_attribute("data-mode") == "edit"
    assert page.locator("#edit-subject").input_value() == "Hi {{first_name}}"  # the edit is kept to fix
    assert page.locator("#save-edit").is_visible()
    assert Proposal.objects.get(pk=first.pk).status == Status.NEEDS_REVIEW
    assert not Decision.objects.exists()

    # Fixed in place, the same keys approve it.
    page.locator("#edit-subject").fill("Hi Ada, an idea for Contoso")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(in_queue)  # it was the only item: the queue is clear
    assert Proposal.objects.get(pk=first.pk).final_output["subject"] == "Hi Ada, an idea for Contoso"


def test_a_soft_failure_is_confirmed_with_space_then_ctrl_enter(browser, live_server, api, rita) -> None:
    first = queued(api, 1)[0]
    page = signed_in_page(browser, live_server, rita)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{first.pk}/review/")
    page.wait_for_selector("#review")

    page.keyboard.press("e")
    page.keyboard.type("Idea for Contoso: how the new Berlin office could keep its pipeline data clean from the "
                       "first quarter, without extra headcount")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(SETTLED)
    shot(page, "edit-soft-confirm")
    assert "over the limit of 100" in page.locator("#edit-refused").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "confirm-soft"
    assert not Decision.objects.exists()

    page.keyboard.press("Space")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(in_queue)
    assert Proposal.objects.get(pk=first.pk).status == Status.APPROVED


def test_a_senior_reviewer_rescues_a_blocked_draft_with_the_same_keys(browser, live_server, api, sam) -> None:
    draft = queued(api, 1, body="Hi {{first_name}},\n\nContoso just opened a Berlin office.")[0]
    assert draft.status == Status.BLOCKED
    page = signed_in_page(browser, live_server, sam)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/emaildraft/{draft.pk}/review/")
    page.wait_for_selector("#rescue-form")
    shot(page, "rescue-offered")

    page.keyboard.press("e")
    page.keyboard.press("Tab")  # from the subject to the body
    page.keyboard.press("Control+a")
    page.keyboard.type("Hi Ada,\n\nContoso just opened a Berlin office.")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.getElementById('review').dataset.status === 'needs_review'")
    shot(page, "rescued")
    assert "back in review" in page.locator(".messagelist").inner_text()
    assert page.locator("#rescued").is_visible() and page.locator("#approve").is_visible()
    draft.refresh_from_db()
    assert draft.status == Status.NEEDS_REVIEW and draft.body == "Hi Ada,\n\nContoso just opened a Berlin office."
