"""The mail executor: approved email drafts handed to the configured mail provider, at most once.

hitlcrm's execution reaches it only through the executor port (``reviews.executors.Executor``). The
gate's rules for a send (send windows, the paused sender domains, the checks at send time, the
"sending" mark, the quiet period and contact caps, the footer and unsubscribe headers, logging the
sent email on the CRM record) stay with the gate in ``reviews/services/sending.py``; this executor
runs them around the one call that talks to the provider (``sending.send_message``) and says what
the provider's answer means for the record:

- not the email approved (its digest is not the approval's): refused, nothing sent (``failed``, the
  execution ``refused``);
- accepted: ``done``;
- refused: ``failed`` (a reviewer retries or dismisses it);
- certainly not sent (unreachable, "try later"): pending for the sweeper, up to ``MAX_SEND_ATTEMPTS``;
- may have been accepted: "outcome unknown", for a person to find out. Never sent again by itself.

Each outcome is recorded the moment it is known, so a worker that dies mid-batch leaves at most the
one email it was sending in doubt.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reviews.executors import Claim, Executor, Outcome, Report
from reviews.models import Execution, Proposal
from reviews.models.mail import normalise_address
from reviews.services.execution import execution_payloads_verify
from reviews.services.sending import (
    Policies,
    email_activities_push,
    email_mark_sending,
    email_outcome_record_patiently,
    email_send_started,
    emails_hold_for_send_window,
    emails_presend_checks,
    final_email,
    outgoing_message,
)
from reviews.state_machine import Status

from .sending import (
    MailOutcomeUnknownError,
    MailPermanentError,
    MailTransientError,
    close_connection,
    open_connection,
    send_message,
)

# After this many attempts that failed before anything was sent (server unreachable), give up and
# show the email to a person instead of trying every sweep forever.
MAX_SEND_ATTEMPTS = 12


def _failed(code: str, message: str) -> Outcome:
    return Outcome(Status.FAILED, message=message, error_code=code)


def _not_sent(error: Exception, attempt: int) -> Outcome:
    """Certainly not sent: wait for the sweeper to try again, up to MAX_SEND_ATTEMPTS."""
    if attempt >= MAX_SEND_ATTEMPTS:
        return _failed("mail_unreachable", f"not sent after {MAX_SEND_ATTEMPTS} attempts: {error}")
    return Outcome("", message=str(error), error_code="mail_unavailable")


def _send_one(proposal: Proposal, *, attempt: int, policies: Policies, connection: Any) -> tuple[Outcome | None, str]:
    """Check that the email is the one approved, mark it as sending, send it, and say what happened:
    (outcome, provider), or (None, "") when the claim is no longer this worker's."""
    # Approve A, execute A: the message is rendered from exactly the parts whose digest is checked.
    email = final_email(proposal)
    refused = execution_payloads_verify({proposal.pk: email}).get(proposal.pk)
    if refused is not None:
        return refused, ""
    message = outgoing_message(proposal, email)
    go = email_mark_sending(proposal=proposal, attempt=attempt, message_id=message.message_id,
                            addresses=[normalise_address(a) for a in message.to], policy=policies.of(proposal))
    if go is False:
        return None, ""  # no longer ours: whoever owns it now records it
    if isinstance(go, Outcome):
        return go, ""
    try:
        result = send_message(message, connection=connection)
    except MailPermanentError as exc:
        return _failed("mail_refused", str(exc)), ""
    except MailTransientError as exc:
        return _not_sent(exc, attempt), ""
    except MailOutcomeUnknownError as exc:
        return Outcome("", message=str(exc), error_code="outcome_unknown", unknown=True), ""
    return Outcome(Status.DONE, provider_id=result.provider_id, message_id=message.message_id,
                   response=result.response), result.provider


class MailExecutor(Executor):
    """Sends approved email drafts through Django's email framework (SMTP or any django-anymail ESP)."""

    name = "mail"
    at_most_once = True

    def hold(self, proposals: list[Proposal], *, now: datetime) -> set[int]:
        # Outside its policy's send window, or from a paused sender domain: it waits, still approved.
        return emails_hold_for_send_window(proposals, now=now)

    def execute(self, proposals: list[Proposal], *, claims: Mapping[int, Claim]) -> Report:
        if not proposals:
            return Report(recorded=True)
        stops = emails_presend_checks(proposals)
        policies = Policies()
        outcomes: dict[int, Outcome] = {}
        try:
            connection, setup_error = open_connection(), None
        except MailTransientError as exc:
            connection, setup_error = None, exc
        try:
            for proposal in proposals:
                attempt = claims[proposal.pk].attempt
                outcome, provider = stops.get(proposal.pk), ""
                if outcome is None and setup_error is not None:
                    outcome = _not_sent(setup_error, attempt)
                if outcome is None:
                    outcome, provider = _send_one(proposal, attempt=attempt, policies=policies, connection=connection)
                if outcome is not None and email_outcome_record_patiently(proposal, outcome, attempt=attempt,
                                                                          provider=provider):
                    outcomes[proposal.pk] = outcome
        finally:
            if connection is not None:
                close_connection(connection)
        sent = [pk for pk, outcome in outcomes.items() if outcome.status == Status.DONE]
        if sent:
            email_activities_push(proposal_ids=sent)
        return Report(outcomes=outcomes, recorded=True)

    def send_started(self, execution: Execution) -> bool:
        return email_send_started(execution)


__all__ = ["MAX_SEND_ATTEMPTS", "MailExecutor"]
