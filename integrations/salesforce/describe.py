"""sObject describe metadata, cached in Django's cache, and checks of values against it.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm#field
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache

from reviews.conf import hitlcrm_settings

from .client import get_client, read_config
from .ids import is_valid_id, to_18
from .soql import check_identifier

CACHE_KEY = "hitlcrm:salesforce:describe:{org}:{version}:{name}"
TEXT_TYPES = frozenset(
    {"string", "email", "phone", "picklist", "multipicklist", "textarea", "url", "combobox", "encryptedstring"}
)
ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class FieldDescription:
    name: str
    label: str
    type: str
    length: int = 0
    precision: int = 0
    scale: int = 0
    digits: int = 0
    picklist_values: tuple[str, ...] = ()
    restricted_picklist: bool = False
    updateable: bool = False
    createable: bool = False
    nillable: bool = True
    external_id: bool = False
    unique: bool = False
    calculated: bool = False
    defaulted_on_create: bool = False
    reference_to: tuple[str, ...] = ()
    case_sensitive: bool = False
    relationship_name: str = ""  # a reference field's parent in SOQL: "Account" for AccountId

    @classmethod
    def from_describe(cls, data: Mapping[str, Any]) -> FieldDescription:
        return cls(
            name=data["name"],
            label=data.get("label") or data["name"],
            type=data.get("type") or "string",
            length=int(data.get("length") or 0),
            precision=int(data.get("precision") or 0),
            scale=int(data.get("scale") or 0),
            digits=int(data.get("digits") or 0),
            picklist_values=tuple(entry["value"] for entry in data.get("picklistValues") or () if entry.get("active", True)),
            restricted_picklist=bool(data.get("restrictedPicklist")),
            updateable=bool(data.get("updateable")),
            createable=bool(data.get("createable")),
            nillable=bool(data.get("nillable", True)),
            external_id=bool(data.get("externalId")),
            unique=bool(data.get("unique")),
            calculated=bool(data.get("calculated")),
            defaulted_on_create=bool(data.get("defaultedOnCreate")),
            reference_to=tuple(data.get("referenceTo") or ()),
            case_sensitive=bool(data.get("caseSensitive")),
            relationship_name=str(data.get("relationshipName") or ""),
        )

    def as_describe(self) -> dict[str, Any]:
        """The subset of the describe JSON kept in the cache (round-trips through ``from_describe``)."""
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "length": self.length,
            "precision": self.precision,
            "scale": self.scale,
            "digits": self.digits,
            "picklistValues": [{"value": value, "active": True} for value in self.picklist_values],
            "restrictedPicklist": self.restricted_picklist,
            "updateable": self.updateable,
            "createable": self.createable,
            "nillable": self.nillable,
            "externalId": self.external_id,
            "unique": self.unique,
            "calculated": self.calculated,
            "defaultedOnCreate": self.defaulted_on_create,
            "referenceTo": list(self.reference_to),
            "caseSensitive": self.case_sensitive,
            "relationshipName": self.relationship_name or None,
        }


@dataclass(frozen=True)
class ObjectDescription:
    name: str
    label: str
    key_prefix: str
    createable: bool
    updateable: bool
    queryable: bool
    fields: Mapping[str, FieldDescription] = field(default_factory=dict)

    @classmethod
    def from_describe(cls, data: Mapping[str, Any]) -> ObjectDescription:
        fields = {entry["name"]: FieldDescription.from_describe(entry) for entry in data.get("fields") or ()}
        return cls(
            name=data["name"],
            label=data.get("label") or data["name"],
            key_prefix=data.get("keyPrefix") or "",
            createable=bool(data.get("createable")),
            updateable=bool(data.get("updateable")),
            queryable=bool(data.get("queryable")),
            fields=fields,
        )

    def as_describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "keyPrefix": self.key_prefix,
            "createable": self.createable,
            "updateable": self.updateable,
            "queryable": self.queryable,
            "fields": [description.as_describe() for description in self.fields.values()],
        }

    def field(self, name: str) -> FieldDescription | None:
        """A field by API name; case-insensitive, as Salesforce is."""
        found = self.fields.get(name)
        if found is None:
            lowered = name.lower()
            found = next((value for key, value in self.fields.items() if key.lower() == lowered), None)
        return found


def describe_object(name: str) -> ObjectDescription:
    """The describe metadata of ``name``, from Django's cache for SALESFORCE_DESCRIBE_CACHE_SECONDS.

    An unknown object raises SalesforcePermanentError (NOT_FOUND).
    """
    check_identifier(name, "object name")
    config = read_config()
    key = CACHE_KEY.format(org=config.org_key, version=config.api_version, name=name.lower())
    cached = cache.get(key)
    if cached is not None:
        return ObjectDescription.from_describe(cached)
    data = get_client().restful(f"sobjects/{name}/describe/")
    description = ObjectDescription.from_describe(data)
    cache.set(key, description.as_describe(), int(hitlcrm_settings.SALESFORCE_DESCRIBE_CACHE_SECONDS))
    return description


GLOBAL_CACHE_KEY = "hitlcrm:salesforce:describe-global:{org}:{version}"


def writable_objects() -> list[tuple[str, str]]:
    """(API name, label) of the org's objects hitlcrm could write (createable or updateable, not
    deprecated), sorted by label; Describe Global, cached like a describe.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_describeGlobal.htm"""
    config = read_config()
    key = GLOBAL_CACHE_KEY.format(org=config.org_key, version=config.api_version)
    cached = cache.get(key)
    if cached is None:
        data = get_client().restful("sobjects/")
        cached = [[entry["name"], entry.get("label") or entry["name"]] for entry in data.get("sobjects") or ()
                  if (entry.get("createable") or entry.get("updateable")) and not entry.get("deprecatedAndHidden")]
        cache.set(key, cached, int(hitlcrm_settings.SALESFORCE_DESCRIBE_CACHE_SECONDS))
    return sorted(((name, label) for name, label in cached), key=lambda entry: (entry[1].lower(), entry[0]))


def forget_description(name: str) -> None:
    """Drop ``name`` from the describe cache (after a metadata change in the org)."""
    config = read_config()
    cache.delete(CACHE_KEY.format(org=config.org_key, version=config.api_version, name=name.lower()))


# --- value checks -----------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        match = re.match(r"^(.*T.*[+-]\d{2})(\d{2})$", text)
        if match:  # Salesforce's +0000 offset
            text = f"{match.group(1)}:{match.group(2)}"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=parsed.microsecond // 1000 * 1000)


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def field_problem(
    description: ObjectDescription, field_name: str, value: Any, *, creating: bool = False
) -> tuple[str, str] | None:
    """(Salesforce-style error code, message) when ``value`` cannot be written to the field, else None."""
    spec = description.field(field_name)
    if spec is None:
        return "INVALID_FIELD", f"{description.name} has no field {field_name}"
    name = spec.name
    if creating and not spec.createable:
        return "INVALID_FIELD_FOR_INSERT_UPDATE", f"{name} cannot be set on a new {description.name}"
    if not creating and not spec.updateable:
        return "INVALID_FIELD_FOR_INSERT_UPDATE", f"{name} is read-only in Salesforce"
    kind = spec.type
    if kind == "boolean":
        if not isinstance(value, bool):
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name} must be true or false, got {value!r}"
        return None
    if value is None or value == "":
        if not spec.nillable:
            return "REQUIRED_FIELD_MISSING", f"{name} cannot be blank"
        return None
    if kind in TEXT_TYPES or kind in ID_TYPES:
        if not isinstance(value, str):
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name} must be text, got {type(value).__name__}"
        if kind in ID_TYPES:
            return None if is_valid_id(value) else ("MALFORMED_ID", f"{name} must be a Salesforce record id, got {value!r}")
        if spec.length and len(value) > spec.length:
            return "STRING_TOO_LONG", f"{name} is {len(value)} characters long; the maximum is {spec.length}"
        if kind in {"picklist", "multipicklist"} and spec.restricted_picklist:
            chosen = value.split(";") if kind == "multipicklist" else [value]
            bad = [item for item in chosen if item not in spec.picklist_values]
            if bad:
                allowed = ", ".join(spec.picklist_values[:20])
                return (
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{name}: {bad[0]!r} is not an allowed value (allowed: {allowed})",
                )
        if kind == "email" and not _EMAIL_RE.match(value):
            return "INVALID_EMAIL_ADDRESS", f"{name}: {value!r} is not a valid email address"
        return None
    if kind in NUMBER_TYPES:
        number = _decimal(value)
        if number is None:
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name} must be a number, got {value!r}"
        if kind in {"int", "long"} and number != number.to_integral_value():
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name} must be a whole number, got {value!r}"
        whole_digits = spec.digits if kind in {"int", "long"} else spec.precision - spec.scale
        if whole_digits > 0 and abs(number) >= Decimal(10) ** whole_digits:
            return "NUMBER_OUTSIDE_VALID_RANGE", f"{name}: {value} has more than {whole_digits} digits"
        return None
    if kind == "date":
        return (
            None
            if _parse_date(value)
            else ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name} must be a date (YYYY-MM-DD), got {value!r}")
        )
    if kind == "datetime":
        return (
            None
            if parse_datetime(value)
            else ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name} must be a date and time (ISO 8601), got {value!r}")
        )
    return None


def validate_field_value(description: ObjectDescription, field: str, value: Any, *, creating: bool = False) -> str | None:
    """A message naming the field and the problem when ``value`` cannot be written to it, else None.

    Checks the field exists and is updateable (createable with ``creating=True``), the value's type,
    text length, restricted picklist membership, email shape, id format and numeric range.
    """
    problem = field_problem(description, field, value, creating=creating)
    return problem[1] if problem else None


def comparable_value(spec: FieldDescription | None, value: Any) -> Any:
    """A normal form for comparing a value read from Salesforce with one a caller holds, as the org
    stores values: so a value hitlcrm wrote compares equal to what the org kept of it (a retry after a
    lost response then finds the write done, not a conflict).

    Text is trimmed and blank text is None (Salesforce trims text and stores blank text as null);
    a multi-select picklist is its set of values in the picklist's order; numbers compare as decimals
    at the field's scale (1000 == 1000.0; 12.345 at scale 2 is 12.35); ids compare in 18-character
    form; checkboxes treat None as false and "true"/"false" as booleans; date-times compare as instants
    to the second (the org keeps no milliseconds).
    """
    kind = spec.type if spec else None
    if kind == "boolean":
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        return bool(value)
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if kind in ID_TYPES and isinstance(value, str):
        return to_18(value) if is_valid_id(value) else value
    if kind == "multipicklist" and isinstance(value, str):
        chosen = {part.strip() for part in value.split(";") if part.strip()}
        order = {name: index for index, name in enumerate(spec.picklist_values)} if spec else {}
        return tuple(sorted(chosen, key=lambda name: (order.get(name, len(order)), name))) or None
    if kind in NUMBER_TYPES:
        number = _decimal(value)
        if number is None:
            return value
        if spec is not None and kind in {"double", "currency", "percent"} and (spec.scale or spec.precision):
            number = number.quantize(Decimal(1).scaleb(-spec.scale), rounding=ROUND_HALF_UP)
        return number
    if kind == "date":
        parsed = _parse_date(value)
        return parsed.isoformat() if parsed else value
    if kind == "datetime":
        parsed = parse_datetime(value)
        return parsed.replace(microsecond=0) if parsed else value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and spec is None:
        return _decimal(value)
    return value


def json_value(spec: FieldDescription | None, value: Any) -> Any:
    """``value`` as JSON Salesforce accepts for the field."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and (spec is None or spec.type in {"int", "long"})
            else float(value)
        )
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if spec is not None and spec.type in ID_TYPES and isinstance(value, str) and is_valid_id(value):
        return to_18(value)
    return value
