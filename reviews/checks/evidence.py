"""Checks of what backs a proposal: evidence with a source, and the agent's confidence."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .base import SOFT, Check, CheckContext, CheckOutcome, registry


def evidence_problems(evidence: Any) -> list[str]:
    """Why the evidence does not back the proposal, in words a reviewer reads; empty when it does.
    Every item needs a source and something to verify it by (a link or a quote)."""
    if not isinstance(evidence, list) or not evidence:
        return ["No evidence given: nothing backs the claims"]
    problems = []
    for number, item in enumerate(evidence, start=1):
        item = item if isinstance(item, dict) else {}
        source = str(item.get("source") or "").strip()
        url = str(item.get("url") or "").strip()
        quote = str(item.get("quote") or "").strip()
        label = f"Evidence {number}" + (f" ({source})" if source else "")
        if not source:
            problems.append(f"{label} names no source")
        if url and urlsplit(url).scheme not in ("http", "https"):
            problems.append(f"{label} has a link that is not http(s)")
        elif not url and not quote:
            problems.append(f"{label} has neither a link nor a quote to check it by")
    return problems


@registry.register
class EvidenceCheck(Check):
    """Every claim of an email, every value of a CRM change, is backed by evidence with a source
    and a link or quote. Soft: a person checks the claim instead."""

    name = "evidence"
    severity = SOFT

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        problems = evidence_problems(proposal.evidence)
        if problems:
            return CheckOutcome(False, "; ".join(problems[:3]), {"problems": problems})
        sources = ", ".join(dict.fromkeys(str(item["source"]) for item in proposal.evidence))
        return CheckOutcome(True, f"Backed by {len(proposal.evidence)} source(s): {sources}")


def confidence_shortfall(proposal: Any, policy: Any, field_changes: list[Any]) -> tuple[str, dict[str, Any]] | None:
    """Why a proposal's confidence does not clear the policy's thresholds (overall, and per field
    of a CRM change), or None when it does. The gate and the confidence check share it."""
    threshold = policy.confidence_threshold
    if proposal.confidence is None:
        return "The agent gave no confidence", {"threshold": threshold}
    if proposal.confidence < threshold:
        return (f"Confidence {proposal.confidence:.2f} is under the threshold {threshold:.2f}",
                {"confidence": proposal.confidence, "threshold": threshold})
    field_threshold = policy.field_confidence_threshold
    # A field without its own confidence carries the overall one, which cleared the bar above.
    low = {change.field: change.confidence for change in field_changes
           if change.confidence is not None and change.confidence < field_threshold}
    if low:
        listed = ", ".join(f"{name} {value:.2f}" for name, value in low.items())
        return (f"Low confidence for {listed} (field threshold {field_threshold:.2f})",
                {"fields": low, "field_threshold": field_threshold})
    return None


@registry.register
class ConfidenceCheck(Check):
    """The agent's confidence clears the policy's threshold, overall and for each CRM field.
    Soft: under the bar, a person decides."""

    name = "confidence"
    severity = SOFT

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        shortfall = confidence_shortfall(proposal, context.policy, context.field_changes)
        if shortfall:
            return CheckOutcome(False, *shortfall)
        threshold = context.policy.confidence_threshold
        return CheckOutcome(True, f"Confidence {proposal.confidence:.2f} clears {threshold:.2f}")
