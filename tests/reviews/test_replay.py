"""What-if replay (reviews/services/replay.py): a candidate policy replayed on the latest human-decided
proposals of its task type, from stored check results and decisions only, with known answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from reviews.gate import audit_sample_draw
from reviews.models import AuditEvent, Execution, GoldenExpectation, Policy, Proposal
from reviews.services.actors import Actor
from reviews.services.golden import golden_items_seed
from reviews.services.metrics import wilson_upper
from reviews.services.replay import policy_replay
from tests.factories import decided, policy

pytestmark = pytest.mark.django_db

PASSING = (("placeholders", "soft", True), ("tone", "soft", True), ("confidence", "soft", True))
TONE_FAILED = (("placeholders", "soft", True), ("tone", "soft", False), ("confidence", "soft", True))
# The confidence check failed when it ran (the saved threshold was 0.9): re-derived by the replay.
UNDER_OLD_THRESHOLD = (("placeholders", "soft", True), ("tone", "soft", True), ("confidence", "soft", False))
HARD_FAILED = (("placeholders", "hard", False), ("tone", "soft", True), ("confidence", "soft", True))


def candidate(task_type: str = "cold_email", **values: object) -> Policy:
    """Unsaved values, as the policy form holds them."""
    saved = Policy.objects.filter(task_type=task_type).first()
    fields = {field.name: getattr(saved, field.name) for field in Policy._meta.concrete_fields} if saved else {}
    return Policy(**{**fields, "task_type": task_type, **values})


@pytest.fixture
def sample(agent, rita) -> dict[str, list[Proposal]]:
    """cold_email, 100 decided by a person, 25 of them errors (rejected or materially edited)."""
    client = agent[0]
    policy("cold_email", mode="always_review", confidence_threshold=0.9, audit_sample_rate=0.05)
    now = timezone.now()
    return {
        "clean_ok": decided(client, "cold_email", 40, reviewer=rita, checks=PASSING, submitted_at=now),
        "clean_rejected": decided(client, "cold_email", 5, reviewer=rita, action="reject", checks=PASSING,
                                  submitted_at=now),
        "clean_edited": decided(client, "cold_email", 5, reviewer=rita, action="edit_approve", material=True,
                                checks=PASSING, submitted_at=now),
        "tone_ok": decided(client, "cold_email", 20, reviewer=rita, checks=TONE_FAILED, submitted_at=now),
        "tone_rejected": decided(client, "cold_email", 10, reviewer=rita, action="reject", checks=TONE_FAILED,
                                 submitted_at=now),
        "low_ok": decided(client, "cold_email", 10, reviewer=rita, confidence=0.85, checks=UNDER_OLD_THRESHOLD,
                          submitted_at=now),
        "low_rejected": decided(client, "cold_email", 5, reviewer=rita, action="reject", confidence=0.85,
                                checks=UNDER_OLD_THRESHOLD, submitted_at=now),
        "blocked_then_decided": decided(client, "cold_email", 5, reviewer=rita, checks=HARD_FAILED, submitted_at=now),
    }


def unsampled(proposals: list[Proposal], rate: float) -> list[Proposal]:
    return [p for p in proposals if audit_sample_draw(p.pk) >= rate]


def test_calibrated_candidate_auto_approves_what_passes_and_clears_the_threshold(sample) -> None:
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0))
    assert (replay.decisions, replay.errors) == (100, 25)
    outcome = replay.candidate
    # Every check passed and 0.95 clears 0.9: the clean ones, and nothing else.
    assert outcome.auto_approved == 50
    assert outcome.errors_let_through == 10  # 5 rejected + 5 materially edited
    assert outcome.error_rate == pytest.approx(0.2)
    assert outcome.error_rate_upper_95 == pytest.approx(wilson_upper(10, 50))
    # No check had failed on them: only the reviewer caught them.
    assert outcome.caught_by == {} and outcome.uncaught == 10


def test_the_audit_sample_is_drawn_as_the_gate_draws_it(sample) -> None:
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.5))
    clean = sample["clean_ok"] + sample["clean_rejected"] + sample["clean_edited"]
    let_through = unsampled(clean, 0.5)
    assert replay.candidate.auto_approved == len(let_through)
    assert replay.candidate.sampled_for_audit == len(clean) - len(let_through)
    errors = [p for p in let_through if p in sample["clean_rejected"] + sample["clean_edited"]]
    assert replay.candidate.errors_let_through == len(errors)


def test_a_lower_threshold_is_applied_afresh_to_the_stored_confidence(sample) -> None:
    """The stored confidence check failed under the old 0.9 bar; at 0.8 the 0.85 ones go through."""
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0, confidence_threshold=0.8))
    assert replay.candidate.auto_approved == 50 + 15
    assert replay.candidate.errors_let_through == 10 + 5
    assert replay.candidate.caught_by == {"confidence": 5}  # the old threshold caught those five


def test_log_only_lets_soft_failures_through_and_names_the_checks_that_caught_them(sample) -> None:
    replay = policy_replay(candidate=candidate(mode="log_only", reversible=True, audit_sample_rate=0.0))
    # Everything but the hard failures executes ungated.
    assert replay.candidate.auto_approved == 95
    assert replay.candidate.errors_let_through == 25
    assert replay.candidate.caught_by == {"tone": 10, "confidence": 5}
    assert replay.candidate.uncaught == 10


def test_a_check_left_out_no_longer_stops_what_it_caught(sample) -> None:
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0,
                                               checks=["placeholders", "confidence"]))
    assert replay.candidate.auto_approved == 50 + 30
    assert replay.candidate.errors_let_through == 10 + 10
    assert replay.candidate.caught_by == {"tone": 10}


def test_a_named_check_that_never_ran_counts_as_passed_and_is_reported(sample) -> None:
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0,
                                               checks=["placeholders", "tone", "confidence", "ai_reviewer"]))
    assert replay.candidate.auto_approved == 50
    assert replay.candidate.checks_not_run == {"ai_reviewer": 100}


def test_always_review_and_four_eyes_approve_nothing(sample) -> None:
    assert policy_replay(candidate=candidate(mode="always_review")).candidate.auto_approved == 0
    assert policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0,
                                             required_approvals=2)).candidate.auto_approved == 0


def test_four_eyes_fields_and_field_confidence_of_crm_changes(agent, rita) -> None:
    policy("contact_update", mode="always_review")
    decided(agent[0], "contact_update", 6, reviewer=rita, kind="crm_change", checks=PASSING,
            fields={"Title": 0.95, "Department": 0.95})
    decided(agent[0], "contact_update", 4, reviewer=rita, kind="crm_change", checks=PASSING,
            fields={"Title": 0.95, "Amount": 0.6})
    base = {"task_type": "contact_update", "mode": "calibrated", "audit_sample_rate": 0.0}
    assert policy_replay(candidate=candidate(**base, field_confidence_threshold=0.5)).candidate.auto_approved == 10
    assert policy_replay(candidate=candidate(**base, field_confidence_threshold=0.8)).candidate.auto_approved == 6
    assert policy_replay(candidate=candidate(**base, field_confidence_threshold=0.5,
                                             four_eyes_fields=["Amount"])).candidate.auto_approved == 6


def test_the_saved_policy_is_replayed_on_the_same_items(sample) -> None:
    saved = Policy.objects.get(task_type="cold_email")
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0), saved=saved)
    assert replay.saved is not None and replay.saved.auto_approved == 0  # always review
    assert replay.as_dict()["saved"]["auto_approved"] == 0
    assert replay.as_dict()["candidate"]["auto_approved"] == 50


def test_only_the_latest_n_of_the_task_type_and_no_golden_item(sample, agent, rita, ada_admin) -> None:
    older = timezone.now() - timedelta(days=30)
    decided(agent[0], "cold_email", 30, reviewer=rita, checks=PASSING, submitted_at=older)  # older: left out
    decided(agent[0], "follow_up", 30, reviewer=rita, checks=PASSING)  # another task type
    golden_items_seed(source_id=sample["clean_ok"][0].pk, expected=GoldenExpectation.PASS,
                      actor=Actor.for_user(ada_admin), copies=3)
    replay = policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0), limit=100)
    assert replay.decisions == 100 and replay.candidate.auto_approved == 50
    assert replay.first_submitted > older
    assert policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0), limit=130).decisions == 130


def test_the_default_policy_replays_the_task_types_without_a_policy_of_their_own(sample, agent, rita) -> None:
    decided(agent[0], "follow_up", 7, reviewer=rita, checks=PASSING)
    replay = policy_replay(candidate=candidate(task_type="*", mode="calibrated", audit_sample_rate=0.0))
    assert replay.decisions == 7  # cold_email has its own policy


def test_a_few_queries_whatever_the_number_and_nothing_changes(sample, agent, rita,
                                                               django_assert_max_num_queries) -> None:
    decided(agent[0], "contact_update", 5, reviewer=rita, kind="crm_change", fields={"Title": 0.9})
    before = (AuditEvent.objects.count(), Execution.objects.count(),
              sorted(Proposal.objects.values_list("pk", "status", "updated_at")))
    emails, changes = candidate(mode="calibrated"), candidate(task_type="contact_update", mode="calibrated")
    with django_assert_max_num_queries(3):  # emails only: the policies, their rows and their check results
        policy_replay(candidate=emails)
    decided(agent[0], "cold_email", 400, reviewer=rita, checks=TONE_FAILED)
    with django_assert_max_num_queries(3):
        assert policy_replay(candidate=emails).decisions == 500
    with django_assert_max_num_queries(4):  # and a CRM change's fields
        policy_replay(candidate=changes)
    after = (AuditEvent.objects.count(), Execution.objects.count(),
             sorted(Proposal.objects.filter(pk__in=[p for p, *_ in before[2]]).values_list("pk", "status", "updated_at")))
    assert after == before


def test_nothing_to_replay(agent) -> None:
    replay = policy_replay(candidate=candidate(task_type="brand_new", mode="calibrated"))
    assert replay.decisions == 0 and replay.candidate.auto_approved == 0 and replay.candidate.error_rate is None


# --- scoped policies: a policy is replayed on the outputs it governs -------------------------------

V7 = ("2.3.1", "v7", "gpt-4o")
V6 = ("2.3.1", "v6", "gpt-4o")


def test_a_scoped_policy_replays_only_the_decisions_of_its_versions(agent, rita) -> None:
    policy("cold_email", mode="always_review")
    decided(agent[0], "cold_email", 12, reviewer=rita, checks=PASSING, version=V7)
    decided(agent[0], "cold_email", 8, reviewer=rita, checks=PASSING, version=V6)
    decided(agent[0], "cold_email", 5, reviewer=rita, checks=PASSING)
    with override_settings(HITLCRM_VERSION_GATE=False):  # the policies alone, here
        scoped = policy_replay(candidate=candidate(prompt_version="v7", mode="calibrated", audit_sample_rate=0.0))
        assert (scoped.decisions, scoped.candidate.auto_approved) == (12, 12)
        assert scoped.as_dict()["scope"] == {"agent_version": None, "prompt_version": "v7", "model": None}
        assert scoped.governs == "cold_email, prompt v7"
        # Before the scoped policy is saved the generic one governs every output; after, not v7's.
        assert policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0)).decisions == 25
        policy("cold_email", prompt_version="v7", mode="always_review")
        assert policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0)).decisions == 13
        # A policy for the model covers v6 and v7, less what the more specific v7 policy governs.
        model = policy_replay(candidate=candidate(agent_model="gpt-4o", mode="calibrated", audit_sample_rate=0.0))
        assert model.decisions == 8


# --- the version rule, as it stood when each item was submitted -----------------------------------

def one_by_one(agent, rita, count: int, *, version: tuple[str, str, str], start, **values) -> list[Proposal]:
    """``count`` outputs of ``version`` submitted (and decided at once) a minute apart from ``start``."""
    return [proposal for number in range(count) for proposal in
            decided(agent[0], "cold_email", 1, reviewer=rita, checks=PASSING, version=version,
                    submitted_at=start + timedelta(minutes=number), **values)]


@pytest.fixture
def versioned(agent, rita) -> dict[str, list[Proposal]]:
    """60 outputs of v7, reviewed clean one after the other; 10 of a v6 never reviewed before them."""
    policy("cold_email", mode="always_review", error_rate_target=0.1)
    start = timezone.now() - timedelta(days=3)
    return {"v7": one_by_one(agent, rita, 60, version=V7, start=start),
            "v6": one_by_one(agent, rita, 10, version=V6, start=start + timedelta(hours=5), action="reject")}


@override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=40)
def test_the_replay_holds_what_a_version_had_not_earned_when_it_was_submitted(versioned) -> None:
    calibrated = candidate(mode="calibrated", audit_sample_rate=0.0)
    replay = policy_replay(candidate=calibrated)
    assert replay.decisions == 70 and replay.version_rule
    # The first 40 of v7 came before v7 had 40 reviewed outputs of its own: held for a person. The 20
    # after them were let through (40 clean reviews put the 95% bound at 8.8%, under the 10% target);
    # v6 had no record at all when its 10 came (its rejections came after): held too.
    assert replay.candidate.auto_approved == 20
    assert replay.candidate.held_for_version == 40 + 10
    assert replay.candidate.errors_let_through == 0  # v6's rejected outputs are not let through
    assert replay.as_dict()["candidate"]["held_for_version"] == 50
    # A stricter target than the record supports: nothing of v7 clears it.
    assert policy_replay(candidate=candidate(mode="calibrated", audit_sample_rate=0.0,
                                             error_rate_target=0.05)).candidate.auto_approved == 0
    # The canary share lets its share of the held ones through, drawn as the gate draws it.
    with override_settings(HITLCRM_NEW_VERSION_CANARY_SHARE=1.0):
        canaries = policy_replay(candidate=calibrated).candidate
    assert (canaries.auto_approved, canaries.canaries, canaries.held_for_version, canaries.errors_let_through) == (
        70, 50, 0, 10)
    # With the version rule off, the policy alone decides, as before.
    with override_settings(HITLCRM_VERSION_GATE=False):
        alone = policy_replay(candidate=calibrated)
    assert (alone.candidate.auto_approved, alone.candidate.held_for_version, alone.version_rule) == (70, 0, False)


@override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=40)
def test_the_version_rule_costs_a_fixed_number_of_queries(versioned, agent, rita,
                                                          django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calibrated = candidate(mode="calibrated", audit_sample_rate=0.0)
    with CaptureQueriesContext(connection) as first:
        policy_replay(candidate=calibrated)
    one_by_one(agent, rita, 90, version=("2.3.1", "v8", "gpt-4o"), start=timezone.now() - timedelta(days=1))
    with django_assert_max_num_queries(len(first)):  # 90 more items of a third version: no query more
        assert policy_replay(candidate=calibrated).decisions == 160
