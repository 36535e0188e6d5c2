"""Fixtures shared by the whole suite: backends, real processes (worker, SMTP sink), API clients."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.support import free_port, unavailable, wait_for

ROOT = Path(__file__).resolve().parents[1]
WORKER_NUMBERS = itertools.count()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests meant for one backend only are deselected on the other (never skipped)."""
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    without_redis = not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    keep, drop = [], []
    for item in items:
        off_backend = (on_sqlite and item.get_closest_marker("postgres_only")) or (
            without_redis and item.get_closest_marker("redis_only"))
        (drop if off_backend else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove this run's broker folder (the test database is removed by pytest-django)."""
    import shutil

    from django.conf import settings

    folder = (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("data_folder_in")
    if folder and f"test-{os.environ.get('HITLCRM_TEST_RUN_ID')}" in folder:
        shutil.rmtree(Path(folder).parent, ignore_errors=True)


def database_url_for_subprocess() -> str:
    """The test database as a URL another process (the worker) can open."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


# --- the shared cache -----------------------------------------------------------------------

@pytest.fixture(autouse=True)
def cache_left_clean(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """After a test that commits its rows (live server, worker processes), the database cache is emptied.

    A test inside a rolled-back transaction leaves nothing there; a transactional one would leave
    what it cached (the dashboard's figures, who CRM records are) to the next test, whose database
    is flushed but not the cache table (it belongs to no model)."""
    yield
    from pytest_django.fixtures import validate_django_db

    marker = request.node.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    transactional = transaction or reset_sequences
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


# --- people ---------------------------------------------------------------------------------

@pytest.fixture
def agent(db) -> tuple[Any, str]:
    """The agent "sdr-bot" and its token; CRM objects allowed, every task type reviewed by a person."""
    from tests.factories import agent_with_token, allow_crm_objects, policy

    allow_crm_objects()
    policy("*", mode="always_review")
    return agent_with_token("sdr-bot")


@pytest.fixture
def api(agent) -> Any:
    """The API as the agent sees it."""
    from tests.factories import token_client

    return token_client(agent[1])


@pytest.fixture
def rita(db) -> Any:
    """A reviewer."""
    from tests.factories import reviewer

    return reviewer("rita")


@pytest.fixture
def ruth(db) -> Any:
    """A second reviewer (the role without second approvals)."""
    from tests.factories import reviewer

    return reviewer("ruth")


@pytest.fixture
def sam(db) -> Any:
    """A senior reviewer (may give the second approval of four-eyes items)."""
    from tests.factories import reviewer

    return reviewer("sam", role="senior_reviewer")


@pytest.fixture
def carl(db) -> Any:
    """Compliance."""
    from tests.factories import reviewer

    return reviewer("carl", role="compliance")


# --- SMTP sink ------------------------------------------------------------------------------

@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def received(self) -> list[Any]:
        with self.lock:
            return list(self.messages)


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    from email import message_from_bytes
    from email.policy import default as default_policy

    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
            with sink.lock:
                sink.messages.append({"from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos),
                                      "message": message})
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# --- Celery worker --------------------------------------------------------------------------

@dataclass
class WorkerProcess:
    """``celery -A hitlcrm worker`` as SPEC runs it: without ``-Q`` it consumes every queue the
    project declares; ``queues`` narrows it the way an operator separates checks from executions."""

    env: dict[str, str]
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    queues: tuple[str, ...] = ()

    def start(self) -> None:
        assert self.log_path is not None
        log = open(self.log_path, "ab")
        only = ["-Q", ",".join(self.queues)] if self.queues else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hitlcrm", "worker", *only,
             "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"test-{os.getpid()}-{next(WORKER_NUMBERS)}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(lambda: b"ready" in self.log_path.read_bytes() or self.process.poll() is not None,
                 timeout=60, what="the Celery worker to start")
        if self.process.poll() is not None:
            raise RuntimeError(f"the worker exited: {self.log_tail()}")

    def stop(self, sig: int = signal.SIGTERM, grace: float = 5.0) -> None:
        """Stop the worker; a warm shutdown that outlasts ``grace`` (a task sleeping in a retry
        backoff) is cut short: the tests have asserted what they needed by then."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def purge_broker() -> None:
    """Drop messages left by an earlier run: they name ids of another database."""
    from hitlcrm.celery import app

    with app.connection_for_write() as conn:
        for queue in app.amqp.queues:
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:
                pass


def worker_environment(extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "HITLCRM_UNDO_GRACE_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    })
    return env


@pytest.fixture(scope="session")
def worker_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-logs")


@pytest.fixture
def worker_factory(django_db_setup, django_db_blocker, broker, worker_logs) -> Iterator[Any]:
    """Starts real worker processes on the test database with the given extra environment.

    Every worker is stopped when the test that started it ends: one left running would take a later
    test's tasks with this test's settings (no Salesforce, another SMTP server) and act on them."""
    started: list[WorkerProcess] = []

    def start(extra: dict[str, str] | None = None, *, queues: tuple[str, ...] = ()) -> WorkerProcess:
        # One worker at a time within a test, for the same reason.
        for earlier in started:
            earlier.stop()
        with django_db_blocker.unblock():
            env = worker_environment(extra or {})
        purge_broker()
        worker = WorkerProcess(env=env, log_path=worker_logs / f"worker-{os.getpid()}-{next(WORKER_NUMBERS)}.log",
                               queues=queues)
        worker.start()
        started.append(worker)
        return worker

    yield start
    # The test has asserted what it needed: a cold shutdown does not wait out a task sleeping in a
    # retry backoff or a warm shutdown's grace (five seconds a test, for most of the process tests).
    for worker in started:
        worker.stop(signal.SIGQUIT, grace=1.0)


@pytest.fixture(scope="session")
def broker() -> None:
    from reviews.services.health import broker_reachable

    if not broker_reachable():
        from hitlcrm.celery import app

        unavailable(f"Celery broker {app.conf.broker_url} is not reachable")


# --- Salesforce emulator --------------------------------------------------------------------

@pytest.fixture(scope="session")
def salesforce_server(tmp_path_factory) -> Iterator[Any]:
    """The local Salesforce emulator over HTTPS, for tests that run hitlcrm end to end."""
    from integrations.salesforce_emulator import EmulatorServer

    server = EmulatorServer(port=0, cert_dir=tmp_path_factory.mktemp("salesforce"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def salesforce(salesforce_server) -> Iterator[Any]:
    """The emulator, emptied, with this process configured to use it; ``.env`` configures workers."""
    from django.test import override_settings

    from integrations.salesforce import client as client_module

    salesforce_server.reset()
    client_module.reset_clients()
    with override_settings(**salesforce_server.env, SALESFORCE_USERNAME="", SALESFORCE_CONSUMER_KEY=""):
        yield salesforce_server
    client_module.reset_clients()
