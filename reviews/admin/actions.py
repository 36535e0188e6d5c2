"""Outbound action types: what agents may ask hitlcrm to do elsewhere, and the endpoint that does it.

Saving validates the type (``OutboundActionType.clean``): the payload schema must be a usable JSON
Schema, the endpoint an https URL on the callback host allow-list, and only a reversible, low-stakes
type may be ungated. The signing secret is shown once, on the page after the type is created or its
secret rotated; every saved edit is kept by simple-history (the secret itself is not).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from ..models import OutboundActionType


class IndentedJSONField(forms.JSONField):
    """A JSON form field that shows its value indented, so a schema can be read and edited."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


@admin.register(OutboundActionType)
class OutboundActionTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "enabled", "endpoint_url", "idempotent", "reversible", "stakes", "ungated",
                    "audit_sample_rate", "updated_at")
    list_filter = ("enabled", "ungated", "idempotent", "reversible", "stakes")
    search_fields = ("name", "description", "endpoint_url")
    fields = ("name", "description", "enabled", "endpoint_url", "idempotent", "reversible", "stakes", "ungated",
              "audit_sample_rate", "payload_schema", "signing_secret_set_at", "idempotency_namespace", "created_at",
              "updated_at")
    readonly_fields = ("signing_secret_set_at", "idempotency_namespace", "created_at", "updated_at")
    actions = ["rotate_signing_secret"]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.JSONField: {"form_class": IndentedJSONField,
                           "widget": forms.Textarea(attrs={"rows": 20, "cols": 100, "style": "font-family: monospace"})},
    }
    secret_template = "admin/reviews/outboundactiontype/secret_issued.html"

    def _secrets_page(self, request: HttpRequest, issued: list[tuple[OutboundActionType, str]]) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "issued": issued, "opts": self.model._meta,
                   "title": "Signing secrets"}
        response = TemplateResponse(request, self.secret_template, context)
        response["Cache-Control"] = "no-store"
        return response

    def response_add(self, request: HttpRequest, obj: OutboundActionType,
                     post_url_continue: str | None = None) -> HttpResponse:
        # The secret was made when the type was first saved; this is the one time it is shown.
        return self._secrets_page(request, [(obj, obj.signing_secret)])

    @admin.action(description="Rotate the signing secret (shown once)", permissions=["change"])
    def rotate_signing_secret(self, request: HttpRequest, queryset: QuerySet[OutboundActionType]) -> HttpResponse:
        issued = []
        for action_type in queryset:
            secret = action_type.new_signing_secret()
            action_type.save(update_fields=["signing_secret", "signing_secret_set_at", "updated_at"])
            issued.append((action_type, secret))
        return self._secrets_page(request, issued)
