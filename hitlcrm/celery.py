"""The Celery app. Configuration lives in Django settings under the ``CELERY_`` prefix."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hitlcrm.settings.base")

app = Celery("hitlcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders before the first message is sent."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


ensure_broker_folders()


@worker_init.connect
def refuse_unsafe_settings(**kwargs: object) -> None:
    """A worker does not start with settings that break a guarantee (reviews/system_checks.py).
    SystemExit, because Celery logs and swallows any Exception a signal handler raises."""
    from django.core.checks import run_checks

    problems = [message for message in run_checks(tags=["hitlcrm"]) if message.is_serious()]
    if problems:
        raise SystemExit("refusing to start: " + "; ".join(str(problem.msg) for problem in problems))
