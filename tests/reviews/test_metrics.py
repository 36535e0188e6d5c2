"""Measurement on a seeded history with known answers: volume, auto-approved share, reviewed
count, error rate and types, the Wilson upper bound (computed here by hand), when the gate may be
narrowed and how many more reviews it would take; the metrics API; the feedback export."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import Execution, MetricRollup, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.metrics import gate_metrics, metrics_roll_up, monthly_figures, reviews_needed, wilson_upper
from reviews.services.transitions import proposal_lock, proposal_transition
from reviews.state_machine import Status
from reviews.tasks import metrics_roll_up_task
from tests.factories import History, policy, reviewer

from .conftest import crm_payload, email_payload

pytestmark = pytest.mark.django_db

JAN, FEB = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 2, 10, tzinfo=UTC)


def wilson_by_hand(errors: int, n: int) -> float:
    """(p + z²/2n + z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964 (95%, two-sided)."""
    z = 1.959964
    p = errors / n
    return (p + z * z / (2 * n) + z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)


def needed_by_hand(errors: int, reviewed: int, target: float, minimum: int = 500) -> int:
    rate, n = errors / reviewed, max(reviewed, minimum)
    while wilson_by_hand(rate * n, n) >= target:  # type: ignore[arg-type]
        n += 1
    return n - reviewed


AUTO, APPROVE, EDIT, REJECT = "auto_approve", "approve", "edit_approve", "reject"


@pytest.fixture
def history(agent) -> None:
    h = History(agent[0])
    # cold_email, January: 500 submitted.
    h.add("cold_email", JAN, 200, Status.DONE, actions=(AUTO,))
    h.add("cold_email", JAN, 244, Status.DONE, actions=(APPROVE,))
    h.add("cold_email", JAN, 1, Status.DONE, actions=(EDIT,), material=True, reason_code="tone")
    h.add("cold_email", JAN, 1, Status.DONE, actions=(EDIT,), material=True)  # no reason given
    h.add("cold_email", JAN, 3, Status.REJECTED, actions=(REJECT,), reason_code="factual_error")
    h.add("cold_email", JAN, 1, Status.REJECTED, actions=(REJECT,), reason_code="tone")
    h.add("cold_email", JAN, 30, Status.NEEDS_REVIEW)                              # waiting
    h.add("cold_email", JAN, 20, Status.BLOCKED)                                   # blocked by a hard check
    # cold_email, February: 400 submitted.
    h.add("cold_email", FEB, 40, Status.DONE, actions=(AUTO,))
    h.add("cold_email", FEB, 10, Status.REJECTED, actions=(AUTO, REJECT), reason_code="other")  # failed sends
    h.add("cold_email", FEB, 321, Status.DONE, actions=(APPROVE,), sampled=True)
    h.add("cold_email", FEB, 3, Status.DONE, actions=(EDIT,))                      # edited, not materially
    h.add("cold_email", FEB, 20, Status.DONE, actions=(APPROVE, APPROVE))          # four eyes, both given
    h.add("cold_email", FEB, 6, Status.REJECTED, actions=(REJECT,), reason_code="compliance")
    h.add("cold_email", FEB, 5, Status.NEEDS_REVIEW, actions=(APPROVE,))           # four eyes, one so far
    h.add("cold_email", FEB, 5, Status.NEEDS_REVIEW, actions=(APPROVE,), revoked=True)  # undone
    # contact_update: 100 reviewed, no error. title_enrichment: 50 reviewed, 10 errors.
    h.add("contact_update", FEB, 100, Status.DONE, actions=(APPROVE,))
    h.add("title_enrichment", FEB, 40, Status.DONE, actions=(APPROVE,))
    h.add("title_enrichment", FEB, 10, Status.REJECTED, actions=(REJECT,), reason_code="factual_error")
    h.save()
    policy("cold_email", error_rate_target=0.05)
    policy("title_enrichment", error_rate_target=0.05)


def by_type(data: dict) -> dict[str, dict]:
    return {row["task_type"]: row for row in data["task_types"]}


def test_monthly_figures_on_a_known_history(history) -> None:
    cold = by_type(gate_metrics())["cold_email"]
    jan, feb = cold["months"]
    assert jan["month"] == "2026-01" and feb["month"] == "2026-02"
    assert (jan["volume"], jan["auto_approved"], jan["reviewed"], jan["errors"]) == (500, 200, 250, 6)
    assert (jan["rejected"], jan["materially_edited"]) == (4, 2)
    assert jan["auto_approved_share"] == 0.4 and jan["error_rate"] == round(6 / 250, 6)
    assert jan["error_types"] == {"factual_error": 3, "tone": 2, "unspecified": 1}
    assert (feb["volume"], feb["auto_approved"], feb["reviewed"], feb["errors"]) == (410, 50, 350, 6)
    assert feb["sampled_for_audit"] == 321 and feb["error_types"] == {"compliance": 6}
    assert feb["auto_approved_share"] == round(50 / 410, 6)
    assert jan["error_rate_upper_95"] == pytest.approx(wilson_by_hand(6, 250), abs=1e-6)


def test_wilson_bound_and_narrowing_for_600_reviews_and_12_errors(history) -> None:
    cold = by_type(gate_metrics())["cold_email"]
    assert (cold["total"]["reviewed"], cold["total"]["errors"]) == (600, 12)
    upper = wilson_by_hand(12, 600)
    assert upper == pytest.approx(0.0346, abs=5e-4)
    assert cold["total"]["error_rate_upper_95"] == pytest.approx(upper, abs=1e-6)
    assert cold["may_narrow"] is True and cold["reviews_needed"] == 0
    assert "may be narrowed" in cold["recommendation"]


def test_a_stricter_target_keeps_the_gate_and_says_how_many_more_reviews(history) -> None:
    policy("cold_email", error_rate_target=0.03)
    cold = by_type(gate_metrics())["cold_email"]
    assert cold["may_narrow"] is False
    assert cold["reviews_needed"] == needed_by_hand(12, 600, 0.03) > 0
    assert f"about {cold['reviews_needed']} more reviews" in cold["recommendation"]


def test_too_few_reviews_or_too_many_errors_keep_the_gate(history) -> None:
    data = by_type(gate_metrics())
    contact = data["contact_update"]  # no policy of its own: the default's target applies
    assert contact["policy"]["task_type"] == "*" and contact["policy"]["error_rate_target"] == 0.05
    assert contact["total"]["error_rate_upper_95"] < 0.05  # under the target, but only 100 reviews
    assert contact["may_narrow"] is False and contact["reviews_needed"] == needed_by_hand(0, 100, 0.05) == 400
    titles = data["title_enrichment"]
    assert titles["total"]["error_rate"] == 0.2
    assert titles["may_narrow"] is False and titles["reviews_needed"] is None
    assert "not under the target" in titles["recommendation"]


def test_reviews_needed_edge_cases() -> None:
    assert reviews_needed(0, 0, 0.05, 500) is None
    assert reviews_needed(0, 10, 0.05, 500) == 490  # the minimum sample decides
    assert reviews_needed(5, 100, 0.05, 500) is None  # 5% is not under 5%
    assert wilson_upper(0, 0) == 1.0
    assert wilson_upper(12, 600) == pytest.approx(wilson_by_hand(12, 600), abs=1e-6)


def test_metrics_are_aggregate_queries_whatever_the_history(history, django_assert_max_num_queries) -> None:
    # policies, roll-ups, live monthly figures, live error types; the reviewers' decision counts and
    # their golden answers (reviewer quality: nobody here is below the floor, so no discount query)
    with django_assert_max_num_queries(6):
        gate_metrics()


def test_the_period_and_task_type_filters(history) -> None:
    data = gate_metrics(since=datetime(2026, 2, 1, tzinfo=UTC), task_type="cold_email")
    (cold,) = data["task_types"]
    assert [m["month"] for m in cold["months"]] == ["2026-02"] and cold["total"]["reviewed"] == 350


def test_metrics_api_for_staff_sessions_only(history, agent) -> None:
    staff = APIClient()
    staff.force_login(reviewer("rita"))
    response = staff.get("/api/v1/metrics/", {"since": "2026-01", "until": "2026-02"})
    assert response.status_code == 200, response.content
    body = response.json()
    cold = by_type(body)["cold_email"]
    assert cold["may_narrow"] is True and cold["total"]["reviewed"] == 600
    assert body["min_reviews_to_narrow"] == 500 and "observed error rate holds" in body["assumption"]
    assert staff.get("/api/v1/metrics/", {"since": "January"}).status_code == 400
    assert by_type(staff.get("/api/v1/metrics/", {"until": "2026-01"}).json())["cold_email"]["total"]["volume"] == 500

    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {agent[1]}")
    assert token.get("/api/v1/metrics/").status_code in (401, 403)
    outsider = APIClient()
    outsider.force_login(get_user_model().objects.create_user("visitor", password="not-staff-at-all"))
    assert outsider.get("/api/v1/metrics/").status_code == 403
    assert APIClient().get("/api/v1/metrics/").status_code in (401, 403)


def test_reviewer_edits_are_exported_as_feedback_jsonl(api, rita, tmp_path) -> None:
    submitted = api.post("/api/v1/email-drafts/", email_payload(), format="json").json()
    rejected = api.post("/api/v1/email-drafts/", email_payload(subject="Other idea for Contoso",
                                                               to=["bob@contoso.example"]), format="json").json()
    for record in (submitted, rejected):
        proposal_run_checks(proposal_id=record["id"])
    edited_body = "Hi Ada,\n\nContoso opened a Berlin office; we help teams like yours keep data clean.\n\nSam"
    proposal_decide(proposal_id=submitted["id"], actor=Actor.for_user(rita), action="edit_approve",
                    edits={"body": edited_body}, reason_code="tone", note="less salesy")
    proposal_decide(proposal_id=rejected["id"], actor=Actor.for_user(rita), action="reject",
                    reason_code="factual_error")

    out = io.StringIO()
    call_command("export_feedback", stdout=out, stderr=io.StringIO())
    (line,) = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["proposal_id"] == submitted["id"] and line["outcome"] == "edited_and_approved"
    assert line["original"] == email_payload()  # the AI's output exactly as submitted
    assert line["final"]["body"] == edited_body and line["final"]["subject"] == "Idea for Contoso"
    assert line["edits"] == {"body": [email_payload()["body"], edited_body]}
    assert (line["reason_code"], line["note"], line["material"], line["reviewers"]) == ("tone", "less salesy",
                                                                                        True, ["rita"])

    target = tmp_path / "feedback.jsonl"
    call_command("export_feedback", "--include-rejections", "--output", str(target), stderr=io.StringIO())
    lines = [json.loads(text) for text in target.read_text().splitlines()]
    assert [(r["proposal_id"], r["outcome"], r["final"]) for r in lines][1] == (rejected["id"], "rejected", None)
    call_command("export_feedback", "--task-type", "other", "--output", str(target), stderr=io.StringIO())
    assert target.read_text() == ""


# --- what counts as an error (the first review's verdict) ---------------------------------------------

def checked(api, payload: dict, kind: str = "email-drafts") -> int:
    proposal_id = api.post(f"/api/v1/{kind}/", payload, format="json").json()["id"]
    proposal_run_checks(proposal_id=proposal_id)
    assert Proposal.objects.get(pk=proposal_id).status == Status.NEEDS_REVIEW
    return proposal_id


def execution_fails(proposal_id: int) -> None:
    """What the worker does when a push or send fails for good: approved -> executing -> failed."""
    worker = Actor.system("worker")
    with transaction.atomic():
        proposal = proposal_lock(proposal_id)
        Execution.objects.create(proposal=proposal, state="failed", attempts=1, last_error="refused")
        proposal_transition(proposal, Status.EXECUTING, actor=worker)
        proposal_transition(proposal, Status.FAILED, actor=worker)


def totals(task_type: str) -> dict:
    return by_type(gate_metrics(task_type=task_type))[task_type]["total"]


def test_a_crm_change_approved_with_some_fields_rejected_is_an_error(api, rita) -> None:
    partly = checked(api, crm_payload(task_type="contact_update"), "crm-changes")
    wholly = checked(api, crm_payload(task_type="contact_update", external_ref="2"), "crm-changes")
    proposal_decide(proposal_id=partly, actor=Actor.for_user(rita), action="approve",
                    field_decisions={"Title": True, "Department": False})
    proposal_decide(proposal_id=wholly, actor=Actor.for_user(rita), action="approve",
                    field_decisions={"Title": True, "Department": True})

    assert Proposal.objects.get(pk=partly).materially_edited is True
    assert Proposal.objects.get(pk=wholly).materially_edited is False
    figures = totals("contact_update")
    assert (figures["reviewed"], figures["errors"], figures["materially_edited"]) == (2, 1, 1)


def test_a_failed_execution_dismissed_after_an_approval_as_proposed_is_no_error(api, rita, sam) -> None:
    as_proposed = checked(api, email_payload())
    edited = checked(api, email_payload(subject="Another idea for Contoso", to=["bob@contoso.example"]))
    rejected = checked(api, email_payload(subject="A third idea", to=["cy@contoso.example"]))
    proposal_decide(proposal_id=as_proposed, actor=Actor.for_user(rita), action="approve")
    proposal_decide(proposal_id=edited, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"body": "Something else entirely."}, reason_code="tone")
    proposal_decide(proposal_id=rejected, actor=Actor.for_user(rita), action="reject", reason_code="factual_error")
    for proposal_id in (as_proposed, edited):
        execution_fails(proposal_id)
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(sam), action="reject", reason_code="other")
    assert set(Proposal.objects.values_list("status", flat=True)) == {Status.REJECTED}

    # Judged by the review that concluded first: approved as proposed (no error), approved after a
    # material edit (an error, once), rejected in review (an error). The dismissals change nothing.
    figures = totals("cold_email")
    assert (figures["reviewed"], figures["errors"]) == (3, 2)
    assert (figures["rejected"], figures["materially_edited"]) == (1, 1)


def test_edits_when_a_failed_execution_is_approved_again_are_no_error(api, rita, sam) -> None:
    proposal_id = checked(api, email_payload())
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    execution_fails(proposal_id)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(sam), action="edit_approve",
                    edits={"body": "Rewritten after the bounce."})

    proposal = Proposal.objects.get(pk=proposal_id)
    assert proposal.status == Status.APPROVED and proposal.final_output["body"] == "Rewritten after the bounce."
    assert proposal.materially_edited is False
    assert (totals("cold_email")["reviewed"], totals("cold_email")["errors"]) == (1, 0)


# --- one gate window, served from monthly roll-ups ------------------------------------------------------

def rollup_rows() -> list[tuple]:
    return list(MetricRollup.objects.order_by("task_type", "month").values_list(
        "pk", "task_type", "month", "volume", "auto_approved", "sampled_for_audit", "reviewed", "rejected",
        "materially_edited", "error_types"))


def test_the_roll_up_holds_the_live_figures_and_running_it_again_changes_nothing(history) -> None:
    live = monthly_figures()
    before = gate_metrics()
    assert metrics_roll_up() == 4  # cold_email January and February; contact_update, title_enrichment February
    rows = rollup_rows()
    assert {(row[1], f"{row[2]:%Y-%m}") for row in rows} == {
        (task_type, month) for task_type, months in live.items() for month in months}
    for _, task_type, month, *counts, error_types in rows:
        figures = live[task_type][f"{month:%Y-%m}"]
        assert counts == [figures.volume, figures.auto_approved, figures.sampled_for_audit, figures.reviewed,
                          figures.rejected, figures.materially_edited]
        assert error_types == figures.error_types
    assert gate_metrics() == before  # the same answers, now from the roll-ups

    metrics_roll_up()
    metrics_roll_up(full=True)
    assert rollup_rows() == rows  # idempotent: the same rows, not new ones


def test_the_api_reads_closed_months_from_the_roll_ups(history, agent, django_assert_max_num_queries) -> None:
    metrics_roll_up()
    staff = APIClient()
    staff.force_login(reviewer("rita"))
    before = by_type(staff.get("/api/v1/metrics/").json())["cold_email"]

    # Many more outputs in a closed month, written behind the roll-up's back, and some this month.
    late = History(agent[0])
    late.add("cold_email", JAN, 300, Status.REJECTED, actions=(REJECT,), reason_code="tone")
    late.add("cold_email", timezone.now(), 4, Status.DONE, actions=(APPROVE,))
    late.add("cold_email", timezone.now(), 1, Status.REJECTED, actions=(REJECT,), reason_code="tone")
    late.save()
    with django_assert_max_num_queries(6 + 3):  # + session, user, before the metrics' own six
        body = staff.get("/api/v1/metrics/").json()
    cold = by_type(body)["cold_email"]
    assert cold["months"][:2] == before["months"]  # January from its roll-up: the 300 are not read
    this_month = cold["months"][2]
    assert this_month["month"] == f"{timezone.now():%Y-%m}" and (this_month["volume"], this_month["errors"]) == (5, 1)
    assert cold["gate_total"]["reviewed"] == before["gate_total"]["reviewed"] + 5

    # The next full roll-up takes the late ones in.
    metrics_roll_up(full=True)
    jan = by_type(staff.get("/api/v1/metrics/").json())["cold_email"]["months"][0]
    assert (jan["volume"], jan["reviewed"], jan["rejected"]) == (800, 550, 304)


def test_a_roll_up_recomputes_the_recent_months_and_fills_gaps_only(history, agent) -> None:
    march = datetime(2026, 3, 2, tzinfo=UTC)
    metrics_roll_up(now=march)
    late = History(agent[0])
    late.add("cold_email", JAN, 7, Status.DONE, actions=(APPROVE,))
    late.save()
    # Three months later, January is no longer recent and is left as it was; February to April
    # (the recent months, and the gap since the last roll-up) are written.
    metrics_roll_up(now=datetime(2026, 5, 20, tzinfo=UTC))
    assert MetricRollup.objects.get(task_type="cold_email", month="2026-01-01").volume == 500
    metrics_roll_up(full=True)
    assert MetricRollup.objects.get(task_type="cold_email", month="2026-01-01").volume == 507


def test_the_gate_verdict_does_not_depend_on_the_months_listed(history) -> None:
    whole = by_type(gate_metrics())["cold_email"]
    february = by_type(gate_metrics(since=FEB.replace(day=1)))["cold_email"]
    assert february["total"]["reviewed"] == 350 and february["gate_total"]["reviewed"] == 600
    assert (february["may_narrow"], february["reviews_needed"], february["recommendation"]) == (
        whole["may_narrow"], whole["reviews_needed"], whole["recommendation"])


def test_beat_runs_the_roll_up_hourly(history) -> None:
    (entry,) = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
                if entry["task"] == "reviews.tasks.metrics_roll_up_task"]
    assert entry["schedule"] <= 3600
    assert metrics_roll_up_task.name == entry["task"]
    metrics_roll_up_task()
    assert MetricRollup.objects.filter(task_type="cold_email").count() == 2


def figures_by_definition(**period: Any) -> dict[tuple[str, tuple[str, ...]], dict[str, dict[str, Any]]]:
    """The monthly figures as the definitions read, one filtered count per figure and a second query for
    the error types (how they were computed before the one-pass aggregate): the reference."""
    from django.db.models import Count, Q

    from reviews.services.metrics import ERROR, REJECTED_IN_REVIEW, REVIEWED, UNSPECIFIED, _annotated, _month
    from reviews.versions import VERSION_FIELDS, version_of

    base = _annotated(period.get("since"), period.get("until"), period.get("task_type"))
    rows = base.values("task_type", *VERSION_FIELDS, "month").annotate(
        volume=Count("pk"), auto_approved=Count("pk", filter=Q(auto=True)),
        sampled_for_audit=Count("pk", filter=Q(sampled_for_audit=True)), reviewed=Count("pk", filter=REVIEWED),
        rejected_count=Count("pk", filter=REVIEWED & REJECTED_IN_REVIEW),
        edited_count=Count("pk", filter=REVIEWED & ~REJECTED_IN_REVIEW & Q(materially_edited=True)),
    ).order_by()
    figures: dict[tuple[str, tuple[str, ...]], dict[str, dict[str, Any]]] = {}
    for row in rows:
        figures.setdefault((row["task_type"], version_of(row)), {})[_month(row["month"])] = {
            "volume": row["volume"], "auto_approved": row["auto_approved"], "sampled_for_audit": row["sampled_for_audit"],
            "reviewed": row["reviewed"], "rejected": row["rejected_count"], "materially_edited": row["edited_count"],
            "error_types": {}}
    for row in base.filter(ERROR).values("task_type", *VERSION_FIELDS, "month", "reason_code").annotate(n=Count("pk")):
        types = figures[(row["task_type"], version_of(row))][_month(row["month"])]["error_types"]
        types[row["reason_code"] or UNSPECIFIED] = types.get(row["reason_code"] or UNSPECIFIED, 0) + row["n"]
    return figures


def test_the_one_pass_aggregate_gives_the_figures_of_the_definitions(history, agent, rita) -> None:
    """Every outcome the figures tell apart (auto-approved, reviewed, rejected in review or after an
    execution, edited, sampled, undone, waiting, golden, versioned): the same figures as one count per
    figure by the definitions, over every month, a period and a task type."""
    from reviews.models import GoldenItem
    from reviews.services.metrics import _by_version

    h = History(agent[0])
    h.add("cold_email", FEB, 7, Status.REJECTED, actions=(APPROVE, REJECT), reason_code="other")  # failed sends
    h.add("cold_email", FEB, 4, Status.DONE, actions=(EDIT,), material=True, reason_code="tone", sampled=True)
    h.add("cold_email", JAN, 2, Status.REJECTED, actions=(REJECT,), material=True, reason_code="tone")  # both
    h.add("contact_update", JAN, 3, Status.REJECTED, actions=(REJECT,), revoked=True, reason_code="tone")
    h.add("contact_update", JAN, 5, Status.EXPIRED)
    h.save()
    executed = Proposal.objects.filter(task_type="cold_email", status=Status.REJECTED, reason_code="other")
    for proposal in executed[:12]:  # ten auto-approved, seven approved by a person: some of each executed
        Execution.objects.create(proposal=proposal, state="failed")
    golden = Proposal.objects.filter(task_type="title_enrichment", status=Status.REJECTED)[:3]
    for proposal in golden:
        GoldenItem.objects.create(proposal=proposal, expected="catch", seeded_by=rita)
    versioned = list(Proposal.objects.filter(task_type="contact_update").values_list("pk", flat=True)[:30])
    Proposal.objects.filter(pk__in=versioned).update(agent_version="2.0", prompt_version="p7", agent_model="model-x")

    def as_plain(figures: dict[Any, dict[str, Any]]) -> dict[Any, dict[str, Any]]:
        return {key: {month: {name: getattr(f, name) for name in ("volume", "auto_approved", "sampled_for_audit",
                                                                  "reviewed", "rejected", "materially_edited")}
                      | {"error_types": f.error_types} for month, f in months.items()}
                for key, months in figures.items()}

    for period in ({}, {"since": FEB}, {"until": FEB}, {"task_type": "cold_email"}):
        expected = figures_by_definition(**period)
        assert as_plain(_by_version(**period)) == expected
    every = figures_by_definition()
    assert every[("title_enrichment", ("", "", ""))]["2026-02"]["volume"] == 47  # golden items left out
    assert every[("contact_update", ("2.0", "p7", "model-x"))]["2026-01"]["volume"] > 0
    assert every[("cold_email", ("", "", ""))]["2026-02"]["error_types"]["tone"] == 4
