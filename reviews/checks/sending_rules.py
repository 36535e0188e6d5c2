"""Checks of the sending rules (reviews/services/sending_rules.py): sender identification and postal
address, a recorded lawful basis where the policy requires one, and contact caps. All hard: they are
rules an email must meet, not judgments; the same rules are enforced again when the email is sent."""

from __future__ import annotations

from typing import Any

from ..services.sending_rules import (
    UNSUBSCRIBE_PLACEHOLDER,
    basis_summary,
    caps_message,
    caps_reached,
    footer_mode,
    footer_text,
    lawful_bases,
    sender_identity_problem,
)
from .base import HARD, SOFT, Check, CheckContext, CheckOutcome, registry


@registry.register
class SenderIdentityCheck(Check):
    """A configured sender identity and postal address (CAN-SPAM, CASL): appended as a footer by
    hitlcrm (``HITLCRM_FOOTER_MODE=append``), or present in the draft (``require``)."""

    name = "sender_identity"
    severity = HARD
    kinds = frozenset({"email_draft"})

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        problem = sender_identity_problem(proposal.body)
        if problem:
            return CheckOutcome(False, problem, {"footer_mode": footer_mode()})
        footer = footer_text(UNSUBSCRIBE_PLACEHOLDER)
        if footer:
            return CheckOutcome(True, "hitlcrm adds the sender identity, postal address and unsubscribe link",
                                {"footer_mode": footer_mode(), "footer": footer})
        return CheckOutcome(True, "The draft contains the sender identity and postal address",
                            {"footer_mode": footer_mode()})


@registry.register
class LawfulBasisCheck(Check):
    """Recipients in the policy's ``lawful_basis_regions`` need a recorded basis: consent (source and
    date) or legitimate interest (a note). Hard when one is known to be in such a country and has
    none; soft when the country is unknown (neither the draft nor the CRM record says), so a person
    looks."""

    name = "lawful_basis"
    severity = HARD
    kinds = frozenset({"email_draft"})

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        regions = context.policy.lawful_basis_regions or []
        rows = lawful_bases(proposal, context.policy, context.crm_record)
        details = {"regions": regions, "recipients": basis_summary(rows)}
        if not regions:
            return CheckOutcome(True, "The policy requires no recorded lawful basis", details)
        missing = [row for row in rows if row.required and not row.basis]
        if missing:
            who = ", ".join(f"{row.address} ({row.country})" for row in missing)
            return CheckOutcome(False, f"No lawful basis recorded for {who}: record consent (source, date) or "
                                       "legitimate interest (note)", details)
        unknown = [row for row in rows if row.required is None and not row.basis]
        if unknown:
            return CheckOutcome(False, f"Country unknown for {', '.join(row.address for row in unknown)}: check "
                                       f"whether a lawful basis is needed ({', '.join(regions)})", details,
                                severity=SOFT)
        recorded = [row for row in rows if row.basis]
        if not recorded:
            return CheckOutcome(True, "No recipient is in a country that requires a recorded lawful basis", details)
        kinds = sorted({str(row.basis.get("basis", "")).replace("_", " ") for row in recorded})
        return CheckOutcome(True, f"Lawful basis recorded: {', '.join(kinds)}", details)


@registry.register
class ContactCapsCheck(Check):
    """The policy's contact caps (``cap_per_account``, ``cap_per_person`` within ``cap_window_days``),
    counted across agents over approved and sent emails."""

    name = "contact_caps"
    severity = HARD
    kinds = frozenset({"email_draft"})

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        policy = context.policy
        if not (policy.cap_per_account or policy.cap_per_person):
            return CheckOutcome(True, "The policy sets no contact caps")
        reached = caps_reached(proposal, policy)
        details = {"window_days": policy.cap_window_days, "cap_per_account": policy.cap_per_account,
                   "cap_per_person": policy.cap_per_person,
                   "reached": [{"what": c.what, "name": c.name, "count": c.count, "cap": c.cap} for c in reached]}
        if reached:
            return CheckOutcome(False, f"Contact cap reached: {caps_message(reached, policy.cap_window_days)}", details)
        return CheckOutcome(True, f"Within the contact caps for the last {policy.cap_window_days} days", details)
