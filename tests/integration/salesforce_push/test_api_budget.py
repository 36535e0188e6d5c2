"""Pushes pause while the org's reported daily API usage is over the configured share (and the
dashboard says so), and resume by themselves once a new measurement is under it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from integrations.salesforce.pauses import BUDGET_PROBE_KEY
from reviews.selectors import salesforce_push_status
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status

from .conftest import seed, statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"


def test_pushes_pause_over_the_budget_and_resume_when_the_usage_falls(org, changes, auto_approve, settings,
                                                                      rita) -> None:
    settings.SALESFORCE_API_BUDGET_SHARE = 0.8
    settings.SALESFORCE_API_BUDGET_PROBE_SECONDS = 600
    org.set_api_usage(12_500, 15_000)
    contacts = seed(org, "Contact", 3, Title="Engineer")
    # The checks' reads come back with Sforce-Limit-Info: 12,50x of 15,000 used (over 80%).
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    assert statuses(ids) == {Status.APPROVED: 3}

    assert proposals_execute(proposal_ids=ids) == {}
    assert proposals_execute(proposal_ids=ids) == {}

    assert statuses(ids) == {Status.APPROVED: 3}  # waiting, not failed
    assert org.calls("collections_update") == org.calls("query_all") == 0
    assert org.calls("limits") == 1  # measured again once, not on every attempt
    status = salesforce_push_status()
    assert (status["paused"], status["waiting"], status["max"]) == (True, 3, 15_000)
    assert status["used"] >= 12_500
    page = Client()
    page.force_login(rita)
    assert "Paused: API budget" in page.get(DASHBOARD).content.decode()

    org.set_api_usage(40)  # a new day, or the other integrations calmed down
    assert proposals_execute(proposal_ids=ids) == {}  # not measured again before the probe interval ...
    cache.delete(BUDGET_PROBE_KEY)  # ... which is over now
    outcomes = proposals_execute(proposal_ids=ids)

    assert {outcome.status for outcome in outcomes.values()} == {Status.DONE}
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO"] * 3
    assert org.calls("limits") == 2
    status = salesforce_push_status()
    assert (status["paused"], status["waiting"]) == (False, 0)
    # "Refresh now": the dashboard's figures as of now, not as of a moment ago (kept for a minute).
    assert "Paused: API budget" not in page.post(DASHBOARD, follow=True).content.decode()


def test_without_a_reported_usage_pushes_go_out_and_learn_it(org, changes, auto_approve) -> None:
    org.set_api_usage(100, 15_000)
    assert salesforce_push_status()["used"] is None
    contacts = seed(org, "Contact", 2, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    cache.clear()  # forget what the checks' reads reported

    proposals_execute(proposal_ids=ids)

    assert statuses(ids) == {Status.DONE: 2}
    assert org.calls("limits") == 0
    assert salesforce_push_status()["used"] == org.api_usage()[0]
