"""Use case: an agent submits proposals, one at a time or in bulk (one code path for both)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..checks.outreach import outreach_keys_record
from ..conf import hitlcrm_settings
from ..kinds import kind_of
from ..models import ApiClient, CrmFieldChange, Policy, Proposal
from ..search import search_text_refresh
from ..selectors import policy_for
from ..state_machine import Status
from ..versions import UNVERSIONED, VersionKey, version_as_api, version_filter, version_of
from .actors import Actor
from .audit import audit_record_many
from .queueing import publish

# How often a submission is retried when a concurrent one with the same Idempotency-Key wins the
# insert: the retry then finds the winner's record, so a second round always settles it.
CONCURRENT_REPLAY_ATTEMPTS = 3
# Records per checks task: one SOQL query reads the CRM records of up to 200.
CHECK_BATCH = 200
# Records per history INSERT ... SELECT (SQLite allows 999 parameters a statement).
HISTORY_COPY_BATCH = 500


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with a different request body."""

    def __init__(self, existing: Proposal) -> None:
        self.existing = existing
        super().__init__(
            f"Idempotency-Key was already used for proposal {existing.pk} with a different request body"
        )


@dataclass
class Submission:
    """One validated submission: ``data`` as validated, ``payload`` exactly as the agent sent it."""

    data: dict[str, Any]
    payload: dict[str, Any]
    idempotency_key: str | None = None


@dataclass
class Submitted:
    """What became of one submission: a new record, the record an earlier retry created, or a
    conflict (the key names a record made from another body; ``proposal`` is that record)."""

    proposal: Proposal
    created: bool
    conflict: bool = False
    # A new CRM change's field rows, as stored (so the answer needs no read back).
    field_changes: list[CrmFieldChange] = field(default_factory=list)


def request_fingerprint(kind: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps({"kind": kind, "payload": payload}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submitted_version(data: dict[str, Any]) -> VersionKey:
    """The version a submission names (reviews/versions.py), blank parts for those it does not."""
    return (data.get("agent_version") or "", data.get("prompt_version") or "", data.get("model") or "")


def default_task_type(kind: str, data: dict[str, Any]) -> str:
    """The submission's task type, or the kind's default for one that names none."""
    return kind_of(kind).default_task_type(data)


def proposal_build(
    *,
    client: ApiClient,
    kind: str,
    data: dict[str, Any],
    payload: dict[str, Any],
    idempotency_key: str | None,
    policies: dict[tuple[str, VersionKey], Policy] | None = None,
) -> tuple[Proposal, list[CrmFieldChange]]:
    """An unsaved record (and its field rows) from validated data; shared by single and bulk submit.
    ``policies`` caches policy look-ups, by task type and version, across the records of one bulk submission."""
    now = timezone.now()
    task_type = default_task_type(kind, data)
    governed = (task_type, submitted_version(data))
    policies = {} if policies is None else policies
    policy = policies.get(governed)
    if policy is None:
        policy = policies[governed] = policy_for(*governed)
    proposal = Proposal(
        kind=kind,
        status=Status.CHECKING,
        status_changed_at=now,
        submitted_at=now,
        task_type=task_type,
        confidence=data.get("confidence"),
        evidence=data.get("evidence") or [],
        assumptions=data.get("assumptions") or [],
        agent=client,
        external_ref=data.get("external_ref") or "",
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint(kind, payload),
        crm_object=data.get("crm_object") or "",
        crm_id=data.get("crm_id") or "",
        company_name=data.get("company_name") or "",
        **version_filter(governed[1]),
        original_output=payload,
    )
    proposal.policy_task_type = policy.task_type
    proposal.policy_version = policy.version
    proposal.sla_due_at = now + timedelta(minutes=policy.sla_minutes)
    fields = kind_of(kind).payload_store(proposal, data, now=now)  # the kind's own parts
    proposal.risk = kind_of(kind).policy_as_applied(proposal, policy).risk
    search_text_refresh(proposal, fields)
    return proposal, fields


def proposal_submit(
    *,
    client: ApiClient,
    kind: str,
    data: dict[str, Any],
    payload: dict[str, Any],
    actor: Actor,
    idempotency_key: str | None = None,
) -> tuple[Proposal, bool]:
    """Store a validated submission and queue its checks. Returns (record, created).

    ``data`` is the validated submission; ``payload`` the body exactly as the agent sent it (kept
    unchanged as the original AI output, and fingerprinted for Idempotency-Key replays).
    A replay with the same key and body returns the original record; another body raises
    :class:`IdempotencyConflict`.
    """
    (outcome,) = proposals_submit(
        client=client, kind=kind, submissions=[Submission(data, payload, idempotency_key)], actor=actor
    )
    if outcome.conflict:
        raise IdempotencyConflict(outcome.proposal)
    return outcome.proposal, outcome.created


def proposals_submit(
    *, client: ApiClient, kind: str, submissions: list[Submission], actor: Actor
) -> list[Submitted]:
    """Store validated submissions in one transaction (bulk inserts, one audit append) and queue
    their checks after commit. Returns one :class:`Submitted` per submission, in order.

    Replays are decided by the unique constraint on (agent, idempotency_key), not by the read
    before the insert: when a concurrent request with the same key wins the race, the insert
    fails, the whole transaction rolls back, and the next round finds the winner's record.
    """
    for attempt in range(CONCURRENT_REPLAY_ATTEMPTS):
        try:
            with transaction.atomic():
                return _store(client=client, kind=kind, submissions=submissions, actor=actor)
        except IntegrityError:
            keyed = any(s.idempotency_key for s in submissions)
            if not keyed or attempt == CONCURRENT_REPLAY_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _store(*, client: ApiClient, kind: str, submissions: list[Submission], actor: Actor) -> list[Submitted]:
    keys = {s.idempotency_key for s in submissions if s.idempotency_key}
    known: dict[str, Proposal] = (
        {p.idempotency_key: p for p in Proposal.objects.filter(agent=client, idempotency_key__in=keys)} if keys else {}
    )
    results: list[Submitted | None] = []
    new: list[tuple[Proposal, list[CrmFieldChange], Submission]] = []
    policies: dict[tuple[str, VersionKey], Policy] = {}
    for submission in submissions:
        key = submission.idempotency_key
        earlier = known.get(key) if key else None
        if earlier is not None:
            # A replay (of an earlier request, or of an item earlier in this batch).
            same = earlier.request_fingerprint == request_fingerprint(kind, submission.payload)
            results.append(Submitted(earlier, created=False, conflict=not same))
            continue
        proposal, fields = proposal_build(
            client=client, kind=kind, data=submission.data, payload=submission.payload,
            idempotency_key=key, policies=policies,
        )
        if key:
            known[key] = proposal
        new.append((proposal, fields, submission))
        results.append(None)

    if new:
        proposals = [proposal for proposal, _, _ in new]
        Proposal.objects.bulk_create(proposals)
        _history_copy(proposals, user_id=client.user_id, reason="submitted")
        outreach_keys_record(proposals)  # the duplicate-outreach check's index, in the same transaction
        field_rows = []
        for proposal, fields, _ in new:
            for change in fields:
                change.proposal = proposal
                field_rows.append(change)
        # New field rows get no history rows of their own: the proposal's "submitted" row covers them.
        CrmFieldChange.objects.bulk_create(field_rows)
        audit_record_many([
            {"action": "submitted", "actor": actor, "proposal": proposal,
             "data": {"original_output": submission.payload,
                      **({"version": version_as_api(version_of(proposal))} if version_of(proposal) != UNVERSIONED
                         else {})}}
            for proposal, _, submission in new
        ])
        _enqueue_checks_on_commit([proposal.pk for proposal in proposals])

    fresh = iter(new)
    outcomes = []
    for result in results:
        if result is None:
            proposal, fields, _ = next(fresh)
            result = Submitted(proposal, created=True, field_changes=fields)
        outcomes.append(result)
    return outcomes


def _history_copy(proposals: list[Proposal], *, user_id: int, reason: str) -> None:
    """The records' first history rows, copied by the database from the rows just inserted: what
    ``bulk_create_with_history`` writes (every tracked column, history type "+", date, user,
    reason), without building, encoding and sending every record a second time."""
    history = Proposal.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in history.tracked_fields)
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(proposals), HISTORY_COPY_BATCH):
            ids = [proposal.pk for proposal in proposals[start:start + HISTORY_COPY_BATCH]]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_change_reason, "  # noqa: S608
                f"history_type, history_user_id) SELECT {columns}, %s, %s, '+', %s FROM "
                f"{quote(Proposal._meta.db_table)} WHERE id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id",
                [now, reason, user_id, *ids],
            )


def _enqueue_checks_on_commit(proposal_ids: list[int]) -> None:
    from ..tasks import proposals_run_checks_task

    # A submission of a few records waits SALESFORCE_CHECK_COALESCE_SECONDS: its task then checks
    # every record still ``checking`` (proposals_run_checks), so submissions arriving one request
    # at a time share one CRM read. Nothing is lost by the wait: the records are committed as
    # ``checking``, which is what the task (and, for a lost message, the sweeper) looks for.
    countdown = float(hitlcrm_settings.SALESFORCE_CHECK_COALESCE_SECONDS) if len(proposal_ids) < CHECK_BATCH else 0

    def publish_all() -> None:
        # One callback for the batch; a message per 200 records, whose CRM reads are batched.
        for start in range(0, len(proposal_ids), CHECK_BATCH):
            publish(proposals_run_checks_task, (proposal_ids[start:start + CHECK_BATCH],), countdown=countdown)

    transaction.on_commit(publish_all)
