"""PostgreSQL restarted while agents submit, and again while the site is idle.

gunicorn (two sync workers, persistent connections: ``CONN_MAX_AGE``) serves the API from a
PostgreSQL server of this test alone, so its restarts disturb nobody else.

Guards:
- one transaction per submission (the record, its field rows, history, audit event and the outbox
  of its checks commit together or not at all): a request cut by the restart leaves nothing
  half-written, checked row by row and by ``verify_history`` over the audit chain;
- ``Idempotency-Key``: an agent retrying a request whose answer it never got (it may have been
  committed) gets the original record, never a second one;
- ``CONN_HEALTH_CHECKS`` (hitlcrm/settings/base.py): a persistent connection killed by the restart
  is replaced before it is used. Without it the first request of each gunicorn worker after an
  idle restart answers 500, which the second phase asserts never happens.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import psycopg
import pytest
import requests

from tests.conftest import ROOT, database_url_for_subprocess
from tests.factories import agent_with_token, allow_crm_objects, policy
from tests.support import wait_for

from .conftest import agent_session, copy_database

pytestmark = [pytest.mark.integration, pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

AGENTS = 4


def email(key: str) -> dict[str, Any]:
    return {"to": ["ada@contoso.example"], "subject": f"Idea {key}", "external_ref": key, "task_type": "cold_email",
            "body": "Hi Ada,\n\nContoso's new Berlin office caught my eye.\n\nBest,\nSam", "confidence": 0.9}


def submit(base_url: str, session: requests.Session, key: str) -> tuple[float, Any]:
    """(when it was sent, the status code or the name of the connection error)."""
    started = time.monotonic()
    try:
        response = session.post(f"{base_url}/api/v1/email-drafts/", json=email(key), timeout=60,
                                headers={"Idempotency-Key": key})
        return started, response.status_code
    except requests.RequestException as exc:
        return started, type(exc).__name__


class Load:
    """Agents submitting email drafts as fast as the server answers; every answer is kept."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url, token
        self.answers: dict[str, tuple[float, Any]] = {}  # key -> (sent at, status code or exception name)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(AGENTS)]

    def run(self, agent: int) -> None:
        with agent_session(self.token) as session:
            n = 0
            while not self.stop.is_set():
                key = f"a{agent}-{n}"
                answer = submit(self.base_url, session, key)
                with self.lock:
                    self.answers[key] = answer
                n += 1

    def count(self) -> int:
        with self.lock:
            return len(self.answers)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(query)
        return cursor.fetchall() if cursor.description else []


def test_a_database_restart_loses_nothing_and_writes_nothing_half(private_postgres, web_factory) -> None:
    allow_crm_objects()
    policy("*", mode="always_review")
    _, token = agent_with_token("sdr-bot")
    rows(private_postgres.url("postgres"), "CREATE DATABASE hitlcrm")
    database = private_postgres.url("hitlcrm")
    copy_database(database_url_for_subprocess(), database)  # the schema, the agent and its token
    # An in-process broker: the checks are queued after commit as usual; no worker is needed here.
    web = web_factory({"CELERY_BROKER_URL": "memory://"}, database_url=database)

    # Phase 1: a fast restart in the middle of the load.
    with Load(web.url, token) as load:
        wait_for(lambda: load.count() >= 20, timeout=60, what="the load to get going")
        private_postgres.stop("fast")
        restarted_at = time.monotonic()
        private_postgres.start()
        wait_for(private_postgres.ready, timeout=60, what="PostgreSQL to accept connections again")
        ready_at = time.monotonic()
        wait_for(lambda: sum(sent > ready_at for sent, _ in list(load.answers.values())) >= 20, timeout=60,
                 what="load after the restart")
    answers = dict(load.answers)
    during = {key: answer for key, (sent, answer) in answers.items() if restarted_at - 5 <= sent <= ready_at}
    failed = {key: answer for key, (_, answer) in answers.items() if answer not in (200, 201)}
    assert all(answer == 201 for sent, answer in answers.values() if sent > ready_at + 1), failed
    assert set(failed) <= set(during), f"requests failed outside the restart: {failed}"
    assert all(isinstance(answer, str) or answer >= 500 for answer in failed.values()), failed

    # Phase 2: a restart while nobody is connected; the next request of every worker must succeed.
    private_postgres.stop("fast")
    private_postgres.start()
    wait_for(private_postgres.ready, timeout=60)
    with agent_session(token) as session:
        after = [submit(web.url, session, f"idle-{n}") for n in range(6)]
    assert [answer for _, answer in after] == [201] * 6, "a stale connection was used after the restart"

    # The agents retry what failed: each retry returns the record if the lost request committed.
    with agent_session(token) as session:
        for key in failed:
            retry = session.post(f"{web.url}/api/v1/email-drafts/", json=email(key), headers={"Idempotency-Key": key},
                                 timeout=60)
            assert retry.status_code in (200, 201), retry.text

    # Every key is exactly one complete record: its row, its history row and its audit event.
    keys = set(answers) | {f"idle-{n}" for n in range(6)}
    stored = rows(database, "SELECT idempotency_key, external_ref FROM reviews_proposal")
    assert sorted(key for key, _ in stored) == sorted(keys)
    assert all(key == ref for key, ref in stored)
    assert rows(database, "SELECT COUNT(*) FROM reviews_historicalproposal")[0][0] == len(keys)
    submitted = rows(database, "SELECT proposal_id, COUNT(*) FROM reviews_auditevent WHERE action = 'submitted' "
                               "GROUP BY proposal_id")
    assert len(submitted) == len(keys) and {count for _, count in submitted} == {1}
    verified = subprocess.run([sys.executable, "manage.py", "verify_history"], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, env={**web.env, "DATABASE_URL": database})
    assert verified.returncode == 0, verified.stdout + verified.stderr
