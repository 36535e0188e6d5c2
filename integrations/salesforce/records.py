"""Batched record reads and writes: plain data in, plain outcomes out (no Django models).

- ``read_records``: SOQL ``SELECT … WHERE Id IN (…)``, at most 200 ids per query and a query URL of at
  most ``MAX_QUERY_URL_BYTES`` (the org refuses a URI plus headers over 16,384 bytes with 414/431).
- ``push_updates``: conflict-checked updates (by id) and upserts (by external id) through sObject
  Collections, at most 200 records per request, ``allOrNone: false``.
- ``create_records``: inserts through sObject Collections (sent emails logged as completed Tasks).

Every write carries the caller's ``WriteOptions`` as request headers (by default: no assignment rule
runs, a duplicate is refused), one set per request, so items are batched per object and options.

Outcomes carry the org's API usage after the call and the number of HTTP requests the call made, for
the execution log.

sObject Collections: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote_plus

from .client import SalesforceClient, WriteOptions, count_requests, get_client
from .describe import (
    ObjectDescription,
    comparable_value,
    describe_object,
    field_problem,
    forget_description,
    json_value,
    parse_datetime,
)
from .errors import (
    SalesforceError,
    SalesforceInvalidInputError,
    SalesforcePermanentError,
    SalesforceTransientError,
    map_record_errors,
)
from .ids import is_valid_id, to_18
from .soql import check_identifier, check_identifiers, check_ids, quote, select

MAX_IDS_PER_QUERY = 200
# "In each REST call, the maximum length for the combined URI and headers is 16,384 bytes"
# (https://help.salesforce.com/s/articleView?id=000386264&type=1). A query URL stays near half of it,
# leaving the rest to the headers (session token, proxies). 200 LinkedIn URLs as external ids would
# make a 17 KB URL: IN-lists are chunked by encoded length as well as by count.
MAX_QUERY_URL_BYTES = 8_000
# "The list can contain up to 200 objects" (sObject Collections create/update/upsert).
MAX_RECORDS_PER_REQUEST = 200
# "The composite request can have up to 25 subrequests" (Composite resource).
MAX_SUBREQUESTS_PER_COMPOSITE = 25

DONE = "done"
CONFLICT = "conflict"
FAILED = "failed"
# A per-record transient error (e.g. UNABLE_TO_LOCK_ROW) from ``create_records``: that record was not
# created and may be sent again. (``push_updates`` raises instead, see there.)
RETRY = "retry"

# Whole-request errors that one record's content can cause: worth splitting the batch to isolate it.
_RECORD_SHAPED_ERRORS = frozenset(
    {
        "INVALID_FIELD",
        "JSON_PARSER_ERROR",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        "MALFORMED_ID",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "STRING_TOO_LONG",
    }
)


@dataclass(frozen=True)
class PushItem:
    """One record change. ``key`` is the caller's (e.g. a proposal id) and comes back on the outcome.

    ``fields``: API name -> value to write. ``expected``: API name -> the value the caller saw before
    (the conflict baseline); a field missing from ``expected`` is written without a conflict check.
    For an upsert set ``external_id_field`` and ``external_id_value`` (``crm_id`` may stay empty).
    ``options``: the org automation the write may trigger (none by default).
    ``strict``: write an existing record only if it did not change since it was read (sObject Rows with
    ``If-Unmodified-Since`` through Composite, 25 records a request, instead of one sObject Collections
    request per 200): closes the window between the read and the write, at eight times the requests.
    """

    key: Hashable
    crm_object: str
    crm_id: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)
    expected: Mapping[str, Any] = field(default_factory=dict)
    external_id_field: str = ""
    external_id_value: Any = None
    options: WriteOptions = field(default_factory=WriteOptions)
    strict: bool = False

    @property
    def is_upsert(self) -> bool:
        return bool(self.external_id_field)


@dataclass
class PushOutcome:
    """What happened to one item.

    ``status``: ``done`` (Salesforce holds the target values; ``written`` says whether this call wrote
    them), ``conflict`` (a field changed since the caller looked; ``current`` has Salesforce's values,
    ``fields`` the conflicting names), ``failed`` (a permanent error: ``error_code``/``message``) or,
    from ``create_records`` only, ``retry`` (a per-record transient error; the record was not created).
    ``api_usage`` is the org's (used, max) after the call; ``http_requests`` counts the call's requests.
    """

    key: Hashable
    status: str
    crm_id: str = ""
    current: dict[str, Any] = field(default_factory=dict)
    error_code: str = ""
    message: str = ""
    fields: tuple[str, ...] = ()
    written: bool = False
    created: bool = False
    api_usage: tuple[int, int] | None = None
    http_requests: int = 0

    @property
    def record_id(self) -> str:
        return self.crm_id

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the execution log."""
        return {
            "status": self.status,
            "crm_id": self.crm_id,
            "current": {name: json_value(None, value) for name, value in self.current.items()},
            "error_code": self.error_code,
            "message": self.message,
            "fields": list(self.fields),
            "written": self.written,
            "created": self.created,
            "api_usage": list(self.api_usage) if self.api_usage else None,
            "http_requests": self.http_requests,
        }


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plain(record: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name != "attributes"}


# --- reads ----------------------------------------------------------------------------------------


def _in_chunks(build: Callable[[str], str], literals: Sequence[str], url_bytes: Callable[[str], int]) -> Iterator[range]:
    """Index ranges of ``literals`` such that ``build(", ".join(chunk))`` is a query whose URL
    (``url_bytes``) is at most MAX_QUERY_URL_BYTES and which holds at most MAX_IDS_PER_QUERY literals.

    URL-encoding is per character, so each literal's cost is the length of its own encoding.
    A literal too long to fit even alone still gets its query (and the org's answer names it).
    """
    fixed = url_bytes(build(""))
    separator = len(quote_plus(", "))
    start = 0
    while start < len(literals):
        size, end = fixed + len(quote_plus(literals[start])), start + 1
        while end < len(literals) and end - start < MAX_IDS_PER_QUERY:
            cost = separator + len(quote_plus(literals[end]))
            if size + cost > MAX_QUERY_URL_BYTES:
                break
            size, end = size + cost, end + 1
        yield range(start, end)
        start = end


def _query_in(
    client: SalesforceClient, crm_object: str, fields: Sequence[str], key_field: str, literals: Sequence[str],
    *, include_deleted: bool = False, and_where: str = "",
) -> Iterator[tuple[range, list[dict[str, Any]]]]:
    """``SELECT fields FROM crm_object WHERE key_field IN (literals) [AND and_where]`` in chunks: (the
    chunk's indexes into ``literals``, the records it found), one query per chunk. ``and_where`` is
    built by the caller from checked names and literals only."""
    check_identifier(key_field, "field name")

    def build(joined: str) -> str:
        return select(crm_object, fields, f"{key_field} IN ({joined})" + (f" AND {and_where}" if and_where else ""))

    def url_bytes(soql: str) -> int:
        return client.query_url_bytes(soql, include_deleted=include_deleted)

    for span in _in_chunks(build, literals, url_bytes):
        soql = build(", ".join(literals[index] for index in span))
        yield span, [_plain(record) for record in client.query_all(soql, include_deleted=include_deleted)]


def _query_by_ids(
    client: SalesforceClient, crm_object: str, ids18: Sequence[str], fields: Sequence[str], *, include_deleted: bool
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    literals = [quote(value) for value in check_ids(ids18)]
    for _, records in _query_in(client, crm_object, fields, "Id", literals, include_deleted=include_deleted):
        found.update((to_18(record["Id"]), record) for record in records)
    return found


def read_records(crm_object: str, ids: Iterable[str], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Current values of ``fields`` for the records ``ids`` (15- or 18-character), keyed by 18-character id.

    Records that do not exist (or are deleted) are absent from the result. One SOQL query per 200 ids.
    A malformed object name, field name or id raises SalesforceInvalidInputError before any request.
    """
    check_identifier(crm_object, "object name")
    names = check_identifiers(["Id", *fields])
    ids18 = check_ids(list(ids))
    if not ids18:
        return {}
    return _query_by_ids(get_client(), crm_object, ids18, names, include_deleted=False)


# --- who opted out of email --------------------------------------------------------------------------

# Records that hold an email address and its opt-out flag: (object, address field, opt-out field, and a
# field that says what kind of record it is). Account only where the org has Person Accounts.
# https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-lead.html
# https://developer.salesforce.com/docs/atlas.en-us.244.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Account.htm
_OPT_OUT_SOURCES = (
    ("Lead", "Email", "HasOptedOutOfEmail", "IsConverted"),
    ("Contact", "Email", "HasOptedOutOfEmail", ""),
    ("Account", "PersonEmail", "PersonHasOptedOutOfEmail", "IsPersonAccount"),
)


@dataclass(frozen=True)
class OptedOutRecord:
    """A Lead, Contact or Person Account that holds an address and opted out of email."""

    crm_object: str
    crm_id: str
    converted: bool = False  # a converted Lead: still in the org, still the person's recorded wish

    def label(self) -> str:
        kind = " (converted)" if self.converted else " (person account)" if self.crm_object == "Account" else ""
        return f"{self.crm_object} {self.crm_id}{kind}"


def opted_out_records(addresses: Iterable[str]) -> dict[str, list[OptedOutRecord]]:
    """Every Lead and Contact (and Person Account, where Account's describe has ``PersonEmail``) that holds
    one of ``addresses`` and opted out of email, keyed by the address in lower case; addresses nobody
    opted out for are absent. Converted Leads count (no ``IsConverted`` filter), as do duplicates.

    One SOQL query per object per chunk of addresses (chunked by count and encoded URL length), for a
    whole batch. SOQL compares text case-insensitively, so ``Ada@X`` in the org matches ``ada@x``.
    """
    wanted = sorted({str(address).strip().lower() for address in addresses if str(address or "").strip()})
    if not wanted:
        return {}
    client = get_client()
    literals = [quote(address) for address in wanted]
    found: dict[str, list[OptedOutRecord]] = defaultdict(list)
    for crm_object, address_field, flag, kind_field in _OPT_OUT_SOURCES:
        if crm_object == "Account" and describe_object("Account").field(address_field) is None:
            continue  # no Person Accounts in this org: the field does not exist, the query would fail
        fields = ["Id", address_field, *([kind_field] if kind_field else [])]
        for _, records in _query_in(client, crm_object, fields, address_field, literals, and_where=f"{flag} = true"):
            for record in records:
                if crm_object == "Account" and not record.get("IsPersonAccount"):
                    continue
                found[str(record.get(address_field) or "").strip().lower()].append(
                    OptedOutRecord(crm_object, to_18(record["Id"]), converted=bool(record.get("IsConverted"))))
    return dict(found)


def opted_out_reason(by_address: Mapping[str, Sequence[OptedOutRecord]]) -> str:
    """One sentence naming who opted out: "Lead 00Q… (converted) holds ada@… and opted out of email"."""
    parts = [f"{', '.join(record.label() for record in records)} {'holds' if len(records) == 1 else 'hold'} {address}"
             for address, records in sorted(by_address.items()) if records]
    return f"{'; '.join(parts)} and opted out of email" if parts else ""


# --- writes ---------------------------------------------------------------------------------------


def _failed(key: Hashable, error: SalesforceError, *, crm_id: str = "") -> PushOutcome:
    status = RETRY if isinstance(error, SalesforceTransientError) else FAILED
    return PushOutcome(
        key, status, crm_id=crm_id, error_code=error.error_code, message=error.message, fields=tuple(error.fields)
    )


def _invalid(key: Hashable, code: str, message: str, *, crm_id: str = "", fields: Iterable[str] = ()) -> PushOutcome:
    return PushOutcome(key, FAILED, crm_id=crm_id, error_code=code, message=message, fields=tuple(fields))


def _conflict(key: Hashable, record_id: str, current: Mapping[str, Any], conflicts: Iterable[str]) -> PushOutcome:
    """Fields changed in Salesforce since the proposal's snapshot: nothing of the record is written."""
    names = tuple(conflicts)
    return PushOutcome(key, CONFLICT, crm_id=record_id, current=current, error_code="CONFLICT", fields=names,
                       message=f"changed in Salesforce since the proposal was made: {', '.join(names)}")


def _record_outcome(
    key: Hashable, result: Mapping[str, Any], record: Mapping[str, Any], values: Mapping[str, Any]
) -> PushOutcome:
    if result.get("success"):
        record_id = str(result.get("id") or "")
        return PushOutcome(
            key,
            DONE,
            crm_id=to_18(record_id) if is_valid_id(record_id) else record_id,
            current=dict(values),
            written=True,
            created=bool(result.get("created")),
        )
    record_id = str(result.get("id") or record.get("id") or "")  # the failed record, named in the log
    crm_id = to_18(record_id) if is_valid_id(record_id) else record_id
    return _failed(key, map_record_errors(result.get("errors") or ()), crm_id=crm_id)


def _send(
    client: SalesforceClient,
    method: str,
    path: str,
    batch: Sequence[tuple[Hashable, dict[str, Any], Mapping[str, Any]]],
    outcomes: dict[Hashable, PushOutcome],
    options: WriteOptions,
) -> None:
    """Send (key, JSON record, values) triples in one sObject Collections request, ``allOrNone: false``,
    with the ``options`` headers.

    Whole-request failures: a transient one propagates (the caller retries; pushes are idempotent, see
    ``push_updates``). A permanent one that a single record's content can cause (an unknown field, a
    value of the wrong JSON type: Salesforce refuses the whole body for those) is isolated by splitting
    the batch in halves; any other permanent one fails every record of the batch.
    """
    try:
        results = client.restful(
            path,
            method=method,
            json={"allOrNone": False, "records": [record for _, record, _ in batch]},
            headers=options.headers(),
        )
    except SalesforcePermanentError as error:
        if len(batch) > 1 and error.error_code in _RECORD_SHAPED_ERRORS:
            middle = len(batch) // 2
            _send(client, method, path, batch[:middle], outcomes, options)
            _send(client, method, path, batch[middle:], outcomes, options)
            return
        for key, record, _ in batch:
            outcomes[key] = _failed(key, error, crm_id=str(record.get("id") or ""))
        return
    if not isinstance(results, list) or len(results) != len(batch):
        error = SalesforcePermanentError(
            f"unexpected sObject Collections response: {results!r:.300}", error_code="UNEXPECTED_RESPONSE"
        )
        for key, record, _ in batch:
            outcomes[key] = _failed(key, error, crm_id=str(record.get("id") or ""))
        return
    for (key, record, values), result in zip(batch, results, strict=True):
        outcomes[key] = _record_outcome(key, result, record, values)


def _compare(
    description: ObjectDescription, item: PushItem, record: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(current values of the item's fields, fields whose value differs from the target, conflicting fields)."""
    current: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    conflicts: list[str] = []
    for name, target in item.fields.items():
        spec = description.field(name)
        canonical = spec.name if spec else name
        now = record.get(canonical)
        current[canonical] = now
        if comparable_value(spec, now) == comparable_value(spec, target):
            continue  # already the target (e.g. written before a crash): nothing to write, no conflict
        changed[canonical] = target
        if name in item.expected and comparable_value(spec, now) != comparable_value(spec, item.expected[name]):
            conflicts.append(canonical)
    return current, changed, conflicts


def _payload(description: ObjectDescription, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: json_value(description.field(name), value) for name, value in values.items()}


@dataclass
class _Write:
    """One record to write after its read: the item, its JSON for sObject Collections, the values it
    leaves, and for a strict write the record's id and the LastModifiedDate read with the values."""

    item: PushItem
    record_json: dict[str, Any]
    values: Mapping[str, Any]
    record_id: str = ""
    last_modified: Any = None

    @property
    def strict(self) -> bool:
        return self.item.strict and bool(self.record_id) and self.last_modified is not None


def _read_fields(items: Sequence[PushItem], *extra: str) -> list[str]:
    # LastModifiedDate: the baseline of a strict write's If-Unmodified-Since.
    return check_identifiers(["Id", *extra, "LastModifiedDate", *(name for item in items for name in item.fields)])


def _write(
    client: SalesforceClient,
    description: ObjectDescription,
    path: str,
    writes: Sequence[_Write],
    outcomes: dict[Hashable, PushOutcome],
    options: WriteOptions,
) -> None:
    """Write one chunk: plain writes in one sObject Collections PATCH (``path``), strict ones as sObject
    Rows PATCHes with ``If-Unmodified-Since`` through Composite."""
    plain = [(write.item.key, write.record_json, write.values) for write in writes if not write.strict]
    for batch in _chunks(plain, MAX_RECORDS_PER_REQUEST):
        _send(client, "PATCH", path, batch, outcomes, options)
    strict = [write for write in writes if write.strict]
    if strict:
        _write_strictly(client, description, strict, outcomes, options)


def _http_date(value: Any) -> str:
    """A LastModifiedDate as an HTTP date (to the second, as the org keeps it)."""
    moment = parse_datetime(value)
    if moment is None:
        raise SalesforcePermanentError(f"LastModifiedDate {value!r} is not a date and time",
                                       error_code="UNEXPECTED_RESPONSE")
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def _write_strictly(
    client: SalesforceClient,
    description: ObjectDescription,
    writes: Sequence[_Write],
    outcomes: dict[Hashable, PushOutcome],
    options: WriteOptions,
) -> None:
    """sObject Rows PATCHes, 25 per Composite request, each with ``If-Unmodified-Since`` set to the
    LastModifiedDate read with the values compared: the org refuses (412) a write to a record that
    changed since, whatever field changed. A refused record is read again: a field to write that moved
    is a conflict; otherwise (another field changed) it is written once more against the new date, and
    a second refusal is a conflict too (the record keeps changing).

    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
    """
    version = client.config.api_version
    pending = list(writes)
    for attempt in (1, 2):
        refused: list[_Write] = []
        for batch in _chunks(pending, MAX_SUBREQUESTS_PER_COMPOSITE):
            subrequests = [
                {
                    "method": "PATCH",
                    "url": f"/services/data/v{version}/sobjects/{description.name}/{write.record_id}",
                    "referenceId": f"r{number}",
                    "body": {name: value for name, value in write.record_json.items() if name not in ("attributes", "id")},
                    # Subrequests inherit only Accept, Authorization and Content-Type: the write options
                    # travel with each one.
                    "httpHeaders": {"If-Unmodified-Since": _http_date(write.last_modified), **options.headers()},
                }
                for number, write in enumerate(batch)
            ]
            answer = client.restful("composite", method="POST",
                                    json={"allOrNone": False, "compositeRequest": subrequests},
                                    headers=options.headers())
            results = (answer or {}).get("compositeResponse") if isinstance(answer, Mapping) else None
            if not isinstance(results, list) or len(results) != len(batch):
                error = SalesforcePermanentError(f"unexpected Composite response: {answer!r:.300}",
                                                 error_code="UNEXPECTED_RESPONSE")
                for write in batch:
                    outcomes[write.item.key] = _failed(write.item.key, error, crm_id=write.record_id)
                continue
            for write, result in zip(batch, results, strict=True):
                status = int(result.get("httpStatusCode") or 0)
                if 200 <= status < 300:
                    outcomes[write.item.key] = PushOutcome(write.item.key, DONE, crm_id=write.record_id,
                                                           current=dict(write.values), written=True)
                elif status == 412:
                    refused.append(write)
                else:
                    body = result.get("body")
                    errors = body if isinstance(body, list) else [body] if isinstance(body, Mapping) else []
                    outcomes[write.item.key] = _failed(
                        write.item.key, map_record_errors(errors, status=status), crm_id=write.record_id)
        if not refused:
            return
        records = _query_by_ids(client, description.name, [write.record_id for write in refused],
                                _read_fields([write.item for write in refused]), include_deleted=False)
        pending = []
        for write in refused:
            record = records.get(write.record_id)
            if record is None:
                outcomes[write.item.key] = _invalid(write.item.key, "ENTITY_IS_DELETED", f"{description.name} "
                                                    f"{write.record_id} was deleted", crm_id=write.record_id)
                continue
            current, changed, conflicts = _compare(description, write.item, record)
            if not changed:
                outcomes[write.item.key] = PushOutcome(write.item.key, DONE, crm_id=write.record_id, current=current)
            elif conflicts or attempt == 2:
                names = conflicts or list(changed)
                outcome = _conflict(write.item.key, write.record_id, current, names)
                outcome.message = (f"{description.name} {write.record_id} changed in Salesforce between hitlcrm's read "
                                   f"and its write (HTTP 412 on If-Unmodified-Since): {', '.join(names)}")
                outcomes[write.item.key] = outcome
            else:
                pending.append(_Write(write.item, write.record_json, {**current, **changed}, write.record_id,
                                      record.get("LastModifiedDate")))
        if not pending:
            return


def _push_updates_by_id(
    client: SalesforceClient,
    description: ObjectDescription,
    items: Sequence[PushItem],
    outcomes: dict[Hashable, PushOutcome],
    options: WriteOptions,
) -> None:
    """Read, compare and write one chunk of records at a time (at most 200 and a query URL of ~8 KB):
    a record's read and its write are one chunk apart, not the whole batch."""
    ids18 = [to_18(item.crm_id) for item in items]
    fields = _read_fields(items, "IsDeleted")
    literals = [quote(record_id) for record_id in ids18]
    # queryAll includes deleted records, so a deleted target is reported as such (not as "not found").
    for span, rows in _query_in(client, description.name, fields, "Id", literals, include_deleted=True):
        records = {to_18(record["Id"]): record for record in rows}
        writes: list[_Write] = []
        for index in span:
            item, record_id = items[index], ids18[index]
            record = records.get(record_id)
            if record is None:
                outcomes[item.key] = _invalid(
                    item.key, "NOT_FOUND", f"{description.name} {record_id} does not exist", crm_id=record_id
                )
                continue
            if record.get("IsDeleted"):
                outcomes[item.key] = _invalid(
                    item.key, "ENTITY_IS_DELETED", f"{description.name} {record_id} is deleted", crm_id=record_id
                )
                continue
            current, changed, conflicts = _compare(description, item, record)
            if not changed:
                outcomes[item.key] = PushOutcome(item.key, DONE, crm_id=record_id, current=current)
            elif conflicts:
                outcomes[item.key] = _conflict(item.key, record_id, current, conflicts)
            else:
                record_json = {"attributes": {"type": description.name}, "id": record_id,
                               **_payload(description, changed)}
                writes.append(_Write(item, record_json, {**current, **changed}, record_id,
                                     record.get("LastModifiedDate")))
        _write(client, description, "composite/sobjects", writes, outcomes, options)


def _external_literal(description: ObjectDescription, field_name: str, value: Any) -> str:
    spec = description.field(field_name)
    if spec is not None and spec.type in {"double", "int", "long", "currency", "percent"}:
        number = comparable_value(spec, value)
        if not hasattr(number, "is_finite"):
            raise SalesforceInvalidInputError(
                f"{field_name} value {value!r} is not a number", error_code="INVALID_TYPE_ON_FIELD_IN_RECORD"
            )
        return str(number)
    return quote(str(value))


def _push_upserts(
    client: SalesforceClient,
    description: ObjectDescription,
    external_field: str,
    items: Sequence[PushItem],
    outcomes: dict[Hashable, PushOutcome],
    options: WriteOptions,
) -> None:
    """Like ``_push_updates_by_id``, one chunk at a time: read the records the chunk's external ids
    match, compare, write (a match through sObject Collections upsert, or by id when strict)."""
    fields = _read_fields(items, external_field)
    literals = [_external_literal(description, external_field, item.external_id_value) for item in items]
    path = f"composite/sobjects/{description.name}/{external_field}"
    for span, records in _query_in(client, description.name, fields, external_field, literals):
        existing: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            existing[_external_key(description, external_field, record.get(external_field))].append(record)
        writes = [write for write in (_upsert_write(description, external_field, items[index], existing, outcomes)
                                      for index in span) if write is not None]
        _write(client, description, path, writes, outcomes, options)


def _external_key(description: ObjectDescription, external_field: str, value: Any) -> str:
    """How the org matches an external id: ignoring case unless the field's describe says
    ``caseSensitive`` ("Custom field matching is case-insensitive only if the custom field has the
    Unique and Treat "ABC" and "abc" as duplicate values (case insensitive) attributes")."""
    spec = description.field(external_field)
    text = str(value)
    return text if spec is not None and spec.case_sensitive else text.lower()


def _upsert_write(
    description: ObjectDescription, external_field: str, item: PushItem,
    existing: Mapping[str, list[dict[str, Any]]], outcomes: dict[Hashable, PushOutcome],
) -> _Write | None:  # fmt: skip
    """The write one upsert item needs after the read (None: its outcome is known without one)."""
    matches = existing.get(_external_key(description, external_field, item.external_id_value), [])
    if len(matches) > 1:
        # The org would answer 300 Multiple Choices and update none of them.
        found = ", ".join(to_18(record["Id"]) for record in matches)
        outcomes[item.key] = _invalid(
            item.key,
            "MULTIPLE_MATCHES",
            f"{len(matches)} {description.name} records have {external_field} = {item.external_id_value!r} "
            f"({found}): Salesforce cannot tell which one to update. Merge the duplicates in Salesforce, or "
            "propose the change by record id",
            fields=(external_field,),
        )
        return None
    if matches:
        record = matches[0]
        record_id = to_18(record["Id"])
        if item.crm_id and is_valid_id(item.crm_id) and to_18(item.crm_id) != record_id:
            current = {description.field(name).name if description.field(name) else name:
                       record.get(description.field(name).name if description.field(name) else name)
                       for name in item.fields}
            outcomes[item.key] = PushOutcome(
                item.key, CONFLICT, crm_id=record_id, current=current, error_code="EXTERNAL_ID_MATCHES_OTHER_RECORD",
                fields=(external_field,),
                message=f"{external_field} = {item.external_id_value!r} belongs to {description.name} {record_id}, "
                f"not to {to_18(item.crm_id)}, the record this change was proposed for: nothing was written",
            )
            return None
        problems = [field_problem(description, name, value) for name, value in item.fields.items()]
        problem = next((found for found in problems if found), None)
        if problem:
            outcomes[item.key] = _invalid(item.key, *problem, crm_id=record_id)
            return None
        current, changed, conflicts = _compare(description, item, record)
        if not changed:
            outcomes[item.key] = PushOutcome(item.key, DONE, crm_id=record_id, current=current)
            return None
        if conflicts:
            outcomes[item.key] = _conflict(item.key, record_id, current, conflicts)
            return None
        values = {**current, **changed}
        record_id_read, last_modified = record_id, record.get("LastModifiedDate")
    elif item.crm_id:
        # The change was proposed for a record that exists (its crm_id); an upsert that matches nothing
        # would create a second one beside it ("If the external ID doesn't match an existing record,
        # then a new record is created", resources_sobject_upsert_patch.htm).
        outcomes[item.key] = PushOutcome(
            item.key, CONFLICT, crm_id=to_18(item.crm_id) if is_valid_id(item.crm_id) else item.crm_id,
            error_code="EXTERNAL_ID_MATCHES_NO_RECORD", fields=(external_field,),
            message=f"no {description.name} has {external_field} = {item.external_id_value!r}: the upsert would "
            f"create a new record instead of changing {item.crm_id}, the record this change was proposed for; "
            "nothing was written",
        )
        return None
    else:
        seen = [
            name
            for name, value in item.expected.items()
            if comparable_value(description.field(name), value) not in (None, False)
        ]
        if seen:
            outcomes[item.key] = PushOutcome(
                item.key,
                CONFLICT,
                error_code="CONFLICT",
                fields=tuple(seen),
                message=f"no {description.name} with {external_field} = {item.external_id_value!r} any more",
            )
            return None
        problems = [field_problem(description, name, value, creating=True) for name, value in item.fields.items()]
        problem = next((found for found in problems if found), None)
        if problem:
            outcomes[item.key] = _invalid(item.key, *problem)
            return None
        changed = dict(item.fields)
        values = dict(changed)
        record_id_read, last_modified = "", None
    record_json = {
        "attributes": {"type": description.name},
        **_payload(description, changed),
        external_field: json_value(description.field(external_field), item.external_id_value),
    }
    if item.strict and record_id_read:
        # Written by id (the match is known): the external id stays as it is.
        record_json = {"attributes": {"type": description.name}, "id": record_id_read,
                       **_payload(description, changed)}
    return _Write(item, record_json, values, record_id_read, last_modified)


def _check_item(item: PushItem) -> PushOutcome | None:
    """A FAILED outcome for an item that cannot be sent as given (bad names or id), else None."""
    try:
        check_identifier(item.crm_object, "object name")
        check_identifiers(item.fields, "field name")
        if item.is_upsert:
            check_identifier(item.external_id_field, "field name")
            if item.external_id_value in (None, ""):
                return _invalid(item.key, "MISSING_ARGUMENT", f"no value for {item.external_id_field}")
        else:
            check_ids([item.crm_id])
    except SalesforceInvalidInputError as error:
        return _failed(item.key, error, crm_id=item.crm_id)
    return None


def _first_problem(description: ObjectDescription, item: PushItem) -> tuple[str, str] | None:
    problems = (field_problem(description, name, value) for name, value in item.fields.items())
    return next((found for found in problems if found), None)


def _push_object(
    client: SalesforceClient, description: ObjectDescription, items: Sequence[PushItem],
    outcomes: dict[Hashable, PushOutcome], options: WriteOptions,
) -> None:  # fmt: skip
    updates: list[PushItem] = []
    upserts: dict[str, list[PushItem]] = defaultdict(list)
    for item in items:
        if item.is_upsert:
            spec = description.field(item.external_id_field)
            if spec is not None and spec.name == "Id":
                # "In REST API, upsert uses external ids, not record ids" (dome_upsert.htm).
                outcomes[item.key] = _invalid(
                    item.key, "INVALID_FIELD", f"Id is not an upsert key: Salesforce upserts by an External ID "
                    f"field only; propose the change to {description.name} {item.external_id_value} by record id"
                )  # fmt: skip
            elif spec is None or not spec.external_id:
                outcomes[item.key] = _invalid(
                    item.key, "INVALID_FIELD", f"{item.external_id_field} is not an external id field of "
                    f"{description.name}"
                )  # fmt: skip
            else:
                upserts[spec.name].append(item)
            continue
        problem = _first_problem(description, item)
        if problem:
            outcomes[item.key] = _invalid(item.key, *problem, crm_id=to_18(item.crm_id))
        else:
            updates.append(item)
    if updates:
        _push_updates_by_id(client, description, updates, outcomes, options)
    for external_field, group in upserts.items():
        _push_upserts(client, description, external_field, group, outcomes, options)


def _push_pass(items: Sequence[PushItem], outcomes: dict[Hashable, PushOutcome]) -> None:
    client = get_client()
    # One request carries one set of headers: batches are per object and write options.
    by_object: dict[tuple[str, WriteOptions], list[PushItem]] = defaultdict(list)
    for item in items:
        problem = _check_item(item)
        if problem:
            outcomes[item.key] = problem
        elif not item.fields:
            outcomes[item.key] = PushOutcome(item.key, DONE, crm_id=to_18(item.crm_id) if item.crm_id else "")
        else:
            by_object[(item.crm_object, item.options)].append(item)
    for (crm_object, options), object_items in by_object.items():
        for attempt in (1, 2):
            remaining = [item for item in object_items if item.key not in outcomes]
            try:
                _push_object(client, describe_object(crm_object), remaining, outcomes, options)
                break
            except SalesforcePermanentError as error:
                # INVALID_FIELD on the read query means the cached describe is stale (a field was
                # deleted or renamed): refresh it once so the items naming that field fail on their own.
                if attempt == 1 and error.error_code == "INVALID_FIELD":
                    forget_description(crm_object)
                    continue
                for item in remaining:  # e.g. an object this org does not have
                    outcomes.setdefault(item.key, _failed(item.key, error, crm_id=item.crm_id))
                break


def _target(item: PushItem) -> tuple[str, str]:
    if item.is_upsert:
        return item.crm_object.lower(), f"{item.external_id_field.lower()}={str(item.external_id_value).lower()}"
    return item.crm_object.lower(), to_18(item.crm_id) if is_valid_id(item.crm_id) else item.crm_id


def push_updates(items: Iterable[PushItem]) -> dict[Hashable, PushOutcome]:
    """Write ``items`` to Salesforce, skipping what is already written and what changed meanwhile.

    For each object: one describe (cached), the current values of the fields being written (one SOQL
    query per 200 records), then one sObject Collections PATCH per 200 records to write.

    - Every field already equal to its target: ``done`` without writing (a retry after a crash or a
      lost response writes nothing twice). This check comes first, so re-pushing is idempotent.
    - A field to write whose current value differs from ``expected``: ``conflict``, not written.
    - Written: ``done`` (``written=True``), or ``failed``/``retry`` from the record's own errors.
    - Invalid input (bad id or names, a value the describe metadata rejects): ``failed``, not sent.

    Transient failures raise SalesforceTransientError and the caller retries the whole call: a whole
    request failing (API limit, 5xx, timeout, lost connection) raises at once; a record failing with a
    transient error of its own (UNABLE_TO_LOCK_ROW) raises after every batch was sent, with the outcomes
    so far on ``error.outcomes``. Retrying everything is safe because of the first rule: items written
    before the failure come back ``done`` (``written=False``) on the retry. So the statuses returned
    are only ``done``, ``conflict`` and ``failed``. Configuration errors raise
    SalesforceConfigurationError. Several items for the same record are applied one after another,
    each checked against the values the previous one left.
    """
    pending = list(items)
    keys = [item.key for item in pending]
    if len(set(keys)) != len(keys):
        raise ValueError("PushItem keys must be unique")
    outcomes: dict[Hashable, PushOutcome] = {}
    with count_requests() as counter:
        while pending:
            seen: set[tuple[str, str]] = set()
            this_pass: list[PushItem] = []
            later: list[PushItem] = []
            for item in pending:
                target = _target(item)
                (later if target in seen else this_pass).append(item)
                seen.add(target)
            _push_pass(this_pass, outcomes)
            pending = later
        usage = get_client().api_usage
    for outcome in outcomes.values():
        outcome.api_usage = usage
        outcome.http_requests = counter.count
    retry = [outcome for outcome in outcomes.values() if outcome.status == RETRY]
    if retry:
        error = SalesforceTransientError(
            f"{len(retry)} record(s) failed transiently ({retry[0].error_code}: {retry[0].message}); retry the push",
            error_code=retry[0].error_code,
        )
        error.outcomes = {key: outcomes[key] for key in keys}  # type: ignore[attr-defined]
        raise error
    return {key: outcomes[key] for key in keys}


def create_records(
    crm_object: str, records: Sequence[Mapping[str, Any]], *, options: WriteOptions | None = None
) -> list[PushOutcome]:
    """Insert ``records`` (field -> value) with sObject Collections POST; outcomes in input order, keyed by index.
    ``options``: the org automation the inserts may trigger (none by default; the headers apply to what
    the insert causes too, e.g. an Apex trigger on Task that updates the Lead).

    Records the describe metadata rejects are ``failed`` without being sent. If the first request fails
    transiently nothing was created and SalesforceTransientError is raised; if a later one does, its
    records and the remaining ones come back ``retry`` (the earlier ones were created — a blind retry of
    the whole call would duplicate them).
    """
    check_identifier(crm_object, "object name")
    outcomes: dict[Hashable, PushOutcome] = {}
    with count_requests() as counter:
        client = get_client()
        description = describe_object(crm_object)
        to_send: list[tuple[Hashable, dict[str, Any], Mapping[str, Any]]] = []
        for index, record in enumerate(records):
            try:
                names = check_identifiers(record, "field name")
            except SalesforceInvalidInputError as error:
                outcomes[index] = _failed(index, error)
                continue
            problem = next(
                (
                    found
                    for found in (field_problem(description, name, record[name], creating=True) for name in names)
                    if found
                ),
                None,
            )
            if problem:
                outcomes[index] = _invalid(index, *problem)
                continue
            body = {"attributes": {"type": description.name}, **_payload(description, record)}
            to_send.append((index, body, dict(record)))
        batches = list(_chunks(to_send, MAX_RECORDS_PER_REQUEST))
        for number, batch in enumerate(batches):
            try:
                _send(client, "POST", "composite/sobjects", batch, outcomes, options or WriteOptions())
            except SalesforceTransientError as error:
                if number == 0:
                    raise
                for later in batches[number:]:
                    for key, _, _ in later:
                        outcomes[key] = _failed(key, error)
                break
        usage = client.api_usage
    result = [outcomes[index] for index in range(len(records))]
    for outcome in result:
        outcome.api_usage = usage
        outcome.http_requests = counter.count
    return result
