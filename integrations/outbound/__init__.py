"""Outbound actions: an approved action POSTed, signed, to the endpoint its action type names
(docs/outbound-actions.md says what the receiver gets and how it verifies it)."""

from .webhook import (
    ACTION_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ActionEndpoint,
    DeliveryOutcome,
    DeliveryResult,
    action_body,
    action_idempotency_key,
    action_signature,
    action_signature_valid,
    deliver_action,
)

__all__ = [
    "ACTION_HEADER", "IDEMPOTENCY_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "ActionEndpoint", "DeliveryOutcome",
    "DeliveryResult", "action_body", "action_idempotency_key", "action_signature", "action_signature_valid",
    "deliver_action",
]
