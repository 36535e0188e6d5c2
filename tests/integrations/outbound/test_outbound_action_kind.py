"""Outbound actions as a kind of proposal: submitted through the API (the payload checked against
the action type's schema), reviewed in the console, executed by the webhook executor against a real
HTTPS receiver; and the mapping of a delivery's result to the executor port's outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.outbound.executor import WebhookExecutor, outcome_for
from integrations.outbound.webhook import IDEMPOTENCY_HEADER, DeliveryOutcome, DeliveryResult
from reviews.models import AuditEvent, Execution, ExecutionState, OutboundActionType, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.execution import executions_recover_stale, proposals_execute
from reviews.state_machine import Status
from tests.factories import policy

from .receiver import ActionReceiver, Reply

URL = "/api/v1/outbound-actions/"
ACTION = {"action_type": "ads.budget_change", "target": "campaign-2291", "payload": {"budget": 800, "currency": "EUR"},
          "confidence": 0.9, "evidence": [{"source": "brief", "quote": "raise the budget to 800"}]}


def submit(api, **changes) -> dict:
    response = api.post(URL, {**ACTION, **changes}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def reviewed(api, **changes) -> Proposal:
    """An action submitted and checked: waiting for a person (the default policy reviews everything)."""
    record = submit(api, **changes)
    proposal = proposal_run_checks(proposal_id=record["id"])
    assert proposal.status == Status.NEEDS_REVIEW, proposal.status
    return proposal


def approved(proposal: Proposal, reviewer) -> Proposal:
    return proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(reviewer), action="approve")


def executed(proposal: Proposal) -> Proposal:
    Proposal.objects.filter(pk=proposal.pk).update(execute_after=timezone.now())  # the undo grace period is over
    proposals_execute(proposal_ids=[proposal.pk])
    return Proposal.objects.select_related("execution").get(pk=proposal.pk)


# --- the DeliveryResult -> Outcome mapping ------------------------------------------------------------

def result(outcome: DeliveryOutcome, **details) -> DeliveryResult:
    return DeliveryResult(outcome, "hitlcrm-key", sent=outcome != DeliveryOutcome.TRANSIENT, **details)


def test_a_delivered_action_is_done_with_the_receivers_id_and_answer() -> None:
    outcome = outcome_for(result(DeliveryOutcome.DELIVERED, status_code=201, receiver_id="rcv-9",
                                 response_body='{"id": "rcv-9"}'), idempotent=False)
    assert (outcome.status, outcome.provider_id, outcome.unknown) == (Status.DONE, "rcv-9", False)
    assert outcome.response["status_code"] == 201 and outcome.response["body"] == '{"id": "rcv-9"}'


def test_a_refused_action_fails_with_the_receivers_message() -> None:
    outcome = outcome_for(result(DeliveryOutcome.REFUSED, status_code=422, message="HTTP 422: unknown campaign"),
                          idempotent=True)
    assert (outcome.status, outcome.message, outcome.error_code) == (Status.FAILED, "HTTP 422: unknown campaign",
                                                                     "action_refused")


@pytest.mark.parametrize("idempotent", [False, True])
def test_a_transient_failure_is_retried(idempotent: bool) -> None:
    outcome = outcome_for(result(DeliveryOutcome.TRANSIENT, status_code=503, retry_after=30.0), idempotent=idempotent)
    assert (outcome.status, outcome.unknown, outcome.retry_after) == ("", False, 30.0)  # the receiver's Retry-After


def test_an_unknown_outcome_goes_to_a_person_unless_the_endpoint_is_idempotent() -> None:
    unknown = result(DeliveryOutcome.UNKNOWN, message="sent, but no answer came")
    assert outcome_for(unknown, idempotent=False).unknown is True
    retried = outcome_for(unknown, idempotent=True)
    assert (retried.status, retried.unknown) == ("", False)
    assert WebhookExecutor().retry_policy().max_attempts > 1


# --- submission ---------------------------------------------------------------------------------------

def test_an_action_is_submitted_with_its_type_target_and_payload(api, action_type: OutboundActionType) -> None:
    record = submit(api)
    assert (record["kind"], record["status"], record["task_type"]) == ("outbound_action", "checking",
                                                                        "action:ads.budget_change")
    proposal = Proposal.objects.get(pk=record["id"])
    assert (proposal.action_type, proposal.action_target, proposal.action_payload) == (
        action_type, "campaign-2291", {"budget": 800, "currency": "EUR"})
    detail = api.get(f"{URL}{record['id']}/").json()
    assert (detail["action_type"], detail["target"], detail["payload"]) == ("ads.budget_change", "campaign-2291",
                                                                            ACTION["payload"])


def test_a_payload_that_misses_the_schema_is_refused_naming_the_json_paths(api, action_type) -> None:
    response = api.post(URL, {**ACTION, "payload": {"budget": 5000, "currency": "GBP"}}, format="json")
    assert response.status_code == 400
    errors = response.json()
    text = str(errors)
    assert "payload.budget" in text and "5000 is greater than the maximum of 1000" in text
    assert "payload.currency" in text
    assert not Proposal.objects.exists()


def test_an_unknown_or_disabled_action_type_is_refused(api, action_type) -> None:
    response = api.post(URL, {**ACTION, "action_type": "ads.nothing"}, format="json")
    assert response.status_code == 400 and "No action type named 'ads.nothing'" in str(response.json())
    action_type.enabled = False
    action_type.save()
    response = api.post(URL, ACTION, format="json")
    assert response.status_code == 400 and "is disabled" in str(response.json())
    assert not Proposal.objects.exists()


def test_a_bulk_submission_stores_the_valid_actions_and_lists_the_others_errors(api, action_type) -> None:
    items = [{**ACTION, "target": "campaign-1"}, {**ACTION, "payload": {"budget": -1, "currency": "EUR"}},
             {**ACTION, "action_type": "ads.nothing"}]
    response = api.post(f"{URL}bulk/", {"items": items}, format="json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["created", "invalid", "invalid"]
    assert "payload.budget" in results[1]["errors"] and "action_type" in results[2]["errors"]
    assert list(Proposal.objects.values_list("action_target", flat=True)) == ["campaign-1"]


def test_the_risk_comes_from_the_action_types_stakes_and_reversibility(api, action_type) -> None:
    action_type.stakes, action_type.reversible = 1, True
    action_type.save()
    assert Proposal.objects.get(pk=submit(api)["id"]).risk == 1
    action_type.stakes, action_type.reversible = 3, False
    action_type.save()
    assert reviewed(api, target="campaign-9").risk == 4


# --- the console --------------------------------------------------------------------------------------

def test_the_review_page_shows_the_payload_target_endpoint_and_badges(api, action_type, rita, client) -> None:
    proposal = reviewed(api, payload={"budget": 800, "currency": "EUR"})
    client.force_login(rita)
    page = client.get(proposal.admin_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="action-type"' in html and "ads.budget_change" in html
    assert "campaign-2291" in html and "127.0.0.1" in html  # the target and the endpoint's host
    assert "<dt>budget</dt><dd>800</dd>" in html and "<dt>currency</dt><dd>EUR</dd>" in html
    assert "irreversible" in html and "at most once" in html
    assert 'name="payload"' in html  # the payload's editor


def test_an_edited_payload_is_checked_against_the_schema_and_sent_as_edited(api, action_type, rita,
                                                                            receiver: ActionReceiver) -> None:
    proposal = reviewed(api)
    with pytest.raises(Exception, match="payload.budget"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="edit_approve",
                        edits={"payload": {"budget": 5000, "currency": "EUR"}})
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"payload": {"budget": 600, "currency": "EUR"}})
    assert executed(proposal).status == Status.DONE
    assert receiver.requests()[-1].json["payload"] == {"budget": 600, "currency": "EUR"}


# --- execution against the receiver -------------------------------------------------------------------

def test_an_approved_action_is_posted_signed_and_done_with_the_receivers_id(api, action_type, rita,
                                                                            receiver: ActionReceiver) -> None:
    receiver.script.append(Reply(status=201, body=b'{"id": "rcv-77"}'))
    proposal = executed(approved(reviewed(api), rita))
    assert proposal.status == Status.DONE
    assert proposal.execution.provider_id == "rcv-77"
    assert proposal.execution.response["status_code"] == 201
    (request,) = receiver.requests()
    assert request.signature_valid
    assert request.headers[IDEMPOTENCY_HEADER] == action_type.idempotency_key(proposal.pk)
    assert request.json == {"action_type": "ads.budget_change", "proposal_id": proposal.pk, "target": "campaign-2291",
                            "payload": {"budget": 800, "currency": "EUR"},
                            "idempotency_key": action_type.idempotency_key(proposal.pk)}


def test_a_refusal_fails_the_action_with_the_receivers_message(api, action_type, rita, receiver) -> None:
    receiver.script.append(Reply(status=422, body=b'{"error": "campaign-2291 is archived"}'))
    proposal = executed(approved(reviewed(api), rita))
    assert proposal.status == Status.FAILED
    assert proposal.execution.state == ExecutionState.FAILED
    assert "campaign-2291 is archived" in proposal.execution.last_error


def test_a_timeout_at_a_non_idempotent_endpoint_is_unknown_and_not_sent_again(api, action_type, rita,
                                                                             receiver) -> None:
    receiver.script.append(Reply(hang=True))
    proposal = executed(approved(reviewed(api), rita))
    assert proposal.status == Status.EXECUTING
    assert proposal.execution.state == ExecutionState.UNKNOWN
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="execution_outcome_unknown").exists()
    proposals_execute(proposal_ids=[proposal.pk])  # nothing is due: a person settles it
    executions_recover_stale(older_than=timedelta(0))
    assert len(receiver.requests()) == 1


def test_a_transient_failure_is_given_back_for_a_retry_and_then_delivered(api, action_type, rita, receiver) -> None:
    receiver.script.append(Reply(status=503, body=b'{"error": "busy"}'))
    proposal = executed(approved(reviewed(api), rita))
    assert (proposal.status, proposal.execution.state) == (Status.EXECUTING, ExecutionState.PENDING)
    assert proposal.execution.retry_after is not None
    Execution.objects.filter(pk=proposal.execution.pk).update(retry_after=timezone.now())
    assert executed(proposal).status == Status.DONE
    assert len(receiver.requests()) == 2
    assert len({request.headers[IDEMPOTENCY_HEADER] for request in receiver.requests()}) == 1


def test_a_dead_workers_started_attempt_is_unknown_not_repeated(api, action_type, rita) -> None:
    proposal = approved(reviewed(api), rita)
    Proposal.objects.filter(pk=proposal.pk).update(execute_after=timezone.now())
    from reviews.services.execution import execution_mark_started, proposals_claim_for_execution

    (claimed,) = proposals_claim_for_execution([proposal.pk])
    execution = Execution.objects.get(proposal=claimed)
    assert execution_mark_started(claimed.pk, attempt=execution.attempts)  # the worker died after this, mid-POST
    Execution.objects.filter(pk=execution.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert executions_recover_stale() == []
    assert Execution.objects.get(pk=execution.pk).state == ExecutionState.UNKNOWN
    # At an idempotent endpoint the same attempt is repeated instead (with the same key).
    action_type.idempotent = True
    action_type.save()
    other = approved(reviewed(api, target="campaign-2"), rita)
    Proposal.objects.filter(pk=other.pk).update(execute_after=timezone.now())
    (claimed,) = proposals_claim_for_execution([other.pk])
    assert execution_mark_started(claimed.pk, attempt=1)
    Execution.objects.filter(proposal=claimed).update(started_at=timezone.now() - timedelta(hours=1))
    assert executions_recover_stale() == [other.pk]


# --- ungated but logged -------------------------------------------------------------------------------

def ungate(action_type: OutboundActionType, rate: float = 0.0) -> None:
    action_type.reversible, action_type.stakes, action_type.ungated, action_type.audit_sample_rate = True, 1, True, rate
    action_type.full_clean()
    action_type.save()


def test_an_ungated_type_is_approved_at_once_executed_and_audited(api, action_type, receiver) -> None:
    policy("*", mode="always_review")  # the task type's policy would send it to a person
    ungate(action_type)
    record = submit(api)
    proposal = proposal_run_checks(proposal_id=record["id"])
    assert proposal.status == Status.APPROVED
    assert proposal.decisions.get().action == "auto_approve"
    assert executed(proposal).status == Status.DONE
    assert len(receiver.requests()) == 1
    steps = list(AuditEvent.objects.filter(proposal_id_ref=proposal.pk).order_by("seq").values_list("action", flat=True))
    assert steps[:2] == ["submitted", "auto_approved"] and "executed" in steps
    approval = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="auto_approved")
    assert "ungated" in approval.data["reason"]


def test_an_ungated_type_sends_its_audit_sample_to_a_person(api, action_type) -> None:
    ungate(action_type, rate=1.0)
    proposal = proposal_run_checks(proposal_id=submit(api)["id"])
    assert (proposal.status, proposal.sampled_for_audit) == (Status.NEEDS_REVIEW, True)


def test_an_ungated_type_is_still_checked(api, action_type) -> None:
    ungate(action_type)
    from reviews.models import CheckResult

    proposal = proposal_run_checks(proposal_id=submit(api)["id"])
    assert CheckResult.objects.filter(proposal=proposal).exists()
