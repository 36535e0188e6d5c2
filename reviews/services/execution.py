"""Use case: execute approved records (write the CRM, send the email), exactly once in effect.

What carries a record out is its executor (``reviews/executors``: the port, and the registry that
picks one per record); this module is the same for every executor and asks it, not the record's
kind, whatever differs. Three phases, so no network call happens while a row lock is held and no
side effect can repeat:

1. *claim*: under row locks, due ``approved`` records move to ``executing`` and their Execution
   to ``in_progress`` (a few queries for the whole batch, plus each record's transition); a
   redelivered task finds them already claimed and does nothing. An executor may hold some back
   (``Executor.hold``: a send window, an earlier change to the same field), be paused (nothing of
   it is claimed), or be batched (a claim takes its other due records along).
2. *act*: the side effects, one ``Executor.execute`` call per executor for its claimed records.
3. *record*: each outcome moves its record to ``done``, ``failed`` or ``conflict``, or gives it back
   for a retry after a backoff (the executor's ``retry_policy``), failing it once the transient
   failures have gone on too long; an executor whose side effect must happen at most once records
   each outcome itself, the moment it knows it.

A worker that dies in phase 2 leaves ``in_progress`` behind; the sweeper
(:func:`executions_recover_stale`) makes it pending again, to be repeated, unless its executor is
at-most-once and the side effect had started (``Executor.send_started``): then its outcome is
"unknown", for a person, never repeated blindly.

Execution states change only through ``execution_transitions`` (the execution state machine).
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..canonical import DIGEST_ALGORITHM, NotCanonicalizable, payload_digest
from ..executors import (
    Claim,
    Executor,
    Outcome,
    RetryPolicy,
    all_executors,
    executor_classes,
    executor_for,
    executor_name_for,
    executor_named,
    executor_of,
    kinds_executed_by,
)
from ..models import Decision, Execution, ExecutionState, Proposal
from ..state_machine import IllegalTransition, Status
from .actors import Actor
from .audit import audit_record
from .execution_transitions import executions_transition, executions_transition_where
from .golden import golden_items_retire
from .transitions import proposals_transition

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("executor")

# Outcomes recorded per transaction.
RECORD_CHUNK = 200
# The audit action of each final outcome; REFUSED: approve A, execute A refused what was about to be sent.
REFUSED = "refused"
ACTIONS = {Status.DONE: "executed", Status.FAILED: "execution_failed", Status.CONFLICT: "conflict",
           REFUSED: "execution_refused"}
EXECUTION_STATES = {Status.DONE: ExecutionState.SUCCEEDED, Status.FAILED: ExecutionState.FAILED,
                    Status.CONFLICT: ExecutionState.CONFLICT}


def _executors_of(proposals: list[Proposal]) -> dict[str, tuple[Executor, list[Proposal]]]:
    """``proposals`` grouped by their executor (``registry.executor_for``), in the order of
    ``HITLCRM_EXECUTORS``."""
    grouped: dict[str, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        grouped[executor_name_for(proposal.kind)].append(proposal)
    order = list(executor_classes())
    return {name: (executor_named(name), grouped[name])
            for name in sorted(grouped, key=lambda name: order.index(name) if name in order else len(order))}


# --- retries ----------------------------------------------------------------------------------------

def execution_retry_delay(failures: int, policy: RetryPolicy) -> float:
    """Seconds to wait after ``failures`` transient failures in a row: ``base * 2**(failures - 1)``,
    capped, with "equal jitter" (half fixed, half uniform): workers that failed together spread out,
    and no retry comes sooner than half the backoff."""
    cap = max(min(policy.backoff_max_seconds, policy.backoff_seconds * 2 ** max(failures - 1, 0)), 0.0)
    return cap / 2 + random.uniform(0, cap / 2)  # noqa: S311  (jitter, not security)


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


def executions_retry_in(proposal_ids: list[int] | None = None) -> float:
    """Seconds until the earliest execution waiting for a retry (of ``proposal_ids``, or any) may be
    tried again (0: now). The execute task uses it as its retry countdown, so the database holds the
    only schedule; a batched executor takes every due record along, so "any" serves a task whose
    batch included records it was not given."""
    waiting = Execution.objects.filter(state=ExecutionState.PENDING, retry_after__isnull=False)
    if proposal_ids is not None:
        waiting = waiting.filter(proposal_id__in=proposal_ids)
    earliest = waiting.order_by("retry_after").values_list("retry_after", flat=True).first()
    return max((earliest - timezone.now()).total_seconds(), 0.0) if earliest else 0.0


def executions_next_retry() -> tuple[list[int], float]:
    """The records waiting for a retry after a backoff (their proposal ids) and the seconds until the
    first of them may be tried again (0: now); ``([], 0.0)`` when none waits."""
    waiting = list(Execution.objects.filter(state=ExecutionState.PENDING, retry_after__isnull=False)
                   .order_by("retry_after").values_list("proposal_id", "retry_after"))
    if not waiting:
        return [], 0.0
    return [proposal_id for proposal_id, _ in waiting], max((waiting[0][1] - timezone.now()).total_seconds(), 0.0)


def _retry_due(now: datetime) -> Q:
    return Q(execution__retry_after__isnull=True) | Q(execution__retry_after__lte=now)


# --- phase 1: claim ---------------------------------------------------------------------------------

def proposals_claim_for_execution(proposal_ids: list[int], *, executors: list[str] | None = None) -> list[Proposal]:
    """Phase 1: claim what is due among ``proposal_ids`` (of the ``executors`` named, or of any)."""
    now = timezone.now()
    claimed: list[Proposal] = []
    with transaction.atomic():
        locked = list(Proposal.objects.filter(pk__in=proposal_ids).select_related("agent").select_for_decision())
        # A golden item's approval was a reviewer's answer to a known-answer test: never executed.
        locked = golden_items_retire(locked, now=now)
        executions = {
            execution.proposal_id: execution
            for execution in Execution.objects.locked().filter(proposal_id__in=[p.pk for p in locked])
        }
        held: set[int] = set()
        for name, (executor, group) in _executors_of(locked).items():
            if executors is not None and name not in executors:
                held |= {proposal.pk for proposal in group}  # paused, or its batch is not ripe yet
            else:
                held |= executor.hold(group, now=now)
        starting: list[Proposal] = []
        moves: list[tuple[Execution, str]] = []
        for proposal in locked:
            if proposal.pk in held:
                continue
            execution = executions.get(proposal.pk)
            if proposal.status == Status.APPROVED and (proposal.execute_after or now) <= now:
                starting.append(proposal)
            elif not (proposal.status == Status.EXECUTING and execution is not None
                      and execution.state == ExecutionState.PENDING
                      and (execution.retry_after is None or execution.retry_after <= now)):
                continue
            if execution is None:
                execution = executions[proposal.pk] = Execution(proposal=proposal)
            execution.attempts += 1
            execution.started_at = now
            execution.retry_after = None
            execution.executor = executor_name_for(proposal.kind)
            moves.append((execution, ExecutionState.IN_PROGRESS))
            claimed.append(proposal)
        proposals_transition(starting, Status.EXECUTING, actor=SYSTEM, action="executing")
        executions_transition(moves, update_fields=["attempts", "started_at", "retry_after", "executor"])
    return claimed


def executions_due(limit: int = 1000, *, executor: str | None = None) -> list[int]:
    """Approved records whose grace period is over, and executions waiting for a retry that is due
    (of ``executor``'s kinds, or all); those that wait for an earlier record are left out."""
    now = timezone.now()
    queryset = Proposal.objects.filter(
        Q(status=Status.APPROVED, execute_after__lte=now)
        | (Q(status=Status.EXECUTING, execution__state=ExecutionState.PENDING) & _retry_due(now))
    )
    if executor:
        queryset = queryset.filter(kind__in=kinds_executed_by(executor))
    due = list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])
    waiting: set[int] = set()
    for one in ([executor_named(executor)] if executor else all_executors()):
        waiting |= one.waiting(due)  # they go when the earlier record they wait for has finished
    return [pk for pk in due if pk not in waiting]


def _batch_due(executor: Executor, *, limit: int, exclude: set[int]) -> list[int]:
    """Due records of a batched ``executor`` (as :func:`executions_due` defines it) its batch can take along."""
    if limit <= 0:
        return []
    return [pk for pk in executions_due(limit=limit + len(exclude), executor=executor.name)
            if pk not in exclude][:limit]


def _batch_ripe(executor: Executor, proposal_ids: list[int]) -> bool:
    """Whether a batched executor's batch of due records should go now: one of ``proposal_ids`` is
    an approved record of it whose grace period ended ``coalesce_seconds`` ago or more (its own task,
    scheduled that late, or the sweeper's), or a retry that is due. A task for a record already
    executed with an earlier batch does not send the few that became due since: they wait for the
    task of the first of them, and go together (approvals one after another cost a batch per
    window, not one each)."""
    coalesce = executor.coalesce_seconds()
    if coalesce <= 0:
        return True
    now = timezone.now()
    ripe = (Q(status=Status.APPROVED) & (Q(execute_after__isnull=True)
                                         | Q(execute_after__lte=now - timedelta(seconds=coalesce)))
            | Q(status=Status.EXECUTING, execution__state=ExecutionState.PENDING) & _retry_due(now))
    return Proposal.objects.filter(ripe, pk__in=proposal_ids, kind__in=kinds_executed_by(executor.name)).exists()


# --- the use case -----------------------------------------------------------------------------------

def proposals_execute(*, proposal_ids: list[int]) -> dict[int, Outcome]:
    """Execute the due records among ``proposal_ids``; returns each claimed record's outcome.

    A batched executor's other due records join its batch (up to its ``max_batch``), unless it is
    paused. Raises an executor's error after recording everything else when a batch must be retried
    (one of its ``transient_errors``: the task retries it after :func:`executions_retry_in`; another,
    a configuration error: the sweeper does).

    A record may wait for an earlier one (``Executor.waiting``: a CRM change while an earlier change
    to the same record and field is unfinished); once the earlier one's outcome is recorded, the
    approved records that waited for it are executed next, in submission order (``Executor.following``),
    each checked against what the other side holds by then.
    """
    outcomes: dict[int, Outcome] = {}
    while proposal_ids:
        executed = _proposals_execute_once(proposal_ids)
        outcomes.update(executed)
        finished = [pk for pk, outcome in executed.items() if outcome.status]
        following: list[int] = []
        if finished:
            for executor in all_executors():
                following += executor.following(finished)
        proposal_ids = [pk for pk in dict.fromkeys(following) if pk not in outcomes]
    return outcomes


def _proposals_execute_once(proposal_ids: list[int]) -> dict[int, Outcome]:
    wanted = list(dict.fromkeys(proposal_ids))
    kinds = sorted(set(Proposal.objects.filter(pk__in=wanted).values_list("kind", flat=True)))
    ready: list[str] = []
    for name in dict.fromkeys(executor_name_for(kind) for kind in kinds):
        executor = executor_named(name)
        if executor.paused():
            continue
        if executor.batched:
            # Not yet: no record of it here has waited ``coalesce_seconds`` past its grace period;
            # the first one that has triggers the batch that takes the others along.
            if not _batch_ripe(executor, wanted):
                continue
            wanted += _batch_due(executor, limit=executor.max_batch - len(wanted), exclude=set(wanted))
        ready.append(name)
    claimed = proposals_claim_for_execution(wanted, executors=ready)
    if not claimed:
        return {}
    claims = {
        proposal_id: Claim(execution_id, attempt)
        for proposal_id, execution_id, attempt in Execution.objects.filter(proposal__in=claimed)
        .values_list("proposal_id", "pk", "attempts")
    }
    outcomes: dict[int, Outcome] = {}
    error: Exception | None = None
    for executor, group in _executors_of(claimed).values():
        attempts = {proposal.pk: claims[proposal.pk].attempt for proposal in group}
        report = executor.execute(group, claims={proposal.pk: claims[proposal.pk] for proposal in group})
        if not report.recorded:
            executions_record(report.outcomes, claims=attempts)
        released = executions_release(report.retry, claims=attempts, paused=report.paused,
                                      policy=executor.retry_policy())
        outcomes.update(report.outcomes)
        outcomes.update(released)
        if (report.error is not None and not report.paused and error is None
                and any(not outcome.status for outcome in released.values())):
            error = report.error
    if error is not None:
        raise error
    return outcomes


# --- phase 2: an at-most-once side effect's mark -------------------------------------------------------

def execution_mark_started(proposal_id: int, *, attempt: int, details: dict[str, object] | None = None) -> bool:
    """Record, committed before an at-most-once side effect begins, that the claimed ``attempt`` got
    as far as it (on the execution's ``response``, until an outcome replaces it): a worker that dies
    after this leaves an "unknown" outcome for a person (``executions_recover_stale``), never a
    repeat. False, marking nothing, when the execution is no longer this attempt's (the claim moved
    on): the caller must not act."""
    mark = {"started_attempt": attempt, **(details or {})}
    with transaction.atomic():
        return bool(Execution.objects.filter(proposal_id=proposal_id, state=ExecutionState.IN_PROGRESS,
                                             attempts=attempt).update(response=mark))


def execution_started(execution: Execution) -> bool:
    """Whether the execution's current attempt was marked by :func:`execution_mark_started`."""
    return isinstance(execution.response, dict) and execution.response.get("started_attempt") == execution.attempts


# --- phase 2: approve A, execute A ---------------------------------------------------------------------

def execution_payloads_verify(payloads: Mapping[int, Any]) -> dict[int, Outcome]:
    """Approve A, execute A (docs/gate.md): compare the digest of what an executor is about to send
    (``payloads``: proposal id -> the payload, in its kind's ``Kind.execution_payload`` shape, built
    from what will really be sent) with the digest the approval recorded. Returns a refusal for each
    record that differs (error code ``payload_digest_mismatch``), or whose approval recorded none
    (``payload_digest_missing``: approved before digests were recorded, or the digest was erased), to
    be reported as its outcome: nothing of it may be sent. Records that match are absent. One query
    for the batch."""
    if not payloads:
        return {}
    approvals: dict[int, Decision] = {}
    for decision in (Decision.objects.live().filter(proposal_id__in=list(payloads)).exclude(payload_digest="")
                     .order_by("proposal_id", "created_at", "pk")):
        approvals[decision.proposal_id] = decision  # the latest live approval that recorded one
    refusals: dict[int, Outcome] = {}
    for proposal_id, payload in payloads.items():
        approval = approvals.get(proposal_id)
        try:
            executing = payload_digest(payload)
        except NotCanonicalizable as exc:
            executing = f"none ({exc})"
        code = "payload_digest_mismatch"
        if approval is None:
            code = "payload_digest_missing"
            message = (f"refused: no approval of #{proposal_id} recorded the digest of its payload, so what would be "
                       f"sent (digest {executing}) cannot be shown to be what was approved; nothing was sent. "
                       f"Approve it again to send it.")
        elif approval.payload_digest != executing:
            message = (f"refused: what would be sent is not what approval {approval.pk} approved (approved "
                       f"{DIGEST_ALGORITHM} digest {approval.payload_digest}, about to send {executing}); nothing "
                       f"was sent. The stored payload changed after the approval: find out why; approving it again "
                       f"approves the record as its review page shows it.")
        else:
            continue
        refusals[proposal_id] = Outcome(
            Status.FAILED, message=message, error_code=code, refused=True,
            response={"approval": approval.pk if approval else None,
                      "approved_digest": approval.payload_digest if approval else None, "executing_digest": executing})
        logger.warning("execution of #%s %s", proposal_id, message)
    return refusals


# --- phase 3: record --------------------------------------------------------------------------------

def executions_release(outcomes: dict[int, Outcome], *, claims: dict[int, int] | None = None,
                       paused: bool = False, policy: RetryPolicy | None = None) -> dict[int, Outcome]:
    """Give claimed executions back for a retry after a transient failure (``outcomes`` with an
    empty status): pending again after a backoff, or ``failed`` with the last error once the
    ``policy``'s ``max_attempts`` failures came in a row over at least its ``give_up_after`` (so an
    org's maintenance window or a row locked for an hour is waited out, not failed after minutes).
    ``claims`` as in :func:`executions_record`. The records of one batch share one retry time, so
    they are retried together, in one batch again. ``paused``: the failure was the other side's, not
    the records' (the executor is paused): pending again with no failure counted, retried when the
    pause ends. Returns what became of each: its outcome (empty status: it will be retried), or the
    failure."""
    if not outcomes:
        return {}
    if paused:
        with transaction.atomic():
            pending = [execution.pk for execution in Execution.objects.locked().filter(
                proposal_id__in=list(outcomes), state=ExecutionState.IN_PROGRESS)
                if claims is None or claims.get(execution.proposal_id) == execution.attempts]
            first = next(iter(outcomes.values()))
            executions_transition_where(
                Execution.objects.filter(pk__in=pending), ExecutionState.PENDING, retry_after=None,
                error_code=first.error_code[:80],
                last_error=(f"{first.error_code}: {first.message}" if first.error_code else first.message)[:2000])
        return dict(outcomes)
    if policy is None:
        raise ValueError("an executor that gives records back for a retry must have a retry_policy()")
    give_up_after = timedelta(seconds=policy.give_up_after)
    now = timezone.now()
    given_up: dict[int, Outcome] = {}
    retrying: list[Execution] = []
    with transaction.atomic():
        for execution in Execution.objects.locked().filter(
            proposal_id__in=list(outcomes), state=ExecutionState.IN_PROGRESS
        ):
            if claims is not None and claims.get(execution.proposal_id) != execution.attempts:
                continue  # claimed again by another worker meanwhile: its result stands
            outcome = outcomes[execution.proposal_id]
            execution.transient_failures += 1
            failing_for = now - (execution.failing_since or now)
            if execution.transient_failures >= policy.max_attempts and failing_for >= give_up_after:
                given_up[execution.proposal_id] = Outcome(
                    Status.FAILED, error_code=outcome.error_code,
                    message=f"{outcome.message} (gave up after {execution.transient_failures} attempts in a row "
                            f"over {_duration(failing_for)})",
                    response=outcome.response,
                )
                continue
            execution.last_error = (f"{outcome.error_code}: {outcome.message}" if outcome.error_code
                                    else outcome.message)[:2000]
            execution.error_code = outcome.error_code[:80]
            retrying.append(execution)
        if retrying:
            delay = execution_retry_delay(max(execution.transient_failures for execution in retrying), policy)
            asked = max((outcomes[execution.proposal_id].retry_after or 0.0) for execution in retrying)
            delay = max(delay, min(asked, policy.backoff_max_seconds))
            retry_after = timezone.now() + timedelta(seconds=delay)
            groups: dict[tuple[str, str], list[int]] = defaultdict(list)  # one error for a whole request, mostly
            for execution in retrying:
                execution.retry_after = retry_after
                groups[(execution.last_error, execution.error_code)].append(execution.pk)
            for (last_error, error_code), pks in groups.items():
                executions_transition_where(
                    Execution.objects.filter(pk__in=pks), ExecutionState.PENDING,
                    transient_failures=F("transient_failures") + 1, last_error=last_error, error_code=error_code,
                    retry_after=retry_after,
                    failing_since=Coalesce(F("failing_since"), Value(now, output_field=DateTimeField())))
    executions_record(given_up, claims=claims)
    return {**{execution.proposal_id: outcomes[execution.proposal_id] for execution in retrying}, **given_up}


def executions_record(outcomes: dict[int, Outcome], *, actor: Actor = SYSTEM,
                      claims: dict[int, int] | None = None) -> None:
    """Phase 3: record each outcome and move its record to ``done``, ``failed`` or ``conflict``.

    A transaction per ``RECORD_CHUNK`` records, each written in a few statements (one UPDATE, history
    insert and audit append per kind of move). If one record spoils its chunk (it may not move any
    more, or the database refuses it), the chunk is recorded again record by record, so the others'
    results stand, and that record's error is raised. ``actor`` is who executed: the built-in
    executor, or an integration reporting its result. ``claims`` (proposal id -> the attempt number
    this worker claimed) skips records another worker claimed since (the sweeper resumed them):
    that worker records their outcome."""
    ids = sorted(outcomes)
    for start in range(0, len(ids), RECORD_CHUNK):
        chunk = {pk: outcomes[pk] for pk in ids[start:start + RECORD_CHUNK]}
        try:
            _record_chunk(chunk, actor=actor, claims=claims)
        except (IllegalTransition, DatabaseError):
            if len(chunk) == 1:
                raise
            errors = []
            for pk, outcome in chunk.items():
                try:
                    _record_chunk({pk: outcome}, actor=actor, claims=claims)
                except (IllegalTransition, DatabaseError) as exc:
                    logger.exception("could not record the execution outcome of #%s", pk)
                    errors.append(exc)
            if errors:
                raise errors[0] from None


def _record_chunk(outcomes: dict[int, Outcome], *, actor: Actor, claims: dict[int, int] | None) -> None:
    now = timezone.now()
    with transaction.atomic():
        ids = list(outcomes)
        proposals = {p.pk: p for p in Proposal.objects.filter(pk__in=ids).select_related("agent").select_for_decision()}
        executions = {e.proposal_id: e for e in Execution.objects.locked().filter(proposal_id__in=ids)}
        moves: list[tuple[Execution, str]] = []
        finished: list[Proposal] = []
        by_status: dict[str, list[Proposal]] = defaultdict(list)
        data: dict[int, dict[str, object]] = {}
        for proposal_id, outcome in outcomes.items():
            proposal, execution = proposals[proposal_id], executions[proposal_id]
            if claims is not None and (execution.state != ExecutionState.IN_PROGRESS
                                       or execution.attempts != claims.get(proposal_id)):
                logger.info("execution of #%s moved on while it was executed; leaving it to its new owner", proposal_id)
                continue
            execution.response = outcome.response
            execution.provider_id = outcome.provider_id or execution.provider_id
            execution.message_id = outcome.message_id or execution.message_id
            execution.error_code = outcome.error_code
            execution.last_error = outcome.message if outcome.status != Status.DONE else ""
            if outcome.unknown:
                moves.append((execution, ExecutionState.UNKNOWN))
                audit_record(action="execution_outcome_unknown", actor=SYSTEM, proposal=proposal,
                             data={"message": outcome.message})
                continue
            if not outcome.status:
                moves.append((execution, ExecutionState.PENDING))
                continue
            moves.append((execution, ExecutionState.REFUSED if outcome.refused else EXECUTION_STATES[outcome.status]))
            execution.finished_at = now
            execution.transient_failures = 0
            execution.retry_after = None
            execution.failing_since = None
            finished.append(proposal)
            by_status[REFUSED if outcome.refused else outcome.status].append(proposal)
            data[proposal_id] = {"request": proposal.final_output, "attempts": execution.attempts,  # what was written/sent
                                 "provider_id": outcome.provider_id, "message": outcome.message,
                                 "error_code": outcome.error_code, "response": outcome.response,
                                 "conflicts": outcome.conflicts}
        executions_transition(moves, update_fields=["response", "provider_id", "message_id", "error_code",
                                                    "last_error", "finished_at", "transient_failures", "retry_after",
                                                    "failing_since"])
        # What else a final outcome changes on the record (a CRM change's field rows) is its kind's
        # executor's to say, whoever executed it (the built-in executor, or an integration).
        for executor, group in _executors_of(finished).values():
            executor.record_effects([(proposal, outcomes[proposal.pk]) for proposal in group], now=now)
        for status, moved in by_status.items():
            # A refusal is a failure of its own: the record fails (a person approves it again), audited as
            # ``execution_refused`` with the approval and both digests.
            proposals_transition(moved, Status.FAILED if status == REFUSED else status, actor=actor,
                                 action=ACTIONS[status], data={proposal.pk: data[proposal.pk] for proposal in moved})


# --- back to a person -------------------------------------------------------------------------------

def proposal_reapproval_prepare(proposal: Proposal, *, actor: Actor) -> None:
    """A person approves a ``failed`` or ``conflict`` record again (called by ``proposal_decide``
    under the row lock, before the approval is stored; a conflict only to overwrite the other side's
    value).

    - The approvals of the earlier round are settled (``revoked_at``, ``settled`` saying why): the
      new round needs its own, and the same person may approve again (one live approval per person).
    - After a conflict, the executor moves its conflict baseline to what the reviewer was shown
      (``Executor.overwrite_prepare``): the next attempt writes over that, and only over that.
    """
    now = timezone.now()
    settled = Decision.Settled.CONFLICT if proposal.status == Status.CONFLICT else Decision.Settled.EXECUTION_FAILED
    proposal.decisions.live_approvals().filter(created_at__lt=proposal.status_changed_at).update(
        revoked_at=now, settled=settled)
    if proposal.status == Status.CONFLICT:
        executor_for(proposal).overwrite_prepare(proposal)


def proposal_rebase_prepare(proposal: Proposal) -> dict[str, list[object]]:
    """A person rebases a ``conflict`` record (called by ``proposal_rebase`` under the row lock): the
    approvals and auto-approval of the round that met the conflict stop counting, and the executor
    makes what it found at execution time the new baseline, for the checks to read afresh
    (``Executor.rebase_prepare``; see ``checking``). Returns {field: [old baseline, new baseline]}."""
    proposal.decisions.live().exclude(action=Decision.Action.REJECT).update(
        revoked_at=timezone.now(), settled=Decision.Settled.CONFLICT)
    return executor_for(proposal).rebase_prepare(proposal)


# --- a dead worker's executions ---------------------------------------------------------------------

def executions_recover_stale(*, older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Executions left ``in_progress`` by a dead worker go back to pending (to be repeated: a CRM
    push compares current values, so repeating it cannot write twice), except those of an
    at-most-once executor whose side effect had started (an email whose send had begun): they
    become "outcome unknown" for a person to resolve. Returns the ids made pending again."""
    cutoff = timezone.now() - older_than
    resumed: list[int] = []
    with transaction.atomic():
        # Only the executions are locked (of self): locking the joined proposals too, in this order,
        # would take locks in the opposite order to a claim (proposal, then execution).
        stale = list(Execution.objects.locked().select_for_update(of=("self",), no_key=True).filter(
            state=ExecutionState.IN_PROGRESS, started_at__lt=cutoff
        ).select_related("proposal"))
        moves: list[tuple[Execution, str]] = []
        for execution in stale:
            executor = executor_of(execution)
            if executor.at_most_once and executor.send_started(execution):
                execution.last_error = "the worker stopped during the send; the provider may or may not have it"
                moves.append((execution, ExecutionState.UNKNOWN))
                audit_record(action="execution_outcome_unknown", actor=SYSTEM, proposal=execution.proposal,
                             data={"message": execution.last_error})
            else:
                execution.retry_after = None
                moves.append((execution, ExecutionState.PENDING))
                resumed.append(execution.proposal_id)
        executions_transition(moves, update_fields=["last_error", "retry_after"])
    return resumed


__all__ = [
    "execution_mark_started",
    "execution_payloads_verify",
    "execution_started",
    "executions_due",
    "executions_next_retry",
    "executions_record",
    "executions_recover_stale",
    "executions_release",
    "executions_retry_in",
    "proposal_reapproval_prepare",
    "proposal_rebase_prepare",
    "proposals_claim_for_execution",
    "proposals_execute",
]
