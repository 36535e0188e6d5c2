"""The push as a real org answers it: request size limits, concurrent edits, values as the org stores
them, upserts by external id, and messages a RevOps admin can act on. Each group first shows the
emulator doing what the org does, then hitlcrm's push coping with it."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
import requests

from integrations.salesforce.errors import SalesforceRequestTooLarge
from integrations.salesforce.records import MAX_QUERY_URL_BYTES, PushItem, push_updates, read_records
from integrations.salesforce_emulator import EmulatorServer
from integrations.salesforce_emulator.pinning import pinned_session


def rest_get(emulator: EmulatorServer, path: str, **headers: str) -> requests.Response:
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    return session.get(f"{emulator.base_url}/services/data/v62.0/{path}",
                       headers={"Authorization": f"Bearer {emulator.session_id}", **headers}, timeout=10)


def profile_url(number: int) -> str:
    return f"https://www.linkedin.com/in/first-middle-lastname-{number:04d}-a1b2c3d4/?locale=en_US"


# --- URI and header length ---------------------------------------------------------------------------


def test_the_org_refuses_a_uri_or_uri_plus_headers_over_16384_bytes_with_an_html_page(
        emulator: EmulatorServer) -> None:
    """"In each REST call, the maximum length for the combined URI and headers is 16,384 bytes. A request
    exceeding this limit returns a 431 Request Header Fields Too Large error. If the URI itself exceeds
    this limit, the request returns a 414 URI Too Long error."
    https://help.salesforce.com/s/articleView?id=000386264&type=1 ; 414 and 431 in
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    """
    padding = "x" * 16_400
    too_long = rest_get(emulator, f"query/?q={quote('SELECT Id FROM Contact WHERE LastName = ')}%27{padding}%27")
    assert too_long.status_code == 414
    assert too_long.headers["Content-Type"].startswith("text/html")
    nearly = "x" * 15_000
    with_headers = rest_get(emulator, f"query/?q={quote('SELECT Id FROM Contact WHERE LastName = ')}%27{nearly}%27",
                            **{"X-Proxy-Trace": "y" * 2_000})
    assert with_headers.status_code == 431
    assert "<html>" in with_headers.text
    fits = rest_get(emulator, f"query/?q={quote('SELECT Id FROM Contact WHERE LastName = ')}%27{nearly}%27")
    assert fits.status_code == 200
    assert emulator.calls("refused_too_large") == 2
    assert emulator.calls("api") == 1  # refused at the front door: no API call counted


def test_200_linkedin_profile_external_ids_are_read_in_queries_that_fit_the_org(emulator: EmulatorServer) -> None:
    """200 LinkedIn profile URLs as external ids make a ~17 KB query URL, which the org refuses (414);
    the push splits the IN-list by encoded length as well as by count (at most 200 values, about 8 KB).
    https://help.salesforce.com/s/articleView?id=000386264&type=1
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
    """
    urls = [profile_url(number) for number in range(200)]
    emulator.seed("Contact", [{"LastName": f"Person {n}", "LinkedIn_Profile__c": url, "Title": "Engineer"}
                              for n, url in enumerate(urls)])
    items = [PushItem(key=n, crm_object="Contact", external_id_field="LinkedIn_Profile__c", external_id_value=url,
                      fields={"Title": "Director"}, expected={"Title": "Engineer"}) for n, url in enumerate(urls)]
    outcomes = push_updates(items)
    assert {outcome.status for outcome in outcomes.values()} == {"done"}
    assert emulator.calls("refused_too_large") == 0
    assert emulator.calls("query") >= 3  # 17 KB of IN-list in queries of at most 8 KB
    queries = [entry for entry in emulator.request_log if entry["kind"] == "query"]
    assert all(len(urlencode({"q": entry["query"]["q"][0]})) < MAX_QUERY_URL_BYTES for entry in queries)
    assert {record["Title"] for record in emulator.store.all("Contact")} == {"Director"}


def test_read_records_keeps_200_ids_per_query(emulator: EmulatorServer) -> None:
    """Ids are short: 200 of them fit one query (the count limit, not the length, decides)."""
    ids = emulator.seed("Contact", [{"LastName": f"Person {n}"} for n in range(201)])
    assert len(read_records("Contact", ids, ["LastName"])) == 201
    assert emulator.calls("query") == 2


def test_a_refusal_for_size_stops_the_push_without_failing_any_record(
        emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 431 says nothing about the records: they are neither failed nor written, and the error names the
    org's limit without pasting the HTML page or the 16 KB URL.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (431)
    """
    contact_id = emulator.create("Contact", {"LastName": "Person", "Title": "Engineer"})
    from integrations.salesforce import client as client_module

    original = client_module.SalesforceHTTPSession.request

    def with_a_proxy_header(self, method, url, *args, **kwargs):  # a proxy that adds 16 KB of headers
        kwargs["headers"] = {**(kwargs.get("headers") or {}), "X-Proxy-Trace": "y" * 16_000}
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(client_module.SalesforceHTTPSession, "request", with_a_proxy_header)
    with pytest.raises(SalesforceRequestTooLarge) as caught:
        push_updates([PushItem(key=1, crm_object="Contact", crm_id=contact_id, fields={"Title": "CTO"},
                               expected={"Title": "Engineer"})])
    message = str(caught.value)
    assert caught.value.status == 431 and caught.value.error_code == "REQUEST_HEADER_FIELDS_TOO_LARGE"
    assert "16,384 bytes" in message and "<" not in message and len(message) < 400
    assert emulator.get("Contact", contact_id)["Title"] == "Engineer"


# --- a newer value is never overwritten, also between the read and the write ------------------------

LONG_AGO = "2020-01-01T00:00:00.000+0000"


def composite(emulator: EmulatorServer, subrequests: list[dict]) -> requests.Response:
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    return session.post(f"{emulator.base_url}/services/data/v62.0/composite",
                        json={"allOrNone": False, "compositeRequest": subrequests},
                        headers={"Authorization": f"Bearer {emulator.session_id}"}, timeout=10)


def patch_row(contact_id: str, fields: dict, **headers: str) -> dict:
    return {"method": "PATCH", "url": f"/services/data/v62.0/sobjects/Contact/{contact_id}", "referenceId": "r",
            "body": fields, "httpHeaders": headers}


def test_composite_sobject_rows_honour_if_unmodified_since(emulator: EmulatorServer) -> None:
    """A Composite subrequest carries its own headers (``httpHeaders``); an sObject Rows PATCH with
    ``If-Unmodified-Since`` is refused with 412 when the record changed after that date, and an invalid
    date is a 400. At most 25 subrequests per Composite request.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/requests_composite.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
    """
    contact_id = emulator.create("Contact", {"LastName": "Person", "Title": "Engineer", "LastModifiedDate": LONG_AGO})
    emulator.update("Contact", contact_id, {"Department": "R&D"})  # modified now
    answer = composite(emulator, [
        patch_row(contact_id, {"Title": "CTO"}, **{"If-Unmodified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"}),
        patch_row(contact_id, {"Title": "CTO"}, **{"If-Unmodified-Since": "yesterday"}),
        patch_row(contact_id, {"Title": "VP"}, **{"If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT",
                                                   "Sforce-Auto-Assign": "FALSE"}),
    ]).json()["compositeResponse"]
    assert [result["httpStatusCode"] for result in answer] == [412, 400, 204]
    assert emulator.get("Contact", contact_id)["Title"] == "VP"
    too_many = composite(emulator, [patch_row(contact_id, {"Title": "CTO"})] * 26)
    assert too_many.status_code == 400
    assert emulator.calls("composite") == 2  # one API call per Composite request


def test_each_chunk_is_read_just_before_it_is_written(emulator: EmulatorServer) -> None:
    """Records are read and written one chunk (at most 200) at a time: an edit made while the first
    chunk is written is seen when the second chunk is read, so it is not overwritten.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    """
    ids = emulator.seed("Contact", [{"LastName": f"Person {n}", "Title": "Engineer"} for n in range(250)])
    emulator.edit_before(["collections_update"], "Contact", ids[220], {"Title": "Head of Engineering"})
    outcomes = push_updates([PushItem(key=n, crm_object="Contact", crm_id=record_id, fields={"Title": "Director"},
                                      expected={"Title": "Engineer"}) for n, record_id in enumerate(ids)])
    assert outcomes[220].status == "conflict"
    assert outcomes[220].current == {"Title": "Head of Engineering"}
    assert emulator.get("Contact", ids[220])["Title"] == "Head of Engineering"
    assert sum(outcome.status == "done" for outcome in outcomes.values()) == 249


def test_the_default_mode_can_overwrite_an_edit_made_between_the_read_and_the_write(emulator: EmulatorServer) -> None:
    """The residual window the README states: without strict writes, an edit that lands between a
    chunk's read and its sObject Collections PATCH is overwritten (Collections take no conditional
    headers). https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    """
    contact_id = emulator.create("Contact", {"LastName": "Person", "Title": "Engineer"})
    emulator.edit_before(["collections_update"], "Contact", contact_id, {"Title": "Head of Engineering"})
    outcome = push_updates([PushItem(key=1, crm_object="Contact", crm_id=contact_id, fields={"Title": "CTO"},
                                     expected={"Title": "Engineer"})])[1]
    assert outcome.status == "done"
    assert emulator.get("Contact", contact_id)["Title"] == "CTO"


def test_a_strict_write_never_lands_over_an_edit_made_after_the_read(emulator: EmulatorServer) -> None:
    """Strict: sObject Rows PATCH with If-Unmodified-Since (the LastModifiedDate read) through
    Composite; the org's 412 becomes a conflict showing the new value.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm (412)
    """
    contact_id = emulator.create("Contact", {"LastName": "Person", "Title": "Engineer", "LastModifiedDate": LONG_AGO})
    emulator.edit_before(["composite"], "Contact", contact_id, {"Title": "Head of Engineering"})
    outcome = push_updates([PushItem(key=1, crm_object="Contact", crm_id=contact_id, fields={"Title": "CTO"},
                                     expected={"Title": "Engineer"}, strict=True)])[1]
    assert outcome.status == "conflict" and outcome.fields == ("Title",)
    assert outcome.current == {"Title": "Head of Engineering"}
    assert "412" in outcome.message and contact_id in outcome.message
    assert emulator.get("Contact", contact_id)["Title"] == "Head of Engineering"
    assert emulator.calls("collections_update") == 0


def test_a_strict_write_after_an_edit_of_another_field_is_written_against_the_new_date(
        emulator: EmulatorServer) -> None:
    """412 says the record changed, not which field: the record is read again and, when the fields to
    write still hold their expected values, written once more with the new LastModifiedDate.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
    """
    contact_id = emulator.create("Contact", {"LastName": "Person", "Title": "Engineer", "LastModifiedDate": LONG_AGO})
    emulator.edit_before(["composite"], "Contact", contact_id, {"Department": "Sales"})
    outcome = push_updates([PushItem(key=1, crm_object="Contact", crm_id=contact_id, fields={"Title": "CTO"},
                                     expected={"Title": "Engineer"}, strict=True)])[1]
    assert (outcome.status, outcome.written) == ("done", True)
    record = emulator.get("Contact", contact_id)
    assert (record["Title"], record["Department"]) == ("CTO", "Sales")
    assert emulator.calls("composite") == 2


def test_strict_writes_go_25_records_per_composite_request_with_the_write_headers(emulator: EmulatorServer) -> None:
    """"The composite request can have up to 25 subrequests"; the Sforce-* headers travel in each
    subrequest's httpHeaders (a subrequest inherits only Accept, Authorization and Content-Type).
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/requests_composite.htm
    """
    ids = emulator.seed("Lead", [{"LastName": f"Person {n}", "Company": "Contoso", "Title": "Engineer"}
                                 for n in range(30)])
    outcomes = push_updates([PushItem(key=n, crm_object="Lead", crm_id=record_id, fields={"Title": "CTO"},
                                      expected={"Title": "Engineer"}, strict=True) for n, record_id in enumerate(ids)])
    assert {(outcome.status, outcome.written) for outcome in outcomes.values()} == {("done", True)}
    assert emulator.calls("composite") == 2
    from integrations.salesforce_emulator.store import DEFAULT_OWNER_ID

    assert {record["OwnerId"] for record in emulator.store.all("Lead")} == {DEFAULT_OWNER_ID}  # no assignment rule


# --- a retry after a lost response ends done ---------------------------------------------------------


def test_the_org_stores_values_normalised(emulator: EmulatorServer) -> None:
    """Salesforce trims text and keeps blank text as null, keeps a multi-select picklist's values in the
    picklist's order, date-times to the second and numbers at the field's scale (field types:
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm ; the page does not
    list every normalisation, the emulator does what an org does).
    """
    contact_id = emulator.create("Contact", {"LastName": "Person"})
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    answer = session.patch(f"{emulator.base_url}/services/data/v62.0/sobjects/Contact/{contact_id}",
                           json={"Title": "  VP Sales ", "Department": "", "Interests__c": "Security;Analytics;Security",
                                 "Last_Enriched__c": "2026-03-01T10:00:00.789Z", "Score__c": 12.345},
                           headers={"Authorization": f"Bearer {emulator.session_id}"}, timeout=10)
    assert answer.status_code == 204
    record = emulator.get("Contact", contact_id)
    assert record["Title"] == "VP Sales" and record["Department"] is None
    assert record["Interests__c"] == "Analytics;Security"
    assert record["Last_Enriched__c"] == "2026-03-01T10:00:00.000+0000"
    assert record["Score__c"] == 12.35


def test_a_retry_after_a_lost_response_finds_the_write_done_and_writes_nothing_twice(emulator: EmulatorServer) -> None:
    """The PATCH lands but its response is lost (the client times out or the connection drops); the
    retry reads first, compares as the org stores values, and ends ``done`` without a second PATCH.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm
    """
    from integrations.salesforce.errors import SalesforceTransientError

    contact_id = emulator.create("Contact", {"LastName": "Person", "Title": "Engineer"})
    item = PushItem(key=1, crm_object="Contact", crm_id=contact_id,
                    fields={"Title": "  VP Sales ", "Department": "", "Interests__c": "Security;Analytics",
                            "Last_Enriched__c": "2026-03-01T10:00:00.789Z", "Score__c": 12.345},
                    expected={"Title": "Engineer", "Department": None, "Interests__c": None,
                              "Last_Enriched__c": None, "Score__c": None})
    emulator.inject_fault("LOST", 0, kinds=["collections_update"], after_handling=True)
    with pytest.raises(SalesforceTransientError):
        push_updates([item])
    assert emulator.get("Contact", contact_id)["Title"] == "VP Sales"  # it landed
    outcome = push_updates([item])[1]
    assert (outcome.status, outcome.written) == ("done", False)
    assert emulator.calls("collections_update") == 1


# --- upserts as the org does them ------------------------------------------------------------------------

def test_a_case_sensitive_external_id_matches_only_its_own_case(emulator: EmulatorServer) -> None:
    """External id matching ignores case unless the field is unique and case-sensitive (describe:
    ``caseSensitive``): https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_dml_examples_upsert.htm
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm#field
    """
    upper = emulator.create("Contact", {"LastName": "Upper", "Source_Key__c": "ABC-1", "Title": "Engineer"})
    lower = emulator.create("Contact", {"LastName": "Lower", "Source_Key__c": "abc-1", "Title": "Engineer"})
    outcomes = push_updates([PushItem(key=value, crm_object="Contact", external_id_field="Source_Key__c",
                                      external_id_value=value, fields={"Title": title}, expected={"Title": "Engineer"})
                             for value, title in (("abc-1", "CTO"), ("ABC-1", "CFO"))])
    assert (outcomes["abc-1"].status, outcomes["abc-1"].crm_id) == ("done", lower)
    assert (outcomes["ABC-1"].status, outcomes["ABC-1"].crm_id) == ("done", upper)
    assert emulator.get("Contact", upper)["Title"] == "CFO"
    assert emulator.get("Contact", lower)["Title"] == "CTO"


def test_id_is_not_an_upsert_key(emulator: EmulatorServer) -> None:
    """In REST API, upsert uses external ids, not record ids:
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm"""
    contact_id = emulator.create("Contact", {"LastName": "Person"})
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    answer = session.patch(f"{emulator.base_url}/services/data/v62.0/composite/sobjects/Contact/Id",
                           json={"allOrNone": False, "records": [{"attributes": {"type": "Contact"}, "Id": contact_id,
                                                                  "Title": "CTO"}]},
                           headers={"Authorization": f"Bearer {emulator.session_id}"}, timeout=10)
    assert answer.status_code == 400
    outcome = push_updates([PushItem(key=1, crm_object="Contact", external_id_field="Id", external_id_value=contact_id,
                                     fields={"Title": "CTO"})])[1]
    assert outcome.status == "failed" and "Id is not an upsert key" in outcome.message
    assert emulator.calls("api") == 2  # the describe and the refused request above: nothing written


def test_several_matches_are_their_own_outcome_naming_the_records(emulator: EmulatorServer) -> None:
    """"If the external ID is matched multiple times, then a 300 error is reported, and the record isn't
    created or updated":
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm"""
    first, second = emulator.seed("Contact", [{"LastName": "A", "LinkedIn_Profile__c": "in/ada"},
                                              {"LastName": "B", "LinkedIn_Profile__c": "IN/ADA"}])
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    answer = session.patch(f"{emulator.base_url}/services/data/v62.0/sobjects/Contact/LinkedIn_Profile__c/in%2Fada",
                           json={"Title": "CTO"}, headers={"Authorization": f"Bearer {emulator.session_id}"},
                           timeout=10)
    assert answer.status_code == 300 and len(answer.json()) == 2
    outcome = push_updates([PushItem(key=1, crm_object="Contact", external_id_field="LinkedIn_Profile__c",
                                     external_id_value="in/ada", fields={"Title": "CTO"})])[1]
    assert (outcome.status, outcome.error_code) == ("failed", "MULTIPLE_MATCHES")
    assert first in outcome.message and second in outcome.message


def test_a_collections_upsert_that_matches_several_records_is_the_same_multiple_matches_outcome(
        emulator: EmulatorServer) -> None:
    """In an sObject Collections upsert the 300 of the single-record upsert is a per-record error in a
    200 reply: ``DUPLICATE_EXTERNAL_ID`` ("<field>: more than one record found for external id field:
    [ids]"), the record neither created nor updated. A duplicate created between hitlcrm's read and
    its write meets it; the change fails as MULTIPLE_MATCHES naming the records, as with the 300.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
    """
    first, second = emulator.seed("Contact", [{"LastName": "A", "LinkedIn_Profile__c": "in/ada", "Title": "Engineer"},
                                              {"LastName": "B", "LinkedIn_Profile__c": "in/ada", "Title": "Engineer"}])
    session = pinned_session(emulator.port, ca_path=str(emulator.ca_path))
    answer = session.patch(f"{emulator.base_url}/services/data/v62.0/composite/sobjects/Contact/LinkedIn_Profile__c",
                           json={"allOrNone": False, "records": [{"attributes": {"type": "Contact"},
                                                                  "LinkedIn_Profile__c": "in/ada", "Title": "CTO"}]},
                           headers={"Authorization": f"Bearer {emulator.session_id}"}, timeout=10)
    assert answer.status_code == 200
    (result,) = answer.json()
    assert result["success"] is False and result["errors"][0]["statusCode"] == "DUPLICATE_EXTERNAL_ID"
    assert first in result["errors"][0]["message"] and second in result["errors"][0]["message"]

    third = emulator.create("Contact", {"LastName": "C", "LinkedIn_Profile__c": "in/grace", "Title": "Engineer"})
    fourth = emulator.create("Contact", {"LastName": "D", "Title": "Engineer"})
    # Someone gives a second Contact the same profile after hitlcrm's read, before its write.
    emulator.edit_before(["collections_upsert"], "Contact", fourth, {"LinkedIn_Profile__c": "in/grace"})
    outcome = push_updates([PushItem(key=1, crm_object="Contact", external_id_field="LinkedIn_Profile__c",
                                     external_id_value="in/grace", fields={"Title": "CTO"},
                                     expected={"Title": "Engineer"})])[1]
    assert (outcome.status, outcome.error_code) == ("failed", "MULTIPLE_MATCHES")
    assert third in outcome.message and fourth in outcome.message
    assert "Merge the duplicates in Salesforce" in outcome.message
    assert emulator.calls("collections_upsert") == 2  # the one above and hitlcrm's: both refused
    assert {record["Title"] for record in emulator.store.all("Contact")} == {"Engineer"}


def test_an_external_id_that_belongs_to_another_record_is_a_conflict(emulator: EmulatorServer) -> None:
    """The upsert would update the record the external id matches, not the one the change names:
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm"""
    proposed_for, owner = emulator.seed("Contact", [{"LastName": "A", "Title": "Engineer"},
                                                   {"LastName": "B", "Title": "Engineer", "External_Id__c": "ext-9"}])
    outcome = push_updates([PushItem(key=1, crm_object="Contact", crm_id=proposed_for, external_id_field="External_Id__c",
                                     external_id_value="ext-9", fields={"Title": "CTO"},
                                     expected={"Title": "Engineer"})])[1]
    assert (outcome.status, outcome.error_code) == ("conflict", "EXTERNAL_ID_MATCHES_OTHER_RECORD")
    assert owner in outcome.message and proposed_for in outcome.message
    assert {record["Title"] for record in emulator.store.all("Contact")} == {"Engineer"}


def test_an_upsert_for_a_named_record_that_no_external_id_matches_creates_nothing(emulator: EmulatorServer) -> None:
    """"If the external ID doesn't match an existing record, then a new record is created according to
    the request body":
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_upsert_patch.htm
    A change proposed for an existing record (its ``crm_id``) that also names an upsert key nobody holds
    would create a second person beside the one the reviewer approved a change to: a conflict instead."""
    proposed_for = emulator.create("Contact", {"LastName": "A"})
    outcome = push_updates([PushItem(key=1, crm_object="Contact", crm_id=proposed_for,
                                     external_id_field="External_Id__c", external_id_value="ext-404",
                                     fields={"Title": "CTO"}, expected={"Title": None})])[1]
    assert (outcome.status, outcome.error_code) == ("conflict", "EXTERNAL_ID_MATCHES_NO_RECORD")
    assert proposed_for in outcome.message and "ext-404" in outcome.message
    assert emulator.store.count("Contact") == 1
    assert [record.get("Title") for record in emulator.store.all("Contact")] == [None]
