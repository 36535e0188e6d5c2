"""Celery settings. Each choice below trades a little throughput for never losing work."""

from pathlib import Path

from kombu import Exchange, Queue

from .env import env_int, env_setting, env_str

# Under HITLCRM_VAR_DIR (this module is read before base.py, so it reads that variable itself).
_VAR_DIR = Path(env_str("HITLCRM_VAR_DIR", str(Path(__file__).resolve().parents[2] / "var")))
_BROKER_DIR = Path(env_str("HITLCRM_BROKER_DIR", str(_VAR_DIR / "broker")))

# Default: kombu's filesystem transport, so a fresh machine needs no broker server. It is for
# one machine only; production names Redis or RabbitMQ here.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")


def filesystem_transport_options(folder: Path) -> dict[str, object]:
    """kombu's filesystem transport keeps its queues (and control messages) under ``folder``."""
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_transport_options(_BROKER_DIR)
else:
    # Redis redelivers an unacknowledged task after the visibility timeout; it must be longer
    # than any countdown/ETA we use (the undo grace period, retry backoff), or a delayed task
    # would be delivered twice while it is still waiting.
    # (tests/reliability/test_celery_settings.py compares it with every delay the code uses.)
    # The socket timeouts bound a publish to a broker that vanished without closing the connection
    # (a frozen host, a failover): a web request then gives up and the sweeper re-enqueues, instead
    # of hanging forever. They must exceed kombu's 1 s BRPOP poll, which the worker's reads use.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    }

# Nothing reads task results: state lives in the database.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Acknowledge after the task ran, and requeue when the worker process dies, so a task is never
# lost with a crashed worker. Execution is idempotent (see reviews/services/execution.py), so a
# redelivery cannot write or send twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process: a long push does not hold other tasks hostage, and
# a worker that dies holds (and delays) one message only.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops, let running tasks finish rather than killing them: a push or a
# send cut short leaves an execution "in progress" (for emails, "outcome unknown" for a person),
# while a finished task whose acknowledgement is lost is only redelivered, and its execution is
# already recorded, so the redelivery does nothing.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every queue the project publishes to is declared, so a plain ``celery -A hitlcrm worker`` (SPEC's
# command) consumes all of them; ``-Q checks`` / ``-Q executions`` still runs them on separate
# workers. An undeclared queue would be consumed by no worker started without ``-Q``: approvals
# would wait forever (tests/reliability/test_celery_settings.py holds routes and queues together).
# Each queue has an exchange and a routing key of its own: left unset, Celery binds every declared
# queue to the default exchange and key, and each check message would land in both queues.
CELERY_TASK_QUEUES = tuple(Queue(name, Exchange(name, type="direct"), routing_key=name) for name in ("checks", "executions"))
CELERY_TASK_DEFAULT_QUEUE = "checks"
CELERY_TASK_ROUTES = {
    "reviews.tasks.proposal_execute_task": {"queue": "executions"},
    "reviews.tasks.webhook_deliver_task": {"queue": "checks"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-work": {"task": "reviews.tasks.sweep_task", "schedule": 60.0},
    "expire-overdue-reviews": {"task": "reviews.tasks.sla_escalate_task", "schedule": 300.0},
    # Monthly gate-metric roll-ups (reviews/services/metrics.py). Hourly: a closed month's figures
    # lag late decisions on its outputs by an hour at most; the current month is always live.
    "roll-up-metrics": {"task": "reviews.tasks.metrics_roll_up_task", "schedule": 3600.0},
    # Reviewer notifications (reviews/services/notifications.py): due digests, retries held as data.
    "dispatch-notifications": {"task": "reviews.tasks.notifications_dispatch_task", "schedule": 60.0},
}
# The sweeper (reviews/services/sweeping.py) re-enqueues checks of records still ``checking`` after
# this long (their message was lost, or the broker was down when they were submitted), and resumes
# executions a dead worker left ``in progress`` for this long. Longer than a normal check or push,
# so work that is merely slow is not taken over.
HITLCRM_SWEEP_CHECKING_AFTER_SECONDS = env_setting("HITLCRM_SWEEP_CHECKING_AFTER_SECONDS")
HITLCRM_SWEEP_STALE_EXECUTION_SECONDS = env_setting("HITLCRM_SWEEP_STALE_EXECUTION_SECONDS")
# ``GET /health/`` and the dashboard report approved work still not executing this long after it
# became due (reviews/services/health.py): no worker consumes its queue, or the workers are stuck.
# Longer than the sweeper's interval plus a normal push, so a busy moment is not an alarm.
HITLCRM_HEALTH_STALLED_AFTER_MINUTES = env_setting("HITLCRM_HEALTH_STALLED_AFTER_MINUTES")

# Publishing happens in web requests (after commit). When the broker is down, give up quickly
# instead of hanging the request: the change is committed and the sweeper enqueues it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
