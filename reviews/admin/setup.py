"""Configuration the console's admins and senior reviewers edit: policies and CRM allow-lists.

Every saved edit is kept by simple-history ("History" on each record), and a policy's version goes
up with each save, so an automatic approval names the exact rules it followed.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import CrmObjectRule, Policy


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ("task_type", "mode", "confidence_threshold", "audit_sample_rate", "required_approvals",
                    "allow_bulk_decisions", "stakes", "reversible", "sla_minutes", "version")
    list_filter = ("mode", "allow_bulk_decisions", "reversible")
    search_fields = ("task_type",)
    readonly_fields = ("version", "updated_at")


@admin.register(CrmObjectRule)
class CrmObjectRuleAdmin(SimpleHistoryAdmin):
    list_display = ("crm_object", "executor", "enabled", "run_assignment_rules", "allow_duplicate_save",
                    "strict_writes")
    list_filter = ("executor", "enabled", "run_assignment_rules", "allow_duplicate_save", "strict_writes")
    search_fields = ("crm_object",)
