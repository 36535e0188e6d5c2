"""API clients, their tokens, the callback host allow-list and the webhook delivery log.

Tokens are stored hashed: the console can issue one (shown once, on the page that issued it,
never stored in a message cookie) and revoke any, but never show an existing one again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from ..models import ApiClient, ApiToken, CallbackHostRule, WebhookDelivery, WebhookDeliveryState
from ..services.actors import Actor
from ..services.tokens import token_issue, tokens_revoke
from .readonly import ReadOnlyAdminMixin


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ("hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _revoke(request: HttpRequest, tokens: QuerySet[ApiToken]) -> int:
    return len(tokens_revoke(tokens=tokens, actor=Actor.for_user(request.user, request)))


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "is_active", "webhook_url", "throttle_rate", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("name",)
    fields = ("name", "role", "user", "is_active", "throttle_rate", "webhook_url", "created_at")
    readonly_fields = ("user", "created_at")
    inlines = [ApiTokenInline]
    actions = ["issue_token", "revoke_tokens"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    issued_template = "admin/reviews/apiclient/token_issued.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `manage.py create_agent` makes the service account and the first token

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records point at their agent; deactivate instead

    @admin.action(description="Issue a new token (shown once)", permissions=["change"])
    def issue_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> HttpResponse:
        issued = []
        for client in queryset:
            _, raw = token_issue(client=client, actor=Actor.for_user(request.user, request))
            issued.append((client, raw))
        context = {**self.admin_site.each_context(request), "issued": issued, "opts": self.model._meta,
                   "title": "New API tokens"}
        response = TemplateResponse(request, self.issued_template, context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke all tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = _revoke(request, ApiToken.objects.filter(client__in=queryset))
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("client", "hint", "created_at", "last_used_at", "revoked_at")
    list_filter = ("client__role", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("client",)
    search_fields = ("client__name", "hint")
    readonly_fields = ("client", "hint", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked tokens stay, so the audit trail can name them

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        self.message_user(request, f"Revoked {_revoke(request, queryset)} token(s).", messages.SUCCESS)


@admin.register(CallbackHostRule)
class CallbackHostRuleAdmin(admin.ModelAdmin):
    list_display = ("host", "allow_private_network", "note", "created_at")
    search_fields = ("host", "note")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "client", "proposal_id", "from_status", "to_status", "state", "attempts",
                    "last_status_code", "last_attempt_at")
    list_filter = ("state", "client")
    list_select_related = ("client",)
    show_full_result_count = False
    search_fields = ("=delivery_id", "=proposal__id")
    actions = ["retry"]

    @admin.action(description="Retry failed deliveries now", permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        from ..services.webhooks import webhooks_retry

        count = webhooks_retry([d.pk for d in queryset.filter(state=WebhookDeliveryState.FAILED)])
        self.message_user(request, f"Queued {count} deliveries again.", messages.SUCCESS)
