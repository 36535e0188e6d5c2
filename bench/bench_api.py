"""Submission API benchmark (issue #3): each figure is a ratio to a baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.bench_api

It creates (and afterwards drops) a throwaway PostgreSQL database ``bench_api``, migrates it, and
starts gunicorn (2 workers, ``gthread`` so a client's connection is kept alive) on a free loopback
port with ``DEBUG=false``. Then:

- single: CRM changes POSTed one at a time through ``requests.Session`` (token auth, throttling,
  strict validation with the allow-list, an ``Idempotency-Key`` each, history, audit chain,
  queueing of the checks), against the same rows (proposal + its field rows) created with the
  ORM one by one (``objects.create``, autocommit, as direct code would);
- bulk: ``POST .../bulk/`` of 500 items, against raw ``bulk_create`` of the same rows.

Targets: single ≥ 25 % of the ORM rate, bulk ≥ 40 % of the ``bulk_create`` rate. The broker is
``CELERY_BROKER_URL`` when set (a Redis URL is moved to database 15 and purged afterwards), else an
in-memory one, so publishing the check tasks is part of what is measured either way.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "bench_api"
CONTACT_FIELDS = ["Title", "Department", "Phone", "LeadSource", "Description"]
TARGET_SINGLE = 0.25
TARGET_BULK = 0.40


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    return urlunsplit(parts._replace(path=f"/{name}"))


def _broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://"):
        return urlunsplit(urlsplit(url)._replace(path="/15"))
    return "memory://"


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as connection:
        connection.execute(statement)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def payload(n: int) -> dict[str, Any]:
    """A realistic CRM change: two fields, evidence, confidences."""
    return {
        "kind": "update",
        "crm_object": "Contact",
        "crm_id": "0035g00000ABCDeAAP",
        "fields": {"Title": f"VP Sales {n}", "Department": "Sales"},
        "field_confidence": {"Title": 0.97, "Department": 0.95},
        "task_type": "contact_update",
        "confidence": 0.96,
        "evidence": [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "VP Sales"}],
        "assumptions": ["Ada still works at Contoso"],
        "external_ref": f"bench-{n}",
    }


def orm_rows(client: Any, n: int) -> tuple[Any, list[Any]]:
    """The rows a submission stores, built directly (no validation, policy, audit or history)."""
    from django.utils import timezone

    from reviews.models import CrmFieldChange, Proposal

    data, now = payload(n), timezone.now()
    proposal = Proposal(
        kind="crm_change", status="checking", status_changed_at=now, submitted_at=now, task_type=data["task_type"],
        confidence=data["confidence"], evidence=data["evidence"], assumptions=data["assumptions"], agent=client,
        external_ref=data["external_ref"], crm_object="Contact", crm_id=data["crm_id"], change_kind="update",
        original_output=data, policy_task_type="*", policy_version=1, risk=3, sla_due_at=now,
    )
    fields = [CrmFieldChange(field=name, proposed_value=value, confidence=data["field_confidence"][name],
                             created_at=now) for name, value in data["fields"].items()]
    return proposal, fields


def set_up() -> tuple[Any, str]:
    import django

    django.setup()
    from django.core.management import call_command

    from reviews.models import ApiClient, ApiToken, CrmObjectRule, Policy

    call_command("migrate", verbosity=0)
    CrmObjectRule.objects.create(crm_object="Contact", allowed_fields=CONTACT_FIELDS)
    Policy.objects.get_or_create(task_type="*")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="api:bench-bot")
    # A throttle far above the benchmark's rate: it is still checked on every request.
    client = ApiClient.objects.create(name="bench-bot", user=user, throttle_rate="1000000/min")
    _, raw = ApiToken.issue(client)
    return client, raw


def start_gunicorn(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as output:  # the server's own stdout/stderr, so it cannot hold ours open
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hitlcrm.wsgi:application", "--workers", "2", "--worker-class",
             "gthread", "--threads", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "30"],
            cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT,
        )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/email-drafts/", timeout=10)  # a 401: it answers
            return process
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError(f"gunicorn did not start; see {log}")


def rate(count: int, seconds: float) -> float:
    return count / seconds


def api_singles(base: str, token: str, numbers: range, clients: int) -> float:
    """Seconds to POST one CRM change per number, spread over ``clients`` keep-alive sessions."""
    import requests

    def post_all(part: range) -> None:
        with requests.Session() as session:
            session.headers["Authorization"] = f"Token {token}"
            for n in part:
                response = session.post(f"{base}/crm-changes/", json=payload(n), timeout=30,
                                        headers={"Idempotency-Key": f"bench-{n}"})
                if response.status_code != 201:
                    raise RuntimeError(f"POST answered {response.status_code}: {response.text[:300]}")

    parts = [numbers[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post_all, parts))
    return time.perf_counter() - started


def orm_singles(client: Any, numbers: range) -> float:
    """Seconds to create the same rows with the ORM, one ``objects.create`` at a time."""

    started = time.perf_counter()
    for n in numbers:
        proposal, fields = orm_rows(client, n)
        proposal.save()
        for field in fields:
            field.proposal = proposal
            field.save()
    return time.perf_counter() - started


def api_bulk(base: str, token: str, numbers: range) -> float:
    import requests

    items = [{**payload(n), "idempotency_key": f"bulk-{n}"} for n in numbers]
    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {token}"
        started = time.perf_counter()
        response = session.post(f"{base}/crm-changes/bulk/", json={"items": items}, timeout=120)
        seconds = time.perf_counter() - started
    if response.status_code != 200 or response.json()["created"] != len(numbers):
        raise RuntimeError(f"bulk answered {response.status_code}: {response.text[:300]}")
    return seconds


def raw_bulk(client: Any, numbers: range) -> float:
    from reviews.models import CrmFieldChange, Proposal

    started = time.perf_counter()
    rows = [orm_rows(client, n) for n in numbers]
    proposals = Proposal.objects.bulk_create([proposal for proposal, _ in rows])
    field_rows = []
    for proposal, (_, fields) in zip(proposals, rows, strict=True):
        for field in fields:
            field.proposal = proposal
            field_rows.append(field)
    CrmFieldChange.objects.bulk_create(field_rows)
    return time.perf_counter() - started


def interleaved(rounds: int, size: int, offset: int, measure_api: Any, measure_base: Any) -> dict[str, float]:
    """Alternate the API and its baseline in ``rounds`` rounds of ``size`` records each, so load
    that comes and goes on the machine hits both alike; rates from the summed times."""
    api_seconds = base_seconds = 0.0
    for index in range(rounds):
        start = offset + 2 * index * size
        if index % 2:  # which one goes first alternates too
            base_seconds += measure_base(range(start + size, start + 2 * size))
            api_seconds += measure_api(range(start, start + size))
        else:
            api_seconds += measure_api(range(start, start + size))
            base_seconds += measure_base(range(start + size, start + 2 * size))
    total = rounds * size
    return {"api_per_s": total / api_seconds, "base_per_s": total / base_seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=2000, help="records per single-POST measurement")
    parser.add_argument("--batches", type=int, default=10, help="bulk requests of 500 items")
    parser.add_argument("--keep", action="store_true", help="keep the bench_api database afterwards")
    args = parser.parse_args(argv)
    if urlsplit(os.environ.get("DATABASE_URL", "")).scheme not in ("postgres", "postgresql", "pgsql"):
        print("bench_api: skipped, it needs PostgreSQL (set DATABASE_URL=postgres://...)")
        return 0

    env = {**os.environ, "DATABASE_URL": _database_url(DB_NAME), "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base",
           "DEBUG": "false", "CELERY_BROKER_URL": _broker_url(), "HITLCRM_MAX_BODY_BYTES": str(256 * 1024)}
    os.environ.update(env)
    _admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DB_NAME}")
    server = None
    try:
        client, token = set_up()
        port = _free_port()
        server = start_gunicorn(port, env, Path(tempfile.gettempdir()) / "bench_api-gunicorn.log")
        base = f"http://127.0.0.1:{port}/api/v1"
        print(f"API benchmark on PostgreSQL ({DB_NAME}), gunicorn 2 workers, broker {_broker_url()}")

        # Warm-up: connections, the workers' imports and caches, PostgreSQL's plans.
        interleaved(2, 50, 10_000_000, lambda n: api_singles(base, token, n, 1), lambda n: orm_singles(client, n))
        interleaved(1, 500, 11_000_000, lambda n: api_bulk(base, token, n), lambda n: raw_bulk(client, n))

        rounds = 10
        sequential = interleaved(rounds, args.single // rounds, 0,
                                 lambda n: api_singles(base, token, n, 1), lambda n: orm_singles(client, n))
        concurrent = interleaved(rounds, args.single // rounds, 1_000_000,
                                 lambda n: api_singles(base, token, n, 2), lambda n: orm_singles(client, n))
        bulk = interleaved(args.batches, 500, 2_000_000,
                           lambda n: api_bulk(base, token, n), lambda n: raw_bulk(client, n))

        single_ratio = sequential["api_per_s"] / sequential["base_per_s"]
        concurrent_ratio = concurrent["api_per_s"] / concurrent["base_per_s"]
        bulk_ratio = bulk["api_per_s"] / bulk["base_per_s"]
        print(f"single POST, 1 client:   API {sequential['api_per_s']:8.0f}/s   ORM one by one "
              f"{sequential['base_per_s']:8.0f}/s   ratio {single_ratio:6.1%}  (target ≥ {TARGET_SINGLE:.0%})")
        print(f"single POST, 2 clients:  API {concurrent['api_per_s']:8.0f}/s   ORM one by one "
              f"{concurrent['base_per_s']:8.0f}/s   ratio {concurrent_ratio:6.1%}")
        print(f"bulk of 500:             API {bulk['api_per_s']:8.0f}/s   raw bulk_create "
              f"{bulk['base_per_s']:8.0f}/s   ratio {bulk_ratio:6.1%}  (target ≥ {TARGET_BULK:.0%})")
        passed = single_ratio >= TARGET_SINGLE and bulk_ratio >= TARGET_BULK
        print("PASS" if passed else "FAIL")
        return 0 if passed else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if _broker_url().startswith("redis://"):
            import redis

            redis.Redis.from_url(_broker_url()).flushdb()
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
