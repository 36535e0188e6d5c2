"""Phase 2 of execution for CRM changes: the batched Salesforce push.
Called only by ``execution.proposals_execute``; emails are in ``sending.py``.

What is written, per change:
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
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone

from ..models import CrmObjectRule, ExecutionAttempt, Proposal
from ..models.crm import FieldDecision
from ..state_machine import Status
from .execution import Outcome

STATUSES = {"done": Status.DONE, "failed": Status.FAILED, "conflict": Status.CONFLICT}


@dataclass
class CrmPush:
    """What one push did: final ``outcomes``; ``retry`` (empty status) for changes a transient or
    configuration error left unwritten; ``error``, that error, for the caller to raise."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    retry: dict[int, Outcome] = field(default_factory=dict)
    error: Exception | None = None


def crm_push_item(proposal: Proposal, rule: CrmObjectRule | None = None) -> Any:
    """The PushItem for one claimed change (its field rows prefetched), written as ``rule`` (the
    change's CRM object rule) allows; without one, with the safe defaults."""
    from integrations.salesforce.client import WriteOptions
    from integrations.salesforce.records import PushItem

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


def _outcome(result: Any) -> Outcome:
    status = STATUSES[result.status]
    response = result.as_dict()  # JSON-ready: the CRM values as JSON values
    return Outcome(
        status,
        message=result.message or "",
        error_code=result.error_code or "",
        provider_id=result.record_id or "",
        response=response,
        conflicts=dict(response["current"]) if status == Status.CONFLICT else {},
    )


def _log_outcome(result: Any) -> str:
    if result.status == "done":
        return ExecutionAttempt.Outcome.WRITTEN if result.written else ExecutionAttempt.Outcome.ALREADY_DONE
    return {"conflict": ExecutionAttempt.Outcome.CONFLICT, "failed": ExecutionAttempt.Outcome.FAILED}.get(
        result.status, ExecutionAttempt.Outcome.RETRY)


def execute_crm_changes(proposals: list[Proposal], *, executions: dict[int, tuple[int, int]]) -> CrmPush:
    """Push every claimed change in one ``push_updates`` call and log the result of each.

    ``executions``: proposal id -> (execution id, attempt number), for the log.
    """
    from integrations.salesforce.client import api_usage, count_requests
    from integrations.salesforce.errors import SalesforceConfigurationError, SalesforceTransientError
    from integrations.salesforce.records import push_updates

    if not proposals:
        return CrmPush()
    prefetch_related_objects(proposals, "field_changes")
    rules = {rule.crm_object: rule for rule in
             CrmObjectRule.objects.filter(crm_object__in={proposal.crm_object for proposal in proposals})}
    items = [crm_push_item(proposal, rules.get(proposal.crm_object)) for proposal in proposals]
    push = CrmPush()
    results: dict[Any, Any] = {}
    started = timezone.now()
    with count_requests() as requests:
        try:
            results = push_updates(items)
        except (SalesforceTransientError, SalesforceConfigurationError) as error:
            # Retrying everything is safe: what was written comes back "done" without a new write.
            # Outcomes that are final already (push_updates tells after a per-record transient error)
            # are recorded now.
            results = {key: result for key, result in (getattr(error, "outcomes", None) or {}).items()
                       if result.status in STATUSES}
            push.error = error
            for item in items:
                if item.key not in results:
                    push.retry[item.key] = Outcome("", message=error.message, error_code=error.error_code or
                                                   type(error).__name__)
    finished = timezone.now()
    push.outcomes = {key: _outcome(result) for key, result in results.items()}
    usage = api_usage()
    batch = uuid.uuid4()
    log = []
    for item in items:
        result = results.get(item.key)
        retry = push.retry.get(item.key)
        execution_id, attempt = executions[item.key]
        log.append(ExecutionAttempt(
            execution_id=execution_id, proposal_id=item.key, batch=batch, number=attempt,
            request_kind="upsert" if item.is_upsert else "update", started_at=started, finished_at=finished,
            http_requests=requests.count,
            outcome=_log_outcome(result) if result is not None else ExecutionAttempt.Outcome.RETRY,
            error_code=(result.error_code if result is not None else retry.error_code)[:80],
            error_message=result.message if result is not None else retry.message,
            api_usage_used=usage[0] if usage else None, api_usage_max=usage[1] if usage else None,
            response=result.as_dict() if result is not None else {},
        ))
    ExecutionAttempt.objects.bulk_create(log, batch_size=500)
    return push
