"""Is the gate running? One report for ``GET /health/`` and the console's dashboard, so the two
never disagree: the database and the broker answer, approved work does not sit unexecuted, and
every queue the project publishes to has a worker consuming it.

An approval that no worker consumes is otherwise silent: the record stays ``approved`` and
nothing fails. Nothing here names a host, a URL or a credential (the endpoint answers anyone):
failures are reported by kind, and logged in full.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import Celery, current_app
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from ..conf import hitlcrm_settings
from ..kinds import kind_values
from ..models import CrmObjectRule, ExecutionState, Proposal
from ..state_machine import Status

logger = logging.getLogger(__name__)

# How long the workers get to say which queues they consume. Replies come within a broker poll
# (kombu's filesystem transport polls every second); the report waits this long in any case,
# because it cannot know how many workers there are.
WORKER_REPLY_SECONDS = 1.5


@dataclass
class Probe:
    """One thing the report looked at. ``ok`` is ``None`` when it could not be known."""

    ok: bool | None
    problem: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def database_probe() -> Probe:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("health: the database does not answer (%s)", exc)
        return Probe(False, f"the database does not answer ({type(exc).__name__})")
    return Probe(True)


def celery_app() -> Celery:
    """The Celery app the tasks are sent with: the project's own (the standalone ``hitlcrm.celery``, or
    the host project's when the apps are installed into one), which is the current app since tasks
    are ``shared_task``s. The apps never import a project's Celery module themselves."""
    return current_app._get_current_object()


def broker_transport() -> str:
    return celery_app().conf.broker_url.split("://", 1)[0]


def broker_reachable(timeout: float = 3.0) -> bool:
    """Whether a connection to the broker can be made now (one attempt, bounded by ``timeout``)."""
    app = celery_app()
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return True
    except Exception as exc:  # any failure to connect is the answer "no"; the reason is logged
        logger.warning("health: the broker does not answer (%s: %s)", type(exc).__name__, exc)
        return False


def broker_probe() -> Probe:
    transport = broker_transport()
    if broker_reachable():
        return Probe(True, details={"transport": transport})
    return Probe(False, "the broker does not answer", {"transport": transport})


def stalled_after() -> timedelta:
    return timedelta(minutes=hitlcrm_settings.HEALTH_STALLED_AFTER_MINUTES)


def executions_stalled(*, now: datetime | None = None, older_than: timedelta | None = None) -> dict[str, Any]:
    """Work that should be executing and is not: approved records due (undo grace period over, send
    window open) for longer than ``older_than``, and executions whose retry has been due that long.
    CRM changes an external integration executes are not counted (they wait for it by design), nor
    are CRM changes while pushes are paused for the org's API budget (the dashboard shows the pause)."""
    from ..selectors import salesforce_push_status

    now = now or timezone.now()
    cutoff = now - (older_than if older_than is not None else stalled_after())
    stalled = Proposal.objects.filter(
        Q(status=Status.APPROVED) & (Q(execute_after__lte=cutoff) | Q(execute_after__isnull=True,
                                                                       status_changed_at__lte=cutoff))
        | Q(status=Status.EXECUTING, execution__state=ExecutionState.PENDING, execution__retry_after__lte=cutoff)
    )
    if salesforce_push_status()["paused"]:
        stalled = stalled.exclude(kind__in=kind_values(executor="salesforce"))
    else:
        stalled = stalled.exclude(
            kind__in=kind_values(externally_executable=True),
            crm_object__in=CrmObjectRule.objects.filter(executor=CrmObjectRule.Executor.EXTERNAL).values("crm_object"),
        )
    found = stalled.aggregate(count=Count("pk", distinct=True), oldest=Min("status_changed_at"))
    return {"count": found["count"], "oldest_since": found["oldest"].isoformat() if found["oldest"] else None,
            "after_minutes": hitlcrm_settings.HEALTH_STALLED_AFTER_MINUTES}


def stalled_probe(*, now: datetime | None = None) -> Probe:
    found = executions_stalled(now=now)
    if found["count"]:
        return Probe(False, f"{found['count']} approved item(s) not executing after "
                            f"{found['after_minutes']} minute(s)", found)
    return Probe(True, details=found)


def salesforce_probe() -> Probe:
    """Pushes paused for an org-level condition (a refused login, an org refusing requests), from the
    pause the last push recorded (the Salesforce executor's ``pause_state``): no request to Salesforce here, so
    the endpoint costs the org nothing and answers while Salesforce does not. Salesforce's own
    message is logged by the push, not shown (the endpoint answers anyone)."""
    from ..crm import crm_configured
    from ..executors import executor_named

    if not crm_configured():
        return Probe(True, details={"configured": False})
    pause = executor_named("salesforce").pause_state()
    if pause is None:
        return Probe(True, details={"configured": True, "paused": False})
    details = {"configured": True, "paused": True, **{name: pause[name] for name in (
        "reason", "since", "error_code", "fix", "probes", "next_probe_at")}}
    return Probe(False, f"{pause['title']} since {pause['since']}; pushes paused. {pause['fix']}", details)


def project_queues() -> list[str]:
    """Every queue the project publishes to: those declared, the default and those tasks are routed
    to (the standalone hitlcrm/settings/celery.py declares them all; a route to an undeclared one is shown too)."""
    app = celery_app()
    routed = {route["queue"] for route in (app.conf.task_routes or {}).values() if "queue" in route}
    return sorted(set(app.amqp.queues) | routed | {app.conf.task_default_queue})


def broker_supports_remote_control() -> bool:
    """Celery asks workers through a broadcast (fanout) exchange; not every transport has one."""
    app = celery_app()
    with app.connection_for_read() as conn:
        return "fanout" in conn.transport.implements.exchange_type


def queues_probe(*, timeout: float = WORKER_REPLY_SECONDS) -> Probe:
    """Ask the running workers (Celery's remote control, ``active_queues``) which queues they consume."""
    app = celery_app()
    queues = project_queues()
    if not broker_supports_remote_control():
        return Probe(None, "unknown: this broker cannot ask workers which queues they consume",
                     {"queues": queues, "without_consumer": "unknown"})
    try:
        replies = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception as exc:  # the broker went away between the probes: unknown, not "no consumer"
        logger.warning("health: could not ask the workers for their queues (%s: %s)", type(exc).__name__, exc)
        return Probe(None, "unknown: the workers could not be asked", {"queues": queues, "without_consumer": "unknown"})
    consumed = {queue["name"] for worker_queues in replies.values() for queue in worker_queues or ()}
    missing = [name for name in queues if name not in consumed]
    details = {"queues": queues, "workers": len(replies), "without_consumer": missing}
    if missing:
        return Probe(False, f"no worker consumes {', '.join(missing)}", details)
    return Probe(True, details=details)


# The console's dashboard reuses a queue report this young instead of waiting for worker replies on
# every load (the wait is the whole reply timeout); GET /health/ always asks afresh.
QUEUES_REPORT_CACHE_KEY = "hitlcrm:health:queues"
QUEUES_REPORT_CACHE_SECONDS = 30


def queues_probe_recent() -> Probe:
    """:func:`queues_probe`, answered from a report at most ``QUEUES_REPORT_CACHE_SECONDS`` old when
    one is cached (shared by every web process), else asked and cached."""
    cached = cache.get(QUEUES_REPORT_CACHE_KEY)
    if cached is not None:
        return Probe(**cached)
    probe = queues_probe()
    cache.set(QUEUES_REPORT_CACHE_KEY, asdict(probe), QUEUES_REPORT_CACHE_SECONDS)
    return probe


def system_health(*, now: datetime | None = None, fresh: bool = True) -> dict[str, Any]:
    """The whole report. ``healthy`` is false when a probe failed; a probe that could not tell
    (``ok`` None) does not fail it, and says so. ``fresh=False`` lets the queue report come from the
    last ``QUEUES_REPORT_CACHE_SECONDS`` (the dashboard)."""
    probes = {"database": database_probe()}
    if probes["database"].ok:
        probes["executions"] = stalled_probe(now=now)
    else:
        probes["executions"] = Probe(None, "unknown: the database does not answer")
    probes["salesforce"] = salesforce_probe()
    probes["broker"] = broker_probe()
    if probes["broker"].ok:
        if fresh:
            probes["queues"] = queues_probe()
            cache.set(QUEUES_REPORT_CACHE_KEY, asdict(probes["queues"]), QUEUES_REPORT_CACHE_SECONDS)
        else:
            probes["queues"] = queues_probe_recent()
    else:
        probes["queues"] = Probe(None, "unknown: the broker does not answer", {"queues": project_queues(),
                                                                               "without_consumer": "unknown"})
    return {
        "healthy": all(probe.ok is not False for probe in probes.values()),
        "checked_at": (now or timezone.now()).isoformat(),
        "problems": [probe.problem for probe in probes.values() if probe.ok is False],
        "unknown": [probe.problem for probe in probes.values() if probe.ok is None],
        **{name: asdict(probe) for name, probe in probes.items()},
    }
