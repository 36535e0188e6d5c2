"""The webhook executor: approved outbound actions POSTed, signed, to their action type's endpoint.

hitlcrm's execution reaches it only through the executor port (``reviews.executors.Executor``). One
call per action (``webhook.deliver_action``); what its :class:`DeliveryResult` means for the record
(:func:`outcome_for`):

- not the action approved (its digest is not the approval's): refused, nothing POSTed (``failed``,
  the execution ``refused``);
- delivered: ``done``, with the id the receiver gave the action and its answer;
- refused: ``failed`` with the receiver's message (a reviewer retries or dismisses it);
- transient (nothing was done): given back for a retry after a backoff (:data:`RETRY_POLICY`);
- unknown (it may have been done): for an endpoint that honours the idempotency key, retried like a
  transient failure (the receiver acts once per key); for any other, "outcome unknown" for a person,
  never sent again by itself.

At most once, as the mail executor is: each attempt is marked started, committed, before its POST,
so the sweeper turns a dead worker's attempt at a non-idempotent endpoint into "unknown", not into a
second call; and each outcome is recorded the moment it is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reviews.executors import Claim, Executor, Outcome, Report, RetryPolicy
from reviews.models import Execution, Proposal
from reviews.services.execution import (
    execution_mark_started,
    execution_payloads_verify,
    execution_started,
    executions_record,
)
from reviews.state_machine import Status

from .webhook import DeliveryOutcome, DeliveryResult, deliver_action

# Transient failures (the endpoint unreachable, 429/503) are retried with a backoff for up to six
# hours and eight attempts in a row, then the action fails with the last error for a person.
RETRY_POLICY = RetryPolicy(backoff_seconds=30, backoff_max_seconds=1800, max_attempts=8, give_up_after=6 * 3600)


def answer_of(result: DeliveryResult) -> dict[str, Any]:
    """What is kept of an attempt on the execution (``Execution.response``)."""
    return {"outcome": result.outcome.value, "status_code": result.status_code, "receiver_id": result.receiver_id,
            "body": result.response_body, "message": result.message, "idempotency_key": result.idempotency_key,
            "sent": result.sent, "elapsed_ms": result.elapsed_ms}


def outcome_for(result: DeliveryResult, *, idempotent: bool) -> Outcome:
    """The executor port's :class:`Outcome` of one delivery (the module's docstring says which)."""
    answer = answer_of(result)
    if result.outcome == DeliveryOutcome.DELIVERED:
        return Outcome(Status.DONE, message=result.message, provider_id=result.receiver_id, response=answer)
    if result.outcome == DeliveryOutcome.REFUSED:
        return Outcome(Status.FAILED, message=result.message, error_code="action_refused", response=answer)
    if result.outcome == DeliveryOutcome.TRANSIENT:
        return Outcome("", message=result.message, error_code="action_unavailable", response=answer,
                       retry_after=result.retry_after)
    if idempotent:  # the receiver acts once per idempotency key: asking again is safe
        return Outcome("", message=result.message, error_code="action_outcome_unknown", response=answer)
    return Outcome("", message=result.message, error_code="outcome_unknown", response=answer, unknown=True)


class WebhookExecutor(Executor):
    """POSTs approved outbound actions to their action type's signed webhook endpoint."""

    name = "webhook"
    at_most_once = True

    def execute(self, proposals: list[Proposal], *, claims: Mapping[int, Claim]) -> Report:
        outcomes: dict[int, Outcome] = {}
        retry: dict[int, Outcome] = {}
        for proposal in proposals:
            attempt = claims[proposal.pk].attempt
            action_type = proposal.action_type
            endpoint = action_type.endpoint()
            approved = proposal.final_output or {}
            target, payload = approved.get("target", proposal.action_target), approved.get("payload") or {}
            # Approve A, execute A: the digest of exactly what is POSTed below must be the approval's.
            refused = execution_payloads_verify(
                {proposal.pk: {"action_type": endpoint.action_type, "target": target, "payload": payload}})
            if refused:
                executions_record(refused, claims={proposal.pk: attempt})
                outcomes.update(refused)
                continue
            if not execution_mark_started(proposal.pk, attempt=attempt,
                                          details={"idempotency_key": action_type.idempotency_key(proposal.pk)}):
                continue  # no longer ours: whoever owns it now records it
            result = deliver_action(endpoint, proposal_id=proposal.pk, target=target, payload=payload)
            outcome = outcome_for(result, idempotent=endpoint.idempotent)
            if outcome.status or outcome.unknown:
                executions_record({proposal.pk: outcome}, claims={proposal.pk: attempt})
                outcomes[proposal.pk] = outcome
            else:
                retry[proposal.pk] = outcome
        return Report(outcomes=outcomes, retry=retry, recorded=True)

    def retry_policy(self) -> RetryPolicy:
        return RETRY_POLICY

    def send_started(self, execution: Execution) -> bool:
        # An idempotent endpoint's attempt is repeated with the same key: the receiver acts once.
        return execution_started(execution) and not execution.proposal.action_type.idempotent


__all__ = ["RETRY_POLICY", "WebhookExecutor", "outcome_for"]
