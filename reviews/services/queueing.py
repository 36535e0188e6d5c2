"""Enqueueing follow-up work after commit, without letting a broker outage fail the request.

The database is the source of truth: a record in ``checking`` or a due ``approved`` record is
work to do whether or not its message reached the broker. If publishing fails (broker down), the
change stays committed, the failure is logged, and the sweeper enqueues the work again later.
That holds for any failure to publish, not only a refused connection: a Redis that refuses writes
(out of memory, a read-only replica after a failover), a channel error, a serialisation error.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# A broker that is down or unreachable: expected during an outage, logged without a traceback.
BROKER_UNREACHABLE = (OperationalError, ConnectionError, TimeoutError)


def publish(task: Any, args: tuple[Any, ...], *, countdown: float = 0) -> bool:
    """Publish ``task``; False when it could not be (logged, with the traceback unless the broker is
    merely unreachable).
    Every exception is caught on purpose: this runs after the commit, so raising could only turn a
    committed change into an error answer, and the database already says the work is to do."""
    try:
        task.apply_async(args, countdown=countdown or None)
        return True
    except Exception as exc:
        logger.warning("could not enqueue %s%r (%s: %s); the sweeper will retry", task.name, args,
                       type(exc).__name__, exc, exc_info=not isinstance(exc, BROKER_UNREACHABLE))
        return False


def enqueue_on_commit(task: Any, *args: Any, countdown: float = 0) -> None:
    transaction.on_commit(lambda: publish(task, args, countdown=countdown))
