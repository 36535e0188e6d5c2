"""A project's own check, added by dotted path in HITLCRM_EXTRA_CHECKS (used by test_registry)."""

from __future__ import annotations

from typing import Any

from reviews.checks import Check, CheckContext, CheckOutcome


class NoCompetitorsCheck(Check):
    name = "no_competitors"
    severity = "soft"
    kinds = frozenset({"email_draft"})
    default = False

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        if "globex" in proposal.body.lower():
            return CheckOutcome(False, "Names a competitor (Globex)")
        return CheckOutcome(True, "Names no competitor")


class BrokenCheck(Check):
    name = "broken"
    default = False

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        raise RuntimeError("bug in a project's check")
