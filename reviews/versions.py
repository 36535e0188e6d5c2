"""Autonomy follows the agent's version.

A proposal may name what produced it: ``agent_version``, ``prompt_version`` and ``model`` (stored as
``agent_model``), the agent's own names, compared exactly. Each combination of the three is a
*version* with a record of its own: the gate metrics break down by it (reviews/services/metrics.py),
and the gate (reviews/gate.py) auto-approves a versioned output only once its own version, within
its task type, has at least ``HITLCRM_MIN_REVIEWS_TO_NARROW`` reviewed outputs whose error rate's
95% Wilson upper bound is under the policy's target: the same test the narrowing recommendation
uses, on that version's labels alone. Until then its outputs go to a person (but for a canary share,
``HITLCRM_NEW_VERSION_CANARY_SHARE``), so "we changed the prompt and quality fell" never rides on the
old version's record. Outputs that name no version are judged as before, on the policy alone.

Policies are kept per version too: a policy may be *scoped* to an agent version, a prompt version
and/or a model (blank: any), and the gate follows the most specific policy that matches an output
(:func:`scope_matches`, :func:`scope_precedence`; the rule is applied in ``reviews/selectors.py``).

Nothing here reads the database: :func:`reviews.services.metrics.version_standing` measures a
version, and this module says what the measure means.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The columns of a version, on proposals and metric roll-ups; the API calls the last one ``model``.
VERSION_FIELDS = ("agent_version", "prompt_version", "agent_model")
API_NAMES = ("agent_version", "prompt_version", "model")
LABELS = ("agent", "prompt", "model")
VersionKey = tuple[str, str, str]
UNVERSIONED: VersionKey = ("", "", "")
# An agent, prompt or model version: the agent's own name for it, compared exactly. No spaces or
# control characters, so it reads the same in the console, the metrics and a CSV export.
VERSION_NAME = r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,99}$"
VERSION_PROBLEM = ("Use letters, digits and . _ - + : / @ (no spaces), starting with a letter or digit, "
                   "at most 100 characters.")
# The order in which a policy's scope parts break a tie of specificity: a prompt is the finest thing
# an agent changes, a model the next, the agent's own release the coarsest (it may bundle both).
PRECEDENCE = ("prompt_version", "agent_model", "agent_version")


def version_of(source: Any) -> VersionKey:
    """The version of a proposal, a roll-up row or a values() dict."""
    if isinstance(source, Mapping):
        return tuple(source[name] or "" for name in VERSION_FIELDS)  # type: ignore[return-value]
    return tuple(getattr(source, name) or "" for name in VERSION_FIELDS)  # type: ignore[return-value]


def version_filter(version: VersionKey) -> dict[str, str]:
    """Keyword arguments of ``filter()`` that keep one version."""
    return dict(zip(VERSION_FIELDS, version, strict=True))


def version_label(version: VersionKey) -> str:
    """"prompt v7 · model gpt-4o": the parts it names; "no version given" for none."""
    parts = [f"{label} {value}" for label, value in zip(LABELS, version, strict=True) if value]
    return " · ".join(parts) if parts else "no version given"


def version_as_api(version: VersionKey) -> dict[str, str | None]:
    """The version as the API and the metrics name it (null for a part not given)."""
    return {name: value or None for name, value in zip(API_NAMES, version, strict=True)}


def scope_matches(scope: VersionKey, version: VersionKey) -> bool:
    """Whether a policy scoped to ``scope`` (blank parts: any) covers an output of ``version``."""
    return all(not wanted or wanted == given for wanted, given in zip(scope, version, strict=True))


def scope_precedence(scope: VersionKey) -> tuple[int, ...]:
    """How specific a scope is, greater first: how many parts it names, then (a tie) which, in the order
    of ``PRECEDENCE``. Two different policies of one task type that both cover an output never tie: the
    same parts named with the same values is the same scope, which a task type has once."""
    named = dict(zip(VERSION_FIELDS, (bool(part) for part in scope), strict=True))
    return (sum(named.values()), *(int(named[name]) for name in PRECEDENCE))


def scope_label(scope: VersionKey) -> str:
    """"prompt v7 · model gpt-4o" for a scoped policy; "any version" for one that names none."""
    return version_label(scope) if scope != UNVERSIONED else "any version"


def canary_draw(proposal_id: int) -> float:
    """A stable draw in [0, 1) per record, independent of the audit sample's, so whether a new version's
    output was let through as a canary can be re-derived later."""
    digest = hashlib.sha256(f"hitlcrm-version-canary:{proposal_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class VersionStanding:
    """A version's own record within a task type, as the gate and the metrics count it (the labels of
    reviewers below the quality floor left out)."""

    task_type: str
    version: VersionKey
    reviewed: int
    errors: int
    minimum: int
    target: float
    left_out: int = 0
    canary_share: float = 0.0

    @property
    def upper(self) -> float:
        from .services.metrics import wilson_upper  # the metrics import this module

        return wilson_upper(self.errors, self.reviewed)

    @property
    def cleared(self) -> bool:
        """Its own record clears the bound: its outputs may be auto-approved as the policy says."""
        return self.reviewed >= self.minimum and self.upper < self.target

    @property
    def label(self) -> str:
        return version_label(self.version)

    def progress(self) -> str:
        """Where its own record stands: "new version prompt v7: 12 of 500 reviewed"."""
        if self.cleared:
            return (f"version {self.label}: {self.reviewed} reviewed put its error rate's 95% upper bound at "
                    f"{self.upper:.1%}, under the target {self.target:.1%}")
        left_out = f" ({self.left_out} more left out: reviewers below the quality floor)" if self.left_out else ""
        if self.reviewed < self.minimum:
            return f"new version {self.label}: {self.reviewed} of {self.minimum} reviewed{left_out}"
        return (f"version {self.label}: {self.reviewed} reviewed{left_out} put its error rate's 95% upper bound at "
                f"{self.upper:.1%}, not under the target {self.target:.1%}")

    def explanation(self) -> str:
        """Why the version's outputs are (or are no longer) held for a person, in the gate's words."""
        if self.cleared:
            return self.progress()
        separator = ", " if self.reviewed < self.minimum else "; "
        return f"{self.progress()}{separator}under review until its own record clears the bound"

    def as_dict(self) -> dict[str, Any]:
        """What the audit event of the gate's decision records."""
        return {**version_as_api(self.version), "reviewed": self.reviewed, "errors": self.errors,
                "error_rate_upper_95": round(self.upper, 6) if self.reviewed else None, "minimum": self.minimum,
                "target": self.target, "left_out": self.left_out, "cleared": self.cleared,
                "canary_share": self.canary_share}
