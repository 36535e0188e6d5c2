"""Building SOQL safely: names are checked against an identifier pattern, ids against the id format,
and every other literal is quoted with SOQL's escape rules. Nothing a caller passes can change the
shape of a query, and a bad name or id is refused before any request is made.

https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import SalesforceInvalidInputError
from .ids import is_valid_id, to_18

IDENTIFIER_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Escape sequences SOQL defines for quoted strings. (\% and \_ only matter inside LIKE patterns,
# which this module never builds.)
_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def check_identifier(value: object, what: str = "name") -> str:
    """``value`` if it is a plain API name (object or field), else SalesforceInvalidInputError."""
    # fullmatch: "$" alone would also accept a trailing newline.
    if not isinstance(value, str) or not IDENTIFIER_RE.fullmatch(value) or len(value) > 80:
        raise SalesforceInvalidInputError(
            f"{value!r} is not a valid Salesforce {what}",
            error_code="INVALID_FIELD" if what == "field name" else "INVALID_TYPE",
        )
    return value


def check_identifiers(values: Iterable[object], what: str = "field name") -> list[str]:
    """Validated names in their first-seen order, without duplicates (case-insensitive, as SOQL is)."""
    seen: dict[str, str] = {}
    for value in values:
        name = check_identifier(value, what)
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def check_field_paths(values: Iterable[object]) -> list[str]:
    """Like :func:`check_identifiers`, also taking a parent's field through a relationship
    (``Account.Name``): each part a plain API name."""
    seen: dict[str, str] = {}
    for value in values:
        parts = value.split(".") if isinstance(value, str) else [value]
        if len(parts) > 2:
            raise SalesforceInvalidInputError(f"{value!r} is not a valid Salesforce field name", error_code="INVALID_FIELD")
        name = ".".join(check_identifier(part, "field name") for part in parts)
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def check_ids(values: Iterable[object]) -> list[str]:
    """18-character ids in first-seen order without duplicates; SalesforceInvalidInputError names the bad ones."""
    bad = [value for value in values if not is_valid_id(value)]
    if bad:
        shown = ", ".join(repr(value) for value in bad[:5])
        raise SalesforceInvalidInputError(f"not Salesforce record ids: {shown}", error_code="MALFORMED_ID")
    return list(dict.fromkeys(to_18(value) for value in values))  # type: ignore[arg-type]


def quote(value: str) -> str:
    """A SOQL string literal for ``value``."""
    return "'" + "".join(_ESCAPES.get(char, char) for char in str(value)) + "'"


def select(crm_object: str, fields: Iterable[str], where: str = "") -> str:
    names = check_field_paths(fields)
    query = f"SELECT {', '.join(names)} FROM {check_identifier(crm_object, 'object name')}"
    return f"{query} WHERE {where}" if where else query


def id_in(ids: Iterable[str], field: str = "Id") -> str:
    """``Id IN ('…', …)`` for already validated ids (validated again: this is the last line of defence)."""
    return f"{check_identifier(field, 'field name')} IN ({', '.join(quote(value) for value in check_ids(ids))})"
