"""Keys and position: the review page says where the item stands in the queue ("2 of 3"), an item
another reviewer holds opens read-only and is never handed over as if it were free, CRM fields carry
the digit that ticks them, and key hints show only the keys that act on the page."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.admin import queue
from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_claim, proposal_decide
from tests.factories import policy

from .conftest import logged_in, queued
from .test_review import SWAP, review_url, shown_item

pytestmark = pytest.mark.django_db


def test_the_header_says_where_the_item_stands_in_its_queue(api, rita) -> None:
    policy("cold_email", mode="always_review")
    first, second, third = queued(api, 3)
    client = logged_in(rita)
    response = client.get(review_url(second))
    assert response.context["position"] == {"index": 2, "total": 3, "more": False}
    assert '<span class="position" id="position"' in response.content.decode()
    assert ">2 of 3</span>" in response.content.decode()
    # The queue the reviewer came from: a search leaves one item, the first of one.
    proposal_decide(proposal_id=first.pk, actor=Actor.for_user(rita), action="approve")
    response = client.get(review_url(third) + "?_changelist_filters=q%3D" + str(third.pk))
    assert response.context["position"] == {"index": 1, "total": 1, "more": False}
    # A decided item is no longer in the awaiting queue: no position is made up for it.
    assert client.get(review_url(first)).context["position"] is None


def test_an_item_someone_else_holds_opens_read_only_and_says_so(api, rita, ruth) -> None:
    item = queued(api, 1)[0]
    proposal_claim(proposal_id=item.pk, actor=Actor.for_user(ruth))
    response = logged_in(rita).get(review_url(item))
    page = response.content.decode()
    assert not response.context["can_decide"] and 'id="approve"' not in page and 'id="reject"' not in page
    assert 'id="read-only"' in page and "ruth is reviewing this item" in page
    assert "<kbd>a</kbd> approve" not in page  # no hint for keys that do nothing here
    # The holder has the buttons.
    page = logged_in(ruth).get(review_url(item)).content.decode()
    assert 'id="approve"' in page and 'id="read-only"' not in page and "<kbd>a</kbd> approve" in page


def test_next_never_hands_over_an_item_claimed_by_someone_else(api, rita, ruth, monkeypatch) -> None:
    """However many items others claim between the read and the claim, none is shown as free."""
    first, *others = queued(api, 7)
    read_queue = queue.first_open

    def ruth_claims_every_item_right_after_the_read(*args: Any, **kwargs: Any) -> int | None:
        found = read_queue(*args, **kwargs)
        if found is not None and found != first.pk:
            proposal_claim(proposal_id=found, actor=Actor.for_user(ruth))
        return found

    monkeypatch.setattr(queue, "first_open", ruth_claims_every_item_right_after_the_read)
    client = logged_in(rita)
    response = client.get(review_url(first, "step") + "?to=next", **SWAP)
    assert shown_item(response) == first.pk  # stays where it was
    assert "The next items are held by other reviewers" in response.content.decode()
    response = client.post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert response.status_code == 204 and response["X-Location"] == "/admin/hitlcrm_reviews/emaildraft/"
    page = client.get(response["X-Location"]).content.decode()
    assert "Nothing more for you now: the items left are held by other reviewers." in page
    assert not Proposal.objects.filter(claimed_by=rita, pk__in=[item.pk for item in others]).exists()


def test_j_on_the_queue_opens_the_first_item_free_for_the_reviewer(api, rita, ruth) -> None:
    held, free = queued(api, 2)
    proposal_claim(proposal_id=held.pk, actor=Actor.for_user(ruth))
    client = logged_in(rita)
    response = client.get("/admin/hitlcrm_reviews/emaildraft/first/?_changelist_filters=status%3Dawaiting")
    assert response.status_code == 302
    assert response["Location"] == review_url(free) + "?_changelist_filters=status%3Dawaiting"
    assert Proposal.objects.get(pk=free.pk).claimed_by == rita
    response = logged_in(ruth).get("/admin/hitlcrm_reviews/emaildraft/first/", follow=True)
    assert response.context["proposal"].pk == held.pk  # ruth's own claim is hers to open


def test_crm_fields_carry_the_digit_that_ticks_them(api, rita) -> None:
    item = queued(api, 1, "crm")[0]
    page = logged_in(rita).get(review_url(item)).content.decode()
    assert 'aria-label="approve Title" data-key="1"' in page and 'aria-label="approve Department" data-key="2"' in page
    assert 'title="press 1 to tick or untick Title"' in page


def test_a_finished_item_shows_no_decision_key_hints(api, rita) -> None:
    item, _other = queued(api, 2)
    proposal_decide(proposal_id=item.pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    page = logged_in(rita).get(review_url(item)).content.decode()
    hints = page[page.index('id="key-hints"'):]
    assert "<kbd>a</kbd> approve" not in hints and "<kbd>r</kbd> reject" not in hints
    assert "<kbd>j</kbd>/<kbd>k</kbd> next/previous" in hints and "<kbd>?</kbd> all keys" in hints
