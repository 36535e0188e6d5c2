"""Reads that several callers share (console, API, commands). No writes, no network calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from .conf import hitlcrm_settings
from .crm import normalise_id
from .kinds import kind_values
from .models import CrmFieldChange, CrmObjectRule, ExecutionState, Policy, Proposal
from .models.policies import DEFAULT_TASK_TYPE
from .state_machine import TERMINAL, UNFINISHED, Status

# Statuses of a record that is not over: it may still be decided, checked or executed.
PENDING = frozenset(Status.values) - TERMINAL


# --- which policy governs a task type ----------------------------------------------------------
# The one rule: a task type's own policy, else the default one (task type "*").

def policies_by_task_type() -> dict[str, Policy]:
    """Every policy, by task type (a handful of rows), for callers that resolve many records."""
    return {policy.task_type: policy for policy in Policy.objects.all()}


def policy_pick(policies: Mapping[str, Policy], *task_types: str) -> Policy | None:
    """From policies already loaded (task type -> policy): the first of ``task_types`` (blank ones
    skipped) that has a policy, else the default one, else None."""
    for task_type in task_types:
        if task_type and task_type in policies:
            return policies[task_type]
    return policies.get(DEFAULT_TASK_TYPE)


def policy_find(task_type: str) -> Policy | None:
    """The task type's policy, else the default one, else None: one query, nothing written."""
    return policy_pick({policy.task_type: policy for policy in
                        Policy.objects.filter(task_type__in={task_type, DEFAULT_TASK_TYPE})}, task_type)


def policy_for(task_type: str) -> Policy:
    """The policy a record of ``task_type`` is checked, decided and executed under: as
    :func:`policy_find`, making the default policy (with the model's defaults) if there is none at all."""
    return policy_find(task_type) or Policy.objects.get_or_create(task_type=DEFAULT_TASK_TYPE)[0]


def salesforce_push_status() -> dict[str, Any]:
    """How pushes to Salesforce stand, for the console's dashboard.

    - ``configured``: Salesforce settings are present.
    - ``paused``: the org's daily API usage, as Salesforce last reported it to any process, is at or
      above ``share`` of its allowance; due changes wait (still ``approved``) and go out by
      themselves when a new measurement is under it (see the Salesforce executor's pauses).
    - ``pause``: the org-level condition pushes wait for, as recorded by the push that met it (a
      refused login, an org refusing requests; the executor's ``pause_state``), or None. ``paused``
      is true while it holds too.
    - ``used`` / ``max``: that figure (None until Salesforce reported one).
    - ``waiting``: approved CRM changes past their grace period, not pushed yet.
    - ``retrying``: pushes waiting for their retry after a transient error; ``next_retry_at`` the
      first retry, ``retrying_until`` when the longest-failing of them gives up.
    """
    from .crm import CrmConfigurationError, api_usage, budget_exhausted, crm_configured
    from .executors import executor_named

    configured = crm_configured()
    try:
        usage = api_usage() if configured else None
        paused = configured and budget_exhausted()
    except CrmConfigurationError:
        usage, paused = None, False
    pause = executor_named("salesforce").pause_state() if configured else None
    give_up_after = timedelta(seconds=float(hitlcrm_settings.SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS))
    share = float(hitlcrm_settings.SALESFORCE_API_BUDGET_SHARE)
    crm = Proposal.objects.filter(kind__in=kind_values(executor="salesforce")).exclude(
        crm_object__in=CrmObjectRule.objects.filter(executor=CrmObjectRule.Executor.EXTERNAL).values("crm_object")
    )
    retrying = crm.filter(status=Status.EXECUTING, execution__state=ExecutionState.PENDING).aggregate(
        count=Count("pk"), next=Min("execution__retry_after"), oldest=Min("execution__failing_since"))
    return {
        "configured": configured,
        "paused": paused or pause is not None,
        "budget_paused": paused,
        "pause": pause,
        "used": usage[0] if usage else None,
        "max": usage[1] if usage else None,
        "share": share,
        "waiting": crm.filter(status=Status.APPROVED, execute_after__lte=timezone.now()).count(),
        "retrying": retrying["count"],
        "next_retry_at": retrying["next"],
        # The first retrying change fails at this time if Salesforce still refuses it then.
        "retrying_until": (retrying["oldest"] + give_up_after if retrying["oldest"] else None),
    }


@dataclass(frozen=True)
class Overlap:
    """Another CRM change to the same record and field(s) as the one asked about."""

    proposal_id: int
    status: str
    submitted_at: datetime
    fields: tuple[str, ...]
    earlier: bool  # submitted before the one asked about: it executes first

    @property
    def status_label(self) -> str:
        return Status(self.status).label.lower()


def _record_key(crm_object: str, crm_id: str) -> tuple[str, str]:
    return crm_object.lower(), normalise_id(crm_id)


def crm_overlaps(proposal_ids: Iterable[int], *, statuses: Iterable[str] = PENDING) -> dict[int, list[Overlap]]:
    """For each CRM change of ``proposal_ids``: the other CRM changes in ``statuses`` that propose a
    value for one of its fields on the same record (field names compared as Salesforce does, without
    regard to case; 15- and 18-character ids alike), oldest first. Two queries whatever the number."""
    fields = ("proposal_id", "field", "proposal__crm_object", "proposal__crm_id", "proposal__submitted_at")
    kinds = kind_values(writes_crm_fields=True)
    own = list(CrmFieldChange.objects.filter(proposal_id__in=list(proposal_ids), proposal__kind__in=kinds)
               .exclude(proposal__crm_id="").values_list(*fields))
    if not own:
        return {}
    objects = {row[2] for row in own}
    ids = {variant for row in own for variant in (row[3], _record_key(row[2], row[3])[1], row[3][:15])}
    others: dict[tuple[str, str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in (CrmFieldChange.objects.filter(proposal__kind__in=kinds, proposal__crm_object__in=objects,
                                              proposal__crm_id__in=ids, proposal__status__in=list(statuses),
                                              proposal__golden_item__isnull=True)  # never executed: nothing to wait for
                .values_list(*fields, "proposal__status")):
        others[(*_record_key(row[2], row[3]), row[1].lower())].append(row)
    found: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for proposal_id, field, crm_object, crm_id, submitted_at in own:
        for other_id, other_field, _, _, other_submitted, status in others.get(
                (*_record_key(crm_object, crm_id), field.lower()), []):
            if other_id == proposal_id:
                continue
            entry = found[proposal_id].setdefault(other_id, {
                "status": status, "submitted_at": other_submitted, "fields": [],
                "earlier": (other_submitted, other_id) < (submitted_at, proposal_id)})
            entry["fields"].append(other_field)
    return {
        proposal_id: sorted((Overlap(other_id, entry["status"], entry["submitted_at"], tuple(entry["fields"]),
                                     entry["earlier"]) for other_id, entry in by_other.items()),
                            key=lambda overlap: (overlap.submitted_at, overlap.proposal_id))
        for proposal_id, by_other in found.items()
    }


def crm_changes_waiting(proposal_ids: Iterable[int]) -> dict[int, Overlap]:
    """The CRM changes of ``proposal_ids`` that must not execute yet, each with the earliest change
    it waits for: one submitted before it, to the same record and field, that is not finished
    (checking, waiting for review, approved or executing). Executing in submission order means the
    later change's conflict check compares against what the earlier one left in the CRM, so the
    two can never both land silently."""
    return {
        proposal_id: earlier[0]
        for proposal_id, overlaps in crm_overlaps(proposal_ids, statuses=UNFINISHED).items()
        if (earlier := [overlap for overlap in overlaps if overlap.earlier])
    }


def crm_changes_following(proposal_ids: Iterable[int]) -> list[int]:
    """Approved CRM changes submitted after one of ``proposal_ids`` to the same record and field:
    those that may have waited for it (see :func:`crm_changes_waiting`)."""
    return sorted({overlap.proposal_id for overlaps in crm_overlaps(proposal_ids, statuses=[Status.APPROVED]).values()
                   for overlap in overlaps if not overlap.earlier})


def externally_executed_objects() -> set[str]:
    """The CRM objects whose approved changes an external integration executes (the approved-changes
    feed, ``CrmObjectRule.executor``): the built-in Salesforce push leaves them alone."""
    return set(
        CrmObjectRule.objects.filter(executor=CrmObjectRule.Executor.EXTERNAL).values_list("crm_object", flat=True)
    )
