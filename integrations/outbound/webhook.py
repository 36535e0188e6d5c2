"""The signed webhook that executes an approved outbound action.

One call, one POST to the endpoint the action type names, with the JSON body ``{"action_type",
"proposal_id", "target", "payload", "idempotency_key"}`` and these headers (docs/outbound-actions.md):

- ``X-Hitlcrm-Timestamp``: Unix seconds when the attempt was made;
- ``X-Hitlcrm-Signature``: ``sha256=`` + hex HMAC-SHA256, with the action type's signing secret, of
  the timestamp, a dot and the exact body bytes (so a captured request cannot be replayed later
  with a fresh timestamp);
- ``Idempotency-Key``: the same for every attempt of one proposal's action, so a receiver that
  honours it acts once however often it is called;
- ``X-Hitlcrm-Action``: the action type.

The URL is vetted as decision webhooks vet theirs (``integrations.http``): https only, the host on the
callback allow-list (the caller says whether it is, in ``ActionEndpoint``), a host resolving to a
private address refused unless its entry allows that, the connection pinned to the vetted address,
the certificate checked (against ``HITLCRM_OUTBOUND_CA_BUNDLE`` when set), redirects never followed.

What came of the call is a :class:`DeliveryResult`; its outcome is one of:

- ``delivered``: a 2xx answer (its status, the start of its body, the ``id`` it gave the action);
- ``refused``: permanent, and nothing was done: a 4xx answer (the receiver's message kept), a
  redirect, or a URL that may not be called (then nothing was sent at all);
- ``transient``: nothing was done and a later attempt may succeed: the connection could not be made
  (refused, no DNS answer, connect timeout, an untrusted certificate), or the receiver answered
  408, 425, 429 or 503 (it did not act; ``retry_after`` from its Retry-After); for an endpoint that
  honours the idempotency key, also any other 5xx (resending with the same key is safe);
- ``unknown``: the request was, or may have been, sent and no usable answer came: a read timeout,
  the connection dropped, or, for an endpoint that does not honour the key, a 5xx other than 503 (it
  may have acted before failing). Such an action is never resent automatically unless the endpoint
  is idempotent: at most once, and a person settles what happened.
"""

from __future__ import annotations

import json
import ssl
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import requests
import urllib3.exceptions
from urllib3.util.ssl_match_hostname import CertificateError

from integrations.http import (
    CallbackRefused,
    HostUnresolvable,
    callback_host,
    refuse_private_literal,
    session_to,
    sign,
    signature_valid,
    vetted_address,
)
from reviews.conf import hitlcrm_settings

SIGNATURE_HEADER = "X-Hitlcrm-Signature"
TIMESTAMP_HEADER = "X-Hitlcrm-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ACTION_HEADER = "X-Hitlcrm-Action"
USER_AGENT = "hitlcrm-actions/1"
CONNECT_TIMEOUT_SECONDS = 5
# How much of an answer is read and kept: enough for an id or an error message.
MAX_RESPONSE_BYTES = 4096
MAX_TEXT_CHARS = 2000
# Answers that say the receiver did not act (so a resend is safe whatever the endpoint).
NOT_ACTED_STATUS = frozenset({408, 425, 429, 503})
# The certificate was refused: by the TLS library, or by urllib3's check of the name it asserts
# when the connection is pinned to an address.
_CERTIFICATE_REFUSED = (ssl.SSLCertVerificationError, CertificateError)
# Failures that happen before any byte of the request leaves: nothing can have been done.
_BEFORE_SENDING = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError, *_CERTIFICATE_REFUSED)


@dataclass(frozen=True)
class ActionEndpoint:
    """Where and how one action type's actions are delivered, as plain data (the review app builds it
    from ``OutboundActionType.endpoint()``, looking the host up on the allow-list)."""

    action_type: str
    url: str
    secret: str
    # Whether the receiver honours Idempotency-Key: only then may an uncertain attempt be repeated.
    idempotent: bool
    # Makes the idempotency keys of this action type (and this installation) its own.
    idempotency_namespace: uuid.UUID
    # The host of the URL's entry on the callback host allow-list ("" when it has none; a URL whose
    # host is not this one is not called), and whether that entry lets it resolve to a private,
    # loopback or link-local address.
    allow_listed_host: str
    allow_private_network: bool = False


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    REFUSED = "refused"
    TRANSIENT = "transient"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery attempt came to (the module's docstring says what each outcome means)."""

    outcome: DeliveryOutcome
    idempotency_key: str
    # Whether the request may have reached the receiver (False: refused or failed before sending).
    sent: bool
    status_code: int | None = None
    # What happened, in words: the receiver's own message for a refusal, else the error.
    message: str = ""
    # The start of the receiver's answer, and the id it gave the action (``{"id": ...}``), if any.
    response_body: str = ""
    receiver_id: str = ""
    # Seconds the receiver asked to wait before the next attempt (Retry-After), for a transient outcome.
    retry_after: float | None = None
    elapsed_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.outcome == DeliveryOutcome.DELIVERED

    @property
    def may_retry(self) -> bool:
        """A later attempt is worth making: a transient failure (an unknown outcome is for a person,
        or for the caller to resend only to an idempotent endpoint)."""
        return self.outcome == DeliveryOutcome.TRANSIENT


def action_idempotency_key(namespace: uuid.UUID, proposal_id: int | str) -> str:
    """The ``Idempotency-Key`` of a proposal's action: the same on every attempt, different for every
    proposal, action type and installation (the namespace is random per action type)."""
    return f"hitlcrm-{uuid.uuid5(namespace, str(proposal_id))}"


def action_body(*, action_type: str, proposal_id: int | str, target: Any, payload: Mapping[str, Any],
                idempotency_key: str) -> bytes:
    """The exact bytes POSTed (and signed); the same for every attempt of one action (keys sorted: a
    payload read back from PostgreSQL's jsonb comes in another key order than it was written)."""
    document = {"action_type": action_type, "proposal_id": proposal_id, "target": target, "payload": payload,
                "idempotency_key": idempotency_key}
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def action_signature(secret: str, timestamp: str | int, body: bytes) -> str:
    """``X-Hitlcrm-Signature``: ``sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``."""
    return sign(secret, f"{timestamp}.".encode() + body)


def action_signature_valid(secret: str, timestamp: str | int, body: bytes, header: str) -> bool:
    """For receivers (and tests): constant-time check of ``X-Hitlcrm-Signature``."""
    return signature_valid(secret, f"{timestamp}.".encode() + body, header)


def deliver_action(endpoint: ActionEndpoint, *, proposal_id: int | str, target: Any,
                   payload: Mapping[str, Any]) -> DeliveryResult:
    """One attempt to execute a proposal's approved action at ``endpoint``. Never raises for what
    the network or the receiver does: every outcome is a :class:`DeliveryResult`."""
    key = action_idempotency_key(endpoint.idempotency_namespace, proposal_id)
    started = time.monotonic()

    def result(outcome: DeliveryOutcome, *, sent: bool, **details: Any) -> DeliveryResult:
        return DeliveryResult(outcome, key, sent, elapsed_ms=int((time.monotonic() - started) * 1000), **details)

    url = endpoint.url
    try:
        host = callback_host(url, schemes=("https",), label="endpoint URL")
        if not endpoint.allow_listed_host or host != endpoint.allow_listed_host:
            raise CallbackRefused(f"{host} is not on the callback host allow-list; an administrator must add it")
        refuse_private_literal(url, allow_private_network=endpoint.allow_private_network)
        if not endpoint.secret:
            raise CallbackRefused(f"the action type {endpoint.action_type} has no signing secret")
        address = vetted_address(url, allow_private_network=endpoint.allow_private_network)
    except CallbackRefused as exc:
        return result(DeliveryOutcome.REFUSED, sent=False, message=f"not sent: {exc}")
    except HostUnresolvable as exc:
        return result(DeliveryOutcome.TRANSIENT, sent=False, message=f"not sent: {exc}")
    ca_bundle = str(hitlcrm_settings.OUTBOUND_CA_BUNDLE).strip()
    if ca_bundle and not Path(ca_bundle).is_file():
        return result(DeliveryOutcome.TRANSIENT, sent=False,
                      message=f"not sent: HITLCRM_OUTBOUND_CA_BUNDLE points to {ca_bundle} which does not exist")

    body = action_body(action_type=endpoint.action_type, proposal_id=proposal_id, target=target, payload=payload,
                       idempotency_key=key)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        ACTION_HEADER: endpoint.action_type,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: action_signature(endpoint.secret, timestamp, body),
        IDEMPOTENCY_HEADER: key,
    }
    try:
        with session_to(url, address) as session:
            # ``verify`` per request: a bundle passed here wins over REQUESTS_CA_BUNDLE (a session's would not).
            response = session.post(url, data=body, headers=headers, allow_redirects=False, stream=True,
                                    timeout=(CONNECT_TIMEOUT_SECONDS, hitlcrm_settings.OUTBOUND_TIMEOUT_SECONDS),
                                    verify=ca_bundle or True)
            try:
                raw = response.raw.read(MAX_RESPONSE_BYTES, decode_content=True) or b""
            except (urllib3.exceptions.HTTPError, OSError):
                raw = b""  # the status arrived, which is what decides; the rest of the answer is lost
            finally:
                response.close()
    except requests.RequestException as exc:
        if _failed_before_sending(exc):
            return result(DeliveryOutcome.TRANSIENT, sent=False, message=f"not sent: {_describe(exc)}")
        return result(DeliveryOutcome.UNKNOWN, sent=True,
                      message=f"sent, but no answer came ({_describe(exc)}): the action may have happened")
    return _answered(result, response, raw.decode("utf-8", errors="replace"), idempotent=endpoint.idempotent)


def _answered(result: Callable[..., DeliveryResult], response: requests.Response, text: str, *,
              idempotent: bool) -> DeliveryResult:
    status = response.status_code
    answer = _json_object(text)
    details = {"status_code": status, "response_body": text[:MAX_TEXT_CHARS]}
    if 200 <= status < 300:
        receiver_id = answer.get("id")
        return result(DeliveryOutcome.DELIVERED, sent=True, message=f"HTTP {status}",
                      receiver_id="" if receiver_id is None else str(receiver_id)[:200], **details)
    if 300 <= status < 400:
        return result(DeliveryOutcome.REFUSED, sent=True, **details,
                      message=f"HTTP {status}: the endpoint redirects (to {response.headers.get('Location', '?')}); "
                              f"redirects are never followed, so correct the action type's endpoint URL")
    said = _receivers_message(answer, text)
    if status in NOT_ACTED_STATUS or (idempotent and 500 <= status < 600):
        return result(DeliveryOutcome.TRANSIENT, sent=True, message=f"HTTP {status}{said}",
                      retry_after=_retry_after(response.headers.get("Retry-After")), **details)
    if 400 <= status < 500:
        return result(DeliveryOutcome.REFUSED, sent=True, message=f"HTTP {status}{said}", **details)
    return result(DeliveryOutcome.UNKNOWN, sent=True, **details,
                  message=f"HTTP {status}{said}: the endpoint does not honour idempotency keys and may have acted "
                          f"before failing")


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _receivers_message(answer: dict[str, Any], text: str) -> str:
    """``: <what the receiver said>``: its ``error``, ``message`` or ``detail``, else its text."""
    for name in ("error", "message", "detail"):
        if answer.get(name):
            value = answer[name]
            return ": " + (value if isinstance(value, str) else json.dumps(value))[:500]
    return f": {text.strip()[:500]}" if text.strip() else ""


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps (requests wraps urllib3's errors, which wrap the socket's and ssl's)."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args)
        pending += [inner for inner in wrapped if isinstance(inner, BaseException)]


def _failed_before_sending(exc: requests.RequestException) -> bool:
    """No connection was made (refused, DNS, connect timeout, certificate refused). Anything
    else, a dropped connection included, may have happened after the request was sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return any(isinstance(cause, _BEFORE_SENDING) for cause in _causes(exc))


def _describe(exc: requests.RequestException) -> str:
    if any(isinstance(cause, _CERTIFICATE_REFUSED) for cause in _causes(exc)):
        return (f"the endpoint's TLS certificate is not trusted for its host ({exc}); if a private CA signs it, "
                f"set HITLCRM_OUTBOUND_CA_BUNDLE to that CA's file")
    return f"{type(exc).__name__}: {exc}"[:MAX_TEXT_CHARS]
