"""Checks of what backs a proposal: evidence with a source, and the agent's confidence."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from .base import SOFT, Check, CheckContext, CheckOutcome, registry

# A proposed value shorter than this is not looked for in quotes: a one-character value ("A", "1")
# would be "found" in almost any sentence.
MIN_QUOTED_LENGTH = 2


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
        named = item.get("fields")
        if named is not None and (not isinstance(named, list) or not all(isinstance(n, str) and n for n in named)):
            problems.append(f"{label} names the fields it backs in a form that cannot be read")
    return problems


def linked_fields(item: Any) -> list[str]:
    """The CRM fields an evidence entry says it backs (its optional ``fields``); empty for an
    old-style entry, which backs whatever its quote says."""
    named = item.get("fields") if isinstance(item, dict) else None
    return [name for name in named if isinstance(name, str) and name] if isinstance(named, list) else []


def quotable(value: Any) -> str:
    """A proposed CRM value as the text a quote would contain; empty when there is nothing to look
    for (no value, a blank or one-character one, a boolean)."""
    if value is None or isinstance(value, bool):
        return ""
    text = (value if isinstance(value, str) else json.dumps(value)).strip()
    return text if len(text) >= MIN_QUOTED_LENGTH else ""


def field_backing(evidence: Any, name: str, value: Any) -> list[int]:
    """Positions in ``evidence`` of the entries that back one proposed CRM field: those naming it
    in ``fields`` (case-insensitive, as Salesforce field names are); when none does, the old-style
    entries (no ``fields``) whose quote contains the proposed value, case-insensitive. An entry that
    names its fields backs those and no others. The evidence check and the review page share this."""
    items = evidence if isinstance(evidence, list) else []
    wanted = name.lower()
    linked = [i for i, item in enumerate(items) if wanted in (n.lower() for n in linked_fields(item))]
    if linked:
        return linked
    text = quotable(value).lower()
    if not text:
        return []
    return [i for i, item in enumerate(items)
            if isinstance(item, dict) and not linked_fields(item) and text in str(item.get("quote") or "").lower()]


def unbacked_fields(evidence: Any, proposed: Iterable[tuple[str, Any]]) -> list[str]:
    """The proposed (field, value) pairs no evidence entry backs, by field name."""
    return [name for name, value in proposed if not field_backing(evidence, name, value)]


@registry.register
class EvidenceCheck(Check):
    """Every claim of an email, every value of a CRM change, is backed by evidence with a source
    and a link or quote. Soft, like every check of what backs a proposal: a person checks the claim
    instead, so a calibrated policy never auto-approves an unbacked value. (Hard would block the
    change outright, with nobody to confirm the value from the source; a log-only policy, which its
    owner keeps for reversible, low-stakes writes, executes soft failures by design and logs them.)

    For a CRM change, each proposed field must be backed (see :func:`field_backing`): by an entry
    naming it in ``fields``, or by an old-style entry (no ``fields``) quoting its value. A change with
    any field nothing backs fails, naming those fields: the review page shows "—" beside exactly
    these, because both ask :func:`field_backing`. (A quoted title does not back the department an
    agent inferred beside it: a person confirms that value or rejects the field.)
    """

    name = "evidence"
    severity = SOFT

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        problems = evidence_problems(proposal.evidence)
        if problems:
            return CheckOutcome(False, "; ".join(problems[:3]), {"problems": problems})
        sources = ", ".join(dict.fromkeys(str(item["source"]) for item in proposal.evidence))
        backed = f"Backed by {len(proposal.evidence)} source(s): {sources}"
        if not context.field_changes:  # what the record proposes field by field (a CRM change's values)
            return CheckOutcome(True, backed)
        proposed = [(change.field, change.proposed_value) for change in context.field_changes]
        unbacked = unbacked_fields(proposal.evidence, proposed)
        if not unbacked:
            return CheckOutcome(True, backed)
        listed = ", ".join(unbacked)
        return CheckOutcome(False, f"No evidence backs {listed}: no source names it or quotes its value",
                            {"unbacked_fields": unbacked})


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
