"""Per-field proposals of a CRM change, and the admin-kept allow-list of CRM objects and fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .proposals import Proposal

if TYPE_CHECKING:
    from ..crm import WriteOptions


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

    class StrictWrites(models.TextChoices):
        OFF = "off", "Off: compare, then write 200 records a request"
        OBJECT = "object", "Every field of this object"
        FIELDS = "fields", "Only the strict fields listed"

    # Between the read that compares a record's values and the write, someone can still edit the
    # record (a chunk of up to 200 records apart). Strict writes close that window with
    # If-Unmodified-Since, 25 records a request instead of 200.
    strict_writes = models.CharField(
        max_length=10, choices=StrictWrites.choices, default=StrictWrites.OFF,
        help_text="Write a record only if Salesforce shows it unchanged since hitlcrm read it (If-Unmodified-Since; "
        "a change in between goes back to a person as a conflict). Costs about eight times the API requests.",
    )
    strict_fields = models.JSONField(
        default=list, blank=True,
        help_text="With \"Only the strict fields listed\": the field API names whose changes are written strictly.",
    )

    history = HistoricalRecords(table_name="reviews_historicalcrmobjectrule")

    class Meta:
        db_table = "reviews_crmobjectrule"
        ordering = ["crm_object"]
        verbose_name = "CRM object rule"

    def __str__(self) -> str:
        return self.crm_object

    def write_options(self) -> WriteOptions:
        """The CRM's ``WriteOptions`` for this object's writes."""
        from ..crm import WriteOptions

        return WriteOptions(run_assignment_rules=self.run_assignment_rules,
                            allow_duplicate_save=self.allow_duplicate_save)

    def writes_strictly(self, fields: Iterable[str]) -> bool:
        """Whether a change writing ``fields`` is written strictly (see ``strict_writes``)."""
        if self.strict_writes == self.StrictWrites.OBJECT:
            return True
        if self.strict_writes == self.StrictWrites.FIELDS:
            strict = {str(name).lower() for name in self.strict_fields or ()}
            return any(name.lower() in strict for name in fields)
        return False

    def clean(self) -> None:
        super().clean()
        names = self.strict_fields
        if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
            raise ValidationError({"strict_fields": "A list of field API names, e.g. [\"Title\", \"Email\"]."})
        if self.strict_writes == self.StrictWrites.FIELDS and not names:
            raise ValidationError({"strict_fields": "Name at least one field, or choose another strict writes mode."})
        allowed = {str(name).lower() for name in self.allowed_fields or ()}
        unknown = [name for name in names if name.lower() not in allowed]
        if unknown:
            raise ValidationError({"strict_fields": f"Not among the allowed fields: {', '.join(unknown)}."})


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

    history = HistoricalRecords(table_name="reviews_historicalcrmfieldchange")

    class Meta:
        db_table = "reviews_crmfieldchange"
        ordering = ["proposal_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "field"], name="field_change_once_per_field")]

    def __str__(self) -> str:
        return f"{self.field} → {self.proposed_value!r}"
