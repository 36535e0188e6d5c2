"""Decision webhooks: the hosts agents may register as callbacks, and a log row per delivery."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from integrations.http import CallbackRefused

from .clients import ApiClient
from .proposals import Proposal


class CallbackHostRuleQuerySet(models.QuerySet):
    def admitting(self, host: str) -> CallbackHostRule:
        """The rule for ``host`` (as ``integrations.http.callback_host`` gives it); raises
        :class:`CallbackRefused` when the host is not on the allow-list."""
        rule = self.filter(host=host).first()
        if rule is None:
            raise CallbackRefused(f"{host} is not on the callback host allow-list; an administrator must add it")
        return rule


class CallbackHostRule(models.Model):
    """An admin-kept allow-list entry: agents may register callback URLs on this exact host.

    A host that resolves to a private, loopback or link-local address is still refused unless
    ``allow_private_network`` is set, so allow-listing a public name does not let a DNS change
    point hitlcrm at an internal service.
    """

    host = models.CharField(max_length=253, unique=True, help_text="Exact host name or IP address, no port.")
    allow_private_network = models.BooleanField(
        default=False, help_text="Allow this host to resolve to a private, loopback or link-local address."
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CallbackHostRuleQuerySet.as_manager()

    class Meta:
        db_table = "reviews_callbackhostrule"
        ordering = ["host"]
        verbose_name = "callback host"

    def __str__(self) -> str:
        return self.host

    def save(self, *args, **kwargs) -> None:
        self.host = self.host.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


class WebhookDeliveryState(models.TextChoices):
    PENDING = "pending", "Pending (queued or retrying)"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One status change to tell one agent about; updated after every attempt."""

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhook_deliveries")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=40, default="proposal.status_changed")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    url = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=WebhookDeliveryState.choices, default=WebhookDeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Each attempt: {"at", "status_code", "error", "ms"}.
    attempt_log = models.JSONField(default=list, blank=True)
    # The signed body, fixed at the first attempt so every retry sends the same bytes.
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_webhookdelivery"
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["state", "created_at"], name="webhook_delivery_state")]

    def __str__(self) -> str:
        return f"{self.event} #{self.proposal_id} {self.from_status}→{self.to_status} to {self.client}: {self.state}"
