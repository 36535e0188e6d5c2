"""The monthly report: per task type and reviewer, decisions, error types and the error-rate
trend, as JSON and as a CSV download."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from reviews.models import Decision
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide, proposal_undo
from reviews.services.history import monthly_report
from tests.factories import reviewer

from .conftest import person, session, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(api, rita) -> None:
    raj = reviewer("raj")

    def decide(user, action: str, **kwargs) -> int:
        proposal = submit(api, subject=f"Idea {Decision.objects.count()} for Contoso")
        proposal_run_checks(proposal_id=proposal.pk)
        proposal_decide(proposal_id=proposal.pk, actor=person(user), action=action, **kwargs)
        return proposal.pk

    last_month = [decide(rita, "approve"), decide(rita, "approve"), decide(raj, "reject", reason_code="tone")]
    moment = timezone.now().replace(day=1, hour=12) - timedelta(days=1)
    Decision.objects.filter(proposal_id__in=last_month).update(created_at=moment)

    decide(rita, "approve")
    decide(rita, "edit_approve", edits={"body": "A different pitch altogether."})
    decide(rita, "reject", reason_code="tone")
    decide(raj, "reject", reason_code="factual_error")
    decide(raj, "approve")
    with override_settings(HITLCRM_UNDO_GRACE_SECONDS=60):
        undone = decide(rita, "approve")
        proposal_undo(proposal_id=undone, actor=person(rita))


def rows_by(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(row["reviewer"], row["month"]): row for row in rows}


def test_decisions_errors_and_trend_per_reviewer_and_task_type(decisions) -> None:
    now = timezone.now()
    this, last = f"{now:%Y-%m}", f"{now.replace(day=1) - timedelta(days=1):%Y-%m}"
    rows = monthly_report(months=2)
    assert {row["task_type"] for row in rows} == {"cold_email"}
    table = rows_by(rows)
    rita = table[("rita", this)]
    # The undone approval is counted apart, not as a decision.
    assert (rita["decisions"], rita["approved"], rita["edited_and_approved"], rita["rejected"]) == (3, 1, 1, 1)
    assert (rita["material_edits"], rita["rejected_tone"], rita["undone"]) == (1, 1, 1)
    assert (rita["errors"], rita["error_rate"]) == (2, 0.6667)
    assert (rita["previous_error_rate"], rita["error_rate_change"]) == (0.0, 0.6667)
    assert table[("rita", last)]["decisions"] == 2 and table[("rita", last)]["previous_error_rate"] is None
    raj = table[("raj", this)]
    assert (raj["decisions"], raj["rejected_factual_error"], raj["error_rate"]) == (2, 1, 0.5)
    assert (raj["previous_error_rate"], raj["error_rate_change"]) == (1.0, -0.5)  # trending the right way
    everyone = table[("(all reviewers)", this)]
    assert (everyone["decisions"], everyone["errors"], everyone["error_rate"]) == (5, 3, 0.6)
    assert everyone["previous_error_rate"] == round(1 / 3, 4)
    assert [row["month"] for row in monthly_report(months=1)] == [this] * 3


def test_the_report_api_as_json_and_csv(decisions, carla, rita) -> None:
    client = session(carla)
    body = client.get("/api/v1/reports/monthly/", {"months": 2}).json()
    assert len(body["rows"]) == 6
    download = client.get("/api/v1/reports/monthly/", {"months": 2, "format": "csv"})
    assert download["Content-Type"].startswith("text/csv") and "attachment" in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 6 and rows[0].keys() >= {"month", "task_type", "reviewer", "decisions", "error_rate",
                                                 "error_rate_change", "rejected_tone", "material_edits"}
    assert client.get("/api/v1/reports/monthly/", {"months": 0}).status_code == 400
    assert session(rita).get("/api/v1/reports/monthly/").status_code == 403
