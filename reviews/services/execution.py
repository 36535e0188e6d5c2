"""Use case: execute approved records (write the CRM, send the email), exactly once in effect.

Three phases, so no network call happens while a row lock is held and no side effect can repeat:
1. *claim*: under row locks, due ``approved`` records move to ``executing`` and their Execution
   to ``in_progress`` (a few queries for the whole batch, plus each record's transition); a
   redelivered task finds them already claimed and does nothing.
2. *act*: the side effects, batched per kind. CRM changes: every claimed change goes to Salesforce
   in one ``push_updates`` call (per object: one SOQL read per 200 records for the conflict check,
   one sObject Collections write per 200 records); emails one by one.
3. *record*: each outcome moves its record to ``done``, ``failed`` or ``conflict``.

A worker that dies in phase 2 leaves ``in_progress`` behind; the sweeper
(:func:`executions_recover_stale`) resumes CRM writes, which are idempotent because the push
compares current values first (a write that already landed is found "already equal" and not sent
again), and marks emails whose send had started "outcome unknown" for a person, never resending
blindly (see ``sending.py``).

CRM pushes also:
- log every record's result per push in ``ExecutionAttempt`` (the execution log: outcome, error,
  HTTP requests and the API usage Salesforce reported);
- retry transient failures (a 5xx or maintenance window, a locked row, too many concurrent requests,
  a timeout) with exponential backoff and jitter capped at hours, until they went on for
  ``SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS`` (and at least ``SALESFORCE_PUSH_MAX_ATTEMPTS`` times),
  then fail with Salesforce's message; a wait longer than a task may be held is kept as data
  (``Execution.retry_after``) for the sweeper;
- pause every push on an org-level condition (a refused login or session, an org refusing every
  request, the daily allocation used up: ``errors.pause_reason``): nothing fails, the pause is
  recorded for every process, the dashboard and /health/ show it, and a push is tried again after a
  growing wait until one goes through (:func:`crm_pause_record`);
- pause while the org's reported daily API usage is above ``SALESFORCE_API_BUDGET_SHARE``: due
  changes stay ``approved`` and unclaimed, and go out by themselves once a fresh measurement
  (at most one ``limits`` call per ``SALESFORCE_API_BUDGET_PROBE_SECONDS``) is under the share.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import DateTimeField, F, Q, Value, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from ..conf import hitlcrm_settings
from ..models import CrmFieldChange, CrmObjectRule, Decision, Execution, ExecutionState, Proposal, ProposalKind
from ..models.crm import FieldDecision
from ..selectors import crm_changes_following, crm_changes_waiting
from ..state_machine import IllegalTransition, Status
from .actors import Actor
from .audit import audit_record
from .golden import golden_items_retire
from .transitions import proposals_transition

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("executor")

# The most due CRM changes one push takes. A task for one change takes the other due ones along, so
# a burst of approvals costs two requests per object and 200 changes, not two per change.
MAX_PUSH_BATCH = 1000
# Outcomes recorded per transaction.
RECORD_CHUNK = 200
ACTIONS = {Status.DONE: "executed", Status.FAILED: "execution_failed", Status.CONFLICT: "conflict"}
EXECUTION_STATES = {Status.DONE: ExecutionState.SUCCEEDED, Status.FAILED: ExecutionState.FAILED,
                    Status.CONFLICT: ExecutionState.CONFLICT}
BUDGET_PROBE_KEY = "hitlcrm:salesforce:budget-probe"


@dataclass
class Outcome:
    """The result of one record's side effect, as the executors report it."""

    status: str  # Status.DONE, FAILED or CONFLICT; or "" to leave it for a retry
    message: str = ""
    error_code: str = ""
    provider_id: str = ""
    message_id: str = ""
    response: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, Any] = field(default_factory=dict)  # field -> value found in the CRM
    unknown: bool = False


def externally_executed_objects() -> set[str]:
    return set(
        CrmObjectRule.objects.filter(executor=CrmObjectRule.Executor.EXTERNAL).values_list("crm_object", flat=True)
    )


# --- pauses: the org, not a record ----------------------------------------------------------------

PAUSE_KEY = "hitlcrm:salesforce:pause"
PAUSE_PROBE_KEY = "hitlcrm:salesforce:pause-probe"
# What to do about each kind of pause (``integrations.salesforce.errors.pause_reason``), for the
# dashboard and /health/ (which name no setting value, only what to look at).
PAUSE_FIXES = {
    "login": "Salesforce refuses hitlcrm's login or session: renew the credentials (SALESFORCE_SESSION_ID, or the "
             "JWT / client-credentials / password settings), check that the connected app and the integration user "
             "are active. Pushes resume by themselves once a login works.",
    "org": "The Salesforce org refuses every request (API access disabled for the org or user, a query the org times "
           "out, its domain not routed, or a request too large for it). Ask the org's administrator; pushes resume "
           "by themselves once the org answers.",
    "configuration": "A Salesforce setting is wrong (the message names it). Fix it and restart; pushes resume by "
                     "themselves.",
    "daily_limit": "The org's 24-hour API allocation is used up. Pushes resume by themselves as the allocation "
                   "recovers (or buy more API calls).",
}
PAUSE_TITLES = {"login": "Salesforce login failing", "org": "Salesforce org refusing requests",
                "configuration": "Salesforce configuration wrong", "daily_limit": "Salesforce daily API limit reached"}


def crm_pause_state() -> dict[str, Any] | None:
    """The recorded pause of every CRM push (shared by all processes through Django's cache), or None:
    ``reason`` (``errors.pause_reason``), ``title``, ``since`` and ``last_failure_at`` (ISO times),
    ``error_code``, ``message`` (Salesforce's), ``fix``, ``probes`` (failed attempts so far) and
    ``next_probe_at``: no push is tried before it."""
    return cache.get(PAUSE_KEY)


def crm_pause_record(error: Any, reason: str) -> dict[str, Any]:
    """Pushes meet an org-level condition: record (or extend) the pause. The next attempt waits
    ``SALESFORCE_PAUSE_PROBE_SECONDS * 2**(probes - 1)``, capped at ``SALESFORCE_PAUSE_PROBE_MAX_SECONDS``:
    an outage of hours costs a few requests an hour, and the first success ends it."""
    now = timezone.now()
    state = crm_pause_state() or {"since": now.isoformat(), "probes": 0}
    if state.get("reason") != reason:
        state["since"] = now.isoformat()  # a different problem: its own "since"
        state["probes"] = 0
    state["probes"] += 1
    base = float(hitlcrm_settings.SALESFORCE_PAUSE_PROBE_SECONDS)
    ceiling = float(hitlcrm_settings.SALESFORCE_PAUSE_PROBE_MAX_SECONDS)
    wait = max(min(ceiling, base * 2 ** (state["probes"] - 1)), 0.0)
    state.update(reason=reason, title=PAUSE_TITLES[reason], fix=PAUSE_FIXES[reason],
                 error_code=getattr(error, "error_code", "") or type(error).__name__,
                 message=str(getattr(error, "message", error))[:500], last_failure_at=now.isoformat(),
                 next_probe_at=(now + timedelta(seconds=wait)).isoformat())
    cache.set(PAUSE_KEY, state, None)  # kept until a push succeeds, however long the outage
    cache.delete(PAUSE_PROBE_KEY)
    if state["probes"] == 1:
        logger.error("%s since %s: pushes paused (%s). %s", state["title"], state["since"], error, state["fix"])
    return state


def crm_pause_clear() -> None:
    """A push went through: the pause (if any) is over."""
    if cache.get(PAUSE_KEY) is not None:
        logger.warning("Salesforce answers again; pushes resume")
        cache.delete_many([PAUSE_KEY, PAUSE_PROBE_KEY])


def _org_pause_holds() -> bool:
    """Whether a recorded pause still holds. Once its ``next_probe_at`` is reached, one process (the
    first to take the probe key) is let through to push: that push is the probe."""
    state = crm_pause_state()
    if state is None:
        return False
    if timezone.now() < datetime.fromisoformat(state["next_probe_at"]):
        return True
    # The probe key outlives a crashed prober by at most this long; a probe that ends records either way.
    return not cache.add(PAUSE_PROBE_KEY, True, max(int(hitlcrm_settings.SALESFORCE_PAUSE_PROBE_SECONDS), 30))


def crm_pushes_paused() -> bool:
    """Whether CRM pushes wait: for an org-level condition recorded by an earlier push (a refused
    login, an org refusing requests; see :func:`crm_pause_record`), or for the org's daily API usage
    to fall under the configured share.

    The budget is decided from the figure Salesforce last reported to any process
    (``Sforce-Limit-Info``). While it says "over", one process per ``SALESFORCE_API_BUDGET_PROBE_SECONDS``
    measures again (one ``limits`` request), so the pause ends by itself when the usage falls (or
    the day rolls over).
    """
    from integrations.salesforce.client import budget_exhausted, refresh_api_usage
    from integrations.salesforce.errors import SalesforceConfigurationError, SalesforceError

    from .crm_context import salesforce_configured

    if not salesforce_configured():
        return False
    if _org_pause_holds():
        return True
    try:
        if not budget_exhausted():
            return False
    except SalesforceConfigurationError:
        return False  # the push itself reports the setting to fix
    probe_seconds = int(hitlcrm_settings.SALESFORCE_API_BUDGET_PROBE_SECONDS)
    if probe_seconds <= 0 or cache.add(BUDGET_PROBE_KEY, True, probe_seconds):
        try:
            refresh_api_usage()
        except SalesforceError as exc:  # at the limit Salesforce refuses even this; stay paused
            logger.info("could not measure the Salesforce API usage (%s); pushes stay paused", exc)
            return True
        return budget_exhausted()
    return True


# --- retries ----------------------------------------------------------------------------------------

def execution_retry_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` transient failures in a row: ``base * 2**(failures - 1)``,
    capped, with "equal jitter" (half fixed, half uniform): workers that failed together spread out,
    and no retry comes sooner than half the backoff."""
    base = float(hitlcrm_settings.SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS)
    ceiling = float(hitlcrm_settings.SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS)
    cap = max(min(ceiling, base * 2 ** max(failures - 1, 0)), 0.0)
    return cap / 2 + random.uniform(0, cap / 2)  # noqa: S311  (jitter, not security)


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


def executions_retry_in(proposal_ids: list[int] | None = None) -> float:
    """Seconds until the earliest execution waiting for a retry (of ``proposal_ids``, or any) may be
    tried again (0: now). The execute task uses it as its retry countdown, so the database holds the
    only schedule; a push takes every due change along, so "any" serves a task whose push included
    changes it was not given."""
    waiting = Execution.objects.filter(state=ExecutionState.PENDING, retry_after__isnull=False)
    if proposal_ids is not None:
        waiting = waiting.filter(proposal_id__in=proposal_ids)
    earliest = waiting.order_by("retry_after").values_list("retry_after", flat=True).first()
    return max((earliest - timezone.now()).total_seconds(), 0.0) if earliest else 0.0


def executions_next_retry() -> tuple[list[int], float]:
    """The CRM changes waiting for a retry (their proposal ids) and the seconds until the first of
    them may be tried again (0: now); ``([], 0.0)`` when none waits."""
    waiting = list(Execution.objects.filter(state=ExecutionState.PENDING, retry_after__isnull=False,
                                            proposal__kind=ProposalKind.CRM_CHANGE)
                   .order_by("retry_after").values_list("proposal_id", "retry_after"))
    if not waiting:
        return [], 0.0
    return [proposal_id for proposal_id, _ in waiting], max((waiting[0][1] - timezone.now()).total_seconds(), 0.0)


def _retry_due(now: datetime) -> Q:
    return Q(execution__retry_after__isnull=True) | Q(execution__retry_after__lte=now)


# --- phase 1: claim ---------------------------------------------------------------------------------

def proposals_claim_for_execution(proposal_ids: list[int], *, crm: bool = True) -> list[Proposal]:
    """Phase 1: claim what is due among ``proposal_ids`` (CRM changes only when ``crm``)."""
    now = timezone.now()
    external = externally_executed_objects()
    from .sending import emails_hold_for_send_window

    claimed: list[Proposal] = []
    with transaction.atomic():
        locked = list(Proposal.objects.filter(pk__in=proposal_ids).select_related("agent").select_for_decision())
        # A golden item's approval was a reviewer's answer to a known-answer test: never executed.
        locked = golden_items_retire(locked, now=now)
        # Emails outside their policy's send window wait (still approved) for it to open.
        held = emails_hold_for_send_window(locked, now=now)
        executions = {
            execution.proposal_id: execution
            for execution in Execution.objects.locked().filter(proposal_id__in=[p.pk for p in locked])
        }
        new: list[Execution] = []
        starting: list[Proposal] = []
        # A change to a record and field that an earlier change still may write waits for it.
        waiting = crm_changes_waiting([p.pk for p in locked if p.kind == ProposalKind.CRM_CHANGE
                                       and p.status == Status.APPROVED])
        for proposal in locked:
            if proposal.kind == ProposalKind.CRM_CHANGE and (not crm or proposal.crm_object in external):
                continue  # paused for the API budget, or executed by an external integration (feed)
            if proposal.pk in held or proposal.pk in waiting:
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
                new.append(execution)
            execution.state = ExecutionState.IN_PROGRESS
            execution.attempts += 1
            execution.started_at = now
            execution.retry_after = None
            execution.executor = "mail" if proposal.is_email else "salesforce"
            claimed.append(proposal)
        proposals_transition(starting, Status.EXECUTING, actor=SYSTEM, action="executing")
        Execution.objects.bulk_create(new, batch_size=500)
        # Execution rows carry no history: one UPDATE per kind for the claimed ones that existed.
        created = {id(execution) for execution in new}
        for executor in ("mail", "salesforce"):
            Execution.objects.filter(pk__in=[
                executions[p.pk].pk for p in claimed
                if id(executions[p.pk]) not in created and executions[p.pk].executor == executor
            ]).update(state=ExecutionState.IN_PROGRESS, attempts=F("attempts") + 1, started_at=now, retry_after=None,
                      executor=executor)
    return claimed


def crm_changes_due(*, limit: int, exclude: set[int] | None = None) -> list[int]:
    """Due CRM changes (as :func:`executions_due` defines it) a push can take along."""
    if limit <= 0:
        return []
    return [pk for pk in executions_due(limit=limit + len(exclude or ()), kind=ProposalKind.CRM_CHANGE)
            if pk not in (exclude or set())][:limit]


# --- the use case -----------------------------------------------------------------------------------

def proposals_execute(*, proposal_ids: list[int]) -> dict[int, Outcome]:
    """Execute the due records among ``proposal_ids``; returns each claimed record's outcome.

    When they include a CRM change, the other due CRM changes join the push (up to
    ``MAX_PUSH_BATCH``), unless pushes are paused for the API budget. Raises the Salesforce error
    after recording everything else when a push must be retried (a transient error: the task
    retries it after :func:`executions_retry_in`; a configuration error: the sweeper does).

    A CRM change waits while an earlier change to the same record and field is unfinished
    (``selectors.crm_changes_waiting``); once the earlier one's outcome is recorded, the approved
    changes that waited for it are executed next, in submission order, each checked against what
    the CRM holds by then.
    """
    outcomes: dict[int, Outcome] = {}
    while proposal_ids:
        executed = _proposals_execute_once(proposal_ids)
        outcomes.update(executed)
        finished = [pk for pk, outcome in executed.items() if outcome.status]
        proposal_ids = [pk for pk in crm_changes_following(finished) if pk not in outcomes]
    return outcomes


def _crm_push_ripe(proposal_ids: list[int]) -> bool:
    """Whether a push of the due CRM changes should go now: one of ``proposal_ids`` is an approved
    change whose grace period ended ``SALESFORCE_PUSH_COALESCE_SECONDS`` ago or more (its own task,
    scheduled that late, or the sweeper's), or a retry that is due. A task for a change already
    pushed with an earlier group does not push the few that became due since: they wait for the
    task of the first of them, and go together (approvals one after another cost a push per window,
    not one each)."""
    coalesce = float(hitlcrm_settings.SALESFORCE_PUSH_COALESCE_SECONDS)
    if coalesce <= 0:
        return True
    now = timezone.now()
    ripe = (Q(status=Status.APPROVED) & (Q(execute_after__isnull=True)
                                         | Q(execute_after__lte=now - timedelta(seconds=coalesce)))
            | Q(status=Status.EXECUTING, execution__state=ExecutionState.PENDING) & _retry_due(now))
    return Proposal.objects.filter(ripe, pk__in=proposal_ids, kind=ProposalKind.CRM_CHANGE).exists()


def _proposals_execute_once(proposal_ids: list[int]) -> dict[int, Outcome]:
    from integrations.salesforce.errors import pause_reason

    from .executors import execute_crm_changes
    from .sending import execute_emails

    wanted = list(dict.fromkeys(proposal_ids))
    has_crm = Proposal.objects.filter(pk__in=wanted, kind=ProposalKind.CRM_CHANGE).exists()
    paused = has_crm and crm_pushes_paused()
    # Not yet: no change here has waited SALESFORCE_PUSH_COALESCE_SECONDS past its grace period;
    # the first one that has triggers the push that takes the others along.
    unripe = has_crm and not paused and not _crm_push_ripe(wanted)
    if has_crm and not paused and not unripe:
        wanted += crm_changes_due(limit=MAX_PUSH_BATCH - len(wanted), exclude=set(wanted))
    claimed = proposals_claim_for_execution(wanted, crm=not (paused or unripe))
    if not claimed:
        return {}
    crm = [p for p in claimed if p.kind == ProposalKind.CRM_CHANGE]
    emails = [p for p in claimed if p.kind == ProposalKind.EMAIL_DRAFT]
    # Emails record each outcome the moment it is known (see sending.execute_emails), so a worker
    # that dies mid-batch leaves at most the one email it was sending in doubt.
    outcomes: dict[int, Outcome] = dict(execute_emails(emails))
    if not crm:
        return outcomes
    claimed_executions = {
        proposal_id: (execution_id, attempt)
        for proposal_id, execution_id, attempt in Execution.objects.filter(proposal__in=crm)
        .values_list("proposal_id", "pk", "attempts")
    }
    push = execute_crm_changes(crm, executions=claimed_executions)
    claims = {proposal_id: attempt for proposal_id, (_, attempt) in claimed_executions.items()}
    executions_record(push.outcomes, claims=claims)
    pause = pause_reason(push.error)
    if pause:
        # The org's condition, not the records': nothing fails, every push waits (recorded for all
        # processes), and the sweeper brings these back once a probe push gets through.
        crm_pause_record(push.error, pause)
    elif push.error is None:
        crm_pause_clear()
    released = executions_release(push.retry, claims=claims, paused=bool(pause))
    outcomes.update(push.outcomes)
    outcomes.update(released)
    if push.error is not None and not pause and any(not outcome.status for outcome in released.values()):
        raise push.error
    return outcomes


# --- phase 3: record --------------------------------------------------------------------------------

def executions_release(outcomes: dict[int, Outcome], *, claims: dict[int, int] | None = None,
                       paused: bool = False) -> dict[int, Outcome]:
    """Give claimed CRM executions back for a retry after a transient failure (``outcomes`` with an
    empty status): pending again after a backoff, or ``failed`` with the last error once
    ``SALESFORCE_PUSH_MAX_ATTEMPTS`` failures came in a row over at least
    ``SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS`` (so an org's maintenance window or a row locked for an
    hour is waited out, not failed after minutes). ``claims`` as in :func:`executions_record`.
    The records of one push share one retry time, so they are retried together, in one push again.
    ``paused``: the failure was the org's, not the records' (pushes are paused, see
    :func:`crm_pause_record`): pending again with no failure counted, retried when the pause ends.
    Returns what became of each: its outcome (empty status: it will be retried), or the failure."""
    if not outcomes:
        return {}
    if paused:
        with transaction.atomic():
            pending = [execution.pk for execution in Execution.objects.locked().filter(
                proposal_id__in=list(outcomes), state=ExecutionState.IN_PROGRESS)
                if claims is None or claims.get(execution.proposal_id) == execution.attempts]
            first = next(iter(outcomes.values()))
            Execution.objects.filter(pk__in=pending).update(
                state=ExecutionState.PENDING, retry_after=None, error_code=first.error_code[:80],
                last_error=(f"{first.error_code}: {first.message}" if first.error_code else first.message)[:2000])
        return dict(outcomes)
    limit = int(hitlcrm_settings.SALESFORCE_PUSH_MAX_ATTEMPTS)
    give_up_after = timedelta(seconds=float(hitlcrm_settings.SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS))
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
            if execution.transient_failures >= limit and failing_for >= give_up_after:
                given_up[execution.proposal_id] = Outcome(
                    Status.FAILED, error_code=outcome.error_code,
                    message=f"{outcome.message} (gave up after {execution.transient_failures} attempts in a row "
                            f"over {_duration(failing_for)})",
                    response=outcome.response,
                )
                continue
            execution.state = ExecutionState.PENDING
            execution.last_error = (f"{outcome.error_code}: {outcome.message}" if outcome.error_code
                                    else outcome.message)[:2000]
            execution.error_code = outcome.error_code[:80]
            retrying.append(execution)
        if retrying:
            delay = execution_retry_delay(max(execution.transient_failures for execution in retrying))
            retry_after = timezone.now() + timedelta(seconds=delay)
            groups: dict[tuple[str, str], list[int]] = defaultdict(list)  # one error for a whole request, mostly
            for execution in retrying:
                execution.retry_after = retry_after
                groups[(execution.last_error, execution.error_code)].append(execution.pk)
            for (last_error, error_code), pks in groups.items():
                Execution.objects.filter(pk__in=pks).update(
                    state=ExecutionState.PENDING, transient_failures=F("transient_failures") + 1,
                    last_error=last_error, error_code=error_code, retry_after=retry_after,
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
        prefetch_related_objects([p for p in proposals.values() if not p.is_email], "field_changes")
        saved: list[Execution] = []
        fields: list[CrmFieldChange] = []
        moves: dict[str, list[Proposal]] = defaultdict(list)
        data: dict[int, dict[str, Any]] = {}
        for proposal_id, outcome in outcomes.items():
            proposal, execution = proposals[proposal_id], executions[proposal_id]
            if claims is not None and (execution.state != ExecutionState.IN_PROGRESS
                                       or execution.attempts != claims.get(proposal_id)):
                logger.info("execution of #%s moved on while it was pushed; leaving it to its new owner", proposal_id)
                continue
            saved.append(execution)
            execution.response = outcome.response
            execution.provider_id = outcome.provider_id or execution.provider_id
            execution.message_id = outcome.message_id or execution.message_id
            execution.error_code = outcome.error_code
            execution.last_error = outcome.message if outcome.status != Status.DONE else ""
            if outcome.unknown:
                execution.state = ExecutionState.UNKNOWN
                audit_record(action="execution_outcome_unknown", actor=SYSTEM, proposal=proposal,
                             data={"message": outcome.message})
                continue
            if not outcome.status:
                execution.state = ExecutionState.PENDING
                continue
            execution.state = EXECUTION_STATES[outcome.status]
            execution.finished_at = now
            execution.transient_failures = 0
            execution.retry_after = None
            execution.failing_since = None
            fields += _recorded_fields(proposal, outcome, now)
            moves[outcome.status].append(proposal)
            data[proposal_id] = {"request": proposal.final_output, "attempts": execution.attempts,  # what was written/sent
                                 "provider_id": outcome.provider_id, "message": outcome.message,
                                 "error_code": outcome.error_code, "response": outcome.response,
                                 "conflicts": outcome.conflicts}
        _executions_save(saved, ["state", "response", "provider_id", "message_id", "error_code", "last_error",
                                 "finished_at", "transient_failures", "retry_after", "failing_since"])
        written = [change for change in fields if change.written_at == now]
        if written:  # the same value for all: one UPDATE, and their history rows as save() would write
            CrmFieldChange.objects.filter(pk__in=[change.pk for change in written]).update(written_at=now)
            get_history_manager_for_model(CrmFieldChange).bulk_history_create(written, update=True, default_date=now,
                                                                              batch_size=500)
        for change in fields:
            if change.written_at != now:
                change.save(update_fields=["conflict_value"])
        for status, moved in moves.items():
            proposals_transition(moved, status, actor=actor, action=ACTIONS[status],
                                 data={proposal.pk: data[proposal.pk] for proposal in moved})


def _executions_save(executions: list[Execution], names: list[str]) -> None:
    """Save ``names`` of many Execution rows whose values differ: one prepared UPDATE run for every
    row (``executemany``: one round trip on PostgreSQL's pipeline). A save() each costs a round trip
    per row, and bulk_update's CASE per row and field costs more still. Execution rows have no
    history, so nothing is bypassed."""
    if not executions:
        return
    fields = [Execution._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(Execution._meta.db_table)} SET "
           f"{', '.join(f'{quote(field.column)} = %s' for field in fields)} WHERE {quote('id')} = %s")
    rows = [[*(field.get_db_prep_save(getattr(execution, field.attname), connection) for field in fields), execution.pk]
            for execution in executions]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _recorded_fields(proposal: Proposal, outcome: Outcome, now: datetime) -> list[CrmFieldChange]:
    """The CRM change's field rows to save: when written, or the CRM's values found at a conflict."""
    if proposal.is_email:
        return []
    found = {name.lower(): value for name, value in outcome.conflicts.items()}
    changed = []
    for change in proposal.field_changes.all():
        if outcome.status == Status.DONE and change.decision == FieldDecision.APPROVED:
            change.written_at = now
            changed.append(change)
        elif outcome.status == Status.CONFLICT and change.field.lower() in found:
            # The CRM's value at push time, shown beside the before and proposed values; for a field
            # that did not conflict it equals the before value (or already the proposed one).
            change.conflict_value = found[change.field.lower()]
            changed.append(change)
    return changed


# --- back to a person -------------------------------------------------------------------------------

def proposal_reapproval_prepare(proposal: Proposal, *, actor: Actor) -> None:
    """A person approves a ``failed`` or ``conflict`` record again (called by ``proposal_decide``
    under the row lock, before the approval is stored; a conflict only to overwrite the CRM's value).

    - The approvals of the earlier round are settled (``revoked_at``, ``settled`` saying why): the
      new round needs its own, and the same person may approve again (one live approval per person).
    - After a conflict, the conflict baseline moves to the CRM values the reviewer was shown
      (``conflict_value``, found at push time): the next push writes over those, and only over
      those (if the CRM changed yet again, it is a conflict again).
    """
    now = timezone.now()
    settled = Decision.Settled.CONFLICT if proposal.status == Status.CONFLICT else Decision.Settled.EXECUTION_FAILED
    proposal.decisions.filter(
        revoked_at__isnull=True, created_at__lt=proposal.status_changed_at,
        action__in=[Decision.Action.APPROVE, Decision.Action.EDIT_APPROVE],
    ).update(revoked_at=now, settled=settled)
    if proposal.status != Status.CONFLICT or proposal.is_email:
        return
    for change in proposal.field_changes.all():
        if change.decision != FieldDecision.APPROVED:
            continue  # not pushed, so not read at push time: its snapshot stands
        change.before_value, change.before_captured_at, change.conflict_value = change.conflict_value, now, None
        change.save(update_fields=["before_value", "before_captured_at", "conflict_value"])


def proposal_rebase_prepare(proposal: Proposal) -> dict[str, list[Any]]:
    """A person rebases a ``conflict`` record (called by ``proposal_rebase`` under the row lock): the
    approvals and auto-approval of the round that met the conflict stop counting, every field is
    pending again, and each baseline becomes the CRM value found at push time, for the checks to
    read afresh (see ``checking``). Returns {field: [old baseline, new baseline]}."""
    proposal.decisions.filter(revoked_at__isnull=True).exclude(action=Decision.Action.REJECT).update(
        revoked_at=timezone.now(), settled=Decision.Settled.CONFLICT)
    now = timezone.now()
    rebased = {}
    for change in proposal.field_changes.all():
        if change.decision == FieldDecision.APPROVED:  # pushed, so read at push time
            rebased[change.field] = [change.before_value, change.conflict_value]
            change.before_value, change.before_captured_at = change.conflict_value, now
        change.conflict_value, change.decision, change.approved_value = None, FieldDecision.PENDING, None
        change.save(update_fields=["before_value", "before_captured_at", "conflict_value", "decision",
                                   "approved_value"])
    return rebased


# --- selectors for the sweeper and the task ---------------------------------------------------------

def executions_due(limit: int = 1000, *, kind: str | None = None) -> list[int]:
    """Approved records whose grace period is over, and executions waiting for a retry that is due."""
    now = timezone.now()
    queryset = Proposal.objects.filter(
        Q(status=Status.APPROVED, execute_after__lte=now)
        | (Q(status=Status.EXECUTING, execution__state=ExecutionState.PENDING) & _retry_due(now))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    due = list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])
    waiting = crm_changes_waiting(due)  # they go when the earlier change to their field has finished
    return [pk for pk in due if pk not in waiting]


def executions_recover_stale(*, older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Executions left ``in_progress`` by a dead worker: CRM writes go back to pending (the push
    compares current values, so repeating it cannot write twice); emails whose send had started
    become "outcome unknown" for a person to resolve, and those that had not go back to pending.
    Returns the ids made pending again."""
    from .sending import email_send_started

    cutoff = timezone.now() - older_than
    resumed: list[int] = []
    with transaction.atomic():
        # Only the executions are locked (of self): locking the joined proposals too, in this order,
        # would take locks in the opposite order to a claim (proposal, then execution).
        stale = Execution.objects.locked().select_for_update(of=("self",), no_key=True).filter(
            state=ExecutionState.IN_PROGRESS, started_at__lt=cutoff
        ).select_related("proposal")
        for execution in stale:
            if execution.proposal.is_email and email_send_started(execution):
                execution.state = ExecutionState.UNKNOWN
                execution.last_error = "the worker stopped during the send; the provider may or may not have it"
                audit_record(action="execution_outcome_unknown", actor=SYSTEM, proposal=execution.proposal,
                             data={"message": execution.last_error})
            else:
                execution.state = ExecutionState.PENDING
                execution.retry_after = None
                resumed.append(execution.proposal_id)
            execution.save(update_fields=["state", "last_error", "retry_after"])
    return resumed


__all__ = [
    "Outcome",
    "crm_pushes_paused",
    "executions_due",
    "executions_next_retry",
    "executions_recover_stale",
    "executions_retry_in",
    "proposal_reapproval_prepare",
    "proposal_rebase_prepare",
    "proposals_execute",
]
