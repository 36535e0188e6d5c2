"""PostgreSQL restarted twice while a Celery worker checks, approves (by policy) and executes CRM
changes and emails that agents keep submitting through gunicorn.

Real processes: a PostgreSQL server of this test alone (restarted with a fast shutdown, which cuts
every open connection), gunicorn, a Celery worker (the test's broker: Redis or the filesystem
broker), the Salesforce emulator and an SMTP server. The first restart is timed so that one CRM
push and one email send are in flight with the worker holding their outcome in memory: the emulator
and the SMTP server hold their answers until the database is down and up again. The second comes in
the middle of the stream, wherever the work happens to be.

Guards:
- a CRM push whose outcome could not be recorded (the connection died) is left ``in_progress``;
  the sweeper's stale-execution recovery (``executions_recover_stale``) resumes it, and the push's
  compare-before-write (``_compare`` in integrations/salesforce/records.py: a field already equal
  to its target is not written and is no conflict) makes the resumed push write nothing. Without
  the compare the resumed push finds the value it wrote itself and reports a ``conflict``;
- an email's known outcome survives a database blip: the worker keeps trying to record it until the
  database answers (``email_outcome_record`` retried in reviews/services/sending.py). Without that
  the sent email ends "outcome unknown" for a person, although the SMTP server had accepted it;
- the tasks' retries of ``OperationalError`` (reviews/tasks.py) and ``Idempotency-Key`` for the
  agents' retries of the submissions cut by the restarts.
Afterwards every record is ``done``, each approved change is written to the emulator exactly once,
each approved email received exactly once, the audit trail has one submitted and one executed
event per record, and ``verify_history`` passes.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, database_url_for_subprocess
from tests.factories import agent_with_token, allow_crm_objects, policy
from tests.support import free_port, wait_for

from .conftest import agent_session, copy_database
from .test_database_restart import rows

pytestmark = [pytest.mark.integration, pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ITEMS = 24  # even: a CRM change of Contact n; odd: an email to person n
WARM_UP = 4
BODY = ("Hi Ada {n},\n\nContoso just opened a Berlin office; teams like yours keep pipeline data clean with us.\n\n"
        "Open to a chat?\n\nSam")


class HeldSmtpSink:
    """An SMTP server (aiosmtpd) that keeps what it receives; once armed, it holds its answer to the
    next message until released (the message is kept either way: it was delivered)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.lock = threading.Lock()
        self.armed, self.arrived, self.release = threading.Event(), threading.Event(), threading.Event()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                from email import message_from_bytes
                from email.policy import default

                message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
                with sink.lock:
                    sink.messages.append(message)
                if sink.armed.is_set() and not sink.arrived.is_set():
                    sink.arrived.set()
                    await asyncio.get_running_loop().run_in_executor(None, sink.release.wait, 60)
                return "250 Message accepted for delivery"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def received(self) -> list[Any]:
        with self.lock:
            return list(self.messages)


@pytest.fixture
def held_smtp() -> Any:
    sink = HeldSmtpSink()
    sink.controller.start()
    yield sink
    sink.release.set()
    sink.controller.stop()


@pytest.fixture
def held_push(salesforce: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Once armed, the emulator applies the next sObject Collections write and holds its answer
    until released."""
    armed, arrived, release = threading.Event(), threading.Event(), threading.Event()
    handle = salesforce.handle

    def holding(request: Any) -> Any:
        response = handle(request)
        if (armed.is_set() and not arrived.is_set() and request.method == "PATCH"
                and "/composite/sobjects" in request.path):
            arrived.set()
            release.wait(60)
        return response

    monkeypatch.setattr(salesforce, "handle", holding)
    yield armed, arrived, release
    release.set()


def payload(n: int, contact: str) -> tuple[str, dict[str, Any]]:
    evidence = [{"source": "press release", "url": "https://contoso.example/news", "quote": "opened Berlin"}]
    if n % 2 == 0:
        return "crm-changes", {"kind": "update", "crm_object": "Contact", "crm_id": contact,
                               "fields": {"Title": f"VP Sales {n}"}, "field_confidence": {"Title": 0.97},
                               "confidence": 0.96, "task_type": "contact_update", "external_ref": f"item-{n}",
                               "evidence": [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada",
                                             "quote": f"VP Sales {n}"}]}
    return "email-drafts", {"to": [f"person{n}@contoso.example"], "subject": "Idea for Contoso", "body": BODY.format(n=n),
                            "crm_object": "Contact", "crm_id": contact, "company_name": "Contoso",
                            "task_type": "cold_email", "confidence": 0.95, "evidence": evidence,
                            "assumptions": ["Ada still works at Contoso"], "external_ref": f"item-{n}"}


class Agents:
    """Agents submitting items one after another; a request cut by a restart is retried with the
    same Idempotency-Key until it is answered 201 (or 200: it had been committed)."""

    def __init__(self, base_url: str, token: str, contacts: list[str], numbers: range, pace: float) -> None:
        self.base_url, self.token, self.contacts, self.pace = base_url, token, contacts, pace
        self.numbers = list(numbers)
        self.ids: dict[int, int] = {}
        self.failures: list[Any] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(self.numbers[i::2],)) for i in range(2)]

    def submit(self, session: requests.Session, n: int) -> int:
        path, body = payload(n, self.contacts[n])
        deadline = time.monotonic() + 90
        while True:
            try:
                response = session.post(f"{self.base_url}/api/v1/{path}/", json=body, timeout=30,
                                        headers={"Idempotency-Key": f"item-{n}"})
                if response.status_code in (200, 201):
                    return response.json()["id"]
                answer: Any = response.status_code
                assert response.status_code >= 500, response.text  # a 4xx is a bug, not a restart
            except requests.RequestException as exc:
                answer = type(exc).__name__
            with self.lock:
                self.failures.append((n, answer))
            assert time.monotonic() < deadline, f"item {n} never accepted: {answer}"
            time.sleep(0.3)

    def run(self, numbers: list[int]) -> None:
        with agent_session(self.token) as session:
            for n in numbers:
                record = self.submit(session, n)
                with self.lock:
                    self.ids[n] = record
                time.sleep(self.pace)

    def count(self) -> int:
        with self.lock:
            return len(self.ids)

    def __enter__(self) -> Agents:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for thread in self.threads:
            thread.join(timeout=180)


def statuses(database: str, ids: list[int]) -> dict[int, str]:
    try:
        found = dict(rows(database, f"SELECT id, status FROM reviews_proposal WHERE id IN ({','.join(map(str, ids))})"))
    except Exception:  # noqa: BLE001  (the server is restarting)
        return {}
    return found


def failed_checks(database: str) -> list[Any]:
    return rows(database, "SELECT proposal_id, name, message FROM reviews_checkresult WHERE NOT passed") + rows(
        database, "SELECT e.proposal_id, p.kind, e.state, e.attempts, e.last_error FROM reviews_execution e "
                  "JOIN reviews_proposal p ON p.id = e.proposal_id WHERE e.state != 'succeeded'")


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)


def test_a_worker_checks_and_executes_through_database_restarts_exactly_once(
        private_postgres, salesforce, held_push, held_smtp, web_factory, worker_factory, writes) -> None:
    allow_crm_objects()
    # Clean, confident items are approved by the policy in the worker; each recipient gets one email.
    policy("*", mode="calibrated", confidence_threshold=0.5, field_confidence_threshold=0.5, audit_sample_rate=0,
           quiet_period_days=0)
    _, token = agent_with_token("sdr-bot")
    contacts = [salesforce.create("Contact", {"FirstName": "Ada", "LastName": f"Person {n}", "Title": "Engineer",
                                              "Email": f"person{n}@contoso.example", "HasOptedOutOfEmail": False})
                for n in range(ITEMS)]
    rows(private_postgres.url("postgres"), "CREATE DATABASE hitlcrm")
    database = private_postgres.url("hitlcrm")
    copy_database(database_url_for_subprocess(), database)
    env = {**salesforce.env, "DATABASE_URL": database, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(held_smtp.port),
           "HITLCRM_SWEEP_CHECKING_AFTER_SECONDS": "5", "HITLCRM_SWEEP_STALE_EXECUTION_SECONDS": "5"}
    worker = worker_factory(env)
    web = web_factory(env)

    def wait_done(numbers: list[int], ids: dict[int, int], timeout: float) -> None:
        wanted = [ids[n] for n in numbers]
        wait_for(lambda: set(statuses(database, wanted).values()) == {"done"}, timeout=timeout,
                 what=lambda: f"done: {statuses(database, wanted)}; failed checks: {failed_checks(database)}\n"
                              f"{worker.log_tail(30)}")

    # Warm-up: the whole path works, and every process holds open database connections.
    with Agents(web.url, token, contacts, range(WARM_UP), pace=0) as warm:
        pass
    wait_done(list(range(WARM_UP)), warm.ids, 60)

    push_armed, push_arrived, push_release = held_push
    push_armed.set()
    held_smtp.armed.set()
    with Agents(web.url, token, contacts, range(WARM_UP, ITEMS), pace=0.4) as agents:
        # Restart 1: a CRM write and an email landed, their answers held, the worker waiting for them.
        wait_for(lambda: push_arrived.is_set() and held_smtp.arrived.is_set(), timeout=60,
                 what=lambda: f"a push and a send in flight\n{worker.log_tail(30)}")
        private_postgres.stop("fast")
        push_release.set()
        held_smtp.release.set()
        time.sleep(1)  # the worker meets the dead connection, and the closed server
        private_postgres.start()
        wait_for(private_postgres.ready, timeout=60)
        # Restart 2: wherever the stream is.
        wait_for(lambda: agents.count() >= (ITEMS - WARM_UP) * 2 // 3, timeout=90, what="more submissions")
        private_postgres.stop("fast")
        private_postgres.start()
        wait_for(private_postgres.ready, timeout=60)
    ids = {**warm.ids, **agents.ids}
    assert sorted(ids) == list(range(ITEMS))
    assert agents.failures, "no submission was cut by a restart: the restarts missed the stream"

    # The worker's retries settle what they can; then the sweeper (what beat runs every minute)
    # recovers what was left in flight, and it all runs to its end.
    def settled() -> bool:
        before = statuses(database, list(ids.values()))
        time.sleep(6)  # longer than the stale threshold: nothing in progress is genuinely running
        return bool(before) and before == statuses(database, list(ids.values()))

    wait_for(settled, timeout=120, interval=0, what="the work to settle")
    swept = manage(web.env, "shell", "-c", "from reviews.services.sweeping import sweep; print(sweep())")
    assert swept.returncode == 0, swept.stderr
    wait_done(list(range(ITEMS)), ids, 60)

    # Every record done, through exactly one submission and one execution.
    for action in ("submitted", "auto_approved", "executed"):
        counted = Counter(dict(rows(database, f"SELECT proposal_id, COUNT(*) FROM reviews_auditevent "
                                              f"WHERE action = '{action}' GROUP BY proposal_id")))
        assert counted == dict.fromkeys(ids.values(), 1), action
    # The held push's outcome was lost with its connection: the sweeper resumed it (a second claim).
    resumed = rows(database, "SELECT COUNT(*) FROM reviews_execution e JOIN reviews_proposal p ON p.id = e.proposal_id "
                             "WHERE p.kind = 'crm_change' AND e.attempts > 1")
    assert resumed[0][0] >= 1, "no CRM push was resumed: the first restart missed the push in flight"
    unknown = rows(database, "SELECT COUNT(*) FROM reviews_auditevent WHERE action = 'execution_outcome_unknown'")
    assert unknown == [(0,)]
    # The CRM holds each approved change, written exactly once.
    crm = [n for n in range(ITEMS) if n % 2 == 0]
    assert {contacts[n]: salesforce.get("Contact", contacts[n])["Title"] for n in crm} == {
        contacts[n]: f"VP Sales {n}" for n in crm}
    assert dict(writes) == {contacts[n]: 1 for n in crm}
    # The mailbox holds each approved email exactly once.
    emails = [n for n in range(ITEMS) if n % 2 == 1]
    received = wait_for(lambda: len(held_smtp.received()) >= len(emails) and held_smtp.received(), timeout=10)
    assert sorted(message["Message-ID"] for message in received) == sorted(
        f"<hitlcrm-proposal-{ids[n]}@hitlcrm.example>" for n in emails)
    assert sorted(str(message["To"]) for message in received) == sorted(f"person{n}@contoso.example" for n in emails)
    verified = manage(web.env, "verify_history")
    assert verified.returncode == 0, verified.stdout + verified.stderr
