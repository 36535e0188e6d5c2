"""How many proposals per second a worker checks, against the rate at which the same proposals are
merely loaded and saved. Target: the checks cost less than the load-and-save.

    python -m bench checks [--count 2000]              # SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench checks
                                                       # PostgreSQL: a bench_checks_<pid> database is
                                                       # created on that server and dropped afterwards

Proposals come from the labelled corpus (``reviews/demo/proposals.jsonl``), repeated with distinct
recipients and CRM ids. Each is measured the way the worker handles it, one transaction each:

- load and save: lock the row, read it with its CRM field rows, save it (with its history row);
- check phase: every default check of its kind, with the CRM record and describe metadata a
  configured worker would have gathered, and storing the results (the lock and load excluded);
- whole use case, for context: ``proposal_run_checks`` (lock, checks, routing, audit event), with
  Salesforce not configured (no network), under an always-review policy.

DEBUG is forced off (query logging would distort the figures) and the broker is in-memory.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "reviews" / "demo" / "proposals.jsonl"


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A database URL nobody else uses, removed afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory(prefix="bench-checks-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(base)
    name = f"bench_checks_{os.getpid()}"
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"],
              "password": config["PASSWORD"] or None, "dbname": config["NAME"] or "postgres", "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def setup_django(url: str) -> str:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hitlcrm.settings.base")
    os.environ["DEBUG"] = "0"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    for key in [k for k in os.environ if k.startswith("SALESFORCE_")]:
        del os.environ[key]  # no network: the checks get the CRM data from the corpus
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def seed(count: int) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """``count`` proposals in ``checking``; returns their ids and each one's CRM record."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from reviews.checks.outreach import outreach_keys_record
    from reviews.models import ApiClient, CrmFieldChange, Policy, Proposal
    from reviews.services.submission import proposal_build

    lines = [json.loads(text) for text in CORPUS.read_text().splitlines() if text.strip()]
    Policy.objects.update_or_create(task_type="*", defaults={"mode": "always_review"})
    user = get_user_model().objects.create_user("api:bench-agent")
    client = ApiClient.objects.create(name="bench-agent", user=user)
    records: dict[int, dict[str, Any]] = {}
    with transaction.atomic():
        built = []
        for number in range(count):
            line = lines[number % len(lines)]
            payload = {**line["payload"], "crm_id": f"003B{number:011d}AAA", "external_ref": f"bench-{number}"}
            if line["kind"] == "email_draft":
                local, domain = payload["to"][0].split("@")
                payload["to"] = [f"{local}+{number}@{domain}"]
            proposal, fields = proposal_build(client=client, kind=line["kind"], data=payload, payload=payload,
                                              idempotency_key=None)
            built.append((proposal, fields, line["crm"]["fields"]))
        Proposal.objects.bulk_create([proposal for proposal, _f, _r in built], batch_size=500)
        rows = []
        for proposal, fields, record in built:
            records[proposal.pk] = record
            for field in fields:
                field.proposal = proposal
                rows.append(field)
        CrmFieldChange.objects.bulk_create(rows, batch_size=500)
        outreach_keys_record([proposal for proposal, _f, _r in built])  # as submission does
    return [proposal.pk for proposal, _f, _r in built], records


def describe(crm_object: str) -> Any:
    from integrations.salesforce.describe import ObjectDescription
    from integrations.salesforce_emulator.schema import OBJECTS

    return ObjectDescription.from_describe(OBJECTS[crm_object].describe("62.0"))


def locked(proposal_id: int) -> tuple[Any, list[Any]]:
    from django.db.models import prefetch_related_objects

    from reviews.services.transitions import proposal_lock

    proposal = proposal_lock(proposal_id)
    prefetch_related_objects([proposal], "field_changes")
    return proposal, list(proposal.field_changes.all())


def load_and_save(ids: list[int]) -> float:
    from django.db import transaction

    started = time.perf_counter()
    for proposal_id in ids:
        with transaction.atomic():
            proposal, _fields = locked(proposal_id)
            proposal.save(update_fields=["updated_at"])
    return time.perf_counter() - started


def check_phase(ids: list[int], records: dict[int, dict[str, Any]]) -> tuple[float, float, dict[str, list[float]]]:
    """Seconds spent evaluating and storing checks, of which evaluating, and per check
    [seconds, proposals it ran on]."""
    from django.db import transaction

    from reviews.checks import CheckContext, registry
    from reviews.models import Policy
    from reviews.services.checking import proposal_checks_evaluate, proposal_checks_store

    policy = Policy.for_task_type("*")
    descriptions = {"Contact": describe("Contact")}
    total = evaluating = 0.0
    per_check: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for proposal_id in ids:
        with transaction.atomic():
            proposal, fields = locked(proposal_id)
            context = CheckContext(policy=policy, crm_record=dict(records[proposal_id]),
                                   describe=descriptions["Contact"], field_changes=fields)
            started = time.perf_counter()
            results = proposal_checks_evaluate(proposal, context)
            evaluated = time.perf_counter()
            proposal_checks_store(proposal, results)
            total += time.perf_counter() - started
            evaluating += evaluated - started
            # Per check, outside the figures above: which check costs what.
            for check in registry.resolve(proposal.kind, policy.checks)[0]:
                one = time.perf_counter()
                check.run(proposal, context)
                per_check[check.name][0] += time.perf_counter() - one
                per_check[check.name][1] += 1
    return total, evaluating, dict(per_check)


def whole_use_case(ids: list[int]) -> float:
    from reviews.services.checking import proposal_run_checks

    started = time.perf_counter()
    for proposal_id in ids:
        proposal_run_checks(proposal_id=proposal_id)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="proposals to measure (default 2000)")
    args = parser.parse_args(argv)
    with throwaway_database() as url:
        backend = setup_django(url)
        ids, records = seed(args.count + 50)
        warm, ids = ids[:50], ids[50:]
        load_and_save(warm)  # first touches (connection, caches, compiled patterns) are not measured
        check_phase(warm, records)

        base = load_and_save(ids)
        checks, evaluating, per_check = check_phase(ids, records)
        whole = whole_use_case(ids)

        from django.db.models import Count

        from reviews.models import Proposal

        kinds = dict(Proposal.objects.filter(pk__in=ids).values_list("kind").annotate(n=Count("pk")).order_by())
    n = len(ids)

    def rate(seconds: float) -> str:
        return f"{n / seconds:9.0f} proposals/s  ({seconds / n * 1000:6.2f} ms each)"

    ratio = checks / base
    print(f"Checks benchmark: {n} proposals ({kinds.get('email_draft', 0)} email drafts, "
          f"{kinds.get('crm_change', 0)} CRM changes) on {backend}")
    print(f"  load and save (lock, read with field rows, save)   {rate(base)}")
    print(f"  check phase (all default checks + store results)   {rate(checks)}")
    print(f"    of which evaluating the checks                   {rate(evaluating)}")
    print(f"  check phase / load-and-save time                   {ratio:9.2f}   "
          f"(target < 1: {'met' if ratio < 1 else 'NOT met'})")
    print(f"  whole proposal_run_checks (for context)            {rate(whole)}")
    print("  per check, ms per proposal it ran on (evaluate only):")
    for name, (seconds, ran) in sorted(per_check.items(), key=lambda item: -item[1][0] / item[1][1]):
        print(f"    {name:<20} {seconds / ran * 1000:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
