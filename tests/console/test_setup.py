"""The configuration admins edit in the console: CRM object rules."""

from __future__ import annotations

import pytest

from reviews.models import CrmObjectRule

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def test_an_admin_opts_an_object_in_to_assignment_rules_and_duplicate_saves(ada) -> None:
    client = logged_in(ada)
    form = client.get("/admin/hitlcrm_reviews/crmobjectrule/add/").content.decode()
    assert 'name="run_assignment_rules"' in form and 'name="allow_duplicate_save"' in form
    assert "Sforce-Auto-Assign: FALSE" in form  # the help text says what "off" does

    response = client.post("/admin/hitlcrm_reviews/crmobjectrule/add/", {
        "crm_object": "Case", "allowed_fields": '["Subject"]', "executor": "salesforce", "enabled": "on",
        "run_assignment_rules": "on", "strict_writes": "off", "strict_fields": "[]"})

    assert response.status_code == 302, response.content.decode()[:2000]
    rule = CrmObjectRule.objects.get(crm_object="Case")
    assert (rule.run_assignment_rules, rule.allow_duplicate_save) == (True, False)
    assert rule.write_options().headers()["Sforce-Auto-Assign"] == "TRUE"
    assert rule.history.count() == 1
