"""Mail in the console: the suppression list (admin-editable), sent emails with their delivery
and CRM-logging state, and resolving emails whose send outcome is unknown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..apps import perm
from ..kinds import kinds_with
from ..models import ExecutionState
from ..models.mail import MailDelivery, MailEvent, SenderDomain, Suppression
from ..services.activities import email_activities_retry
from ..services.actors import Actor
from ..services.mail_events import ResolveRefused, email_resolve_unknown
from ..services.sender_health import ResumeRefused, sender_domain_resume
from ..services.suppressions import suppression_change, suppression_create, suppression_remove
from .readonly import ReadOnlyAdminMixin


def may_view_emails(request: HttpRequest) -> bool:
    """Whoever may read an email queue reads what became of the emails (deliveries, provider events,
    sender domains)."""
    return any(request.user.has_perm(kind.view_permission) for kind in kinds_with(sends_email=True))


@admin.register(Suppression)
class SuppressionAdmin(SimpleHistoryAdmin):
    list_display = ("address", "reason", "provider", "created_at", "created_by")
    list_filter = ("reason", "provider")
    search_fields = ("address",)
    readonly_fields = ("provider", "source_event_id", "created_by", "created_at")
    fields = ("address", "reason", "note", "provider", "source_event_id", "created_by", "created_at")
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Suppression, form: Any, change: bool) -> None:
        actor = Actor.for_user(request.user, request)
        if change:
            entry = suppression_change(suppression_id=obj.pk, address=obj.address, reason=obj.reason, note=obj.note,
                                       actor=actor)
            obj.address = entry.address
            return
        # The one way onto the list, as for webhooks and the one-click unsubscribe.
        entry, _ = suppression_create(address=obj.address, reason=obj.reason, note=obj.note, actor=actor)
        obj.pk, obj.created_by, obj.created_at = entry.pk, entry.created_by, entry.created_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Suppression) -> None:
        suppression_remove(suppression_id=obj.pk, actor=Actor.for_user(request.user, request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Suppression]) -> None:
        for entry in queryset:  # one by one, so each removal is audited and kept in history
            self.delete_model(request, entry)


@admin.register(MailDelivery)
class MailDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every email that reached the "sending" step; filter on "Outcome unknown" to resolve those."""

    list_display = ("proposal", "subject", "recipients", "execution_state", "sent_at", "delivery_status",
                    "crm_activity_state")
    list_filter = ("proposal__execution__state", "delivery_status", "crm_activity_state")
    list_select_related = ("proposal", "proposal__execution")
    search_fields = ("=proposal__id", "message_id", "provider_message_id")
    show_full_result_count = False
    actions = ("mark_sent", "mark_not_sent", "retry_crm_activity")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MailDelivery]:
        return super().get_queryset(request).defer("proposal__body", "proposal__body_html",
                                                   "proposal__original_output", "proposal__final_output")

    @admin.display(description="subject")
    def subject(self, obj: MailDelivery) -> str:
        return obj.proposal.subject

    @admin.display(description="to")
    def recipients(self, obj: MailDelivery) -> str:
        return ", ".join(obj.proposal.recipients)

    @admin.display(description="execution")
    def execution_state(self, obj: MailDelivery) -> str:
        execution = getattr(obj.proposal, "execution", None)
        return execution.get_state_display() if execution else "-"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_view_emails(request) or super().has_view_permission(request, obj)


    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(perm("decide_proposal"))

    def _resolve(self, request: HttpRequest, queryset: QuerySet[MailDelivery], *, sent: bool) -> None:
        done, refused = 0, []
        for delivery in queryset.filter(proposal__execution__state=ExecutionState.UNKNOWN):
            try:
                email_resolve_unknown(proposal_id=delivery.proposal_id, actor=Actor.for_user(request.user, request),
                                      sent=sent)
                done += 1
            except ResolveRefused as exc:
                refused.append(str(exc))
        skipped = queryset.exclude(proposal__execution__state=ExecutionState.UNKNOWN).count()
        if done:
            self.message_user(request, f"{done} email(s) marked {'sent' if sent else 'not sent'}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} selected email(s) are not of unknown outcome; left alone.",
                              messages.WARNING)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="Outcome unknown: the recipient got it (mark sent)", permissions=["decide"])
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[MailDelivery]) -> None:
        self._resolve(request, queryset, sent=True)

    @admin.action(description="Outcome unknown: it did not go out (mark not sent)", permissions=["decide"])
    def mark_not_sent(self, request: HttpRequest, queryset: QuerySet[MailDelivery]) -> None:
        self._resolve(request, queryset, sent=False)

    @admin.action(description="Retry logging on the CRM record", permissions=["decide"])
    def retry_crm_activity(self, request: HttpRequest, queryset: QuerySet[MailDelivery]) -> None:
        retried = email_activities_retry(proposal_ids=queryset.values_list("proposal_id", flat=True),
                                         actor=Actor.for_user(request.user, request))
        self.message_user(request, f"{len(retried)} CRM activity log(s) queued again.", messages.SUCCESS)


@admin.register(MailEvent)
class MailEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "provider", "event_type", "recipient", "proposal", "reject_reason")
    list_filter = ("provider", "event_type")
    search_fields = ("recipient", "event_id", "provider_message_id", "=proposal__id")
    list_select_related = ("proposal",)
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_view_emails(request) or super().has_view_permission(request, obj)



@admin.register(SenderDomain)
class SenderDomainAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The complaint and bounce circuit breaker per sender domain; a senior reviewer resumes a paused one."""

    list_display = ("domain", "state", "paused_at", "pause_reason", "resumed_at", "resumed_by")
    list_filter = ("state",)
    search_fields = ("domain",)
    show_full_result_count = False
    actions = ("resume",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_view_emails(request) or super().has_view_permission(request, obj)

    def has_resume_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(perm("resume_senderdomain"))

    @admin.action(description="Resume sending (the complaint or bounce cause is dealt with)", permissions=["resume"])
    def resume(self, request: HttpRequest, queryset: QuerySet[SenderDomain]) -> None:
        for row in queryset:
            try:
                sender_domain_resume(domain=row.domain, actor=Actor.for_user(request.user, request))
            except ResumeRefused as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, f"Sending from {row.domain} resumed.", messages.SUCCESS)
