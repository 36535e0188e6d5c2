"""The emulator's records and the DML rules Salesforce applies to them.

Two kinds of failure, as in Salesforce:

- ``ApiError``: the whole request is refused (HTTP 4xx, body ``[{"message", "errorCode", ...}]``).
  The JSON body is deserialised into sObjects before any DML, so an unknown field or a value of the
  wrong JSON type fails the request as a whole, even inside an sObject Collections request.
- ``RecordError``: one record fails its DML (a SaveResult error ``{"statusCode", "message",
  "fields"}``): value too long, bad restricted picklist value, read-only field, deleted record...

Two org automations that the REST API runs unless the request's headers say otherwise, each on by
default as in an org that has them (``Store.assignment_rules``, ``Store.duplicate_rules``):

- an active assignment rule on Lead and Account (and Case, which the emulator does not model) gives
  every created or updated record a new ``OwnerId`` unless ``Sforce-Auto-Assign: FALSE`` is sent;
- a duplicate rule on Lead and Contact (same Email) refuses a save with ``DUPLICATES_DETECTED`` unless
  ``Sforce-Duplicate-Rule-Header`` carries ``allowSave=true`` (rule action "Allow" with an alert; a
  "Block" rule refuses whatever the header says). The documentation does not say whether a rule runs
  on an edit that leaves the matching fields alone; the emulator runs it on creates and on edits that
  set a matching field.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#i1421192
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_duplicateresult.htm
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from . import ids
from .schema import (
    FOREIGN_PREFIXES,
    NUMBER_TYPES,
    OBJECTS,
    OBJECTS_BY_PREFIX,
    PERSON_ACCOUNT,
    TEXT_TYPES,
    USER,
    FieldSpec,
    ObjectSpec,
)

DEFAULT_OWNER_ID = "005Em0000000001AAA"
# The user (a sales rep) the org's active assignment rule hands records to.
ASSIGNED_OWNER_ID = "005Em0000000002" + ids.case_safe_suffix("005Em0000000002")


def default_owners() -> dict[str, dict[str, Any]]:
    """The org's users records are owned by (``Owner.Name``): the default owner and the sales rep."""
    return {
        DEFAULT_OWNER_ID: {"Id": DEFAULT_OWNER_ID, "Name": "Avery Admin", "Email": "avery.admin@example.com",
                           "Username": "avery.admin@example.com", "IsActive": True},
        ASSIGNED_OWNER_ID: {"Id": ASSIGNED_OWNER_ID, "Name": "Sam Rep", "Email": "sam.rep@example.com",
                            "Username": "sam.rep@example.com", "IsActive": True},
    }
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """A whole request refused: HTTP ``status`` with one error object (``extra``: more keys of it,
    e.g. the ``duplicateResult`` of a DUPLICATES_DETECTED refusal)."""

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        fields: list[str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = fields
        self.extra = dict(extra or {})

    def body(self) -> list[dict[str, Any]]:
        error: dict[str, Any] = {**self.extra, "message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            error["fields"] = self.fields
        return [error]


class RecordError(Exception):
    """One record's DML failure, reported in a SaveResult / UpsertResult."""

    def __init__(
        self, status_code: str, message: str, fields: list[str] | None = None, extra: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.fields = fields or []
        self.extra = dict(extra or {})

    def as_dict(self) -> dict[str, Any]:
        return {**self.extra, "statusCode": self.status_code, "message": self.message, "fields": self.fields}


@dataclass(frozen=True)
class AssignmentRule:
    """An org's active assignment rule for one object: it gives the records it runs on a new owner."""

    name: str
    owner_id: str


@dataclass(frozen=True)
class DuplicateRule:
    """A duplicate rule with its matching rule: records whose ``fields`` all equal (ignoring case) an
    existing record's are duplicates. ``block``: the rule's action is "Block" (no header lets the save
    through); otherwise "Allow" with an alert, which ``allowSave=true`` acknowledges."""

    name: str
    matching_rule: str
    fields: tuple[str, ...]
    block: bool = False
    error_message: str = "You're creating a duplicate record. We recommend you use an existing record instead."


def default_assignment_rules() -> dict[str, AssignmentRule]:
    return {name: AssignmentRule(f"Standard_{name}_Assignment", ASSIGNED_OWNER_ID)
            for name in ("Lead", "Account", "Case") if name in OBJECTS}


def default_duplicate_rules() -> dict[str, DuplicateRule]:
    return {
        name: DuplicateRule(f"Standard_Rule_for_{name}s_with_Duplicate_{name}s", f"Standard_{name}_Match_Rule_v1_0",
                            ("Email",))
        for name in ("Lead", "Contact")
    }


def _header_flag(value: str, name: str) -> bool:
    """A ``name=true|false`` option of a ``;``-separated header value; absent means false."""
    for part in value.split(";"):
        key, _, flag = part.partition("=")
        if key.strip().lower() == name.lower():
            return flag.strip().lower() == "true"
    return False


@dataclass(frozen=True)
class DmlOptions:
    """What a request's headers ask of a save. The defaults are the REST API's when no header is sent:
    assignment rules run ("If the header is not provided in the request, the default value is TRUE")
    and duplicate alerts are not acknowledged ("The default value for all fields is false")."""

    run_assignment_rules: bool = True
    allow_duplicate_save: bool = False
    include_record_details: bool = False

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> DmlOptions:
        """From lower-case header names: ``sforce-auto-assign`` (TRUE, FALSE — either case — or an
        AssignmentRule id; the emulator has one rule per object, so any value but FALSE runs it) and
        ``sforce-duplicate-rule-header``."""
        auto_assign = headers.get("sforce-auto-assign", "").strip()
        duplicates = headers.get("sforce-duplicate-rule-header", "")
        return cls(
            run_assignment_rules=auto_assign.lower() != "false",
            allow_duplicate_save=_header_flag(duplicates, "allowSave"),
            include_record_details=_header_flag(duplicates, "includeRecordDetails"),
        )


# A person editing a record in Salesforce's own UI: the "assign using active assignment rules" box is
# left unticked and a duplicate alert is acknowledged. The control API's ``update`` edits this way.
UI_EDIT = DmlOptions(run_assignment_rules=False, allow_duplicate_save=True)


def format_datetime(value: datetime) -> str:
    """An org's date-time: stored to the second (the API shows ``.000``), in UTC."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def parse_datetime(raw: str) -> datetime | None:
    text = raw.strip()
    if _DATE_RE.match(text):
        text += "T00:00:00Z"
    text = text.replace("Z", "+00:00")
    match = re.match(r"^(.*[+-]\d{2})(\d{2})$", text)
    if match and "T" in text:  # +0000 -> +00:00
        text = f"{match.group(1)}:{match.group(2)}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _parser_error(java_type: str, token: str, value: Any) -> ApiError:
    # The wording of Salesforce's JSON deserialiser (Jackson) errors.
    return ApiError(
        400,
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {java_type} from {token} value {value} or request may be missing a required field",
    )


def _token(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    return "VALUE_STRING"


def _stored_text(spec: FieldSpec, text: str) -> str | None:
    """Text as the org stores it: without leading and trailing blanks, blank as null, and a multi-select
    picklist's values once each in the picklist's own order (values it does not list last)."""
    text = text.strip()
    if spec.type == "multipicklist":
        chosen = list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))
        order = {value: index for index, value in enumerate(spec.picklist)}
        text = ";".join(sorted(chosen, key=lambda value: order.get(value, len(order))))
    return text or None


def coerce_value(spec: FieldSpec, value: Any) -> Any:
    """JSON value -> stored value, as the JSON deserialiser would, normalised as the org stores it
    (text trimmed, blank text null, multi-select values in picklist order, date-times to the second,
    numbers rounded to the field's scale); raises ApiError on a type clash."""
    if value is None:
        return None
    kind = spec.type
    if kind in TEXT_TYPES:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value if kind in {"id", "reference"} else _stored_text(spec, value)
        raise _parser_error("string", _token(value), "{" if isinstance(value, dict) else "[")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        raise _parser_error("boolean", _token(value), value)
    if kind in NUMBER_TYPES:
        java = "int" if kind == "int" else "double"
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise _parser_error(java, _token(value), value)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise _parser_error(java, _token(value), value) from None
        if not number.is_finite():
            raise _parser_error(java, _token(value), value)
        if kind == "int":
            if number != number.to_integral_value():
                raise _parser_error("int", _token(value), value)
            return int(number)
        if spec.scale or spec.precision:
            number = number.quantize(Decimal(1).scaleb(-spec.scale), rounding=ROUND_HALF_UP)
        return float(number)
    if kind == "date":
        if isinstance(value, str):
            text = value.strip()
            if _DATE_RE.match(text):
                try:
                    return date.fromisoformat(text).isoformat()
                except ValueError:
                    pass
            parsed = parse_datetime(text) if "T" in text else None
            if parsed is not None:
                return parsed.date().isoformat()
        raise _parser_error("date", _token(value), value)
    if kind == "datetime":
        if isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is not None:
                return format_datetime(parsed)
        raise _parser_error("datetime", _token(value), value)
    return value


def parse_payload(spec: ObjectSpec, payload: Any, *, ignore: Iterable[str] = ("attributes",)) -> dict[str, Any]:
    """An sObject JSON body -> {canonical field name: value}; ApiError for unknown fields or types."""
    if not isinstance(payload, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", f"Cannot deserialize instance of {spec.name} from {_token(payload)}")
    ignored = {name.lower() for name in ignore}
    values: dict[str, Any] = {}
    for key, raw in payload.items():
        if key.lower() in ignored:
            continue
        field = spec.field(key)
        if field is None:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{key}' on sobject of type {spec.name}")
        values[field.name] = coerce_value(field, raw)
    return values


class Store:
    """Records by object and 18-character id. Callers hold ``lock`` around a request's DML."""

    def __init__(self, id_factory: ids.IdFactory | None = None) -> None:
        self.lock = threading.RLock()
        self.ids = id_factory or ids.IdFactory()
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in OBJECTS}
        # This org's objects: the standard ones, Account with its Person Account fields once enabled.
        self.objects: dict[str, ObjectSpec] = dict(OBJECTS)
        self._journal: list[tuple[str, str, dict[str, Any] | None]] | None = None
        self.assignment_rules = default_assignment_rules()
        self.duplicate_rules = default_duplicate_rules()
        self.owners = default_owners()

    def lookup(self, object_name: str) -> ObjectSpec | None:
        """This org's object by API name (case-insensitive, as Salesforce is)."""
        return next((spec for name, spec in self.objects.items() if name.lower() == object_name.lower()), None)

    def enable_person_accounts(self) -> None:
        """Person Accounts are enabled (for good in a real org; here until ``reset``): Account gains
        the Person* fields, in its describe too."""
        with self.lock:
            self.objects["Account"] = PERSON_ACCOUNT

    # --- inspection (tests, control endpoint) -------------------------------------------
    def get_record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        full = ids.normalise(record_id)
        spec = self.objects.get(object_name)
        if full is None or spec is None:
            return None
        with self.lock:
            record = self.records[spec.name].get(full)
            return dict(record) if record is not None else None

    def all(self, object_name: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        with self.lock:
            return [
                dict(record) for record in self.records[object_name].values() if include_deleted or not record["IsDeleted"]
            ]

    def count(self, object_name: str) -> int:
        return len(self.all(object_name))

    def reset(self) -> None:
        with self.lock:
            self.records = {name: {} for name in OBJECTS}
            self.objects = dict(OBJECTS)
            self.assignment_rules = default_assignment_rules()
            self.duplicate_rules = default_duplicate_rules()
            self.owners = default_owners()

    def parent(self, record_id: Any) -> tuple[ObjectSpec, dict[str, Any]] | None:
        """The record a reference field points at (a stored record or an owning user), or None."""
        if not isinstance(record_id, str) or not record_id:
            return None
        if record_id in self.owners:
            return USER, self.owners[record_id]
        spec = OBJECTS_BY_PREFIX.get(record_id[:3])
        if spec is None:
            return None
        found = self.records[spec.name].get(ids.normalise(record_id) or record_id)
        return (self.objects[spec.name], found) if found is not None and not found.get("IsDeleted") else None

    def seed(self, object_name: str, rows: Iterable[dict[str, Any]]) -> list[str]:
        """Insert records directly, bypassing create rules (system fields and Id may be given)."""
        spec = self.objects.get(object_name)
        if spec is None:
            raise KeyError(f"unknown object {object_name!r}")
        created: list[str] = []
        with self.lock:
            for row in rows:
                values = {
                    spec.field(key).name: coerce_value(spec.field(key), value)
                    for key, value in row.items()
                    if key != "attributes" and spec.field(key) is not None
                }
                unknown = [key for key in row if key != "attributes" and spec.field(key) is None]
                if unknown:
                    raise KeyError(f"{object_name} has no field(s) {unknown}")
                record_id = values.pop("Id", None)
                if record_id:
                    full = ids.normalise(record_id)
                    if full is None or full[:3] != spec.key_prefix:
                        raise ValueError(f"{record_id!r} is not a valid {object_name} id")
                else:
                    full = self.ids.new(spec.key_prefix)
                record = self._blank(spec, full)
                record.update(values)
                self._refresh_name(spec, record)
                self.records[spec.name][full] = record
                created.append(full)
        return created

    # --- transactions (allOrNone) ---------------------------------------------------------
    def begin(self) -> None:
        self._journal = []

    def commit(self) -> None:
        self._journal = None

    def rollback(self) -> None:
        journal, self._journal = self._journal or [], None
        for object_name, record_id, previous in reversed(journal):
            if previous is None:
                self.records[object_name].pop(record_id, None)
            else:
                self.records[object_name][record_id] = previous

    def _remember(self, object_name: str, record_id: str) -> None:
        if self._journal is not None:
            previous = self.records[object_name].get(record_id)
            self._journal.append((object_name, record_id, copy.deepcopy(previous)))

    # --- lookups ------------------------------------------------------------------------------
    def locate(self, spec: ObjectSpec, raw_id: Any, *, allow_deleted: bool = False) -> dict[str, Any]:
        full = ids.normalise(raw_id) if isinstance(raw_id, str) else None
        if full is None or full[:3] != spec.key_prefix:
            raise RecordError("MALFORMED_ID", f"{spec.label} ID: id value of incorrect type: {raw_id}", ["Id"])
        record = self.records[spec.name].get(full)
        if record is None:
            raise RecordError("NOT_FOUND", "The requested resource does not exist")
        if record["IsDeleted"] and not allow_deleted:
            raise RecordError("ENTITY_IS_DELETED", "entity is deleted")
        return record

    def find_by_external_id(self, spec: ObjectSpec, field: FieldSpec, value: Any) -> list[dict[str, Any]]:
        if field.name == "Id":
            full = ids.normalise(str(value))
            record = self.records[spec.name].get(full or "")
            return [record] if record is not None and not record["IsDeleted"] else []
        # "Custom field matching is case-insensitive only if the custom field has the Unique and Treat
        # "ABC" and "abc" as duplicate values (case insensitive) attributes" (caseSensitive false).
        def key(text: Any) -> str:
            return str(text) if field.case_sensitive else str(text).lower()

        wanted = key(value)
        return [
            record
            for record in self.records[spec.name].values()
            if not record["IsDeleted"] and record.get(field.name) is not None and key(record[field.name]) == wanted
        ]

    # --- DML -----------------------------------------------------------------------------------
    def create(self, spec: ObjectSpec, values: dict[str, Any], options: DmlOptions = DmlOptions()) -> str:
        self._check_values(spec, values, creating=True)
        missing = [name for name in spec.required_on_create if values.get(name) in (None, "")]
        if missing:
            raise RecordError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
        self._check_unique(spec, values, None)
        full = self.ids.new(spec.key_prefix)
        record = self._blank(spec, full)
        record.update(values)
        self._refresh_name(spec, record)
        self._check_duplicates(spec, record, values, options, creating=True)
        self._assign(spec, record, options)
        self._remember(spec.name, full)
        self.records[spec.name][full] = record
        return full

    def update(self, spec: ObjectSpec, raw_id: Any, values: dict[str, Any], options: DmlOptions = DmlOptions()) -> str:
        record = self.locate(spec, raw_id)
        self._check_values(spec, values, creating=False)
        self._check_unique(spec, values, record["Id"])
        updated = dict(record)
        updated.update(values)
        self._refresh_name(spec, updated)
        self._check_duplicates(spec, updated, values, options, creating=False)
        self._assign(spec, updated, options)
        self._remember(spec.name, record["Id"])
        stamp = format_datetime(datetime.now(UTC))
        updated["LastModifiedDate"] = stamp
        updated["SystemModstamp"] = stamp
        self.records[spec.name][record["Id"]] = updated
        return record["Id"]

    def upsert(
        self, spec: ObjectSpec, field: FieldSpec, value: Any, values: dict[str, Any], options: DmlOptions = DmlOptions()
    ) -> tuple[str, bool]:
        """(id, created). Raises RecordError DUPLICATE_EXTERNAL_ID (with ``matches``) on many matches."""
        matches = self.find_by_external_id(spec, field, value)
        if len(matches) > 1:
            error = RecordError(
                "DUPLICATE_EXTERNAL_ID",
                f"{field.label}: more than one record found for external id field: "
                f"[{', '.join(record['Id'] for record in matches)}]",
                [field.name],
            )
            error.matches = [record["Id"] for record in matches]  # type: ignore[attr-defined]
            raise error
        values = {name: val for name, val in values.items() if name != "Id"}
        if matches:
            if field.name != "Id":
                values[field.name] = matches[0][field.name]
            return self.update(spec, matches[0]["Id"], values, options), False
        if field.name == "Id":
            raise RecordError("NOT_FOUND", "The requested resource does not exist")
        values[field.name] = value if isinstance(value, str) else str(value)
        return self.create(spec, values, options), True

    def delete(self, spec: ObjectSpec, raw_id: Any) -> str:
        record = self.locate(spec, raw_id)
        self._remember(spec.name, record["Id"])
        deleted = dict(record, IsDeleted=True)
        stamp = format_datetime(datetime.now(UTC))
        deleted["LastModifiedDate"] = stamp
        deleted["SystemModstamp"] = stamp
        self.records[spec.name][record["Id"]] = deleted
        return record["Id"]

    # --- rules -----------------------------------------------------------------------------------
    def _blank(self, spec: ObjectSpec, record_id: str) -> dict[str, Any]:
        stamp = format_datetime(datetime.now(UTC))
        record: dict[str, Any] = {}
        for field in spec.fields:
            if field.type == "boolean":
                record[field.name] = False
            elif field.default_picklist:
                record[field.name] = field.default_picklist
            else:
                record[field.name] = None
        record.update(spec.defaults)
        record.update(
            Id=record_id,
            IsDeleted=False,
            OwnerId=DEFAULT_OWNER_ID,
            CreatedDate=stamp,
            LastModifiedDate=stamp,
            SystemModstamp=stamp,
        )
        return record

    def _assign(self, spec: ObjectSpec, record: dict[str, Any], options: DmlOptions) -> None:
        rule = self.assignment_rules.get(spec.name)
        if rule is not None and options.run_assignment_rules:
            record["OwnerId"] = rule.owner_id

    def _check_duplicates(
        self, spec: ObjectSpec, record: dict[str, Any], values: dict[str, Any], options: DmlOptions, *, creating: bool
    ) -> None:
        """Refuse the save of a duplicate with DUPLICATES_DETECTED and the rule's DuplicateResult."""
        rule = self.duplicate_rules.get(spec.name)
        if rule is None or not (creating or any(name in values for name in rule.fields)):
            return
        wanted = [str(record.get(name) or "").lower() for name in rule.fields]
        if not all(wanted):
            return
        matches = [
            other
            for other in self.records[spec.name].values()
            if other["Id"] != record["Id"]
            and not other["IsDeleted"]
            and [str(other.get(name) or "").lower() for name in rule.fields] == wanted
        ]
        if not matches or (options.allow_duplicate_save and not rule.block):
            return
        shown = ["Id", *rule.fields] + (["Name"] if spec.field("Name") else [])
        match_records = [
            {
                "additionalInformation": [],
                "fieldDiffs": [{"name": name, "difference": "SAME"} for name in rule.fields],
                "matchConfidence": 100.0,
                "record": {"attributes": {"type": spec.name}, **{
                    name: other.get(name) for name in (shown if options.include_record_details else ["Id"])
                }},
            }
            for other in matches
        ]
        duplicate_result = {
            "allowSave": not rule.block,
            "duplicateRule": rule.name,
            "duplicateRuleEntityType": spec.name,
            "errorMessage": rule.error_message,
            "matchResults": [
                {
                    "entityType": spec.name,
                    "errors": [],
                    "matchEngine": "ExactMatchEngine",
                    "matchRecords": match_records,
                    "rule": rule.matching_rule,
                    "size": len(matches),
                    "success": True,
                }
            ],
        }
        raise RecordError("DUPLICATES_DETECTED", rule.error_message, [], {"duplicateResult": duplicate_result})

    @staticmethod
    def _refresh_name(spec: ObjectSpec, record: dict[str, Any]) -> None:
        if spec.compound_name:
            record["Name"] = " ".join(part for part in (record.get("FirstName"), record.get("LastName")) if part)

    def _check_values(self, spec: ObjectSpec, values: dict[str, Any], *, creating: bool) -> None:
        read_only = [
            name for name in values if not (spec.field(name).createable if creating else spec.field(name).updateable)
        ]
        if read_only:
            raise RecordError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                f"Unable to create/update fields: {', '.join(read_only)}. Please check the security settings of "
                "this field and verify that it is read/write for your profile or permission set.",
                read_only,
            )
        for name, value in list(values.items()):
            field = spec.field(name)
            if value is None:
                if field.type == "boolean":
                    values[name] = False
                elif not field.nillable:
                    raise RecordError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{name}]", [name])
                continue
            self._check_value(field, value)

    def _check_value(self, field: FieldSpec, value: Any) -> None:
        if field.type in TEXT_TYPES and field.length and len(value) > field.length:
            raise RecordError(
                "STRING_TOO_LONG",
                f"{field.label}: data value too large: {value[:60]} (max length={field.length})",
                [field.name],
            )
        if field.type == "picklist" and field.restricted and value not in field.picklist:
            raise RecordError(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{field.label}: bad value for restricted picklist field: {value}",
                [field.name],
            )
        if field.type == "email" and value and not _EMAIL_RE.match(value):
            raise RecordError("INVALID_EMAIL_ADDRESS", f"{field.label}: invalid email address: {value}", [field.name])
        if field.type in NUMBER_TYPES:
            whole_digits = field.digits if field.type == "int" else field.precision - field.scale
            if whole_digits and abs(Decimal(str(value))) >= Decimal(10) ** whole_digits:
                raise RecordError(
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    f"{field.label}: value outside of valid range on numeric field: {value}",
                    [field.name],
                )
        if field.type == "reference" and value != "":
            self._check_reference(field, value)

    def _check_reference(self, field: FieldSpec, value: str) -> None:
        full = ids.normalise(value)
        if full is None:
            raise RecordError("MALFORMED_ID", f"{field.label}: id value of incorrect type: {value}", [field.name])
        target = OBJECTS_BY_PREFIX.get(full[:3])
        target_name = target.name if target else FOREIGN_PREFIXES.get(full[:3])
        if target_name not in field.reference_to:
            raise RecordError(
                "FIELD_INTEGRITY_EXCEPTION",
                f"{field.label}: id value of incorrect type: {value}",
                [field.name],
            )
        if target is not None:
            record = self.records[target.name].get(full)
            if record is None or record["IsDeleted"]:
                raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field.name])

    def _check_unique(self, spec: ObjectSpec, values: dict[str, Any], own_id: str | None) -> None:
        for name, value in values.items():
            field = spec.field(name)
            if not field.unique or value in (None, ""):
                continue
            for record in self.records[spec.name].values():
                if (
                    record["Id"] != own_id
                    and not record["IsDeleted"]
                    and record.get(name) is not None
                    and (str(record[name]) == str(value) if field.case_sensitive
                         else str(record[name]).lower() == str(value).lower())
                ):
                    raise RecordError(
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {name} duplicates value on record with id: {record['Id']}",
                        [],
                    )


def render(spec: ObjectSpec, record: dict[str, Any], fields: Iterable[str] | None, version: str,
           store: Store | None = None) -> dict[str, Any]:
    """A record as the REST API returns it: ``attributes`` first, then the selected fields. A parent's
    field (``Account.Name``) comes nested under the relationship's name, with the parent's own
    ``attributes``; the relationship is ``null`` when the reference is empty.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm"""
    result: dict[str, Any] = {
        "attributes": {"type": spec.name, "url": f"/services/data/v{version}/sobjects/{spec.name}/{record['Id']}"}
    }
    for name in fields if fields is not None else [field.name for field in spec.fields]:
        if "." in name:
            relationship, _, child = name.partition(".")
            reference = spec.relationship(relationship)
            parent = store.parent(record.get(reference.name)) if store is not None and reference else None
            if parent is None:
                result[reference.relationship_name if reference else relationship] = None
                continue
            parent_spec, parent_record = parent
            nested = result.get(reference.relationship_name) or {"attributes": {
                "type": parent_spec.name,
                "url": f"/services/data/v{version}/sobjects/{parent_spec.name}/{parent_record['Id']}"}}
            nested[parent_spec.field(child).name] = parent_record.get(parent_spec.field(child).name)
            result[reference.relationship_name] = nested
            continue
        field = spec.field(name)
        result[field.name] = record.get(field.name)
    return result
