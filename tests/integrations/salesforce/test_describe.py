"""Describe metadata: caching and value checks."""

from __future__ import annotations

import pytest
from django.test import override_settings

from integrations.salesforce.describe import (
    comparable_value,
    describe_object,
    forget_description,
    validate_field_value,
)
from integrations.salesforce.errors import SalesforceInvalidInputError, SalesforcePermanentError
from integrations.salesforce_emulator import EmulatorServer


def test_describe_is_cached(emulator: EmulatorServer) -> None:
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
    first = describe_object("Contact")
    second = describe_object("Contact")
    assert emulator.calls("describe") == 1
    assert first == second
    assert first.key_prefix == "003"
    title = first.fields["Title"]
    assert (title.type, title.length, title.updateable, title.nillable) == ("string", 128, True, True)
    assert first.fields["External_Id__c"].external_id is True
    assert "Web" in first.fields["LeadSource"].picklist_values
    assert first.field("lastname") is first.fields["LastName"]
    forget_description("Contact")
    describe_object("Contact")
    assert emulator.calls("describe") == 2


def test_describe_cache_lifetime_follows_the_setting(emulator: EmulatorServer) -> None:
    with override_settings(SALESFORCE_DESCRIBE_CACHE_SECONDS=-1):  # negative: expire immediately
        describe_object("Lead")
        describe_object("Lead")
    assert emulator.calls("describe") == 2


def test_unknown_object_is_a_permanent_error(emulator: EmulatorServer) -> None:
    # 404 NOT_FOUND: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    with pytest.raises(SalesforcePermanentError) as caught:
        describe_object("Widget__c")
    assert caught.value.error_code == "NOT_FOUND" and caught.value.status == 404


def test_object_names_are_checked_before_any_request(emulator: EmulatorServer) -> None:
    with pytest.raises(SalesforceInvalidInputError):
        describe_object("Contact/../../limits")
    assert emulator.calls("api") == 0


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("Title", "VP Engineering", None),
        ("Title", "x" * 129, "Title is 129 characters long; the maximum is 128"),
        ("Nickname__c", "x", "Contact has no field Nickname__c"),
        ("IsDeleted", True, "IsDeleted is read-only in Salesforce"),
        ("Name", "Ada Lovelace", "Name is read-only in Salesforce"),
        ("LeadSource", "Web", None),
        ("LeadSource", "Carrier pigeon", "LeadSource: 'Carrier pigeon' is not an allowed value"),
        ("HasOptedOutOfEmail", "yes", "HasOptedOutOfEmail must be true or false"),
        ("HasOptedOutOfEmail", False, None),
        ("Email", "ada@example.com", None),
        ("Email", "not an email", "Email: 'not an email' is not a valid email address"),
        ("LastName", "", "LastName cannot be blank"),
        ("Department", None, None),
        ("AccountId", "001Em0000000001", None),
        ("AccountId", "001' OR 1=1", "AccountId must be a Salesforce record id"),
        ("Title", 42, "Title must be text"),
        ("LinkedIn_URL__c", "https://www.linkedin.com/in/ada", None),
    ],
)
def test_validate_field_value_contact(emulator: EmulatorServer, field: str, value: object, problem: str | None) -> None:
    message = validate_field_value(describe_object("Contact"), field, value)
    if problem is None:
        assert message is None
    else:
        assert message is not None and message.startswith(problem)


@pytest.mark.parametrize(
    ("object_name", "field", "value", "problem"),
    [
        ("Account", "NumberOfEmployees", 250, None),
        ("Account", "NumberOfEmployees", 2.5, "NumberOfEmployees must be a whole number"),
        ("Account", "NumberOfEmployees", 10**8, "NumberOfEmployees: 100000000 has more than 8 digits"),
        ("Account", "AnnualRevenue", "1250000.50", None),
        ("Account", "AnnualRevenue", "a lot", "AnnualRevenue must be a number"),
        ("Account", "Industry", "Quantum Farming", None),  # unrestricted picklist: any value
        ("Opportunity", "CloseDate", "2025-06-30", None),
        ("Opportunity", "CloseDate", "30/06/2025", "CloseDate must be a date (YYYY-MM-DD)"),
        ("Opportunity", "StageName", "Closed Won", None),
        ("Opportunity", "StageName", "Won-ish", "StageName: 'Won-ish' is not an allowed value"),
        ("Task", "TaskSubtype", "Email", "TaskSubtype is read-only in Salesforce"),
    ],
)
def test_validate_field_value_types(emulator: EmulatorServer, object_name: str, field: str, value: object,
                                    problem: str | None) -> None:
    message = validate_field_value(describe_object(object_name), field, value)
    assert (message is None) if problem is None else (message or "").startswith(problem)


def test_validate_for_create_checks_createable(emulator: EmulatorServer) -> None:
    task = describe_object("Task")
    assert validate_field_value(task, "TaskSubtype", "Email", creating=True) is None
    assert validate_field_value(task, "CreatedDate", "2025-01-01T00:00:00Z", creating=True) is not None


def test_comparable_values(emulator: EmulatorServer) -> None:
    contact = describe_object("Contact")
    account = describe_object("Account")
    assert comparable_value(contact.fields["Title"], None) == comparable_value(contact.fields["Title"], "")
    assert comparable_value(account.fields["AnnualRevenue"], 1000) == comparable_value(
        account.fields["AnnualRevenue"], 1000.0)
    assert comparable_value(contact.fields["DoNotCall"], None) is False
    assert comparable_value(contact.fields["AccountId"], "001Em0000000001") == "001Em0000000001IAA"
    assert comparable_value(contact.fields["LastModifiedDate"], "2025-01-01T10:00:00.000+0000") == comparable_value(
        contact.fields["LastModifiedDate"], "2025-01-01T10:00:00Z")
