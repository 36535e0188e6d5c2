"""Is an interactive request really from Slack, and fresh? (slack_sdk's ``SignatureVerifier``.)

Slack signs ``v0:<timestamp>:<body>`` with the app's signing secret (HMAC-SHA256) and sends the
timestamp and signature in ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``. A request more
than five minutes away from this machine's clock is refused, as Slack recommends, so a captured
request cannot be replayed later; a replay within those minutes is the caller's to refuse (it keeps
the requests it has seen).
"""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.signature import SignatureVerifier

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"


def request_signed_by_slack(*, secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True when ``body`` carries a valid, fresh signature made with ``secret``. An empty secret
    trusts nothing."""
    if not secret or not secret.strip():
        return False
    normalised = {key.lower(): value for key, value in headers.items()}
    timestamp = normalised.get(TIMESTAMP_HEADER.lower(), "")
    if not timestamp.strip().lstrip("-").isdigit():
        return False  # slack_sdk would raise on int() of a malformed timestamp
    return SignatureVerifier(secret).is_valid(body=body, timestamp=timestamp.strip(),
                                              signature=normalised.get(SIGNATURE_HEADER.lower()))


def sign(*, secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The two headers Slack would send with ``body`` at ``timestamp`` (for tests and local tools)."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature or ""}
