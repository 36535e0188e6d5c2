"""Outbound actions: something an agent asks hitlcrm to do elsewhere (send a LinkedIn connection
request, change an ad budget), of an action type an administrator registered with the JSON Schema
its payload must meet and the signed webhook endpoint that carries it out (docs/outbound-actions.md).

A reviewer sees the payload, the target and where it goes, and may edit the payload (the edit must
meet the schema too). The action type says how risky the action is (its stakes and whether it can be
undone) and whether it is "ungated but logged": an action that passes its checks is approved at once
by the policy path, audited, and a share of them (the type's audit sample rate) goes to a person.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..checks.text import normalise
from ..models import OutboundActionType, PolicyMode
from ..models.proposals import ProposalKind
from . import register
from .base import EditRefused, Kind

EDITABLE = ("payload",)


def payload_of(proposal: Any) -> Any:
    """The action's payload as it stands (the agent's, or a rescue's edit)."""
    if proposal.action_payload is not None:
        return proposal.action_payload
    return (proposal.original_output or {}).get("payload")


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    """(JSON path, text) of every string inside a payload: what the content checks read."""
    if isinstance(value, str):
        return [(path, normalise(value))]
    if isinstance(value, dict):
        return [part for key, inner in value.items() for part in _strings(inner, f"{path}.{key}")]
    if isinstance(value, list):
        return [part for index, inner in enumerate(value) for part in _strings(inner, f"{path}[{index}]")]
    return []


def shown(value: Any) -> str:
    """A payload value for the review page: strings as they are, everything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


@register
class OutboundActionKind(Kind):
    value = ProposalKind.OUTBOUND_ACTION.value
    label = ProposalKind.OUTBOUND_ACTION.label
    plural_label = "Outbound actions"
    model_name = "outboundaction"
    executor = "webhook"

    api_prefix = "outbound-actions"
    api_basename = "outbound-action"
    submit_serializer = "reviews.api.serializers.OutboundActionSubmitSerializer"
    bulk_item_serializer = "reviews.api.serializers.OutboundActionBulkItemSerializer"
    bulk_doc_serializer = "reviews.api.serializers.OutboundActionBulkDoc"

    review_output_template = "admin/reviews/kinds/outbound_action/output.html"
    review_notices_template = "admin/reviews/kinds/outbound_action/notices.html"

    # --- submission ---------------------------------------------------------------------------
    def default_task_type(self, data: Mapping[str, Any]) -> str:
        return data.get("task_type") or f"action:{data['action_type']}"

    def payload_store(self, proposal: Any, data: Mapping[str, Any], *, now: datetime) -> list[Any]:
        # The serializer admitted the name (registered and enabled) in this request.
        proposal.action_type = OutboundActionType.objects.get(name=data["action_type"])
        proposal.action_target = data["target"]
        proposal.action_payload = data["payload"]
        proposal.company_name = data.get("company_name") or ""
        return []

    # --- checks and the gate ------------------------------------------------------------------
    def readable_parts(self, proposal: Any, field_changes: list[Any]) -> list[tuple[str, str]]:
        return [("target", normalise(proposal.action_target)), *_strings(payload_of(proposal), "payload")]

    def policy_as_applied(self, proposal: Any, policy: Any) -> Any:
        """The action type's stakes and reversibility are the action's (they order the queue and
        decide four eyes by risk); an ungated type's actions are the policy's log-only path
        (approved at once unless a hard check fails or two approvals are required), sampled at the
        type's audit sample rate."""
        action_type = proposal.action_type
        if action_type is None:
            return policy
        applied = copy.copy(policy)
        applied.stakes, applied.reversible = action_type.stakes, action_type.reversible
        if action_type.ungated:
            applied.mode = PolicyMode.LOG_ONLY
            applied.audit_sample_rate = action_type.audit_sample_rate
        return applied

    def as_edited(self, proposal: Any, edits: Mapping[str, Any], *,
                  fields: Collection[str] | None = None) -> tuple[Any, list[Any]]:
        view = copy.copy(proposal)
        if "payload" in edits:
            view.action_payload = edits["payload"]
        return view, []

    # --- decisions ----------------------------------------------------------------------------
    def editable_fields(self, proposal: Any) -> list[str]:
        return list(EDITABLE)

    def edits_of(self, proposal: Any, edits: Mapping[str, Any]) -> dict[str, list[Any]]:
        unknown = set(edits) - set(EDITABLE)
        if unknown:
            raise EditRefused(f"cannot edit {', '.join(sorted(unknown))} of an outbound action (only its payload)")
        if "payload" not in edits:
            return {}
        edited = edits["payload"]
        problems = proposal.action_type.payload_errors(edited) if not isinstance(edited, _NotJson) else [str(edited)]
        if problems:
            raise EditRefused(f"the edited payload does not meet the schema of {proposal.action_type.name}: "
                              + "; ".join(problems))
        current = payload_of(proposal)
        return {"payload": [current, edited]} if edited != current else {}

    def approved_before(self, proposal: Any) -> tuple[dict[str, Any], dict[str, bool] | None]:
        approved = (proposal.final_output or {}).get("payload")
        return ({"payload": approved} if approved is not None and approved != payload_of(proposal) else {}), None

    def final_output(self, proposal: Any, edits: Mapping[str, Any] | None) -> dict[str, Any]:
        edits = edits or {}
        return {"action_type": proposal.action_type.name, "target": proposal.action_target,
                "payload": edits.get("payload", payload_of(proposal))}

    def execution_payload(self, proposal: Any) -> dict[str, Any]:
        """What the webhook executor POSTs of the approved action (besides the proposal id and the
        idempotency key it derives from it): the action type, the target and the approved payload."""
        approved = proposal.final_output or {}
        return {"action_type": proposal.action_type.name if proposal.action_type_id else "",
                "target": approved.get("target", proposal.action_target),
                "payload": approved.get("payload") or {}}

    def rescue_apply(self, proposal: Any, final: Mapping[str, Any]) -> list[str]:
        if "payload" not in final:
            return []
        proposal.action_payload = final["payload"]
        return ["action_payload"]

    def output_edits(self, original: Mapping[str, Any], final: Mapping[str, Any]) -> dict[str, list[Any]]:
        before, after = original.get("payload"), final.get("payload")
        return {"payload": [before, after]} if before != after else {}

    # --- the API and the console ----------------------------------------------------------------
    def api_record_parts(self, proposal: Any, *, new_field_changes: list[Any] | None) -> dict[str, Any]:
        return {"action_type": proposal.action_type.name if proposal.action_type else None,
                "target": proposal.action_target, "payload": payload_of(proposal)}

    def queue_item(self, proposal: Any, identity: Any = None) -> tuple[str, str]:
        name = proposal.action_type.name if proposal.action_type_id else "(no action type)"
        about = proposal.company_name or "—"
        if identity is not None and identity.record is not None:
            about = " · ".join(part for part in (identity.label, identity.summary) if part)
        return f"{name} → {proposal.action_target}", about

    def review_context(self, proposal: Any, *, user: Any, typed_in: Mapping[str, Any],
                       approved_fields: Collection[str] | None, policy: Any, evidence: Mapping[int, Any],
                       decisions: list[Any], now: datetime) -> dict[str, Any]:
        """The payload as a definition list (top-level keys, values as text or indented JSON) and in
        full, the action type's endpoint host and its badges, and the payload editor's text."""
        action_type = proposal.action_type
        payload = payload_of(proposal)
        approved = (proposal.final_output or {}).get("payload")
        execution = getattr(proposal, "execution", None)
        return {
            "action": {
                "type": action_type,
                "target": proposal.action_target,
                "endpoint_host": urlsplit(action_type.endpoint_url).hostname if action_type else "",
                "items": [{"key": key, "value": shown(value), "block": isinstance(value, dict | list)}
                          for key, value in payload.items()] if isinstance(payload, dict) else [],
                "pretty": shown(payload),
                "approved": shown(approved) if approved is not None and approved != payload else "",
                # What the receiver answered, once the action was executed (the execution's response).
                "answer": shown(execution.response) if execution is not None and execution.response else "",
            },
            "inputs": {"payload": typed_in.get("payload", shown(payload))},
        }

    def form_edits(self, post: Any, proposal: Any) -> dict[str, Any]:
        if "payload" not in post:
            return {}
        text = post["payload"]
        try:
            edited = json.loads(text)
        except ValueError as exc:
            return {"payload": _NotJson(f"payload: not JSON ({exc})")}
        return {} if edited == payload_of(proposal) else {"payload": edited}

    def form_typed_back(self, post: Any) -> tuple[dict[str, Any], set[str] | None]:
        return ({"payload": post["payload"].replace("\r\n", "\n")} if "payload" in post else {}), None


class _NotJson(str):
    """A payload typed into the console that is not JSON: refused by ``edits_of`` with this message."""
