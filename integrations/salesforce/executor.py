"""The Salesforce executor: approved CRM changes written to Salesforce in batched pushes.

hitlcrm's execution (``reviews/services/execution.py``) reaches it only through the executor port
(``reviews.executors.Executor``); this module turns claimed CRM changes into ``records.PushItem``s,
pushes them with ``records.push_updates`` and reports each change's outcome.

What is written, per change:
- only what its approval approved: the patch's digest must be the one the approval recorded (approve
  A, execute A, docs/gate.md), else the change is refused, and not pushed;
- only the fields a person (or the policy) approved, with their approved (possibly edited) values;
- against the conflict baseline captured when the change was checked (``before_value``): a field
  whose CRM value moved since is not written and the change goes to ``conflict``; a field with no
  baseline (never read) must still be empty;
- by record id, or, when the change names an ``external_id_field``, as an upsert by that external
  id. The external id's value is the approved value of that same field among the change's fields
  (an enrichment proposes ``{"External_Id__c": "acme-42", ...}`` with ``external_id_field:
  "External_Id__c"``); it is the upsert's key, not a field to compare. When that field is not
  among the approved fields there is no key, and the change is written by its ``crm_id``;
- with the object's ``CrmObjectRule`` choice of what the write may set off in Salesforce (assignment
  rules, duplicate saves): by default nothing beyond the approved values;
- strictly (``If-Unmodified-Since``) when the rule asks it for the object or one of the fields.

How it is pushed:
- batched: every claimed change goes in one ``push_updates`` call (per object: one SOQL read per 200
  records for the conflict check, one sObject Collections write per 200 records), and a push takes
  every other due change along (up to ``max_batch``), once one of them has been due
  ``SALESFORCE_PUSH_COALESCE_SECONDS``;
- repeatable: a push compares current values first, so a write that already landed is found
  "already equal" and not sent again; a push a dead worker left is simply pushed again;
- logged: every change's result per push in ``ExecutionAttempt`` (the execution log: outcome, error,
  HTTP requests and the API usage Salesforce reported);
- retried: transient failures (a 5xx or maintenance window, a locked row, too many concurrent
  requests, a timeout) are given back with exponential backoff and jitter capped at hours (and no
  shorter than the org's ``Retry-After``, passed on as ``Outcome.retry_after``), until
  they went on for ``SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS`` (and at least
  ``SALESFORCE_PUSH_MAX_ATTEMPTS`` times), then fail with Salesforce's message;
- paused (``pauses.py``) on an org-level condition or while the org's API usage is above its share;
- in order: a change to a record and field that an earlier change still may write waits for it;
- not at all for objects whose ``CrmObjectRule`` says an external integration executes them (the
  approved-changes feed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from reviews.conf import hitlcrm_settings
from reviews.executors import Claim, Executor, Outcome, Report, RetryPolicy
from reviews.models import CrmFieldChange, CrmObjectRule, ExecutionAttempt, Proposal
from reviews.models.crm import FieldDecision
from reviews.selectors import crm_changes_following, crm_changes_waiting, externally_executed_objects
from reviews.services.execution import execution_payloads_verify
from reviews.state_machine import Status

from .client import WriteOptions, api_usage, count_requests
from .errors import SalesforceConfigurationError, SalesforceTransientError, pause_reason, readable
from .pauses import crm_pause_clear, crm_pause_record, crm_pause_state, crm_pushes_paused
from .records import PushItem, PushOutcome, push_updates

STATUSES = {"done": Status.DONE, "failed": Status.FAILED, "conflict": Status.CONFLICT}


def crm_push_item(proposal: Proposal, rule: CrmObjectRule | None = None) -> PushItem:
    """The PushItem for one claimed change (its field rows prefetched), written as ``rule`` (the
    change's CRM object rule) allows; without one, with the safe defaults."""
    options = rule.write_options() if rule is not None else WriteOptions()
    approved = [change for change in proposal.field_changes.all() if change.decision == FieldDecision.APPROVED]
    fields = {change.field: change.approved_value for change in approved}
    strict = rule.writes_strictly(fields) if rule is not None else False
    # The conflict baseline: the value the change was checked against. A field whose value was never
    # read (Salesforce unreachable or not configured at check time) is expected empty: writing into
    # an empty field overwrites nothing, and a value found there goes back to a person as a conflict
    # (whose re-approval takes the value they were shown as the baseline) instead of being overwritten.
    expected = {change.field: change.before_value if change.before_captured_at else None for change in approved}
    key_name = proposal.external_id_field
    key = next((c for c in approved if key_name and c.field.lower() == key_name.lower()), None)
    if key is not None and key.approved_value not in (None, ""):
        fields.pop(key.field)
        expected.pop(key.field, None)
        return PushItem(key=proposal.pk, crm_object=proposal.crm_object, crm_id=proposal.crm_id, fields=fields,
                        expected=expected, external_id_field=key.field, external_id_value=key.approved_value,
                        options=options, strict=strict)
    return PushItem(key=proposal.pk, crm_object=proposal.crm_object, crm_id=proposal.crm_id, fields=fields,
                    expected=expected, options=options, strict=strict)


def record_message(item: PushItem, result: PushOutcome, *, code: bool = True) -> str:
    """One record's failure as a RevOps admin can act on it: the record, Salesforce's code and the
    fields it names, the org's message (never markup or a 16 KB URL), e.g. ``Contact 003…:
    FIELD_CUSTOM_VALIDATION_EXCEPTION on Title: Title must not be an abbreviation``. ``code=False``
    leaves the code out (a retry's error is shown after its code already)."""
    record_id = result.crm_id or item.crm_id
    if record_id:
        label = f"{item.crm_object} {record_id}"
    else:  # an upsert that matched no record (nothing has an id yet)
        label = f"{item.crm_object} with {item.external_id_field} = {item.external_id_value!r}"
    fields = f" on {', '.join(result.fields)}" if result.fields else ""
    what = f"{result.error_code}{fields}" if code else fields.strip()
    return ": ".join(part for part in (readable(label, limit=200), what, readable(result.message)) if part)


def written_patch(item: PushItem) -> dict[str, Any]:
    """What a push item writes, in the CRM change kind's ``execution_payload`` shape: the object, the
    record and every field value sent (an upsert's external id among them, as its key)."""
    fields = dict(item.fields)
    if item.is_upsert:
        fields[item.external_id_field] = item.external_id_value
    return {"crm_object": item.crm_object, "crm_id": item.crm_id, "fields": fields}


def _outcome(item: PushItem, result: PushOutcome) -> Outcome:
    status = STATUSES[result.status]
    response = result.as_dict()  # JSON-ready: the CRM values as JSON values
    return Outcome(
        status,
        message=record_message(item, result) if status == Status.FAILED else result.message or "",
        error_code=result.error_code or "",
        provider_id=result.record_id or "",
        response=response,
        conflicts=dict(response["current"]) if status == Status.CONFLICT else {},
    )


def _log_outcome(result: PushOutcome) -> str:
    if result.status == "done":
        return ExecutionAttempt.Outcome.WRITTEN if result.written else ExecutionAttempt.Outcome.ALREADY_DONE
    return {"conflict": ExecutionAttempt.Outcome.CONFLICT, "failed": ExecutionAttempt.Outcome.FAILED}.get(
        result.status, ExecutionAttempt.Outcome.RETRY)


def execute_crm_changes(proposals: list[Proposal], *, claims: Mapping[int, Claim]) -> Report:
    """Push every claimed change in one ``push_updates`` call and log the result of each: final
    ``outcomes``; ``retry`` for changes a transient or configuration error left unwritten, with that
    ``error``."""
    if not proposals:
        return Report()
    prefetch_related_objects(proposals, "field_changes")
    rules = {rule.crm_object: rule for rule in
             CrmObjectRule.objects.filter(crm_object__in={proposal.crm_object for proposal in proposals})}
    items = [crm_push_item(proposal, rules.get(proposal.crm_object)) for proposal in proposals]
    report = Report()
    # Approve A, execute A: a change whose patch (as the push items will write it) is not what its
    # approval's digest covers is refused, and left out of the push.
    refused = execution_payloads_verify({item.key: written_patch(item) for item in items})
    report.outcomes.update(refused)
    items = [item for item in items if item.key not in refused]
    if not items:
        return report
    results: dict[Any, PushOutcome] = {}
    started = timezone.now()
    with count_requests() as requests:
        try:
            results = push_updates(items)
        except (SalesforceTransientError, SalesforceConfigurationError) as error:
            # Retrying everything is safe: what was written comes back "done" without a new write.
            # Outcomes that are final already (push_updates tells after a per-record transient error)
            # are recorded now.
            given = getattr(error, "outcomes", None) or {}
            results = {key: result for key, result in given.items() if result.status in STATUSES}
            report.error = error
            for item in items:
                if item.key in results:
                    continue
                own = given.get(item.key)  # the record's own transient error (a locked row), if it had one
                if own is not None and own.error_code:
                    report.retry[item.key] = Outcome("", message=record_message(item, own, code=False),
                                                     error_code=own.error_code)
                else:
                    report.retry[item.key] = Outcome("", message=error.message, error_code=error.error_code or
                                                     type(error).__name__, retry_after=error.retry_after)
    finished = timezone.now()
    by_key = {item.key: item for item in items}
    report.outcomes.update({key: _outcome(by_key[key], result) for key, result in results.items()})
    usage = api_usage()
    batch = uuid.uuid4()
    log = []
    for item in items:
        result = results.get(item.key)
        retry = report.retry.get(item.key)
        claim = claims[item.key]
        log.append(ExecutionAttempt(
            execution_id=claim.execution_id, proposal_id=item.key, batch=batch, number=claim.attempt,
            request_kind="upsert" if item.is_upsert else "update", started_at=started, finished_at=finished,
            http_requests=requests.count,
            outcome=_log_outcome(result) if result is not None else ExecutionAttempt.Outcome.RETRY,
            error_code=(result.error_code if result is not None else retry.error_code)[:80],
            error_message=(report.outcomes[item.key].message if result is not None else retry.message),
            api_usage_used=usage[0] if usage else None, api_usage_max=usage[1] if usage else None,
            response=result.as_dict() if result is not None else {},
        ))
    ExecutionAttempt.objects.bulk_create(log, batch_size=500)
    return report


def _recorded_fields(proposal: Proposal, outcome: Outcome, now: datetime) -> list[CrmFieldChange]:
    """The CRM change's field rows to save: when written, or the CRM's values found at a conflict."""
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


class SalesforceExecutor(Executor):
    """Writes approved CRM changes to Salesforce (see the module docstring)."""

    name = "salesforce"
    batched = True
    # The most due CRM changes one push takes. A task for one change takes the other due ones along,
    # so a burst of approvals costs two requests per object and 200 changes, not two per change.
    max_batch = 1000
    # Repeatable: a push compares current values before it writes, so a dead worker's push is pushed again.
    at_most_once = False
    transient_errors = (SalesforceTransientError,)

    def paused(self) -> bool:
        return crm_pushes_paused()

    def pause_state(self) -> dict[str, Any] | None:
        return crm_pause_state()

    def coalesce_seconds(self) -> float:
        return float(hitlcrm_settings.SALESFORCE_PUSH_COALESCE_SECONDS)

    def hold(self, proposals: list[Proposal], *, now: datetime) -> set[int]:
        # Executed by an external integration (the approved-changes feed), or waiting for an earlier
        # change to the same record and field.
        external = externally_executed_objects()
        held = {proposal.pk for proposal in proposals if proposal.crm_object in external}
        return held | self.waiting([proposal.pk for proposal in proposals if proposal.status == Status.APPROVED])

    def waiting(self, proposal_ids: Iterable[int]) -> set[int]:
        return set(crm_changes_waiting(proposal_ids))

    def following(self, proposal_ids: Iterable[int]) -> list[int]:
        return crm_changes_following(proposal_ids)

    def execute(self, proposals: list[Proposal], *, claims: Mapping[int, Claim]) -> Report:
        report = execute_crm_changes(proposals, claims=claims)
        pause = pause_reason(report.error)
        if pause:
            # The org's condition, not the records': nothing fails, every push waits (recorded for all
            # processes), and the sweeper brings these back once a probe push gets through.
            crm_pause_record(report.error, pause)
            report.paused = True
        elif report.error is None:
            crm_pause_clear()
        return report

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            backoff_seconds=float(hitlcrm_settings.SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS),
            backoff_max_seconds=float(hitlcrm_settings.SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS),
            max_attempts=int(hitlcrm_settings.SALESFORCE_PUSH_MAX_ATTEMPTS),
            give_up_after=float(hitlcrm_settings.SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS),
        )

    def record_effects(self, recorded: list[tuple[Proposal, Outcome]], *, now: datetime) -> None:
        """The field rows: written (``written_at``), or the CRM's values found at a conflict."""
        prefetch_related_objects([proposal for proposal, _ in recorded], "field_changes")
        fields = [change for proposal, outcome in recorded for change in _recorded_fields(proposal, outcome, now)]
        written = [change for change in fields if change.written_at == now]
        if written:  # the same value for all: one UPDATE, and their history rows as save() would write
            CrmFieldChange.objects.filter(pk__in=[change.pk for change in written]).update(written_at=now)
            get_history_manager_for_model(CrmFieldChange).bulk_history_create(written, update=True, default_date=now,
                                                                              batch_size=500)
        for change in fields:
            if change.written_at != now:
                change.save(update_fields=["conflict_value"])

    def overwrite_prepare(self, proposal: Proposal) -> None:
        """After a conflict, the conflict baseline moves to the CRM values the reviewer was shown
        (``conflict_value``, found at push time): the next push writes over those, and only over
        those (if the CRM changed yet again, it is a conflict again)."""
        now = timezone.now()
        for change in proposal.field_changes.all():
            if change.decision != FieldDecision.APPROVED:
                continue  # not pushed, so not read at push time: its snapshot stands
            change.before_value, change.before_captured_at, change.conflict_value = change.conflict_value, now, None
            change.save(update_fields=["before_value", "before_captured_at", "conflict_value"])

    def rebase_prepare(self, proposal: Proposal) -> dict[str, list[Any]]:
        """Every field is pending again, and each baseline becomes the CRM value found at push time,
        for the checks to read afresh."""
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


__all__ = ["SalesforceExecutor", "crm_push_item", "execute_crm_changes", "written_patch"]
