"""Outbound action types: what an agent may ask hitlcrm to do elsewhere (send a LinkedIn connection
request, change an ad budget), each registered by an administrator with the JSON Schema its payload
must meet and the signed webhook endpoint that carries it out (docs/outbound-actions.md).

The invariants live here: the schema is a usable Draft 2020-12 schema, the endpoint is an https URL
on the callback host allow-list, and only a reversible, low-stakes type may be "ungated but logged"
(executed at once, audited, a share sampled for review); the database refuses the last one too.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from integrations.http import CallbackRefused, callback_host, refuse_private_literal
from integrations.outbound import ActionEndpoint, action_idempotency_key

from ..json_schema import payload_problems, schema_problems
from .clients import new_signing_secret
from .policies import Stakes
from .webhooks import CallbackHostRule

ACTION_TYPE_NAME = RegexValidator(
    r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$",
    "Lower-case words joined by dots, e.g. linkedin.connect or ads.budget_change.",
)


def default_payload_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {}, "additionalProperties": False}


class OutboundActionType(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[ACTION_TYPE_NAME],
                            help_text="What agents submit as the action type, e.g. linkedin.connect.")
    description = models.TextField(blank=True, help_text="What the action does, for reviewers and agents.")
    payload_schema = models.JSONField(
        default=default_payload_schema,
        help_text="JSON Schema (Draft 2020-12) every payload must meet; an object, with references only "
                  "within itself (\"#/$defs/...\").",
    )
    endpoint_url = models.URLField(
        max_length=500, help_text="The https:// URL approved actions are POSTed to; its host must be on the "
                                  "callback host allow-list.",
    )
    # The HMAC key the webhook is signed with; hitlcrm needs the raw value to sign, so it is kept
    # (not hashed), shown once when it is made, and left out of the change history.
    signing_secret = models.CharField(max_length=128, blank=True, editable=False)
    signing_secret_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Makes this type's idempotency keys its own (another installation's proposal 42 is another key).
    idempotency_namespace = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotent = models.BooleanField(
        default=False,
        help_text="The endpoint honours the Idempotency-Key header (acts once per key). Unticked, each action "
                  "is sent at most once: a call whose answer is lost becomes \"outcome unknown\" for a person, "
                  "never a second call.",
    )
    reversible = models.BooleanField(default=False, help_text="An executed action can be undone at the destination.")
    stakes = models.IntegerField(choices=Stakes.choices, default=Stakes.HIGH)
    ungated = models.BooleanField(
        default=False,
        help_text="Ungated but logged: actions that pass their checks execute at once, are audited, and a share "
                  "is sampled for review. Only for reversible, low-stakes types.",
    )
    audit_sample_rate = models.FloatField(
        default=0.1, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Share of ungated actions sent to a person for review after the fact.",
    )
    enabled = models.BooleanField(default=True, help_text="Agents may submit actions of this type.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["signing_secret", "updated_at"],
                                table_name="reviews_historicaloutboundactiontype")

    class Meta:
        db_table = "reviews_outboundactiontype"
        ordering = ["name"]
        verbose_name = "outbound action type"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ungated=False) | models.Q(reversible=True, stakes=Stakes.LOW),
                name="action_type_ungated_only_reversible_low_stakes",
            ),
            models.CheckConstraint(
                condition=models.Q(audit_sample_rate__gte=0, audit_sample_rate__lte=1),
                name="action_type_sample_rate_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every action type signs its calls: one saved without a secret gets one (shown by the admin).
        if not self.signing_secret:
            self.new_signing_secret()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "signing_secret", "signing_secret_set_at"}
        super().save(*args, **kwargs)

    def new_signing_secret(self) -> str:
        """Set (and return) a fresh signing secret; the caller saves, and shows it once."""
        self.signing_secret = new_signing_secret()
        self.signing_secret_set_at = timezone.now()
        return self.signing_secret

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        problems = schema_problems(self.payload_schema)
        if problems:
            errors["payload_schema"] = problems
        if self.endpoint_url:
            try:
                rule = self.allow_list_entry()
                refuse_private_literal(self.endpoint_url, allow_private_network=rule.allow_private_network)
            except CallbackRefused as exc:
                errors["endpoint_url"] = [str(exc)]
        if self.ungated and not (self.reversible and self.stakes == Stakes.LOW):
            errors["ungated"] = ["Ungated but logged is only for reversible, low-stakes action types: mark the type "
                                 "reversible with low stakes, or keep it gated."]
        if errors:
            raise ValidationError(errors)

    def allow_list_entry(self) -> CallbackHostRule:
        """The callback host allow-list entry of the endpoint's host; raises :class:`CallbackRefused`
        naming the problem when the URL is not https or its host is not on the list."""
        host = callback_host(self.endpoint_url, schemes=("https",), label="endpoint URL")
        return CallbackHostRule.objects.admitting(host)

    def payload_errors(self, payload: Any) -> list[str]:
        """Why ``payload`` does not meet this type's schema, each naming its JSON path
        (``payload.budget: 5000 is greater than the maximum of 1000``); empty when it does."""
        return payload_problems(self.payload_schema, payload)

    def idempotency_key(self, proposal_id: int | str) -> str:
        """The ``Idempotency-Key`` every attempt of this proposal's action carries."""
        return action_idempotency_key(self.idempotency_namespace, proposal_id)

    def endpoint(self) -> ActionEndpoint:
        """The delivery's plain data, with the endpoint host's allow-list entry as it stands now (the
        host may have been taken off the list since the type was saved: then nothing is sent)."""
        try:
            rule = self.allow_list_entry()
        except CallbackRefused:
            rule = None
        return ActionEndpoint(
            action_type=self.name, url=self.endpoint_url, secret=self.signing_secret, idempotent=self.idempotent,
            idempotency_namespace=self.idempotency_namespace, allow_listed_host=rule.host if rule else "",
            allow_private_network=bool(rule and rule.allow_private_network),
        )
