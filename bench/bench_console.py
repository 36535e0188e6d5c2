"""Console benchmark (issue #5): with 1,000,000 proposals and their history in PostgreSQL, the queue
page, the review page and the dashboard (as its viewers see it within a minute of its figures'
computation, ``HITLCRM_DASHBOARD_CACHE_SECONDS``; the computation itself is reported for information)
must each render within 3× the stock Django admin changelist of a plain model with 1,000 rows
(``auth.Group``), measured in the same run; and a keyboard session in Chromium measures the machine's
seconds per decision (target: under 0.5 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.bench_console

It creates (and afterwards drops) a throwaway database ``bench_console`` on that server, migrates
it, and fills it with ``INSERT ... SELECT generate_series`` (foreign-key triggers off and secondary
indexes built afterwards, as a restore would): the proposals (1.6% of them waiting for
a person, the rest decided over six months), three check results each, the fields of every CRM
change, a decision per decided item, two simple-history rows and two audit events per proposal.
Column lists come from the models, so fields added later get their defaults. Pages are rendered by
Django's test client through the whole middleware stack (session, auth, messages), logged in, with
DEBUG off; medians of interleaved runs. The keyboard session runs the console in a threaded server
in-process against the same database, drives Debian's Chromium with Playwright, and times each
decision from the key press to the next item on screen. Approvals go to a filesystem broker in a
temporary folder: nothing executes them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = os.environ.get("BENCH_CONSOLE_DB", "bench_console")  # a second run on the same server names its own
PASSWORD = "bench-console-2026"
REVIEWERS = 20
AGENTS = 5
WAITING_TAIL = 40_000  # the newest proposals; 40% of them still wait for a person
SPAN_DAYS = 180
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LIMIT = 3.0  # allowed ratio to the stock changelist
DASHBOARD_COLD = "dashboard, cold (figures computed: the first viewer each minute; for information)"
TARGET_SECONDS = 0.5  # machine time per decision


def _database_url(name: str) -> str:
    return urlunsplit(urlsplit(os.environ.get("DATABASE_URL", ""))._replace(path=f"/{name}"))


def _postgres_available() -> bool:
    return urlsplit(os.environ.get("DATABASE_URL", "")).scheme in ("postgres", "postgresql", "pgsql")


def _admin_connection() -> Any:
    import psycopg

    return psycopg.connect(_database_url("postgres"), autocommit=True)


def _child(broker_dir: str, *args: str) -> dict[str, Any]:
    """Run a phase in a fresh process on the bench database; returns the JSON it prints last."""
    env = {**os.environ, "DATABASE_URL": _database_url(DB_NAME), "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.base",
           "DEBUG": "false", "CELERY_BROKER_URL": "filesystem://", "HITLCRM_BROKER_DIR": broker_dir}
    done = subprocess.run([sys.executable, "-m", "bench.bench_console", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench phase {args} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- load ---------------------------------------------------------------------------------------

def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict | list):
        return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
    return "'" + str(value).replace("'", "''") + "'"


def insert_sql(model: Any, values: dict[str, str], source: str) -> str:
    """``INSERT INTO <table> (...) SELECT ... FROM <source>``: the given expressions per column; every
    other column gets NULL (nullable), its Python default, or now() (dates)."""
    from django.db import models

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.column in values:
            expression = values[field.column]
        elif field.primary_key or field.null or field.has_db_default():
            continue  # NULL, or the database's own default
        elif isinstance(field, models.DateTimeField):
            expression = "now()"
        else:
            default = field.get_default()
            if isinstance(field, models.JSONField):
                expression = _literal(default if default is not None else {})
            else:
                expression = _literal(default if default is not None else "")
        columns.append(f'"{field.column}"')
        expressions.append(expression)
    return f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(expressions)} FROM {source}'


def _timed(cursor: Any, statement: str, params: Any = None) -> float:
    started = time.perf_counter()
    cursor.execute(statement, params)
    return round(time.perf_counter() - started, 1)


def phase_load(proposals: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from reviews.models import AuditEvent, CheckResult, CrmFieldChange, Decision, Policy, Proposal
    from reviews.models.clients import ApiClient
    from reviews.roles import ensure_roles

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = round(time.perf_counter() - started, 1)
    users = get_user_model()
    users.objects.create_superuser("bench", "bench@example.com", PASSWORD)
    groups = ensure_roles()
    reviewer_ids = []
    for number in range(REVIEWERS):
        user = users.objects.create_user(f"reviewer{number}", password=PASSWORD, is_staff=True)
        user.groups.set([groups["senior_reviewer" if number % 5 == 0 else "reviewer"]])
        reviewer_ids.append(user.pk)
    agents = []
    for number in range(AGENTS):
        service = users.objects.create_user(f"api:agent-{number}")
        agents.append(ApiClient.objects.create(name=f"agent-{number}", user=service))
    for task_type, stakes, reversible in (("*", 2, False), ("cold_email", 2, False), ("follow_up", 1, True),
                                          ("contact_update", 2, True), ("opportunity_update", 3, False)):
        Policy.objects.update_or_create(task_type=task_type, defaults={"stakes": stakes, "reversible": reversible})
    def case(values: list[int]) -> str:
        return f"CASE mod(g, {len(values)}) " + " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values)) + " END"

    agent_case = case([agent.pk for agent in agents])
    agent_user_case = case([agent.user_id for agent in agents])
    reviewer_case = case(reviewer_ids)

    n = proposals
    # One row of derived values per proposal; the INSERTs below read it.
    source = f"""(SELECT g,
        CASE WHEN mod(g, 2) = 0 THEN 'email_draft' ELSE 'crm_change' END AS kind,
        now() - ({n} - g) * interval '{SPAN_DAYS * 86400 / n} seconds' - interval '1 minute' AS at,
        CASE WHEN g > {n - WAITING_TAIL} AND mod(g * 7, 5) < 2 THEN 'needs_review'
             WHEN mod(g, 9973) = 0 THEN 'failed' WHEN mod(g, 9967) = 0 THEN 'conflict'
             WHEN mod(g, 20) < 11 THEN 'done' WHEN mod(g, 20) < 15 THEN 'rejected'
             WHEN mod(g, 20) < 17 THEN 'expired' WHEN mod(g, 20) < 18 THEN 'blocked' ELSE 'done' END AS status,
        (ARRAY['Contoso', 'Fabrikam', 'Northwind Traders', 'Adatum', 'Tailspin Toys', 'Litware', 'Wingtip Toys',
               'Woodgrove Bank', 'Coho Vineyard', 'Alpine Ski House'])[1 + mod(g, 10)] AS company,
        mod(g * 31, 100) / 100.0 AS confidence
      FROM generate_series(1, {n}) AS g) AS s"""
    task_type = ("CASE WHEN kind = 'email_draft' THEN (ARRAY['cold_email', 'follow_up'])[1 + mod(g / 2, 2)] "
                 "ELSE (ARRAY['contact_update', 'opportunity_update'])[1 + mod(g / 2, 2)] END")
    human = "(status IN ('done', 'rejected', 'failed', 'conflict') AND mod(g, 4) <> 0)"
    auto = "(status IN ('done', 'failed', 'conflict') AND mod(g, 4) = 0)"
    decided_at = "at + interval '3 hours'"
    email = "kind = 'email_draft'"
    proposal_values = {
        "id": "g", "kind": "kind", "status": "status",
        "status_changed_at": f"CASE WHEN status = 'needs_review' THEN at ELSE {decided_at} END",
        "task_type": task_type, "policy_task_type": task_type, "policy_version": "1", "confidence": "confidence",
        "evidence": "jsonb_build_array(jsonb_build_object('source', 'press release', 'url', "
                    "'https://' || lower(replace(company, ' ', '')) || '.example/news/' || g, "
                    "'quote', company || ' opened an office in Berlin'))",
        "assumptions": "jsonb_build_array('The contact still works at ' || company)",
        "agent_id": agent_case, "external_ref": "'ref-' || g", "request_fingerprint": "md5(g::text)",
        "crm_object": "'Contact'", "crm_id": "'003' || lpad(mod(g, 200000)::text, 15, '0')", "company_name": "company",
        "recipients": f"CASE WHEN {email} THEN jsonb_build_array('person' || mod(g, 50000) || '@' || "
                      f"lower(replace(company, ' ', '')) || '.example') ELSE '[]'::jsonb END",
        "subject": f"CASE WHEN {email} THEN (ARRAY['Idea for ', 'Quick question about ', 'Following up, ', "
                   f"'Pipeline data at '])[1 + mod(g, 4)] || company ELSE '' END",
        "body": f"CASE WHEN {email} THEN 'Hi there,' || chr(10) || chr(10) || company || ' just opened an office in "
                f"Berlin; teams like yours keep their pipeline data clean with us, without adding headcount.' || "
                f"chr(10) || chr(10) || 'Open to a 15-minute chat next week?' || chr(10) || chr(10) || 'Sam' "
                f"ELSE '' END",
        "change_kind": f"CASE WHEN {email} THEN '' ELSE 'update' END",
        "original_output": "jsonb_build_object('subject', company, 'g', g)",
        "final_output": "CASE WHEN status IN ('done', 'failed', 'conflict') THEN jsonb_build_object('g', g) END",
        "risk": "1 + mod(g / 3, 4)",
        "required_approvals": f"CASE WHEN {task_type} = 'opportunity_update' AND mod(g, 3) = 0 THEN 2 ELSE 1 END",
        "sla_due_at": "at + interval '4 hours'",
        "decided_by_id": f"CASE WHEN {human} THEN {reviewer_case} END",
        "decided_at": f"CASE WHEN {human} OR {auto} THEN {decided_at} END",
        "decision_action": f"CASE WHEN {auto} THEN 'auto_approved' WHEN {human} AND status = 'rejected' THEN 'reject' "
                           f"WHEN {human} THEN 'approved' ELSE '' END",
        "reason_code": f"CASE WHEN {human} AND status = 'rejected' THEN 'tone' ELSE '' END",
        "materially_edited": f"{human} AND mod(g, 13) = 0",
        "execute_after": f"CASE WHEN {human} OR {auto} THEN {decided_at} END",
        "submitted_at": "at", "updated_at": f"CASE WHEN status = 'needs_review' THEN at ELSE {decided_at} END",
        # What reviews.search.search_text_of writes: ids and refs, company, the kind's parts, evidence.
        "search_text": f"lower('ref-' || g || ' contact 003' || lpad(mod(g, 200000)::text, 15, '0') || ' ' || company "
                       f"|| ' ' || CASE WHEN {email} THEN 'person' || mod(g, 50000) || '@' || "
                       f"lower(replace(company, ' ', '')) || '.example ' || (ARRAY['idea for ', 'quick question about ', "
                       f"'following up, ', 'pipeline data at '])[1 + mod(g, 4)] || company || ' hi there, ' || company "
                       f"|| ' just opened an office in berlin; teams like yours keep their pipeline data clean with us, '"
                       f"|| 'without adding headcount. open to a 15-minute chat next week? sam' "
                       f"ELSE 'title vp sales department sales' END || ' press release https://' || "
                       f"lower(replace(company, ' ', '')) || '.example/news/' || g || ' ' || company || "
                       f"' opened an office in berlin the contact still works at ' || company)",
    }
    check_source = f"""{source} CROSS JOIN (VALUES (1, 'placeholders', 'hard'), (2, 'tone', 'soft'),
        (3, 'confidence', 'soft')) AS c(k, email_name, severity)"""
    field_source = f"""{source} CROSS JOIN (VALUES (1, 'Title'), (2, 'Department')) AS f(k, name)
        WHERE kind = 'crm_change'"""
    decision_source = f"{source} WHERE {human} OR {auto}"
    timings: dict[str, float] = {}
    history = Proposal.history.model
    tables = [model._meta.db_table for model in (Proposal, CheckResult, CrmFieldChange, Decision, history, AuditEvent)]
    with connection.cursor() as cursor:
        # Loaded as a restore would: foreign-key triggers off for this session (the rows are consistent
        # by construction), secondary indexes dropped and built afterwards. Constraints stay.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                       "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [tables])
        secondary = cursor.fetchall()
        for name, _definition in secondary:
            cursor.execute(f'DROP INDEX "{name}"')
        timings["proposals"] = _timed(cursor, insert_sql(Proposal, proposal_values, source))
        timings["check_results"] = _timed(cursor, insert_sql(CheckResult, {
            "proposal_id": "g",
            "name": "CASE WHEN kind = 'email_draft' THEN email_name ELSE "
                    "(ARRAY['field_validity', 'evidence', 'confidence'])[k] END",
            "passed": "mod(g * 7 + k, 10) <> 0", "severity": "severity",
            "message": "CASE WHEN mod(g * 7 + k, 10) = 0 THEN 'Check failed on this proposal' ELSE 'ok' END",
            "details": "'{}'::jsonb", "checked_at": "at",
        }, check_source))
        timings["field_changes"] = _timed(cursor, insert_sql(CrmFieldChange, {
            "proposal_id": "g", "field": "name",
            "proposed_value": "to_jsonb(CASE WHEN k = 1 THEN 'VP Sales' ELSE 'Sales' END)",
            "confidence": "0.5 + mod(g + k, 50) / 100.0",
            "before_value": "to_jsonb(CASE WHEN k = 1 THEN 'Sales Manager' ELSE 'Marketing' END)",
            "before_captured_at": "at",
            "decision": "CASE WHEN status = 'needs_review' THEN 'pending' ELSE 'approved' END",
            "created_at": "at",
        }, field_source))
        timings["decisions"] = _timed(cursor, insert_sql(Decision, {
            "proposal_id": "g", "reviewer_id": f"CASE WHEN {human} THEN {reviewer_case} END",
            "submitted_by_id": agent_user_case,
            "action": f"CASE WHEN {auto} THEN 'auto_approve' WHEN status = 'rejected' THEN 'reject' ELSE 'approve' END",
            "reason_code": "CASE WHEN status = 'rejected' THEN 'tone' ELSE '' END", "created_at": decided_at,
        }, decision_source))
        copied = {field.column: f"p.\"{field.column}\"" for field in history._meta.concrete_fields
                  if field.column in {f.column for f in Proposal._meta.concrete_fields}}
        timings["history"] = _timed(cursor, insert_sql(history, {
            **copied,
            "status": "CASE WHEN h.k = 1 THEN 'checking' ELSE p.status END",
            "history_date": "CASE WHEN h.k = 1 THEN p.submitted_at ELSE p.status_changed_at END",
            "history_type": "CASE WHEN h.k = 1 THEN '+' ELSE '~' END",
            "history_change_reason": "CASE WHEN h.k = 1 THEN 'submitted' ELSE p.status END",
            "history_user_id": "CASE WHEN h.k = 2 THEN p.decided_by_id END",
        }, 'reviews_proposal AS p CROSS JOIN (VALUES (1), (2)) AS h(k)'))
        timings["audit_events"] = _timed(cursor, insert_sql(AuditEvent, {
            "id": "2 * g + k - 2", "seq": "2 * g + k - 2",
            "occurred_at": f"CASE WHEN k = 1 THEN at ELSE {decided_at} END",
            "action": "CASE WHEN k = 1 THEN 'submitted' ELSE status END",
            "actor_type": "CASE WHEN k = 1 THEN 'agent' ELSE 'user' END",
            "actor": "CASE WHEN k = 1 THEN 'agent-' || mod(g, 5) ELSE 'reviewer' || mod(g, 20) END",
            "proposal_id": "g", "crm_object": "'Contact'", "crm_id": "'003' || lpad(mod(g, 200000)::text, 15, '0')",
            "user_agent": "''", "data": "jsonb_build_object('to', status)",
            "prev_hash": "md5((2 * g + k - 3)::text) || md5((2 * g + k - 3)::text || 'x')",
            "hash": "md5((2 * g + k - 2)::text) || md5((2 * g + k - 2)::text || 'x')",
        }, f"{source} CROSS JOIN (VALUES (1), (2)) AS e(k)"))
        started = time.perf_counter()
        for _name, definition in secondary:
            cursor.execute(definition)
        timings["indexes"] = round(time.perf_counter() - started, 1)
        cursor.execute("SET session_replication_role = DEFAULT")
        # The chain head must follow the inserted events, or the console's next audit event collides.
        cursor.execute("UPDATE reviews_auditchainhead SET last_seq = (SELECT max(seq) FROM reviews_auditevent), "
                       "last_hash = (SELECT hash FROM reviews_auditevent ORDER BY seq DESC LIMIT 1)")
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'reviews_auditchainhead'")
        if "last_occurred_at" in {row[0] for row in cursor.fetchall()}:
            cursor.execute("UPDATE reviews_auditchainhead SET last_occurred_at = "
                           "(SELECT max(occurred_at) FROM reviews_auditevent)")
        for model in (Proposal, CheckResult, CrmFieldChange, Decision, history, AuditEvent):
            pk = model._meta.pk.column
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', '{pk}'), "
                           f"(SELECT coalesce(max(\"{pk}\"), 1) FROM \"{model._meta.db_table}\"))")
    started = time.perf_counter()
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum_analyze"] = round(time.perf_counter() - started, 1)
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        counts = {}
        for model in (Proposal, CheckResult, CrmFieldChange, Decision, history, AuditEvent):
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            counts[model._meta.db_table] = cursor.fetchone()[0]
        cursor.execute("SELECT kind, count(*) FROM reviews_proposal WHERE status IN ('needs_review', 'failed', "
                       "'conflict') GROUP BY kind")
        waiting = dict(cursor.fetchall())
    return {"migrate_s": migrate_s, "timings_s": timings, "size": size, "rows": counts, "waiting": waiting}


def phase_roll_up() -> dict[str, Any]:
    """The closed months' metric roll-ups, as celery beat keeps them on a running installation
    (``metrics_roll_up``, idempotent): the dashboard's gate figures then aggregate the current month live."""
    import django

    django.setup()
    from reviews.services.metrics import metrics_roll_up

    started = time.perf_counter()
    rows = metrics_roll_up()
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 1)}


# --- page renders -------------------------------------------------------------------------------

def phase_measure(repeats: int, only: str = "") -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.admin.dashboard import dashboard_figures_key
    from reviews.models import Proposal

    if Group.objects.count() < 1000:
        Group.objects.bulk_create(Group(name=f"team {number:04d}") for number in range(1000 - Group.objects.count()))
    client = Client()
    client.force_login(django.contrib.auth.get_user_model().objects.get(username="bench"))
    rng = random.Random(5)
    waiting = {kind: list(Proposal.objects.filter(kind=kind, status="needs_review").values_list("pk", flat=True))
               for kind in ("email_draft", "crm_change")}
    targets = {kind: rng.sample(pks, 40) for kind, pks in waiting.items()}
    pages: dict[str, Any] = {
        "stock changelist, auth.Group (1,000 rows, 100 a page)": lambda i: "/admin/auth/group/",
        "queue: email drafts (default: awaiting, 50 a page)": lambda i: "/admin/hitlcrm_reviews/emaildraft/",
        "queue: CRM changes": lambda i: "/admin/hitlcrm_reviews/crmchange/",
        "review page: email draft": lambda i: f"/admin/hitlcrm_reviews/emaildraft/{targets['email_draft'][i % 40]}/review/",
        "review page: CRM change": lambda i: f"/admin/hitlcrm_reviews/crmchange/{targets['crm_change'][i % 40]}/review/",
        "my queue (all kinds)": lambda i: "/admin/hitlcrm_reviews/proposal/?queue=mine",
        "queue filtered: failed check tone, risk 4": lambda i: "/admin/hitlcrm_reviews/emaildraft/?failed_check=tone&risk=4",
        "queue: email drafts, every status (500,000 rows)": lambda i: "/admin/hitlcrm_reviews/emaildraft/?status=all",
        # Searches (reviews/search.py): a company (a tenth of the rows), a word of every email's body, one
        # recipient among 50,000 (a handful of rows), a CRM id, in the queue and over every status.
        "queue search: a company (woodgrove bank)": lambda i: "/admin/hitlcrm_reviews/emaildraft/?q=woodgrove+bank",
        "queue search: a recipient (personN@)": lambda i: f"/admin/hitlcrm_reviews/emaildraft/?q=person{4000 + 37 * i}%40",
        "queue search, every status: a recipient":
            lambda i: f"/admin/hitlcrm_reviews/emaildraft/?status=all&q=person{4100 + 37 * i}%40",
        "queue search, every status: a word of every email (pipeline; for information)":
            lambda i: "/admin/hitlcrm_reviews/emaildraft/?status=all&q=pipeline",
        "queue search, all kinds: a CRM id":
            lambda i: f"/admin/hitlcrm_reviews/proposal/?status=all&q=003{(4200 + 37 * i):015d}",
        # The dashboard's figures (HITLCRM_DASHBOARD_CACHE_SECONDS, 60 s): computed by the first viewer
        # after they expired (cold: dropped from the cache before each of its renders), then served from
        # the cache to everyone within the minute (warm: rendered right after a cold render).
        DASHBOARD_COLD: lambda i: "/admin/hitlcrm_reviews/proposal/dashboard/",
        "dashboard, warm (figures from the cache: a viewer within the minute)":
            lambda i: "/admin/hitlcrm_reviews/proposal/dashboard/",
    }
    before = {DASHBOARD_COLD: lambda: cache.delete(dashboard_figures_key(by_version=False))}
    wanted = [word.strip() for word in only.split(",") if word.strip()]
    if wanted:
        yardstick = next(iter(pages))
        pages = {name: url for name, url in pages.items() if name == yardstick or any(w in name for w in wanted)}
    samples: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for name, url in pages.items():  # warm up: first claims, caches, connections
        for i in range(40 if name.startswith("review") else 2):
            before.get(name, lambda: None)()
            assert client.get(url(i)).status_code == 200, url(i)
        before.get(name, lambda: None)()
        with CaptureQueriesContext(connection) as captured:
            client.get(url(0))
        queries[name] = len(captured)
    for i in range(repeats):
        for name, url in pages.items():
            before.get(name, lambda: None)()
            started = time.perf_counter()
            response = client.get(url(i))
            samples[name].append(time.perf_counter() - started)
            assert response.status_code == 200
    baseline = statistics.median(samples[next(iter(pages))])
    return {
        "pages": {
            name: {"median_ms": round(statistics.median(times) * 1000, 1),
                   "p90_ms": round(sorted(times)[int(len(times) * 0.9)] * 1000, 1),
                   "ratio": round(statistics.median(times) / baseline, 2), "queries": queries[name]}
            for name, times in samples.items()
        },
    }


# --- keyboard session ---------------------------------------------------------------------------

MOVED_ON = """pk => {
  const review = document.getElementById("review");
  return review && review.dataset.proposal !== pk && !document.body.classList.contains("console-busy");
}"""


def phase_browser(decisions: int) -> dict[str, Any]:
    # Playwright's sync API runs an event loop in this thread; the server threads do the ORM work.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    times, steps = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            # The items waiting for a first decision: the data's few emails "in conflict" (a CRM-only state
            # the generated rows give some old emails) have Approve disabled, so "a" would wait forever.
            page.goto(f"{base}/admin/login/?next=/admin/hitlcrm_reviews/emaildraft/%3Fstatus%3Dneeds_review")
            page.fill("#id_username", "reviewer1")
            page.fill("#id_password", PASSWORD)
            page.press("#id_password", "Enter")
            page.wait_for_url(lambda url: urlsplit(url).path == "/admin/hitlcrm_reviews/emaildraft/")
            page.keyboard.press("j")
            page.wait_for_selector("#review")
            for number in range(decisions):
                pk = page.locator("#review").get_attribute("data-proposal")
                started = time.perf_counter()
                if number % 10 == 9:  # every tenth is a rejection: r, a reason key, Enter
                    page.keyboard.press("r")
                    page.keyboard.press("2")
                    page.keyboard.press("Enter")
                else:
                    page.keyboard.press("a")
                page.wait_for_function(MOVED_ON, arg=pk, polling="raf")
                times.append(time.perf_counter() - started)
            for _ in range(20):  # j: the next item without deciding
                pk = page.locator("#review").get_attribute("data-proposal")
                started = time.perf_counter()
                page.keyboard.press("j")
                page.wait_for_function(MOVED_ON, arg=pk, polling="raf")
                steps.append(time.perf_counter() - started)
            browser.close()
    finally:
        server.terminate()
    ordered = sorted(times)
    return {
        "decisions": len(times),
        "median_s": round(statistics.median(times), 3),
        "p95_s": round(ordered[int(len(ordered) * 0.95) - 1], 3),
        "mean_s": round(statistics.mean(times), 3),
        "max_s": round(ordered[-1], 3),
        "step_median_s": round(statistics.median(steps), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_console", description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=int(os.environ.get("BENCH_CONSOLE_PROPOSALS", 1_000_000)))
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--decisions", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the bench_console database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database a --keep run left (no load; it is kept again)")
    parser.add_argument("--pages", default="",
                        help="comma-separated words: render only the pages whose name contains one of them "
                             "(the yardstick always), e.g. --pages search,review")
    parser.add_argument("--roll-up", action="store_true",
                        help="before measuring, roll up the closed months' metrics as celery beat does on a "
                             "running installation (by default none are: the dashboard aggregates every month live)")
    parser.add_argument("--phase", choices=["load", "roll-up", "measure", "browser"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # inside a child process
        result = {
            "load": lambda: phase_load(args.proposals),
            "roll-up": phase_roll_up,
            "measure": lambda: phase_measure(args.repeats, args.pages),
            "browser": lambda: phase_browser(args.decisions),
        }[args.phase]()
        print(json.dumps(result))
        return 0

    if not _postgres_available():
        print("bench_console: skipped, it needs PostgreSQL (set DATABASE_URL=postgres://...)")
        return 0
    if not shutil.which("chromium"):
        print("bench_console: Chromium is not installed; the keyboard session needs it")
        return 1
    started = time.perf_counter()
    if args.reuse:
        args.keep = True
    else:
        with _admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DB_NAME}")
    broker_dir = tempfile.mkdtemp(prefix="bench-console-broker-")
    try:
        if not args.reuse:
            load = _child(broker_dir, "--phase", "load", "--proposals", str(args.proposals))
            print(f"Console benchmark: {args.proposals:,} proposals; database {load['size']}; "
                  f"migrate {load['migrate_s']} s; "
                  + ", ".join(f"{name} {seconds} s" for name, seconds in load["timings_s"].items()))
            print("  rows: " + ", ".join(f"{table} {count:,}" for table, count in load["rows"].items()))
            print("  waiting for a person: " + ", ".join(f"{kind} {count:,}"
                                                         for kind, count in load["waiting"].items()))
        if args.roll_up:
            rolled = _child(broker_dir, "--phase", "roll-up")
            print(f"Metric roll-ups of the closed months: {rolled['rows']} rows in {rolled['seconds']} s")
        measured = _child(broker_dir, "--phase", "measure", "--repeats", str(args.repeats), "--pages", args.pages)
        print(f"\nMedian of {args.repeats} interleaved renders (test client, logged in, DEBUG off); "
              f"ratio to the stock changelist; load average {os.getloadavg()[0]:.1f}:")
        for name, page in measured["pages"].items():
            print(f"  {name:<55} {page['median_ms']:>7.1f} ms (p90 {page['p90_ms']:>6.1f})  {page['ratio']:>5.2f}×  "
                  f"{page['queries']:>2} queries")
        session = _child(broker_dir, "--phase", "browser", "--decisions", str(args.decisions))
        print(f"\nKeyboard session in Chromium, {session['decisions']} decisions (1 in 10 a rejection with a reason): "
              f"machine time per decision median {session['median_s']} s, p95 {session['p95_s']} s, "
              f"mean {session['mean_s']} s, max {session['max_s']} s; j (next item) median {session['step_median_s']} s")
        required = [name for name in measured["pages"]
                    if name.startswith(("queue: email", "queue: CRM", "review page", "queue search", "dashboard, warm"))]
        # The unfiltered every-status queue is for information; a search over every status counts, but
        # for the word every generated email holds (500,000 matches; docs/benchmarks.md). The dashboard
        # counts as its viewers see it within a minute of the figures' computation; that computation
        # (the cold row) is for information.
        required = [name for name in required if ("every status" not in name or name.startswith("queue search"))
                    and "for information" not in name]
        worst = max(measured["pages"][name]["ratio"] for name in required)
        verdict = worst <= LIMIT and session["median_s"] < TARGET_SECONDS
        print(f"\n{'PASS' if verdict else 'FAIL'}: worst queue/review/dashboard ratio {worst}× (limit {LIMIT}×), "
              f"median per decision {session['median_s']} s (target < {TARGET_SECONDS} s); "
              f"total {time.perf_counter() - started:.0f} s")
        return 0 if verdict else 1
    finally:
        shutil.rmtree(broker_dir, ignore_errors=True)
        if not args.keep:
            with _admin_connection() as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
