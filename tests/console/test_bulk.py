"""Bulk decisions: items that passed every check, where the policy allows it, through the same service."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from reviews.models import Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import DecisionRefused, proposals_decide_bulk
from reviews.state_machine import Status
from tests.factories import policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
QUEUE = "/admin/hitlcrm_reviews/emaildraft/"
PASSING = ["placeholders", "tone", "confidence"]


@pytest.fixture
def mix(api):
    policy("cold_email", mode="always_review", checks=PASSING, allow_bulk_decisions=True)
    policy("follow_up", mode="always_review", checks=PASSING, allow_bulk_decisions=False)
    policy("big_deal", mode="always_review", checks=PASSING, allow_bulk_decisions=True, required_approvals=2)
    return {
        "clean": queued(api, 2),
        "failing": queued(api, 1, confidence=0.2)[0],
        "not_allowed": queued(api, 1, task_type="follow_up")[0],
        "four_eyes": queued(api, 1, task_type="big_deal")[0],
    }


def status(proposal: Proposal) -> str:
    return Proposal.objects.get(pk=proposal.pk).status


def test_bulk_approve_decides_the_eligible_and_names_the_rest(mix, rita) -> None:
    everything = [*mix["clean"], mix["failing"], mix["not_allowed"], mix["four_eyes"]]
    response = logged_in(rita).post(QUEUE, {"action": "approve_selected", "_selected_action": [p.pk for p in everything]})
    assert response.status_code == 302
    assert [status(p) for p in mix["clean"]] == [Status.APPROVED, Status.APPROVED]
    assert {status(p) for p in everything[2:]} == {Status.NEEDS_REVIEW}
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert texts[0] == "Approved 2 item(s)."
    assert "not every check passed" in texts[1] and "does not allow bulk decisions" in texts[1]
    assert "needs two approvals" in texts[1]
    assert set(Decision.objects.values_list("reviewer__username", flat=True)) == {"rita"}


def test_bulk_reject_asks_for_a_reason_first(mix, rita) -> None:
    client = logged_in(rita)
    ids = [p.pk for p in mix["clean"]]
    response = client.post(QUEUE, {"action": "reject_selected", "_selected_action": ids})
    assert response.status_code == 200 and 'name="reason_code"' in response.content.decode()
    assert {status(p) for p in mix["clean"]} == {Status.NEEDS_REVIEW}
    client.post(QUEUE, {"action": "reject_selected", "_selected_action": ids, "confirm": "1", "reason_code": "tone",
                        "note": "too salesy"})
    assert set(Decision.objects.values_list("action", "reason_code", "note")) == {("reject", "tone", "too salesy")}
    assert {status(p) for p in mix["clean"]} == {Status.REJECTED}


def test_bulk_actions_are_not_offered_to_read_only_roles(mix, carl) -> None:
    page = logged_in(carl).get(QUEUE).content.decode()
    assert "approve_selected" not in page
    response = logged_in(carl).post(QUEUE, {"action": "approve_selected", "_selected_action": [mix["clean"][0].pk]})
    assert status(mix["clean"][0]) == Status.NEEDS_REVIEW and response.status_code in (200, 302, 403)


def test_the_bulk_service_uses_the_single_decision_rules(mix, rita) -> None:
    with pytest.raises(DecisionRefused):
        proposals_decide_bulk(proposal_ids=[mix["clean"][0].pk], actor=Actor.for_user(rita), action="edit_approve")
    outcome = proposals_decide_bulk(proposal_ids=[p.pk for p in mix["clean"]], actor=Actor.for_user(rita),
                                    action="reject")
    assert outcome.decided == [] and all("reason code" in why for why in outcome.refused.values())
