"""The configuration admins edit in the console: CRM object rules, their fields picked from the org's
describe (reviews/crm.py, answered here by the Salesforce emulator), never typed as JSON."""

from __future__ import annotations

import pytest

from reviews.models import CrmObjectRule

from .conftest import logged_in

pytestmark = pytest.mark.django_db
ADD = "/admin/hitlcrm_reviews/crmobjectrule/add/"


def test_an_admin_opts_an_object_in_to_assignment_rules_and_duplicate_saves(ada, salesforce) -> None:
    client = logged_in(ada)
    form = client.get(ADD).content.decode()
    assert 'name="run_assignment_rules"' in form and 'name="allow_duplicate_save"' in form
    assert "Sforce-Auto-Assign: FALSE" in form  # the help text says what "off" does

    response = client.post(ADD, {
        "crm_object": "Opportunity", "allowed_fields": ["Amount"], "executor": "salesforce", "enabled": "on",
        "run_assignment_rules": "on", "strict_writes": "off"})

    assert response.status_code == 302, response.content.decode()[:2000]
    rule = CrmObjectRule.objects.get(crm_object="Opportunity")
    assert (rule.run_assignment_rules, rule.allow_duplicate_save) == (True, False)
    assert rule.write_options().headers()["Sforce-Auto-Assign"] == "TRUE"
    assert rule.history.count() == 1


def test_the_object_is_picked_from_the_org_and_its_fields_from_its_describe(ada, salesforce) -> None:
    client = logged_in(ada)
    form = client.get(ADD).content.decode()
    # The objects the org lets hitlcrm write, by label; no JSON textarea.
    assert '<option value="Contact">Contact</option>' in form and '<option value="Opportunity">' in form
    assert '<textarea name="allowed_fields"' not in form

    # "Show its fields": the describe of the object chosen, as checkboxes with label, API name, type,
    # length, grouped under the object; nothing is saved.
    page = client.post(ADD, {"crm_object": "Contact", "executor": "salesforce", "strict_writes": "off",
                             "_show_fields": "Show its fields"}).content.decode()
    assert not CrmObjectRule.objects.exists()
    assert 'data-object="Contact"' in page
    assert 'type="checkbox" name="allowed_fields" value="Title"' in page
    row = page[page.index('value="Title"'):]
    row = row[:row.index("</tr>")]
    assert "<code>Title</code>" in row and "<td>string</td>" in row and '<td class="num">128</td>' in row
    assert 'value="Id"' not in page  # not writable: not offered

    response = client.post(ADD, {"crm_object": "Contact", "allowed_fields": ["Title", "Email"],
                                 "executor": "salesforce", "enabled": "on", "strict_writes": "fields",
                                 "strict_fields": ["Email"]})
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    rule = CrmObjectRule.objects.get(crm_object="Contact")
    assert rule.allowed_fields == ["Title", "Email"]
    assert rule.strict_fields == ["Email"]

    change = client.get(f"/admin/hitlcrm_reviews/crmobjectrule/{rule.pk}/change/").content.decode()
    assert 'value="Title" id="id_allowed_fields_' in change
    assert 'name="allowed_fields" value="Title" id="id_allowed_fields_' in change and "checked" in change


def test_a_field_the_describe_no_longer_has_is_shown_and_a_made_up_one_refused(ada, salesforce) -> None:
    rule = CrmObjectRule.objects.create(crm_object="Contact", allowed_fields=["Title", "Gone__c"])
    client = logged_in(ada)
    change = client.get(f"/admin/hitlcrm_reviews/crmobjectrule/{rule.pk}/change/").content.decode()
    assert 'value="Gone__c"' in change and "not in the org's describe" in change

    page = client.post(f"/admin/hitlcrm_reviews/crmobjectrule/{rule.pk}/change/", {
        "crm_object": "Contact", "allowed_fields": ["Title", "Made_Up__c"], "executor": "salesforce",
        "strict_writes": "off"}).content.decode()
    assert "Select a valid choice. Made_Up__c is not one of the available choices." in page
    rule.refresh_from_db()
    assert rule.allowed_fields == ["Title", "Gone__c"]


def test_without_salesforce_the_form_says_why_and_takes_names_one_a_line(ada, settings) -> None:
    settings.SALESFORCE_INSTANCE_URL = settings.SALESFORCE_SESSION_ID = ""
    settings.SALESFORCE_USERNAME = settings.SALESFORCE_CONSUMER_KEY = ""
    client = logged_in(ada)
    form = client.get(ADD).content.decode()
    assert 'id="crm-problem"' in form and "Salesforce is not configured" in form

    response = client.post(ADD, {"crm_object": "Case", "allowed_fields": "Subject\nStatus", "executor": "salesforce",
                                 "strict_writes": "off", "strict_fields": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CrmObjectRule.objects.get(crm_object="Case").allowed_fields == ["Subject", "Status"]

    page = client.post(ADD, {"crm_object": "Lead", "allowed_fields": '["Title"]', "executor": "salesforce",
                             "strict_writes": "off"}).content.decode()
    assert "Not a field API name: [&quot;Title&quot;]" in page
