"""Batched reads and conflict-checked writes against the emulator."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from integrations.salesforce.client import WriteOptions, read_config
from integrations.salesforce.describe import CACHE_KEY, describe_object
from integrations.salesforce.errors import SalesforceInvalidInputError, SalesforceTransientError
from integrations.salesforce.records import (
    MAX_QUERY_URL_BYTES,
    PushItem,
    create_records,
    opted_out_records,
    push_updates,
    read_records,
)
from integrations.salesforce_emulator import EmulatorServer
from integrations.salesforce_emulator.store import ASSIGNED_OWNER_ID, DEFAULT_OWNER_ID


def seed_contacts(emulator: EmulatorServer, count: int, **fields: object) -> list[str]:
    return emulator.seed("Contact", [{"LastName": f"Contact {number}", **fields} for number in range(count)])


# --- reads ------------------------------------------------------------------------------------------


def test_read_records_batches_200_ids_per_query(emulator: EmulatorServer) -> None:
    # SOQL over REST: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
    ids = seed_contacts(emulator, 450, Title="Engineer")
    asked = [record_id[:15] if number % 2 else record_id for number, record_id in enumerate(ids)]
    records = read_records("Contact", asked, ["Title", "LastName"])
    assert emulator.calls("query") == 3
    assert set(records) == set(ids)  # keyed by the 18-character id
    assert records[ids[1]] == {"Id": ids[1], "Title": "Engineer", "LastName": "Contact 1"}


def test_read_records_omits_missing_and_deleted(emulator: EmulatorServer) -> None:
    alive, deleted = seed_contacts(emulator, 2)
    emulator.delete("Contact", deleted)
    assert set(read_records("Contact", [alive, deleted, "003Em00000000zzIAA"], ["LastName"])) == {alive}


@pytest.mark.parametrize(
    ("crm_object", "ids", "fields"),
    [
        ("Contact", ["003Em0000000001IAA') OR (Id != '"], ["LastName"]),
        ("Contact", ["003Em0000000001' OR Name != '"], ["LastName"]),
        ("Contact", ["003Em0000000001IAA"], ["LastName FROM User WHERE Id != null --"]),
        ("Contact", ["003Em0000000001IAA"], ["Name, (SELECT Id FROM Cases)"]),
        ("Contact WHERE IsDeleted = false", ["003Em0000000001IAA"], ["LastName"]),
        ("User", ["003Em0000000001IAX"], ["Id"]),  # checksum does not match
    ],
)
def test_soql_injection_is_refused_before_any_request(emulator: EmulatorServer, crm_object: str, ids: list[str],
                                                      fields: list[str]) -> None:
    with pytest.raises(SalesforceInvalidInputError):
        read_records(crm_object, ids, fields)
    assert emulator.call_counts() == {}


# --- push_updates ----------------------------------------------------------------------------------


def test_push_updates_batches_200_records_per_collection_request(emulator: EmulatorServer) -> None:
    # sObject Collections update, up to 200 records a request:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    ids = seed_contacts(emulator, 350, Title="Engineer")
    items = [PushItem(key=number, crm_object="Contact", crm_id=record_id, fields={"Title": "Director"},
                      expected={"Title": "Engineer"}) for number, record_id in enumerate(ids)]
    outcomes = push_updates(items)
    assert {outcome.status for outcome in outcomes.values()} == {"done"}
    assert all(outcome.written for outcome in outcomes.values())
    assert outcomes[7].crm_id == ids[7] and outcomes[7].record_id == ids[7]
    assert emulator.calls("collections_update") == 2
    assert emulator.calls("query_all") == 2  # current values: 200 + 150 ids
    assert emulator.calls("describe") == 1
    assert {record["Title"] for record in emulator.store.all("Contact")} == {"Director"}
    assert outcomes[0].http_requests == 5
    assert outcomes[0].api_usage == (5, 15000)


def test_repush_is_idempotent(emulator: EmulatorServer) -> None:
    ids = seed_contacts(emulator, 3, Title="Engineer")
    items = [PushItem(key=record_id, crm_object="Contact", crm_id=record_id, fields={"Title": "Director"},
                      expected={"Title": "Engineer"}) for record_id in ids]
    push_updates(items)
    stamps = {record["Id"]: record["SystemModstamp"] for record in emulator.store.all("Contact")}
    again = push_updates(items)  # e.g. a retry after a lost response
    assert {(outcome.status, outcome.written) for outcome in again.values()} == {("done", False)}
    assert emulator.calls("collections_update") == 1
    assert stamps == {record["Id"]: record["SystemModstamp"] for record in emulator.store.all("Contact")}


def test_conflicting_change_is_not_written(emulator: EmulatorServer) -> None:
    changed, untouched = seed_contacts(emulator, 2, Title="Engineer", Department="R&D")
    emulator.update("Contact", changed, {"Title": "Head of Engineering"})  # someone edited it after the proposal
    outcomes = push_updates([
        PushItem(key="a", crm_object="Contact", crm_id=changed, fields={"Title": "CTO", "Department": "Office"},
                 expected={"Title": "Engineer", "Department": "R&D"}),
        PushItem(key="b", crm_object="Contact", crm_id=untouched, fields={"Title": "CTO"},
                 expected={"Title": "Engineer"}),
    ])
    assert outcomes["a"].status == "conflict"
    assert outcomes["a"].current == {"Title": "Head of Engineering", "Department": "R&D"}
    assert outcomes["a"].fields == ("Title",)
    assert outcomes["b"].status == "done"
    assert emulator.get("Contact", changed)["Department"] == "R&D"
    assert emulator.get("Contact", untouched)["Title"] == "CTO"


def test_blank_and_null_and_numbers_compare_like_salesforce(emulator: EmulatorServer) -> None:
    contact_id = seed_contacts(emulator, 1)[0]  # Department is null in Salesforce
    account_id = emulator.create("Account", {"Name": "Acme", "AnnualRevenue": 1000000, "NumberOfEmployees": 50})
    outcomes = push_updates([
        PushItem(key="contact", crm_object="Contact", crm_id=contact_id, fields={"Department": "Sales"},
                 expected={"Department": ""}),
        PushItem(key="account", crm_object="Account", crm_id=account_id,
                 fields={"AnnualRevenue": "2000000", "NumberOfEmployees": 50},
                 expected={"AnnualRevenue": 1000000.0, "NumberOfEmployees": "50"}),
    ])
    assert outcomes["contact"].status == "done" and outcomes["account"].status == "done"
    assert emulator.get("Account", account_id)["AnnualRevenue"] == 2000000.0


def test_deleted_and_missing_records_fail(emulator: EmulatorServer) -> None:
    # ENTITY_IS_DELETED: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    alive, deleted = seed_contacts(emulator, 2)
    emulator.delete("Contact", deleted)
    outcomes = push_updates([
        PushItem(key=1, crm_object="Contact", crm_id=deleted, fields={"Title": "CTO"}),
        PushItem(key=2, crm_object="Contact", crm_id="003Em00000000zzIAA", fields={"Title": "CTO"}),
        PushItem(key=3, crm_object="Contact", crm_id="not-an-id", fields={"Title": "CTO"}),
        PushItem(key=4, crm_object="Contact", crm_id=alive, fields={"Title": "CTO"}),
    ])
    assert [(outcomes[key].status, outcomes[key].error_code) for key in (1, 2, 3, 4)] == [
        ("failed", "ENTITY_IS_DELETED"), ("failed", "NOT_FOUND"), ("failed", "MALFORMED_ID"), ("done", "")]


def test_values_the_describe_rejects_are_not_sent(emulator: EmulatorServer) -> None:
    record_id = seed_contacts(emulator, 1)[0]
    outcomes = push_updates([
        PushItem(key="long", crm_object="Contact", crm_id=record_id, fields={"Title": "x" * 200}),
        PushItem(key="picklist", crm_object="Lead", crm_id="00QEm0000000001", fields={"Status": "Maybe"}),
        PushItem(key="unknown", crm_object="Contact", crm_id=record_id, fields={"Nickname__c": "Ada"}),
        PushItem(key="object", crm_object="Widget__c", crm_id=record_id, fields={"Name": "x"}),
    ])
    assert outcomes["long"].error_code == "STRING_TOO_LONG"
    assert outcomes["picklist"].error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert outcomes["unknown"].error_code == "INVALID_FIELD"
    assert outcomes["object"].error_code == "NOT_FOUND"
    assert {outcome.status for outcome in outcomes.values()} == {"failed"}
    assert emulator.calls("collections_update") == 0


def test_per_record_errors_from_salesforce_are_mapped(emulator: EmulatorServer) -> None:
    # Per-record SaveResult errors in request order:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    first, second, third = seed_contacts(emulator, 3)
    emulator.update("Contact", first, {"External_Id__c": "taken"})
    emulator.inject_record_error("FIELD_CUSTOM_VALIDATION_EXCEPTION", message="Title needs approval",
                                 record_ids=[third])
    outcomes = push_updates([
        PushItem(key=2, crm_object="Contact", crm_id=second, fields={"External_Id__c": "TAKEN"}),  # unique field
        PushItem(key=3, crm_object="Contact", crm_id=third, fields={"Title": "CTO"}),
        PushItem(key=1, crm_object="Contact", crm_id=first, fields={"Title": "CEO"}),
    ])
    assert (outcomes[2].status, outcomes[2].error_code) == ("failed", "DUPLICATE_VALUE")
    assert (outcomes[3].status, outcomes[3].error_code, outcomes[3].message) == (
        "failed", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Title needs approval")
    assert outcomes[1].status == "done"
    assert emulator.calls("collections_update") == 1


def stale_describe(name: str, change) -> None:
    """Put a modified copy of ``name``'s describe into the cache, as if the org changed since it was cached."""
    description = describe_object(name).as_describe()
    change(description)
    config = read_config()
    cache.set(CACHE_KEY.format(org=config.org_key, version=config.api_version, name=name.lower()), description)


def test_stale_metadata_is_refreshed_when_a_field_disappeared(emulator: EmulatorServer) -> None:
    ids = seed_contacts(emulator, 3)
    stale_describe("Contact", lambda description: description["fields"].append(
        {"name": "Retired__c", "type": "string", "length": 10, "updateable": True, "createable": True}))
    outcomes = push_updates([
        PushItem(key=0, crm_object="Contact", crm_id=ids[0], fields={"Title": "CTO"}),
        PushItem(key=1, crm_object="Contact", crm_id=ids[1], fields={"Retired__c": "yes"}),
        PushItem(key=2, crm_object="Contact", crm_id=ids[2], fields={"Title": "CFO"}),
    ])
    assert [outcomes[key].status for key in range(3)] == ["done", "failed", "done"]
    assert outcomes[1].error_code == "INVALID_FIELD"
    assert emulator.calls("describe") == 2  # the refresh
    assert emulator.calls("collections_update") == 1


def test_whole_request_error_from_one_record_is_isolated(emulator: EmulatorServer) -> None:
    # A value of the wrong JSON type makes Salesforce refuse the whole Collections request
    # (JSON_PARSER_ERROR); the client splits the batch to isolate the record.
    ids = seed_contacts(emulator, 4)

    def checkbox_as_text(description: dict) -> None:
        for entry in description["fields"]:
            if entry["name"] == "DoNotCall":
                entry.update(type="string", length=10)

    stale_describe("Contact", checkbox_as_text)
    items = [PushItem(key=number, crm_object="Contact", crm_id=record_id, fields={"Title": "CTO"})
             for number, record_id in enumerate(ids)]
    items[2] = PushItem(key=2, crm_object="Contact", crm_id=ids[2], fields={"DoNotCall": "please"})
    outcomes = push_updates(items)
    assert [outcomes[number].status for number in range(4)] == ["done", "done", "failed", "done"]
    assert outcomes[2].error_code == "JSON_PARSER_ERROR"
    assert emulator.calls("collections_update") == 5  # all 4, then halves, then the bad half's quarters


def test_whole_request_transient_error_raises_and_retry_completes(emulator: EmulatorServer) -> None:
    ids = seed_contacts(emulator, 250, Title="Engineer")
    items = [PushItem(key=record_id, crm_object="Contact", crm_id=record_id, fields={"Title": "Director"},
                      expected={"Title": "Engineer"}) for record_id in ids]
    emulator.inject_fault("SERVER_UNAVAILABLE", 503, kinds=["collections_update"], skip=1)
    with pytest.raises(SalesforceTransientError) as caught:
        push_updates(items)
    assert caught.value.error_code == "SERVER_UNAVAILABLE" and caught.value.status == 503
    titles = [record["Title"] for record in emulator.store.all("Contact")]
    assert (titles.count("Director"), titles.count("Engineer")) == (200, 50)  # the first request got through
    outcomes = push_updates(items)  # the caller's retry
    assert {outcome.status for outcome in outcomes.values()} == {"done"}
    assert sum(outcome.written for outcome in outcomes.values()) == 50
    assert emulator.calls("collections_update") == 3


def test_api_limit_reached_raises_transient_before_writing(emulator: EmulatorServer) -> None:
    # 403 REQUEST_LIMIT_EXCEEDED: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    record_id = seed_contacts(emulator, 1)[0]
    emulator.set_api_usage(15000, 15000)
    with pytest.raises(SalesforceTransientError) as caught:
        push_updates([PushItem(key=1, crm_object="Contact", crm_id=record_id, fields={"Title": "CTO"})])
    assert (caught.value.error_code, caught.value.status) == ("REQUEST_LIMIT_EXCEEDED", 403)
    assert emulator.get("Contact", record_id)["Title"] is None


def test_per_record_lock_error_raises_transient_with_the_outcomes(emulator: EmulatorServer) -> None:
    # UNABLE_TO_LOCK_ROW is a per-record error worth retrying.
    first, second = seed_contacts(emulator, 2)
    emulator.inject_record_error("UNABLE_TO_LOCK_ROW", record_ids=[second])
    items = [PushItem(key=record_id, crm_object="Contact", crm_id=record_id, fields={"Title": "CTO"})
             for record_id in (first, second)]
    with pytest.raises(SalesforceTransientError) as caught:
        push_updates(items)
    assert caught.value.error_code == "UNABLE_TO_LOCK_ROW"
    assert caught.value.outcomes[first].status == "done"
    assert caught.value.outcomes[second].status == "retry"
    outcomes = push_updates(items)
    assert (outcomes[first].written, outcomes[second].written) == (False, True)


def test_upsert_by_external_id(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
    existing = emulator.create("Contact", {"LastName": "Known", "External_Id__c": "ext-1", "Title": "Engineer"})
    outcomes = push_updates([
        PushItem(key="update", crm_object="Contact", external_id_field="External_Id__c", external_id_value="ext-1",
                 fields={"Title": "CTO"}, expected={"Title": "Engineer"}),
        PushItem(key="create", crm_object="Contact", external_id_field="External_Id__c", external_id_value="ext-2",
                 fields={"LastName": "New", "Title": "CEO"}),
        PushItem(key="gone", crm_object="Contact", external_id_field="External_Id__c", external_id_value="ext-3",
                 fields={"Title": "CFO"}, expected={"Title": "Engineer"}),
    ])
    assert (outcomes["update"].status, outcomes["update"].crm_id, outcomes["update"].created) == ("done", existing,
                                                                                                  False)
    assert outcomes["create"].status == "done" and outcomes["create"].created is True
    assert outcomes["gone"].status == "conflict"
    assert emulator.calls("collections_upsert") == 1
    assert emulator.get("Contact", outcomes["create"].crm_id)["External_Id__c"] == "ext-2"
    again = push_updates([PushItem(key="update", crm_object="Contact", external_id_field="External_Id__c",
                                   external_id_value="ext-1", fields={"Title": "CTO"}, expected={"Title": "Engineer"})])
    assert (again["update"].status, again["update"].written) == ("done", False)


def test_external_id_values_are_quoted_not_interpreted(emulator: EmulatorServer) -> None:
    # SOQL string escapes: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
    emulator.create("Contact", {"LastName": "Other", "External_Id__c": "other"})
    tricky = "x' OR External_Id__c != '\\"
    outcome = push_updates([PushItem(key=1, crm_object="Contact", external_id_field="External_Id__c",
                                     external_id_value=tricky, fields={"LastName": "Literal"})])[1]
    assert (outcome.status, outcome.created) == ("done", True)
    assert emulator.get("Contact", outcome.crm_id)["External_Id__c"] == tricky
    assert emulator.store.count("Contact") == 2


def test_items_for_the_same_record_apply_in_order(emulator: EmulatorServer) -> None:
    record_id = seed_contacts(emulator, 1, Title="Engineer")[0]
    outcomes = push_updates([
        PushItem(key=1, crm_object="Contact", crm_id=record_id, fields={"Title": "Lead"}, expected={"Title": "Engineer"}),
        PushItem(key=2, crm_object="Contact", crm_id=record_id[:15], fields={"Title": "Manager"},
                 expected={"Title": "Lead"}),
    ])
    assert (outcomes[1].status, outcomes[2].status) == ("done", "done")
    assert emulator.get("Contact", record_id)["Title"] == "Manager"


def test_outcomes_are_json_ready(emulator: EmulatorServer) -> None:
    record_id = seed_contacts(emulator, 1)[0]
    outcome = push_updates([PushItem(key=1, crm_object="Contact", crm_id=record_id, fields={"Title": "CTO"})])[1]
    assert outcome.as_dict() == {"status": "done", "crm_id": record_id, "current": {"Title": "CTO"}, "error_code": "",
                                 "message": "", "fields": [], "written": True, "created": False,
                                 "api_usage": [3, 15000], "http_requests": 3}


# --- create_records ---------------------------------------------------------------------------------


def test_create_records_logs_completed_tasks(emulator: EmulatorServer) -> None:
    # sObject Collections create: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
    who = seed_contacts(emulator, 1)[0]
    tasks = [{"Subject": f"Email: Hello {number}", "Description": "Hi Ada,\n...", "Status": "Completed",
              "TaskSubtype": "Email", "WhoId": who, "ActivityDate": "2025-06-30", "Priority": "Normal"}
             for number in range(3)]
    tasks.append({"Subject": "Email: bad", "Status": "Sent"})  # not a Task status
    outcomes = create_records("Task", tasks)
    assert [outcome.status for outcome in outcomes] == ["done", "done", "done", "failed"]
    assert outcomes[3].error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert all(outcome.crm_id.startswith("00T") and outcome.created is False for outcome in outcomes[:3])
    stored = emulator.get("Task", outcomes[0].crm_id)
    assert (stored["Status"], stored["TaskSubtype"], stored["WhoId"]) == ("Completed", "Email", who)
    assert emulator.calls("collections_create") == 1


def test_create_records_transient_first_request_raises(emulator: EmulatorServer) -> None:
    emulator.inject_fault("SERVER_UNAVAILABLE", 503, kinds=["collections_create"])
    with pytest.raises(SalesforceTransientError):
        create_records("Task", [{"Subject": "Email: hi", "Status": "Completed"}])
    assert emulator.store.count("Task") == 0


def test_create_records_transient_later_request_marks_the_rest_retry(emulator: EmulatorServer) -> None:
    # Creating is not idempotent: records of a later failed request come back "retry", the created ones "done".
    emulator.inject_fault("SERVER_UNAVAILABLE", 503, kinds=["collections_create"], skip=1)
    records = [{"Subject": f"Email {number}", "Status": "Completed"} for number in range(250)]
    outcomes = create_records("Task", records)
    assert [outcome.status for outcome in outcomes[:200]] == ["done"] * 200
    assert [outcome.status for outcome in outcomes[200:]] == ["retry"] * 50
    assert emulator.store.count("Task") == 200


# --- what a write lets the org's automation do ------------------------------------------------------


def test_every_write_keeps_the_orgs_assignment_rules_and_duplicate_alerts_out_unless_asked(
    emulator: EmulatorServer,
) -> None:
    """Updates by id, upserts and creates all send ``Sforce-Auto-Assign: FALSE`` and an explicit
    ``Sforce-Duplicate-Rule-Header`` (allowSave=false), so the org's Lead assignment rule changes no
    owner; ``WriteOptions`` lets them run where the caller chose so.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm"""
    by_id, by_key = emulator.seed("Lead", [{"LastName": "Doe", "Company": "Contoso"},
                                           {"LastName": "Roe", "Company": "Contoso", "External_Id__c": "lead-2"}])
    outcomes = push_updates([
        PushItem(key="id", crm_object="Lead", crm_id=by_id, fields={"Title": "CTO"}),
        PushItem(key="upsert", crm_object="Lead", external_id_field="External_Id__c", external_id_value="lead-2",
                 fields={"Title": "CFO"}),
    ])
    (created,) = create_records("Lead", [{"LastName": "Poe", "Company": "Contoso"}])
    assert {outcome.status for outcome in outcomes.values()} == {"done"} and created.status == "done"
    assert {emulator.get("Lead", record)["OwnerId"] for record in (by_id, by_key, created.crm_id)} == {
        DEFAULT_OWNER_ID}
    written = [entry for entry in emulator.request_log if entry["method"] in {"POST", "PATCH"}]
    assert [entry["kind"] for entry in written] == ["collections_update", "collections_upsert", "collections_create"]
    assert all(entry["sforce"] == {"sforce-auto-assign": "FALSE", "sforce-duplicate-rule-header":
                                   "allowSave=false; includeRecordDetails=false; runAsCurrentUser=false"}
               for entry in written)

    assigning = WriteOptions(run_assignment_rules=True)
    outcomes = push_updates([PushItem(key="id", crm_object="Lead", crm_id=by_id, fields={"Title": "CEO"},
                                      options=assigning)])
    (created,) = create_records("Lead", [{"LastName": "Moe", "Company": "Contoso"}], options=assigning)
    assert {emulator.get("Lead", record)["OwnerId"] for record in (by_id, created.crm_id)} == {ASSIGNED_OWNER_ID}
    assert emulator.get("Lead", by_key)["OwnerId"] == DEFAULT_OWNER_ID


def test_a_duplicate_is_a_failed_record_naming_the_rule_the_match_and_the_field(emulator: EmulatorServer) -> None:
    """DUPLICATES_DETECTED is permanent; its DuplicateResult says which rule matched which record on
    which field (Salesforce's own message is only the admin's alert text). ``allow_duplicate_save``
    acknowledges an "Allow" rule's alert.
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_duplicateerror.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm"""
    original = emulator.create("Contact", {"LastName": "Lovelace", "Email": "ada@contoso.example"})
    (refused, fine) = create_records("Contact", [{"LastName": "Lovelace", "Email": "Ada@Contoso.example"},
                                                 {"LastName": "Hopper", "Email": "grace@contoso.example"}])
    assert (refused.status, refused.error_code, refused.fields) == ("failed", "DUPLICATES_DETECTED", ("Email",))
    assert refused.message == (
        f"Salesforce's duplicate rule Standard_Rule_for_Contacts_with_Duplicate_Contacts refused the save: it "
        f"matches Contact {original} on Email (the org says: You're creating a duplicate record. We recommend you "
        "use an existing record instead.). Merge or correct the records in Salesforce, or allow duplicate saves "
        "in the object's CRM object rule.")
    assert fine.status == "done" and emulator.store.count("Contact") == 2

    (saved,) = create_records("Contact", [{"LastName": "Lovelace", "Email": "ada@contoso.example"}],
                              options=WriteOptions(allow_duplicate_save=True))
    assert saved.status == "done" and emulator.store.count("Contact") == 3


def test_opted_out_records_are_looked_up_in_chunks_that_fit_the_url_limit(emulator: EmulatorServer) -> None:
    """300 long addresses make an IN-list of about 20 KB: it is split so that every query URL stays
    within the limit (the org refuses a URI plus headers over 16,384 bytes), one query per object and
    chunk, and every opted-out holder is found whatever the letters' case.
    https://help.salesforce.com/s/articleView?id=000386264&type=1
    https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-comparisonoperators.html
    """
    from urllib.parse import urlencode

    addresses = [f"someone.with.a.rather.long.name.{n}@subsidiary.contoso.example" for n in range(300)]
    emulator.seed("Contact", [{"LastName": f"Person {n}", "Email": address.upper(), "HasOptedOutOfEmail": n % 2 == 0}
                              for n, address in enumerate(addresses)])
    found = opted_out_records(addresses)
    assert set(found) == set(addresses[::2])
    assert emulator.calls("refused_too_large") == 0
    queries = [entry["query"]["q"][0] for entry in emulator.request_log if entry["kind"] == "query"]
    assert len([q for q in queries if " FROM Contact " in q]) >= 3
    assert all(len(urlencode({"q": q})) < MAX_QUERY_URL_BYTES for q in queries)
