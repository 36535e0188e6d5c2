"""The append-only, hash-chained audit trail.

Each event's hash covers its content and the previous event's hash, so altering, deleting or
inserting a row behind the application's back breaks the chain at that row
(``manage.py verify_history`` finds it). Appends serialise on the single ``AuditChainHead`` row.

Three layers keep the table append-only: this model and its queryset refuse updates and deletes,
the console and the API offer none, and a database trigger (migration ``0003_audit_append_only``)
refuses UPDATE and DELETE from any client unless the retention command lifted it for its own
transaction (``reviews.services.audit.audit_guard_lifted``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64
# The database trigger's name; verify_history warns when it is missing or disabled.
APPEND_ONLY_TRIGGER = "hitlcrm_audit_append_only"

# Every action the application records, with what the event's ``data`` holds. Not enforced (a new
# action needs no migration); used for the console's filter and the API documentation.
AUDIT_ACTIONS: dict[str, str] = {
    "submitted": "An agent submitted a proposal (data: original_output, exactly as received).",
    "checks_run": "Automated checks ran (data: checks, reason; from/to when they routed the record).",
    "auto_approved": "A policy approved it (actor: policy:<task type>@v<version>; data: checks, final_output).",
    "claimed": "A reviewer opened it and holds it for a few minutes (data: until).",
    "first_approval": "The first of two approvals (data: decision, edits {field: [old, new]}, note).",
    "approved": "A reviewer approved it (data: decision, reason_code, note, final_output).",
    "edited_and_approved": "A reviewer edited, then approved (data: edits {field: [old, new]}, final_output, "
                           "checks of the final output, soft_confirmed: soft failures the reviewer confirmed).",
    "rejected": "A reviewer rejected it (data: reason_code, note, decision).",
    "rescued": "A senior reviewer edited a blocked item so it passes the hard checks; it is back in review "
               "(data: edits {field: [old, new]}, material, checks of the edited output, note).",
    "undone": "The reviewer took the approval back in the grace period.",
    "withdrawn": "The agent withdrew it.",
    "escalated": "Waiting past its SLA (data: sla_due_at).",
    "expired": "Expired unreviewed under its policy.",
    "executing": "Execution started.",
    "executed": "Written to the CRM or sent (data: request, provider_id, response).",
    "execution_failed": "Execution failed for good (data: request, error_code, message, response).",
    "conflict": "The CRM value changed since the proposal (data: request, conflicts).",
    "conflict_overwritten": "A reviewer approved a conflict to write over the CRM's newer value (data: decision, "
                            "overwrites {field: {crm, written}}, final_output).",
    "conflict_rebased": "A reviewer took the CRM's newer value as the change's base; it is checked and decided "
                        "again (data: before {field: [old, new]}, note).",
    "execution_outcome_unknown": "The worker stopped mid-send; a person must resolve it.",
    "webhook_delivered": "The agent's decision webhook was delivered (data: delivery, status_code).",
    "webhook_failed": "The agent's decision webhook was given up (data: delivery, error).",
    "login": "A person signed in.",
    "login_failed": "A sign-in failed (data: username).",
    "permission_denied": "A request was refused with 403 (data: method, path).",
    "token_used": "An API token was used (first use per token and hour; data: token, hour).",
    "token_rejected": "An API token was refused (data: reason, token or fingerprint).",
    "policy_changed": "An admin saved a policy (data: task_type, version, created, changes {field: [old, new]}, "
                      "replay: what the new and the old rules would have done to the latest human-decided "
                      "proposals of the task type).",
    "golden_seeded": "An admin put a golden (known-answer) copy of a proposal in the queue (data: golden_item, "
                     "source, expected, edits: the parts changed, note).",
    "golden_retired": "A golden item's approval reached the executor, which took it out of the loop instead of "
                      "executing it (data: golden_item, expected).",
}


class AuditActorType(models.TextChoices):
    USER = "user", "User"
    AGENT = "agent", "Agent / API client"
    POLICY = "policy", "Policy"
    SYSTEM = "system", "System"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN201
        raise PermissionError("Audit events are append-only.")

    def delete(self):  # noqa: ANN201
        raise PermissionError("Audit events are append-only; use the retention command to archive and prune.")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    # Never earlier than the previous event's (see audit_record), so a time range is a seq range.
    occurred_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=40)
    actor_type = models.CharField(max_length=10, choices=AuditActorType.choices)
    actor = models.CharField(max_length=150, help_text="Username, client name, policy or 'system'.")
    proposal_id_ref = models.BigIntegerField(null=True, blank=True, db_column="proposal_id")
    crm_object = models.CharField(max_length=80, blank=True)
    crm_id = models.CharField(max_length=18, blank=True)
    origin_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        # Every filter the history offers is an equality followed by seq, so a page in seq order
        # (and a cursor into it) is one index range scan however large the table grows.
        indexes = [
            models.Index(fields=["crm_object", "crm_id", "seq"], name="audit_crm_record"),
            models.Index(fields=["occurred_at", "seq"], name="audit_time"),
            models.Index(fields=["action", "seq"], name="audit_action"),
            models.Index(fields=["actor", "seq"], name="audit_actor"),
            models.Index(fields=["actor", "action", "seq"], name="audit_actor_action"),  # "what did X reject"
            models.Index(fields=["proposal_id_ref", "seq"], name="audit_proposal"),
        ]
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201
        raise PermissionError("Audit events are append-only.")

    def canonical_payload(self) -> bytes:
        body = {
            "seq": self.seq,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "action": self.action,
            "actor_type": self.actor_type,
            "actor": self.actor,
            "proposal": self.proposal_id_ref,
            "crm_object": self.crm_object,
            "crm_id": self.crm_id,
            "origin_ip": self.origin_ip,
            "user_agent": self.user_agent,
            "data": self.data,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode() + self.canonical_payload()).hexdigest()


class AuditChainHead(models.Model):
    """One row: the newest event's sequence number and hash, locked while appending."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_occurred_at = models.DateTimeField(null=True, blank=True)
    # After retention pruning, the chain starts here instead of at the genesis hash.
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_seq}"
