"""The labels are only as good as the reviewers: how good each reviewer's decisions are as evidence.

The gate's error rate (reviews/services/metrics.py) counts what reviewers decided. Three measures
say how far those decisions can be trusted, each over the decisions of the last
``HITLCRM_REVIEWER_QUALITY_DAYS``:

- accuracy on golden items (known-answer proposals an admin seeds, reviews/services/golden.py): the
  share of a reviewer's answers that match the known one. An answer is judged as the error rate
  judges an output: "caught" when the reviewer rejected it or approved it after a material edit (or,
  for a CRM change, rejected some of its fields), "let through" otherwise. The admin who seeded a
  golden item knows its answer, so their own decision on it is not counted;
- possible rubber stamps: decisions taken less than ``HITLCRM_RUBBER_STAMP_SECONDS`` after the
  reviewer's review page showed the item (``ReviewOpening``, recorded when the page is rendered), or
  without that page ever shown to them (bulk decisions from the queue are such decisions). Decisions
  from before the first opening was recorded (an installation upgraded to this) are not judged unseen;
- agreement between reviewers who judged the same item (Cohen's kappa on the caught / let-through
  label): the two approvers of a four-eyes item (and one who approved with one who then rejected),
  and the copies of one golden item answered by different reviewers.

A reviewer is below the quality floor when their golden accuracy, over at least
``HITLCRM_REVIEWER_MIN_GOLDEN`` answers, is under ``HITLCRM_REVIEWER_QUALITY_FLOOR``, or when more than
``HITLCRM_RUBBER_STAMP_MAX_SHARE`` of their decisions (at least ``HITLCRM_REVIEWER_MIN_DECISIONS``)
are possible rubber stamps. The narrowing recommendation leaves the labels of such reviewers out
(:func:`reviews.services.metrics.gate_metrics`): a gate is never narrowed on their word. Agreement is
reported, not judged: few items are seen twice, and a low kappa says "look", not who is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from ..conf import hitlcrm_settings
from ..models import CrmFieldChange, Decision, GoldenExpectation, GoldenItem, ReviewOpening
from ..models.clients import login_path
from ..models.crm import FieldDecision
from ..models.decisions import LIVE
from .decisions import _is_material as edits_are_material

HUMAN = (Decision.Action.APPROVE, Decision.Action.EDIT_APPROVE, Decision.Action.REJECT)


def review_opening_record(*, proposal_id: int, user: Any) -> None:
    """The review page showed the item to ``user``: the first time is kept (one INSERT, ignored when
    the row is there already). Decisions are timed from it (see :func:`reviewers_quality`)."""
    ReviewOpening.objects.bulk_create([ReviewOpening(proposal_id=proposal_id, reviewer=user, opened_at=timezone.now())],
                                      ignore_conflicts=True)


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two raters' yes/no labels (one pair per item): the agreement beyond what
    their own rates of "yes" would give by chance. None without pairs, or when chance alone explains
    every agreement (both always gave the same one label: kappa is undefined)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for first, second in pairs if first == second) / n
    first_yes = sum(1 for first, _ in pairs if first) / n
    second_yes = sum(1 for _, second in pairs if second) / n
    expected = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass
class ReviewerQuality:
    reviewer_id: int
    login: str
    decisions: int = 0
    too_fast: int = 0
    not_opened: int = 0
    golden_answered: int = 0
    golden_correct: int = 0
    # Items this reviewer and another one judged: (this reviewer's label, the other's), True = caught.
    pairs: list[tuple[bool, bool]] = field(default_factory=list)
    below_floor: str = ""  # why the reviewer is below the quality floor; "" when not

    @property
    def rubber_stamps(self) -> int:
        return self.too_fast + self.not_opened

    @property
    def rubber_stamp_share(self) -> float | None:
        return self.rubber_stamps / self.decisions if self.decisions else None

    @property
    def golden_accuracy(self) -> float | None:
        return self.golden_correct / self.golden_answered if self.golden_answered else None

    @property
    def agreement(self) -> float | None:
        return sum(1 for own, other in self.pairs if own == other) / len(self.pairs) if self.pairs else None

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.pairs)

    def as_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "reviewer": self.login, "decisions": self.decisions, "too_fast": self.too_fast,
            "not_opened": self.not_opened, "rubber_stamp_share": rounded(self.rubber_stamp_share),
            "golden_answered": self.golden_answered, "golden_correct": self.golden_correct,
            "golden_accuracy": rounded(self.golden_accuracy), "paired": len(self.pairs),
            "agreement": rounded(self.agreement), "kappa": rounded(self.kappa), "below_floor": self.below_floor,
        }


@dataclass
class QualityReport:
    since: datetime
    reviewers: list[ReviewerQuality]
    # Every pair of labels on one item, the earlier decision's first: the team's overall kappa.
    pairs: list[tuple[bool, bool]] = field(default_factory=list)

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.pairs)

    @property
    def below_floor(self) -> dict[int, str]:
        return {quality.reviewer_id: f"{quality.login}: {quality.below_floor}"
                for quality in self.reviewers if quality.below_floor}


def reviewers_quality(*, now: datetime | None = None, agreement: bool = True) -> QualityReport:
    """Each reviewer's quality over the window (see the module's docstring), in two queries:
    per-reviewer counts (decisions, possible rubber stamps), and the decisions on golden items (and,
    with ``agreement``, on items two reviewers judged), labelled here."""
    since = (now or timezone.now()) - timedelta(days=hitlcrm_settings.REVIEWER_QUALITY_DAYS)
    floor = timedelta(seconds=float(hitlcrm_settings.RUBBER_STAMP_SECONDS))
    window = Decision.objects.filter(reviewer__isnull=False, action__in=HUMAN, created_at__gte=since)
    # The reviewer's first sight of the item, when it came before the decision.
    opened = ReviewOpening.objects.filter(proposal=OuterRef("proposal_id"), reviewer=OuterRef("reviewer_id"),
                                          opened_at__lte=OuterRef("created_at"))
    fast = ReviewOpening.objects.filter(proposal=OuterRef("proposal_id"), reviewer=OuterRef("reviewer_id"),
                                        opened_at__lte=OuterRef("created_at"),
                                        opened_at__gt=OuterRef("created_at") - floor)
    # Openings are recorded from some day on (the first row): a decision before it is not "unseen".
    recording_since = Subquery(ReviewOpening.objects.order_by("pk").values("opened_at")[:1])
    counts = (window.alias(opened=Exists(opened), fast=Exists(fast))
              .values("reviewer_id").annotate(
                  login=F(login_path("reviewer")), decisions=Count("pk"),
                  not_opened=Count("pk", filter=Q(opened=False, created_at__gte=recording_since)),
                  too_fast=Count("pk", filter=Q(fast=True)))
              .order_by())
    people = {row["reviewer_id"]: ReviewerQuality(row["reviewer_id"], row["login"], decisions=row["decisions"],
                                                  not_opened=row["not_opened"], too_fast=row["too_fast"])
              for row in counts}
    report = QualityReport(since=since, reviewers=sorted(people.values(), key=lambda quality: quality.login))
    _labels_read(report, people, window, agreement=agreement)
    for quality in report.reviewers:
        quality.below_floor = _below_floor(quality)
    return report


def _labels_read(report: QualityReport, people: dict[int, ReviewerQuality], window: Any, *, agreement: bool) -> None:
    """Golden answers and, with ``agreement``, the pairs of labels of items two reviewers judged."""
    live = window.filter(LIVE)
    # The items wanted by their ids (the golden items' few, and those two reviewers judged), so the
    # database filters the window's decisions instead of joining each to its proposal first.
    wanted = Q(proposal_id__in=GoldenItem.objects.values("proposal_id"))
    if agreement:
        # Two reviewers or more (reviewer_id is never NULL in the window): their lowest and highest
        # ids differ, which a hash aggregate answers without sorting each item's reviewers.
        shared = (live.values("proposal_id").annotate(lowest=Min("reviewer_id"), highest=Max("reviewer_id"))
                  .filter(lowest__lt=F("highest")).values("proposal_id").order_by())
        wanted |= Q(proposal_id__in=shared)
    rejected_fields = CrmFieldChange.objects.filter(proposal=OuterRef("proposal_id"), decision=FieldDecision.REJECTED)
    rows = (live.filter(wanted).annotate(fields_rejected=Exists(rejected_fields))
            .values_list("reviewer_id", "proposal_id", "action", "edits", "created_at", "proposal__decided_by_id",
                         "fields_rejected", "proposal__golden_item__expected", "proposal__golden_item__source_id",
                         "proposal__golden_item__seeded_by_id")
            .order_by("created_at", "pk"))
    # item -> {reviewer: label of their first decision on it}; a golden item's copies are one item.
    labels: dict[tuple[str, int], dict[int, bool]] = defaultdict(dict)
    for reviewer_id, proposal_id, action, edits, _at, decided_by, fields_rejected, expected, source, seeder in rows:
        if reviewer_id == seeder or reviewer_id not in people:
            continue  # the seeder knows the answer
        caught = (action == Decision.Action.REJECT or edits_are_material(edits or {})
                  or (bool(fields_rejected) and reviewer_id == decided_by))
        if expected:
            people[reviewer_id].golden_answered += 1
            people[reviewer_id].golden_correct += int(caught == (expected == GoldenExpectation.CATCH))
        item = ("golden", source) if expected and source else ("proposal", proposal_id)
        labels[item].setdefault(reviewer_id, caught)
    if not agreement:
        return
    for by_reviewer in labels.values():
        judged = list(by_reviewer.items())  # in the order of their decisions
        for index, (first, first_label) in enumerate(judged):
            for second, second_label in judged[index + 1:]:
                report.pairs.append((first_label, second_label))
                people[first].pairs.append((first_label, second_label))
                people[second].pairs.append((second_label, first_label))


def _below_floor(quality: ReviewerQuality) -> str:
    floor = float(hitlcrm_settings.REVIEWER_QUALITY_FLOOR)
    reasons = []
    accuracy = quality.golden_accuracy
    if quality.golden_answered >= hitlcrm_settings.REVIEWER_MIN_GOLDEN and accuracy is not None and accuracy < floor:
        reasons.append(f"golden-item accuracy {accuracy:.0%} ({quality.golden_correct} of {quality.golden_answered}) "
                       f"is under the floor {floor:.0%}")
    share, most = quality.rubber_stamp_share, float(hitlcrm_settings.RUBBER_STAMP_MAX_SHARE)
    if quality.decisions >= hitlcrm_settings.REVIEWER_MIN_DECISIONS and share is not None and share > most:
        reasons.append(f"{share:.0%} of {quality.decisions} decisions were possible rubber stamps (more than {most:.0%})")
    return "; ".join(reasons)


def reviewers_below_floor(*, now: datetime | None = None) -> dict[int, str]:
    """{reviewer id: who and why} of the reviewers below the quality floor: the labels the narrowing
    recommendation leaves out."""
    return reviewers_quality(now=now, agreement=False).below_floor
