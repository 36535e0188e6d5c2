"""Who a record is: the name, email, title, company and owner a reviewer checks a proposal against,
and the link that opens the record in Salesforce.

One SOQL query per object and chunk of ids (up to 200, within the URL limit), reading the parents'
names through relationships (``Account.Name``, ``Owner.Name``) in the same query.
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_and_polymorph_keys.htm
The fields asked for are the ones the object's describe has (a Lead has ``Company``, a Contact an
``AccountId``, a Person Account ``PersonEmail``), so any object with a ``Name`` works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .client import get_client, read_config
from .describe import ObjectDescription, describe_object
from .ids import to_18
from .records import _query_in
from .soql import check_identifier, check_ids, quote


@dataclass(frozen=True)
class RecordIdentity:
    """A CRM record as a reviewer recognises it. Text parts are "" when the record has none (or the
    object no such field); ``opted_out`` is None when the object has no email opt-out."""

    crm_object: str
    crm_id: str
    name: str = ""
    email: str = ""
    title: str = ""
    company: str = ""
    owner: str = ""
    opted_out: bool | None = None
    url: str = ""


# (the identity's part, the object's candidate fields in order of preference). A dotted name is a
# parent's field through the relationship of the reference field before the dot.
_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("Name",)),
    ("email", ("Email", "PersonEmail")),
    ("title", ("Title", "PersonTitle")),
    ("company", ("Company", "AccountId.Name")),
    ("owner", ("OwnerId.Name",)),
    ("opted_out", ("HasOptedOutOfEmail", "PersonHasOptedOutOfEmail")),
)


def _paths(description: ObjectDescription) -> dict[str, str]:
    """The identity's parts this object can give: part -> SOQL field path (``Account.Name``)."""
    found: dict[str, str] = {}
    for part, candidates in _PARTS:
        for candidate in candidates:
            name, _, parent_field = candidate.partition(".")
            spec = description.field(name)
            if spec is None:
                continue
            if parent_field:
                if spec.relationship_name:
                    found[part] = f"{spec.relationship_name}.{parent_field}"
                    break
                continue
            found[part] = spec.name
            break
    return found


def _value(record: Mapping[str, Any], path: str) -> Any:
    relationship, _, name = path.partition(".")
    if not name:
        return record.get(relationship)
    parent = record.get(relationship)
    return parent.get(name) if isinstance(parent, Mapping) else None


def record_url(crm_object: str, crm_id: str) -> str:
    """The record's page in Lightning Experience on the org's instance
    (``https://<instance>/lightning/r/<Object>/<Id>/view``: the ``standard__recordPage`` page reference,
    https://developer.salesforce.com/docs/platform/lwc/guide/reference-page-reference-type.html);
    "" when the instance is not known yet (a login that has not happened)."""
    config = read_config()
    host = urlsplit(config.instance_url).netloc if config.instance_url else ""
    if not host:
        client = get_client()
        connected = client._sf  # never log in just to build a link
        host = getattr(connected, "sf_instance", "") if connected is not None else ""
    if not host:
        return ""
    return f"https://{host}/lightning/r/{check_identifier(crm_object, 'object name')}/{to_18(crm_id)}/view"


def record_identities(crm_object: str, ids: Iterable[str]) -> dict[str, RecordIdentity]:
    """The identity of each record of ``ids`` that exists, keyed by 18-character id, read with one
    SOQL query per chunk of ids. Malformed ids raise SalesforceInvalidInputError before any request;
    an unknown object SalesforcePermanentError; the org being unreachable SalesforceTransientError."""
    check_identifier(crm_object, "object name")
    ids18 = check_ids(list(ids))
    if not ids18:
        return {}
    description = describe_object(crm_object)
    paths = _paths(description)
    fields = ["Id", *dict.fromkeys(paths.values())]
    client = get_client()
    rows: list[dict[str, Any]] = []
    for _, records in _query_in(client, description.name, fields, "Id", [quote(value) for value in ids18]):
        rows.extend(records)
    found: dict[str, RecordIdentity] = {}
    for row in rows:
        record_id = to_18(str(row["Id"]))
        values = {part: _value(row, path) for part, path in paths.items()}
        opted_out = values.pop("opted_out", None)
        found[record_id] = RecordIdentity(
            crm_object=description.name, crm_id=record_id,
            **{part: str(value) for part, value in values.items() if value not in (None, "")},
            opted_out=bool(opted_out) if "opted_out" in paths else None,
            url=record_url(description.name, record_id),
        )
    return found
