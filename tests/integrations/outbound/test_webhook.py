"""The signed webhook that executes an outbound action, against a real local HTTPS receiver: what it
sends and how it is signed, what each kind of answer (or silence) comes to, and what is never called."""

from __future__ import annotations

import dataclasses
import socket
import time
import uuid

import pytest

from integrations.outbound import DeliveryResult, action_signature, action_signature_valid, deliver_action
from reviews.models import CallbackHostRule, OutboundActionType

from .receiver import Reply

pytestmark = pytest.mark.django_db

PAYLOAD = {"budget": 800, "currency": "EUR"}


def deliver(action_type: OutboundActionType, proposal_id: int = 4711, url: str = "", **changes) -> DeliveryResult:
    """One attempt of the action type's action (to ``url`` instead of its endpoint URL, if given)."""
    if url:
        action_type.endpoint_url = url
    endpoint = dataclasses.replace(action_type.endpoint(), **changes)
    return deliver_action(endpoint, proposal_id=proposal_id, target="campaign-2291", payload=PAYLOAD)


# --- what is sent ---------------------------------------------------------------------------------

def test_a_delivered_action_is_signed_timestamped_and_carries_its_idempotency_key(action_type, receiver) -> None:
    result = deliver(action_type)

    assert (result.outcome, result.status_code, result.receiver_id, result.sent) == ("delivered", 200, "rcv-1", True)
    (received,) = receiver.requests()
    assert received.path == "/actions/execute"
    assert received.signature_valid  # by the verify() docs/outbound-actions.md gives receivers
    assert action_signature_valid(action_type.signing_secret, received.headers["X-Hitlcrm-Timestamp"], received.body,
                                  received.headers["X-Hitlcrm-Signature"])
    assert received.headers["X-Hitlcrm-Timestamp"].isdigit()
    assert received.headers["X-Hitlcrm-Action"] == "ads.budget_change"
    assert received.headers["Content-Type"] == "application/json"
    key = received.headers["Idempotency-Key"]
    assert key == action_type.idempotency_key(4711) == result.idempotency_key
    assert received.json == {"action_type": "ads.budget_change", "proposal_id": 4711, "target": "campaign-2291",
                             "payload": PAYLOAD, "idempotency_key": key}


def test_the_documented_check_refuses_a_changed_body_another_secret_and_an_old_timestamp(
        action_type, receiver, verify) -> None:
    deliver(action_type)
    (received,) = receiver.requests()
    secret, headers, body = action_type.signing_secret, received.headers, received.body
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body.replace(b"800", b"900"))
    assert not verify("whsec_someone-else", headers, body)
    # Signed with the right secret, but long ago: a replayed capture.
    stale = str(int(time.time()) - 3600)
    old = {"X-Hitlcrm-Timestamp": stale, "X-Hitlcrm-Signature": action_signature(secret, stale, body)}
    assert not verify(secret, old, body)
    # The signature covers the timestamp: a fresh timestamp on a captured signature does not verify.
    fresh = {"X-Hitlcrm-Timestamp": str(int(time.time())), "X-Hitlcrm-Signature": old["X-Hitlcrm-Signature"]}
    assert not verify(secret, fresh, body)


def test_every_attempt_of_one_action_carries_the_same_key_and_body(action_type, receiver) -> None:
    receiver.script.append(Reply(status=503, body=b'{"error": "maintenance"}', headers={"Retry-After": "7"}))
    first, second = deliver(action_type), deliver(action_type)

    assert (first.outcome, first.retry_after, first.sent) == ("transient", 7.0, True)
    assert first.message == "HTTP 503: maintenance"
    assert second.outcome == "delivered"
    one, two = receiver.requests()
    assert one.headers["Idempotency-Key"] == two.headers["Idempotency-Key"] == first.idempotency_key
    assert one.body == two.body and one.signature_valid and two.signature_valid
    # Another proposal, or another action type (or installation), is another key.
    assert action_type.idempotency_key(4712) != first.idempotency_key
    assert deliver(action_type, idempotency_namespace=uuid.uuid4()).idempotency_key != first.idempotency_key


# --- what each answer comes to ----------------------------------------------------------------------

def test_a_client_error_is_a_refusal_with_the_receivers_message(action_type, receiver) -> None:
    receiver.script.append(Reply(status=422, body=b'{"error": "budget above the account limit"}'))
    result = deliver(action_type)
    assert (result.outcome, result.status_code, result.sent) == ("refused", 422, True)
    assert result.message == "HTTP 422: budget above the account limit"
    assert "account limit" in result.response_body


@pytest.mark.parametrize(("status", "idempotent", "outcome"), [
    (429, False, "transient"), (503, False, "transient"), (408, False, "transient"),
    # A server error may come after the receiver acted: resent only where the key makes that safe.
    (500, False, "unknown"), (502, False, "unknown"), (504, False, "unknown"),
    (500, True, "transient"), (504, True, "transient"),
])
def test_server_errors_are_retried_only_where_a_resend_is_safe(action_type, receiver, status, idempotent,
                                                                outcome) -> None:
    receiver.script.append(Reply(status=status, body=b"upstream trouble"))
    result = deliver(action_type, idempotent=idempotent)
    assert (result.outcome, result.status_code) == (outcome, status)
    assert result.message.startswith(f"HTTP {status}: upstream trouble")
    assert result.may_retry is (outcome == "transient")


def test_a_retry_after_date_is_read_as_seconds_from_now(action_type, receiver) -> None:
    receiver.script.append(Reply(status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert deliver(action_type).retry_after == 0.0  # a date in the past: no wait


def test_no_answer_after_the_request_was_sent_is_outcome_unknown(action_type, receiver) -> None:
    receiver.script.append(Reply(hang=True))
    result = deliver(action_type)
    assert (result.outcome, result.sent, result.status_code) == ("unknown", True, None)
    assert "may have happened" in result.message and "ReadTimeout" in result.message
    assert len(receiver.requests()) == 1  # it did arrive


def test_a_connection_dropped_after_the_request_was_sent_is_outcome_unknown(action_type, receiver) -> None:
    receiver.script.append(Reply(drop=True))
    result = deliver(action_type)
    assert (result.outcome, result.sent) == ("unknown", True)
    assert len(receiver.requests()) == 1


def test_a_connection_that_cannot_be_made_is_transient_and_sent_nothing(action_type, receiver) -> None:
    receiver.stop()
    result = deliver(action_type)
    assert (result.outcome, result.sent) == ("transient", False)
    assert result.message.startswith("not sent: ConnectionError")


def test_a_redirect_is_refused_and_not_followed(action_type, receiver) -> None:
    elsewhere = f"https://127.0.0.1:{receiver.port}/elsewhere"
    receiver.script.append(Reply(status=307, headers={"Location": elsewhere}))
    result = deliver(action_type)
    assert (result.outcome, result.status_code) == ("refused", 307)
    assert elsewhere in result.message and "never followed" in result.message
    assert [r.path for r in receiver.requests()] == ["/actions/execute"]


# --- what is never called ---------------------------------------------------------------------------

def test_a_host_taken_off_the_allow_list_is_never_called(action_type, receiver) -> None:
    CallbackHostRule.objects.all().delete()
    result = deliver(action_type)
    assert (result.outcome, result.sent) == ("refused", False)
    assert "not on the callback host allow-list" in result.message
    assert receiver.requests() == []


def test_a_private_address_is_never_called_without_its_allowance(action_type, receiver) -> None:
    CallbackHostRule.objects.filter(host="127.0.0.1").update(allow_private_network=False)
    result = deliver(action_type)
    assert (result.outcome, result.sent) == ("refused", False) and "private or local address" in result.message
    assert receiver.requests() == []


def test_an_endpoint_whose_url_is_not_the_allow_listed_host_is_never_called(action_type, receiver) -> None:
    CallbackHostRule.objects.create(host="localhost", allow_private_network=True)
    result = deliver(action_type, allow_listed_host="localhost")  # 127.0.0.1's entry is not this one
    assert (result.outcome, result.sent) == ("refused", False) and "127.0.0.1 is not on" in result.message
    assert receiver.requests() == []


def test_a_plain_http_endpoint_is_never_called(action_type, receiver) -> None:
    result = deliver(action_type, url=f"http://127.0.0.1:{receiver.port}/actions/execute")
    assert (result.outcome, result.sent) == ("refused", False) and "https://" in result.message
    assert receiver.requests() == []


def test_a_name_resolving_to_loopback_is_refused_without_the_allowance(action_type, receiver) -> None:
    CallbackHostRule.objects.create(host="localhost")
    result = deliver(action_type, url=f"https://localhost:{receiver.port}/actions/execute")
    assert (result.outcome, result.sent) == ("refused", False) and "resolves to" in result.message
    assert receiver.requests() == []


# --- TLS ------------------------------------------------------------------------------------------

def test_the_certificate_is_checked_against_the_system_store_unless_a_bundle_is_set(
        action_type, receiver, settings, monkeypatch) -> None:
    settings.HITLCRM_OUTBOUND_CA_BUNDLE = ""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    result = deliver(action_type)
    assert (result.outcome, result.sent) == ("transient", False)
    assert "TLS certificate is not trusted for its host" in result.message and "HITLCRM_OUTBOUND_CA_BUNDLE" in result.message
    assert receiver.requests() == []


def test_the_configured_bundle_wins_over_requests_environment_variables(
        action_type, receiver, monkeypatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    assert deliver(action_type).outcome == "delivered"


def test_a_bundle_that_does_not_exist_sends_nothing_and_names_the_setting(action_type, receiver, settings) -> None:
    settings.HITLCRM_OUTBOUND_CA_BUNDLE = "/nonexistent/ca.pem"
    result = deliver(action_type)
    assert (result.outcome, result.sent) == ("transient", False)
    assert result.message == "not sent: HITLCRM_OUTBOUND_CA_BUNDLE points to /nonexistent/ca.pem which does not exist"
    assert receiver.requests() == []


def test_the_call_goes_to_the_vetted_address_and_the_certificate_is_checked_for_the_host_name(
        action_type, receiver, monkeypatch) -> None:
    """DNS rebinding: the host's first answer passes the check, a later one points elsewhere. The
    call connects to the vetted address, names the host, and TLS verifies the certificate for the
    name (the receiver's names actions.customer.example, not other.customer.example)."""
    real_getaddrinfo = socket.getaddrinfo
    answers = {"actions.customer.example": iter(["127.0.0.1"]), "other.customer.example": iter(["127.0.0.1"])}

    def rebinding(host, port, *args, **kwargs):
        if host in answers:
            return real_getaddrinfo(next(answers[host], "127.0.0.2"), port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    for host in answers:
        CallbackHostRule.objects.create(host=host, allow_private_network=True)
    url = f"https://actions.customer.example:{receiver.port}/actions/execute"
    assert deliver(action_type, url=url).outcome == "delivered"
    (received,) = receiver.requests()
    assert received.headers["Host"] == f"actions.customer.example:{receiver.port}"

    mismatch = deliver(action_type, url=f"https://other.customer.example:{receiver.port}/actions/execute")
    assert (mismatch.outcome, mismatch.sent) == ("transient", False)
    assert "TLS certificate is not trusted for its host" in mismatch.message
    assert len(receiver.requests()) == 1

