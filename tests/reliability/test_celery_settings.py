"""The Celery settings that keep work from being lost or doubled (hitlcrm/settings/celery.py says
why each is chosen); the fault tests beside this file show what they buy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hitlcrm.celery import app
from tests.conftest import ROOT
from tests.support import production_environment


def test_tasks_are_acknowledged_late_requeued_on_worker_loss_and_prefetched_one_at_a_time() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is False
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]


def test_checks_and_executions_have_their_own_queues() -> None:
    routes = app.conf.task_routes
    assert app.conf.task_default_queue == "checks"
    assert routes["reviews.tasks.proposal_execute_task"]["queue"] == "executions"
    for name in app.tasks:
        if name.startswith("reviews.tasks.") and name != "reviews.tasks.proposal_execute_task":
            assert routes.get(name, {}).get("queue", "checks") == "checks", name


def test_every_queue_a_task_is_routed_to_is_declared_with_its_own_exchange_and_key() -> None:
    """A worker started without ``-Q`` consumes the declared queues only (``task_queues``): a queue
    a task is routed to but that is not declared gets no consumer, and its work waits forever.
    Each needs its own binding: on the default exchange and key, every check would land in both."""
    declared = {queue.name: queue for queue in app.conf.task_queues}
    routed = {route["queue"] for route in app.conf.task_routes.values()} | {app.conf.task_default_queue}
    assert routed <= set(declared), f"routed to but not declared: {sorted(routed - set(declared))}"
    assert sorted(declared) == sorted(app.amqp.queues)  # what a plain worker consumes
    for name, queue in declared.items():
        assert (queue.exchange.name, queue.routing_key) == (name, name)
    for task_name in app.tasks:
        if task_name.startswith("reviews.tasks."):
            queue = app.amqp.router.route({}, task_name)["queue"]
            assert (queue.name, queue.exchange.name, queue.routing_key) == (queue.name,) * 3, task_name


def deploy_check(**variables: str) -> subprocess.CompletedProcess:
    """``manage.py check --tag hitlcrm`` under the production settings with Redis as the broker."""
    return subprocess.run([sys.executable, "manage.py", "check", "--tag", "hitlcrm"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60,
                          env=production_environment(CELERY_BROKER_URL="redis://127.0.0.1:1/0", **variables))


def test_redis_redelivers_only_after_every_delay_the_code_uses() -> None:
    """Redis hands an unacknowledged message to another worker after the visibility timeout; a
    delayed task waiting longer than that would run twice. The production defaults are consistent
    (every delay of reviews/system_checks.task_delays is shorter), and settings that are not are
    refused, naming the delay."""
    assert deploy_check().returncode == 0
    refused = deploy_check(HITLCRM_UNDO_GRACE_SECONDS="7200")
    assert refused.returncode != 0
    assert "HITLCRM_UNDO_GRACE_SECONDS (7200 s) is not shorter than CELERY_VISIBILITY_TIMEOUT (3600 s)" in refused.stderr
    refused = deploy_check(CELERY_VISIBILITY_TIMEOUT="400")
    assert "webhook_deliver_task (retry backoff cap)" in refused.stderr  # its backoff reaches 600 s


@pytest.mark.redis_only
def test_a_worker_refuses_to_start_with_a_delay_longer_than_the_visibility_timeout() -> None:
    from tests.conftest import worker_environment

    env = {**worker_environment({}), "HITLCRM_UNDO_GRACE_SECONDS": "7200"}
    result = subprocess.run([sys.executable, "-m", "celery", "-A", "hitlcrm", "worker",
                             "--concurrency", "1", "--without-gossip", "--without-mingle", "-n", "refused@%h"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "refusing to start: HITLCRM_UNDO_GRACE_SECONDS (7200 s)" in result.stderr


def test_a_publish_to_a_frozen_redis_gives_up_instead_of_hanging_the_request() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "o = settings.CELERY_BROKER_TRANSPORT_OPTIONS; "
                               "print(o['socket_connect_timeout'], o['socket_timeout'])"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base",
             "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"},
    )
    assert result.returncode == 0, result.stderr
    connect, read = (float(value) for value in result.stdout.split())
    assert 0 < connect <= 10 and 1 < read <= 30  # bounded, and longer than kombu's 1 s BRPOP poll


@pytest.mark.django_db
@pytest.mark.parametrize("task_name", ["proposal_execute_task", "proposal_run_checks_task"])
def test_a_transaction_the_database_rolled_back_is_run_again(task_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deadlock victim or a lost connection (OperationalError) rolls the use case back; the task
    runs it again rather than leaving the work to the sweeper minutes later."""
    from django.db import OperationalError

    from reviews import tasks
    from reviews.services import checking, execution

    calls: list[object] = []

    def deadlocked_once(**kwargs: object) -> dict:
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        return {}

    monkeypatch.setattr(execution, "proposals_execute", deadlocked_once)
    monkeypatch.setattr(checking, "proposal_run_checks", deadlocked_once)
    argument = [7] if task_name == "proposal_execute_task" else 7
    result = getattr(tasks, task_name).apply(args=[argument])  # retries run at once when applied locally
    assert result.successful(), result.traceback
    assert len(calls) == 2
