"""The one JSON shape of a record: what agents and integrations get from the API and what decision
webhooks carry (``services.webhooks``). Both build it here, so the two can never differ."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from .kinds import kind_of
from .models import CheckResult, CrmFieldChange, Proposal
from .services.feedback import edits_diff, output_edits
from .versions import version_as_api, version_of


def proposal_queryset() -> QuerySet[Proposal]:
    """Records with everything :func:`proposal_as_api` reads, in a fixed number of queries."""
    return Proposal.objects.select_related("decided_by", "execution").prefetch_related(
        Prefetch("check_results", queryset=CheckResult.objects.order_by("passed", "name")),
        Prefetch("field_changes", queryset=CrmFieldChange.objects.order_by("pk")),
    )


def proposal_as_api(
    proposal: Proposal, *, detail: bool = True, new_field_changes: list[CrmFieldChange] | None = None
) -> dict[str, Any]:
    """The record as agents, integrations and webhooks see it (SPEC "HTTP API").

    ``new_field_changes``: for a record this request just stored, its field rows; it then has no
    checks, decision or execution yet, and nothing is read from the database.
    """
    new = new_field_changes is not None
    data: dict[str, Any] = {
        "id": proposal.pk,
        "kind": proposal.kind,
        "status": proposal.status,
        "task_type": proposal.task_type,
        "confidence": proposal.confidence,
        "external_ref": proposal.external_ref,
        "crm_object": proposal.crm_object or None,
        "crm_id": proposal.crm_id or None,
        "submitted_at": proposal.submitted_at,
        **version_as_api(version_of(proposal)),  # agent_version, prompt_version, model (null if not given)
        "checks": [
            {"name": r.name, "passed": r.passed, "severity": r.severity, "message": r.message}
            for r in ([] if new else proposal.check_results.all())
        ],
        "decision": _decision(proposal) if proposal.decision_action else None,
        "review_url": proposal.review_url(),  # no URL reversal per record (Kind.review_path)
    }
    if detail:
        execution = None if new else getattr(proposal, "execution", None)  # a missing one raises AttributeError
        data["original"] = proposal.original_output
        data["final"] = proposal.final_output
        data["execution"] = execution.as_api() if execution else None
        data.update(kind_of(proposal).api_record_parts(proposal, new_field_changes=new_field_changes))
    return data


def _decision(proposal: Proposal) -> dict[str, Any]:
    """Who decided, why, and what they changed: what an agent needs to act on a rejection or an edit."""
    edits = output_edits(proposal)
    return {"action": proposal.decision_action, "at": proposal.decided_at,
            "by": proposal.decided_by.get_username() if proposal.decided_by_id else None,
            "reason_code": proposal.reason_code or None, "note": proposal.decision_note or None,
            "edits": edits, "diff": edits_diff(edits)}
