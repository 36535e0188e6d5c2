"""Org-level conditions pause every push instead of failing the records: a login or session the org
refuses, an org that refuses every request. Nothing is marked failed however long the outage; the
dashboard and /health/ say since when and what to fix; pushes resume by themselves."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from integrations.salesforce import client as client_module
from integrations.salesforce.pauses import PAUSE_EXECUTOR, crm_pause_state
from reviews.models import Execution, ExecutorPause
from reviews.services.execution import proposals_execute
from reviews.services.health import executions_stalled, salesforce_probe
from reviews.state_machine import Status

from .conftest import seed, statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"


def _probe_due_now() -> None:
    """Let the paused pushes try again now (as if the recorded wait had passed)."""
    pause = ExecutorPause.objects.get(executor=PAUSE_EXECUTOR)
    pause.state["next_probe_at"] = pause.state["last_failure_at"]
    pause.save()


def test_an_expired_session_that_cannot_be_renewed_pauses_pushes_until_a_fresh_one_works(
        org, changes, auto_approve, settings, rita) -> None:
    """A 401 INVALID_SESSION_ID ("The session ID or OAuth token used has expired or is invalid",
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm) with no
    credentials to log in again is hitlcrm's configuration, not the records': the changes stay
    waiting through any number of sweeps (more than SALESFORCE_PUSH_MAX_ATTEMPTS), and go out once a
    fresh session is set."""
    settings.SALESFORCE_PUSH_MAX_ATTEMPTS = 3
    settings.SALESFORCE_PAUSE_PROBE_SECONDS = 600
    contacts = seed(org, "Contact", 3, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    org.expire_sessions()  # and hitlcrm has only the session, no login settings

    assert {outcome.status for outcome in proposals_execute(proposal_ids=ids).values()} == {""}
    rejected = org.calls("rejected_session")
    assert rejected >= 1
    state = crm_pause_state()
    assert (state["reason"], state["error_code"], state["probes"]) == ("login", "INVALID_SESSION_ID", 1)
    assert proposals_execute(proposal_ids=ids) == {}  # within the wait: not even tried
    assert org.calls("rejected_session") == rejected
    for _ in range(6):  # hours of outage: each try waits longer, none fails a record
        _probe_due_now()
        proposals_execute(proposal_ids=ids)
    assert crm_pause_state()["probes"] == 7
    assert Status.FAILED not in statuses(ids)
    assert set(Execution.objects.filter(proposal_id__in=ids).values_list("transient_failures", flat=True)) == {0}

    probe = salesforce_probe()
    assert probe.ok is False
    assert probe.problem.startswith(f"Salesforce login failing since {state['since']}")
    assert "SALESFORCE_SESSION_ID" in probe.problem
    assert executions_stalled(older_than=timedelta(0))["count"] == 0  # paused, not stalled
    page = Client()
    page.force_login(rita)
    html = page.get(DASHBOARD).content.decode()
    assert "Salesforce login failing since" in html and "renew the credentials" in html

    settings.SALESFORCE_SESSION_ID = org.issue_session()  # an administrator sets a fresh session
    client_module.reset_clients()
    _probe_due_now()
    outcomes = proposals_execute(proposal_ids=ids)

    assert {outcome.status for outcome in outcomes.values()} == {Status.DONE}
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO"] * 3
    assert crm_pause_state() is None and salesforce_probe().ok is True
    # "Refresh now": the dashboard's figures as of now, not as of a moment ago (kept for a minute).
    assert "Salesforce login failing" not in page.post(DASHBOARD, follow=True).content.decode()


@pytest.mark.parametrize(("error_code", "status", "kinds"), [
    ("API_DISABLED_FOR_ORG", 403, None),
    ("QUERY_TIMEOUT", 400, ["query", "query_all"]),
    ("EDGE_ROUTING_UNAVAILABLE", 420, None),
])
def test_an_org_refusing_every_request_pauses_pushes_and_fails_no_record(
        org, changes, auto_approve, settings, error_code, status, kinds) -> None:
    """Refusals of the whole org are not any record's failure: API_DISABLED_FOR_ORG and
    QUERY_TIMEOUT are API fault codes of the request, not status codes of a record
    (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm:
    "If an error affects the entire request, an API Fault Element is returned"), and HTTP 420 is
    "Salesforce Edge doesn't have routing information for the org host"
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm). Every
    approved change of the push waits, paused, and goes out once the org answers again."""
    settings.SALESFORCE_PAUSE_PROBE_SECONDS = 600
    contacts = seed(org, "Contact", 4, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    org.inject_fault(error_code, status, count=0, kinds=kinds)  # until the org's administrator acts

    proposals_execute(proposal_ids=ids)
    _probe_due_now()
    proposals_execute(proposal_ids=ids)

    assert Status.FAILED not in statuses(ids)
    state = crm_pause_state()
    assert (state["reason"], state["error_code"], state["probes"]) == ("org", error_code, 2)
    assert salesforce_probe().problem.startswith("Salesforce org refusing requests since")
    assert org.calls("collections_update") == 0

    org.clear_faults()
    _probe_due_now()
    outcomes = proposals_execute(proposal_ids=ids)

    assert {outcome.status for outcome in outcomes.values()} == {Status.DONE}
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO"] * 4
    assert crm_pause_state() is None


def test_the_daily_allocation_used_up_pauses_pushes_instead_of_counting_failures(
        org, changes, auto_approve, settings) -> None:
    """REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded" is the org's 24-hour allocation
    (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm,
    "Total API Request Allocations"), which recovers over hours: pushes pause, no record counts a
    failure, and they go out once requests are accepted again."""
    settings.SALESFORCE_PUSH_MAX_ATTEMPTS = 2
    settings.SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS = 0
    contacts = seed(org, "Contact", 2, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    org.inject_fault("REQUEST_LIMIT_EXCEEDED", 403, count=0, kinds=["query_all", "query"])

    for _ in range(4):
        proposals_execute(proposal_ids=ids)
        _probe_due_now()

    assert Status.FAILED not in statuses(ids)
    assert crm_pause_state()["reason"] == "daily_limit"
    assert set(Execution.objects.filter(proposal_id__in=ids).values_list("transient_failures", flat=True)) == {0}
    org.clear_faults()
    assert {outcome.status for outcome in proposals_execute(proposal_ids=ids).values()} == {Status.DONE}
    assert crm_pause_state() is None


def test_a_pause_survives_a_cache_clear_and_its_wait_keeps_growing(org, changes, auto_approve, settings) -> None:
    """The pause is the outage's memory: since when, how many probes failed, when the next one is due.
    A cache may cull entries (Django's database cache culls a share of them once it is full,
    https://docs.djangoproject.com/en/5.2/topics/cache/#cache-arguments) or lose them all on a restart;
    the pause is kept where neither happens, so a cleared cache neither lets every push through nor
    restarts the wait at its first step. (Salesforce's side of it, a session the org refuses:
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm, 401.)"""
    settings.SALESFORCE_PAUSE_PROBE_SECONDS = 600
    contacts = seed(org, "Contact", 2, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    org.expire_sessions()

    proposals_execute(proposal_ids=ids)
    state = crm_pause_state()
    assert (state["reason"], state["probes"]) == ("login", 1)
    rejected = org.calls("rejected_session")

    cache.clear()  # culled, or a cache server restarted

    assert crm_pause_state() == state
    assert proposals_execute(proposal_ids=ids) == {}  # still within the wait: nothing is tried
    assert org.calls("rejected_session") == rejected
    _probe_due_now()
    cache.clear()
    proposals_execute(proposal_ids=ids)
    again = crm_pause_state()
    assert (again["since"], again["probes"]) == (state["since"], 2)  # the same outage, the next step
    waited = datetime.fromisoformat(again["next_probe_at"]) - datetime.fromisoformat(again["last_failure_at"])
    assert waited == timedelta(seconds=1200)
    assert Status.FAILED not in statuses(ids)
