"""Two reviewers click the same item in Slack at the same instant: one decision is recorded, the
other reviewer is told, and the message shows the one that was recorded."""

from __future__ import annotations

import pytest

from reviews.models import AuditEvent, Decision, Notification, Proposal
from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer, token_client
from tests.notifications.conftest import block_text, click, click_payload, link, send_pending, waiting_item
from tests.reliability.test_races import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_clicks_from_two_reviewers_leave_one_decision(slack, channel_route) -> None:
    allow_crm_objects()
    policy("*", mode="always_review")
    api = token_client(agent_with_token("sdr-bot")[1])
    rita, ruth = reviewer("rita"), reviewer("ruth")
    link(rita, "U0RITA")
    link(ruth, "U0RUTH")
    for _ in range(3):
        proposal = waiting_item(api)
        send_pending()
        answers = at_once(
            lambda p=proposal: click(click_payload(slack_user="U0RITA", action_id="hitlcrm_approve", proposal_id=p.pk)),
            lambda p=proposal: click(click_payload(slack_user="U0RUTH", action_id="hitlcrm_reject", proposal_id=p.pk,
                                                   reason="tone")),
        )
        assert [answer.status_code for answer in answers] == [200, 200], answers
        proposal.refresh_from_db()
        (decision,) = Decision.objects.filter(proposal=proposal)
        loser = "U0RUTH" if decision.reviewer == rita else "U0RITA"
        assert proposal.status == ("approved" if decision.reviewer == rita else "rejected")
        assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="slack_decided").count() == 1
        told = Notification.objects.get(proposal=None, purpose="ephemeral", slack_user=loser).text
        assert f"already {proposal.status} by {decision.reviewer.username}; nothing changed" in told
        Notification.objects.filter(purpose="ephemeral").delete()

        send_pending()
        last_update = [call for call in slack.calls_to("chat.update")][-1]
        verb = "Approved" if proposal.status == "approved" else "Rejected"
        assert f"{verb} by {decision.reviewer.username}" in block_text(last_update["args"]["blocks"])
    assert Proposal.objects.filter(status__in=["approved", "rejected"]).count() == 3
