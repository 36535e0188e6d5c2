"""Enqueueing follow-up work after commit, without letting a broker outage fail the request.

The database is the source of truth: a record in ``checking`` or a due ``approved`` record is
work to do whether or not its message reached the broker. If publishing fails (broker down), the
change stays committed, the failure is logged, and the sweeper enqueues the work again later.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)


def publish(task: Any, args: tuple[Any, ...], *, countdown: int = 0) -> bool:
    try:
        task.apply_async(args, countdown=countdown or None)
        return True
    except (OperationalError, KombuError, ConnectionError, OSError) as exc:
        logger.warning("could not enqueue %s%r (%s); the sweeper will retry", task.name, args, exc)
        return False


def enqueue_on_commit(task: Any, *args: Any, countdown: int = 0) -> None:
    transaction.on_commit(lambda: publish(task, args, countdown=countdown))
