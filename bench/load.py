"""Load test (issue #9): agents submitting, reviewers deciding and workers executing, together.

    make load                                    # python -m bench.load, 3 minutes
    python -m bench.load --duration 60 --rate 6 --agents 4 --reviewers 2

Everything runs on loopback as in production: gunicorn (2 workers, gthread) on PostgreSQL and Redis,
a Celery worker and beat, the Salesforce emulator (``manage.py salesforce_emulator``) and an SMTP
sink (aiosmtpd). The database is a throwaway ``bench_load`` on the server of ``DATABASE_URL``
(default: the machine's, postgres://postgres@127.0.0.1:5432), created and dropped; the broker is
Redis database 14 of ``CELERY_BROKER_URL`` (default the machine's), flushed afterwards.

- Agents (threads, paced to ``--rate`` submissions a second in all) POST the labelled corpus
  (reviews/demo/proposals.jsonl) through the API, each proposal about a Contact of its own created in
  the emulator first. The demo's policies apply: confident emails and changes go out by themselves
  (with an audit sample), the rest wait for a person; some are blocked by their checks.
- Reviewers (logged-in ``requests`` sessions) work the console's queue as the page's script does:
  open an item, press a button (one POST that answers with the next item), again. Seven in ten are
  approved, one is edited and approved, two are rejected.
- After ``--duration`` the agents stop, the reviewers clear the queue and the workers drain.

Reported: throughput and latency percentiles of each operation, errors, and how long the pipeline
took (submission to checked, approval to executed). Then it checks that every proposal reached a
correct final state and that the emulator and the SMTP sink hold exactly what was approved: each
approved change's values written, nothing else changed; each approved email received once, with
its approved subject; nothing else received. Exit status 1 if any check fails or any request erred.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "reviews" / "demo" / "proposals.jsonl"
DB_NAME = "bench_load"
REDIS_DB = 14
PASSWORD = "load-test-passphrase-2026"
MAX_DURATION = 1800
REVIEW_LINK = re.compile(r'href="(/admin/hitlcrm_reviews/\w+/(\d+)/review/[^"]*)"')
DECIDE_FORM = re.compile(r'<form id="decide-form" method="post" action="([^"]+)"')


# --- figures ---------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


@dataclass
class Stats:
    """Latencies (seconds) and outcomes of each operation, from every thread."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, seconds: float, outcome: str, error: str = "") -> None:
        with self.lock:
            self.latencies[operation].append(seconds)
            self.outcomes[operation][outcome] += 1
            if error:
                self.errors.append(f"{operation}: {error}"[:300])

    def table(self, window: float) -> list[str]:
        rows = ["| operation | requests | per second | p50 ms | p95 ms | p99 ms | outcomes |",
                "|---|---:|---:|---:|---:|---:|---|"]
        for operation in sorted(self.latencies):
            values = self.latencies[operation]
            outcomes = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes[operation].items()))
            rows.append(f"| {operation} | {len(values)} | {len(values) / window:.1f} | "
                        f"{percentile(values, 0.50) * 1000:.0f} | {percentile(values, 0.95) * 1000:.0f} | "
                        f"{percentile(values, 0.99) * 1000:.0f} | {outcomes} |")
        return rows


# --- the stack -------------------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The processes, started in order and stopped (their whole process groups) at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115  (lives as long as the process)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((name, process))
        return process

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited ({process.returncode}): {self.log(name)[-2000:]}")

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_until(predicate: Any, timeout: float, what: str, stack: Stack | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if stack is not None:
            stack.check_alive()
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")


def emulator_env(stack: Stack) -> dict[str, str]:
    def printed() -> dict[str, str] | None:
        values = dict(line.split("=", 1) for line in stack.log("salesforce-emulator").splitlines()
                      if line.startswith("SALESFORCE_") and "=" in line)
        wanted = {"SALESFORCE_INSTANCE_URL", "SALESFORCE_SESSION_ID", "SALESFORCE_CA_BUNDLE"}
        return {key: values[key].strip() for key in wanted} if wanted <= set(values) else None

    return wait_until(printed, 60, "the Salesforce emulator", stack)


class SmtpSink:
    """aiosmtpd on loopback keeping (Message-ID, recipients, subject) of what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[tuple[str, list[str], str]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                from email import message_from_bytes
                from email.policy import default

                message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
                with sink.lock:
                    sink.messages.append((str(message["Message-ID"]), list(envelope.rcpt_tos), str(message["Subject"])))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def received(self) -> list[tuple[str, list[str], str]]:
        with self.lock:
            return list(self.messages)

    def stop(self) -> None:
        self.controller.stop()


# --- set-up ----------------------------------------------------------------------------------------

def _url_with(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def _admin_sql(database_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_url_with(database_url, "/postgres"), autocommit=True) as connection:
        connection.execute(statement)


def seed(reviewers: int) -> str:
    """Roles, people, the demo's policies and allow-lists, and the agent; returns its token."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from reviews.management.commands.seed_demo import CRM_FIELDS, POLICIES
    from reviews.models import ApiClient, ApiToken, CrmObjectRule, Policy

    call_command("migrate", verbosity=0)
    for number in range(reviewers):  # the first may give the second approval of four-eyes items
        call_command("create_reviewer", f"reviewer{number}", password=PASSWORD,
                     group="senior_reviewer" if number == 0 else "reviewer", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for values in POLICIES:
        Policy.objects.update_or_create(task_type=values["task_type"], defaults=values)
    for crm_object, fields in CRM_FIELDS.items():
        CrmObjectRule.objects.update_or_create(crm_object=crm_object, defaults={"allowed_fields": fields})
    user = get_user_model().objects.create_user(username="api:load-agent")
    # A throttle far above the test's rate: it is still checked on every request.
    client = ApiClient.objects.create(name="load-agent", user=user, throttle_rate="1000000/min")
    return ApiToken.issue(client)[1]


def with_tag(address: str, number: int) -> str:
    local, _, domain = address.partition("@")
    return f"{local}+load{number}@{domain}" if domain else address


def proposals(count: int) -> list[dict[str, Any]]:
    """``count`` corpus lines, each with its own Contact (addresses tagged, so no two share a person)."""
    from integrations.salesforce.records import create_records

    corpus = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    lines = []
    for number in range(count):
        line = json.loads(json.dumps(corpus[number % len(corpus)]))
        fields = line["crm"]["fields"]
        if fields.get("Email"):
            fields["Email"] = with_tag(fields["Email"], number)
        if "to" in line["payload"]:
            line["payload"]["to"] = [with_tag(address, number) for address in line["payload"]["to"]]
        line["payload"]["external_ref"] = f"load-{number}"
        lines.append(line)
    for start in range(0, count, 200):
        chunk = lines[start:start + 200]
        outcomes = create_records("Contact", [line["crm"]["fields"] for line in chunk])
        for line, outcome in zip(chunk, outcomes, strict=True):
            if outcome.status != "done":
                raise RuntimeError(f"could not create a Contact: {outcome.message}")
            line["payload"]["crm_id"] = outcome.record_id
    return lines


# --- the people ------------------------------------------------------------------------------------

def agent(number: int, base: str, token: str, queue: list[dict[str, Any]], lock: threading.Lock, interval: float,
          stop: threading.Event, stats: Stats) -> None:
    import requests

    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {token}"
        due = time.monotonic() + number * interval / 4
        while not stop.is_set():
            with lock:
                if not queue:
                    return
                line = queue.pop(0)
            path = "email-drafts" if line["kind"] == "email_draft" else "crm-changes"
            started = time.perf_counter()
            try:
                response = session.post(f"{base}/api/v1/{path}/", json=line["payload"], timeout=120,
                                        headers={"Idempotency-Key": line["payload"]["external_ref"]})
                outcome = str(response.status_code)
                error = "" if response.status_code in (201, 400) else f"{response.status_code} {response.text[:200]}"
            except requests.RequestException as exc:
                outcome, error = "connection error", repr(exc)
            stats.record("submit (API)", time.perf_counter() - started, outcome, error)
            due += interval
            stop.wait(max(0.0, due - time.monotonic()))


def login(base: str, username: str) -> Any:
    import requests

    session = requests.Session()
    page = session.get(f"{base}/admin/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/admin/login/?next=/admin/", timeout=60,
                            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    if "Log out" not in response.text:
        raise RuntimeError(f"{username} could not log in")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def decision_for(page: str, proposal_id: int) -> tuple[str, dict[str, str]]:
    """What the reviewer does with an item: by its id, 7 in 10 approved, 1 edited, 2 rejected."""
    slot = proposal_id % 10
    if slot < 7:
        return "approve", {}
    if slot >= 8:
        return "reject", {"reason_code": ("tone", "factual_error")[slot % 2]}
    subject = re.search(r'<input id="edit-subject" name="subject" form="decide-form" value="([^"]*)"', page)
    if subject:  # an email: a better subject
        body = re.search(r'<textarea id="edit-body" name="body" form="decide-form" rows="12">(.*?)</textarea>', page, re.S)
        return "edit_approve", {"subject": "Re: " + html.unescape(subject.group(1)),
                                "body": html.unescape(body.group(1)).lstrip("\n") if body else ""}
    fields = re.findall(r'<input name="field:([^"]+)" value="([^"]*)" form="decide-form"', page)
    text = [(name, html.unescape(value)) for name, value in fields if not re.fullmatch(r"-?[\d.]+|true|false", value)]
    if not text:
        return "approve", {}
    name, value = text[0]
    return "edit_approve", {f"field:{name}": f"{value} (checked)"}


def reviewer(number: int, base: str, stop: threading.Event, stats: Stats, decided: dict[int, str],
             lock: threading.Lock) -> None:
    """Works the queue of every kind: open the first item waiting, then decide, decide, decide..."""
    session = login(base, f"reviewer{number}")
    while not stop.is_set():
        started = time.perf_counter()
        queue = session.get(f"{base}/admin/hitlcrm_reviews/proposal/", timeout=120)
        stats.record("open queue (console)", time.perf_counter() - started, str(queue.status_code),
                     "" if queue.ok else f"{queue.status_code}")
        links = REVIEW_LINK.findall(queue.text)
        page, url = None, ""
        for link, _ in links[number % max(len(links), 1):] + links[:number % max(len(links), 1)]:
            url = urljoin(base, html.unescape(link))
            started = time.perf_counter()
            page = session.get(url, timeout=120)
            stats.record("open item (console)", time.perf_counter() - started, str(page.status_code),
                         "" if page.ok else f"{page.status_code}")
            if page.ok and 'id="holder"' not in page.text:
                break  # not held by the other reviewer: this one is ours
            page = None
        if page is None:
            stop.wait(1.0)
            continue
        while page.status_code == 200 and not stop.is_set():
            form = DECIDE_FORM.search(page.text)
            current = re.search(r'data-proposal="(\d+)"', page.text)
            if not form or not current or 'id="holder"' in page.text:
                break  # not decidable (decided meanwhile) or another reviewer holds it: back to the queue
            proposal_id = int(current.group(1))
            action, extra = decision_for(page.text, proposal_id)
            started = time.perf_counter()
            response = session.post(urljoin(url, html.unescape(form.group(1))), data={"action": action, **extra},
                                    headers={"X-Console-Swap": "1", "Referer": url}, timeout=120)
            ok = response.status_code in (200, 204, 409)
            stats.record("decide (console)", time.perf_counter() - started,
                         "409 taken by another" if response.status_code == 409 else str(response.status_code),
                         "" if ok else f"{response.status_code} {response.text[:200]}")
            if response.status_code in (200, 204):
                with lock:
                    decided[proposal_id] = action
            if response.status_code != 200:
                break
            page, url = response, urljoin(base, response.headers.get("X-Location", url))


# --- verification ----------------------------------------------------------------------------------

def pipeline_figures(since: Any) -> list[str]:
    """Submission to checked and approval to executed, from the audit trail."""
    from reviews.models import AuditEvent

    times: dict[tuple[int, str], Any] = {}
    for proposal_id, action, moment in AuditEvent.objects.filter(
            occurred_at__gte=since, action__in=["submitted", "checks_run", "auto_approved", "approved",
                                                "edited_and_approved", "executed"]).values_list(
            "proposal_id_ref", "action", "occurred_at"):
        times[(proposal_id, action)] = moment
    checked, executed = [], []
    for (proposal_id, action), moment in times.items():
        if action in ("checks_run", "auto_approved") and (proposal_id, "submitted") in times:
            checked.append((moment - times[(proposal_id, "submitted")]).total_seconds())
        if action == "executed":
            approved = [times[(proposal_id, a)] for a in ("auto_approved", "approved", "edited_and_approved")
                        if (proposal_id, a) in times]
            if approved:
                executed.append((moment - max(approved)).total_seconds())
    rows = []
    for name, values in (("submitted → checked", checked), ("approved → executed (incl. undo grace)", executed)):
        rows.append(f"| {name} | {len(values)} | {percentile(values, 0.5):.2f} s | {percentile(values, 0.95):.2f} s | "
                    f"{percentile(values, 0.99):.2f} s |")
    return ["| pipeline stage | records | p50 | p95 | p99 |", "|---|---:|---:|---:|---:|", *rows]


def verify(lines: list[dict[str, Any]], sink: SmtpSink, decided: dict[int, str]) -> list[str]:
    """Problems found (none: every record's final state and every side effect is right)."""
    from django.core.management import call_command

    from integrations.salesforce.records import read_records
    from reviews.models import Decision, Proposal
    from reviews.state_machine import Status

    problems: list[str] = []
    records = list(Proposal.objects.prefetch_related("field_changes", "decisions"))
    by_status = Counter(proposal.status for proposal in records)
    unfinished = {Status.CHECKING, Status.APPROVED, Status.EXECUTING, Status.NEEDS_REVIEW}
    for proposal in records:
        if proposal.status in unfinished:
            problems.append(f"#{proposal.pk} is still {proposal.status}")
        human = [d for d in proposal.decisions.all() if d.action != Decision.Action.AUTO_APPROVE and not d.revoked_at]
        if proposal.status == Status.REJECTED and not any(d.action == "reject" for d in human):
            problems.append(f"#{proposal.pk} rejected without a rejection")
        if proposal.status == Status.DONE and not proposal.decisions.exists():
            problems.append(f"#{proposal.pk} executed without a decision")
        wanted = decided.get(proposal.pk)
        if wanted and proposal.status in (Status.DONE, Status.FAILED, Status.CONFLICT) and wanted == "reject":
            problems.append(f"#{proposal.pk} was rejected in the console but executed")
        if wanted in ("approve", "edit_approve") and proposal.status == Status.REJECTED:
            problems.append(f"#{proposal.pk} was approved in the console but is rejected")

    # The mailbox: each executed email once, with its approved subject; nothing else.
    received = sink.received()
    per_id = Counter(message_id for message_id, _, _ in received)
    subjects = {message_id: subject for message_id, _, subject in received}
    emails = [p for p in records if p.is_email]
    expected_ids = set()
    for proposal in emails:
        message_id = f"<hitlcrm-proposal-{proposal.pk}@hitlcrm.example>"
        if proposal.status == Status.DONE:
            expected_ids.add(message_id)
            if per_id[message_id] != 1:
                problems.append(f"email #{proposal.pk} received {per_id[message_id]} times")
            elif subjects[message_id] != proposal.final_output["subject"]:
                problems.append(f"email #{proposal.pk} went out with another subject than approved")
    for message_id in set(per_id) - expected_ids:
        problems.append(f"a message nobody approved was received: {message_id}")

    # The CRM: each executed change's approved values; every other proposed field as it was seeded.
    seeded = {line["payload"]["crm_id"]: line["crm"]["fields"] for line in lines}
    changes = [p for p in records if not p.is_email]
    wanted_fields = sorted({change.field for p in changes for change in p.field_changes.all()})
    current = read_records("Contact", [p.crm_id for p in changes], wanted_fields) if changes else {}
    from integrations.salesforce.ids import to_18

    for proposal in changes:
        record = current.get(to_18(proposal.crm_id), {})
        approved = (proposal.final_output or {}).get("fields", {}) if proposal.status == Status.DONE else {}
        for change in proposal.field_changes.all():
            expected = approved.get(change.field, seeded.get(proposal.crm_id, {}).get(change.field))
            if record.get(change.field) != expected:
                problems.append(f"Contact {proposal.crm_id}.{change.field} is {record.get(change.field)!r}, "
                                f"expected {expected!r} (#{proposal.pk}, {proposal.status})")
    try:
        call_command("verify_history", stdout=open(os.devnull, "w"))  # noqa: SIM115
    except Exception as exc:  # noqa: BLE001  (reported as a problem, not a crash)
        problems.append(f"audit trail: {exc}")
    print(f"final states: {dict(sorted(by_status.items()))}; emails received: {len(received)}; "
          f"CRM changes written: {sum(1 for p in changes if p.status == Status.DONE)}")
    return problems


def process_errors(stack: Stack) -> list[str]:
    """Errors the server processes logged: a task that raised (a deadlock, say), a 500."""
    found = []
    for name, marker in (("worker", "ERROR/"), ("beat", "ERROR/"), ("web", "Internal Server Error")):
        found += [f"{name}: {line[:250]}" for line in stack.log(name).splitlines() if marker in line]
    return found


# --- main ------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help=f"seconds of load (at most {MAX_DURATION})")
    parser.add_argument("--rate", type=float, default=4.0, help="submissions a second, all agents together")
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--drain", type=float, default=300, help="seconds allowed for the queue and workers to drain")
    parser.add_argument("--keep", action="store_true", help="keep the bench_load database and the logs")
    args = parser.parse_args(argv)
    duration = min(max(args.duration, 10.0), MAX_DURATION)

    database_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if urlsplit(database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        print("bench.load needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    broker = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    if not broker.startswith("redis://"):
        print("bench.load needs Redis: set CELERY_BROKER_URL=redis://...", file=sys.stderr)
        return 2
    broker = _url_with(broker, f"/{REDIS_DB}")
    workdir = Path(tempfile.mkdtemp(prefix="hitlcrm-load-"))
    env = {**os.environ, "DATABASE_URL": _url_with(database_url, f"/{DB_NAME}"), "CELERY_BROKER_URL": broker,
           "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base", "DEBUG": "false", "PYTHONUNBUFFERED": "1",
           "HITLCRM_UNDO_GRACE_SECONDS": "2", "HITLCRM_VAR_DIR": str(workdir)}
    _admin_sql(database_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    _admin_sql(database_url, f"CREATE DATABASE {DB_NAME}")
    stack = Stack(workdir)
    sink = SmtpSink()
    succeeded = False
    try:
        stack.start("salesforce-emulator", [sys.executable, "manage.py", "salesforce_emulator", "--port", "0",
                                            "--cert-dir", str(workdir / "salesforce"), "--api-max", "10000000"], env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env.update(emulator_env(stack), EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), HITLCRM_BASE_URL=base)
        os.environ.update(env)
        import django

        django.setup()
        import logging

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
        token = seed(args.reviewers)
        lines = proposals(int(duration * args.rate) + 20)

        stack.start("web", [sys.executable, "-m", "gunicorn", "hitlcrm.wsgi:application", "--workers", "2",
                            "--worker-class", "gthread", "--threads", "4", "--bind", f"127.0.0.1:{port}",
                            "--log-level", "warning", "--keep-alive", "30"], env)
        stack.start("worker", [sys.executable, "-m", "celery", "-A", "hitlcrm", "worker",
                               "--concurrency", "2", "--loglevel", "WARNING", "-n", "load@%h"], env)
        stack.start("beat", [sys.executable, "-m", "celery", "-A", "hitlcrm", "beat", "--loglevel", "WARNING",
                             "--schedule", str(workdir / "celerybeat-schedule")], env)

        import requests

        def answers() -> bool:
            try:
                return requests.get(f"{base}/admin/login/", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, 60, "gunicorn", stack)
        from django.utils import timezone

        began_at = timezone.now()
        stats, decided = Stats(), {}
        queue, queue_lock, decided_lock = list(lines), threading.Lock(), threading.Lock()
        stop_agents, stop_reviewers = threading.Event(), threading.Event()
        interval = args.agents / args.rate
        agents = [threading.Thread(target=agent, args=(n, base, token, queue, queue_lock, interval, stop_agents, stats))
                  for n in range(args.agents)]
        reviewers = [threading.Thread(target=reviewer, args=(n, base, stop_reviewers, stats, decided, decided_lock))
                     for n in range(args.reviewers)]
        print(f"load: {args.agents} agents at {args.rate}/s in all, {args.reviewers} reviewers, {duration:.0f} s; "
              f"gunicorn 2 workers × 4 threads, Celery worker (2 processes) + beat, PostgreSQL {DB_NAME}, "
              f"Redis db {REDIS_DB}; logs in {workdir}", flush=True)
        started = time.monotonic()
        for thread in [*agents, *reviewers]:
            thread.start()
        while time.monotonic() - started < duration:
            stack.check_alive()
            time.sleep(1)
        stop_agents.set()
        for thread in agents:
            thread.join()
        window = time.monotonic() - started

        from reviews.models import Proposal
        from reviews.state_machine import Status

        def drained() -> bool:
            return not Proposal.objects.filter(status__in=[Status.CHECKING, Status.NEEDS_REVIEW, Status.APPROVED,
                                                           Status.EXECUTING]).exists()

        drain_started = time.monotonic()
        reported = [drain_started]

        def queue_clear() -> bool:
            waiting = Counter(Proposal.objects.filter(status__in=[Status.CHECKING, Status.NEEDS_REVIEW])
                              .values_list("status", flat=True))
            if waiting and time.monotonic() - reported[0] > 30:
                reported[0] = time.monotonic()
                print(f"drain: still waiting: {dict(waiting)}", flush=True)
            return not waiting

        try:
            wait_until(queue_clear, args.drain, "the reviewers to clear the queue", stack)
        finally:
            stop_reviewers.set()
            for thread in reviewers:
                thread.join()
        queue_cleared = time.monotonic() - drain_started
        wait_until(drained, max(args.drain - (time.monotonic() - drain_started), 30), "the workers to drain", stack)
        wait_until(lambda: len(sink.received()) >= Proposal.objects.filter(kind="email_draft", status=Status.DONE).count(),
                   30, "the last emails")
        drain = time.monotonic() - started - window
        print(f"drain: the queue was clear after {queue_cleared:.0f} s, the workers done after {drain:.0f} s", flush=True)

        print(f"\n### Load: {duration:.0f} s, {args.agents} agents at {args.rate:g}/s, {args.reviewers} reviewers\n")
        print(f"Command: `python -m bench.load --duration {duration:g} --rate {args.rate:g} --agents {args.agents} "
              f"--reviewers {args.reviewers}`; load window {window:.0f} s, then {drain:.0f} s to drain.\n")
        print("\n".join(stats.table(window)))
        print()
        print("\n".join(pipeline_figures(began_at)))
        print()
        problems = verify(lines, sink, decided)
        errors = stats.errors + process_errors(stack)
        print(f"errors: {len(errors)}" + "".join(f"\n  {error}" for error in errors[:20]))
        print(f"verification: {'OK' if not problems else f'{len(problems)} problem(s)'}"
              + "".join(f"\n  {problem}" for problem in problems[:30]))
        succeeded = not problems and not errors
        return 0 if succeeded else 1
    finally:
        stack.stop()
        sink.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001  (Django may not be set up yet)
            pass
        import redis

        redis.Redis.from_url(broker).flushdb()
        if not args.keep:
            _admin_sql(database_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not args.keep and succeeded:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs kept in {workdir}")


if __name__ == "__main__":
    sys.exit(main())
