"""Reviewer quality (reviews/services/reviewer_quality.py): golden-item accuracy, possible rubber
stamps, Cohen's kappa between reviewers of the same item, and the narrowing verdict leaving out the
labels of reviewers below the quality floor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reviews.models import Decision, GoldenExpectation, ReviewOpening
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.golden import golden_items_seed
from reviews.services.metrics import gate_metrics
from reviews.services.reviewer_quality import cohen_kappa, reviewers_below_floor, reviewers_quality
from tests.factories import decided, policy, reviewer

from .conftest import email_payload

pytestmark = pytest.mark.django_db


def submitted(api, n: int = 1, **overrides) -> list[int]:
    from reviews.services.checking import proposal_run_checks

    ids = []
    for _ in range(n):
        response = api.post("/api/v1/email-drafts/", email_payload(**overrides), format="json")
        ids.append(response.json()["id"])
        proposal_run_checks(proposal_id=ids[-1])
    return ids


def opened(proposal_id: int, user, seconds_before_decision: float) -> None:
    """The review page showed the item to ``user`` this long before their decision on it."""
    decision = Decision.objects.filter(proposal_id=proposal_id, reviewer=user).latest("created_at")
    ReviewOpening.objects.update_or_create(
        proposal_id=proposal_id, reviewer=user,
        defaults={"opened_at": decision.created_at - timedelta(seconds=seconds_before_decision)})


def quality_of(login: str, **kwargs):
    return next(q for q in reviewers_quality(**kwargs).reviewers if q.login == login)


def test_the_review_page_records_when_the_item_came_on_screen(api, rita, carl) -> None:
    (item,) = submitted(api)
    reviewer_client = Client()
    reviewer_client.force_login(rita)
    reviewer_client.get(f"/admin/hitlcrm_reviews/emaildraft/{item}/review/")
    first = ReviewOpening.objects.get(proposal_id=item, reviewer=rita).opened_at
    reviewer_client.get(f"/admin/hitlcrm_reviews/emaildraft/{item}/review/")  # a reload keeps the first sight
    assert ReviewOpening.objects.get(proposal_id=item, reviewer=rita).opened_at == first
    compliance = Client()
    compliance.force_login(carl)  # reads, decides nothing: no opening
    compliance.get(f"/admin/hitlcrm_reviews/emaildraft/{item}/review/")
    assert not ReviewOpening.objects.filter(reviewer=carl).exists()


def test_decisions_faster_than_the_floor_or_unseen_are_possible_rubber_stamps(api, rita, settings) -> None:
    settings.HITLCRM_RUBBER_STAMP_SECONDS = 3
    quick, considered, unseen = submitted(api, 3)
    for item in (quick, considered, unseen):
        proposal_decide(proposal_id=item, actor=Actor.for_user(rita), action="approve")
    opened(quick, rita, 1.5)
    opened(considered, rita, 12)
    quality = quality_of("rita")
    assert (quality.decisions, quality.too_fast, quality.not_opened) == (3, 1, 1)
    assert quality.rubber_stamp_share == pytest.approx(2 / 3)


def test_decisions_from_before_openings_were_recorded_are_not_judged_unseen(api, rita) -> None:
    for item in submitted(api, 2):
        proposal_decide(proposal_id=item, actor=Actor.for_user(rita), action="approve")
    assert quality_of("rita").not_opened == 0  # no opening recorded yet, anywhere: an upgraded installation
    (later,) = submitted(api)
    ReviewOpening.objects.create(proposal_id=later, reviewer=rita)  # recording starts
    proposal_decide(proposal_id=later, actor=Actor.for_user(reviewer("ruth")), action="approve")
    assert quality_of("ruth").not_opened == 1 and quality_of("rita").not_opened == 0


def test_golden_accuracy_judges_answers_as_the_error_rate_judges_outputs(api, rita, ruth, ada_admin) -> None:
    (source,) = submitted(api)
    admin = Actor.for_user(ada_admin)
    right_pass, wrong_pass = (item.proposal_id for item in golden_items_seed(
        source_id=source, expected=GoldenExpectation.PASS, actor=admin, copies=2))
    caught_by_edit, missed, cosmetic, seeder_own = (item.proposal_id for item in golden_items_seed(
        source_id=source, expected=GoldenExpectation.CATCH, actor=admin, copies=4))
    proposal_decide(proposal_id=right_pass, actor=Actor.for_user(rita), action="approve")
    proposal_decide(proposal_id=wrong_pass, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    proposal_decide(proposal_id=caught_by_edit, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"subject": "A very different subject"})
    proposal_decide(proposal_id=missed, actor=Actor.for_user(ruth), action="approve")
    proposal_decide(proposal_id=cosmetic, actor=Actor.for_user(ruth), action="edit_approve",
                    edits={"subject": "idea for contoso "})  # letter case and spaces: not material
    proposal_decide(proposal_id=seeder_own, actor=admin, action="reject", reason_code="tone")
    rita_quality, ruth_quality = quality_of("rita"), quality_of("ruth")
    assert (rita_quality.golden_answered, rita_quality.golden_correct) == (3, 2)
    assert (ruth_quality.golden_answered, ruth_quality.golden_correct) == (2, 0)
    assert quality_of("ada").golden_answered == 0  # the seeder knows the answers


def test_cohen_kappa_by_hand() -> None:
    pairs = [(True, True)] * 20 + [(False, False)] * 15 + [(True, False)] * 5 + [(False, True)] * 10
    # observed 35/50 = 0.7; first says yes 25/50, second 30/50: chance 0.5·0.6 + 0.5·0.4 = 0.5
    assert cohen_kappa(pairs) == pytest.approx((0.7 - 0.5) / (1 - 0.5))
    assert cohen_kappa([(False, False)] * 5) is None  # both always said the same one thing: undefined
    assert cohen_kappa([]) is None
    assert cohen_kappa([(True, False), (False, True)]) == pytest.approx(-1.0)


def test_agreement_between_the_two_reviewers_of_a_four_eyes_item(api, rita, sam) -> None:
    policy("cold_email", mode="always_review", required_approvals=2)
    agreed, disagreed, rejected = submitted(api, 3)
    for item in (agreed, disagreed, rejected):
        proposal_decide(proposal_id=item, actor=Actor.for_user(rita), action="approve")
    proposal_decide(proposal_id=agreed, actor=Actor.for_user(sam), action="approve")
    proposal_decide(proposal_id=disagreed, actor=Actor.for_user(sam), action="reject", reason_code="tone")
    proposal_decide(proposal_id=rejected, actor=Actor.for_user(sam), action="edit_approve",
                    edits={"body": "Something else entirely."})
    report = reviewers_quality()
    rita_quality, sam_quality = (next(q for q in report.reviewers if q.login == name) for name in ("rita", "sam"))
    assert sorted(rita_quality.pairs) == [(False, False), (False, True), (False, True)]
    assert sorted(sam_quality.pairs) == [(False, False), (True, False), (True, False)]
    assert rita_quality.agreement == pytest.approx(1 / 3)
    assert report.pairs == [(False, False), (False, True), (False, True)]
    assert report.kappa == pytest.approx(cohen_kappa(report.pairs))


def test_copies_of_one_golden_item_pair_their_reviewers(api, rita, ruth, ada_admin) -> None:
    (source,) = submitted(api)
    first, second = (item.proposal_id for item in golden_items_seed(
        source_id=source, expected=GoldenExpectation.CATCH, actor=Actor.for_user(ada_admin), copies=2))
    proposal_decide(proposal_id=first, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    proposal_decide(proposal_id=second, actor=Actor.for_user(ruth), action="approve")
    assert quality_of("rita").pairs == [(True, False)] and quality_of("ruth").pairs == [(False, True)]


def test_who_is_below_the_quality_floor(api, rita, ruth, ada_admin, settings) -> None:
    settings.HITLCRM_REVIEWER_MIN_GOLDEN = 4
    settings.HITLCRM_REVIEWER_QUALITY_FLOOR = 0.75
    (source,) = submitted(api)
    copies = [item.proposal_id for item in golden_items_seed(source_id=source, expected=GoldenExpectation.CATCH,
                                                             actor=Actor.for_user(ada_admin), copies=7)]
    for item in copies[:4]:  # rita: 2 of 4 right
        action = "reject" if item in copies[:2] else "approve"
        proposal_decide(proposal_id=item, actor=Actor.for_user(rita), action=action, reason_code="tone")
    for item in copies[4:]:  # ruth: 1 of 3 right, too few answers to judge
        action = "reject" if item == copies[4] else "approve"
        proposal_decide(proposal_id=item, actor=Actor.for_user(ruth), action=action, reason_code="tone")
    below = reviewers_below_floor()
    assert list(below) == [rita.pk]
    assert "golden-item accuracy 50% (2 of 4) is under the floor 75%" in below[rita.pk]


def test_too_many_rubber_stamps_put_a_reviewer_below_the_floor(agent, rita, settings) -> None:
    settings.HITLCRM_REVIEWER_MIN_DECISIONS = 10
    settings.HITLCRM_RUBBER_STAMP_MAX_SHARE = 0.2
    items = decided(agent[0], "cold_email", 10, reviewer=rita)
    for number, item in enumerate(items):
        opened(item.pk, rita, 1 if number < 3 else 20)  # three of ten in under three seconds
    assert "30% of 10 decisions were possible rubber stamps" in reviewers_below_floor()[rita.pk]
    settings.HITLCRM_RUBBER_STAMP_MAX_SHARE = 0.3
    assert reviewers_below_floor() == {}
    settings.HITLCRM_REVIEWER_MIN_DECISIONS = 11
    settings.HITLCRM_RUBBER_STAMP_MAX_SHARE = 0.2
    assert reviewers_below_floor() == {}


def test_only_the_window_counts(agent, rita, settings) -> None:
    settings.HITLCRM_REVIEWER_QUALITY_DAYS = 30
    decided(agent[0], "cold_email", 4, reviewer=rita, submitted_at=timezone.now() - timedelta(days=45))
    decided(agent[0], "cold_email", 2, reviewer=rita)
    assert quality_of("rita").decisions == 2


@pytest.fixture
def gate_history(agent, rita, ruth):
    """cold_email: rita reviewed 100 outputs and found 10 errors; ruth approved 600, every one unchanged."""
    policy("cold_email", mode="always_review", error_rate_target=0.05)
    ritas = decided(agent[0], "cold_email", 90, reviewer=rita) + decided(agent[0], "cold_email", 10, reviewer=rita,
                                                                        action="reject")
    ReviewOpening.objects.bulk_create([ReviewOpening(proposal=item, reviewer=rita,
                                                     opened_at=item.submitted_at - timedelta(seconds=40))
                                       for item in ritas])
    return decided(agent[0], "cold_email", 600, reviewer=ruth)


def test_the_narrowing_verdict_leaves_out_reviewers_below_the_floor(gate_history, ruth) -> None:
    # ruth's decisions came less than a second after each item was on screen: rubber stamps.
    ReviewOpening.objects.bulk_create([ReviewOpening(proposal=item, reviewer=ruth,
                                                     opened_at=item.submitted_at - timedelta(seconds=0.5))
                                       for item in gate_history])
    (cold,) = gate_metrics()["task_types"]
    assert cold["gate_total"]["reviewed"] == 700 and cold["gate_total"]["errors"] == 10
    assert cold["left_out"] == {"reviewed": 600, "errors": 0}
    assert (cold["counted_total"]["reviewed"], cold["counted_total"]["errors"]) == (100, 10)
    assert not cold["may_narrow"] and cold["reviews_needed"] is None  # 10% is not under 5%
    assert "600 reviewed outputs (0 errors) decided by reviewers below the quality floor are left out" in \
        cold["recommendation"]
    assert [entry.split(":")[0] for entry in gate_metrics()["reviewers_below_floor"]] == ["ruth"]


def test_the_same_labels_count_when_the_reviewer_took_their_time(gate_history, ruth) -> None:
    ReviewOpening.objects.bulk_create([ReviewOpening(proposal=item, reviewer=ruth,
                                                     opened_at=item.submitted_at - timedelta(seconds=25))
                                       for item in gate_history])
    (cold,) = gate_metrics()["task_types"]
    assert cold["left_out"] == {"reviewed": 0, "errors": 0}
    assert cold["may_narrow"]  # 10 errors in 700: the upper bound is under 5%
    assert gate_metrics()["reviewers_below_floor"] == []
