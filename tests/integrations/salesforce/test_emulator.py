"""The emulator, driven through simple-salesforce over real HTTPS, behaves as the Salesforce docs say."""

from __future__ import annotations

import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

from integrations.salesforce_emulator import EmulatorServer
from integrations.salesforce_emulator.app import Request
from integrations.salesforce_emulator.pinning import pinned_session
from integrations.salesforce_emulator.store import ASSIGNED_OWNER_ID, DEFAULT_OWNER_ID


def connect(emulator: EmulatorServer, version: str = "62.0", session_id: str | None = None) -> Salesforce:
    return Salesforce(
        instance_url=emulator.base_url,
        session_id=session_id or emulator.session_id,
        session=pinned_session(emulator.port, ca_path=str(emulator.ca_path)),
        version=version,
    )


def contact(**fields: object) -> dict[str, object]:
    return {"attributes": {"type": "Contact"}, **fields}


# --- transport and authentication ---------------------------------------------------------------


def test_tls_is_verified_against_the_emulator_ca(emulator: EmulatorServer) -> None:
    untrusting = requests.Session()
    untrusting.trust_env = False  # the system store only
    with pytest.raises(requests.exceptions.SSLError):
        untrusting.get(f"{emulator.base_url}/services/data/", timeout=5)
    trusting = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    assert trusting.get(f"{emulator.base_url}/services/data/", timeout=5).status_code == 200


def test_login_host_names_verify_when_dns_is_pinned(emulator: EmulatorServer) -> None:
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    response = session.get("https://login.salesforce.com/services/data/", timeout=5)
    assert response.status_code == 200


def test_wrong_session_gets_invalid_session_id(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (401)
    sf = connect(emulator, session_id="00DEm0000000001!bogus")
    with pytest.raises(SalesforceExpiredSession) as caught:
        sf.query("SELECT Id FROM Contact")
    assert caught.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_every_rest_response_but_the_versions_uri_carries_sforce_limit_info(emulator: EmulatorServer) -> None:
    # "This response header is returned in each request to REST API (except for calls to the Versions
    # URI, /, which do not count towards your org's limit)":
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    # Refusals included: a client watching its budget learns the usage from a 401 too. A refused call
    # does not count.
    emulator.set_api_usage(40, 15000)
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    base = f"{emulator.base_url}/services/data"

    def get(path: str, session_id: str | None) -> requests.Response:
        headers = {"Authorization": f"Bearer {session_id}"} if session_id else {}
        return session.get(f"{base}{path}", headers=headers, timeout=5)

    for session_id in ("00DEm0000000001!bogus", None):
        refused = get("/v62.0/query/?q=SELECT+Id+FROM+Contact", session_id)
        assert refused.status_code == 401 and refused.json()[0]["errorCode"] == "INVALID_SESSION_ID"
        assert refused.headers["Sforce-Limit-Info"] == "api-usage=40/15000"
    unknown_version = get("/v1.0/limits/", emulator.session_id)
    assert unknown_version.status_code == 404 and unknown_version.headers["Sforce-Limit-Info"] == "api-usage=40/15000"
    served = get("/v62.0/limits/", emulator.session_id)
    assert served.status_code == 200 and served.headers["Sforce-Limit-Info"] == "api-usage=41/15000"
    versions = get("/", None)
    assert versions.status_code == 200 and "Sforce-Limit-Info" not in versions.headers
    assert emulator.api_usage() == (41, 15000)

def test_expired_sessions_are_refused_until_a_new_login(emulator: EmulatorServer) -> None:
    sf = connect(emulator)
    sf.query("SELECT Id FROM Contact")
    emulator.expire_sessions()
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM Contact")
    fresh = emulator.issue_session()
    assert connect(emulator, session_id=fresh).query("SELECT Id FROM Contact")["totalSize"] == 0


def test_soap_login_returns_session_and_server_url(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_login_loginresult.htm
    sf = Salesforce(username="integration@hitlcrm.example", password="emulator-password",
                    security_token="EMULATORTOKEN", version="62.0",
                    session=pinned_session(emulator.port, ca_path=str(emulator.ca_path)))
    assert sf.sf_instance == emulator.instance
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 0
    assert emulator.calls("login") == 1


# --- versions, limits, usage header -----------------------------------------------------------------


def test_versions_limits_and_usage_header(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    versions = session.get(f"{emulator.base_url}/services/data/", timeout=5).json()
    assert {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"} in versions
    emulator.set_api_usage(100, 15000)
    sf = connect(emulator)
    limits = sf.limits()
    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 14899}
    assert sf.api_usage["api-usage"].used == 101 and sf.api_usage["api-usage"].total == 15000
    sf.query("SELECT Id FROM Contact")
    assert sf.api_usage["api-usage"].used == 102


def test_daily_limit_reached_answers_request_limit_exceeded(emulator: EmulatorServer) -> None:
    # 403 REQUEST_LIMIT_EXCEEDED: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    emulator.set_api_usage(15000, 15000)
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    response = session.get(f"{emulator.base_url}/services/data/v62.0/limits/",
                           headers={"Authorization": f"Bearer {emulator.session_id}"}, timeout=5)
    assert response.status_code == 403
    assert response.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    assert response.headers["Sforce-Limit-Info"] == "api-usage=15000/15000"


# --- describe ----------------------------------------------------------------------------------------


def test_describe_has_realistic_field_metadata(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
    described = connect(emulator).Contact.describe()
    assert described["keyPrefix"] == "003"
    fields = {entry["name"]: entry for entry in described["fields"]}
    assert fields["LastName"]["length"] == 80 and fields["LastName"]["nillable"] is False
    assert fields["External_Id__c"]["externalId"] is True and fields["External_Id__c"]["length"] == 64
    assert fields["LeadSource"]["type"] == "picklist" and fields["LeadSource"]["restrictedPicklist"] is True
    assert "Web" in [value["value"] for value in fields["LeadSource"]["picklistValues"]]
    assert fields["IsDeleted"]["updateable"] is False
    assert fields["AccountId"]["referenceTo"] == ["Account"]
    task = {entry["name"]: entry for entry in connect(emulator).Task.describe()["fields"]}
    assert {"Subject", "Description", "Status", "WhoId", "WhatId", "ActivityDate", "Priority", "TaskSubtype"} <= set(task)


def test_person_account_fields_exist_only_where_the_org_enabled_person_accounts(emulator: EmulatorServer) -> None:
    """Account has ``IsPersonAccount``, ``PersonEmail``, ``PersonHasOptedOutOfEmail`` only in an org with
    Person Accounts; elsewhere describe lacks them and SOQL naming them fails with INVALID_FIELD.
    https://developer.salesforce.com/docs/atlas.en-us.244.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Account.htm
    """
    sf = connect(emulator)
    person_fields = {"IsPersonAccount", "PersonEmail", "PersonHasOptedOutOfEmail"}
    assert not person_fields & {f["name"] for f in sf.Account.describe()["fields"]}
    with pytest.raises(SalesforceMalformedRequest, match="INVALID_FIELD"):
        sf.query("SELECT Id FROM Account WHERE PersonEmail = 'ada@contoso.example'")

    emulator.enable_person_accounts()
    assert person_fields <= {f["name"] for f in sf.Account.describe()["fields"]}
    person = emulator.create("Account", {"Name": "Ada Lovelace", "IsPersonAccount": True,
                                         "PersonEmail": "Ada@Contoso.example", "PersonHasOptedOutOfEmail": True})
    found = sf.query("SELECT Id, IsPersonAccount FROM Account WHERE PersonEmail IN ('ada@contoso.example') "
                     "AND PersonHasOptedOutOfEmail = true")["records"]
    assert [(r["Id"], r["IsPersonAccount"]) for r in found] == [(person, True)]

    emulator.reset()
    assert not person_fields & {f["name"] for f in sf.Account.describe()["fields"]}


def test_unknown_object_is_not_found(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (404)
    with pytest.raises(SalesforceResourceNotFound) as caught:
        connect(emulator).Widget__c.describe()
    assert caught.value.content == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]


# --- single records ------------------------------------------------------------------------------------


def test_create_get_update_delete(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
    sf = connect(emulator)
    created = sf.Contact.create({"FirstName": "Ada", "LastName": "Lovelace"})
    assert created["success"] is True and created["errors"] == []
    record_id = created["id"]
    assert len(record_id) == 18 and record_id.startswith("003")
    before = sf.Contact.get(record_id)
    assert before["Name"] == "Ada Lovelace" and before["attributes"]["type"] == "Contact"
    assert sf.Contact.update(record_id, {"Title": "Countess"}) == 204
    after = sf.Contact.get(record_id[:15])
    assert after["Title"] == "Countess"
    assert after["LastModifiedDate"] >= before["LastModifiedDate"]
    assert after["SystemModstamp"] >= before["SystemModstamp"]
    assert sf.Contact.delete(record_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.Contact.get(record_id)
    assert caught.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_single_record_validation_errors(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (400 body)
    sf = connect(emulator)
    record_id = emulator.create("Contact", {"LastName": "Doe"})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.update(record_id, {"Title": "x" * 129})
    assert caught.value.content[0]["errorCode"] == "STRING_TOO_LONG"
    assert caught.value.content[0]["fields"] == ["Title"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.update(record_id, {"Nickname__c": "x"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.update(record_id, {"HasOptedOutOfEmail": "maybe"})
    assert caught.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"FirstName": "No last name"})
    assert caught.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_upsert_by_external_id(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
    # 201 when created; for an update 200 with "created": false from API 46.0 on, 204 before it.
    sf = connect(emulator)
    assert sf.Contact.upsert("External_Id__c/ext-1", {"LastName": "First"}) == 201
    response = sf.Contact.upsert("External_Id__c/ext-1", {"LastName": "Second"}, raw_response=True)
    assert response.status_code == 200
    assert response.json()["created"] is False and response.json()["success"] is True
    assert connect(emulator, version="45.0").Contact.upsert("External_Id__c/ext-1", {"LastName": "Third"}) == 204
    assert [record["LastName"] for record in emulator.store.all("Contact")] == ["Third"]
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.upsert("Title/ext-1", {"LastName": "x"})  # not an external id field


# --- SOQL -----------------------------------------------------------------------------------------------


def test_query_by_ids_accepts_15_and_18_character_ids(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
    first, second, third = emulator.seed("Contact", [{"LastName": "A"}, {"LastName": "B"}, {"LastName": "C"}])
    result = connect(emulator).query(
        f"SELECT Id, LastName FROM Contact WHERE Id IN ('{first[:15]}', '{second}') ORDER BY LastName LIMIT 5"
    )
    assert result["totalSize"] == 2 and result["done"] is True
    assert [record["LastName"] for record in result["records"]] == ["A", "B"]
    assert result["records"][0]["attributes"] == {"type": "Contact",
                                                  "url": f"/services/data/v62.0/sobjects/Contact/{first}"}
    assert third not in {record["Id"] for record in result["records"]}


def test_query_where_and_limit(emulator: EmulatorServer) -> None:
    emulator.seed("Contact", [{"LastName": "Doe", "Title": "CTO"}, {"LastName": "Doe", "Title": "CEO"},
                              {"LastName": "Roe", "Title": "CTO"}])
    sf = connect(emulator)
    result = sf.query("SELECT Id, Title FROM Contact WHERE LastName = 'doe' AND Title = 'CTO'")
    assert result["totalSize"] == 1
    assert sf.query("SELECT Id FROM Contact LIMIT 2")["totalSize"] == 2


def test_query_errors(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (400 codes)
    sf = connect(emulator)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id Contact")
    assert caught.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id, Nickname FROM Contact")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Nickname' on entity 'Contact'" in caught.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM Contact WHERE Id = 'not-an-id'")
    assert caught.value.content[0]["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM Widget")
    assert caught.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_query_pages_through_next_records_url(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm (nextRecordsUrl)
    emulator.seed("Contact", [{"LastName": f"P{number:03d}"} for number in range(450)])
    emulator.query_batch_size = 200
    try:
        sf = connect(emulator)
        first = sf.query("SELECT Id FROM Contact")
        assert first["done"] is False and first["totalSize"] == 450 and len(first["records"]) == 200
        assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/")
        assert len(sf.query_all("SELECT Id FROM Contact")["records"]) == 450
    finally:
        emulator.query_batch_size = 2000
    assert emulator.calls("query_more") == 2  # 200 + 200 + 50


# --- sObject Collections ------------------------------------------------------------------------------


def test_collections_update_reports_each_record_in_order(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    good, deleted, locked_out = emulator.seed("Contact", [{"LastName": "A"}, {"LastName": "B"}, {"LastName": "C"}])
    connect(emulator).Contact.delete(deleted)
    results = connect(emulator).restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
        contact(id=good, Title="CTO"),
        contact(id=deleted, Title="CTO"),
        contact(id="003xx000004TmiQQQQ", Title="CTO"),
        contact(id=locked_out, LeadSource="Carrier pigeon"),
        contact(id=good, HasOptedOutOfEmail=True, Department="x" * 81),
    ]})
    assert results[0] == {"id": good, "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID" and "id" not in results[2]
    assert results[3]["errors"][0] == {"statusCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                       "message": "Lead Source: bad value for restricted picklist field: "
                                                  "Carrier pigeon", "fields": ["LeadSource"]}
    assert results[4]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert emulator.get("Contact", good)["Title"] == "CTO"
    assert emulator.get("Contact", good)["HasOptedOutOfEmail"] is False


def test_collections_all_or_none_rolls_back(emulator: EmulatorServer) -> None:
    # allOrNone: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    first, second = emulator.seed("Contact", [{"LastName": "A"}, {"LastName": "B"}])
    results = connect(emulator).restful("composite/sobjects", method="PATCH", json={"allOrNone": True, "records": [
        contact(id=first, Title="CTO"),
        contact(id=second, IsDeleted=True),
    ]})
    assert results[0]["success"] is False
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert emulator.get("Contact", first)["Title"] is None


def test_collections_refuse_more_than_200_records(emulator: EmulatorServer) -> None:
    # "The list can contain up to 200 objects."
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
    with pytest.raises(SalesforceMalformedRequest) as caught:
        connect(emulator).restful("composite/sobjects", method="POST", json={
            "allOrNone": False, "records": [contact(LastName=f"N{number}") for number in range(201)]})
    assert caught.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert emulator.store.count("Contact") == 0


def test_collections_unknown_field_fails_the_whole_request(emulator: EmulatorServer) -> None:
    # The body is deserialised before any DML: an unknown field is a 400 for the request.
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    record_id = emulator.create("Contact", {"LastName": "A"})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        connect(emulator).restful("composite/sobjects", method="PATCH", json={
            "records": [contact(id=record_id, Title="CTO"), contact(id=record_id, Nickname__c="x")]})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert emulator.get("Contact", record_id)["Title"] is None


def test_collections_create_upsert_and_retrieve(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm
    sf = connect(emulator)
    created = sf.restful("composite/sobjects", method="POST", json={"records": [
        contact(LastName="A", External_Id__c="a"), {"attributes": {"type": "Task"}, "Subject": "Email: hi",
                                                    "Status": "Completed", "TaskSubtype": "Email"}]})
    assert [result["success"] for result in created] == [True, True]
    assert created[1]["id"].startswith("00T")
    upserted = sf.restful("composite/sobjects/Contact/External_Id__c", method="PATCH", json={"records": [
        contact(External_Id__c="a", Title="CTO"), contact(External_Id__c="b", LastName="B")]})
    assert [(result["success"], result["created"]) for result in upserted] == [(True, False), (True, True)]
    retrieved = sf.restful("composite/sobjects/Contact",
                           params={"ids": f"{created[0]['id']},003Em00000000zzIAA", "fields": "Id,Title"})
    assert retrieved[0]["Title"] == "CTO" and retrieved[1] is None


# --- org automation: assignment rules and duplicate rules ---------------------------------------------

def _write(sf: Salesforce, route: str, crm_object: str, record_id: str, headers: dict[str, str]) -> str:
    """Write one record of ``crm_object`` through ``route``; the id written (``record_id`` for updates,
    the External_Id__c "ext-1" for upserts)."""
    record = {"attributes": {"type": crm_object}, "Description": "written"}
    required = {"Lead": {"LastName": "New", "Company": "Contoso"}, "Account": {"Name": "New"},
                "Contact": {"LastName": "New"}}[crm_object]
    if route == "create":
        return sf.restful(f"sobjects/{crm_object}", method="POST", json={**required, "Description": "x"},
                          headers=headers)["id"]
    if route == "patch":
        sf.restful(f"sobjects/{crm_object}/{record_id}", method="PATCH", json={"Description": "x"}, headers=headers)
    elif route == "upsert":
        sf.restful(f"sobjects/{crm_object}/External_Id__c/ext-1", method="PATCH", json={"Description": "x"},
                   headers=headers)
    elif route == "collections_create":
        (result,) = sf.restful("composite/sobjects", method="POST", json={"records": [{**record, **required}]},
                               headers=headers)
        return result["id"]
    elif route == "collections_update":
        (result,) = sf.restful("composite/sobjects", method="PATCH", json={"records": [{**record, "id": record_id}]},
                               headers=headers)
        assert result["success"], result
    elif route == "collections_upsert":
        (result,) = sf.restful(f"composite/sobjects/{crm_object}/External_Id__c", method="PATCH",
                               json={"records": [{**record, "External_Id__c": "ext-1"}]}, headers=headers)
        assert result["success"], result
    return record_id


WRITE_ROUTES = ["create", "patch", "upsert", "collections_create", "collections_update", "collections_upsert"]


@pytest.mark.parametrize("route", WRITE_ROUTES)
@pytest.mark.parametrize("crm_object", ["Lead", "Account"])
def test_an_active_assignment_rule_reassigns_every_write_unless_sforce_auto_assign_is_false(
    emulator: EmulatorServer, crm_object: str, route: str
) -> None:
    """Assignment Rule header: "a request header applied when creating or updating Accounts, Cases, or
    Leads [...] If the header is not provided in the request, the default value is TRUE"; "TRUE and
    FALSE are not case-sensitive".
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm"""
    sf = connect(emulator)
    required = {"Lead": {"LastName": "Old", "Company": "Contoso"}, "Account": {"Name": "Old"}}[crm_object]
    for headers, reassigned in (({}, True), ({"Sforce-Auto-Assign": "TRUE"}, True),
                                ({"Sforce-Auto-Assign": "FALSE"}, False), ({"Sforce-Auto-Assign": "false"}, False)):
        emulator.reset()
        existing = emulator.create(crm_object, {**required, "External_Id__c": "ext-1"})
        written = _write(sf, route, crm_object, existing, headers)
        owner = emulator.get(crm_object, written)["OwnerId"]
        assert owner == (ASSIGNED_OWNER_ID if reassigned else DEFAULT_OWNER_ID), (headers, route)
        assert emulator.request_log[-1]["sforce"] == {name.lower(): value for name, value in headers.items()}


def test_objects_without_an_active_assignment_rule_keep_their_owner(emulator: EmulatorServer) -> None:
    # headers_autoassign.htm: the rules are the org's *active* ones; Contact has none, and an org can
    # deactivate its Lead rule.
    sf = connect(emulator)
    contact_id = emulator.create("Contact", {"LastName": "Doe"})
    _write(sf, "collections_update", "Contact", contact_id, {})
    emulator.set_assignment_rule("Lead", None)
    lead_id = emulator.create("Lead", {"LastName": "Doe", "Company": "Contoso"})
    _write(sf, "patch", "Lead", lead_id, {})
    assert emulator.get("Contact", contact_id)["OwnerId"] == emulator.get("Lead", lead_id)["OwnerId"] == DEFAULT_OWNER_ID
    emulator.reset()
    assert "Lead" in emulator.store.assignment_rules


def test_a_duplicate_is_refused_with_duplicates_detected_unless_allow_save_is_true(emulator: EmulatorServer) -> None:
    """An "Allow with alert" duplicate rule: without ``allowSave=true`` in
    ``Sforce-Duplicate-Rule-Header`` ("The default value for all fields is false") the save is refused;
    the error is a DuplicateError carrying a DuplicateResult (rule, matching rule, matched records).
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_duplicateerror.htm
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_duplicateresult.htm"""
    sf = connect(emulator)
    original = emulator.create("Lead", {"LastName": "Lovelace", "Company": "Contoso", "Email": "ada@example.com"})
    duplicate = {"attributes": {"type": "Lead"}, "LastName": "Lovelace", "Company": "Contoso",
                 "Email": "ADA@example.com"}

    (refused,) = sf.restful("composite/sobjects", method="POST", json={"records": [duplicate]})
    assert refused["success"] is False
    (error,) = refused["errors"]
    assert error["statusCode"] == "DUPLICATES_DETECTED"
    result = error["duplicateResult"]
    assert result["duplicateRule"] == "Standard_Rule_for_Leads_with_Duplicate_Leads"
    assert result["duplicateRuleEntityType"] == "Lead" and result["allowSave"] is True
    (match,) = result["matchResults"]
    assert match["rule"] == "Standard_Lead_Match_Rule_v1_0" and match["size"] == 1
    assert match["matchRecords"][0]["record"] == {"attributes": {"type": "Lead"}, "Id": original}
    assert match["matchRecords"][0]["fieldDiffs"] == [{"name": "Email", "difference": "SAME"}]
    assert emulator.store.count("Lead") == 1

    # A single-record create is refused as a whole: HTTP 400, errorCode instead of statusCode.
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({key: value for key, value in duplicate.items() if key != "attributes"})
    assert caught.value.content[0]["errorCode"] == "DUPLICATES_DETECTED"
    assert caught.value.content[0]["duplicateResult"]["duplicateRule"] == result["duplicateRule"]

    # An update that makes a record a duplicate is refused too; one that leaves Email alone is not.
    other = emulator.create("Lead", {"LastName": "Hopper", "Company": "Navy", "Email": "grace@example.com"})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.update(other, {"Email": "ada@example.com"})
    assert caught.value.content[0]["errorCode"] == "DUPLICATES_DETECTED"
    assert sf.Lead.update(other, {"Title": "Admiral"}) == 204

    # allowSave=true acknowledges the alert; includeRecordDetails=true returns the duplicate's fields.
    header = {"Sforce-Duplicate-Rule-Header": "allowSave=true; includeRecordDetails=true; runAsCurrentUser=true"}
    (saved,) = sf.restful("composite/sobjects", method="POST", json={"records": [duplicate]}, headers=header)
    assert saved["success"] is True and emulator.store.count("Lead") == 3
    details = {"Sforce-Duplicate-Rule-Header": "allowSave=false; includeRecordDetails=true"}
    (refused,) = sf.restful("composite/sobjects", method="POST", json={"records": [duplicate]}, headers=details)
    matched = refused["errors"][0]["duplicateResult"]["matchResults"][0]["matchRecords"]
    assert {record["record"]["Email"] for record in matched} == {"ada@example.com", "ADA@example.com"}


def test_a_blocking_duplicate_rule_refuses_even_with_allow_save(emulator: EmulatorServer) -> None:
    # headers_duplicaterules.htm: allowSave is "Applicable if an alert is enabled for the action" —
    # a rule whose action is Block refuses the save whatever the header says.
    sf = connect(emulator)
    emulator.set_duplicate_rule("Contact", ["Email"], block=True)
    emulator.create("Contact", {"LastName": "Doe", "Email": "doe@example.com"})
    (refused,) = sf.restful("composite/sobjects", method="POST",
                            json={"records": [contact(LastName="Doe", Email="doe@example.com")]},
                            headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"})
    assert refused["errors"][0]["statusCode"] == "DUPLICATES_DETECTED"
    assert refused["errors"][0]["duplicateResult"]["allowSave"] is False
    emulator.set_duplicate_rule("Contact", None)
    (saved,) = sf.restful("composite/sobjects", method="POST",
                          json={"records": [contact(LastName="Doe", Email="doe@example.com")]})
    assert saved["success"] is True


# --- fault injection and the control endpoint -----------------------------------------------------------


def test_injected_faults_hit_the_next_matching_requests(emulator: EmulatorServer) -> None:
    emulator.inject_fault("SERVER_UNAVAILABLE", 503, count=2, kinds=["query"])
    sf = connect(emulator)
    sf.limits()  # not a query: unaffected
    for _ in range(2):
        with pytest.raises(Exception) as caught:
            sf.query("SELECT Id FROM Contact")
        assert caught.value.status == 503
        assert caught.value.content == [{"message": "Server temporarily unavailable. Please try again later.",
                                         "errorCode": "SERVER_UNAVAILABLE"}]
    assert sf.query("SELECT Id FROM Contact")["totalSize"] == 0
    assert emulator.calls("query") == 3


def test_control_endpoint(emulator: EmulatorServer) -> None:
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    base = f"{emulator.base_url}/__emulator__"
    assert session.post(f"{base}/records/Contact", json={"records": [{"LastName": "Seeded"}]}, timeout=5).ok
    assert session.post(f"{base}/api-usage", json={"used": 42, "max": 1000}, timeout=5).json() == {"used": 42,
                                                                                                   "max": 1000}
    assert session.post(f"{base}/faults", json={"error_code": "UNABLE_TO_LOCK_ROW", "status": 400}, timeout=5).ok
    assert session.post(f"{base}/latency", json={"ms": 1}, timeout=5).ok
    state = session.get(f"{base}/state", timeout=5).json()
    assert state["records"]["Contact"] == 1 and state["api_usage"] == {"used": 42, "max": 1000}
    assert state["faults"][0]["error_code"] == "UNABLE_TO_LOCK_ROW" and state["latency_ms"] == 1
    assert session.post(f"{base}/expire-sessions", timeout=5).ok
    with pytest.raises(SalesforceExpiredSession):
        connect(emulator).query("SELECT Id FROM Contact")
    new_session = session.post(f"{base}/sessions", timeout=5).json()["session_id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:  # the injected fault answers first
        connect(emulator, session_id=new_session).query("SELECT Id FROM Contact")
    assert caught.value.content[0]["errorCode"] == "UNABLE_TO_LOCK_ROW"
    assert session.post(f"{base}/reset", timeout=5).ok
    assert session.get(f"{base}/calls", timeout=5).json() == {}
    assert emulator.store.count("Contact") == 0


def test_control_endpoint_answers_loopback_only(emulator: EmulatorServer) -> None:
    response = emulator.handle(Request("POST", "/__emulator__/reset", {}, {}, b"", client_ip="10.1.2.3"))
    assert response.status == 403
    assert json.loads(response.body)["error"].startswith("the control endpoint answers loopback clients only")


# --- OAuth token endpoint ------------------------------------------------------------------------------


def test_oauth_username_password_flow(emulator: EmulatorServer) -> None:
    # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_username_password_flow.htm
    emulator.add_connected_app("app-key", consumer_secret="app-secret")
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    sf = Salesforce(username="integration@hitlcrm.example", password="emulator-passwordEMULATORTOKEN",
                    consumer_key="app-key", consumer_secret="app-secret", session=session, version="62.0")
    assert sf.sf_instance == emulator.instance
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 0
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        Salesforce(username="integration@hitlcrm.example", password="emulator-password", consumer_key="app-key",
                   consumer_secret="wrong", session=session)
    assert caught.value.code == "invalid_client"


def test_jwt_bearer_claims_are_checked(emulator: EmulatorServer) -> None:
    # iss = consumer key, sub = username, aud = login URL, exp = within minutes, RS256 signature:
    # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    emulator.add_connected_app("jwt-app", certificate_pem=public_pem)
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    now = int(time.time())
    good = {"iss": "jwt-app", "sub": "integration@hitlcrm.example", "aud": "https://login.salesforce.com",
            "exp": str(now + 180)}

    def token(claims: dict) -> requests.Response:
        assertion = jwt.encode(claims, key, algorithm="RS256")
        return session.post("https://login.salesforce.com/services/oauth2/token", timeout=5, data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})

    answer = token(good)
    assert answer.status_code == 200 and answer.json()["instance_url"] == emulator.base_url
    assert connect(emulator, session_id=answer.json()["access_token"]).query("SELECT Id FROM Contact")["done"]
    assert token({**good, "aud": "https://example.com"}).json() == {"error": "invalid_grant",
                                                                     "error_description": "audience is invalid"}
    assert token({**good, "exp": str(now - 600)}).json()["error"] == "invalid_grant"
    assert token({**good, "iss": "unknown-app"}).json()["error"] == "invalid_client_id"
    assert token({**good, "sub": "nobody@example.com"}).json()["error"] == "invalid_grant"
