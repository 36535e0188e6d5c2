"""Reads that several callers share (console, API, commands). No writes, no network calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from .conf import hitlcrm_settings
from .crm import normalise_id
from .kinds import kind_values
from .models import CrmFieldChange, CrmObjectRule, ExecutionState, Policy, Proposal
from .models.policies import DEFAULT_TASK_TYPE
from .state_machine import TERMINAL, UNFINISHED, Status
from .versions import UNVERSIONED, VERSION_FIELDS, VersionKey, scope_matches, scope_precedence, version_filter, version_of

# Statuses of a record that is not over: it may still be decided, checked or executed.
PENDING = frozenset(Status.values) - TERMINAL


# --- which policy governs a task type ----------------------------------------------------------
# The one rule: of the task type's own policies, the most specific that covers the output's version
# (reviews/versions.py: a scoped policy before a generic one); else, the same among the default
# policies (task type "*"). A task type has one policy per scope, so there is never a tie.

PolicySet = Mapping[str, Sequence[Policy]]


def policies_ranked(policies: Iterable[Policy]) -> list[Policy]:
    """``policies`` most specific first (the order :func:`policy_pick` tries them in)."""
    return sorted(policies, key=lambda policy: scope_precedence(policy.scope), reverse=True)


def policies_by_task_type() -> dict[str, list[Policy]]:
    """Every policy, by task type, most specific first (a handful of rows), for callers that
    resolve many records."""
    grouped: dict[str, list[Policy]] = defaultdict(list)
    for policy in Policy.objects.all():
        grouped[policy.task_type].append(policy)
    return {task_type: policies_ranked(group) for task_type, group in grouped.items()}


def policy_pick(policies: PolicySet, *task_types: str, version: VersionKey = UNVERSIONED) -> Policy | None:
    """From policies already loaded (:func:`policies_by_task_type`): of the first of ``task_types``
    (blank ones skipped) that has a policy covering ``version``, the most specific; else the default
    one's; else None."""
    for task_type in (*task_types, DEFAULT_TASK_TYPE):
        for policy in policies.get(task_type, ()) if task_type else ():
            if scope_matches(policy.scope, version):
                return policy
    return None


def policy_find(task_type: str, version: VersionKey | None = None) -> Policy | None:
    """The policy governing an output of ``task_type`` and ``version`` (None: naming none), else None:
    one query, nothing written."""
    loaded = Policy.objects.filter(task_type__in={task_type, DEFAULT_TASK_TYPE})
    grouped: dict[str, list[Policy]] = defaultdict(list)
    for policy in loaded:
        grouped[policy.task_type].append(policy)
    return policy_pick({name: policies_ranked(group) for name, group in grouped.items()}, task_type,
                       version=version or UNVERSIONED)


def policy_for(task_type: str, version: VersionKey | None = None) -> Policy:
    """The policy a record of ``task_type`` (and ``version``) is checked, decided and executed under:
    as :func:`policy_find`, making the default policy (generic, with the model's defaults) if none covers it."""
    found = policy_find(task_type, version)
    if found is not None:
        return found
    return Policy.objects.get_or_create(task_type=DEFAULT_TASK_TYPE, **version_filter(UNVERSIONED))[0]


def policy_of(proposal: Proposal) -> Policy:
    """The policy governing ``proposal`` now: its task type's, for its version (:func:`policy_for`)."""
    return policy_for(proposal.task_type, version_of(proposal))


def scope_q(policy: Policy) -> Q:
    """The outputs ``policy``'s scope covers (its named parts, compared exactly)."""
    return Q(**{name: value for name, value in zip(VERSION_FIELDS, policy.scope, strict=True) if value})


def policy_governs(policy: Policy, policies: PolicySet) -> Q:
    """A filter of the proposals ``policy`` governs by the rule of :func:`policy_pick`, among
    ``policies`` (a candidate with unsaved values in place of its saved row): its task type's (or, for a
    default policy, those of every task type none of whose own policies covers them) that its scope
    covers and no more specific policy of its task type does."""
    covered = scope_q(policy)
    for other in policies.get(policy.task_type, ()):
        if other is policy or (policy.pk is not None and other.pk == policy.pk) or other.scope == policy.scope:
            continue
        if scope_precedence(other.scope) > scope_precedence(policy.scope):
            covered &= ~scope_q(other)
    if policy.task_type != DEFAULT_TASK_TYPE:
        return Q(task_type=policy.task_type) & covered
    for task_type, group in policies.items():
        if task_type != DEFAULT_TASK_TYPE:
            for other in group:
                covered &= ~(Q(task_type=task_type) & scope_q(other))
    return covered


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
