"""Refusals name the field and the problem, and leave nothing behind."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from reviews.models import CrmObjectRule

from .conftest import CONTACT_ID, crm_payload, email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db

BAD_CHECKSUM_ID = CONTACT_ID[:15] + "AAA"

EMAIL_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("not an address", {"to": ["ada at contoso"]}, "to", "valid email"),
    ("header injection", {"to": ["ada@contoso.example\r\nBcc: x@y.example"]}, "to", "control characters"),
    ("no recipient", {"to": []}, "to", "at least 1"),
    ("bad sender", {"from_email": "sam@"}, "from_email", "valid email"),
    ("subject with a line break", {"subject": "Hi\nBcc: x@y.example"}, "subject", "line breaks"),
    ("blank body", {"body": "   "}, "body", "blank"),
    ("id of 16 characters", {"crm_id": CONTACT_ID[:16]}, "crm_id", "Salesforce id"),
    ("18-character id with a wrong checksum", {"crm_id": BAD_CHECKSUM_ID}, "crm_id", "checksum"),
    ("id with punctuation", {"crm_id": "0035g00000ABCD!"}, "crm_id", "Salesforce id"),
    ("object not on the allow-list", {"crm_object": "Opportunity"}, "crm_object", "not an allowed CRM object"),
    ("object without id", {"crm_id": None}, "crm_id", ""),
    ("confidence above 1", {"confidence": 1.5}, "confidence", "less than or equal to 1"),
    ("confidence below 0", {"confidence": -0.1}, "confidence", "greater than or equal to 0"),
    ("confidence as text", {"confidence": "high"}, "confidence", "between 0 and 1"),
    ("confidence as boolean", {"confidence": True}, "confidence", "between 0 and 1"),
    ("evidence without source", {"evidence": [{"url": "https://x.example"}]}, "evidence", "required"),
    ("evidence with a bad url", {"evidence": [{"source": "web", "url": "javascript:alert(1)"}]}, "evidence", "URL"),
    ("evidence with an unknown key", {"evidence": [{"source": "web", "score": 3}]}, "evidence", "Unknown field"),
    ("evidence not a list", {"evidence": {"source": "web"}}, "evidence", "list"),
    ("evidence naming CRM fields", {"evidence": [{"source": "web", "quote": "Berlin", "fields": ["Title"]}]},
     "evidence", "Only a CRM change's evidence names the fields it backs"),
    ("assumption not text", {"assumptions": [{"a": 1}]}, "assumptions", "valid string"),
    ("unknown field", {"priority": "high"}, "priority", "Unknown field"),
    ("task type with spaces", {"task_type": "Cold Email"}, "task_type", "lowercase"),
]


@pytest.mark.parametrize(("case", "overrides", "field", "problem"), EMAIL_CASES, ids=[c[0] for c in EMAIL_CASES])
def test_bad_email_drafts_are_refused_naming_the_field(api, case, overrides, field, problem) -> None:
    payload = {k: v for k, v in email_payload(**overrides).items() if v is not None}
    with nothing_left_behind():
        response = api.post("/api/v1/email-drafts/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body
    assert problem in json.dumps(body["fields"][field]), body


CRM_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("field not on the allow-list", {"fields": {"Title": "VP", "AnnualRevenue": 5}}, "fields.AnnualRevenue",
     "not an allowed field of Contact"),
    ("object not on the allow-list", {"crm_object": "Opportunity"}, "crm_object", "not an allowed CRM object"),
    ("nested value", {"fields": {"Title": {"en": "VP"}}}, "fields.Title", "string, number, boolean or null"),
    ("no fields", {"fields": {}}, "fields", "empty"),
    ("confidence of a field not proposed", {"field_confidence": {"Phone": 0.9}}, "field_confidence.Phone",
     "not proposed"),
    ("field confidence above 1", {"field_confidence": {"Title": 2}}, "field_confidence", "less than or equal to 1"),
    ("unknown kind", {"kind": "delete"}, "kind", "not a valid choice"),
    ("evidence backing a field not proposed",
     {"evidence": [{"source": "LinkedIn", "quote": "VP Sales", "fields": ["Title"]},
                   {"source": "web", "quote": "x", "fields": ["department", "Phone"]}]},
     "evidence.1.fields", "Phone is not one of the proposed fields (Title, Department)"),
    ("evidence naming no field", {"evidence": [{"source": "web", "quote": "VP Sales", "fields": []}]},
     "evidence", "at least 1"),
    ("evidence naming a field by something else than its API name",
     {"evidence": [{"source": "web", "quote": "VP Sales", "fields": ["Job title"]}]}, "evidence",
     "Not a CRM field API name"),
    ("evidence naming fields as text", {"evidence": [{"source": "web", "quote": "VP Sales", "fields": "Title"}]},
     "evidence", "list"),
    ("missing id", {"crm_id": None}, "crm_id", "required"),
    ("18-character id with a wrong checksum", {"crm_id": BAD_CHECKSUM_ID}, "crm_id", "checksum"),
]


@pytest.mark.parametrize(("case", "overrides", "field", "problem"), CRM_CASES, ids=[c[0] for c in CRM_CASES])
def test_bad_crm_changes_are_refused_naming_the_field(api, case, overrides, field, problem) -> None:
    payload = {k: v for k, v in crm_payload(**overrides).items() if v is not None}
    with nothing_left_behind():
        response = api.post("/api/v1/crm-changes/", payload, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["fields"]
    assert field in fields, fields
    assert problem in json.dumps(fields[field]), fields


def test_the_allow_list_is_read_at_each_submission(api) -> None:
    payload = crm_payload(fields={"AnnualRevenue": 5}, field_confidence={})
    assert api.post("/api/v1/crm-changes/", payload, format="json").status_code == 400
    rule = CrmObjectRule.objects.get(crm_object="Contact")
    rule.allowed_fields = [*rule.allowed_fields, "AnnualRevenue"]
    rule.save()  # what an admin does in the console
    assert api.post("/api/v1/crm-changes/", payload, format="json").status_code == 201
    CrmObjectRule.objects.filter(crm_object="Contact").update(enabled=False)
    response = api.post("/api/v1/crm-changes/", payload, format="json")
    assert response.status_code == 400 and "crm_object" in response.json()["fields"]


@pytest.mark.parametrize(("body", "detail"), [
    (b'{"to": ["ada@contoso.example"], ', "Malformed JSON"),
    (b'{"confidence": NaN}', "Malformed JSON"),
    (b'{"confidence": 1e999}', "out of range"),
    (b'{"subject": "a\\u0000b"}', "NUL"),
    (b'{"subject": "\\ud800"}', "surrogate"),
    (b"\xff\xfe{}", "UTF-8"),
    (b"[" * 30 + b"]" * 30, "nested deeper"),
])
def test_unparseable_bodies_are_a_400(api, body, detail) -> None:
    with nothing_left_behind():
        response = api.generic("POST", "/api/v1/email-drafts/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "parse_error"
    assert detail in response.json()["detail"]


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_a_body_that_is_not_an_object_is_a_400(api, body) -> None:
    with nothing_left_behind():
        response = api.generic("POST", "/api/v1/crm-changes/", body, content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["fields"]


@pytest.mark.parametrize("django_limit", [2_621_440, 1000])
def test_a_body_beyond_the_cap_is_a_413(api, django_limit) -> None:
    """Also when the body is beyond Django's in-memory limit: JSON 413, not Django's HTML 400."""
    with override_settings(HITLCRM_MAX_BODY_BYTES=2000, DATA_UPLOAD_MAX_MEMORY_SIZE=django_limit), \
            nothing_left_behind():
        response = api.post("/api/v1/email-drafts/", email_payload(body="x" * 3000), format="json")
    assert response.status_code == 413
    assert response.json() == {"error": "payload_too_large", "detail": "The request body is larger than 2000 bytes."}


def test_a_body_that_is_not_json_is_a_415(api) -> None:
    with nothing_left_behind():
        response = api.post("/api/v1/email-drafts/", {"to": "ada@contoso.example"})  # form-encoded
    assert response.status_code == 415


# --- describe metadata (the local Salesforce emulator) ----------------------------------------------

DESCRIBE_CASES = [
    ("text too long", {"Title": "x" * 129}, "fields.Title", "maximum is 128"),
    ("number for a text field", {"Title": 7}, "fields.Title", "must be text"),
    ("value outside a restricted picklist", {"LeadSource": "Carrier pigeon"}, "fields.LeadSource",
     "not an allowed value"),
    ("malformed email", {"Email": "ada-at-contoso"}, "fields.Email", "not a valid email"),
    ("text for a checkbox", {"DoNotCall": "yes"}, "fields.DoNotCall", "true or false"),
]


@pytest.mark.parametrize(("case", "fields", "field", "problem"), DESCRIBE_CASES, ids=[c[0] for c in DESCRIBE_CASES])
def test_values_are_checked_against_the_crm_describe_metadata(api, salesforce, case, fields, field, problem) -> None:
    with nothing_left_behind():
        response = api.post("/api/v1/crm-changes/", crm_payload(fields=fields, field_confidence={}), format="json")
    assert response.status_code == 400, response.content
    assert problem in json.dumps(response.json()["fields"][field])


def test_describe_metadata_is_cached_between_submissions(api, salesforce) -> None:
    good = crm_payload(fields={"Title": "VP Sales", "LeadSource": "Web"}, field_confidence={})
    assert api.post("/api/v1/crm-changes/", good, format="json").status_code == 201
    describes = salesforce.calls("describe")
    assert api.post("/api/v1/crm-changes/", good, format="json").status_code == 201
    assert salesforce.calls("describe") == describes == 1
