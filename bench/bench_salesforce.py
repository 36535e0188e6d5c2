"""Pushing 1,000 approved CRM changes to Salesforce: hitlcrm's batched, conflict-checked push
against the plain loop a team would write without it, in the same run, against the same org.

    python -m bench salesforce [--count 1000] [--latency-ms 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench salesforce
        # PostgreSQL: a bench_salesforce database is created on that server and dropped afterwards

Target (issue #6): at least 50 times fewer API calls and 10 times less wall time, conflict check
included.

- The org is the local Salesforce emulator over HTTPS, in this process, with ``--latency-ms`` added
  to every request (a real org answers in tens to hundreds of milliseconds).
- hitlcrm: ``count`` changes across Contact, Lead and Account (one field each), submitted and
  checked the way agents' changes are (the checks snapshot the "before" values, batched) and
  approved by policy; then one ``proposals_execute`` over all of them is measured: claim, conflict
  check (reads the current values), sObject Collections writes, recording every outcome and the
  execution log. Its API calls are every request the emulator received during that call. Measured
  ``--repeats`` times on fresh changes (the machine may be shared); the median counts.
- Baseline: ``count`` other records of the same objects, updated with simple-salesforce one by one,
  ``sf.<Object>.update(id, fields)`` (no conflict check, no record of anything), over a kept-alive
  HTTPS session.

Interactive work (``--interactive 20``, over ``--interactive-seconds 30``), with the production
coalescing windows (``SALESFORCE_CHECK_COALESCE_SECONDS``, ``SALESFORCE_PUSH_COALESCE_SECONDS``):
that many Contact changes submitted one request at a time (their checks read the "before" values),
then approved by a reviewer one after another, evenly spread over the window; the tasks the
services publish run in this process at the time their countdown says (the real clock, no broker).
Target: at most 10 API calls for the approvals, conflict reads included. Baseline, in the same run:
the same with both windows at 0 (each check and each push on its own).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

OBJECTS = {"Contact": ("Title", {"LastName": "Person"}), "Lead": ("Title", {"LastName": "Person", "Company": "Contoso"}),
           "Account": ("Description", {"Name": "Contoso"})}
DB_NAME = "bench_salesforce"


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A database URL nobody else uses, removed afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory(prefix="bench-salesforce-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(base)
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"],
              "password": config["PASSWORD"] or None, "dbname": config["NAME"] or "postgres", "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{DB_NAME}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')


def setup_django(url: str, org: Any) -> str:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hitlcrm.settings.base")
    os.environ["DEBUG"] = "0"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["HITLCRM_UNDO_GRACE_SECONDS"] = "0"
    for key in [k for k in os.environ if k.startswith("SALESFORCE_")]:
        del os.environ[key]
    os.environ.update(org.env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def split(count: int) -> dict[str, int]:
    """``count`` spread over the three objects (the first ones get the remainder)."""
    share, extra = divmod(count, len(OBJECTS))
    return {name: share + (1 if index < extra else 0) for index, name in enumerate(OBJECTS)}


def seed(org: Any, count: int) -> list[tuple[str, str, str]]:
    """``count`` records in the org (not counted as API calls): (object, id, field to change)."""
    records = []
    for crm_object, number in split(count).items():
        field, required = OBJECTS[crm_object]
        ids = org.seed(crm_object, [{**required, field: "old"} for _ in range(number)])
        records += [(crm_object, record_id, field) for record_id in ids]
    return records


def approved_changes(records: list[tuple[str, str, str]]) -> list[int]:
    """One change per record, submitted, checked (before values read in batches) and approved by policy."""
    from django.contrib.auth import get_user_model

    from reviews.models import ApiClient, CrmObjectRule, Policy
    from reviews.services.actors import Actor
    from reviews.services.checking import proposals_run_checks
    from reviews.services.submission import Submission, proposals_submit

    for crm_object, (field, _required) in OBJECTS.items():
        CrmObjectRule.objects.update_or_create(crm_object=crm_object, defaults={"allowed_fields": [field]})
    Policy.objects.update_or_create(task_type="*", defaults={
        "mode": "calibrated", "checks": ["field_validity"], "confidence_threshold": 0.5,
        "field_confidence_threshold": 0, "audit_sample_rate": 0})
    user, _ = get_user_model().objects.get_or_create(username="api:bench-agent")
    client, _ = ApiClient.objects.get_or_create(name="bench-agent", defaults={"user": user})
    submissions = []
    for crm_object, record_id, field in records:
        data = {"kind": "update", "crm_object": crm_object, "crm_id": record_id, "fields": {field: f"new {record_id}"},
                "task_type": "crm_update", "confidence": 0.99}
        submissions.append(Submission(data=data, payload=dict(data)))
    ids = [outcome.proposal.pk for outcome in proposals_submit(
        client=client, kind="crm_change", submissions=submissions, actor=Actor.for_client(client))]
    proposals_run_checks(proposal_ids=ids)
    return ids


def calls_during(org: Any, run: Any) -> tuple[float, dict[str, int], Any]:
    """(wall seconds, emulator calls by kind, result) of ``run()``."""
    before = org.call_counts()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    after = org.call_counts()
    return seconds, {kind: after[kind] - before.get(kind, 0) for kind in after if after[kind] != before.get(kind, 0)}, result


def plain_loop(org: Any, records: list[tuple[str, str, str]]) -> None:
    """What a team writes without hitlcrm: one simple-salesforce update per change."""
    import requests
    from simple_salesforce import Salesforce

    session = requests.Session()
    session.verify = str(org.ca_path)
    session.trust_env = False  # REQUESTS_CA_BUNDLE and proxies from the environment would override it
    sf = Salesforce(instance_url=org.base_url, session_id=org.session_id, session=session, version="62.0")
    for crm_object, record_id, field in records:
        getattr(sf, crm_object).update(record_id, {field: f"new {record_id}"})


class _Scheduler:
    """The broker and worker for the interactive figures: what the services publish (with its
    countdown) runs in this process when it is due, by the real clock."""

    def __init__(self) -> None:
        self.due: list[tuple[float, int, Any, tuple[Any, ...]]] = []

    def publish(self, task: Any, args: tuple[Any, ...], *, countdown: float = 0) -> bool:
        self.due.append((time.monotonic() + float(countdown or 0), len(self.due), task, args))
        return True

    def run_due(self, *, until: float | None = None) -> None:
        """Run what is due; with ``until``, wait for what falls due before it too."""
        while True:
            self.due.sort(key=lambda entry: entry[:2])
            now = time.monotonic()
            if self.due and self.due[0][0] <= now:
                _, _, task, args = self.due.pop(0)
                task(*args)
                continue
            if until is None or not self.due or self.due[0][0] > until:
                if until is not None and until > now:
                    time.sleep(until - now)
                return
            time.sleep(max(self.due[0][0] - now, 0))


def interactive(org: Any, count: int, seconds: float, *, coalesce: bool) -> dict[str, int]:
    """API calls of ``count`` single submissions' checks and of their approvals one after another
    within ``seconds`` (see the module docstring): {"checks": n, "approvals": n}."""
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import override_settings

    from reviews.models import ApiClient, Policy, Proposal
    from reviews.roles import ensure_roles
    from reviews.services import queueing, submission
    from reviews.services.actors import Actor
    from reviews.services.decisions import proposal_decide
    from reviews.services.submission import Submission, proposals_submit

    Policy.objects.update_or_create(task_type="interactive", defaults={"mode": "always_review", "checks": []})
    user, _ = get_user_model().objects.get_or_create(username="api:bench-agent")
    client, _ = ApiClient.objects.get_or_create(name="bench-agent", defaults={"user": user})
    person, _ = get_user_model().objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
    person.groups.set([ensure_roles()["reviewer"]])
    records = org.seed("Contact", [{"LastName": "Person", "Title": "old"} for _ in range(count)])
    windows = {} if coalesce else {"SALESFORCE_CHECK_COALESCE_SECONDS": 0, "SALESFORCE_PUSH_COALESCE_SECONDS": 0}
    scheduler = _Scheduler()
    calls = {}
    with override_settings(**windows), mock.patch.object(queueing, "publish", scheduler.publish), \
            mock.patch.object(submission, "publish", scheduler.publish):
        before = org.calls("api")
        ids = []
        for record_id in records:  # one request each
            data = {"kind": "update", "crm_object": "Contact", "crm_id": record_id, "fields": {"Title": "new"},
                    "task_type": "interactive", "confidence": 0.99}
            ids += [outcome.proposal.pk for outcome in proposals_submit(
                client=client, kind="crm_change", submissions=[Submission(data=data, payload=dict(data))],
                actor=Actor.for_client(client))]
            scheduler.run_due()
        scheduler.run_due(until=time.monotonic() + 60)
        assert set(Proposal.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"needs_review"}
        calls["checks"] = org.calls("api") - before
        before = org.calls("api")
        start = time.monotonic()
        for n, proposal_id in enumerate(ids):  # a reviewer approving one after another
            scheduler.run_due(until=start + n * seconds / count)
            proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(person), action="approve")
        scheduler.run_due(until=time.monotonic() + 120)
        assert set(Proposal.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"done"}
        calls["approvals"] = org.calls("api") - before
    return calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench salesforce", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="approved changes to push (default 1000)")
    parser.add_argument("--latency-ms", type=int, default=50, help="added to every Salesforce request (default 50)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="hitlcrm pushes measured, each of fresh changes; the median counts (default 3)")
    parser.add_argument("--interactive", type=int, default=20,
                        help="changes submitted and approved one by one for the interactive figures (0: skip)")
    parser.add_argument("--interactive-seconds", type=float, default=30.0,
                        help="the approvals are spread over this long (default 30)")
    args = parser.parse_args(argv)

    from integrations.salesforce_emulator import EmulatorServer

    with EmulatorServer(port=0) as org, throwaway_database() as url:
        backend = setup_django(url, org)
        from django.test import override_settings

        from reviews.models import Execution, ExecutionAttempt
        from reviews.services.execution import proposals_execute

        runs = []
        for _ in range(args.repeats):
            org.set_latency(0)
            records = seed(org, args.count)
            ids = approved_changes(records)
            org.set_latency(args.latency_ms)
            with override_settings(SALESFORCE_PUSH_COALESCE_SECONDS=0):  # approved at once: no window to wait for
                seconds, calls, outcomes = calls_during(org, lambda ids=ids: proposals_execute(proposal_ids=ids))
            written = ExecutionAttempt.objects.filter(proposal_id__in=ids, outcome="written").count()
            assert sum(1 for o in outcomes.values() if o.status == "done") == written == len(ids), written
            assert not Execution.objects.filter(proposal_id__in=ids).exclude(state="succeeded").exists()
            assert all(org.get(obj, rid)[field] == f"new {rid}" for obj, rid, field in records)
            runs.append((seconds, calls))
        theirs = seed(org, args.count)
        loop_seconds, loop_calls, _ = calls_during(org, lambda: plain_loop(org, theirs))
        assert all(org.get(obj, rid)[field] == f"new {rid}" for obj, rid, field in theirs)
        if args.interactive:
            org.set_latency(args.latency_ms)
            batched = interactive(org, args.interactive, args.interactive_seconds, coalesce=True)
            one_by_one = interactive(org, args.interactive, args.interactive_seconds, coalesce=False)

    hitlcrm_seconds, hitlcrm_calls = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    hitlcrm_api, loop_api = hitlcrm_calls.get("api", 0), loop_calls.get("api", 0)
    calls_ratio, time_ratio = loop_api / hitlcrm_api, loop_seconds / hitlcrm_seconds
    per_object = ", ".join(f"{number} {name}" for name, number in split(args.count).items())
    detail = ", ".join(f"{kind} {n}" for kind, n in sorted(hitlcrm_calls.items()) if kind != "api")
    print(f"Salesforce push benchmark: {args.count} approved changes ({per_object}), "
          f"{args.latency_ms} ms latency per request, {backend}")
    print(f"  hitlcrm proposals_execute (conflict check included)  {hitlcrm_api:5d} API calls  "
          f"{hitlcrm_seconds:7.2f} s   ({detail}; median of "
          f"{', '.join(f'{seconds:.2f}' for seconds, _ in runs)} s)")
    print(f"  plain loop of sf.<Object>.update(id, fields)          {loop_api:5d} API calls  {loop_seconds:7.2f} s")
    print(f"  API calls: {calls_ratio:.1f}x fewer (target >= 50: {'met' if calls_ratio >= 50 else 'NOT met'})")
    print(f"  wall time: {time_ratio:.1f}x less (target >= 10: {'met' if time_ratio >= 10 else 'NOT met'})")
    met = calls_ratio >= 50 and time_ratio >= 10
    if args.interactive:
        n = args.interactive
        print(f"Interactive work: {n} Contact changes submitted one request at a time, then approved one after "
              f"another within {args.interactive_seconds:g} s")
        print(f"  check-time reads of {n} single submissions   hitlcrm {batched['checks']:3d} API calls   "
              f"one by one {one_by_one['checks']:3d}")
        print(f"  {n} console approvals (conflict reads incl.)  hitlcrm {batched['approvals']:3d} API calls   "
              f"one by one {one_by_one['approvals']:3d}   (target <= 10: "
              f"{'met' if batched['approvals'] <= 10 else 'NOT met'})")
        met = met and batched["approvals"] <= 10
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
