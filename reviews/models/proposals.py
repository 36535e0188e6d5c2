"""Reviewable records: one table for every kind, so one lock, one history and one state machine
serve email drafts and CRM changes alike. ``EmailDraft`` and ``CrmChange`` are proxies that give
each kind its own queue in the console.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..conf import hitlcrm_settings
from ..state_machine import Status
from .clients import ApiClient


class ProposalKind(models.TextChoices):
    EMAIL_DRAFT = "email_draft", "Email draft"
    CRM_CHANGE = "crm_change", "CRM change"
    OUTBOUND_ACTION = "outbound_action", "Outbound action"


class CrmChangeKind(models.TextChoices):
    ENRICHMENT = "enrichment", "Enrichment"
    UPDATE = "update", "Update"


class ProposalQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> ProposalQuerySet:
        return self.filter(kind=kind)

    def awaiting_review(self) -> ProposalQuerySet:
        return self.filter(status__in=[Status.NEEDS_REVIEW, Status.FAILED, Status.CONFLICT])

    def urgent_first(self) -> ProposalQuerySet:
        return self.order_by("-risk", "sla_due_at", "submitted_at", "pk")

    def select_for_decision(self) -> ProposalQuerySet:
        """The one row-lock helper: every decide/execute path locks through it, in pk order (so
        two actors locking overlapping sets wait instead of deadlocking). FOR NO KEY UPDATE, not FOR
        UPDATE: a proposal's key never changes, and PostgreSQL's foreign-key check on inserting a row
        that references a proposal (an attempt log, a decision) takes FOR KEY SHARE, which FOR UPDATE
        would block: a worker committing its log and another holding the proposal deadlocked so."""
        return self.order_by("pk").select_for_update(of=("self",), no_key=True)


class Proposal(models.Model):
    kind = models.CharField(max_length=20, choices=ProposalKind.choices, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    status_changed_at = models.DateTimeField(default=timezone.now)
    task_type = models.CharField(max_length=100)
    confidence = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    assumptions = models.JSONField(default=list, blank=True)
    agent = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="proposals")
    external_ref = models.CharField(max_length=200, blank=True)
    # What produced the output (optional, the agent's own names): error rates, the narrowing verdict
    # and auto-approval are kept per (agent_version, prompt_version, model) combination, so a new
    # prompt or model starts under review (reviews/services/versions.py). ``agent_model``, not
    # ``model``: on a Django model instance that name reads as the class's model.
    agent_version = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=100, blank=True)
    agent_model = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    # The prospect or record concerned (for emails: the recipient's Contact/Lead).
    crm_object = models.CharField(max_length=80, blank=True)
    crm_id = models.CharField(max_length=18, blank=True)
    company_name = models.CharField(max_length=255, blank=True)

    # Email content as the agent wrote it (blank for CRM changes).
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    from_email = models.CharField(max_length=254, blank=True)
    # CRM change flavour (blank for emails); proposed values live in CrmFieldChange rows.
    change_kind = models.CharField(max_length=20, choices=CrmChangeKind.choices, blank=True)
    external_id_field = models.CharField(max_length=80, blank=True)
    # Outbound action (blank for the other kinds): the registered action type and what it acts on;
    # the payload as it stands (a rescue's edit becomes it), as approved in ``final_output``.
    action_type = models.ForeignKey("OutboundActionType", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="proposals")
    action_target = models.CharField(max_length=500, blank=True)
    action_payload = models.JSONField(null=True, blank=True)

    # The submission exactly as received, never modified; and what was finally approved.
    original_output = models.JSONField()
    final_output = models.JSONField(null=True, blank=True)

    # Gate: the policy (and its version) that routed it, and how it orders the queue.
    policy_task_type = models.CharField(max_length=100, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    risk = models.PositiveSmallIntegerField(default=2)
    required_approvals = models.PositiveSmallIntegerField(default=1)
    sampled_for_audit = models.BooleanField(default=False)
    # Why the gate routed it, in its words ("check failed: placeholders", "new prompt version v7: ...").
    gate_reason = models.CharField(max_length=500, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    # The deciding action (the individual approvals are Decision rows).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_action = models.CharField(max_length=20, blank=True)
    reason_code = models.CharField(max_length=30, blank=True)
    decision_note = models.TextField(blank=True)
    materially_edited = models.BooleanField(default=False)
    # When the approved item may start executing (the undo grace period ends).
    execute_after = models.DateTimeField(null=True, blank=True)

    # A soft claim so two reviewers do not work on one item; decisions never rely on it.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_until = models.DateTimeField(null=True, blank=True)

    # What a queue search finds the record by (reviews/search.py), written with its content. On
    # PostgreSQL a GIN trigram index serves it (created by migration 0018 on PostgreSQL only, so it
    # is not declared here: SQLite has no such index type).
    search_text = models.TextField(blank=True, default="", editable=False)

    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["claimed_by", "claimed_until", "updated_at", "search_text"],
                                table_name="reviews_historicalproposal")

    class Meta:
        db_table = "reviews_proposal"
        ordering = ["-risk", "sla_due_at", "submitted_at", "pk"]
        permissions = [
            ("decide_proposal", "Can approve, reject and edit proposals"),
            ("second_approve_proposal", "Can give the second approval of a four-eyes item"),
            ("rescue_proposal", "Can edit a blocked proposal back into review"),
            ("view_history", "Can read the audit history"),
            ("export_history", "Can export the audit history and reports"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="proposal_unique_idempotency_key_per_agent",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__gte=0, confidence__lte=1),
                name="proposal_confidence_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(required_approvals__gte=1, required_approvals__lte=2),
                name="proposal_required_approvals_1_2",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=ProposalKind.CRM_CHANGE) | ~models.Q(change_kind=""),
                name="proposal_crm_change_has_change_kind",
            ),
        ]
        indexes = [
            # The queue's whole order (urgent_first, ending in the pk): a queue page's ids come from this
            # index alone, without reading the table.
            models.Index(fields=["kind", "status", "-risk", "sla_due_at", "submitted_at", "id"], name="proposal_queue"),
            # The same order without the status: a queue of every status (or a search over it that matches
            # many records) pages through this in order, instead of sorting every row of its kind.
            models.Index(fields=["kind", "-risk", "sla_due_at", "submitted_at", "id"], name="proposal_urgency"),
            models.Index(fields=["crm_object", "crm_id"], name="proposal_crm_record"),
            models.Index(fields=["agent", "external_ref"], name="proposal_agent_ref"),
            models.Index(fields=["status", "execute_after"], name="proposal_due_execution"),
            models.Index(fields=["task_type", "submitted_at"], name="proposal_task_month"),
            # A kind's queue lists its own task types (a loose index scan, reviews/admin/queue.py).
            models.Index(fields=["kind", "task_type"], name="proposal_kind_task_type"),
            # A version's own record (the gate asks it for every versioned record it would auto-approve).
            models.Index(fields=["task_type", "agent_version", "prompt_version", "agent_model", "submitted_at"],
                         name="proposal_task_version_month"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_email(self) -> bool:
        """Whether the record is an outbound email (its kind ``sends_email``). Shared code asks
        ``reviews.kinds.kind_of(record)`` what it needs instead; the execution modules still read this."""
        from ..kinds import kind_of

        return kind_of(self).sends_email

    def admin_url(self) -> str:
        """The path of the record's review page in the console (its kind's queue)."""
        from ..kinds import kind_of

        return kind_of(self).review_path(self.pk)

    def review_url(self) -> str:
        """The review page's absolute URL (API answers, decision webhooks, notifications)."""
        return hitlcrm_settings.BASE_URL.rstrip("/") + self.admin_url()


class _KindManager(models.Manager):
    kind: str = ""

    def get_queryset(self) -> ProposalQuerySet:
        return ProposalQuerySet(self.model, using=self._db).filter(kind=self.kind)


class EmailDraftManager(_KindManager):
    kind = ProposalKind.EMAIL_DRAFT


class CrmChangeManager(_KindManager):
    kind = ProposalKind.CRM_CHANGE


class EmailDraft(Proposal):
    objects = EmailDraftManager()

    class Meta:
        proxy = True
        verbose_name = "email draft"


class CrmChange(Proposal):
    objects = CrmChangeManager()

    class Meta:
        proxy = True
        verbose_name = "CRM change"


class OutboundActionManager(_KindManager):
    kind = ProposalKind.OUTBOUND_ACTION


class OutboundAction(Proposal):
    objects = OutboundActionManager()

    class Meta:
        proxy = True
        verbose_name = "outbound action"


class CheckResult(models.Model):
    class Severity(models.TextChoices):
        HARD = "hard", "Hard (blocks)"
        SOFT = "soft", "Soft (needs review)"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="check_results")
    name = models.CharField(max_length=80)
    passed = models.BooleanField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_checkresult"
        ordering = ["passed", "name"]  # failing first
        constraints = [models.UniqueConstraint(fields=["proposal", "name"], name="check_result_once_per_check")]
        indexes = [models.Index(fields=["name", "passed"], name="check_result_failed")]

    def __str__(self) -> str:
        return f"{self.name}: {'pass' if self.passed else 'FAIL'}"
