"""Real processes for the fault tests: a private Redis and a private PostgreSQL that a test may stop
and restart without touching the machine's shared servers, gunicorn serving the project, per-test
Celery workers, and the HTTP clients of an agent and a reviewer."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, WorkerProcess, worker_environment
from tests.support import form_submission, free_port, unavailable, wait_for

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


# --- processes ------------------------------------------------------------------------------

def _kill_group(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class RedisServer:
    """A redis-server of this test alone (no persistence: a restart loses every queued message)."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        log = open(self.workdir / "redis.log", "ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(self.ping, timeout=20, what="redis-server to answer")

    def stop(self) -> None:
        _kill_group(self.process)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        unavailable("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _postgres_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        bindir = Path(subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


@dataclass
class PostgresServer:
    """A PostgreSQL cluster of this test alone, on its own port, so a restart breaks no one else.
    PostgreSQL refuses to run as root; as root it runs as the ``postgres`` user."""

    bindir: Path
    root: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8")

    def start(self) -> None:
        # fsync off: the test restarts the server cleanly or with a fast shutdown, never the machine.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "postgres.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def ready(self) -> bool:
        return subprocess.run([str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                              timeout=10).returncode == 0

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@pytest.fixture
def private_postgres() -> Iterator[PostgresServer]:
    bindir = _postgres_bindir()
    if bindir is None:
        unavailable("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="hitlcrm-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bindir, root)
    server.init()
    server.start()
    try:
        yield server
    finally:
        if server.running():
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def copy_database(source_url: str, target_url: str) -> None:
    """Copy a database (schema and rows) into an empty one with pg_dump | pg_restore."""
    dump = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "-d", source_url], check=True,
                          capture_output=True, timeout=120).stdout
    subprocess.run(["pg_restore", "--no-owner", "-d", target_url], input=dump, check=True, capture_output=True,
                   timeout=120)


@dataclass
class WebServer:
    """gunicorn serving hitlcrm, as in production."""

    env: dict[str, str]
    log_path: Path
    workers: int = 2
    threads: int = 1  # more than one: gthread workers, a database connection per thread
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hitlcrm.wsgi:application", "--workers", str(self.workers),
             "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
             "--log-level", "warning"],
            cwd=ROOT, env={**self.env, "HITLCRM_BASE_URL": self.url}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                return requests.get(f"{self.url}/admin/login/", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_for(answers, timeout=60, what="gunicorn to answer")

    def stop(self) -> None:
        _kill_group(self.process)


@pytest.fixture
def web_factory(tmp_path: Path) -> Iterator[Callable[..., WebServer]]:
    """Starts gunicorn with the given environment (see ``worker_environment``); stopped at the end."""
    started: list[WebServer] = []

    def start(extra: dict[str, str], *, database_url: str | None = None, threads: int = 1) -> WebServer:
        env = worker_environment({**extra, **({"DATABASE_URL": database_url} if database_url else {})})
        server = WebServer(env, tmp_path / f"gunicorn-{len(started)}.log", threads=threads)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def writes(salesforce: Any, monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Every record the emulator's store updates, counted (the emulator is real; this only watches)."""
    counted: Counter = Counter()
    lock = threading.Lock()
    update = salesforce.store.update

    def counting(spec: Any, raw_id: Any, values: dict[str, Any], *args: Any, **kwargs: Any) -> str:
        record_id = update(spec, raw_id, values, *args, **kwargs)
        with lock:
            counted[record_id] += 1
        return record_id

    monkeypatch.setattr(salesforce.store, "update", counting)
    return counted


def pool_processes(worker: WorkerProcess) -> list[int]:
    """The pids of a worker's prefork pool (the children of its main process)."""
    assert worker.process is not None
    # Per thread: the pool's supervisor thread forks the replacements of dead processes.
    children = []
    for task in Path(f"/proc/{worker.process.pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def processes_connected_to(port: int, pids: list[int]) -> list[int]:
    """Those of ``pids`` with an open TCP connection to ``port`` on loopback (read from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            remote_port = int(columns[2].rsplit(":", 1)[1], 16)
            if remote_port == port:
                inodes.add(f"socket:[{columns[9]}]")
    found = []
    for pid in pids:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except (FileNotFoundError, ProcessLookupError):
            continue
        if links & inodes:
            found.append(pid)
    return found


# --- the people (and agents) at the HTTP doors -----------------------------------------------

def agent_session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return session


def console_login(base_url: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base_url}/admin/login/?next=/admin/", timeout=30,
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/admin/login/"},
    )
    assert response.ok and "Log out" in response.text, f"{username} could not log in"
    return session


def console_decide(session: requests.Session, review_url: str, action: str = "approve", **extra: str) -> requests.Response:
    """Open a review page and press a decision button, as the reviewer's browser would (no script:
    the answer is a redirect to the next item, which ``requests`` follows)."""
    page = session.get(review_url, timeout=60)
    assert page.status_code == 200, page.text[:500]
    action_url, fields = form_submission(page.text, "decide-form")
    return session.post(requests.compat.urljoin(review_url, action_url), timeout=60,
                        data=[*fields, *extra.items(), ("action", action)], headers={"Referer": review_url})
