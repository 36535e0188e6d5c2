"""Two pending changes to the same record and field: each review page names the other, and they execute
in submission order, the later one checked against what the earlier one left in the CRM, so both can
never land silently (the second one comes back to a person as a conflict).

Each change is a conflict-checked update: its fields are read with SOQL, then written through sObject
Collections, https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import executions_due, proposals_execute
from reviews.state_machine import Status
from tests.console.conftest import logged_in
from tests.support import wait_for

from .conftest import statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def approve(proposal_id: int, user) -> None:
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(user), action="approve")


def status(proposal_id: int) -> str:
    return Proposal.objects.get(pk=proposal_id).status


def test_both_review_pages_flag_the_other_change_to_the_same_field(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    other = org.create("Contact", {"LastName": "Hopper", "Title": "Engineer"})
    first, second, elsewhere, other_field = changes.submit([
        ("Contact", contact, {"Title": "CTO", "Department": "R&D"}), ("Contact", contact, {"title": "VP"}),
        ("Contact", other, {"Title": "CTO"}), ("Contact", contact, {"Department": "Sales"})])
    client = logged_in(rita)

    pages = {pk: client.get(f"/admin/hitlcrm_reviews/crmchange/{pk}/review/").content.decode()
             for pk in (first, second, elsewhere)}

    flagged = {pk: re.findall(r'class="overlap" data-proposal="(\d+)"', page) for pk, page in pages.items()}
    # Department is shared with another change too: the first page names both, each once.
    assert flagged == {first: [str(second), str(other_field)], second: [str(first)], elsewhere: []}
    assert "It was submitted later: it executes after this one" in pages[first]
    assert "It was submitted first: this change executes only after it has finished" in pages[second]
    assert f'href="/admin/hitlcrm_reviews/crmchange/{first}/review/"' in pages[second]


def test_two_changes_to_one_title_approved_together_land_one_and_the_other_conflicts(org, changes, always_review,
                                                                                      rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    first, second = changes.submit([("Contact", contact, {"Title": "CTO"}), ("Contact", contact, {"Title": "VP"})])
    approve(second, rita)  # the later one is approved first ...
    approve(first, rita)

    outcomes = proposals_execute(proposal_ids=[second, first])

    assert (status(first), status(second)) == (Status.DONE, Status.CONFLICT)
    assert org.get("Contact", contact)["Title"] == "CTO"  # ... yet the earlier one went first
    # The second was checked against what the first wrote, and shows it to a person.
    title = Proposal.objects.get(pk=second).field_changes.get(field="Title")
    assert (title.before_value, title.conflict_value) == ("Engineer", "CTO")
    assert set(outcomes) == {first, second}
    assert org.calls("collections_update") == 1  # one write: never the second over the first


def test_a_later_change_waits_while_the_earlier_one_is_undecided(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    first, second = changes.submit([("Contact", contact, {"Title": "CTO"}), ("Contact", contact, {"Title": "VP"})])
    approve(second, rita)

    assert proposals_execute(proposal_ids=[second]) == {}
    assert status(second) == Status.APPROVED and second not in executions_due()  # the sweeper leaves it too
    assert org.get("Contact", contact)["Title"] == "Engineer" and org.calls("collections_update") == 0

    approve(first, rita)
    proposals_execute(proposal_ids=[first])  # the one that waited follows at once

    assert (status(first), status(second)) == (Status.DONE, Status.CONFLICT)
    assert org.get("Contact", contact)["Title"] == "CTO"


def test_a_later_change_goes_once_the_earlier_one_is_rejected(org, changes, always_review, rita) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    first, second = changes.submit([("Contact", contact, {"Title": "CTO"}), ("Contact", contact, {"Title": "VP"})])
    approve(second, rita)
    proposal_decide(proposal_id=first, actor=Actor.for_user(rita), action="reject", reason_code="factual_error")

    assert second in executions_due()
    proposals_execute(proposal_ids=[second])
    assert status(second) == Status.DONE and org.get("Contact", contact)["Title"] == "VP"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_executes_them_in_order_and_the_second_conflicts(org, changes, always_review, rita,
                                                                       worker_factory) -> None:
    contact = org.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    first, second = changes.submit([("Contact", contact, {"Title": "CTO"}), ("Contact", contact, {"Title": "VP"})])
    worker_factory(org.env)
    with transaction.atomic():  # enqueued together, after the commit
        approve(second, rita)
        approve(first, rita)

    wait_for(lambda: not {Status.APPROVED, Status.EXECUTING} & set(statuses([first, second])), timeout=60,
             what="both changes to finish")
    assert (status(first), status(second)) == (Status.DONE, Status.CONFLICT)
    assert org.get("Contact", contact)["Title"] == "CTO"
