"""Autonomy follows the agent's version: a new (agent_version, prompt_version, model) combination is
under review (or a canary share of it let through) until its own record clears the bound, whatever
the record of the versions before it; the metrics are kept per version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reviews.gate import gate_decide
from reviews.kinds import registered_kinds
from reviews.models import AuditEvent, Policy, Proposal
from reviews.services.checking import proposal_run_checks, version_standing_for
from reviews.services.metrics import gate_metrics, metrics_roll_up, version_standing
from reviews.state_machine import Status
from reviews.versions import VersionStanding, canary_draw
from tests.factories import decided, policy, reviewer

from .conftest import crm_payload, email_payload

PASS = [("placeholders", "hard", True), ("confidence", "soft", True)]
A = ("2.3.1", "v6", "gpt-4o-2024-08-06")
B = ("2.3.1", "v7", "gpt-4o-2024-08-06")
# A small required sample keeps the seeded histories short; the rule is the same at 500.
FEW = override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=40)


def record(pk: int = 7) -> Proposal:
    return Proposal(pk=pk, kind="email_draft", confidence=0.95, required_approvals=1, risk=2)


def rules(**values: Any) -> Policy:
    return Policy(**{"task_type": "cold_email", "mode": "calibrated", "audit_sample_rate": 0, **values})


def standing(reviewed: int, errors: int = 0, *, canary: float = 0.0, version: tuple[str, str, str] = B,
             minimum: int = 500) -> VersionStanding:
    return VersionStanding("cold_email", version, reviewed, errors, minimum, 0.05, canary_share=canary)


# --- the gate's rule, on unsaved records --------------------------------------------------------

def test_a_version_whose_own_record_has_not_cleared_the_bound_goes_to_a_person() -> None:
    verdict = gate_decide(record(), rules(), PASS, version=standing(12))
    assert verdict.status == Status.NEEDS_REVIEW and not verdict.sampled
    assert verdict.reason == ("new version agent 2.3.1 · prompt v7 · model gpt-4o-2024-08-06: 12 of 500 reviewed, "
                              "under review until its own record clears the bound")
    # Enough reviews, but too many errors: the bound, not the count, is what it must clear.
    verdict = gate_decide(record(), rules(), PASS, version=standing(600, 30))
    assert verdict.status == Status.NEEDS_REVIEW
    assert "600 reviewed put its error rate's 95% upper bound at 7.0%, not under the target 5.0%" in verdict.reason
    cleared = gate_decide(record(), rules(), PASS, version=standing(700, 10))
    assert cleared.status == Status.APPROVED and cleared.reason == "auto-approved by policy cold_email v1"
    # Nothing else changes: what the policy would not approve stays where it was.
    assert gate_decide(record(), rules(mode="always_review"), PASS, version=standing(700, 10)).reason == \
        "policy always requires review"


def test_log_only_follows_the_version_too() -> None:
    verdict = gate_decide(record(), rules(mode="log_only", reversible=True), PASS, version=standing(3))
    assert verdict.status == Status.NEEDS_REVIEW and "new version" in verdict.reason


def test_the_canary_share_lets_a_stable_share_of_a_new_version_through() -> None:
    ids = range(1, 3001)
    for share in (0.0, 0.1, 0.5):
        verdicts = [gate_decide(record(pk), rules(), PASS, version=standing(12, canary=share)) for pk in ids]
        through = {pk for pk, verdict in zip(ids, verdicts, strict=True) if verdict.status == Status.APPROVED}
        assert abs(len(through) / len(ids) - share) < 0.02
        assert through == {pk for pk in ids if canary_draw(pk) < share}  # re-derivable from the id
        for pk, verdict in zip(ids, verdicts, strict=True):
            if pk in through:
                assert verdict.reason.endswith(f"; a canary of new version agent 2.3.1 · prompt v7 · model "
                                               f"gpt-4o-2024-08-06: 12 of 500 reviewed (canary share {share:.0%})")
    # The canary is still audit-sampled like any auto-approval.
    sampled = gate_decide(record(), rules(audit_sample_rate=1), PASS, version=standing(12, canary=1.0))
    assert sampled.status == Status.NEEDS_REVIEW and sampled.sampled


# --- the API takes the fields, for every kind ---------------------------------------------------

def test_every_kind_of_submission_may_carry_the_version() -> None:
    for kind in registered_kinds():
        fields = kind.submit_serializer_class()().fields
        assert {"agent_version", "prompt_version", "model"} <= set(fields), kind.value


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "payload"), [("email-drafts", email_payload), ("crm-changes", crm_payload)])
def test_the_api_stores_and_shows_the_version(api, path, payload) -> None:
    response = api.post(f"/api/v1/{path}/", payload(agent_version="2.3.1", prompt_version="v7",
                                                    model="claude-3-5-sonnet@20240620"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["agent_version"], body["prompt_version"], body["model"]) == ("2.3.1", "v7", "claude-3-5-sonnet@20240620")
    proposal = Proposal.objects.get(pk=body["id"])
    assert (proposal.agent_version, proposal.prompt_version, proposal.agent_model) == (
        "2.3.1", "v7", "claude-3-5-sonnet@20240620")
    assert api.get(f"/api/v1/{path}/{proposal.pk}/").json()["prompt_version"] == "v7"
    submitted = AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="submitted")
    assert submitted.data["version"] == {"agent_version": "2.3.1", "prompt_version": "v7",
                                         "model": "claude-3-5-sonnet@20240620"}
    # Without them, the record says so with nulls.
    plain = api.post(f"/api/v1/{path}/", payload(), format="json").json()
    assert (plain["agent_version"], plain["prompt_version"], plain["model"]) == (None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "problem"), [
    ("prompt_version", "v 7", "Use letters, digits and . _ - + : / @ (no spaces)"),
    ("model", "gpt-4o<b>", "Use letters, digits"),
    ("model", "gpt\t4o", "Use letters, digits"),
    ("agent_version", "-rc1", "starting with a letter or digit"),
    ("model", "m" * 101, "at most 100 characters"),
    ("agent_version", 1.10, "Give the version as a string (a number such as 1.10 would read as 1.1)."),
    ("prompt_version", None, "This field may not be null."),
    ("prompt_version", ["v7"], "Give the version as a string"),
])
def test_the_api_refuses_a_malformed_version_naming_the_field(api, field, value, problem) -> None:
    response = api.post("/api/v1/email-drafts/", email_payload(**{field: value}), format="json")
    assert response.status_code == 400
    errors = response.json()["fields"]
    assert set(errors) == {field} and problem in " ".join(errors[field])
    assert not Proposal.objects.exists()


# --- through the worker's use case --------------------------------------------------------------

def submit(api, **overrides: Any) -> Proposal:
    response = api.post("/api/v1/email-drafts/", email_payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return Proposal.objects.get(pk=response.json()["id"])


def version_of(version: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("agent_version", "prompt_version", "model"), version, strict=True))


@pytest.fixture
def trusted_a(agent) -> Any:
    """cold_email auto-approves what passes its checks; version A has a clean record of 50 reviews."""
    policy("cold_email", mode="calibrated", audit_sample_rate=0, checks=["placeholders", "confidence"],
           confidence_threshold=0.9, error_rate_target=0.1)
    decided(agent[0], "cold_email", 50, reviewer=reviewer("rita"), version=A)
    return agent


@pytest.mark.django_db
@FEW
def test_a_policy_that_auto_approves_version_a_sends_a_new_version_b_to_review(api, trusted_a) -> None:
    old = submit(api, **version_of(A))
    assert old.status == Status.APPROVED and old.gate_reason == "auto-approved by policy cold_email v1"
    approved = AuditEvent.objects.get(proposal_id_ref=old.pk, action="auto_approved")
    assert approved.data["version"]["cleared"] is True and approved.data["version"]["reviewed"] == 50

    new = submit(api, **version_of(B))
    assert new.status == Status.NEEDS_REVIEW and not new.sampled_for_audit
    explained = ("new version agent 2.3.1 · prompt v7 · model gpt-4o-2024-08-06: 0 of 40 reviewed, under review "
                 "until its own record clears the bound")
    assert new.gate_reason == explained
    event = AuditEvent.objects.get(proposal_id_ref=new.pk, action="checks_run")
    assert event.data["reason"] == explained
    assert event.data["version"] == {"agent_version": "2.3.1", "prompt_version": "v7", "model": "gpt-4o-2024-08-06",
                                     "reviewed": 0, "errors": 0, "error_rate_upper_95": None, "minimum": 40,
                                     "target": 0.1, "left_out": 0, "cleared": False, "canary_share": 0.0}
    # Another model under the same prompt is a version of its own too; an output naming no version is
    # judged on the policy alone, as before.
    assert submit(api, **version_of(("2.3.1", "v6", "gpt-4o-mini"))).status == Status.NEEDS_REVIEW
    assert submit(api).status == Status.APPROVED

    # B earns its own record: once enough of its outputs were reviewed, it is auto-approved too.
    decided(trusted_a[0], "cold_email", 45, reviewer=reviewer("sam"), version=B)
    assert submit(api, **version_of(B)).status == Status.APPROVED


@pytest.mark.django_db
@FEW
def test_quality_falling_with_a_new_prompt_keeps_it_under_review(api, trusted_a) -> None:
    people = reviewer("sam")
    decided(trusted_a[0], "cold_email", 40, reviewer=people, version=B)
    decided(trusted_a[0], "cold_email", 12, reviewer=people, version=B, action="reject")
    new = submit(api, **version_of(B))
    assert new.status == Status.NEEDS_REVIEW
    assert "52 reviewed put its error rate's 95% upper bound at" in new.gate_reason
    assert "not under the target 10.0%; under review until its own record clears the bound" in new.gate_reason
    # The old version's record is untouched by it.
    assert submit(api, **version_of(A)).status == Status.APPROVED


@pytest.mark.django_db
@FEW
def test_the_canary_share_is_configurable(api, trusted_a) -> None:
    with override_settings(HITLCRM_NEW_VERSION_CANARY_SHARE=1.0):
        canary = submit(api, **version_of(B))
    assert canary.status == Status.APPROVED
    assert canary.gate_reason == ("auto-approved by policy cold_email v1; a canary of new version agent 2.3.1 · "
                                  "prompt v7 · model gpt-4o-2024-08-06: 0 of 40 reviewed (canary share 100%)")
    assert AuditEvent.objects.get(proposal_id_ref=canary.pk, action="auto_approved").data["version"][
        "canary_share"] == 1.0
    with override_settings(HITLCRM_NEW_VERSION_CANARY_SHARE=0.5):
        drawn = [submit(api, **version_of(B)) for _ in range(12)]
    assert {p.pk for p in drawn if p.status == Status.APPROVED} == {p.pk for p in drawn if canary_draw(p.pk) < 0.5}
    assert submit(api, **version_of(B)).status == Status.NEEDS_REVIEW  # the default share is 0


@pytest.mark.django_db
@FEW
def test_the_version_gate_can_be_switched_off(api, trusted_a) -> None:
    with override_settings(HITLCRM_VERSION_GATE=False):
        assert submit(api, **version_of(B)).status == Status.APPROVED


@pytest.mark.django_db
@FEW
def test_preflight_says_a_new_version_goes_to_review(api, trusted_a) -> None:
    response = api.post("/api/v1/email-drafts/preflight/", email_payload(**version_of(B)), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == Status.NEEDS_REVIEW
    assert response.json()["reason"].startswith("new version agent 2.3.1 · prompt v7")
    assert api.post("/api/v1/email-drafts/preflight/", email_payload(**version_of(A)),
                    format="json").json()["outcome"] == Status.APPROVED


@pytest.mark.django_db
@FEW
def test_labels_of_reviewers_below_the_quality_floor_do_not_clear_a_version(agent) -> None:
    people = reviewer("sam")
    decided(agent[0], "cold_email", 45, reviewer=people, version=B)
    assert version_standing(task_type="cold_email", version=B, target=0.1).cleared
    below = version_standing(task_type="cold_email", version=B, target=0.1, below_floor={people.pk: "sam: too fast"})
    assert not below.cleared and below.reviewed == 0 and below.left_out == 45
    assert "0 of 40 reviewed (45 more left out: reviewers below the quality floor)" in below.explanation()


# --- the metrics per version ----------------------------------------------------------------------

@pytest.mark.django_db
@FEW
def test_the_metrics_are_kept_per_version_and_survive_the_roll_up(agent) -> None:
    january, february = datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 2, 10, tzinfo=UTC)
    people = reviewer("rita")
    policy("cold_email", error_rate_target=0.1)
    decided(agent[0], "cold_email", 45, reviewer=people, version=A, submitted_at=january)
    decided(agent[0], "cold_email", 8, reviewer=people, version=B, action="reject", submitted_at=january)
    decided(agent[0], "cold_email", 2, reviewer=people, version=B, submitted_at=february)
    decided(agent[0], "cold_email", 5, reviewer=people)  # this month

    def versions() -> dict[str, dict[str, Any]]:
        (cold,) = gate_metrics()["task_types"]
        assert cold["gate_total"]["reviewed"] == 60 and cold["gate_total"]["errors"] == 8
        return {row["label"]: row for row in cold["versions"]}

    live = versions()
    a = live["agent 2.3.1 · prompt v6 · model gpt-4o-2024-08-06"]
    b = live["agent 2.3.1 · prompt v7 · model gpt-4o-2024-08-06"]
    assert (a["gate_total"]["reviewed"], a["gate_total"]["errors"], a["may_narrow"], a["held_for_review"]) == (
        45, 0, True, False)
    assert (a["agent_version"], a["prompt_version"], a["model"]) == A
    assert (b["gate_total"]["reviewed"], b["gate_total"]["errors"], b["may_narrow"], b["held_for_review"]) == (
        10, 8, False, True)
    assert b["gate"] == ("new version agent 2.3.1 · prompt v7 · model gpt-4o-2024-08-06: 10 of 40 reviewed, under "
                         "review until its own record clears the bound")
    assert b["reviews_needed"] is None  # 80% errors: no number of reviews would do
    unversioned = live["no version given"]
    assert unversioned["gate_total"]["reviewed"] == 5 and not unversioned["held_for_review"]
    assert unversioned["model"] is None
    assert list(live)[0] == a["label"]  # most outputs first

    # A row per version and month: January A and B, February B (this month is not closed).
    assert metrics_roll_up(full=True) == 3
    assert versions() == live


@pytest.mark.django_db
def test_an_out_of_range_canary_share_stops_the_checks() -> None:
    with override_settings(HITLCRM_NEW_VERSION_CANARY_SHARE=1.5), pytest.raises(SystemCheckError, match="E011"):
        call_command("check")


@pytest.mark.django_db
@FEW
def test_a_golden_copy_says_what_an_item_in_the_queue_would(api, trusted_a, ada_admin) -> None:
    """A copy of an output the policy let through would be the only queued item saying "auto-approved":
    it says what a let-through item in the queue says (the audit sample), and keeps the version."""
    from reviews.models import GoldenExpectation
    from reviews.services.actors import Actor
    from reviews.services.golden import golden_items_seed

    source = submit(api, **version_of(A))
    assert source.status == Status.APPROVED
    held = submit(api, **version_of(B))
    for original in (source, held):
        (item,) = golden_items_seed(source_id=original.pk, expected=GoldenExpectation.PASS,
                                    actor=Actor.for_user(ada_admin))
        copy = Proposal.objects.get(pk=item.proposal_id)
        assert (copy.agent_version, copy.prompt_version, copy.agent_model) == (
            original.agent_version, original.prompt_version, original.agent_model)
        if original is source:
            assert copy.sampled_for_audit and copy.gate_reason == "sampled for audit"
        else:
            assert copy.gate_reason == held.gate_reason and not copy.sampled_for_audit


# --- the gate's read of a version's record is cheap -------------------------------------------------

def queries_by_table(context: Any) -> tuple[int, int]:
    """(queries of the cache table, the others) among those captured."""
    cached = sum(1 for query in context.captured_queries if "hitlcrm_cache" in query["sql"])
    return cached, len(context.captured_queries) - cached


@pytest.mark.django_db
@FEW
def test_the_gate_reads_a_versions_record_with_one_query_besides_the_cache(api, trusted_a) -> None:
    # Closed months rolled up (B's record is mostly there) and the current month live.
    decided(trusted_a[0], "cold_email", 30, reviewer=reviewer("sam"), version=B,
            submitted_at=datetime(2026, 1, 10, tzinfo=UTC))
    metrics_roll_up(full=True)
    decided(trusted_a[0], "cold_email", 15, reviewer=reviewer("sam"), version=B)
    output = submit(api, **version_of(B))  # the first submission reads the roll-ups and the floor once
    rules = Policy.objects.get(task_type="cold_email")
    with CaptureQueriesContext(connection) as again:
        standing = version_standing_for(output, rules)
    assert standing.cleared and standing.reviewed == 45
    assert queries_by_table(again) == (1, 1)  # one read of the cache, one query of the months not rolled up

    # Those months are read every time: a review of B counts at the next submission, cache or not.
    decided(trusted_a[0], "cold_email", 5, reviewer=reviewer("sam"), version=B, action="reject")
    assert version_standing_for(output, rules).reviewed == 50


@pytest.mark.django_db
@FEW
def test_a_roll_up_drops_the_cached_sums_of_the_months_it_rewrote(agent) -> None:
    """The roll-ups recompute the last closed months (late reviews of outputs submitted then): the sums
    the gate keeps of them must follow, or a version's record would stay as it was."""
    people = reviewer("sam")
    january = datetime(2026, 1, 10, tzinfo=UTC)
    decided(agent[0], "cold_email", 30, reviewer=people, version=B, submitted_at=january)
    metrics_roll_up(full=True)
    assert version_standing(task_type="cold_email", version=B, target=0.1).reviewed == 30  # now cached
    decided(agent[0], "cold_email", 12, reviewer=people, version=B, submitted_at=january, action="reject")
    assert version_standing(task_type="cold_email", version=B, target=0.1).reviewed == 30  # January is rolled up
    metrics_roll_up(full=True)
    after = version_standing(task_type="cold_email", version=B, target=0.1)
    assert (after.reviewed, after.errors) == (42, 12)
    with override_settings(HITLCRM_VERSION_STANDING_CACHE_SECONDS=0):  # nothing kept: the same answer
        uncached = version_standing(task_type="cold_email", version=B, target=0.1)
    assert (uncached.reviewed, uncached.errors) == (42, 12)
