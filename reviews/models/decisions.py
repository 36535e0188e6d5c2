"""Each person's (or policy's) decision on a record. The database itself enforces segregation of
duties: nobody decides what their own service account submitted, and the approvals that count
towards one record come from distinct people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .proposals import Proposal


class ReasonCode(models.TextChoices):
    FACTUAL_ERROR = "factual_error", "Factual error"
    TONE = "tone", "Tone"
    COMPLIANCE = "compliance", "Compliance"
    WRONG_TARGET = "wrong_target", "Wrong target"
    OTHER = "other", "Other"


# A decision that still counts: not undone, and not settled when the record was decided again
# (``Decision.revoked_at``). The one definition of "live", for filters and annotations alike.
LIVE = models.Q(revoked_at__isnull=True)


class DecisionQuerySet(models.QuerySet):
    def live(self) -> DecisionQuerySet:
        """The decisions that still count (see ``LIVE``)."""
        return self.filter(LIVE)

    def live_approvals(self) -> DecisionQuerySet:
        """The approvals by people that still count towards the approvals a record needs."""
        return self.filter(LIVE, action__in=Decision.APPROVING)


class Decision(models.Model):
    class Action(models.TextChoices):
        APPROVE = "approve", "Approve"
        EDIT_APPROVE = "edit_approve", "Edit & approve"
        REJECT = "reject", "Reject"
        AUTO_APPROVE = "auto_approve", "Auto-approved by policy"

    # A person's approval, with or without edits (an auto-approval is the policy's, not an approval given).
    APPROVING = (Action.APPROVE, Action.EDIT_APPROVE)

    class Settled(models.TextChoices):
        """Why a decision stopped counting (``revoked_at`` is set)."""

        UNDONE = "undone", "undone"
        EXECUTION_FAILED = "failed", "execution failed; decided again"
        CONFLICT = "conflict", "conflict: the CRM changed; decided again"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    # Copied from the proposal's agent so a CHECK constraint can compare it with the reviewer.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason_code = models.CharField(max_length=30, choices=ReasonCode.choices, blank=True)
    note = models.TextField(blank=True)
    edits = models.JSONField(default=dict, blank=True, help_text="What the reviewer changed: {field: [old, new]}.")
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    origin_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the decision no longer counts: the reviewer undid it in the grace period, or its
    # execution failed or met a conflict and the record was decided again. ``settled`` says which.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A database default too: rows written outside the ORM (raw SQL, other tools) get "" as well.
    settled = models.CharField(max_length=10, choices=Settled.choices, blank=True, db_default="")
    # Approve A, execute A (docs/gate.md): on the approval that made the record approved (a person's
    # last approval, or the policy's), the SHA-256 of the RFC 8785 canonical form of the exact payload
    # its executor will send (``Kind.execution_payload``); the executor recomputes it from what it is
    # about to send and refuses on a difference. Blank on rejections and first of two approvals.
    payload_digest = models.CharField(max_length=64, blank=True, db_default="")

    objects = DecisionQuerySet.as_manager()

    class Meta:
        db_table = "reviews_decision"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=True) | ~models.Q(reviewer=models.F("submitted_by")),
                name="decision_reviewer_is_not_submitter",
            ),
            models.UniqueConstraint(
                fields=["proposal", "reviewer"],
                condition=models.Q(
                    revoked_at__isnull=True, action__in=["approve", "edit_approve"], reviewer__isnull=False
                ),
                name="decision_one_approval_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="reject") | ~models.Q(reason_code=""),
                name="decision_reject_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(action="auto_approve") | models.Q(reviewer__isnull=False),
                name="decision_human_has_reviewer",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "created_at"], name="decision_reviewer_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of #{self.proposal_id}"

    @property
    def is_live_approval(self) -> bool:
        """``DecisionQuerySet.live_approvals`` for a decision already loaded."""
        return self.revoked_at is None and self.action in self.APPROVING
