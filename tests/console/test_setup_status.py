"""A fresh install says on the console's home (the dashboard, and the standalone project's admin
index) what is still to configure, each item with a link to where it is fixed; the setup page lists
everything."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from reviews.models import CrmObjectRule
from tests.factories import policy, reviewer

from .conftest import logged_in

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"
FRESH = {"crm_rules": "/admin/hitlcrm_reviews/crmobjectrule/add/", "policies": "/admin/hitlcrm_reviews/policy/add/",
         "salesforce": "/admin/hitlcrm_reviews/proposal/setup/#salesforce",
         "mail": "/admin/hitlcrm_reviews/proposal/setup/#mail",
         "reviewers": "/admin/hitlcrm_reviews/consoleaccount/add/"}


def todo(page: str) -> dict[str, str]:
    """{item: its link} of the "Still to configure" list on a page."""
    return dict(re.findall(r'<li data-item="(\w+)">.*?<a href="([^"]+)"', page, re.S))


@pytest.fixture
def fresh(settings):
    settings.SALESFORCE_INSTANCE_URL = settings.SALESFORCE_SESSION_ID = ""
    settings.SALESFORCE_USERNAME = settings.SALESFORCE_CONSUMER_KEY = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.HITLCRM_SENDER_IDENTITY = settings.HITLCRM_POSTAL_ADDRESS = ""
    cache.delete("hitlcrm:setup:salesforce-probe")
    return settings


def test_a_fresh_install_lists_what_is_left_with_links_on_the_dashboard_and_the_index(fresh, ada) -> None:
    client = logged_in(ada)
    for url in (DASHBOARD, "/admin/"):
        page = client.get(url).content.decode()
        assert todo(page) == FRESH, url
        assert "Salesforce is not configured: set SALESFORCE_INSTANCE_URL" in page
        assert "EMAIL_BACKEND is console" in page and "HITLCRM_SENDER_IDENTITY and HITLCRM_POSTAL_ADDRESS unset" in page
    for link in FRESH.values():
        assert client.get(link).status_code == 200, link

    setup = client.get("/admin/hitlcrm_reviews/proposal/setup/").content.decode()
    assert 'id="salesforce"' in setup and 'id="mail"' in setup and "<code>django.core.mail.backends.console" in setup


def test_a_configured_install_has_nothing_left(fresh, ada, salesforce) -> None:
    fresh.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    fresh.DEFAULT_FROM_EMAIL = "outreach@contoso.example"
    fresh.HITLCRM_SENDER_IDENTITY, fresh.HITLCRM_POSTAL_ADDRESS = "Contoso Outreach", "1 Main St, Springfield"
    CrmObjectRule.objects.create(crm_object="Contact", allowed_fields=["Title"])
    policy("*", mode="always_review")
    reviewer("rita")

    page = logged_in(ada).get(DASHBOARD).content.decode()

    assert todo(page) == {} and 'id="setup-todo"' not in page
    assert 'id="setup-done"' in logged_in(ada).get("/admin/hitlcrm_reviews/proposal/setup/").content.decode()


def test_an_unreachable_org_is_named(fresh, ada, settings) -> None:
    fresh.SALESFORCE_INSTANCE_URL, fresh.SALESFORCE_SESSION_ID = "https://127.0.0.1:9", "00Dxx!session"
    page = logged_in(ada).get(DASHBOARD).content.decode()
    assert "salesforce" in todo(page) and "Salesforce is not reachable:" in page


def test_reviewers_are_not_told_to_configure(fresh, rita) -> None:
    page = logged_in(rita).get(DASHBOARD).content.decode()
    assert todo(page) == {}
    assert logged_in(rita).get("/admin/hitlcrm_reviews/proposal/setup/").status_code == 403
