"""The emulator's records and the DML rules Salesforce applies to them.

Two kinds of failure, as in Salesforce:

- ``ApiError``: the whole request is refused (HTTP 4xx, body ``[{"message", "errorCode", ...}]``).
  The JSON body is deserialised into sObjects before any DML, so an unknown field or a value of the
  wrong JSON type fails the request as a whole, even inside an sObject Collections request.
- ``RecordError``: one record fails its DML (a SaveResult error ``{"statusCode", "message",
  "fields"}``): value too long, bad restricted picklist value, read-only field, deleted record...

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#i1421192
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import ids
from .schema import FOREIGN_PREFIXES, NUMBER_TYPES, OBJECTS, OBJECTS_BY_PREFIX, TEXT_TYPES, FieldSpec, ObjectSpec

DEFAULT_OWNER_ID = "005Em0000000001AAA"
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """A whole request refused: HTTP ``status`` with one error object."""

    def __init__(self, status: int, error_code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = fields

    def body(self) -> list[dict[str, Any]]:
        error: dict[str, Any] = {"message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            error["fields"] = self.fields
        return [error]


class RecordError(Exception):
    """One record's DML failure, reported in a SaveResult / UpsertResult."""

    def __init__(self, status_code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.fields = fields or []

    def as_dict(self) -> dict[str, Any]:
        return {"statusCode": self.status_code, "message": self.message, "fields": self.fields}


def format_datetime(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


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


def coerce_value(spec: FieldSpec, value: Any) -> Any:
    """JSON value -> stored value, as the JSON deserialiser would; raises ApiError on a type clash."""
    if value is None:
        return None
    kind = spec.type
    if kind in TEXT_TYPES:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value
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
        self._journal: list[tuple[str, str, dict[str, Any] | None]] | None = None

    # --- inspection (tests, control endpoint) -------------------------------------------
    def get_record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        full = ids.normalise(record_id)
        spec = OBJECTS.get(object_name)
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

    def seed(self, object_name: str, rows: Iterable[dict[str, Any]]) -> list[str]:
        """Insert records directly, bypassing create rules (system fields and Id may be given)."""
        spec = OBJECTS.get(object_name)
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
        wanted = str(value).lower()
        return [
            record
            for record in self.records[spec.name].values()
            if not record["IsDeleted"] and record.get(field.name) is not None and str(record[field.name]).lower() == wanted
        ]

    # --- DML -----------------------------------------------------------------------------------
    def create(self, spec: ObjectSpec, values: dict[str, Any]) -> str:
        self._check_values(spec, values, creating=True)
        missing = [name for name in spec.required_on_create if values.get(name) in (None, "")]
        if missing:
            raise RecordError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
        self._check_unique(spec, values, None)
        full = self.ids.new(spec.key_prefix)
        record = self._blank(spec, full)
        record.update(values)
        self._refresh_name(spec, record)
        self._remember(spec.name, full)
        self.records[spec.name][full] = record
        return full

    def update(self, spec: ObjectSpec, raw_id: Any, values: dict[str, Any]) -> str:
        record = self.locate(spec, raw_id)
        self._check_values(spec, values, creating=False)
        self._check_unique(spec, values, record["Id"])
        self._remember(spec.name, record["Id"])
        updated = dict(record)
        updated.update(values)
        self._refresh_name(spec, updated)
        stamp = format_datetime(datetime.now(UTC))
        updated["LastModifiedDate"] = stamp
        updated["SystemModstamp"] = stamp
        self.records[spec.name][record["Id"]] = updated
        return record["Id"]

    def upsert(self, spec: ObjectSpec, field: FieldSpec, value: Any, values: dict[str, Any]) -> tuple[str, bool]:
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
            return self.update(spec, matches[0]["Id"], values), False
        if field.name == "Id":
            raise RecordError("NOT_FOUND", "The requested resource does not exist")
        values[field.name] = value if isinstance(value, str) else str(value)
        return self.create(spec, values), True

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
                    and str(record[name]).lower() == str(value).lower()
                ):
                    raise RecordError(
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {name} duplicates value on record with id: {record['Id']}",
                        [],
                    )


def render(spec: ObjectSpec, record: dict[str, Any], fields: Iterable[str] | None, version: str) -> dict[str, Any]:
    """A record as the REST API returns it: ``attributes`` first, then the selected fields."""
    result: dict[str, Any] = {
        "attributes": {"type": spec.name, "url": f"/services/data/v{version}/sobjects/{spec.name}/{record['Id']}"}
    }
    for name in fields if fields is not None else [field.name for field in spec.fields]:
        field = spec.field(name)
        result[field.name] = record.get(field.name)
    return result
