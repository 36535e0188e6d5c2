"""The test settings with one Celery safeguard removed, for the fault test that proves the safeguard
matters (tests/reliability/test_worker_lost.py). Never used outside that test."""

from hitlcrm.settings.test import *  # noqa: F403

# Late acknowledgement alone: a task whose worker process dies is acknowledged as failed, not requeued.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
