"""Reads of the CRM that checks need, made before any row lock is taken, batched across proposals."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache

from ..conf import hitlcrm_settings
from ..models import Proposal

logger = logging.getLogger(__name__)

# Fields checks read besides the proposed ones (do-not-contact flags).
CONTACT_FLAGS = {"Contact": ["HasOptedOutOfEmail", "DoNotCall"], "Lead": ["HasOptedOutOfEmail", "DoNotCall"]}


def salesforce_configured() -> bool:
    return bool(
        (hitlcrm_settings.SALESFORCE_INSTANCE_URL and hitlcrm_settings.SALESFORCE_SESSION_ID)
        or hitlcrm_settings.SALESFORCE_USERNAME
        or hitlcrm_settings.SALESFORCE_CONSUMER_KEY
    )


def crm_fields_to_read(proposal: Proposal, field_changes: Iterable[Any] | None = None) -> list[str]:
    """The CRM fields a proposal's checks read. ``field_changes``: its field rows, when they are not
    saved (a preflight)."""
    fields = list(CONTACT_FLAGS.get(proposal.crm_object, []))
    if not proposal.is_email:
        changes = proposal.field_changes.all() if field_changes is None else field_changes
        fields += [change.field for change in changes]
    return list(dict.fromkeys(fields))


def crm_context_gather(proposal: Proposal, *, cached: bool = True) -> dict[str, Any]:
    """The CRM record's current values for one proposal; see :func:`crm_contexts_gather`."""
    return crm_contexts_gather([proposal], cached=cached)[proposal.pk]


def crm_context_preview(proposal: Proposal, field_changes: list[Any]) -> dict[str, Any]:
    """The CRM context of an unsaved proposal and its unsaved field rows (a preflight): the same reads
    as :func:`crm_contexts_gather`, keyed by nothing since the proposal has no id."""
    return crm_contexts_gather([proposal], fields_of=lambda p: crm_fields_to_read(p, field_changes))[proposal.pk]


def crm_contexts_gather(
    proposals: Iterable[Proposal], *, fields_of: Callable[[Proposal], list[str]] = crm_fields_to_read,
    cached: bool = True,
) -> dict[int, dict[str, Any]]:
    """Each proposal's CRM record as CheckContext keyword arguments (``crm_record``, ``crm_error``,
    ``describe``), keyed by proposal id, read in batches: per CRM object one describe (cached) and
    one SOQL query per 200 records, for the fields any of them needs. Each proposal sees only the
    fields it needs (its proposed fields, and the do-not-contact flags).

    A transient Salesforce error propagates (the task retries); a permanent one (unknown object or
    field) is reported to the checks as ``crm_error``, as is a record that does not exist.
    ``cached=False`` reads the do-not-contact flags from the CRM even when they are cached (and
    caches what it read).
    """
    contexts: dict[int, dict[str, Any]] = {}
    by_object: dict[str, list[Proposal]] = defaultdict(list)
    configured = salesforce_configured()
    for proposal in proposals:
        if not proposal.crm_object or not proposal.crm_id or not configured:
            contexts[proposal.pk] = {"crm_record": None, "crm_error": "" if proposal.crm_id else "no CRM record given"}
            continue
        # An email draft only needs the recipient's do-not-contact flags: cached briefly, so a batch of
        # drafts to one person costs one read (sending re-reads the opt-out before anything goes out).
        flags = cache.get(_flags_key(proposal)) if proposal.is_email and cached else None
        if flags is not None:
            contexts[proposal.pk] = {"crm_record": flags}
        else:
            by_object[proposal.crm_object].append(proposal)
    for crm_object, group in by_object.items():
        contexts.update(_object_contexts(crm_object, group, fields_of))
    return contexts


def _flags_key(proposal: Proposal) -> str:
    return f"hitlcrm:crm-flags:{proposal.crm_object}:{proposal.crm_id}"


def _object_contexts(crm_object: str, proposals: list[Proposal],
                     fields_of: Callable[[Proposal], list[str]]) -> dict[int, dict[str, Any]]:
    from integrations.salesforce.describe import describe_object
    from integrations.salesforce.errors import SalesforcePermanentError
    from integrations.salesforce.ids import is_valid_id, to_18
    from integrations.salesforce.records import read_records

    contexts: dict[int, dict[str, Any]] = {}
    readable = []
    for proposal in proposals:
        if is_valid_id(proposal.crm_id):
            readable.append(proposal)
        else:
            contexts[proposal.pk] = {"crm_record": None, "crm_error": f"{proposal.crm_id!r} is not a Salesforce id"}
    try:
        describe = describe_object(crm_object)
        # Salesforce's own spelling of each field (API names are case-insensitive; an allow-list
        # or an agent may spell one otherwise): the record read back uses that spelling.
        wanted = {proposal.pk: [spec.name for spec in map(describe.field, fields_of(proposal)) if spec]
                  for proposal in readable}
        fields = list(dict.fromkeys(name for names in wanted.values() for name in names))
        records = read_records(crm_object, [proposal.crm_id for proposal in readable], fields or ["Id"])
    except SalesforcePermanentError as exc:
        return {**contexts, **{proposal.pk: {"crm_record": None, "crm_error": str(exc)} for proposal in readable}}
    for proposal in readable:
        found = records.get(to_18(proposal.crm_id))
        if found is None:
            contexts[proposal.pk] = {"crm_record": None, "describe": describe,
                                     "crm_error": f"{crm_object} {proposal.crm_id} was not found in the CRM"}
            continue
        own = {name.lower() for name in ["Id", *wanted[proposal.pk]]}
        record = {name: value for name, value in found.items() if name.lower() in own}
        if proposal.is_email:
            cache.set(_flags_key(proposal), record, hitlcrm_settings.CRM_FLAGS_CACHE_SECONDS)
        contexts[proposal.pk] = {"crm_record": record, "describe": describe}
    return contexts
