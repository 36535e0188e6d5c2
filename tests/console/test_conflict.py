"""A CRM change in conflict (the CRM value changed after the proposal was made) comes back to a person
on the review page with, per field, the value the proposal was made against, the CRM's value now and
the proposed value; the reviewer approves it again against the new value, or rejects it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from reviews.models import Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.transitions import proposal_lock, proposal_transition
from reviews.state_machine import Status

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
SWAP = {"HTTP_X_CONSOLE_SWAP": "1"}
BEFORE = {"Title": "Engineer", "Department": "R&D"}  # what the checks read from the CRM
NOW = {"Title": "Director", "Department": "R&D"}  # what the push found there: someone edited Title
PROPOSED = {"Title": "CTO", "Department": "Sales"}


def in_conflict(api: Any, reviewer: Any) -> Proposal:
    """A CRM change approved by ``reviewer`` whose push found Title changed in the CRM, recorded as the
    execution service records it (the CRM's values on the field rows, then executing -> conflict)."""
    change = queued(api, 1, "crm", fields=PROPOSED, field_confidence={"Title": 0.9, "Department": 0.8})[0]
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
    return f"/admin/reviews/crmchange/{proposal.pk}/{view}/"


def cells(page: str, field: str) -> dict[str, str]:
    """The text of each classed cell of a field's row in the diff table."""
    row = re.search(rf'<tr [^>]*data-field="{field}">(.*?)</tr>', page, re.S)
    assert row, field
    return {name: html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for name, text in re.findall(r'<td class="([\w-]+)[^"]*">(.*?)</td>', row.group(1), re.S)}


def test_a_conflict_shows_before_now_and_proposed_per_field_and_may_be_approved_again(api, rita, ruth) -> None:
    change = in_conflict(api, rita)
    response = logged_in(ruth).get(review_url(change))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span class="badge status-conflict" id="status">Conflict</span>' in page
    head = page[page.index('<table id="diff"'):page.index("<tbody>")]
    assert [re.sub(r"<[^>]+>", "", th) for th in re.findall(r"<th[^>]*>(.*?)</th>", head)][2:4] == [
        "Current in CRM", "Proposed"] and "<th>CRM now</th>" in head
    for field in PROPOSED:
        shown = cells(page, field)
        assert (shown["before"], shown["conflict"], shown["proposed"]) == (BEFORE[field], NOW[field], PROPOSED[field])
    # The reviewer may decide it again: every decision control is there and enabled.
    assert response.context["can_decide"] and not response.context["approve_blocked"]
    for control in ('id="approve"', 'id="edit"', 'id="reject"'):
        assert control in page
    assert "disabled" not in page[page.index('id="decide-form"'):page.index('id="reject-form"')]

    logged_in(ruth).post(review_url(change, "decide"), {"action": "approve", "field_decisions": "1",
                                                        "approve_field": list(PROPOSED)}, **SWAP)
    change.refresh_from_db()
    assert change.status == Status.APPROVED
    # Approved knowing the CRM now says "Director": that is the baseline the next push checks against.
    rows = {row.field: (row.before_value, row.conflict_value) for row in change.field_changes.all()}
    assert rows == {"Title": ("Director", None), "Department": ("R&D", None)}
    page = logged_in(ruth).get(review_url(change)).content.decode()
    assert "<th>CRM now</th>" not in page and 'id="approve"' not in page  # decided: nothing to decide here


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
