"""Who a proposal is about: the CRM record's identity (name, email, title, company, owner, email
opt-out, its link in the CRM) for the queue, the review page and the record's timeline.

Read in one batch for a whole page (``reviews.crm.record_identities``: one query per CRM object and
up to 200 ids) and cached ``HITLCRM_CRM_IDENTITY_CACHE_SECONDS`` under one key per record, read and
written for the page at once (``get_many``/``set_many``), so a page costs the same few cache and CRM
requests however many rows it has, and a review page opened from a queue page finds its record in
the cache that page filled. Never raises: when the CRM cannot answer, each record keeps its raw id
and the page says the CRM is unavailable, and for a while no page asks again (each would wait for
the same timeout).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from ..conf import hitlcrm_settings
from ..crm import crm_configured, is_valid_id, normalise_id, record_identities
from ..kinds import kind_of

logger = logging.getLogger(__name__)

UNAVAILABLE = "CRM unavailable"
_DOWN_KEY = "hitlcrm:crm-identity:down"


@dataclass(frozen=True)
class CrmIdentity:
    """One record as the console shows it: ``record`` (the CRM's ``RecordIdentity``) when it was
    read, else ``problem`` says why not and the raw ``crm_object`` and ``crm_id`` stand in."""

    crm_object: str
    crm_id: str
    record: Any | None = None
    problem: str = ""

    @property
    def url(self) -> str:
        return getattr(self.record, "url", "") if self.record is not None else ""

    @property
    def label(self) -> str:
        """The record's name, or its object and id when the name is not known."""
        name = getattr(self.record, "name", "") if self.record is not None else ""
        return name or f"{self.crm_object} {self.crm_id}"

    @property
    def summary(self) -> str:
        """Title, company and owner in one line ("VP Sales · Woodgrove Bank · owner Sam Rep")."""
        record = self.record
        if record is None:
            return ""
        owner = f"owner {record.owner}" if getattr(record, "owner", "") else ""
        return " · ".join(part for part in (record.title, record.company, owner) if part)


Ref = tuple[str, str]


def _record_key(ref: Ref) -> str:
    # Hashed: an object name or an id as an agent sent it may hold what a cache key must not.
    digest = hashlib.sha256(f"{ref[0]}:{ref[1]}".encode()).hexdigest()[:40]
    return f"hitlcrm:crm-identity:{digest}"


def crm_identities(refs: Iterable[Ref]) -> dict[Ref, CrmIdentity]:
    """The identity of each (CRM object, record id), keyed by the ref as given (none at all when no
    CRM is configured). One cache read for the batch; for the records it misses, one
    ``record_identities`` call per object, and one cache write."""
    given = [(obj, rid) for obj, rid in dict.fromkeys(refs) if obj and rid]
    if not given:
        return {}
    if not crm_configured():
        return {}  # no CRM to ask: the console shows the raw ids, as it always did
    normalised = {ref: (ref[0], normalise_id(ref[1])) for ref in given}
    keys = {_record_key(ref): ref for ref in sorted(set(normalised.values()))}
    known = cache.get_many([*keys, _DOWN_KEY])
    if _DOWN_KEY in known:
        return {ref: CrmIdentity(*ref, problem=f"{UNAVAILABLE}: {known[_DOWN_KEY]}") for ref in given}
    # A record the CRM does not hold is cached too (as None): it is not asked for again meanwhile.
    found: dict[Ref, Any] = {keys[key]: value for key, value in known.items()}
    missing = [ref for key, ref in keys.items() if key not in known]
    if missing:
        read, down = _read(missing)
        if down:
            return {ref: CrmIdentity(*ref, problem=f"{UNAVAILABLE}: {down}") for ref in given}
        fresh = {ref: read.get(ref) for ref in missing}
        cache.set_many({_record_key(ref): value for ref, value in fresh.items()},
                       hitlcrm_settings.CRM_IDENTITY_CACHE_SECONDS)
        found.update(fresh)
    return {ref: _identity(ref, normalised[ref], found) for ref in given}


def _identity(ref: Ref, normal: Ref, found: dict[Ref, Any]) -> CrmIdentity:
    value = found.get(normal)
    if isinstance(value, str):  # why this object could not be read (an unknown object, a bad id)
        return CrmIdentity(*ref, problem=value)
    if value is None:
        return CrmIdentity(*ref, problem=f"{ref[0]} {ref[1]} was not found in the CRM")
    return CrmIdentity(*ref, record=value)


def _read(wanted: list[Ref]) -> tuple[dict[Ref, Any], str]:
    """Each ref's identity, or a string saying why it has none; and why the CRM is unreachable, if
    it is ("" when it answered), recorded for ``HITLCRM_CRM_IDENTITY_CACHE_SECONDS`` so that the next
    pages do not wait for it too."""
    from ..crm import CrmError, CrmPermanentError

    by_object: dict[str, list[str]] = defaultdict(list)
    found: dict[Ref, Any] = {}
    for crm_object, record_id in wanted:
        if is_valid_id(record_id):
            by_object[crm_object].append(record_id)
        else:
            found[(crm_object, record_id)] = f"{record_id!r} is not a CRM record id"
    for crm_object, ids in by_object.items():
        try:
            identities = record_identities(crm_object, ids)
        except CrmPermanentError as exc:  # this object cannot be read (unknown to the org): the others can
            found.update({(crm_object, record_id): str(exc) for record_id in ids})
            continue
        except CrmError as exc:  # unreachable, refused the login, over its limits: nothing more to ask now
            logger.warning("CRM record identities not read: %s", exc)
            down = str(exc) or type(exc).__name__
            cache.set(_DOWN_KEY, down, hitlcrm_settings.CRM_IDENTITY_CACHE_SECONDS)
            return {}, down
        found.update({(crm_object, record_id): identities[record_id] for record_id in ids if record_id in identities})
    return found, ""


def proposal_identities(proposals: Iterable[Any]) -> dict[int, CrmIdentity]:
    """The identity of the CRM record each proposal is about (``Kind.crm_record_ref``), keyed by
    proposal id, read in one batch; proposals about no record are absent."""
    refs = {proposal.pk: kind_of(proposal).crm_record_ref(proposal) for proposal in proposals}
    identities = crm_identities(ref for ref in refs.values() if ref)
    return {pk: identities[ref] for pk, ref in refs.items() if ref and ref in identities}


def proposal_identity(proposal: Any) -> CrmIdentity | None:
    """The identity of the one CRM record ``proposal`` is about, or None."""
    return proposal_identities([proposal]).get(proposal.pk)
