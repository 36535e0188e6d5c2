"""The approved-changes feed for external integrations, and their report of what they executed.

Which executor writes a CRM object is configured per object (``CrmObjectRule.executor``); the
built-in Salesforce push skips objects marked ``external`` and this feed shows only those, so no
change is executed by both.

The feed's order is the sequence number of the audit event that approved each change. Audit
appends serialise on the chain head's row lock, held until the approving transaction commits, so
sequence numbers become visible in increasing order: a reader that remembers the last cursor it
saw can never miss a change that committed late (a timestamp or an id could). A change approved
again (after a failure was retried) gets a new, later position and shows up again.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ..audit_actions import AuditAction
from ..executors import Outcome
from ..kinds import kind_of, kind_values
from ..models import AuditEvent, Execution, ExecutionState, Proposal
from ..selectors import externally_executed_objects
from ..state_machine import IllegalTransition, Status
from .actors import Actor
from .execution import executions_record
from .execution_transitions import execution_transition
from .transitions import proposal_lock, proposal_transition

# What an integration may see: changes from their approval on.
FEED_STATUSES = (Status.APPROVED, Status.EXECUTING, Status.DONE, Status.FAILED, Status.CONFLICT)
EXTERNAL_EXECUTOR = "external"


class InvalidCursor(ValueError):
    """The ``after`` value is not a cursor this feed issued."""


def cursor_encode(seq: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, seq = raw.split(":")
        if version != "v1" or not seq.isdigit():
            raise ValueError(raw)
        return int(seq)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise InvalidCursor("not a cursor this feed issued") from exc


def approval_seq() -> Subquery:
    """The sequence number of the audit event of the record's latest approval."""
    return Subquery(
        AuditEvent.objects.filter(proposal_id_ref=OuterRef("pk"), data__to=Status.APPROVED)
        .order_by("-seq").values("seq")[:1]
    )


def feed_visible(base: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What integrations may see: records of the kinds they may execute (``Kind.externally_executable``)
    whose CRM object is executed externally, from their approval on, annotated with ``feed_seq`` (the
    position in the feed)."""
    return (
        base.filter(kind__in=kind_values(externally_executable=True), crm_object__in=externally_executed_objects(),
                    status__in=FEED_STATUSES, golden_item__isnull=True)  # golden items are never executed
        .annotate(feed_seq=approval_seq())
        .filter(feed_seq__isnull=False)
    )


def feed_order(visible: QuerySet[Proposal], *, status: str | None = None, after: str | None = None) -> QuerySet[Proposal]:
    """The feed (of a :func:`feed_visible` queryset) in approval order, after the ``after`` cursor.
    ``status`` defaults to ``approved``; approved changes appear once their undo grace period is over."""
    status = status or Status.APPROVED
    queryset = visible.filter(status=status)
    if status == Status.APPROVED:
        queryset = queryset.filter(Q(execute_after__isnull=True) | Q(execute_after__lte=timezone.now()))
    if after:
        queryset = queryset.filter(feed_seq__gt=cursor_decode(after))
    return queryset.order_by("feed_seq", "pk")


def proposal_mark_executed(
    *, proposal_id: int, actor: Actor, success: bool, external_id: str = "", error: str = ""
) -> tuple[Proposal, bool]:
    """An integration reports the result of executing an approved change. Returns (record, changed).

    The record moves approved → executing → done | failed in one transaction, through the same
    state machine and outcome recording as the built-in push. Reporting the same result again is
    a no-op (``changed`` is False); a different result for a change already reported, or a report
    for a change not (or not yet) approved, raises :class:`IllegalTransition` saying why.
    """
    target = Status.DONE if success else Status.FAILED
    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        if not kind_of(proposal).externally_executable or proposal.crm_object not in externally_executed_objects():
            raise IllegalTransition(proposal.status, target, "this change is executed by the built-in Salesforce "
                                                             "push, not by an integration")
        execution = Execution.objects.filter(proposal=proposal).first()
        if proposal.status in (Status.DONE, Status.FAILED) and execution and execution.executor == EXTERNAL_EXECUTOR:
            if _same_report(proposal, execution, success=success, external_id=external_id, error=error):
                return proposal, False
            raise IllegalTransition(
                proposal.status, target,
                f"the result was already reported as {proposal.status}"
                + (f" (external id {execution.provider_id})" if execution.provider_id else "")
                + "; a different result cannot replace it",
            )
        if proposal.status != Status.APPROVED:
            raise IllegalTransition(proposal.status, target,
                                    f"cannot report an execution: the change is {proposal.status}, not approved")
        now = timezone.now()
        if proposal.execute_after and proposal.execute_after > now:
            raise IllegalTransition(proposal.status, target, "cannot report an execution yet: the approval can still "
                                                             f"be undone until {proposal.execute_after.isoformat()}")
        execution = execution or Execution(proposal=proposal)
        execution.attempts += 1
        execution.started_at = now
        execution.executor = EXTERNAL_EXECUTOR
        execution_transition(execution, ExecutionState.IN_PROGRESS, update_fields=["attempts", "started_at", "executor"])
        proposal_transition(proposal, Status.EXECUTING, actor=actor, action=AuditAction.EXECUTING,
                            data={"executor": EXTERNAL_EXECUTOR})
        report: dict[str, Any] = {"reported_by": actor.name, "success": success}
        executions_record({proposal.pk: Outcome(
            status=target, message=error if not success else "", error_code="" if success else "integration_error",
            provider_id=external_id, response=report,
        )}, actor=actor)
    proposal.refresh_from_db()
    return proposal, True


def _same_report(proposal: Proposal, execution: Execution, *, success: bool, external_id: str, error: str) -> bool:
    if (proposal.status == Status.DONE) != success:
        return False
    if external_id and external_id != execution.provider_id:
        return False
    return success or not error or error == execution.last_error
