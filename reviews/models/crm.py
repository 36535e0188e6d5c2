"""Per-field proposals of a CRM change, and the admin-kept allow-list of CRM objects and fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .proposals import Proposal

if TYPE_CHECKING:
    from integrations.salesforce.client import WriteOptions


class CrmObjectRule(models.Model):
    """Which CRM object may be written, which of its fields, and who executes the writes."""

    class Executor(models.TextChoices):
        SALESFORCE = "salesforce", "Built-in Salesforce push"
        EXTERNAL = "external", "External integration (approved-changes feed)"

    crm_object = models.CharField(max_length=80, unique=True)
    allowed_fields = models.JSONField(default=list, help_text="Field API names agents may propose.")
    executor = models.CharField(max_length=20, choices=Executor.choices, default=Executor.SALESFORCE)
    enabled = models.BooleanField(default=True)
    # What an approved write may set off in Salesforce beyond the approved values. Off: the org's
    # assignment rules would otherwise hand a Lead, Account or Case to a new owner on every write, and
    # a duplicate would be saved past its duplicate rule's alert.
    run_assignment_rules = models.BooleanField(
        default=False,
        help_text="Let Salesforce's active assignment rules run on the records written (Lead, Account, Case): "
        "they may change the record's owner. Off: writes send Sforce-Auto-Assign: FALSE.",
    )
    allow_duplicate_save = models.BooleanField(
        default=False,
        help_text="Save a record that a duplicate rule flags (rule action \"Allow\" with an alert). Off: the "
        "write fails with DUPLICATES_DETECTED and goes back to a person; a \"Block\" rule refuses either way.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["crm_object"]
        verbose_name = "CRM object rule"

    def __str__(self) -> str:
        return self.crm_object

    def write_options(self) -> WriteOptions:
        """The Salesforce ``WriteOptions`` for this object's writes."""
        from integrations.salesforce.client import WriteOptions

        return WriteOptions(run_assignment_rules=self.run_assignment_rules,
                            allow_duplicate_save=self.allow_duplicate_save)


class FieldDecision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CrmFieldChange(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="field_changes")
    field = models.CharField(max_length=80)
    proposed_value = models.JSONField(null=True)
    confidence = models.FloatField(null=True, blank=True)
    # The CRM's value when the proposal was made (the conflict check compares against it).
    before_value = models.JSONField(null=True, blank=True)
    before_captured_at = models.DateTimeField(null=True, blank=True)
    # The CRM's value found at push time when it differed from before_value.
    conflict_value = models.JSONField(null=True, blank=True)
    approved_value = models.JSONField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=FieldDecision.choices, default=FieldDecision.PENDING)
    written_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "field"], name="field_change_once_per_field")]

    def __str__(self) -> str:
        return f"{self.field} → {self.proposed_value!r}"
