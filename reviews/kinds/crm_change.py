"""CRM changes: field values an agent proposes for one CRM record, written by the Salesforce push
(or, for objects marked so, by an external integration reading the approved-changes feed).

A reviewer decides the change field by field: each field approved (with its proposed value or an
edited one) or not. What an approval writes is only the approved fields.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Window

from ..checks.evidence import field_backing
from ..checks.text import normalise
from ..crm import crm_configured
from ..models.crm import CrmFieldChange, FieldDecision
from ..models.decisions import Decision
from ..models.execution import ExecutionAttempt
from ..models.proposals import ProposalKind
from ..selectors import crm_overlaps
from ..services.crm_context import CrmNow, crm_values_now
from ..state_machine import TERMINAL, Status
from . import register
from .base import EditRefused, Kind

# The review page lists this many of a change's latest pushes to Salesforce (the execution log).
EXECUTION_LOG_SHOWN = 20
# The statuses whose review page reads the CRM's values now: before the change was written (once it
# executes, the CRM holds what it wrote, and the page shows the execution instead).
CRM_NOW_STATUSES = frozenset({Status.CHECKING, Status.NEEDS_REVIEW, Status.APPROVED, Status.FAILED, Status.CONFLICT})


def shown(value: Any) -> str:
    """A proposed or current CRM value as text (JSON for non-strings, so types stay visible)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def typed(text: str, like: Any) -> Any:
    """A value typed into the console, given the type of the value it replaces (an empty box in place
    of no value is still no value)."""
    if like is None:
        return text or None
    if isinstance(like, str):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, type(like)) or (isinstance(like, float) and isinstance(value, int)) else text


def utc_moment(moment: datetime, now: datetime) -> str:
    """``09:14 UTC`` today, ``2026-03-02 09:14 UTC`` on another day."""
    moment, today = moment.astimezone(UTC), now.astimezone(UTC).date()
    return f"{moment:%H:%M} UTC" if moment.date() == today else f"{moment:%Y-%m-%d %H:%M} UTC"


def differs(now: Any, before: Any) -> bool:
    """Whether the CRM's value now is not the value the change was made against (1 and 1.0 alike)."""
    return now != before and shown(now) != shown(before)


def snapshot_label(changes: list[Any], decisions: list[Any], now: datetime) -> str:
    """What the "before" column is: the CRM's values at submission (read by the checks), or, once a
    conflict moved the baseline (rebase or overwrite), the values found after the conflict."""
    captured = [change.before_captured_at for change in changes if change.before_captured_at is not None]
    after_conflict = any(decision.settled == Decision.Settled.CONFLICT for decision in decisions)
    label = "In CRM after the conflict" if after_conflict else "In CRM at submission"
    return f"{label}, {utc_moment(max(captured), now)}" if captured else label


def approve_fields(proposal: Any, *, field_decisions: dict[str, bool] | None, edits: Mapping[str, Any] | None) -> None:
    """Record per-field decisions of a CRM change (all fields approved unless told otherwise).

    A reviewer who approves the change but rejects some of its proposed fields corrected the AI's
    output as surely as one who edited a value: in the review that first concludes (the record is
    ``needs_review``), that marks the record ``materially_edited``, an error of the AI in the gate
    metrics (reviews/services/metrics.py). The caller saves the flag with the approval
    (``approval.approval_finalise``). Fields decided again when a failed or conflicting execution is
    approved once more do not change it: see ``proposal_decide``."""
    edits = edits or {}
    rejected = False
    for change in proposal.field_changes.all():
        approved = True if field_decisions is None else bool(field_decisions.get(change.field, False))
        rejected = rejected or not approved
        change.decision = FieldDecision.APPROVED if approved else FieldDecision.REJECTED
        change.approved_value = edits.get(change.field, change.proposed_value) if approved else None
        change.save(update_fields=["decision", "approved_value"])
    if rejected and proposal.status == Status.NEEDS_REVIEW:
        proposal.materially_edited = True


@register
class CrmChangeKind(Kind):
    value = ProposalKind.CRM_CHANGE.value
    label = ProposalKind.CRM_CHANGE.label
    plural_label = "CRM changes"
    model_name = "crmchange"
    executor = "salesforce"
    writes_crm_fields = True
    externally_executable = True

    api_prefix = "crm-changes"
    api_basename = "crm-change"
    submit_serializer = "reviews.api.serializers.CrmChangeSubmitSerializer"
    bulk_item_serializer = "reviews.api.serializers.CrmChangeBulkItemSerializer"
    bulk_doc_serializer = "reviews.api.serializers.CrmChangeBulkDoc"
    # Integrations report what they executed of the feed.
    api_actions = ("reviews.api.views.ExecutedReportActions",)

    review_output_template = "admin/reviews/kinds/crm_change/output.html"
    review_notices_template = "admin/reviews/kinds/crm_change/notices.html"

    # --- submission ---------------------------------------------------------------------------
    def default_task_type(self, data: Mapping[str, Any]) -> str:
        return data.get("task_type") or f"crm_{data['kind']}"

    def payload_store(self, proposal: Any, data: Mapping[str, Any], *, now: datetime) -> list[Any]:
        proposal.change_kind = data["kind"]
        proposal.external_id_field = data.get("external_id_field") or ""
        confidences = data.get("field_confidence") or {}
        return [CrmFieldChange(field=name, proposed_value=value, confidence=confidences.get(name), created_at=now)
                for name, value in data["fields"].items()]

    # --- checks and the gate ------------------------------------------------------------------
    def readable_parts(self, proposal: Any, field_changes: list[Any]) -> list[tuple[str, str]]:
        return [(change.field, normalise(change.proposed_value)) for change in field_changes
                if isinstance(change.proposed_value, str)]

    def search_parts(self, proposal: Any, field_changes: list[Any]) -> list[str]:
        # Every field and value, strings or not (a name, an email, an amount), and the external id field.
        parts = [proposal.external_id_field or ""]
        for change in field_changes:
            parts.append(change.field)
            if change.proposed_value is not None and not isinstance(change.proposed_value, bool):
                parts.append(str(change.proposed_value))
        return parts

    def as_edited(self, proposal: Any, edits: Mapping[str, Any], *,
                  fields: Collection[str] | None = None) -> tuple[Any, list[Any]]:
        rows = []
        for change in proposal.field_changes.all():
            if fields is None or change.field in fields:
                row = copy.copy(change)
                row.proposed_value = edits.get(change.field, change.proposed_value)
                rows.append(row)
        return copy.copy(proposal), rows

    # --- decisions ----------------------------------------------------------------------------
    def golden_edits_problem(self, source: Any, edits: Mapping[str, Any]) -> str:
        unknown = set(edits) - {change.field for change in source.field_changes.all()}
        return f"the source has no {', '.join(sorted(unknown))} to edit" if unknown else ""

    def golden_copy_apply(self, source: Any, copy_: Any, edits: Mapping[str, Any], *, now: datetime) -> None:
        if edits and isinstance(copy_.original_output, dict):
            copy_.original_output = {**copy_.original_output,
                                     "fields": {**(copy_.original_output.get("fields") or {}), **edits}}

    def golden_copy_rows(self, source: Any, copy_: Any, edits: Mapping[str, Any], *, now: datetime) -> None:
        CrmFieldChange.objects.bulk_create([
            CrmFieldChange(proposal=copy_, field=change.field, confidence=change.confidence,
                           proposed_value=edits.get(change.field, change.proposed_value),
                           before_value=change.before_value, before_captured_at=change.before_captured_at,
                           created_at=now)
            for change in source.field_changes.all()
        ])

    def editable_fields(self, proposal: Any) -> list[str]:
        return [change.field for change in proposal.field_changes.all()]

    def edits_of(self, proposal: Any, edits: Mapping[str, Any]) -> dict[str, list[Any]]:
        proposed = {change.field: change.proposed_value for change in proposal.field_changes.all()}
        unknown = set(edits) - set(proposed)
        if unknown:
            raise EditRefused(f"cannot edit fields the change does not propose: {', '.join(sorted(unknown))}")
        return {name: [proposed[name], value] for name, value in edits.items() if value != proposed[name]}

    def approved_before(self, proposal: Any) -> tuple[dict[str, Any], dict[str, bool] | None]:
        changes = list(proposal.field_changes.all())
        if all(change.decision == FieldDecision.PENDING for change in changes):
            return {}, None
        edits = {change.field: change.approved_value for change in changes
                 if change.decision == FieldDecision.APPROVED and change.approved_value != change.proposed_value}
        return edits, {change.field: change.decision == FieldDecision.APPROVED for change in changes}

    def approval_record(self, proposal: Any, *, field_decisions: dict[str, bool] | None,
                        edits: Mapping[str, Any] | None) -> None:
        approve_fields(proposal, field_decisions=field_decisions, edits=edits)
        if field_decisions is not None and not any(field_decisions.values()):
            raise EditRefused("no field approved: reject the change instead")

    def approval_settle(self, proposal: Any, *, edits: Mapping[str, Any] | None) -> None:
        if not proposal.field_changes.exclude(decision=FieldDecision.PENDING).exists():
            approve_fields(proposal, field_decisions=None, edits=edits)

    def final_output(self, proposal: Any, edits: Mapping[str, Any] | None) -> dict[str, Any]:
        approved = {change.field: change.approved_value for change in proposal.field_changes.all()
                    if change.decision == FieldDecision.APPROVED}
        return {"crm_object": proposal.crm_object, "crm_id": proposal.crm_id, "fields": approved}

    def execution_payload(self, proposal: Any) -> dict[str, Any]:
        """The field patch the Salesforce executor writes: the object, the record and each approved
        field's approved value (an upsert's external id among them), read from the field rows the push
        is built from."""
        return {"crm_object": proposal.crm_object, "crm_id": proposal.crm_id,
                "fields": {change.field: change.approved_value for change in proposal.field_changes.all()
                           if change.decision == FieldDecision.APPROVED}}

    def rescue_apply(self, proposal: Any, final: Mapping[str, Any]) -> list[str]:
        for change in proposal.field_changes.all():  # saved one by one so their history records it
            if change.field in final:
                change.proposed_value = final[change.field]
                change.save(update_fields=["proposed_value"])
        return []

    def output_edits(self, original: Mapping[str, Any], final: Mapping[str, Any]) -> dict[str, list[Any]]:
        approved = final.get("fields") or {}
        return {name: [value, approved.get(name)] for name, value in (original.get("fields") or {}).items()
                if name not in approved or approved[name] != value}

    # --- the API and the console ----------------------------------------------------------------
    def api_record_parts(self, proposal: Any, *, new_field_changes: list[Any] | None) -> dict[str, Any]:
        changes = proposal.field_changes.all() if new_field_changes is None else new_field_changes
        return {"fields": [
            {"field": c.field, "proposed": c.proposed_value, "before": c.before_value,
             "approved": c.approved_value if c.decision == FieldDecision.APPROVED else None,
             "decision": c.decision, "confidence": c.confidence}
            for c in changes
        ]}

    def queue_item(self, proposal: Any, identity: Any = None) -> tuple[str, str]:
        # The record by its name when the CRM told it (the raw id otherwise, and the queue says why).
        record = identity.label if identity is not None and identity.record is not None else proposal.crm_id
        title = f"{proposal.get_change_kind_display()} {proposal.crm_object} {record}"
        fields = ", ".join(change.field for change in getattr(proposal, "field_names", []))
        summary = identity.summary if identity is not None and identity.record is not None else ""
        about = summary or proposal.company_name or "—"
        return title, f"{fields or 'no fields'} · {about}"

    def review_context(self, proposal: Any, *, user: Any, typed_in: Mapping[str, Any],
                       approved_fields: Collection[str] | None, policy: Any, evidence: Mapping[int, Any],
                       decisions: list[Any], now: datetime) -> dict[str, Any]:
        """The field table (snapshot, the CRM's values now, proposed, the reviewer's value, evidence),
        and the other pending changes to the same record and fields."""
        field_threshold = policy.field_confidence_threshold if policy else None
        crm_now: CrmNow | None = None
        if proposal.status in CRM_NOW_STATUSES and crm_configured():
            crm_now = crm_values_now(proposal)  # at most one SOQL query, cached for seconds
        now_values = crm_now.values if crm_now is not None else None
        fields = []
        for change in proposal.field_changes.all():
            proposed = shown(change.proposed_value)
            now_known = now_values is not None and change.field.lower() in now_values
            now_value = now_values.get(change.field.lower()) if now_known else None
            # What the push will compare the CRM's value with: the snapshot, or empty when never read.
            expected = change.before_value if change.before_captured_at is not None else None
            fields.append({
                "now": shown(now_value),
                "now_known": now_known,
                "drifted": now_known and differs(now_value, expected),
                "name": change.field,
                "before": shown(change.before_value),
                "before_known": change.before_captured_at is not None,
                "proposed": proposed,
                "input": typed_in.get(change.field, proposed),
                "ticked": approved_fields is None or change.field in approved_fields,
                "approved": shown(change.approved_value),
                "conflict": shown(change.conflict_value),
                "changed": change.before_captured_at is None or change.before_value != change.proposed_value,
                "confidence": change.confidence,
                "low": field_threshold is not None and change.confidence is not None
                and change.confidence < field_threshold,
                "decision": change.decision,
                # The entries naming the field, else those quoting its value: what the evidence check counts.
                "evidence": [evidence[index] for index in field_backing(proposal.evidence, change.field,
                                                                        change.proposed_value)],
            })
        overlaps = []
        if proposal.status not in TERMINAL:
            for overlap in crm_overlaps([proposal.pk]).get(proposal.pk, []):
                overlaps.append({"pk": overlap.proposal_id, "status": overlap.status_label, "fields": overlap.fields,
                                 "earlier": overlap.earlier, "url": self.review_path(overlap.proposal_id)})
        return {
            "fields": fields,
            "crm_now": crm_now,
            "crm_now_read_at": utc_moment(crm_now.read_at, now) if crm_now and crm_now.read_at else "",
            "snapshot_label": snapshot_label(list(proposal.field_changes.all()), decisions, now),
            "drifted": [field["name"] for field in fields if field["drifted"]],
            "overlaps": overlaps,
            "field_threshold": field_threshold,
        }

    def form_edits(self, post: Any, proposal: Any) -> dict[str, Any]:
        proposed = dict(CrmFieldChange.objects.filter(proposal_id=proposal.pk).values_list("field", "proposed_value"))
        return {name: typed(post[f"field:{name}"], value) for name, value in proposed.items() if f"field:{name}" in post}

    def form_decision(self, post: Any, proposal: Any) -> dict[str, Any]:
        field_decisions = None
        if post.get("field_decisions"):
            proposed = list(CrmFieldChange.objects.filter(proposal_id=proposal.pk).values_list("field", flat=True))
            approved = set(post.getlist("approve_field"))
            if not approved >= set(proposed):
                field_decisions = {name: name in approved for name in proposed}
        return {"field_decisions": field_decisions}

    def form_typed_back(self, post: Any) -> tuple[dict[str, Any], set[str] | None]:
        values = {key.removeprefix("field:"): value for key, value in post.items() if key.startswith("field:")}
        return values, set(post.getlist("approve_field")) if post.get("field_decisions") else None

    def execution_log(self, proposal: Any) -> dict[str, Any] | None:
        """Its pushes to Salesforce (``ExecutionAttempt``), newest first: the latest
        ``EXECUTION_LOG_SHOWN``, with the count of the rest; in one query."""
        rows = list(
            ExecutionAttempt.objects.filter(proposal_id=proposal.pk)
            .only("number", "request_kind", "started_at", "finished_at", "http_requests", "outcome", "error_code",
                  "error_message", "api_usage_used", "api_usage_max")
            .annotate(total=Window(Count("pk")))  # the count of all rows, in the same query
            .order_by("-started_at", "-pk")[:EXECUTION_LOG_SHOWN]
        )
        if not rows:
            return None
        return {"attempts": rows, "earlier": rows[0].total - len(rows)}
