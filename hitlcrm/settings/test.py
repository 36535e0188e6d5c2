"""Test settings: the base settings with fast password hashing and a test database per run."""

import os

from .base import *  # noqa: F401,F403
from .celery import filesystem_transport_options

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HITLCRM_UNDO_GRACE_SECONDS = int(os.environ.get("HITLCRM_UNDO_GRACE_SECONDS", "0"))
# No coalescing waits unless a test asks for them (tests/integration/salesforce_push/test_batching.py).
SALESFORCE_PUSH_COALESCE_SECONDS = float(os.environ.get("SALESFORCE_PUSH_COALESCE_SECONDS", "0"))
SALESFORCE_CHECK_COALESCE_SECONDS = float(os.environ.get("SALESFORCE_CHECK_COALESCE_SECONDS", "0"))

# Each test run gets its own database, so runs side by side (and worker processes started by
# integration tests, which are given its URL) never share or delete one another's data.
# Under pytest-xdist each test process is a run of its own (its worker processes, which are not told
# PYTEST_XDIST_WORKER, inherit the id it sets here).
_RUN = os.environ.get("HITLCRM_TEST_RUN_ID") or str(os.getpid())
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER and not _RUN.endswith(f"-{_XDIST_WORKER}"):
    _RUN = f"{_RUN}-{_XDIST_WORKER}"
os.environ["HITLCRM_TEST_RUN_ID"] = _RUN
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:, so worker processes started by integration tests can open it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-hitlcrm-{_RUN}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_hitlcrm_{_RUN}"}  # noqa: F405

# Likewise the broker: one run's worker must never take another run's tasks (ids of another database).
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_transport_options(VAR_DIR / "broker" / f"test-{_RUN}")  # noqa: F405
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": f"hitlcrm-test-{_RUN}:"}  # noqa: F405
