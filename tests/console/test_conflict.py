"""The CRM's value now beside the snapshot a CRM change was made against, and a conflict (the CRM value
changed after the change was approved) back in front of a person: proposed / in CRM at the snapshot /
in CRM now, with two explicit ways forward — rebase on the CRM's value, or overwrite it — and never a
plain approval that writes over the newer value.

Salesforce reads its records with SOQL, one query for the record:
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from reviews.models import AuditEvent, Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.transitions import proposal_lock, proposal_transition
from reviews.state_machine import Status

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
SWAP = {"HTTP_X_CONSOLE_SWAP": "1"}
BEFORE = {"Title": "Engineer", "Department": "R&D"}  # what the checks read from the CRM
NOW = {"Title": "Director", "Department": "R&D"}  # what the push found there: someone edited Title
PROPOSED = {"Title": "CTO", "Department": "Sales"}


def in_conflict(api: Any, reviewer: Any, crm_id: str | None = None) -> Proposal:
    """A CRM change approved by ``reviewer`` whose push found Title changed in the CRM, recorded as the
    execution service records it (the CRM's values on the field rows, then executing -> conflict)."""
    extra = {"crm_id": crm_id} if crm_id else {}
    change = queued(api, 1, "crm", fields=PROPOSED, field_confidence={"Title": 0.9, "Department": 0.8}, **extra)[0]
    for row in change.field_changes.all():
        row.before_value, row.before_captured_at = BEFORE[row.field], timezone.now()
        row.save()
    proposal_decide(proposal_id=change.pk, actor=Actor.for_user(reviewer), action="approve")
    with transaction.atomic():
        proposal_transition(proposal_lock(change.pk), Status.EXECUTING, actor=Actor.system())
        for row in change.field_changes.all():
            row.conflict_value = NOW[row.field]
            row.save()
        proposal_transition(proposal_lock(change.pk), Status.CONFLICT, actor=Actor.system(), action="conflict")
    return Proposal.objects.get(pk=change.pk)


def review_url(proposal: Proposal, view: str = "review") -> str:
    return f"/admin/hitlcrm_reviews/crmchange/{proposal.pk}/{view}/"


def cells(page: str, field: str) -> dict[str, str]:
    """The text of each classed cell of a field's row in the diff table."""
    row = re.search(rf'<tr [^>]*data-field="{field}">(.*?)</tr>', page, re.S)
    assert row, field
    return {name: html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for name, text in re.findall(r'<td class="([\w-]+)[^"]*">(.*?)</td>', row.group(1), re.S)}


def row_classes(page: str, field: str) -> list[str]:
    row = re.search(rf'<tr class="([^"]*)" data-field="{field}">', page)
    assert row, field
    return row.group(1).split()


def headers(page: str) -> list[str]:
    head = page[page.index('<table id="diff"'):page.index("<tbody>")]
    return [html.unescape(re.sub(r"<[^>]+>", "", th)) for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def soql_reads(org: Any) -> int:
    return org.calls("query") + org.calls("query_all")


@pytest.fixture
def contact(salesforce) -> str:
    """A Contact in the emulator, with hitlcrm configured for it and nothing cached."""
    cache.clear()
    yield salesforce.create("Contact", {"LastName": "Lovelace", **BEFORE})
    cache.clear()


# --- the CRM now, beside the snapshot ------------------------------------------------------

def test_the_review_page_shows_the_crm_value_now_beside_the_labelled_snapshot_and_highlights_a_change(
        api, rita, salesforce, contact) -> None:
    (change,) = queued(api, 1, "crm", crm_id=contact, fields=PROPOSED)  # the checks snapshot the record
    captured = change.field_changes.get(field="Title").before_captured_at
    salesforce.update("Contact", contact, {"Title": "Director"})  # someone edits the record meanwhile

    page = logged_in(rita).get(review_url(change)).content.decode()

    assert headers(page)[2:5] == [f"In CRM at submission, {captured:%H:%M} UTC", "In CRM now", "Proposed"]
    title, department = cells(page, "Title"), cells(page, "Department")
    assert (title["before"], title["now"], title["proposed"]) == ("Engineer", "Director", "CTO")
    assert (department["before"], department["now"], department["proposed"]) == ("R&D", "R&D", "Sales")
    assert "drifted" in row_classes(page, "Title") and "drifted" not in row_classes(page, "Department")
    drift = re.search(r'<p id="drift"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "<code>Title</code>" in drift and "Department" not in drift and "conflict" in drift


def test_an_unchanged_record_is_not_highlighted(api, rita, salesforce, contact) -> None:
    (change,) = queued(api, 1, "crm", crm_id=contact, fields=PROPOSED)
    page = logged_in(rita).get(review_url(change)).content.decode()
    assert cells(page, "Title")["now"] == "Engineer"
    assert 'id="drift"' not in page and "drifted" not in page


def test_the_crm_now_is_read_once_for_repeated_opens_within_the_cache_time(api, rita, ruth, salesforce,
                                                                           contact, settings) -> None:
    settings.HITLCRM_CRM_NOW_CACHE_SECONDS = 30
    first, second = queued(api, 2, "crm", crm_id=contact, fields=PROPOSED)
    before = soql_reads(salesforce)
    for client in (logged_in(rita), logged_in(ruth)):
        for change in (first, second, first):  # two changes to the record: the same read serves both
            assert client.get(review_url(change)).status_code == 200
    # One query for the values now and one for who the record is (services/crm_identity.py), each cached.
    assert soql_reads(salesforce) == before + 2

    cache.clear()  # the cache time is over
    assert logged_in(rita).get(review_url(first)).status_code == 200
    assert soql_reads(salesforce) == before + 4


def test_a_salesforce_error_is_shown_and_never_breaks_the_page(api, rita, salesforce, contact) -> None:
    (change,) = queued(api, 1, "crm", crm_id=contact, fields=PROPOSED)
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=20, kinds=["query", "query_all"])

    response = logged_in(rita).get(review_url(change))

    assert response.status_code == 200
    page = response.content.decode()
    error = html.unescape(re.search(r'<p id="crm-now-error"[^>]*>(.*?)</p>', page, re.S).group(1))
    assert error.startswith("CRM now could not be read: ") and len(error) > len("CRM now could not be read: ")
    assert cells(page, "Title")["now"] == "not read" and 'id="approve"' in page


# --- a conflict: its own choices -----------------------------------------------------------

def test_a_conflict_shows_proposed_snapshot_and_now_and_offers_rebase_and_overwrite_not_approve(
        api, rita, ruth, salesforce, contact) -> None:
    change = in_conflict(api, rita, crm_id=contact)
    salesforce.update("Contact", contact, {"Title": "Director"})
    response = logged_in(ruth).get(review_url(change))
    page = response.content.decode()
    assert '<span class="badge status-conflict" id="status">Conflict</span>' in page
    assert headers(page)[2].startswith("In CRM at submission, ") and headers(page)[3:5] == ["In CRM now", "Proposed"]
    for field in PROPOSED:
        shown = cells(page, field)
        assert (shown["before"], shown["now"], shown["proposed"]) == (BEFORE[field], NOW[field], PROPOSED[field])
    assert "drifted" in row_classes(page, "Title")
    # Approve (and so the "a" key) and Edit & approve are disabled; the two choices are there.
    bar = page[page.index('id="decide-form"'):page.index('id="reject-form"')]
    assert re.search(r'id="approve"[^>]*disabled', bar) and re.search(r'id="edit"[^>]*disabled', bar)
    assert 'value="rebase" id="rebase"' in page and 'value="overwrite" id="overwrite"' in page
    assert re.search(r'name="confirm_overwrite"[^>]*required', page)
    assert "Rebase" in response.context["approve_blocked"]


def test_a_conflict_without_salesforce_shows_the_value_found_when_pushed(api, rita, ruth) -> None:
    change = in_conflict(api, rita)
    page = logged_in(ruth).get(review_url(change)).content.decode()
    assert "crm-now-error" not in page  # no Salesforce at all: nothing to read, nothing to report
    assert headers(page)[3] == "In CRM now"
    assert cells(page, "Title")["now"] == "Director found when pushed"


def test_without_salesforce_a_page_to_decide_shows_no_crm_now_column(api, rita) -> None:
    (change,) = queued(api, 1, "crm", fields=PROPOSED)
    page = logged_in(rita).get(review_url(change)).content.decode()
    assert "In CRM now" not in headers(page) and "crm-now-error" not in page


def test_a_plain_approval_of_a_conflict_is_refused_naming_both_choices(api, rita, ruth) -> None:
    change = in_conflict(api, rita)
    response = logged_in(ruth).post(review_url(change, "decide"), {"action": "approve", "field_decisions": "1",
                                                                   "approve_field": list(PROPOSED)}, **SWAP)
    assert response.status_code == 409
    message = html.unescape(response.content.decode())
    assert '"Rebase"' in message and '"Overwrite"' in message
    change.refresh_from_db()
    assert change.status == Status.CONFLICT
    assert {row.field: row.before_value for row in change.field_changes.all()} == BEFORE  # nothing moved


def test_overwrite_needs_its_confirmation_then_approves_over_the_newer_value(api, rita, ruth) -> None:
    change = in_conflict(api, rita)
    client = logged_in(ruth)
    refused = client.post(review_url(change, "decide"), {"action": "overwrite"}, **SWAP)
    assert refused.status_code == 409 and "confirmation" in refused.content.decode()
    assert Proposal.objects.get(pk=change.pk).status == Status.CONFLICT

    client.post(review_url(change, "decide"), {"action": "overwrite", "confirm_overwrite": "1"}, **SWAP)

    change.refresh_from_db()
    assert (change.status, change.decision_action) == (Status.APPROVED, "conflict_overwritten")
    # The baseline is the CRM's newer value the reviewer saw: the push writes over exactly that.
    rows = {row.field: (row.before_value, row.conflict_value, row.approved_value) for row in change.field_changes.all()}
    assert rows == {"Title": ("Director", None, "CTO"), "Department": ("R&D", None, "Sales")}
    event = AuditEvent.objects.get(proposal_id_ref=change.pk, action="conflict_overwritten")
    assert event.actor == "ruth" and event.data["overwrites"]["Title"] == {"crm": "Director", "written": "CTO"}
    page = logged_in(ruth).get(review_url(change)).content.decode()
    assert 'id="approve"' not in page and 'id="overwrite"' not in page  # decided: nothing to decide here
    # rita's approval of the round that met the conflict is labelled so, not "undone".
    settled = Decision.objects.get(proposal=change, reviewer=rita)
    assert settled.settled == Decision.Settled.CONFLICT
    assert "conflict: the CRM changed; decided again" in html.unescape(page) and "undone" not in page


def test_rebase_sends_the_change_back_through_the_checks_to_a_person(api, rita, ruth) -> None:
    change = in_conflict(api, rita)
    logged_in(ruth).post(review_url(change, "decide"), {"action": "rebase", "note": "the CRM is newer"}, **SWAP)

    change.refresh_from_db()
    assert change.status == Status.CHECKING and change.decided_by is None
    rows = {row.field: (row.before_value, row.conflict_value, row.decision) for row in change.field_changes.all()}
    assert rows == {"Title": ("Director", None, "pending"), "Department": ("R&D", None, "pending")}
    assert AuditEvent.objects.filter(proposal_id_ref=change.pk, action="conflict_rebased", actor="ruth").exists()

    proposal_run_checks(proposal_id=change.pk)  # the task the rebase enqueued
    change.refresh_from_db()
    assert change.status == Status.NEEDS_REVIEW
    page = logged_in(ruth).get(review_url(change)).content.decode()
    assert headers(page)[2].startswith("In CRM after the conflict, ")
    assert not re.search(r'id="approve"[^>]*disabled', page) and 'id="rebase"' not in page
    assert "conflict: the CRM changed; decided again" in html.unescape(page) and "undone" not in page


def test_a_conflict_may_be_rejected_with_a_reason(api, rita, ruth) -> None:
    change = in_conflict(api, rita)
    client = logged_in(ruth)
    client.get(review_url(change))
    client.post(review_url(change, "decide"), {"action": "reject", "reason_code": "wrong_target",
                                               "note": "the CRM is right"}, **SWAP)
    change.refresh_from_db()
    assert change.status == Status.REJECTED
    decision = Decision.objects.get(proposal=change, action="reject")
    assert (decision.reviewer, decision.reason_code, decision.note) == (ruth, "wrong_target", "the CRM is right")
    assert {row.field: row.before_value for row in change.field_changes.all()} == BEFORE  # nothing rebased
