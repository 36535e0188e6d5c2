"""Smoke test of a production-shaped install: no test extras, PostgreSQL, Redis, gunicorn, and a
worker started exactly as SPEC says (`celery -A hitlcrm worker`, no -Q).

Installs `pip install -c constraints.txt '.[server]'` into a fresh venv under a temporary folder,
creates a database on the PostgreSQL at 127.0.0.1 (trust auth, user postgres), uses Redis db 1,
migrates, and starts the Salesforce emulator, an SMTP sink (aiosmtpd), gunicorn and the worker. An
agent and a reviewer are made with the management commands; the agent submits an email draft and a
CRM change over HTTP, the reviewer logs in to the console and approves both, and the script waits
until both are `done`, then checks the emulator's record (SOQL) and the mail the sink received,
and that `GET /health/` answers 200. Only the standard library is used here: the test packages are
not installed. Every process it starts is stopped on the way out.

The processes run from the checkout (`manage.py`, and the standalone project's admin branding in
the top-level `templates/`), with the fresh venv's interpreter: what is proven is that the declared dependencies
are enough. Redis db 1 is flushed first (messages of an earlier, interrupted run name another
database's ids), so it must not be a database anything else uses.

Usage: python3 .ci/smoke_install.py   (from anywhere; exits non-zero naming the failed step)
Environment: SMOKE_POSTGRES (default postgres://postgres@127.0.0.1:5432), SMOKE_REDIS
(default redis://127.0.0.1:6379/1), SMOKE_KEEP=1 keeps the temporary folder.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.html_forms import form_submission  # noqa: E402  (standard library only)

POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/1")
PASSWORD = "smoke-review-2026"
PROCESSES: list[subprocess.Popen] = []


def step(text: str) -> None:
    print(f"--- smoke: {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise SystemExit(f"smoke: timed out after {timeout:.0f}s waiting for {what}")


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> str:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"smoke: {' '.join(command[:4])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start(name: str, command: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115  (open as long as the process runs)
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    PROCESSES.append(process)
    return process


def stop_all() -> None:
    for process in PROCESSES:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in PROCESSES:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def alive(logs: Path) -> None:
    """Returns nothing while every started process runs; stops the smoke, with the logs, if one exited."""
    for process in PROCESSES:
        if process.poll() is not None:
            tails = "\n".join(f"== {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs.glob("*.log"))
            raise SystemExit(f"smoke: {' '.join(process.args[1:4])} exited ({process.returncode}):\n{tails}")


class Http:
    """A browser-ish client: cookies, CSRF token from the form, Referer."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        self.base = base
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, method: str, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
                ) -> tuple[int, str]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, method=method, headers={**self.headers, **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        code, text = self.request(method, path, data=data, headers={"Content-Type": "application/json"})
        try:
            return code, json.loads(text)
        except json.JSONDecodeError:
            return code, text

    def form(self, path: str, fields: list[tuple[str, str]], referer: str) -> tuple[int, str]:
        return self.request("POST", path, data=urllib.parse.urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": referer})


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise SystemExit("smoke: no CSRF token on the page")
    return match.group(1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hitlcrm-smoke-"))
    logs = work / "logs"
    logs.mkdir()
    database = f"hitlcrm_smoke_{os.getpid()}"
    try:
        step(f"install without test extras into {work}/venv")
        subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
        python = str(work / "venv" / "bin" / "python")
        base_env = {"PATH": f"{work / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8"}
        base_env.update({name: value for name, value in os.environ.items() if name.startswith("PIP_")})
        run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], base_env)
        run([python, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", ".[server]"], base_env)
        installed = run([python, "-m", "pip", "freeze"], base_env).lower()
        for absent in ("pytest", "factory-boy", "playwright"):
            assert f"{absent}==" not in installed, f"{absent} is installed: the smoke must run without test extras"

        step(f"create database {database}; Redis {REDIS}")
        run(["psql", f"{POSTGRES}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {database}"], base_env)
        smtp_port, web_port, sf_port = free_port(), free_port(), free_port()
        env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base",
            "DATABASE_URL": f"{POSTGRES}/{database}",
            "CELERY_BROKER_URL": REDIS,
            "HITLCRM_VAR_DIR": str(work / "var"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "HITLCRM_BASE_URL": f"http://127.0.0.1:{web_port}",
            "HITLCRM_UNDO_GRACE_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
        }
        # The queues of Redis db 1 are this run's: drop what an earlier, interrupted run left.
        run([python, "-c", "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()", REDIS], env)
        run([python, "manage.py", "migrate", "--noinput", "-v0"], env)

        step("start the Salesforce emulator, the SMTP sink, gunicorn and a plain worker")
        seed = work / "seed.json"
        seed.write_text(json.dumps({"Contact": [{"FirstName": "Ada", "LastName": "Lovelace", "Title": "Engineer",
                                                 "Email": "ada@contoso.example", "HasOptedOutOfEmail": False}]}))
        start("salesforce-emulator", [python, "manage.py", "salesforce_emulator", "--port", str(sf_port), "--cert-dir",
                                      str(work / "sf"), "--seed-file", str(seed)], env, logs)
        emulator_log = logs / "salesforce-emulator.log"
        wait(lambda: "SALESFORCE_CA_BUNDLE=" in emulator_log.read_text(errors="replace") or alive(logs), timeout=60,
             what="the Salesforce emulator")
        salesforce = dict(line.split("=", 1) for line in emulator_log.read_text().splitlines()
                          if line.startswith("SALESFORCE_") and "=" in line)
        env.update({key: value.strip() for key, value in salesforce.items()})
        start("smtp-sink", [python, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Debugging", "stdout",
                            "-l", f"127.0.0.1:{smtp_port}"], env, logs)
        start("gunicorn", [python, "-m", "gunicorn", "hitlcrm.wsgi:application", "--workers", "2", "--bind",
                           f"127.0.0.1:{web_port}"], env, logs)
        worker = start("worker", [python, "-m", "celery", "-A", "hitlcrm", "worker", "--concurrency", "2",
                                  "--loglevel", "INFO"], env, logs)
        assert "-Q" not in worker.args
        web = f"http://127.0.0.1:{web_port}"

        def web_answers() -> bool:
            alive(logs)
            try:
                return Http(web).request("GET", "/admin/login/")[0] == 200
            except OSError:
                return False

        wait(web_answers, timeout=60, what="gunicorn")
        wait(lambda: b"ready" in (logs / "worker.log").read_bytes() or alive(logs), timeout=60, what="the worker")

        step("agent, reviewer, allow-list and policy")
        token = run([python, "manage.py", "create_agent", "smoke-agent"], env).strip().splitlines()[-1]
        run([python, "manage.py", "create_reviewer", "smoke-reviewer", "--password", PASSWORD], env)
        # What an admin sets in the console (CRM object rules, a policy): Contact's Title may be
        # proposed, and every task type goes to a person.
        run([python, "manage.py", "shell", "-c",
             "from reviews.models import CrmObjectRule, Policy; "
             "CrmObjectRule.objects.create(crm_object='Contact', allowed_fields=['Title']); "
             "Policy.objects.create(task_type='*', mode='always_review')"], env)

        soql = urllib.parse.quote("SELECT Id, Title FROM Contact WHERE Email = 'ada@contoso.example'")
        version = "v62.0"
        salesforce_client = Http(env["SALESFORCE_INSTANCE_URL"], {"Authorization": f"Bearer {env['SALESFORCE_SESSION_ID']}"})
        salesforce_client.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=env["SALESFORCE_CA_BUNDLE"])))

        def contact() -> dict[str, Any]:
            code, body = salesforce_client.json("GET", f"/services/data/{version}/query/?q={soql}")
            assert code == 200 and body["totalSize"] == 1, (code, body)
            return body["records"][0]

        contact_id = contact()["Id"]

        step("the agent submits an email draft and a CRM change")
        agent = Http(web, {"Authorization": f"Token {token}"})
        evidence = [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "CTO at Contoso"}]
        submissions = {
            "email-drafts": {"to": ["ada@contoso.example"], "subject": "Idea for Contoso", "crm_object": "Contact",
                             "crm_id": contact_id, "company_name": "Contoso", "confidence": 0.9, "evidence": evidence,
                             "body": "Hi Ada,\n\nContoso's new Berlin office caught my eye.\n\nBest,\nSam"},
            "crm-changes": {"kind": "update", "crm_object": "Contact", "crm_id": contact_id, "fields": {"Title": "CTO"},
                            "field_confidence": {"Title": 0.9}, "confidence": 0.9, "task_type": "contact_update",
                            "evidence": evidence},
        }
        records = {}
        for path, body in submissions.items():
            code, record = agent.json("POST", f"/api/v1/{path}/", body)
            assert code == 201, f"POST /api/v1/{path}/ answered {code}: {record}"
            records[path] = record

        def record_state(path: str) -> dict[str, Any]:
            code, body = agent.json("GET", f"/api/v1/{path}/{records[path]['id']}/")
            assert code == 200, (code, body)
            return body

        for path in records:
            wait(lambda p=path: alive(logs) or record_state(p)["status"] == "needs_review", timeout=90,
                 what=f"the checks of the {path} record")

        step("the reviewer approves both in the console")
        reviewer = Http(web)
        _, page = reviewer.request("GET", "/admin/login/")
        code, page = reviewer.form("/admin/login/?next=/admin/", [("username", "smoke-reviewer"), ("password", PASSWORD),
                                                                   ("csrfmiddlewaretoken", csrf(page))],
                                   referer=f"{web}/admin/login/")
        assert code == 200 and "Log out" in page, "the reviewer could not log in"
        for path, record in records.items():
            code, page = reviewer.request("GET", record["review_url"])
            assert code == 200, f"review page of {path}: {code}"
            action, fields = form_submission(page, "decide-form")
            code, page = reviewer.form(urllib.parse.urljoin(record["review_url"], action), [*fields, ("action", "approve")],
                                       referer=record["review_url"])
            assert code == 200, f"approving {path} answered {code}: {page[:500]}"

        step("both execute: done, the CRM record changed, the mail arrived")
        for path in records:
            wait(lambda p=path: alive(logs) or record_state(p)["status"] in {"done", "failed", "conflict"}, timeout=90,
                 what=f"the execution of the {path} record")
            state = record_state(path)
            assert state["status"] == "done" and state["execution"]["state"] == "succeeded", (path, state)
        assert contact()["Title"] == "CTO", contact()
        sink = logs / "smtp-sink.log"
        wait(lambda: "Subject: Idea for Contoso" in sink.read_text(errors="replace"), timeout=30, what="the mail")
        assert "ada@contoso.example" in sink.read_text(errors="replace")

        code, health = Http(web).json("GET", "/health/")
        assert code == 200 and health["healthy"], f"/health/ answered {code}: {health}"
        step("passed")
    finally:
        stop_all()
        subprocess.run(["psql", f"{POSTGRES}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"],
                       capture_output=True, timeout=60)
        if os.environ.get("SMOKE_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"smoke: kept {work}", flush=True)


if __name__ == "__main__":
    main()
