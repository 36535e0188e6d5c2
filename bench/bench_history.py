"""History benchmark (issue #8): with 5,000,000 audit events in PostgreSQL, the timeline of one
CRM record and a filtered page of history must each answer within 5× a primary-key lookup of one
event measured in the same run, and an export of 1,000,000 events must stay under 200 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.bench_history

It creates (and afterwards drops) a throwaway database ``bench_history`` on that server, migrates
it (the real schema, indexes and append-only trigger), and fills the audit table with one
``INSERT ... SELECT generate_series`` (secondary indexes built afterwards, as a restore would).
The hashes are placeholders: a valid chain is not needed to measure queries, and
``verify_history`` is not run here. Every measurement uses the code the API uses
(``history_events`` + the cursor paginator's ordering and limit, ``.values()`` of the same
fields), and a primary-key lookup fetched the same way is the yardstick. Medians of repeated runs
with random keys. The export runs the real view (``GET /api/v1/history/?format=csv``) in a fresh
process whose peak RSS is read from ``getrusage``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "bench_history"
RECORDS = 200_000  # CRM records the events are spread over (~22 events each)
START = "2024-01-01 00:00:00+00"
STEP_SECONDS = 5
PAGE = 100  # the API's default page size
SECONDARY_INDEXES = ("audit_crm_record", "audit_time", "audit_action", "audit_actor", "audit_proposal")
# 16 slots: how often each action occurs (rejected: 1 in 16).
ACTIONS = ["submitted", "submitted", "submitted", "checks_run", "checks_run", "checks_run", "claimed", "claimed",
           "approved", "approved", "edited_and_approved", "rejected", "executing", "executed", "token_used", "login"]


def _database_url(name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_available() -> bool:
    return urlsplit(os.environ.get("DATABASE_URL", "")).scheme in ("postgres", "postgresql", "pgsql")


def _admin_connection() -> Any:
    import psycopg

    return psycopg.connect(_database_url("postgres"), autocommit=True)


def _child(*args: str) -> dict[str, Any]:
    """Run a phase in a fresh process on the bench database; returns the JSON it prints last."""
    env = {**os.environ, "DATABASE_URL": _database_url(DB_NAME), "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base",
           "DEBUG": "false"}
    done = subprocess.run([sys.executable, "-m", "bench.bench_history", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench phase {args} failed:\n{done.stdout}\n{done.stderr}")
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- phases (each in its own process, Django configured for the bench database) ----------------

def _setup_django() -> None:
    import django

    django.setup()


def _sql(cursor: Any, statement: str, params: Any = None) -> float:
    started = time.perf_counter()
    cursor.execute(statement, params)
    return time.perf_counter() - started


INSERT_SQL = """
    INSERT INTO reviews_auditevent (id, seq, occurred_at, action, actor_type, actor, proposal_id, crm_object,
                                    crm_id, origin_ip, user_agent, data, prev_hash, hash)
    SELECT g, g,
           timestamptz '{start}' + g * interval '{step} seconds',
           action,
           CASE WHEN action IN {user} THEN 'user' WHEN action IN {agent} THEN 'agent' ELSE 'system' END,
           CASE WHEN action IN {user} THEN 'reviewer-' || mod(g / 16, 50)
                WHEN action IN {agent} THEN 'agent-' || mod(g / 16, 20)
                WHEN action = 'checks_run' THEN 'checks' ELSE 'executor' END,
           CASE WHEN action IN ('login', 'token_used') THEN NULL ELSE g / 8 END,
           CASE WHEN action IN ('login', 'token_used') THEN '' ELSE 'Contact' END,
           CASE WHEN action IN ('login', 'token_used') THEN '' ELSE 'REC' || lpad(mod(g, {records})::text, 15, '0') END,
           CASE WHEN action IN {user} THEN ('203.0.113.' || mod(g, 250))::inet
                WHEN action IN {agent} THEN ('198.51.100.' || mod(g, 250))::inet END,
           CASE WHEN action IN {user} THEN 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
                WHEN action IN {agent} THEN 'sdr-bot/2.1' ELSE '' END,
           jsonb_build_object('from', 'needs_review', 'to', 'approved', 'n', g),
           md5((g - 1)::text) || md5((g - 1)::text || 'x'),
           md5(g::text) || md5(g::text || 'x')
    FROM (SELECT g, (%s::text[])[1 + mod(g, 16)] AS action FROM generate_series(%s::bigint, %s::bigint) AS g) AS s
""".format(start=START, step=STEP_SECONDS, records=RECORDS,
           user="('claimed','approved','edited_and_approved','rejected','login')", agent="('submitted','token_used')")


def phase_load(events: int, workers: int = 2) -> dict[str, Any]:
    """The real schema (migrate), then the events with every index dropped and rebuilt afterwards
    (as a restore does), the insert split over ``workers`` sessions."""
    _setup_django()
    from concurrent.futures import ThreadPoolExecutor

    import psycopg
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = 'reviews_auditevent'::regclass AND contype IN ('p', 'u')")
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE reviews_auditevent DROP CONSTRAINT {name}")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'reviews_auditevent'")
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'reviews_auditevent'")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")

    def insert(bounds: tuple[int, int]) -> None:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as session:
            session.execute("SET synchronous_commit = off")
            session.execute(INSERT_SQL, [ACTIONS, bounds[0], bounds[1]])

    share = -(-events // workers)
    parts = [(1 + n * share, min(events, (n + 1) * share)) for n in range(workers)]
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(insert, parts))
    timings["insert_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        started = time.perf_counter()
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE reviews_auditevent ADD CONSTRAINT {name} {definition}")
        for definition in indexes:
            cursor.execute(definition)
        timings["indexes_s"] = time.perf_counter() - started
        cursor.execute("SELECT setval(pg_get_serial_sequence('reviews_auditevent', 'id'), %s)", [events])
        timings["analyze_s"] = _sql(cursor, "VACUUM (ANALYZE) reviews_auditevent")
        cursor.execute(
            "UPDATE reviews_auditchainhead SET last_seq = %s, last_hash = md5(%s::text) || md5(%s::text || 'x'), "
            "last_occurred_at = %s::timestamptz + %s * interval '1 second' WHERE id = 1",
            [events, events, events, START, events * STEP_SECONDS],
        )
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('reviews_auditevent'))")
        size = cursor.fetchone()[0]
    return {"events": events, "table_size": size, **{k: round(v, 1) for k, v in timings.items()}}


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def _plan(queryset: Any) -> str:
    """The plan's main path, e.g. "Limit → Index Scan using audit_crm_record"."""

    def name(node: dict[str, Any]) -> str:
        return node["Node Type"] + (f" using {node['Index Name']}" if "Index Name" in node else "")

    plan = json.loads(queryset.explain(format="json"))[0]["Plan"]
    steps = []
    while plan:
        children = plan.get("Plans") or []
        bounds = [child for child in children if child.get("Parent Relationship") == "InitPlan"]
        steps.append(name(plan) + (f" (bounds: {len(bounds)} × {name(bounds[0]['Plans'][0])})" if bounds else ""))
        plan = next((child for child in children if child.get("Parent Relationship") != "InitPlan"), None)
    return " → ".join(steps)


def phase_queries(events: int, repeats: int) -> dict[str, Any]:
    _setup_django()
    from datetime import UTC, datetime, timedelta

    from django.test import Client

    from reviews.models import AuditEvent
    from reviews.roles import ensure_roles
    from reviews.services.history import EVENT_FIELDS, HistoryFilters, history_events, timeline_filters

    rng = random.Random(8)
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def pk_lookup(pk: int) -> list[dict]:
        return list(AuditEvent.objects.filter(pk=pk).values(*EVENT_FIELDS))

    def page(filters: HistoryFilters, newest_first: bool = True) -> list[dict]:
        # What CursorPagination runs for a first page: the filters, the ordering, page size + 1.
        ordering = "-seq" if newest_first else "seq"
        return list(history_events(filters).order_by(ordering).values(*EVENT_FIELDS)[: PAGE + 1])

    def record(number: int) -> str:
        return f"REC{number:015d}"

    def week(day: int) -> HistoryFilters:
        since = start + timedelta(days=day)
        return HistoryFilters(action="approved", since=since, until=since + timedelta(days=7))

    days = int(events * STEP_SECONDS / 86400) - 8
    cases = {
        "pk_lookup": (pk_lookup, lambda: rng.randint(1, events)),
        "timeline (one CRM record, all its events)": (
            lambda n: page(timeline_filters("Contact", record(n)), newest_first=False),
            lambda: rng.randrange(RECORDS)),
        "history: action=rejected, newest page": (
            lambda _: page(HistoryFilters(action="rejected")), lambda: 0),
        "history: actor=reviewer-N & action=rejected": (
            lambda n: page(HistoryFilters(actor=f"reviewer-{n}", action="rejected")), lambda: rng.randrange(50)),
        "history: action=approved in a one-week window": (lambda d: page(week(d)), lambda: rng.randrange(days)),
        "history: actor=agent-N, page deep in the past (cursor)": (
            lambda n: list(history_events(HistoryFilters(actor=f"agent-{n % 20}")).filter(seq__lt=n)
                           .order_by("-seq").values(*EVENT_FIELDS)[: PAGE + 1]),
            lambda: rng.randrange(events // 10, events // 2)),
    }
    # Interleaved: every round runs each case once with fresh random keys, so load from anything
    # else on the machine weighs on the lookup and the pages alike.
    for _ in range(10):  # warm-up: what a server that has been running sees
        for run, argument in cases.values():
            run(argument())
    samples: dict[str, list[float]] = {name: [] for name in cases}
    rows: dict[str, list[int]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, (run, argument) in cases.items():
            key = argument()
            started = time.perf_counter()
            answer = run(key)
            samples[name].append(time.perf_counter() - started)
            rows[name].append(len(answer))
    results: dict[str, Any] = {
        name: {"median_ms": _median_ms(samples[name]), "rows": round(statistics.mean(rows[name]), 1)}
        for name in cases
    }
    baseline = results["pk_lookup"]["median_ms"]
    for result in results.values():
        result["ratio_to_pk"] = round(result["median_ms"] / baseline, 2)
    plans = {
        "timeline": _plan(history_events(timeline_filters("Contact", record(77))).order_by("seq")[: PAGE + 1]),
        "rejected by reviewer": _plan(history_events(HistoryFilters(actor="reviewer-7", action="rejected"))
                                      .order_by("-seq")[: PAGE + 1]),
        "week window": _plan(history_events(week(days // 2)).order_by("-seq")[: PAGE + 1]),
    }

    # The same answers through the whole stack (session auth, view, pagination, JSON), for scale.
    ensure_roles()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    officer, _ = get_user_model().objects.get_or_create(username="bench-compliance", defaults={"is_staff": True})
    officer.groups.set([Group.objects.get(name="compliance")])
    client = Client()
    client.force_login(officer)
    api = {
        "GET /api/v1/timeline/Contact/<id>/": lambda n: client.get(f"/api/v1/timeline/Contact/{record(n)}/"),
        "GET /api/v1/history/?actor=reviewer-N&action=rejected": lambda n: client.get(
            "/api/v1/history/", {"actor": f"reviewer-{n % 50}", "action": "rejected"}),
    }
    for _ in range(5):
        for run in api.values():
            assert run(rng.randrange(RECORDS)).status_code == 200
    api_samples: dict[str, list[float]] = {name: [] for name in api}
    for _ in range(max(repeats // 4, 10)):
        for name, run in api.items():
            key = rng.randrange(RECORDS)
            started = time.perf_counter()
            run(key)
            api_samples[name].append(time.perf_counter() - started)
    api_results = {name: {"median_ms": _median_ms(values)} for name, values in api_samples.items()}
    return {"queries": results, "plans": plans, "api": api_results}


def phase_export(events: int, fmt: str) -> dict[str, Any]:
    _setup_django()
    from datetime import UTC, datetime, timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from reviews.roles import ensure_roles

    ensure_roles()
    officer, _ = get_user_model().objects.get_or_create(username="bench-compliance", defaults={"is_staff": True})
    officer.groups.set([Group.objects.get(name="compliance")])
    client = Client()
    client.force_login(officer)
    # Events 1..N: the first N of the chain, selected by time as a compliance officer would.
    until = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=(events + 1) * STEP_SECONDS)
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get("/api/v1/history/", {"format": fmt, "until": until.isoformat()})
    assert response.status_code == 200 and response.streaming
    size = lines = 0
    for piece in response.streaming_content:
        size += len(piece)
        lines += piece.count(b"\n")
    response.close()
    elapsed = time.perf_counter() - started
    rows = lines - (1 if fmt == "csv" else 0)  # a CSV cell never holds a raw newline here
    return {"format": fmt, "rows": rows, "megabytes": round(size / 1e6, 1), "seconds": round(elapsed, 1),
            "rows_per_second": int(rows / elapsed), "rss_before_mb": round(baseline_mb, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


# --- orchestration ------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_HISTORY_EVENTS", 5_000_000)))
    parser.add_argument("--export-events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the bench_history database afterwards")
    parser.add_argument("--phase", choices=["load", "queries", "export"], help=argparse.SUPPRESS)
    parser.add_argument("--format", default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # inside a child process
        result = {
            "load": lambda: phase_load(args.events),
            "queries": lambda: phase_queries(args.events, args.repeats),
            "export": lambda: phase_export(args.export_events, args.format),
        }[args.phase]()
        print(json.dumps(result))
        return 0

    if not _postgres_available():
        print("bench_history: skipped, it needs PostgreSQL (set DATABASE_URL=postgres://...)")
        return 0
    started = time.perf_counter()
    with _admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")
    try:
        common = ["--events", str(args.events), "--repeats", str(args.repeats)]
        load = _child("--phase", "load", *common)
        print(f"History benchmark: {load['events']:,} audit events ({load['table_size']} with indexes); "
              f"migrate {load['migrate_s']} s, insert {load['insert_s']} s, indexes {load['indexes_s']} s, "
              f"vacuum analyze {load['analyze_s']} s")
        measured = _child("--phase", "queries", *common)
        print(f"\nMedian of {args.repeats} interleaved runs, random keys; ratio = median / median primary-key "
              f"lookup (limit 5); load average {os.getloadavg()[0]:.1f}:")
        for name, result in measured["queries"].items():
            print(f"  {name:<58} {result['median_ms']:>8.3f} ms  {result['ratio_to_pk']:>5.2f}×  "
                  f"({result['rows']} rows on average)")
        for name, plan in measured["plans"].items():
            print(f"  plan, {name}: {plan}")
        print("Through the API (session, view, paginator, JSON):")
        for name, result in measured["api"].items():
            print(f"  {name:<58} {result['median_ms']:>8.3f} ms")
        print(f"\nExport of {args.export_events:,} events through GET /api/v1/history/?format=…, fresh process:")
        exports = [_child("--phase", "export", "--export-events", str(args.export_events), "--format", fmt)
                   for fmt in ("csv", "jsonl")]
        for result in exports:
            print(f"  {result['format']:<5} {result['rows']:,} rows, {result['megabytes']} MB in {result['seconds']} s "
                  f"({result['rows_per_second']:,} rows/s); peak RSS {result['peak_rss_mb']} MB "
                  f"(after start-up {result['rss_before_mb']} MB; limit 200 MB)")
        worst = max(r["ratio_to_pk"] for n, r in measured["queries"].items() if n != "pk_lookup")
        peak = max(r["peak_rss_mb"] for r in exports)
        verdict = worst <= 5 and peak < 200 and all(r["rows"] == args.export_events for r in exports)
        print(f"\n{'PASS' if verdict else 'FAIL'}: worst ratio {worst}×, export peak {peak} MB; "
              f"total {time.perf_counter() - started:.0f} s")
        return 0 if verdict else 1
    finally:
        if not args.keep:
            with _admin_connection() as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
