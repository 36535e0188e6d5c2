"""Reviewer feedback for improving prompts: what the AI wrote, what a person approved instead,
and why. Each reviewer edit is already kept (``Proposal.original_output`` is never modified,
``final_output`` holds what was approved, ``Decision.edits`` each change); this reads them out as
(original, final, reason) pairs."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Prefetch

from ..kinds import kind_of
from ..models import ApiClient, Decision, Proposal
from ..versions import version_as_api, version_of

CHUNK = 500


def feedback_pairs(*, task_type: str | None = None, since: datetime | None = None, until: datetime | None = None,
                   include_rejections: bool = False, agent: ApiClient | None = None,
                   after_id: int | None = None) -> Iterator[dict[str, Any]]:
    """One record per reviewed output a person edited (and, optionally, rejected), oldest first,
    streamed in chunks so an export of any size runs in constant memory. ``agent``: only its
    records (the API's feedback list); ``after_id``: only records after that one (its cursor)."""
    live = Decision.objects.live().filter(reviewer__isnull=False).select_related("reviewer")
    actions = [Decision.Action.EDIT_APPROVE, *([Decision.Action.REJECT] if include_rejections else [])]
    queryset = (
        Proposal.objects.filter(Exists(live.filter(proposal=OuterRef("pk"), action__in=actions)),
                                golden_item__isnull=True)  # golden items are not the agent's outputs
        .select_related("agent")
        .prefetch_related(Prefetch("decisions", queryset=live.order_by("created_at", "pk"), to_attr="live_decisions"))
        .order_by("pk")
    )
    if task_type:
        queryset = queryset.filter(task_type=task_type)
    if since:
        queryset = queryset.filter(decided_at__gte=since)
    if until:
        queryset = queryset.filter(decided_at__lt=until)
    if agent is not None:
        queryset = queryset.filter(agent=agent)
    if after_id is not None:
        queryset = queryset.filter(pk__gt=after_id)
    for proposal in queryset.iterator(chunk_size=CHUNK):
        yield _pair(proposal, proposal.live_decisions)


def _pair(proposal: Proposal, decisions: list[Decision]) -> dict[str, Any]:
    edits: dict[str, list[Any]] = {}
    for decision in decisions:
        edits.update(decision.edits or {})
    rejected = any(d.action == Decision.Action.REJECT for d in decisions)
    deciding = decisions[-1] if decisions else None
    return {
        "proposal_id": proposal.pk,
        "kind": proposal.kind,
        "task_type": proposal.task_type,
        "agent": proposal.agent.name,
        "external_ref": proposal.external_ref or None,
        # Which agent, prompt and model wrote it: feedback improves one prompt, not the task type's every one.
        **version_as_api(version_of(proposal)),
        "outcome": "rejected" if rejected else "edited_and_approved",
        "original": proposal.original_output,
        "final": None if rejected else proposal.final_output,
        "edits": edits,
        "diff": edits_diff(edits),
        "material": bool(proposal.materially_edited) or rejected,
        "reason_code": proposal.reason_code or None,
        "note": proposal.decision_note or None,
        "reviewers": [d.reviewer.get_username() for d in decisions],
        "decided_at": proposal.decided_at or (deciding.created_at if deciding else None),
    }


def output_edits(proposal: Proposal) -> dict[str, list[Any]]:
    """What the reviewers changed of the AI's output, read from the record's own columns (no query):
    field -> [proposed, approved], as the kind tells them apart (an email: each text edited; a CRM
    change: each field approved with another value, or not approved, ``[proposed, None]``). Empty
    until something is approved."""
    final = proposal.final_output
    if not final:
        return {}
    return kind_of(proposal).output_edits(proposal.original_output or {}, final)


def edits_diff(edits: dict[str, list[Any]]) -> str:
    """Edits as one unified diff, a file per field: text line by line, other values as one JSON line."""
    parts = []
    for name, (before, after) in edits.items():
        lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=f"proposed/{name}",
                                     tofile=f"approved/{name}", lineterm="")
        parts.extend(lines)
    return "\n".join(parts)


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    return (value if isinstance(value, str) else json.dumps(value, cls=DjangoJSONEncoder)).splitlines()


def feedback_write_jsonl(records: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """Write records one JSON object a line; returns how many."""
    count = 0
    for record in records:
        stream.write(json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
