"""Salesforce as hitlcrm's CRM backend: what ``reviews.crm`` (the CRM port) delegates to when
``HITLCRM_CRM_BACKEND`` names this module (the default).

Each name here is one the port exposes, CRM-neutral: the functions are this package's own (reads,
describe checks, ids, who a record is, the activity log, the API budget) and the error classes are the Salesforce
ones under neutral names (aliases, so an ``except CrmTransientError`` catches a
``SalesforceTransientError``). A project with another CRM provides a module with the same names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from reviews.conf import hitlcrm_settings

from .client import WriteOptions, api_usage, budget_exhausted, get_client
from .describe import ObjectDescription, describe_object, field_problem, validate_field_value, writable_objects
from .errors import (
    SalesforceConfigurationError as CrmConfigurationError,
)
from .errors import (
    SalesforceError as CrmError,
)
from .errors import (
    SalesforcePermanentError as CrmPermanentError,
)
from .errors import (
    SalesforceTransientError as CrmTransientError,
)
from .identity import RecordIdentity, record_identities, record_url
from .ids import is_valid_id, to_18
from .records import (
    DONE,
    MAX_RECORDS_PER_REQUEST,
    RETRY,
    OptedOutRecord,
    create_records,
    opted_out_reason,
    opted_out_records,
    read_records,
)
from .soql import id_in, select


def crm_configured() -> bool:
    """Whether Salesforce settings are present (one of the three logins)."""
    return bool(
        (hitlcrm_settings.SALESFORCE_INSTANCE_URL and hitlcrm_settings.SALESFORCE_SESSION_ID)
        or hitlcrm_settings.SALESFORCE_USERNAME
        or hitlcrm_settings.SALESFORCE_CONSUMER_KEY
    )


def normalise_id(value: str) -> str:
    """A record id in the one spelling records are kept under (18 characters); anything that is not
    a valid id comes back unchanged."""
    return to_18(value) if is_valid_id(value) else value


def activities_logged_since(record_ids: Iterable[str], since: datetime) -> dict[tuple[str, str], str]:
    """Tasks linked to one of ``record_ids`` (as WhoId or WhatId) created at or after ``since``:
    {(the linked record's normalised id, subject): Task id}, the first found for each pair."""
    ids = sorted(set(record_ids))
    if not ids:
        return {}
    where = f"({id_in(ids, 'WhoId')} OR {id_in(ids, 'WhatId')}) AND CreatedDate >= {since:%Y-%m-%dT%H:%M:%SZ}"
    found: dict[tuple[str, str], str] = {}
    for task in get_client().query_all(select("Task", ["Id", "WhoId", "WhatId", "Subject"], where)):
        for link in (task.get("WhoId"), task.get("WhatId")):
            if link:
                found.setdefault((normalise_id(str(link)), str(task.get("Subject") or "")), str(task["Id"]))
    return found


__all__ = [
    "DONE",
    "MAX_RECORDS_PER_REQUEST",
    "RETRY",
    "CrmConfigurationError",
    "CrmError",
    "CrmPermanentError",
    "CrmTransientError",
    "ObjectDescription",
    "OptedOutRecord",
    "RecordIdentity",
    "WriteOptions",
    "activities_logged_since",
    "api_usage",
    "budget_exhausted",
    "create_records",
    "crm_configured",
    "describe_object",
    "field_problem",
    "is_valid_id",
    "normalise_id",
    "opted_out_reason",
    "opted_out_records",
    "read_records",
    "record_identities",
    "record_url",
    "validate_field_value",
    "writable_objects",
]
