"""Reads of the CRM that checks need, made before any row lock is taken, batched across proposals;
and the current values a review page shows beside the snapshot (``crm_values_now``)."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from ..conf import hitlcrm_settings
from ..crm import crm_configured, describe_object, is_valid_id, normalise_id, opted_out_records, read_records
from ..kinds import kind_of
from ..models import Proposal
from ..models.mail import normalise_address

logger = logging.getLogger(__name__)

# Fields checks read besides the proposed ones (do-not-contact flags).
# The country fields feed the lawful-basis check; a field the org lacks is simply not read.
CONTACT_FLAGS = {"Contact": ["HasOptedOutOfEmail", "DoNotCall", "MailingCountry"],
                 "Lead": ["HasOptedOutOfEmail", "DoNotCall", "Country"]}


def crm_fields_to_read(proposal: Proposal, field_changes: Iterable[Any] | None = None) -> list[str]:
    """The CRM fields a proposal's checks read. ``field_changes``: its field rows, when they are not
    saved (a preflight)."""
    fields = list(CONTACT_FLAGS.get(proposal.crm_object, []))
    if kind_of(proposal).writes_crm_fields:
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
    fields it needs (its proposed fields, and the do-not-contact flags). Email drafts also get
    ``crm_opt_outs``: who across the org holds a recipient's address and opted out
    (:func:`recipients_opted_out`, one look-up for the batch), or ``crm_opt_outs_error``.

    A transient Salesforce error propagates (the task retries); a permanent one (unknown object or
    field) is reported to the checks as ``crm_error``, as is a record that does not exist.
    ``cached=False`` reads the do-not-contact flags from the CRM even when they are cached (and
    caches what it read).
    """
    proposals = list(proposals)
    contexts: dict[int, dict[str, Any]] = {}
    by_object: dict[str, list[Proposal]] = defaultdict(list)
    configured = crm_configured()
    for proposal in proposals:
        if not proposal.crm_object or not proposal.crm_id or not configured:
            contexts[proposal.pk] = {"crm_record": None, "crm_error": "" if proposal.crm_id else "no CRM record given"}
            continue
        # An email draft only needs the recipient's do-not-contact flags: cached briefly, so a batch of
        # drafts to one person costs one read (sending re-reads the opt-out before anything goes out).
        flags = cache.get(_flags_key(proposal)) if kind_of(proposal).sends_email and cached else None
        if flags is not None:
            contexts[proposal.pk] = {"crm_record": flags}
        else:
            by_object[proposal.crm_object].append(proposal)
    for crm_object, group in by_object.items():
        contexts.update(_object_contexts(crm_object, group, fields_of))
    emails = {proposal.pk: proposal.recipients for proposal in proposals if kind_of(proposal).sends_email}
    if configured and emails:
        from ..crm import CrmPermanentError

        # Anyone in the org holding a recipient's address who opted out: one look-up for the batch.
        try:
            for pk, by_address in recipients_opted_out(emails, cached=cached).items():
                contexts[pk]["crm_opt_outs"] = by_address
        except CrmPermanentError as exc:
            for pk in emails:
                contexts[pk]["crm_opt_outs_error"] = str(exc)
    return contexts


def _opt_outs_key(address: str) -> str:
    return f"hitlcrm:crm-opt-outs:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def recipients_opted_out(addresses: Mapping[Hashable, Iterable[str]], *,
                         cached: bool = True) -> dict[Hashable, dict[str, list[Any]]]:
    """For each key's recipient addresses: the CRM records across the org (Leads, converted or not,
    Contacts, Person Accounts) that hold the address and opted out of email, by normalised address
    (``[]`` for none), read with one :func:`reviews.crm.opted_out_records` call.

    What was read is cached per address ``HITLCRM_CRM_FLAGS_CACHE_SECONDS``, like the named record's
    flags; ``cached=False`` (sending) reads them all from the CRM. CRM errors propagate.
    """
    wanted = {key: [a for a in dict.fromkeys(map(normalise_address, some)) if a] for key, some in addresses.items()}
    every = {address for some in wanted.values() for address in some}
    found: dict[str, list[Any]] = {}
    if cached:
        known = cache.get_many([_opt_outs_key(address) for address in every])
        found = {address: known[_opt_outs_key(address)] for address in every if _opt_outs_key(address) in known}
    missing = every - set(found)
    if missing:
        read = opted_out_records(missing)
        fresh = {address: read.get(address, []) for address in missing}
        cache.set_many({_opt_outs_key(address): records for address, records in fresh.items()},
                       hitlcrm_settings.CRM_FLAGS_CACHE_SECONDS)
        found.update(fresh)
    return {key: {address: found[address] for address in some} for key, some in wanted.items()}


def _flags_key(proposal: Proposal) -> str:
    return f"hitlcrm:crm-flags:{proposal.crm_object}:{proposal.crm_id}"


def _object_contexts(crm_object: str, proposals: list[Proposal],
                     fields_of: Callable[[Proposal], list[str]]) -> dict[int, dict[str, Any]]:
    from ..crm import CrmPermanentError

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
    except CrmPermanentError as exc:
        return {**contexts, **{proposal.pk: {"crm_record": None, "crm_error": str(exc)} for proposal in readable}}
    for proposal in readable:
        found = records.get(normalise_id(proposal.crm_id))
        if found is None:
            contexts[proposal.pk] = {"crm_record": None, "describe": describe,
                                     "crm_error": f"{crm_object} {proposal.crm_id} was not found in the CRM"}
            continue
        own = {name.lower() for name in ["Id", *wanted[proposal.pk]]}
        record = {name: value for name, value in found.items() if name.lower() in own}
        if kind_of(proposal).sends_email:
            cache.set(_flags_key(proposal), record, hitlcrm_settings.CRM_FLAGS_CACHE_SECONDS)
        contexts[proposal.pk] = {"crm_record": record, "describe": describe}
    return contexts


@dataclass(frozen=True)
class CrmNow:
    """A CRM change's record as the CRM holds it now, for its review page: ``values`` (field name,
    lower case -> value; None when it could not be read) or ``error``, why not."""

    values: dict[str, Any] | None
    error: str = ""
    read_at: datetime | None = None


def crm_values_now(proposal: Proposal) -> CrmNow:
    """The current CRM values of a CRM change's fields, read through :func:`crm_contexts_gather`
    (one SOQL query) and cached ``HITLCRM_CRM_NOW_CACHE_SECONDS`` per record (object and id), so a
    page opened again, or the record's other changes, read nothing more meanwhile. Never raises: a
    Salesforce failure of any kind is the ``error``, and the page shows it."""
    from ..crm import CrmError

    if not proposal.crm_id:
        return CrmNow(None, "no CRM record given")
    if not crm_configured():
        return CrmNow(None, "Salesforce is not configured")
    wanted = {change.field.lower() for change in proposal.field_changes.all()}
    record_id = normalise_id(proposal.crm_id)
    key = f"hitlcrm:crm-now:{proposal.crm_object}:{record_id}"
    cached = cache.get(key)
    if cached is not None and wanted <= set(cached["covers"]):
        return CrmNow(cached["values"], read_at=cached["read_at"])
    try:
        context = crm_contexts_gather([proposal])[proposal.pk]
    except CrmError as exc:  # transient ones too: the page shows why, and opens anyway
        return CrmNow(None, str(exc) or type(exc).__name__)
    record = context.get("crm_record")
    if record is None:
        return CrmNow(None, context.get("crm_error") or "the record was not found")
    values = {name.lower(): value for name, value in record.items()}
    read_at = timezone.now()
    # "covers": the fields asked for, read or not (one the describe does not know is not read again);
    # what another change to the record had read stays alongside.
    earlier = cached or {"values": {}, "covers": []}
    cache.set(key, {"values": {**earlier["values"], **values}, "read_at": read_at,
                    "covers": sorted(wanted | set(values) | set(earlier["covers"]))},
              hitlcrm_settings.CRM_NOW_CACHE_SECONDS)
    return CrmNow(values, read_at=read_at)
