"""Notification routes, reviewers' Slack links and quiet hours, and the notification outbox.

Thin adapters: saving a route or a profile goes through ``services.notifications`` (audited); the
outbox is read-only, with a retry of given-up rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ..models import Notification, NotificationRoute, NotificationState, ReviewerNotificationProfile
from ..services.actors import Actor
from ..services.notifications import (
    notification_profile_delete,
    notification_profile_save,
    notification_route_delete,
    notification_route_save,
    notifications_retry,
)
from .readonly import ReadOnlyAdminMixin


@admin.register(NotificationRoute)
class NotificationRouteAdmin(admin.ModelAdmin):
    list_display = ("name", "enabled", "channel", "slack_channel_id", "kinds", "task_types", "min_risk", "max_risk",
                    "per_item_limit", "escalate")
    list_filter = ("enabled", "channel", "escalate")
    search_fields = ("name", "slack_channel_id")
    filter_horizontal = ("reviewers", "escalate_to")
    fieldsets = (
        (None, {"fields": ("name", "enabled")}),
        ("What it covers", {"fields": ("kinds", "task_types", "min_risk", "max_risk")}),
        ("Where it goes", {"fields": ("channel", "slack_channel_id", "reviewers")}),
        ("How often", {"fields": ("per_item_limit", "digest_minutes")}),
        ("SLA escalation", {"fields": ("escalate", "escalate_to")}),
    )

    def save_model(self, request: HttpRequest, obj: NotificationRoute, form: Any, change: bool) -> None:
        notification_route_save(route=obj, actor=Actor.for_user(request.user, request), created=not change)

    def delete_model(self, request: HttpRequest, obj: NotificationRoute) -> None:
        notification_route_delete(route=obj, actor=Actor.for_user(request.user, request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[NotificationRoute]) -> None:
        for route in queryset:  # one by one, so each is audited
            self.delete_model(request, route)


@admin.register(ReviewerNotificationProfile)
class ReviewerNotificationProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "slack_team_id", "slack_user_id", "quiet_hours_start", "quiet_hours_end", "timezone",
                    "email_enabled", "linked_by", "linked_at")
    list_select_related = ("user", "linked_by")
    search_fields = ("user__username", "slack_user_id")
    raw_id_fields = ("user",)
    fields = ("user", "slack_team_id", "slack_user_id", "quiet_hours_start", "quiet_hours_end", "timezone",
              "email_enabled", "linked_by", "linked_at")
    readonly_fields = ("linked_by", "linked_at")

    def save_model(self, request: HttpRequest, obj: ReviewerNotificationProfile, form: Any, change: bool) -> None:
        notification_profile_save(profile=obj, actor=Actor.for_user(request.user, request))

    def delete_model(self, request: HttpRequest, obj: ReviewerNotificationProfile) -> None:
        notification_profile_delete(profile=obj, actor=Actor.for_user(request.user, request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ReviewerNotificationProfile]) -> None:
        for profile in queryset:
            self.delete_model(request, profile)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox: what was sent where, what is retrying and why, what was given up."""

    list_display = ("created_at", "purpose", "channel", "target", "proposal_id", "route", "state", "attempts",
                    "next_attempt_at", "sent_at")
    list_filter = ("state", "purpose", "channel", "route")
    list_select_related = ("route",)
    search_fields = ("=proposal__id", "target", "slack_ts")
    show_full_result_count = False
    actions = ["retry"]

    @admin.action(description="Retry given-up notifications now", permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(list(queryset.filter(state=NotificationState.FAILED).values_list("pk", flat=True)))
        self.message_user(request, f"Queued {count} notification(s) again.", messages.SUCCESS)
