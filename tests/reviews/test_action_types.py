"""Outbound action types keep their invariants: a usable payload schema, an https endpoint on the
callback allow-list, a signing secret, and "ungated but logged" only for reversible low-stakes types."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import CallbackHostRule, OutboundActionType
from reviews.models.policies import Stakes

pytestmark = pytest.mark.django_db

BUDGET_SCHEMA = {
    "type": "object",
    "properties": {
        "budget": {"type": "integer", "minimum": 0, "maximum": 1000},
        "currency": {"enum": ["EUR", "USD"]},
        "audiences": {"type": "array", "items": {"$ref": "#/$defs/audience"}},
    },
    "required": ["budget", "currency"],
    "additionalProperties": False,
    "$defs": {"audience": {"type": "object", "properties": {"country": {"type": "string", "pattern": "^[A-Z]{2}$"}},
                           "required": ["country"]}},
}


@pytest.fixture(autouse=True)
def allow_listed(db) -> None:
    CallbackHostRule.objects.create(host="actions.example.com")


def action_type(**fields: Any) -> OutboundActionType:
    values = {"name": "ads.budget_change", "payload_schema": BUDGET_SCHEMA,
              "endpoint_url": "https://actions.example.com/hitlcrm", **fields}
    return OutboundActionType(**values)


def problems(candidate: OutboundActionType) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        candidate.full_clean()
    return refused.value.message_dict


def test_a_valid_type_is_saved_with_a_signing_secret_of_its_own() -> None:
    first = action_type()
    first.full_clean()
    first.save()
    second = action_type(name="linkedin.connect")
    second.save()
    assert first.signing_secret.startswith("whsec_") and len(first.signing_secret) > 40
    assert first.signing_secret != second.signing_secret and first.signing_secret_set_at is not None
    assert first.idempotency_namespace != second.idempotency_namespace


def test_a_rotated_secret_replaces_the_old_one_and_the_history_never_holds_it() -> None:
    saved = action_type()
    saved.save()
    old = saved.signing_secret
    new = saved.new_signing_secret()
    saved.save(update_fields=["signing_secret", "signing_secret_set_at"])
    saved.refresh_from_db()
    assert saved.signing_secret == new != old
    assert saved.history.count() == 2
    assert "signing_secret" not in {field.name for field in OutboundActionType.history.model._meta.fields}


@pytest.mark.parametrize(("schema", "message"), [
    ({"type": "object", "properties": {"budget": {"type": "strin"}}},
     "schema.properties.budget.type: 'strin' is not valid under any of the given schemas"),
    ({"type": "object", "properties": {"budget": {"maximum": "a lot"}}},
     "schema.properties.budget.maximum: 'a lot' is not of type 'number'"),
    ({"type": "array"}, 'schema.type: the payload schema must describe an object ("type": "object")'),
    (["budget"], "schema: the payload schema must be a JSON object"),
    ({"type": "object", "properties": {"a": {"$ref": "https://schemas.example.com/a.json"}}},
     "schema.properties.a.$ref: 'https://schemas.example.com/a.json' is not within this schema; only references "
     "such as \"#/$defs/...\" are allowed (hitlcrm fetches no remote schema)"),
    ({"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}},
     "schema.properties.a.$ref: '#/$defs/missing' points to nothing in this schema"),
    ({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
     "schema.$schema: only Draft 2020-12 (https://json-schema.org/draft/2020-12/schema) is supported, not "
     "'http://json-schema.org/draft-07/schema#'"),
])
def test_an_unusable_schema_is_refused_naming_where_it_is_wrong(schema, message) -> None:
    assert problems(action_type(payload_schema=schema)) == {"payload_schema": [message]}


def test_a_schema_may_declare_draft_2020_12_and_refer_to_its_own_definitions() -> None:
    action_type(payload_schema={**BUDGET_SCHEMA, "$schema": "https://json-schema.org/draft/2020-12/schema"}).full_clean()


@pytest.mark.parametrize(("url", "message"), [
    ("http://actions.example.com/hitlcrm", "the endpoint URL must be an https:// URL with a host"),
    ("https://elsewhere.example.com/hitlcrm",
     "elsewhere.example.com is not on the callback host allow-list; an administrator must add it"),
    ("https://user:pw@actions.example.com/hitlcrm", "the endpoint URL must not contain credentials"),
])
def test_the_endpoint_must_be_https_on_the_allow_list(url, message) -> None:
    assert problems(action_type(endpoint_url=url))["endpoint_url"] == [message]


def test_a_private_address_needs_its_entry_to_allow_private_networks() -> None:
    rule = CallbackHostRule.objects.create(host="10.0.0.7")
    assert "private or local address" in problems(action_type(endpoint_url="https://10.0.0.7/x"))["endpoint_url"][0]
    rule.allow_private_network = True
    rule.save()
    action_type(endpoint_url="https://10.0.0.7/x").full_clean()


@pytest.mark.parametrize(("reversible", "stakes"), [(False, Stakes.LOW), (True, Stakes.MEDIUM), (False, Stakes.HIGH)])
def test_only_a_reversible_low_stakes_type_may_be_ungated(reversible, stakes) -> None:
    refused = problems(action_type(ungated=True, reversible=reversible, stakes=stakes))
    assert refused == {"ungated": ["Ungated but logged is only for reversible, low-stakes action types: mark the "
                                   "type reversible with low stakes, or keep it gated."]}
    # The database refuses it too, whatever door the row comes through.
    with pytest.raises(IntegrityError), transaction.atomic():
        action_type(ungated=True, reversible=reversible, stakes=stakes).save()
    action_type(ungated=True, reversible=True, stakes=Stakes.LOW).full_clean()


def test_the_sample_rate_is_a_share() -> None:
    assert "audit_sample_rate" in problems(action_type(audit_sample_rate=1.5))
    with pytest.raises(IntegrityError), transaction.atomic():
        action_type(audit_sample_rate=-0.1).save()


def test_the_name_is_dotted_lower_case_words() -> None:
    assert "name" in problems(action_type(name="LinkedIn Connect"))
    action_type(name="crm.ticket-open_v2").full_clean()


def test_a_new_type_is_gated_high_stakes_and_sent_at_most_once_until_told_otherwise() -> None:
    fresh = action_type()
    assert (fresh.ungated, fresh.stakes, fresh.reversible, fresh.idempotent, fresh.enabled) == (
        False, Stakes.HIGH, False, False, True)


# --- payloads -------------------------------------------------------------------------------------

def test_a_payload_that_meets_the_schema_has_no_errors() -> None:
    assert action_type().payload_errors({"budget": 800, "currency": "EUR", "audiences": [{"country": "DE"}]}) == []


def test_payload_errors_name_the_json_path() -> None:
    errors = action_type().payload_errors({"budget": 5000, "currency": "GBP", "audiences": [{"country": "Germany"}, {}],
                                           "note": "x"})
    assert errors == [
        "payload: Additional properties are not allowed ('note' was unexpected)",
        "payload.audiences[0].country: 'Germany' does not match '^[A-Z]{2}$'",
        "payload.audiences[1]: 'country' is a required property",
        "payload.budget: 5000 is greater than the maximum of 1000",
        "payload.currency: 'GBP' is not one of ['EUR', 'USD']",
    ]
    assert action_type().payload_errors({"currency": "EUR"}) == ["payload: 'budget' is a required property"]
    assert action_type().payload_errors(["not", "an", "object"]) == ["payload: ['not', 'an', 'object'] is not of type "
                                                                     "'object'"]


# --- what the delivery is given -----------------------------------------------------------------------

def test_the_idempotency_key_is_stable_per_proposal_and_its_own_per_type() -> None:
    one, other = action_type(), action_type(idempotency_namespace=uuid.uuid4())
    assert one.idempotency_key(42) == one.idempotency_key("42") != one.idempotency_key(43)
    assert one.idempotency_key(42) != other.idempotency_key(42)


def test_the_endpoint_carries_the_allow_list_entry_as_it_stands_now() -> None:
    saved = action_type(idempotent=True)
    saved.save()
    endpoint = saved.endpoint()
    assert (endpoint.action_type, endpoint.url, endpoint.secret, endpoint.idempotent) == (
        "ads.budget_change", "https://actions.example.com/hitlcrm", saved.signing_secret, True)
    assert (endpoint.allow_listed_host, endpoint.allow_private_network) == ("actions.example.com", False)
    CallbackHostRule.objects.all().delete()
    assert saved.endpoint().allow_listed_host == ""
