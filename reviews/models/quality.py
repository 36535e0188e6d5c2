"""What the quality of the reviewers' labels rests on: golden items (known-answer proposals an admin
seeds into the queue) and when each reviewer opened each item (so a decision taken faster than
``HITLCRM_RUBBER_STAMP_SECONDS`` after the content came on screen, or without it on screen at all,
is flagged as a possible rubber stamp). reviews/services/reviewer_quality.py reads them.

A golden item is a Proposal like any other (same agent, task type, content, checks), so nothing on
the queue or the review page tells it apart; only this table knows. Its decision is the reviewer's
answer, and it is never executed: the executor retires it (reviews/services/golden.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .proposals import Proposal


class GoldenExpectation(models.TextChoices):
    """The known answer, in the terms of the gate's error rate (reviews/services/metrics.py): an
    output a reviewer should let through unchanged, or one with an error a reviewer should catch
    (reject it, or correct it with a material edit)."""

    PASS = "pass", "Correct: approve it unchanged"
    CATCH = "catch", "Has an error: reject it or correct it"


class GoldenItem(models.Model):
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="golden_item")
    # The proposal it was copied from (its content, checks and evidence), for the admin's reference.
    source = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expected = models.CharField(max_length=10, choices=GoldenExpectation.choices)
    note = models.TextField(blank=True, help_text="What the known answer rests on (e.g. the error planted).")
    seeded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    seeded_at = models.DateTimeField(default=timezone.now)
    # Set when its approval reached the executor, which took it out of the loop instead of executing it.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_goldenitem"
        ordering = ["-seeded_at", "-pk"]
        verbose_name = "golden item"

    def __str__(self) -> str:
        return f"Golden item #{self.proposal_id} ({self.get_expected_display()})"


class ReviewOpening(models.Model):
    """The first time a reviewer who may decide had an item's review page rendered: when its content
    came on their screen. One row per item and reviewer (later renders leave it alone)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_reviewopening"
        constraints = [models.UniqueConstraint(fields=["proposal", "reviewer"], name="review_opening_once")]

    def __str__(self) -> str:
        return f"#{self.proposal_id} opened by {self.reviewer_id} at {self.opened_at:%Y-%m-%d %H:%M:%S}"
