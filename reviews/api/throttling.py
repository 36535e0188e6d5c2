"""Per-client request throttling: ``ApiClient.throttle_rate``, else ``HITLCRM_AGENT_THROTTLE``.

Fixed windows counted in the database (``ApiRequestWindow``), one upsert per request. DRF's
``SimpleRateThrottle`` keeps every request time of the last window in one cache value and rewrites
it on each request: at an agent's rate of thousands a minute that is a large write per request.
A fixed window may let up to twice the rate through across a window boundary; that is the price
of counting in O(1). On PostgreSQL the counter's commit does not wait for the disk: losing the
last few counts in a crash is harmless, and a request should not pay a flush for it.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from ..conf import hitlcrm_settings
from ..models import ApiRequestWindow
from .permissions import client_of

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` -> (600, 60): DRF's notation, where only the period's first letter counts."""
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


def requests_counted(client_id: int, window_start: int) -> int:
    """Count one request in the client's window; returns the window's count so far."""
    table = connection.ops.quote_name(ApiRequestWindow._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"INSERT INTO {table} (client_id, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (client_id, window_start) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [client_id, window_start],
        )
        count = cursor.fetchone()[0]
        if count == 1:  # a new window: the client's earlier ones are done with
            ApiRequestWindow.objects.filter(client_id=client_id, window_start__lt=window_start).delete()
    return count


class AgentRateThrottle(BaseThrottle):
    """Per API client (agents and integrations alike); people using the console are not throttled here."""

    scope = "agent"

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        client = client_of(request)
        if client is None:
            return True
        rate = client.throttle_rate or hitlcrm_settings.AGENT_THROTTLE
        if not rate:
            return True
        limit, duration = parse_rate(rate)
        now = time.time()
        window_start = int(now // duration) * duration
        if requests_counted(client.pk, window_start) <= limit:
            return True
        self.wait_seconds = window_start + duration - now
        return False

    def wait(self) -> float | None:
        return self.wait_seconds
