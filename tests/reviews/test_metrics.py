"""Measurement on a seeded history with known answers: volume, auto-approved share, reviewed
count, error rate and types, the Wilson upper bound (computed here by hand), when the gate may be
narrowed and how many more reviews it would take; the metrics API; the feedback export."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from reviews.models import Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.metrics import gate_metrics, reviews_needed, wilson_upper
from reviews.state_machine import Status
from tests.factories import policy, reviewer

from .conftest import email_payload

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


class History:
    """Seeds proposals and decisions in bulk, the way the services leave them."""

    def __init__(self, agent) -> None:
        self.agent = agent
        self.people = [reviewer("rita"), reviewer("sam", role="senior_reviewer")]
        self.decisions: list[Decision] = []

    def add(self, task_type: str, month: datetime, count: int, status: str, *, actions: tuple[str, ...] = (),
            reason_code: str = "", material: bool = False, sampled: bool = False, revoked: bool = False) -> None:
        proposals = Proposal.objects.bulk_create([
            Proposal(kind="email_draft", task_type=task_type, status=status, submitted_at=month, agent=self.agent,
                     original_output={"subject": "s", "body": "b"}, final_output={"subject": "s", "body": "edited"},
                     materially_edited=material, reason_code=reason_code, sampled_for_audit=sampled)
            for _ in range(count)
        ])
        for proposal in proposals:
            for number, action in enumerate(actions):
                human = action != Decision.Action.AUTO_APPROVE
                self.decisions.append(Decision(
                    proposal=proposal, submitted_by=self.agent.user, action=action,
                    reviewer=self.people[number % 2] if human else None,
                    reason_code=reason_code if action == Decision.Action.REJECT else "",
                    revoked_at=month if revoked else None,
                ))

    def save(self) -> None:
        Decision.objects.bulk_create(self.decisions)


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
    with django_assert_max_num_queries(3):  # policies, monthly figures, error types
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
