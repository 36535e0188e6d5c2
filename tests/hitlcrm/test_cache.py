"""The database cache's set_many (hitlcrm/cache.py): Django's semantics, in a fixed number of
statements however many entries it writes."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hitlcrm.cache import DatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache() -> DatabaseCache:
    backend = caches["default"]
    assert isinstance(backend, DatabaseCache)  # the project's settings use it
    backend.clear()
    yield backend
    backend.clear()


def test_set_many_stores_replaces_and_reads_back_like_set(cache) -> None:
    cache.set("kept", "as it was")
    cache.set("replaced", "old")

    assert cache.set_many({"replaced": {"new": 1}, "fresh": None, "list": [1, "two"]}, 60) == []

    assert cache.get_many(["kept", "replaced", "fresh", "list", "absent"]) == {
        "kept": "as it was", "replaced": {"new": 1}, "fresh": None, "list": [1, "two"]}
    assert cache.get("replaced") == {"new": 1}


def test_set_many_honours_the_timeout(cache) -> None:
    cache.set_many({"expired": 1, "other": 2}, timeout=0)  # Django: a timeout of 0 expires at once
    cache.set_many({"forever": 3}, timeout=None)
    cache.set_many({"minute": 4}, timeout=60)
    assert cache.get_many(["expired", "other", "forever", "minute"]) == {"forever": 3, "minute": 4}


def test_set_many_costs_the_same_statements_for_3_or_600_entries(cache) -> None:
    def statements(n: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            cache.set_many({f"key-{i}": i for i in range(n)}, 60)
        return len([query for query in queries if "hitlcrm_cache" in query["sql"]])

    three = statements(3)
    # 600 entries take three chunks of 250 rows: a delete and an insert each, beside the count.
    assert statements(600) == three + 4
    assert cache.get("key-599") == 599 and cache.get("key-0") == 0


def test_set_many_culls_past_max_entries(cache) -> None:
    small = DatabaseCache("hitlcrm_cache", {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}})
    small.set_many({f"a{i}": i for i in range(8)}, 60)
    small.set_many({"b": 1}, 60)  # over the limit: a share is culled first
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM hitlcrm_cache")
        assert cursor.fetchone()[0] < 9
    assert small.get("b") == 1
