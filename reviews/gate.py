"""The calibrated gate: given a policy and check results, where does a proposal go?

- A failed *hard* check blocks, whatever the mode.
- ``always_review``: everything else goes to a person.
- ``calibrated``: auto-approved when every check passed and the confidence clears the policy's
  thresholds (overall and per field), unless it needs two approvals or is drawn for audit.
- an email whose sender domain the complaint and bounce circuit breaker paused
  (``services/sender_health.py``) is never auto-approved: it goes to a person.
- ``log_only`` (reversible, low-stakes actions): executes ungated, soft check failures and all;
  they are logged with the approval. It is still sampled for audit, so its error rate stays
  measured. A log-only policy on an irreversible action is treated as calibrated.

A versioned output (one naming its ``agent_version``, ``prompt_version`` or ``model``) that would be
auto-approved goes to a person instead while its own version's record has not cleared the bound
(``reviews/versions.py``): but for a canary share of them (a stable draw of the record's id), let
through and marked so in the reason.

Audit sampling sends a share (``Policy.audit_sample_rate``) of what would be auto-approved to a
person; the draw is a stable hash of the record's id, so whether an item was sampled can be
re-derived later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .checks.evidence import confidence_shortfall
from .models import PolicyMode
from .state_machine import Status
from .versions import VersionStanding, canary_draw


@dataclass(frozen=True)
class GateVerdict:
    status: str
    reason: str
    sampled: bool = False


def audit_sample_draw(proposal_id: int) -> float:
    """A stable draw in [0, 1) per record, so whether an item was sampled can be re-derived later."""
    digest = hashlib.sha256(f"hitlcrm-audit-sample:{proposal_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def required_approvals(proposal: Any, policy: Any, fields: Iterable[str]) -> int:
    """Two when the policy asks for four eyes: always, for a listed CRM field, or at or above a
    risk level (``proposal.risk`` must already hold the policy's risk)."""
    if policy.required_approvals >= 2:
        return 2
    if set(fields) & set(policy.four_eyes_fields or []):
        return 2
    if policy.four_eyes_min_risk is not None and proposal.risk >= policy.four_eyes_min_risk:
        return 2
    return 1


def effective_mode(policy: Any) -> str:
    if policy.mode == PolicyMode.LOG_ONLY and not policy.reversible:
        return PolicyMode.CALIBRATED
    return policy.mode


def gate_decide(
    proposal: Any, policy: Any, results: Sequence[tuple[str, str, bool]], field_changes: Sequence[Any] = (),
    *, sender_paused: str = "", version: VersionStanding | None = None,
) -> GateVerdict:
    """``results`` are (name, severity, passed) triples of the checks that ran, severity as it
    applied to that outcome; ``field_changes`` the proposal's CRM field rows; ``sender_paused`` why
    the email's sender domain is paused (``services.sender_health.sender_pause_reason``), or "";
    ``version`` the record of the version that produced it (``services.metrics.version_standing``),
    None for an output that names no version (or when the version gate is off)."""
    hard = [name for name, severity, passed in results if not passed and severity == "hard"]
    if hard:
        return GateVerdict(Status.BLOCKED, f"hard check failed: {', '.join(hard)}")
    mode = effective_mode(policy)
    if mode == PolicyMode.ALWAYS_REVIEW:
        return GateVerdict(Status.NEEDS_REVIEW, "policy always requires review")
    if proposal.required_approvals > 1:
        return GateVerdict(Status.NEEDS_REVIEW, "two approvals required")
    failed = [name for name, _severity, passed in results if not passed]
    if mode == PolicyMode.CALIBRATED:
        if failed:
            return GateVerdict(Status.NEEDS_REVIEW, f"check failed: {', '.join(failed)}")
        # The threshold defines calibrated mode, so it holds even if the policy left the check out.
        shortfall = confidence_shortfall(proposal, policy, list(field_changes))
        if shortfall:
            return GateVerdict(Status.NEEDS_REVIEW, f"confidence: {shortfall[0]}")
    if sender_paused:
        # The complaint and bounce circuit breaker: while the sender domain is paused nothing of it is
        # auto-approved (a person may still approve; the executor then holds it until the resume).
        return GateVerdict(Status.NEEDS_REVIEW, sender_paused)
    canary = ""
    if version is not None and not version.cleared:
        # The policy's authority was earned by the versions reviewed so far, not by this one: a new
        # prompt or model is reviewed until its own record clears the bound (but for a canary share).
        # A record without an id (a preflight) is never drawn as a canary.
        if proposal.pk is None or canary_draw(proposal.pk) >= version.canary_share:
            return GateVerdict(Status.NEEDS_REVIEW, version.explanation())
        canary = f"; a canary of {version.progress()} (canary share {version.canary_share:.0%})"
    if audit_sample_draw(proposal.pk) < policy.audit_sample_rate:
        return GateVerdict(Status.NEEDS_REVIEW, "sampled for audit", sampled=True)
    if mode == PolicyMode.LOG_ONLY:
        noted = f"; soft checks failed: {', '.join(failed)}" if failed else ""
        return GateVerdict(Status.APPROVED, f"executed ungated by log-only policy {policy.label_and_version}"
                                            f"{noted}{canary}")
    return GateVerdict(Status.APPROVED, f"auto-approved by policy {policy.label_and_version}{canary}")


@dataclass(frozen=True)
class ThresholdNote:
    """One of a policy's confidence thresholds as the review page explains it: ``label`` and
    ``value``, what it does (``does``), and how it applied to the item (``applied``; ``outcome`` is
    ``clears``, ``under`` or ``off``, for its colour)."""

    key: str
    label: str
    value: float
    does: str
    applied: str
    outcome: str


def thresholds_explained(proposal: Any, policy: Any, field_changes: Sequence[Any] = (), *,
                         per_field: bool = False) -> list[ThresholdNote]:
    """The policy's confidence thresholds, each with what it does and how it applied to
    ``proposal``, as ``gate_decide`` and ``confidence_shortfall`` apply them: the overall one, and
    for a kind that writes CRM fields (``per_field``) the one each field must reach too.
    ``policy``: the policy as applied to the record (``Kind.policy_as_applied``)."""
    mode = effective_mode(policy)
    off = {
        PolicyMode.ALWAYS_REVIEW: "Off here: this policy sends every item to a person.",
        PolicyMode.LOG_ONLY: "Off here: a log-only policy executes its items without a person.",
    }.get(mode, "")
    threshold = policy.confidence_threshold
    if off:
        applied, outcome = off, "off"
    elif proposal.confidence is None:
        applied, outcome = "The agent gave no confidence: a person decides.", "under"
    elif proposal.confidence < threshold:
        applied, outcome = f"This item's {proposal.confidence:.2f} is under it: a person decides.", "under"
    else:
        applied, outcome = f"This item's {proposal.confidence:.2f} reaches it.", "clears"
    notes = [ThresholdNote(
        "confidence", "Auto-approval threshold", threshold,
        "Calibrated mode: an item passing every check with this overall confidence or more is approved "
        "without a person (but for the audit sample); the confidence check flags an item under it.",
        applied, outcome)]
    if per_field:
        field_threshold = policy.field_confidence_threshold
        # A field without its own confidence carries the overall one (confidence_shortfall).
        low = [change for change in field_changes if change.confidence is not None and change.confidence < field_threshold]
        if off:
            applied, outcome = off, "off"
        elif low:
            listed = ", ".join(f"{change.field} {change.confidence:.2f}" for change in low)
            applied, outcome = f"Under it: {listed}: a person decides.", "under"
        else:
            count = len(field_changes)
            applied = f"{'The field reaches' if count == 1 else f'All {count} fields reach'} it."
            outcome = "clears"
        notes.append(ThresholdNote(
            "field_confidence", "Field threshold", field_threshold,
            "Each changed field's own confidence must reach this too: one field under it sends the whole "
            "change to a person.", applied, outcome))
    return notes
