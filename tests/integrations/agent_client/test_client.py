"""The typed client (sync and async) against a live hitlcrm with a real worker; a reviewer decides in
the console while the agent waits on the long poll."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from hitlcrm_client import (
    AsyncHitlcrmClient,
    AuthenticationFailed,
    CrmChange,
    DecisionTimeout,
    EmailDraft,
    HitlcrmClient,
    InvalidInput,
    NotFound,
    TransportError,
)

from reviews.models import ApiClient, ApiRequestWindow, Proposal
from tests.reviews.conftest import crm_payload
from tests.support import free_port, wait_for

from .conftest import payload, stored_rows

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_submit_then_a_console_rejection_reaches_wait_for_decision_with_reason_and_note(gate, reviewer_soon) -> None:
    with HitlcrmClient(gate.url, gate.token) as client:
        record = client.submit_email_draft(**payload())
        assert record.status == "checking" and record.kind == "email_draft"
        again = client.submit_email_draft(EmailDraft(**payload()))  # the derived idempotency key: a replay
        assert again.id == record.id and Proposal.objects.count() == 1

        wait_for(lambda: client.get(record.id).status == "needs_review", timeout=60, what="the worker's checks")
        reviewer_soon(record.id, "reject", reason_code="tone", note="Too pushy for a first touch")
        decided = client.wait_for_decision(record.id, timeout=90)

    assert decided.status == "rejected" and decided.decided and not decided.approved
    assert (decided.decision.reason_code, decided.decision.note) == ("tone", "Too pushy for a first touch")
    assert decided.decision.by == "rita"


def test_feedback_lists_the_rejection_for_this_agent(gate, reviewer_soon) -> None:
    with HitlcrmClient(gate.url, gate.token) as client:
        record = client.submit_email_draft(**payload())
        reviewer_soon(record.id, "reject", reason_code="factual_error", note="Ada left Contoso", delay=0)
        client.wait_for_decision(record.id, timeout=90)
        (entry,) = client.feedback(since="2000-01-01T00:00:00Z")
    assert (entry.proposal_id, entry.outcome, entry.reason_code, entry.note) == (
        record.id, "rejected", "factual_error", "Ada left Contoso")
    assert entry.original == payload()


def test_the_async_client_waits_for_an_edit_and_gets_the_final_text_and_diff(gate, reviewer_soon) -> None:
    async def agent() -> tuple[int, object]:
        async with AsyncHitlcrmClient(gate.url, gate.token) as client:
            record = await client.submit_email_draft(payload())
            reviewer_soon(record.id, "edit_approve", subject="A thought for Contoso")
            return record.id, await client.wait_for_decision(record.id, timeout=90)

    proposal_id, decided = asyncio.run(agent())
    assert decided.id == proposal_id and decided.status == "approved"
    assert decided.final["subject"] == "A thought for Contoso"
    assert decided.decision.edits == {"subject": ["Idea for Contoso", "A thought for Contoso"]}
    assert "+A thought for Contoso" in decided.decision.diff


def test_preflight_of_a_flawed_draft_names_the_failing_check_and_leaves_no_row(gate) -> None:
    before = stored_rows()
    with HitlcrmClient(gate.url, gate.token) as client:
        result = client.preflight(EmailDraft(**payload(body="Hi {first_name},\n\nQuick idea for Contoso.\n\nSam")))
        crm = client.preflight(CrmChange(**crm_payload(evidence=[])))
    assert "placeholders" in result.failed and result.outcome != "approved"
    assert "{first_name}" in next(c.message for c in result.failed_checks if c.name == "placeholders")
    assert "evidence" in crm.failed
    assert stored_rows() == before


def test_a_bad_token_is_a_clear_error_not_a_traceback(gate) -> None:
    with HitlcrmClient(gate.url, "hcrm_not-a-token") as client, pytest.raises(AuthenticationFailed) as refused:
        client.submit_email_draft(**payload())
    assert refused.value.status_code == 401
    assert "refused the token" in str(refused.value) and "HITLCRM_TOKEN" in str(refused.value)


def test_invalid_input_carries_the_apis_field_errors(gate) -> None:
    with HitlcrmClient(gate.url, gate.token) as client:
        with pytest.raises(InvalidInput) as server_side:
            client.submit_email_draft(**payload(to=["not an address"]))
        with pytest.raises(InvalidInput) as client_side:
            client.submit_email_draft(**payload(confidence="very", colour="red"))
        with pytest.raises(InvalidInput) as preflighted:
            client.propose_crm_change(**crm_payload(fields={"Salary__c": 100000}))
    assert server_side.value.status_code == 400
    assert server_side.value.fields == {"to.0": ["Enter a valid email address."]}
    assert "to.0: Enter a valid email address." in str(server_side.value)
    assert set(client_side.value.fields) == {"confidence", "colour"}
    assert client_side.value.fields["colour"] == ["Unknown field."]
    assert preflighted.value.fields["fields.Salary__c"] == ["Salary__c is not an allowed field of Contact."]
    assert Proposal.objects.count() == 0


def test_an_unreachable_server_is_a_transport_error_after_the_retries() -> None:
    with HitlcrmClient(f"http://127.0.0.1:{free_port()}", "hcrm_x", max_retries=2, backoff=0.01) as client:
        with pytest.raises(TransportError, match="could not reach hitlcrm"):
            client.get(1, kind="email_draft")


def test_a_429_is_retried_after_the_servers_retry_after(gate, agent) -> None:
    ApiClient.objects.filter(pk=agent[0].pk).update(throttle_rate="1/s")
    statuses: list[int] = []
    http = httpx.Client(timeout=30, event_hooks={"response": [lambda response: statuses.append(response.status_code)]})
    with HitlcrmClient(gate.url, gate.token, http_client=http) as client:
        record = client.submit_email_draft(**payload())
        # This second's one request is used up (a submission on a busy machine may take longer than
        # the second it started in): the next one is throttled, told to wait, and retried.
        window = int(time.time())
        for start in (window, window + 1):
            ApiRequestWindow.objects.update_or_create(client_id=agent[0].pk, window_start=start,
                                                      defaults={"count": 1})
        again = client.get(record.id)
        assert again.id == record.id
    assert 429 in statuses, f"no request was throttled ({statuses}); the retry path was not exercised"
    assert statuses[-1] == 200


def test_wait_for_decision_times_out_with_the_record_and_withdraw_ends_it(gate) -> None:
    with HitlcrmClient(gate.url, gate.token) as client:
        record = client.submit_email_draft(**payload())
        wait_for(lambda: client.get(record.id).status == "needs_review", timeout=60, what="the worker's checks")
        started = time.monotonic()
        with pytest.raises(DecisionTimeout) as timed_out:
            client.wait_for_decision(record.id, timeout=2)
        assert timed_out.value.record.status == "needs_review" and time.monotonic() - started >= 2
        withdrawn = client.withdraw(record.id)
        assert client.withdraw(record.id).status == withdrawn.status == "withdrawn"  # repeating it is harmless
        assert client.wait_for_decision(record.id, timeout=5).status == "withdrawn"


def test_get_finds_a_records_kind_by_itself_and_names_a_missing_one(gate) -> None:
    with HitlcrmClient(gate.url, gate.token) as client:
        change = client.propose_crm_change(CrmChange(**crm_payload()))
    with HitlcrmClient(gate.url, gate.token) as fresh:  # knows nothing of it yet
        assert fresh.get(change.id).kind == "crm_change"
        with pytest.raises(NotFound):
            fresh.get(change.id + 1000)


def test_the_receipt_of_a_console_approval_verifies_offline_with_the_public_key_alone(gate, reviewer_soon, settings,
                                                                                     tmp_path) -> None:
    from tests.reviews.test_receipts import ed25519_pem, offline, public_pem_of

    private = ed25519_pem()
    settings.HITLCRM_RECEIPT_SIGNING_KEY = private  # the live server signs with it (Ed25519)
    with HitlcrmClient(gate.url, gate.token) as client:
        record = client.submit_email_draft(**payload())
        wait_for(lambda: client.get(record.id).status == "needs_review", timeout=60, what="the worker's checks")
        with pytest.raises(NotFound, match="no decision yet"):
            client.receipt(record.id)
        reviewer_soon(record.id, "approve", delay=0)
        client.wait_for_decision(record.id, timeout=90)
        receipt = client.receipt(record.id)

    async def fetched_async() -> object:
        async with AsyncHitlcrmClient(gate.url, gate.token) as async_client:
            return await async_client.receipt(record.id, decision_id=receipt.decision_id)

    assert asyncio.run(fetched_async()).received == receipt.received
    assert (receipt.proposal_id, receipt.decision, receipt.decided_by) == (record.id, "approve", "rita")
    assert receipt.signature.algorithm == "Ed25519" and receipt.digest is not None
    # What the agent keeps verifies offline, with nothing but the installation's public key.
    kept, public = tmp_path / "receipt.json", tmp_path / "hitlcrm-receipts.pub.pem"
    kept.write_text(receipt.to_json())
    public.write_text(public_pem_of(private))
    verified = offline("verify", str(kept), "--public-key", str(public))
    assert verified.returncode == 0, verified.stderr
    assert f"of proposal {record.id} by rita" in verified.stdout
