"""The CRM boundary: everything reviews/ asks of the CRM (reads, describe checks, record ids, who a
record is, the opt-out look-up, the sent-email activity log, the API budget) and the CRM's error classes,
under CRM-neutral names. reviews/ imports these from here and from nowhere else; the executors sit behind
their own port (``reviews.executors``).

Each call is delegated to the configured backend: the module ``HITLCRM_CRM_BACKEND`` names (by
default the Salesforce one), loaded when first asked for, and read at each call so settings overrides
apply. A backend module provides every name in :data:`FUNCTIONS` and :data:`NAMES`.

The classes and constants (``CrmError`` and its subclasses, ``ObjectDescription``, ``WriteOptions``,
``DONE``…) are the backend's own objects, looked up by name (``from reviews.crm import CrmError``):
aliases, not wrappers, so an ``except CrmTransientError`` catches what the backend raises.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .conf import hitlcrm_settings

# Classes and constants taken from the backend as they are.
NAMES = frozenset({
    # Errors: CrmTransientError (retried later), CrmPermanentError (the request itself is wrong: an
    # unknown object or field), CrmConfigurationError (settings, login, the org refusing), all CrmError.
    "CrmError", "CrmTransientError", "CrmPermanentError", "CrmConfigurationError",
    "ObjectDescription",  # an object's metadata: ``field(name)`` gives a field's, or None
    "OptedOutRecord",  # a record that holds an address and opted out of email
    "RecordIdentity",  # who a record is: name, email, title, company, owner, opt-out, its link
    "WriteOptions",  # the CRM automation a write may trigger
    # A created record's outcome status, and how many records one create request takes at most.
    "DONE", "RETRY", "MAX_RECORDS_PER_REQUEST",
})
FUNCTIONS = frozenset({
    "crm_configured", "describe_object", "field_problem", "validate_field_value", "read_records",
    "opted_out_records", "opted_out_reason", "is_valid_id", "normalise_id", "create_records",
    "activities_logged_since", "api_usage", "budget_exhausted", "record_identities", "record_url",
    "writable_objects",
})


def backend() -> ModuleType:
    """The configured CRM backend module."""
    path = hitlcrm_settings.CRM_BACKEND
    try:
        return importlib.import_module(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"HITLCRM_CRM_BACKEND: cannot import {path!r}: {exc}") from exc


def _call(name: str, *args: Any, **kwargs: Any) -> Any:
    module = backend()
    function = getattr(module, name, None)
    if function is None:
        raise ImproperlyConfigured(f"HITLCRM_CRM_BACKEND: {module.__name__} has no {name}()")
    return function(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name in NAMES:
        module = backend()
        try:
            return getattr(module, name)
        except AttributeError:
            raise ImproperlyConfigured(f"HITLCRM_CRM_BACKEND: {module.__name__} has no {name}") from None
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def crm_configured() -> bool:
    """Whether the CRM's settings are present (nothing is read from the CRM without them)."""
    return bool(_call("crm_configured"))


def describe_object(crm_object: str) -> Any:
    """The object's metadata (an ``ObjectDescription``, cached by the backend)."""
    return _call("describe_object", crm_object)


def writable_objects() -> list[tuple[str, str]]:
    """(API name, label) of the objects the CRM lets hitlcrm create or update, sorted by label: what
    the console's CRM object rules pick from."""
    return [(str(name), str(label)) for name, label in _call("writable_objects")]


def field_problem(description: Any, field: str, value: Any) -> tuple[str, str] | None:
    """(error code, message) when ``value`` cannot be written to ``field`` as the describe says, else None."""
    return _call("field_problem", description, field, value)


def validate_field_value(description: Any, field: str, value: Any, *, creating: bool = False) -> str | None:
    """Why ``value`` does not fit ``field`` (type, length, picklist), or None."""
    return _call("validate_field_value", description, field, value, creating=creating)


def read_records(crm_object: str, ids: Iterable[str], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Current values of ``fields`` for the records ``ids``, keyed by normalised id; records that do not
    exist are absent."""
    return _call("read_records", crm_object, ids, fields)


def record_identities(crm_object: str, ids: Iterable[str]) -> dict[str, Any]:
    """Who each record of ``ids`` is (a ``RecordIdentity``: name, email, title, company, owner, email
    opt-out, the link that opens it in the CRM), keyed by normalised id; one query per object and
    chunk of ids. Records that do not exist are absent."""
    return _call("record_identities", crm_object, ids)


def record_url(crm_object: str, crm_id: str) -> str:
    """The link that opens the record in the CRM's own interface ("" when not known)."""
    return str(_call("record_url", crm_object, crm_id))


def opted_out_records(addresses: Iterable[str]) -> dict[str, list[Any]]:
    """The records holding one of ``addresses`` that opted out of email, by address in lower case
    (addresses nobody opted out for are absent)."""
    return _call("opted_out_records", addresses)


def opted_out_reason(by_address: Mapping[str, Sequence[Any]]) -> str:
    """One sentence naming who opted out, for a check's or a stop's message."""
    return _call("opted_out_reason", by_address)


def is_valid_id(value: object) -> bool:
    """Whether ``value`` is a well-formed record id."""
    return bool(_call("is_valid_id", value))


def normalise_id(value: str) -> str:
    """A record id in the one spelling records are kept under; anything not a valid id unchanged."""
    return _call("normalise_id", value)


def create_records(crm_object: str, records: Sequence[Mapping[str, Any]], *, options: Any = None) -> list[Any]:
    """Create ``records`` (field -> value); one outcome per record, in input order."""
    return _call("create_records", crm_object, records, options=options)


def activities_logged_since(record_ids: Iterable[str], since: datetime) -> dict[tuple[str, str], str]:
    """Activities (sent emails logged) on ``record_ids`` created since ``since``:
    {(normalised record id, subject): activity id}."""
    return _call("activities_logged_since", record_ids, since)


def api_usage() -> tuple[int, int] | None:
    """(used, allowed) daily API requests as the CRM last reported them, or None if unknown."""
    return _call("api_usage")


def budget_exhausted() -> bool:
    """Whether the reported API usage is at or above the share hitlcrm may use."""
    return bool(_call("budget_exhausted"))

