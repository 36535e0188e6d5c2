"""On a conflict's review page the approve key writes nothing over the CRM's newer value; overwriting
takes its own button and a confirmation."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status
from tests.console.conftest import queued

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_a_key_on_a_conflict_writes_nothing_and_overwrite_needs_its_confirmation(
        browser, live_server, api, rita, ruth, salesforce, tmp_path) -> None:
    cache.clear()
    contact = salesforce.create("Contact", {"LastName": "Lovelace", "Title": "Engineer", "Department": "R&D"})
    (change,) = queued(api, 1, "crm", crm_id=contact, fields={"Title": "CTO", "Department": "Sales"})
    proposal_decide(proposal_id=change.pk, actor=Actor.for_user(rita), action="approve")
    salesforce.update("Contact", contact, {"Title": "Director"})
    proposals_execute(proposal_ids=[change.pk])
    assert Proposal.objects.get(pk=change.pk).status == Status.CONFLICT
    writes = salesforce.calls("collections_update")

    page = signed_in_page(browser, live_server, ruth)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/crmchange/{change.pk}/review/")
    page.wait_for_selector("#review")
    page.screenshot(path=str(tmp_path / "conflict.png"), full_page=True)
    assert page.locator("#approve").is_disabled()
    assert page.locator('tr[data-field="Title"] td.now').inner_text() == "Director"
    assert "drifted" in page.locator('tr[data-field="Title"]').get_attribute("class")

    page.keyboard.press("a")
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(1000)  # what a decision would take to come back, and more

    assert Proposal.objects.get(pk=change.pk).status == Status.CONFLICT
    assert salesforce.get("Contact", contact)["Title"] == "Director"
    assert salesforce.calls("collections_update") == writes
    assert page.locator("#review").get_attribute("data-proposal") == str(change.pk)

    page.locator("#overwrite").click()  # without the confirmation the browser does not send it
    page.wait_for_timeout(500)
    assert Proposal.objects.get(pk=change.pk).status == Status.CONFLICT

    page.locator("#confirm-overwrite").check()
    page.locator("#overwrite").click()
    page.wait_for_function("() => document.body && !document.body.classList.contains('console-busy')"
                           " && !document.getElementById('overwrite')")
    page.screenshot(path=str(tmp_path / "after-overwrite.png"), full_page=True)
    decided = Proposal.objects.get(pk=change.pk)
    assert (decided.status, decided.decision_action) == (Status.APPROVED, "conflict_overwritten")
    print(tmp_path)
