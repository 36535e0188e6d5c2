"""Settings that would break a safety guarantee, refused by ``manage.py check`` (and so by
``migrate`` at deploy) and by every Celery worker at start (hitlcrm/celery.py).

Redis hands an unacknowledged message to another worker once the visibility timeout passes. A
task published with a countdown (the undo grace period) or waiting in a retry backoff is held,
unacknowledged, by the worker that received it; if the wait outlasts the timeout a second worker
gets the same task while the first still waits. Execution is idempotent, so nothing is written
twice, but the work runs twice and a reviewer's undo may lose the race. So every delay must be
shorter than the timeout.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

TAG = "hitlcrm"


def task_delays() -> dict[str, float]:
    """The longest wait of each kind a task may be held for, by the setting (or task) it comes from."""
    from hitlcrm.celery import app

    from . import tasks  # noqa: F401  (a process that never imported them, such as manage.py check)

    delays = {
        "HITLCRM_UNDO_GRACE_SECONDS": float(settings.HITLCRM_UNDO_GRACE_SECONDS),
        "HITLCRM_UNDO_GRACE_SECONDS + SALESFORCE_PUSH_COALESCE_SECONDS": float(settings.HITLCRM_UNDO_GRACE_SECONDS)
        + float(settings.SALESFORCE_PUSH_COALESCE_SECONDS),
        # Longer push backoffs are held as data (Execution.retry_after, picked up by the sweeper).
        "reviews.tasks.HELD_RETRY_MAX_SECONDS": min(float(settings.SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS),
                                                    tasks.HELD_RETRY_MAX_SECONDS),
    }
    for name, task in app.tasks.items():
        if name.startswith("reviews.tasks.") and getattr(task, "autoretry_for", ()):
            delays[f"{name} (retry backoff cap)"] = float(
                task.retry_backoff_max if task.retry_backoff else task.default_retry_delay)
    return delays


@register(TAG)
def delays_shorter_than_the_visibility_timeout(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return []  # the filesystem broker and RabbitMQ do not redeliver on a timer
    timeout = float((settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout", 3600))
    return [
        Error(f"{name} ({delay:g} s) is not shorter than CELERY_VISIBILITY_TIMEOUT ({timeout:g} s): Redis would "
              f"hand a task still waiting that long to a second worker",
              hint="Raise CELERY_VISIBILITY_TIMEOUT above every delay, or shorten the delay.", id="hitlcrm.E001")
        for name, delay in task_delays().items() if delay >= timeout
    ]
