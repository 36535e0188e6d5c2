"""Duplicate outreach: the same person emailed again within the policy's quiet period, or the
same draft submitted twice. It reads other proposals through ``OutreachKey`` (an index of each
draft's recipients and text, written at submission), so it costs index lookups, not scans."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from ..crm import normalise_id
from ..state_machine import Status
from .base import SOFT, Check, CheckContext, CheckOutcome, registry

# Drafts that will go out or may still: waiting, approved, sending, or failed (may be retried).
PENDING = (Status.CHECKING, Status.NEEDS_REVIEW)
OUTGOING = (Status.APPROVED, Status.EXECUTING, Status.DONE, Status.FAILED, Status.CONFLICT)
SHOWN = 5
# Rows read per check at most (newest first): enough to find what to show, whatever the history.
LOOKUP_LIMIT = 200


def _crm_key(crm_object: str, crm_id: str) -> str:
    return f"{crm_object}:{normalise_id(crm_id)}"


def _draft_key(subject: str, body: str) -> str:
    # Letter case and whitespace do not make a different draft.
    text = " ".join(f"{subject}\n{body}".split()).casefold()
    return hashlib.sha256(text.encode()).hexdigest()


ADDRESS, RECORD, DRAFT = "to:", "record:", "draft:"


def outreach_keys(proposal: Any) -> list[str]:
    """Keys of an email draft: each recipient address, its CRM record, its text."""
    keys = [ADDRESS + str(address).strip().lower() for address in proposal.recipients or []]
    if proposal.crm_object and proposal.crm_id:
        keys.append(RECORD + _crm_key(proposal.crm_object, proposal.crm_id))
    keys.append(DRAFT + _draft_key(proposal.subject or "", re.sub(r"\r\n?", "\n", proposal.body or "")))
    return list(dict.fromkeys(key[:300] for key in keys))


def outreach_keys_record(proposals: Iterable[Any]) -> None:
    """Index saved email drafts (idempotent: keys already there are left alone): the keys above, and
    the account keys the contact caps count (never looked up by this check)."""
    from ..kinds import kind_of
    from ..models.outreach import OutreachKey
    from ..services.sending_rules import account_keys

    rows = [OutreachKey(proposal=proposal, key=key)
            for proposal in proposals if kind_of(proposal).sends_email
            for key in outreach_keys(proposal) + account_keys(proposal)]
    OutreachKey.objects.bulk_create(rows, ignore_conflicts=True)


def _earlier_outreach(keys: list[str], proposal_id: int | None, since: datetime) -> list[tuple[int, str, str]]:
    """(proposal id, status, key) of other live drafts sharing a key, newest first. A golden item's
    source is no other draft to it (reviews/services/golden.py): they are one item, and the checks of
    a reviewer's edit of the copy must show what they would show on the agent's own.

    Plain SQL on purpose: this runs for every email checked, and building the same query through
    the ORM costs several times more than running it (see bench/bench_checks.py). One lookup on
    the key index joined to the proposal by primary key.
    """
    from ..models import GoldenItem, Proposal
    from ..models.outreach import OutreachKey

    quote = connection.ops.quote_name
    pending, outgoing = [str(s) for s in PENDING], [str(s) for s in OUTGOING]
    sql = (
        f"SELECT k.proposal_id, p.status, k.{quote('key')} "
        f"FROM {quote(OutreachKey._meta.db_table)} k JOIN {quote(Proposal._meta.db_table)} p ON p.id = k.proposal_id "
        f"WHERE k.{quote('key')} IN ({', '.join(['%s'] * len(keys))}) AND k.proposal_id <> %s "
        f"AND NOT EXISTS (SELECT 1 FROM {quote(GoldenItem._meta.db_table)} g "
        f"WHERE g.proposal_id = %s AND g.source_id = k.proposal_id) "
        f"AND (p.status IN ({', '.join(['%s'] * len(pending))}) "
        f"OR (p.status IN ({', '.join(['%s'] * len(outgoing))}) AND p.status_changed_at >= %s)) "
        f"ORDER BY p.status_changed_at DESC, k.proposal_id DESC LIMIT {LOOKUP_LIMIT}"
    )
    itself = proposal_id or 0
    params = [*keys, itself, itself, *pending, *outgoing, connection.ops.adapt_datetimefield_value(since)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1], row[2]) for row in cursor.fetchall()]


@registry.register
class DuplicateOutreachCheck(Check):
    """Another email to the same recipient (address or CRM record) sent or approved within
    ``Policy.quiet_period_days``, or waiting in the queue; or the same subject and body submitted
    before. Soft: a person decides whether the follow-up is wanted."""

    name = "duplicate_outreach"
    severity = SOFT
    kinds = frozenset({"email_draft"})

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        days = context.policy.quiet_period_days
        since = timezone.now() - timedelta(days=days)
        found: dict[int, dict[str, Any]] = {}
        for proposal_id, status, key in _earlier_outreach(outreach_keys(proposal), proposal.pk, since):
            entry = found.setdefault(proposal_id, {"id": proposal_id, "status": status, "same_draft": False})
            entry["same_draft"] |= key.startswith(DRAFT)
        earlier = list(found.values())[:SHOWN]
        if not earlier:
            return CheckOutcome(True, f"No other email to this recipient in the last {days} days")
        first = next((entry for entry in earlier if entry["same_draft"]), earlier[0])
        label = Status(first["status"]).label.lower()
        if first["same_draft"]:
            message = f"The same draft was already submitted as #{first['id']} ({label})"
        elif first["status"] in PENDING:
            message = f"Another email to this recipient is waiting: #{first['id']} ({label})"
        else:
            message = f"This recipient was emailed within the last {days} days: #{first['id']} ({label})"
        return CheckOutcome(False, message, {"earlier": earlier, "quiet_period_days": days})
