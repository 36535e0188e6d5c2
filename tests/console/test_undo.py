"""Every slip can be undone: a rejection and a first approval, like an approval, are taken back with
``u`` during the grace period; past it the decision stands and the console says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.admin.console import UNDO_SESSION_KEY
from reviews.models import AuditEvent, Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import DecisionRefused, proposal_decide, proposal_undo
from reviews.state_machine import Status
from tests.factories import policy

from .conftest import logged_in, queued
from .test_review import SWAP, review_url, shown_item

pytestmark = pytest.mark.django_db


def test_a_rejection_is_undone_from_the_next_item_within_the_grace_period(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    first, second = queued(api, 2)
    client = logged_in(rita)
    response = client.post(review_url(first, "decide"), {"action": "reject", "reason_code": "tone", "note": "pushy"},
                           **SWAP)
    assert shown_item(response) == second.pk
    undo = response.context["undo"]
    assert undo["pk"] == first.pk and not undo["late"] and 0 < undo["seconds"] <= 61
    page = response.content.decode()
    assert f"{first} rejected (Tone); undo within" in page and f'action="{review_url(first, "undo")}"' in page
    response = client.post(undo["url"], {"current": second.pk}, **SWAP)
    assert shown_item(response) == first.pk and "undone" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.NEEDS_REVIEW
    assert (first.reason_code, first.decision_note, first.decided_by, first.decided_at) == ("", "", None, None)
    rejection = Decision.objects.get(proposal=first)
    assert rejection.revoked_at is not None and rejection.settled == Decision.Settled.UNDONE
    assert AuditEvent.objects.filter(proposal_id_ref=first.pk, action="undone", data__to="needs_review").exists()


def test_a_rejection_past_the_grace_period_stands_and_the_refusal_says_so(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    first, second = queued(api, 2)
    client = logged_in(rita)
    client.post(review_url(first, "decide"), {"action": "reject", "reason_code": "tone"}, **SWAP)
    Proposal.objects.filter(pk=first.pk).update(decided_at=timezone.now() - timedelta(seconds=61))
    response = client.post(review_url(first, "undo"), {"current": second.pk}, **SWAP)
    assert response.status_code == 409 and shown_item(response) == second.pk
    assert "too late to undo: the grace period is over and the rejection stands" in response.content.decode()
    assert Proposal.objects.get(pk=first.pk).status == Status.REJECTED


def test_the_bar_says_too_late_once_the_grace_period_is_over(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    first, second = queued(api, 2)
    client = logged_in(rita)
    client.post(review_url(first, "decide"), {"action": "reject", "reason_code": "tone"}, **SWAP)
    session = client.session
    session[UNDO_SESSION_KEY] = {**session[UNDO_SESSION_KEY],
                                 "until": (timezone.now() - timedelta(seconds=5)).isoformat()}
    session.save()
    response = client.get(review_url(second))
    assert response.context["undo"]["late"]
    page = response.content.decode()
    assert f"Too late to undo {first}: the grace period is over and the decision stands." in page
    assert '<button type="submit" id="undo" class="button" disabled>' in page


def test_someone_elses_rejection_cannot_be_undone(api, rita, sam, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    item = queued(api, 1)[0]
    proposal_decide(proposal_id=item.pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    with pytest.raises(DecisionRefused, match="only your own rejected decision can be undone"):
        proposal_undo(proposal_id=item.pk, actor=Actor.for_user(sam))


def test_a_first_approval_of_a_four_eyes_item_is_undone(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    item, following = queued(api, 2, "crm")
    client = logged_in(rita)
    response = client.post(review_url(item, "decide"), {"action": "approve"}, **SWAP)
    assert shown_item(response) == following.pk
    assert "approval 1 of 2 recorded; it now waits for a second reviewer. Undo within" in response.content.decode()
    response = client.post(response.context["undo"]["url"], {"current": following.pk}, **SWAP)
    assert response.status_code == 200 and shown_item(response) == item.pk
    assert not Decision.objects.filter(proposal=item).live_approvals().exists()
    assert Proposal.objects.get(pk=item.pk).status == Status.NEEDS_REVIEW
    assert AuditEvent.objects.filter(proposal_id_ref=item.pk, action="undone").exists()
