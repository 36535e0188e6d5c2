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

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ci_support import (  # noqa: E402
    CONTACT,
    Http,
    alive,
    console_approve,
    emulator_contact,
    free_port,
    fresh_venv,
    run,
    start,
    start_salesforce_emulator,
    step,
    stop_all,
    wait,
)

POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/1")
PASSWORD = "smoke-review-2026"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hitlcrm-smoke-"))
    logs = work / "logs"
    logs.mkdir()
    database = f"hitlcrm_smoke_{os.getpid()}"
    try:
        step(f"install without test extras into {work}/venv")
        python, base_env = fresh_venv(work)
        run([python, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", ".[server]"], base_env)
        installed = run([python, "-m", "pip", "freeze"], base_env).lower()
        for absent in ("pytest", "factory-boy", "playwright"):
            assert f"{absent}==" not in installed, f"{absent} is installed: the smoke must run without test extras"

        step(f"create database {database}; Redis {REDIS}")
        run(["psql", f"{POSTGRES}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {database}"], base_env)
        smtp_port, web_port = free_port(), free_port()
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
        salesforce = start_salesforce_emulator([python, "manage.py"], env, work, logs)
        env.update(salesforce)
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

        contact_id = emulator_contact(salesforce)["Id"]

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
        console_approve(web, "smoke-reviewer", PASSWORD, [record["review_url"] for record in records.values()])

        step("both execute: done, the CRM record changed, the mail arrived")
        for path in records:
            wait(lambda p=path: alive(logs) or record_state(p)["status"] in {"done", "failed", "conflict"}, timeout=90,
                 what=f"the execution of the {path} record")
            state = record_state(path)
            assert state["status"] == "done" and state["execution"]["state"] == "succeeded", (path, state)
        assert emulator_contact(salesforce)["Title"] == "CTO", emulator_contact(salesforce)
        sink = logs / "smtp-sink.log"
        wait(lambda: "Subject: Idea for Contoso" in sink.read_text(errors="replace"), timeout=30, what="the mail")
        assert CONTACT["Email"] in sink.read_text(errors="replace")

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
