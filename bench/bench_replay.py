"""The what-if replay of a policy edit on 10,000 human-decided proposals, against the plain query of
the same 10,000 decisions (the Decision rows with their proposals, as a changelist page of them
would load them), measured in the same run. Target: fast enough to show on the policy's edit page.

    python -m bench replay [--decisions 10000] [--repeats 15]   # SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench replay
                                                                # PostgreSQL: a throwaway database

The history: one task type, ``--decisions`` proposals a person decided (approved, edited, rejected:
12% errors), three stored check results each (one of them failing on 20%), plus as many again
auto-approved or waiting, which the replay must pass over. The outputs name their version, three
prompts one after the other (the newest tenth prompt v7, then v6, the oldest half v5), so the
replay applies the version rule: each item's version's record as it stood when it was submitted
(the policy's error-rate target is 20%, which a version clears after its first 500 reviews).
Timed (medians of interleaved runs after a warm-up, DEBUG off): the replay service with a calibrated
candidate and the saved policy beside it; the whole "Preview impact" request through the admin
(session, form validation, replay, template); and the baseline query.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from datetime import timedelta
from typing import Any

from bench.bench_checks import setup_django, throwaway_database

TASK_TYPE = "cold_email"


def seed(decisions: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from reviews.models import ApiClient, CheckResult, Decision, Policy, Proposal
    from reviews.roles import ensure_roles

    rng = random.Random(20)
    users = get_user_model().objects
    agent = ApiClient.objects.create(name="bench-agent", user=users.create_user("api:bench-agent"))
    people = [users.create_user(f"reviewer-{n}", is_staff=True) for n in range(10)]
    admin = users.create_user("bench-admin", is_staff=True)
    admin.groups.set([ensure_roles()["admin"]])
    Policy.objects.update_or_create(task_type="*", defaults={"mode": "always_review"})
    # A target the agent's 12% error rate can clear (on 500 reviews of a version), so that the version rule
    # holds some items and lets others through.
    Policy.objects.update_or_create(task_type=TASK_TYPE, defaults={"mode": "always_review", "audit_sample_rate": 0.05,
                                                                   "error_rate_target": 0.2})
    now = timezone.now()
    with transaction.atomic():
        rows, outcomes = [], []
        for number in range(decisions * 2):
            human = number % 2 == 0  # every other one: auto-approved or waiting, passed over by the replay
            roll = rng.random()
            action = ("reject" if roll < 0.07 else "edit_approve" if roll < 0.17 else "approve") if human else ""
            status = {"reject": "rejected", "": "done" if number % 4 == 1 else "needs_review"}.get(action, "done")
            submitted = now - timedelta(minutes=number)
            prompt = "v7" if number < decisions * 0.2 else "v6" if number < decisions else "v5"
            rows.append(Proposal(
                kind="email_draft", task_type=TASK_TYPE, status=status, agent=agent,
                submitted_at=submitted, confidence=round(rng.uniform(0.7, 1.0), 3),
                original_output={"subject": "s", "body": "b"}, materially_edited=action == "edit_approve" and roll < 0.12,
                reason_code="factual_error" if action == "reject" else "",
                agent_version="2.3.1", prompt_version=prompt, agent_model="gpt-4o",
                decided_by=people[number % 10] if human else None,
                decided_at=submitted + timedelta(minutes=5) if human else None))
            outcomes.append(action or ("auto_approve" if status == "done" else ""))
        Proposal.objects.bulk_create(rows, batch_size=1000)
        Decision.objects.bulk_create([
            Decision(proposal=proposal, submitted_by=agent.user, action=action,
                     reviewer=None if action == "auto_approve" else people[index % 10],
                     reason_code="factual_error" if action == "reject" else "", created_at=proposal.submitted_at)
            for index, (proposal, action) in enumerate(zip(rows, outcomes, strict=True)) if action
        ], batch_size=1000)
        CheckResult.objects.bulk_create([
            CheckResult(proposal=proposal, name=name, severity="soft", message=name,
                        passed=not (name == "tone" and rng.random() < 0.2))
            for proposal in rows for name in ("placeholders", "tone", "confidence")
        ], batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as a live database has them
        cursor.execute("ANALYZE")


def policy_form(saved: Any) -> dict[str, Any]:
    """What the policy's change form posts for it: checks as ticked boxes, lists one item a line, a box per
    length limit and tone category, booleans ticked or left out."""
    values = {field.name: getattr(saved, field.name) for field in type(saved)._meta.concrete_fields
              if field.name not in ("id", "version", "updated_at")}
    form: dict[str, Any] = {}
    for name, value in values.items():
        if name == "checks":
            form[name] = list(value or [])
        elif isinstance(value, list):
            form[name] = "\n".join(value)
        elif isinstance(value, dict):
            form.update({f"{name}_{key}": "\n".join(item) if isinstance(item, list) else item
                         for key, item in value.items()})
        elif value is True:
            form[name] = "on"
        elif value is not None and value is not False:
            form[name] = value
    return form


def timed(function: Any) -> float:
    gc.collect()  # the garbage of the case before is not this one's cost
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    with throwaway_database() as url:
        where = setup_django(url)
        from django.conf import settings
        from django.test import Client

        from reviews.models import Decision, Policy
        from reviews.services.replay import policy_replay

        settings.ALLOWED_HOSTS = ["testserver"]
        started = time.perf_counter()
        seed(args.decisions)
        seeded = time.perf_counter() - started

        saved = Policy.objects.get(task_type=TASK_TYPE)
        candidate = Policy(**{field.name: getattr(saved, field.name) for field in Policy._meta.concrete_fields})
        candidate.mode, candidate.audit_sample_rate = "calibrated", 0.02

        def replay() -> Any:
            return policy_replay(candidate=candidate, saved=saved, limit=args.decisions)

        def baseline() -> None:
            list(Decision.objects.filter(proposal__task_type=TASK_TYPE, reviewer__isnull=False)
                 .select_related("proposal").order_by("-created_at", "-pk")[:args.decisions])

        client = Client()
        client.force_login(__import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
                           .objects.get(username="bench-admin"))
        form = policy_form(saved)
        form.update({"mode": "calibrated", "audit_sample_rate": "0.02", "_preview": "Preview impact"})
        url_change = f"/admin/hitlcrm_reviews/policy/{saved.pk}/change/"

        def preview() -> None:
            response = client.post(url_change, form)
            assert response.status_code == 200 and b'id="replay-figures"' in response.content, (
                response.status_code, [line for line in response.content.decode().splitlines() if "errorlist" in line])

        result = replay()
        for _ in range(2):  # warm-up
            replay(), baseline(), preview()
        times: dict[str, list[float]] = {"replay": [], "preview": [], "baseline": []}
        for _ in range(args.repeats):
            times["baseline"].append(timed(baseline))
            times["replay"].append(timed(replay))
            times["preview"].append(timed(preview))
        medians = {name: statistics.median(values) for name, values in times.items()}

    print(f"database: {where}; {args.decisions:,} human-decided proposals (+{args.decisions:,} auto-approved or "
          f"waiting), seeded in {seeded:.1f} s; {args.repeats} interleaved runs, medians")
    print(f"replayed: {result.decisions:,} decisions, {result.errors:,} errors; candidate auto-approves "
          f"{result.candidate.auto_approved:,} with {result.candidate.errors_let_through:,} errors let through "
          f"(95% upper {result.candidate.error_rate_upper_95 or 0:.3f}), caught by {result.candidate.caught_by}; "
          f"{result.candidate.held_for_version:,} held by the version rule")
    base = medians["baseline"]
    for name, label in (("baseline", "plain query of the same decisions (Decision + proposal, 10,000 rows)"),
                        ("replay", "what-if replay (the service: its queries and one pass over the rows)"),
                        ("preview", "\"Preview impact\" request through the admin")):
        print(f"  {label:<72} {medians[name] * 1000:9.1f} ms   {medians[name] / base:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
