"""Per task type gate configuration; the row with ``task_type='*'`` is the default.

A policy may be scoped to an agent version, a prompt version and/or a model (blank: any), so a new
prompt or model can have rules of its own: ``reviews/selectors.py`` picks, for an output, the most
specific policy of its task type that covers its version (reviews/versions.py says how specific).
A task type has one policy per scope (a unique constraint), so the choice is never a tie.
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Max
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..versions import VERSION_FIELDS, VERSION_NAME, VERSION_PROBLEM, VersionKey, scope_label, version_as_api

DEFAULT_TASK_TYPE = "*"


class PolicyMode(models.TextChoices):
    ALWAYS_REVIEW = "always_review", "Always review"
    CALIBRATED = "calibrated", "Calibrated (auto-approve when checks pass and confidence clears)"
    LOG_ONLY = "log_only", "Log only (ungated, logged and sampled)"


class Stakes(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


_SCOPE_HELP = " Blank: any. A policy naming it governs only the outputs that name it, before the task type's others."


class Policy(models.Model):
    task_type = models.CharField(max_length=100, help_text="'*' is the default policy.")
    # The scope: which versions of the agent's outputs it governs (the outputs' own names, compared exactly).
    agent_version = models.CharField(max_length=100, blank=True, help_text="The agent version it governs, e.g. 2.3.1."
                                                                           + _SCOPE_HELP)
    prompt_version = models.CharField(max_length=100, blank=True, help_text="The prompt version it governs, e.g. v7."
                                                                            + _SCOPE_HELP)
    agent_model = models.CharField(max_length=100, blank=True, verbose_name="model",
                                   help_text="The model it governs, e.g. gpt-4o-2024-08-06." + _SCOPE_HELP)
    mode = models.CharField(max_length=20, choices=PolicyMode.choices, default=PolicyMode.ALWAYS_REVIEW)
    confidence_threshold = models.FloatField(default=0.9)
    field_confidence_threshold = models.FloatField(default=0.8)
    checks = models.JSONField(
        default=list, blank=True, help_text="Check names to run; empty runs the defaults for the kind."
    )
    stakes = models.IntegerField(choices=Stakes.choices, default=Stakes.MEDIUM)
    reversible = models.BooleanField(default=False)
    audit_sample_rate = models.FloatField(default=0.05, help_text="Share of auto-approved items sent to a person.")
    required_approvals = models.PositiveSmallIntegerField(default=1)
    allow_bulk_decisions = models.BooleanField(
        default=False, help_text="Reviewers may approve or reject items that passed every check in bulk from the queue."
    )
    four_eyes_fields = models.JSONField(
        default=list, blank=True, help_text="CRM fields whose change needs two approvers (e.g. Amount)."
    )
    four_eyes_min_risk = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Risk level at or above which two approvers are needed."
    )
    sla_minutes = models.PositiveIntegerField(default=240)
    expire_after_minutes = models.PositiveIntegerField(null=True, blank=True)
    quiet_period_days = models.PositiveIntegerField(
        default=14, help_text="Days within which a recipient is not emailed again (duplicate-outreach check)."
    )
    send_window_start_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    send_window_end_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    send_window_timezone = models.CharField(max_length=64, default="UTC")
    error_rate_target = models.FloatField(
        default=0.05, help_text="Error rate (rejected or materially edited) under which the gate may be narrowed."
    )
    length_limits = models.JSONField(
        default=dict, blank=True,
        help_text="Character limits overriding HITLCRM_LENGTH_LIMITS, e.g. {\"first_line\": 120, \"subject\": 80}.",
    )
    tone_lexicon = models.JSONField(
        default=dict, blank=True,
        help_text="Tone phrases added for this task type: {\"pushy\": [\"act now\"], \"off_brand\": [...]}.",
    )
    tone_allowed = models.JSONField(
        default=list, blank=True, help_text="Phrases of the tone lexicon this task type may use."
    )
    # Sending rules (docs/mail.md): where a recorded lawful basis is required, and contact caps.
    lawful_basis_regions = models.JSONField(
        default=list, blank=True,
        help_text="Recipient countries (ISO 3166-1 alpha-2, or EU, EEA) for which an email needs a recorded "
                  "lawful basis (consent with source and date, or legitimate interest with a note), "
                  "e.g. [\"EEA\", \"GB\", \"CA\"].",
    )
    cap_per_account = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Most cold emails to one account (the recipients' email domain) within the cap window, across agents.",
    )
    cap_per_person = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most cold emails to one address within the cap window, across agents.",
    )
    cap_window_days = models.PositiveIntegerField(default=30, help_text="The window the contact caps count over.")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(table_name="reviews_historicalpolicy")

    class Meta:
        db_table = "reviews_policy"
        verbose_name_plural = "policies"
        ordering = ["task_type", *VERSION_FIELDS]
        constraints = [
            # One policy per task type and scope: the most specific policy covering an output is never a tie.
            models.UniqueConstraint(
                fields=["task_type", *VERSION_FIELDS], name="policy_one_per_task_type_and_scope",
                violation_error_message="This task type has a policy with this scope already: edit that one.",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence_threshold__gte=0, confidence_threshold__lte=1),
                name="policy_confidence_threshold_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(audit_sample_rate__gte=0, audit_sample_rate__lte=1),
                name="policy_sample_rate_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(required_approvals__gte=1, required_approvals__lte=2),
                name="policy_required_approvals_1_2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_mode_display()})"

    def save(self, *args, **kwargs) -> None:
        # Every saved edit is a new version, so an auto-approval can name the rules it followed. The
        # versions count the saves of every policy of the task type, whatever their scope (and the
        # policies deleted since): a task type and a version name one set of rules.
        taken = Policy.history.filter(task_type=self.task_type).aggregate(latest=Max("version"))["latest"]
        if self.pk or taken is not None:
            self.version = max(self.version if self.pk else 0, taken or 0) + 1
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from ..checks import registry
        from ..checks.lexicon import lexicon_errors

        errors: dict[str, list[str]] = {}
        for name in VERSION_FIELDS:
            value = getattr(self, name) or ""
            if value and not re.match(VERSION_NAME, value):
                errors[name] = [VERSION_PROBLEM]
        unknown = [name for name in self.checks or [] if name not in registry.names()]
        if unknown:
            errors["checks"] = [f"No check named {', '.join(unknown)}; known: {', '.join(registry.names())}."]
        if self.mode == PolicyMode.LOG_ONLY and not self.reversible:
            errors["mode"] = ["Log only is for reversible actions: mark the policy reversible or choose another mode."]
        limits = self.length_limits or {}
        if not isinstance(limits, dict) or not all(isinstance(v, int) and v > 0 for v in limits.values()):
            errors["length_limits"] = ["Give positive whole numbers of characters, e.g. {\"first_line\": 120}."]
        if lexicon_errors(self.tone_lexicon or {}):
            errors["tone_lexicon"] = lexicon_errors(self.tone_lexicon)
        if not isinstance(self.tone_allowed or [], list):
            errors["tone_allowed"] = ["Give a list of phrases."]
        from ..services.sending_rules import region_errors

        if region_errors(self.lawful_basis_regions):
            errors["lawful_basis_regions"] = region_errors(self.lawful_basis_regions)
        if self.cap_window_days == 0 and (self.cap_per_account or self.cap_per_person):
            errors["cap_window_days"] = ["Contact caps need a window of at least one day."]
        # A policy that names its checks must not leave out the one enforcing a rule it sets.
        named = set(self.checks or [])
        for check, rule, needed in (("lawful_basis", "lawful_basis_regions", bool(self.lawful_basis_regions)),
                                    ("contact_caps", "a contact cap", bool(self.cap_per_account or self.cap_per_person))):
            if named and needed and check not in named:
                errors.setdefault("checks", []).append(f"{rule} is set, so the checks must include {check}.")
        if errors:
            raise ValidationError(errors)

    @property
    def scope(self) -> VersionKey:
        """(agent_version, prompt_version, agent_model) it is scoped to; blank parts cover any."""
        return tuple(getattr(self, name) or "" for name in VERSION_FIELDS)  # type: ignore[return-value]

    @property
    def scoped(self) -> bool:
        return any(self.scope)

    @property
    def scope_label(self) -> str:
        return scope_label(self.scope)

    def scope_as_api(self) -> dict[str, str | None]:
        """The scope as the audit trail names it: agent_version, prompt_version, model (null: any)."""
        return version_as_api(self.scope)

    @property
    def label(self) -> str:
        """"cold_email", or "cold_email (prompt v7)" for a scoped policy."""
        return f"{self.task_type} ({self.scope_label})" if self.scoped else self.task_type

    @property
    def label_and_version(self) -> str:
        """"cold_email v4", or "cold_email v4 (prompt v7)": how the gate's reasons name the rules."""
        return f"{self.task_type} v{self.version}" + (f" ({self.scope_label})" if self.scoped else "")

    @property
    def risk(self) -> int:
        """Risk orders the queue: stakes, one level up when the action cannot be undone."""
        return int(self.stakes) + (0 if self.reversible else 1)

    @property
    def mode_name(self) -> str:
        """The mode's name without its explanation ("Calibrated"), where a list or a heading has no room."""
        return self.get_mode_display().split(" (")[0]

    @classmethod
    def for_task_type(cls, task_type: str, version: VersionKey | None = None) -> Policy:
        """The policy governing ``task_type`` (for an output of ``version``): ``reviews.selectors.policy_for``,
        where the rule lives."""
        from ..selectors import policy_for

        return policy_for(task_type, version)
