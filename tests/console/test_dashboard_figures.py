"""The dashboard's figures are computed once and kept in the shared cache for
HITLCRM_DASHBOARD_CACHE_SECONDS: the page says as of when, and "Refresh now" computes them afresh."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.cache.backends import db as database_cache
from django.test import Client, override_settings
from django.utils import timezone

from reviews.admin import dashboard
from reviews.admin.dashboard import dashboard_figures_key
from tests.factories import UserFactory

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/hitlcrm_reviews/proposal/dashboard/"


def waiting_emails(client: Client, url: str = DASHBOARD) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return {row["kind"]: row["depth"] for row in response.context["queues"]}["Email draft"]


def test_the_figures_come_from_the_cache_until_refresh_now(api, rita) -> None:
    client = logged_in(rita)
    queued(api, 1)
    assert waiting_emails(client) == 1
    queued(api, 2)
    assert waiting_emails(client) == 1  # within the minute: the figures computed a moment ago

    response = client.post(DASHBOARD)
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert waiting_emails(client) == 3


def test_the_figures_are_computed_again_once_they_expired(api, rita, monkeypatch) -> None:
    client = logged_in(rita)
    queued(api, 1)
    assert waiting_emails(client) == 1
    queued(api, 1)
    assert waiting_emails(client) == 1
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(database_cache, "tz_now", lambda: later)  # the cache's clock, a minute on
    assert waiting_emails(client) == 2


def test_the_page_says_as_of_when_and_offers_refresh_now(api, rita) -> None:
    page = logged_in(rita).get(DASHBOARD)
    computed = timezone.localtime(page.context["now"])
    text = page.content.decode()
    assert f"Figures as of {computed:%H:%M:%S} UTC, refreshed every 60 s" in text
    assert 'id="refresh-figures"' in text and "Refresh now" in text and "csrfmiddlewaretoken" in text
    with override_settings(HITLCRM_DASHBOARD_CACHE_SECONDS=15):
        cache.delete(dashboard_figures_key(by_version=False))
        assert "refreshed every 15 s" in logged_in(rita).get(DASHBOARD).content.decode()


def test_each_view_of_the_figures_has_its_own(api, rita) -> None:
    client = logged_in(rita)
    queued(api, 1)
    assert waiting_emails(client) == 1
    queued(api, 1)
    assert waiting_emails(client, f"{DASHBOARD}?by=version") == 2  # its own entry, computed now
    assert waiting_emails(client) == 1
    queued(api, 1)
    response = client.post(f"{DASHBOARD}?by=version")  # refreshes the view it is on, and returns to it
    assert response["Location"] == f"{DASHBOARD}?by=version"
    assert waiting_emails(client, f"{DASHBOARD}?by=version") == 3
    assert waiting_emails(client) == 1


def test_the_figures_are_the_same_for_every_viewer(api, rita, sam) -> None:
    queued(api, 1)
    assert waiting_emails(logged_in(rita)) == 1
    queued(api, 1)
    assert waiting_emails(logged_in(sam)) == 1


@override_settings(HITLCRM_DASHBOARD_CACHE_SECONDS=0)
def test_zero_computes_the_figures_at_every_view(api, rita) -> None:
    client = logged_in(rita)
    queued(api, 1)
    assert waiting_emails(client) == 1
    queued(api, 1)
    text = client.get(DASHBOARD).content.decode()
    assert waiting_emails(client) == 2
    assert cache.get(dashboard_figures_key(by_version=False)) is None
    assert "Figures as of" in text and "refreshed every" not in text and 'id="refresh-figures"' not in text


def test_refresh_now_needs_the_dashboards_permission_and_a_csrf_token(api, rita) -> None:
    client = logged_in(rita)
    queued(api, 1)
    assert waiting_emails(client) == 1
    queued(api, 1)
    outsider = logged_in(UserFactory(username="olga"))
    assert outsider.post(DASHBOARD).status_code == 403
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(rita)
    assert forged.post(DASHBOARD).status_code == 403
    assert waiting_emails(client) == 1  # neither recomputed them
    assert client.put(DASHBOARD).status_code == 405


def plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and plain(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(plain(item) for item in value)
    return value is None or isinstance(value, str | int | float | bool | datetime | date)


def test_only_plain_data_is_cached(api, rita, sam) -> None:
    from reviews.models import Execution
    from reviews.services.actors import Actor
    from reviews.services.decisions import proposal_decide

    item = queued(api, 2)[0]
    proposal_decide(proposal_id=item.pk, actor=Actor.for_user(sam), action="approve")
    Execution.objects.create(proposal=item, state="failed", last_error="mailbox full")
    logged_in(rita).get(f"{DASHBOARD}?by=version")
    cached = cache.get(dashboard_figures_key(by_version=True))
    assert cached["executions"]["recent"][0]["proposal_id"] == item.pk
    assert plain(cached)


def test_a_viewer_waits_for_the_figures_another_is_computing(rita, monkeypatch) -> None:
    """A cold cache and viewers arriving together: one computes, the others wait for its figures."""
    key = dashboard_figures_key(by_version=False)
    theirs = {**dashboard.dashboard_figures_compute(by_version=False), "queues": []}
    assert cache.add(f"{key}:computing", "another viewer", 30)
    computed = []
    monkeypatch.setattr(dashboard, "dashboard_figures_compute", lambda **kwargs: computed.append(kwargs))
    monkeypatch.setattr(dashboard.time, "sleep", lambda seconds: cache.set(key, theirs, 60))
    assert dashboard.dashboard_figures(by_version=False) == theirs
    assert computed == []


def test_refresh_now_while_another_computes_takes_their_new_figures(rita, monkeypatch) -> None:
    key = dashboard_figures_key(by_version=False)
    kept = dashboard.dashboard_figures(by_version=False)
    theirs = {**kept, "computed_at": kept["computed_at"] + timedelta(seconds=30), "queues": []}
    assert cache.add(f"{key}:computing", "another viewer's refresh", 30)
    computed = []
    monkeypatch.setattr(dashboard, "dashboard_figures_compute", lambda **kwargs: computed.append(kwargs))
    polls = iter([None, theirs])  # the kept figures are still there at the first poll, not at the second

    def sleep(seconds: float) -> None:
        replacement = next(polls)
        if replacement is not None:
            cache.set(key, replacement, 60)

    monkeypatch.setattr(dashboard.time, "sleep", sleep)
    assert dashboard.dashboard_figures(by_version=False, refresh=True) == theirs
    assert computed == []


def test_a_viewer_computes_the_figures_itself_when_the_other_never_delivers(rita, monkeypatch) -> None:
    key = dashboard_figures_key(by_version=False)
    assert cache.add(f"{key}:computing", "a viewer whose process died", 30)
    monkeypatch.setattr(dashboard, "COMPUTE_WAIT_SECONDS", 0.05)
    monkeypatch.setattr(dashboard, "COMPUTE_POLL_SECONDS", 0.01)
    figures = dashboard.dashboard_figures(by_version=False)
    assert figures["queues"] and cache.get(key) == figures
    assert cache.get(f"{key}:computing") == "a viewer whose process died"  # not its lock to release


def test_the_viewer_who_computed_releases_its_lock(rita) -> None:
    key = dashboard_figures_key(by_version=False)
    dashboard.dashboard_figures(by_version=False)
    assert cache.get(key) is not None and cache.get(f"{key}:computing") is None
