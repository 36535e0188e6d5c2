"""Checks against the CRM: field validity (describe metadata) and do-not-contact flags.

Both need data read from Salesforce before the checks run (``CheckContext.describe`` and
``crm_record``). When it could not be read, or Salesforce is not configured, they never pass
silently: they fail *soft*, saying what could not be checked, so a person looks instead.
"""

from __future__ import annotations

from typing import Any

from ..crm import field_problem, opted_out_reason
from .base import HARD, SOFT, Check, CheckContext, CheckOutcome, registry

OPT_OUT_FLAGS = ("HasOptedOutOfEmail",)
CALL_FLAGS = ("DoNotCall",)


def _unread(context: CheckContext, what: str) -> str:
    reason = context.crm_error or "Salesforce is not configured"
    return f"{what} could not be read ({reason})"


@registry.register
class FieldValidityCheck(Check):
    """Every proposed CRM value fits its field per the object's describe metadata: the field
    exists and is updateable, the value has the field's type, fits its length, and is one of a
    restricted picklist's values. Hard: Salesforce would refuse the write."""

    name = "field_validity"
    severity = HARD
    kinds = frozenset({"crm_change"})

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        if context.describe is None:
            return CheckOutcome(
                False, _unread(context, f"{proposal.crm_object} field metadata") + ": check types, lengths and "
                "picklist values by hand", {"unchecked": [c.field for c in context.field_changes]}, severity=SOFT,
            )
        problems = {}
        for change in context.field_changes:
            problem = field_problem(context.describe, change.field, change.proposed_value)
            if problem:
                problems[change.field] = {"code": problem[0], "message": problem[1]}
        if problems:
            return CheckOutcome(False, "; ".join(p["message"] for p in problems.values()), {"fields": problems})
        return CheckOutcome(True, f"All {len(context.field_changes)} field(s) valid for {proposal.crm_object}")


@registry.register
class DoNotContactCheck(Check):
    """Nobody in the CRM said "do not email" for a recipient: neither the record the email names
    (``HasOptedOutOfEmail``) nor any other Lead (converted ones too), Contact or Person Account holding
    a recipient's address (``context.crm_opt_outs``): hard. ``DoNotCall`` on the named record fails
    soft, so a reviewer makes sure the email proposes no call. Without a CRM record, or when it or the
    org-wide look-up could not be read, the opt-out is unknown: soft fail."""

    name = "do_not_contact"
    severity = HARD
    kinds = frozenset({"email_draft"})

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        named = self._named_record(proposal, context)
        if not named.passed and named.severity != SOFT:
            return named
        elsewhere = {address: records for address, records in (context.crm_opt_outs or {}).items() if records}
        if elsewhere:
            return CheckOutcome(False, opted_out_reason(elsewhere), {"opted_out": {
                address: [{"object": r.crm_object, "id": r.crm_id, "converted": r.converted} for r in records]
                for address, records in elsewhere.items()}})
        if context.crm_opt_outs_error:
            return CheckOutcome(False, f"Who else in the CRM holds the recipients' addresses could not be read "
                                f"({context.crm_opt_outs_error}): opt-out unknown", severity=SOFT)
        return named

    def _named_record(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        if not proposal.crm_id:
            return CheckOutcome(False, "No CRM record given for the recipient: opt-out could not be checked",
                                severity=SOFT)
        record = context.crm_record
        if record is None:
            return CheckOutcome(False, _unread(context, "CRM record") + ": opt-out unknown", severity=SOFT)
        known = [flag for flag in (*OPT_OUT_FLAGS, *CALL_FLAGS) if flag in record]
        if not any(flag in record for flag in OPT_OUT_FLAGS):
            return CheckOutcome(False, f"{proposal.crm_object} {proposal.crm_id} has no email opt-out flag to check",
                                {"read": known}, severity=SOFT)
        opted_out = [flag for flag in OPT_OUT_FLAGS if record.get(flag) is True]
        if opted_out:
            return CheckOutcome(False, f"The recipient opted out of email ({', '.join(opted_out)} in the CRM)",
                                {"flags": {flag: record.get(flag) for flag in known}})
        no_call = [flag for flag in CALL_FLAGS if record.get(flag) is True]
        if no_call:
            return CheckOutcome(False, "The recipient is marked Do Not Call: make sure the email proposes no call",
                                {"flags": {flag: record.get(flag) for flag in known}}, severity=SOFT)
        return CheckOutcome(True, "Recipient has not opted out", {"flags": {flag: record.get(flag) for flag in known}})
