"""Every Celery worker that runs hitlcrm's tasks refuses to start with settings that break a
guarantee (reviews/system_checks.py): the standalone app's worker and a host project's own worker
alike, so the refusal is connected by the app (``ReviewsConfig.ready``), not by one Celery app."""

from __future__ import annotations

from celery.signals import worker_init


@worker_init.connect(dispatch_uid="hitlcrm.refuse_unsafe_settings")
def refuse_unsafe_settings(**kwargs: object) -> None:
    """SystemExit, because Celery logs and swallows any Exception a signal handler raises."""
    from django.core.checks import run_checks

    problems = [message for message in run_checks(tags=["hitlcrm"]) if message.is_serious()]
    if problems:
        raise SystemExit("refusing to start: " + "; ".join(str(problem.msg) for problem in problems))
