"""Approve A, execute A, for outbound actions: the approval records the digest of the action the webhook
executor POSTs (type, target, payload, after edits), and an action whose stored payload changed after the
approval is refused: nothing reaches the receiver."""

from __future__ import annotations

from reviews.canonical import payload_digest
from reviews.models import AuditEvent, Decision, Execution, ExecutionState, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.state_machine import Status
from tests.support import raw_json_write

from .receiver import ActionReceiver, Reply
from .test_outbound_action_kind import approved, executed, reviewed


def test_the_approval_records_the_digest_of_exactly_what_is_posted(api, action_type, rita,
                                                                   receiver: ActionReceiver) -> None:
    receiver.script.append(Reply(status=201, body=b'{"id": "rcv-1"}'))
    proposal = reviewed(api)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"payload": {"budget": 600, "currency": "EUR"}})
    approval = Decision.objects.get(proposal=proposal, action="edit_approve")

    proposal = executed(proposal)

    (request,) = receiver.requests()
    posted = request.json
    assert posted["payload"] == {"budget": 600, "currency": "EUR"}
    # The body's action, as the receiver got it: its digest is the one the approval recorded.
    assert approval.payload_digest == payload_digest(
        {"action_type": posted["action_type"], "target": posted["target"], "payload": posted["payload"]})
    assert proposal.status == Status.DONE


def test_an_action_changed_after_its_approval_is_refused_and_nothing_is_posted(api, action_type, rita,
                                                                               receiver: ActionReceiver) -> None:
    proposal = approved(reviewed(api), rita)
    approval = Decision.objects.get(proposal=proposal, action="approve")
    tampered = {**proposal.final_output, "payload": {"budget": 1000, "currency": "USD"}}
    raw_json_write(Proposal, proposal.pk, "final_output", tampered)

    proposal = executed(proposal)

    assert receiver.requests() == []
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.FAILED and execution.state == ExecutionState.REFUSED
    found = payload_digest({"action_type": "ads.budget_change", "target": "campaign-2291",
                            "payload": {"budget": 1000, "currency": "USD"}})
    assert execution.response == {"approval": approval.pk, "approved_digest": approval.payload_digest,
                                  "executing_digest": found}
    assert f"approval {approval.pk}" in execution.last_error and found in execution.last_error
    assert "started_attempt" not in execution.response  # refused before the attempt was marked as sending
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="execution_refused").count() == 1

    executed(proposal)  # never retried as a transient failure
    assert receiver.requests() == []
