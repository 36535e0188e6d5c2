"""Finding a record by anything a reviewer remembers of it: a name, a company, a word of the subject,
an address, an id or a reference.

Each record keeps ``Proposal.search_text``: the text of its searchable parts, case-folded and with
its whitespace collapsed, written whenever the record's content is (submission, rescue, golden
copies). What is searchable is the kind's to say (``Kind.search_parts``: an email's recipients,
subject and body; a CRM change's fields and values), plus what every record has (its ids and
references, the company, the evidence and the assumptions).

A search is one filter, :func:`proposals_search`, used by the console's queue (and its "next item")
and by the API's ``q`` parameter. Every term of the query must occur in the record (a substring,
so "hamil" finds Hamilton and "0000abc" a part of an id); "quoted words" form one term. On
PostgreSQL a GIN trigram index on the column (migration 0018) answers ``LIKE '%term%'`` without
reading the table; SQLite reads the column of every row the other filters leave, which is fine at
the sizes SQLite serves.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

# A trigram index answers a substring only from three characters on; a shorter term would read every
# row, so it is left out (a number still finds the record of that id).
MIN_TERM = 3
# The stored text is for finding a record, not for reading it: an unusually long body is cut here so
# one record cannot bloat the index (the subject, recipients and ids come first and are always kept).
MAX_TEXT = 20_000
MAX_TERMS = 10
# Up to this many records left by the other filters (the planner's estimate), terms are tested on those
# records rather than looked up in the trigram index (:func:`_scan_few`).
FEW_ROWS = 20_000
_TERM = re.compile(r'"([^"]+)"|(\S+)')
_SPACE = re.compile(r"\s+")


def normalise(text: Any) -> str:
    """Text as it is stored and compared: NFKC, case-folded, whitespace collapsed to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", str(text)).casefold()).strip()


def _strings(value: Any) -> Iterable[str]:
    """Every string, number and key inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def search_text_of(proposal: Any, field_changes: list[Any] | None = None) -> str:
    """The text a record is found by (see the module's docstring). ``field_changes``: its CRM field
    rows when they are not saved yet (at submission); otherwise they are read from the record."""
    from .kinds import kind_of

    if field_changes is None:
        field_changes = list(proposal.field_changes.all()) if proposal.pk else []
    parts = [proposal.external_ref, proposal.crm_object, proposal.crm_id, proposal.company_name,
             *kind_of(proposal).search_parts(proposal, field_changes),
             *_strings(proposal.evidence), *_strings(proposal.assumptions)]
    return normalise(" ".join(part for part in parts if part))[:MAX_TEXT]


def search_text_refresh(proposal: Any, field_changes: list[Any] | None = None) -> list[str]:
    """Set ``proposal.search_text`` from its content; returns the field to save (for ``update_fields``)."""
    proposal.search_text = search_text_of(proposal, field_changes)
    return ["search_text"]


def search_terms(query: str) -> list[str]:
    """The terms of a query, normalised: words, or "quoted phrases" kept as one term."""
    terms = []
    for phrase, word in _TERM.findall(query or ""):
        term = normalise(phrase or word)
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def rows_estimate(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's own row estimate for a query (from pg_class.reltuples and column statistics);
    None on other databases."""
    if connection.vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _scan_few(queryset: QuerySet[Any]) -> bool:
    """Whether the records the other filters leave are few (a queue of waiting items, say), so each
    term is better tested on them (``strpos``, which the trigram index cannot serve) than found
    through the trigram index among every record of the table and intersected with them."""
    if not queryset.query.where:
        return False
    estimate = rows_estimate(queryset)
    return estimate is not None and estimate <= FEW_ROWS


def _contains(term: str, *, scan: bool) -> Q:
    if scan:  # the same test as LIKE '%term%' (the term is never empty)
        return Q(GreaterThan(StrIndex("search_text", Value(term)), 0))
    return Q(search_text__contains=term)


def proposals_search(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """The records of ``queryset`` that contain every term of ``query``; a number also matches the
    record of that id. Terms shorter than :data:`MIN_TERM` that are not numbers are left out
    (:func:`search_short_terms` names them). A query with no term left changes nothing."""
    condition = Q()
    terms = search_terms(query)
    scan = any(len(term) >= MIN_TERM for term in terms) and _scan_few(queryset)
    for term in terms:
        if len(term) >= MIN_TERM:
            match = _contains(term, scan=scan)
            # Only the primary key beside the text: an OR with an unindexed column would read every row.
            condition &= match | Q(pk=int(term)) if term.isdigit() and len(term) < 19 else match
        elif term.isdigit():
            condition &= Q(pk=int(term))
    return queryset.filter(condition) if condition else queryset


def search_short_terms(query: str) -> list[str]:
    """The terms of ``query`` a search leaves out (too short to search for, and not an id)."""
    return [term for term in search_terms(query) if len(term) < MIN_TERM and not term.isdigit()]
