"""Who a record is (integrations/salesforce/identity.py), and the emulator's SOQL reading a parent's
field through a relationship, as Salesforce documents it: a parent's fields come nested under the
relationship's name with the parent's own ``attributes``, and the relationship is ``null`` when the
reference is empty.
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_and_polymorph_keys.htm
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
"""

from __future__ import annotations

import pytest
import requests

from integrations.salesforce.errors import SalesforceInvalidInputError
from integrations.salesforce.identity import record_identities, record_url
from integrations.salesforce.soql import select
from integrations.salesforce_emulator import EmulatorServer

OWNER_ID = "005Em0000000009AAA"


def soql(emulator: EmulatorServer, query: str) -> requests.Response:
    return requests.get(f"{emulator.base_url}/services/data/v62.0/query/", params={"q": query},
                        headers={"Authorization": f"Bearer {emulator.session_id}"}, verify=str(emulator.ca_path),
                        timeout=10)


def test_the_emulator_nests_a_parents_fields_under_the_relationship(emulator: EmulatorServer) -> None:
    emulator.set_owner(OWNER_ID, "Grace Owner")
    account = emulator.create("Account", {"Name": "Woodgrove Bank"})
    with_account = emulator.create("Contact", {"LastName": "Vance", "AccountId": account, "OwnerId": OWNER_ID})
    without = emulator.create("Contact", {"LastName": "Alone"})

    records = soql(emulator, "SELECT Id, account.name, Owner.Name FROM Contact ORDER BY LastName").json()["records"]

    alone, vance = records
    assert vance["Id"] == with_account and alone["Id"] == without
    assert vance["Account"]["Name"] == "Woodgrove Bank" and vance["Account"]["attributes"]["type"] == "Account"
    assert vance["Owner"]["Name"] == "Grace Owner" and vance["Owner"]["attributes"]["type"] == "User"
    assert alone["Account"] is None


def test_the_emulator_refuses_an_unknown_relationship(emulator: EmulatorServer) -> None:
    response = soql(emulator, "SELECT Id, Employer.Name FROM Contact")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"
    assert "Didn't understand relationship 'Employer'" in response.json()[0]["message"]


def test_record_identities_reads_contacts_and_leads_with_their_own_fields(emulator: EmulatorServer) -> None:
    emulator.set_owner(OWNER_ID, "Grace Owner")
    account = emulator.create("Account", {"Name": "Woodgrove Bank"})
    contact = emulator.create("Contact", {"FirstName": "Hamilton", "LastName": "Vance", "Title": "VP Sales",
                                          "Email": "h@woodgrove.example", "AccountId": account, "OwnerId": OWNER_ID,
                                          "HasOptedOutOfEmail": True})
    lead = emulator.create("Lead", {"LastName": "Hopper", "Company": "Fourth Coffee", "Title": "CTO"})
    before = emulator.calls("query")

    contacts = record_identities("Contact", [contact, contact[:15], "003Em0000000zzz"])
    leads = record_identities("Lead", [lead])

    assert emulator.calls("query") == before + 2  # one query per object, however many ids
    found = contacts[contact]
    assert (found.name, found.title, found.company, found.email, found.owner, found.opted_out) == (
        "Hamilton Vance", "VP Sales", "Woodgrove Bank", "h@woodgrove.example", "Grace Owner", True)
    assert found.url == f"https://{emulator.instance}/lightning/r/Contact/{contact}/view"
    assert list(contacts) == [contact]  # a record that does not exist is absent
    assert (leads[lead].name, leads[lead].company, leads[lead].opted_out) == ("Hopper", "Fourth Coffee", False)
    account_identity = record_identities("Account", [account])[account]
    assert (account_identity.name, account_identity.title, account_identity.opted_out) == ("Woodgrove Bank", "", None)


def test_malformed_ids_and_field_paths_are_refused_before_any_request(emulator: EmulatorServer) -> None:
    with pytest.raises(SalesforceInvalidInputError):
        record_identities("Contact", ["not-an-id"])
    with pytest.raises(SalesforceInvalidInputError):
        select("Contact", ["Account.Name.Owner"])
    with pytest.raises(SalesforceInvalidInputError):
        select("Contact", ["Account.Name) FROM User --"])
    assert record_url("Contact", "003Em000000001BIAQ") == (
        f"https://{emulator.instance}/lightning/r/Contact/003Em000000001BIAQ/view")
