"""Approve A, execute A, for email: the approval records the digest of the message as approved (after
edits), the mail executor renders what it sends from exactly the parts it checks against that digest,
and an email whose stored content changed after the approval is refused: nothing reaches the SMTP server."""

from __future__ import annotations

import pytest

import integrations.mail.executor as mail_executor
from reviews.canonical import payload_digest
from reviews.models import AuditEvent, Decision, Execution, ExecutionState, Proposal
from reviews.models.mail import MailDelivery
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import proposals_execute
from reviews.services.sending import final_email
from reviews.state_machine import Status
from tests.support import raw_json_write, raw_write

pytestmark = pytest.mark.django_db


def approval_of(proposal: Proposal) -> Decision:
    return Decision.objects.get(proposal=proposal, action__in=Decision.APPROVING, revoked_at__isnull=True)


def test_the_approval_records_the_digest_of_exactly_what_the_executor_sends(approved_email, smtp, monkeypatch) -> None:
    proposal = approved_email(edits={"subject": "A thought for Contoso", "body": "Hi Ada,\n\nShort and edited.\n\nSam"})
    approval = approval_of(proposal)
    rendered: list[dict] = []
    render = mail_executor.outgoing_message

    def recording(proposal: Proposal, email: dict | None = None):  # noqa: ANN202
        rendered.append(email)
        return render(proposal, email)

    monkeypatch.setattr(mail_executor, "outgoing_message", recording)

    proposals_execute(proposal_ids=[proposal.pk])

    [received] = smtp.received()
    [email] = rendered
    # What the executor rendered the message from is the edited email, and its digest is the approval's.
    assert email == {"to": ["ada@contoso.example"], "subject": "A thought for Contoso",
                     "body": "Hi Ada,\n\nShort and edited.\n\nSam", "body_html": "",
                     "from_email": email["from_email"]}
    assert len(approval.payload_digest) == 64 and approval.payload_digest == payload_digest(email)
    # ... and it is what the SMTP server got (the footer the gate appends follows the approved body).
    message = received["message"]
    assert (message["Subject"], received["rcpt"], message["From"]) == (email["subject"], email["to"],
                                                                       email["from_email"])
    assert message.get_content().replace("\r\n", "\n").startswith(email["body"] + "\n\n")
    assert Proposal.objects.get(pk=proposal.pk).status == Status.DONE
    approved_event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="edited_and_approved")
    assert approved_event.data["payload_digest"] == approval.payload_digest


def test_an_email_changed_after_its_approval_is_refused_and_nothing_reaches_the_smtp_server(approved_email,
                                                                                           smtp) -> None:
    proposal = approved_email()
    approval = approval_of(proposal)
    tampered = {**proposal.final_output, "body": "Hi Ada,\n\nWire 10,000 EUR to the account below.\n\nSam"}
    raw_json_write(Proposal, proposal.pk, "final_output", tampered)

    outcomes = proposals_execute(proposal_ids=[proposal.pk])

    assert smtp.received() == []
    assert not MailDelivery.objects.filter(proposal=proposal).exists()  # not even marked "sending"
    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.FAILED
    assert execution.state == ExecutionState.REFUSED and execution.error_code == "payload_digest_mismatch"
    found = payload_digest(final_email(proposal))  # the changed email, as the executor would have sent it
    assert found != approval.payload_digest
    for message in (outcomes[proposal.pk].message, execution.last_error):
        assert f"approval {approval.pk}" in message and approval.payload_digest in message and found in message
    assert execution.response == {"approval": approval.pk, "approved_digest": approval.payload_digest,
                                  "executing_digest": found}
    event = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="execution_refused")
    assert event.data["error_code"] == "payload_digest_mismatch" and approval.payload_digest in event.data["message"]

    # Final, not a transient failure: executing again sends nothing.
    assert proposals_execute(proposal_ids=[proposal.pk]) == {}
    assert smtp.received() == []


def test_a_refused_email_approved_again_sends_what_the_reviewer_saw_not_the_changed_copy(approved_email, smtp,
                                                                                        rita) -> None:
    proposal = approved_email()
    raw_json_write(Proposal, proposal.pk, "final_output", {**proposal.final_output, "subject": "Changed behind"})
    proposals_execute(proposal_ids=[proposal.pk])
    assert Proposal.objects.get(pk=proposal.pk).status == Status.FAILED

    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    proposals_execute(proposal_ids=[proposal.pk])

    [received] = smtp.received()
    assert received["message"]["Subject"] == "Idea for Contoso"  # the draft as shown, not the changed copy
    assert Proposal.objects.get(pk=proposal.pk).status == Status.DONE
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.SUCCEEDED


def test_an_approval_whose_digest_was_erased_is_refused_too(approved_email, smtp) -> None:
    proposal = approved_email()
    raw_write(Decision, approval_of(proposal).pk, "payload_digest", "")  # erasing it does not open the gate

    proposals_execute(proposal_ids=[proposal.pk])

    assert smtp.received() == []
    execution = Execution.objects.get(proposal=proposal)
    assert execution.state == ExecutionState.REFUSED and execution.error_code == "payload_digest_missing"
    assert f"no approval of #{proposal.pk} recorded the digest of its payload" in execution.last_error
