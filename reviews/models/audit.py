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

from ..audit_actions import AuditAction

GENESIS_HASH = "0" * 64
# The database trigger's name; verify_history warns when it is missing or disabled.
APPEND_ONLY_TRIGGER = "hitlcrm_audit_append_only"

# Every action the application records -> what the event's ``data`` holds: the catalogue the
# console's filter and the API documentation read, made from the one vocabulary the code records.
AUDIT_ACTIONS: dict[str, str] = {action.value: action.label for action in AuditAction}


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
        db_table = "reviews_auditevent"
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

    class Meta:
        db_table = "reviews_auditchainhead"

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_seq}"
