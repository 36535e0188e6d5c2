"""The API's bodies for outbound actions (``OutboundActionKind`` names them by dotted path, so this
module, which reaches the API's base serializers, is imported only when a request needs it)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..api.serializers import MAX_BULK_ITEMS, CommonSubmitSerializer, IdempotencyKeyField
from ..models import OutboundActionType


def action_type_problem(name: str) -> tuple[OutboundActionType | None, str]:
    """The enabled action type called ``name``, or why an agent may not submit actions of it."""
    action_type = OutboundActionType.objects.filter(name=name).first()
    if action_type is None:
        return None, f"No action type named {name!r} is registered; an administrator registers action types."
    if not action_type.enabled:
        return None, f"The action type {name!r} is disabled: actions of it are not accepted now."
    return action_type, ""


def payload_errors_by_path(action_type: OutboundActionType, payload: Any) -> dict[str, list[str]]:
    """The payload's schema problems keyed by their JSON path (``payload.budget``), each message
    naming the path too, as the CRM fields' errors are keyed (``fields.Name``)."""
    errors: dict[str, list[str]] = {}
    for problem in action_type.payload_errors(payload):
        errors.setdefault(problem.partition(": ")[0], []).append(problem)
    return errors


class OutboundActionSubmitSerializer(CommonSubmitSerializer):
    """An action an agent asks hitlcrm to carry out elsewhere: a registered action type, what it acts
    on, and a payload that meets the type's JSON Schema. Unknown keys are refused."""

    action_type = serializers.CharField(max_length=100,
                                        help_text="A registered, enabled action type, e.g. ads.budget_change.")
    target = serializers.CharField(max_length=500, help_text="What the action acts on (a campaign id, a profile URL).")
    payload = serializers.JSONField(help_text="The action's parameters: a JSON object meeting the action type's schema.")
    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        action_type, problem = action_type_problem(attrs["action_type"])
        if action_type is None:
            raise serializers.ValidationError({"action_type": [problem]})
        errors = payload_errors_by_path(action_type, attrs["payload"])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OutboundActionBulkItemSerializer(OutboundActionSubmitSerializer):
    """One outbound action of a bulk submission."""

    idempotency_key = IdempotencyKeyField(required=False, help_text="This item's Idempotency-Key.")


class OutboundActionBulkDoc(serializers.Serializer):
    """Documents the bulk body of outbound actions."""

    items = serializers.ListField(child=OutboundActionBulkItemSerializer(), min_length=1, max_length=MAX_BULK_ITEMS)
