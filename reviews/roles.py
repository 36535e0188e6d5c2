"""Roles are Django groups of hitlcrm's own, named ``hitlcrm: <role>`` so they cannot be a host
project's groups (an ``admin`` group of its own, say); this is the one place that says what each may do.

- reviewer: the queues and review pages; approves, edits and rejects (a four-eyes item's first approval too).
- senior_reviewer: also the approval that completes a four-eyes item; rescues a blocked item by editing it
  back into review; edits policies and CRM allow-lists.
- compliance: reads (queues and review pages without decision controls, policies), the audit history and
  its exports; decides nothing and claims nothing.
- admin: all of the above, plus reviewers (console users: create, role, deactivate), API clients and
  tokens, outbound action types, and golden items
  (known-answer proposals).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .apps import perm
from .kinds import registered_kinds

# Every queue: the all-kinds one and each kind's own.
VIEW_RECORDS = [perm("view_proposal"), *(kind.view_permission for kind in registered_kinds())]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "reviewer": [*VIEW_RECORDS, perm("decide_proposal")],
    "senior_reviewer": [
        *VIEW_RECORDS, perm("decide_proposal"), perm("second_approve_proposal"), perm("rescue_proposal"),
        perm("view_policy"), perm("change_policy"), perm("add_policy"),
        perm("view_crmobjectrule"), perm("change_crmobjectrule"),
    ],
    "compliance": [*VIEW_RECORDS, perm("view_history"), perm("export_history"), perm("view_policy"),
                   perm("view_auditevent")],
    "admin": [
        *VIEW_RECORDS, perm("decide_proposal"), perm("second_approve_proposal"), perm("rescue_proposal"),
        perm("view_history"),
        perm("export_history"), perm("view_policy"), perm("change_policy"), perm("add_policy"),
        perm("view_crmobjectrule"), perm("change_crmobjectrule"), perm("add_crmobjectrule"),
        perm("view_apiclient"), perm("change_apiclient"), perm("add_apiclient"),
        perm("view_apitoken"), perm("change_apitoken"), perm("view_auditevent"),
    ],
}
# The suppression list: senior reviewers may add an address; only admins may change or remove one.
ROLE_PERMISSIONS["senior_reviewer"] += [perm("view_suppression"), perm("add_suppression")]
ROLE_PERMISSIONS["compliance"] += [perm("view_suppression")]
ROLE_PERMISSIONS["admin"] += [perm("view_suppression"), perm("add_suppression"), perm("change_suppression"),
                              perm("delete_suppression")]
# Decision webhooks: admins keep the callback host allow-list and read the delivery log.
ROLE_PERMISSIONS["admin"] += [perm("view_callbackhostrule"), perm("add_callbackhostrule"),
                              perm("change_callbackhostrule"), perm("delete_callbackhostrule"),
                              perm("view_webhookdelivery")]
# Outbound action types (what agents may have hitlcrm do elsewhere, and where): admins keep them;
# compliance reads them.
ROLE_PERMISSIONS["admin"] += [perm("view_outboundactiontype"), perm("add_outboundactiontype"),
                              perm("change_outboundactiontype")]
ROLE_PERMISSIONS["compliance"] += [perm("view_outboundactiontype")]
# The complaint and bounce circuit breaker: senior reviewers (and admins) resume a paused sender domain.
ROLE_PERMISSIONS["senior_reviewer"] += [perm("view_senderdomain"), perm("resume_senderdomain")]
ROLE_PERMISSIONS["compliance"] += [perm("view_senderdomain")]
ROLE_PERMISSIONS["admin"] += [perm("view_senderdomain"), perm("resume_senderdomain")]
# Notifications: admins keep the routes and link reviewers' Slack accounts, and read the outbox.
ROLE_PERMISSIONS["admin"] += [perm("view_notificationroute"), perm("add_notificationroute"),
                              perm("change_notificationroute"), perm("delete_notificationroute"),
                              perm("view_reviewernotificationprofile"), perm("add_reviewernotificationprofile"),
                              perm("change_reviewernotificationprofile"),
                              perm("delete_reviewernotificationprofile"), perm("view_notification")]
# Golden items: only admins seed them and see which items are golden (reviewers must not tell them apart).
ROLE_PERMISSIONS["admin"] += [perm("view_goldenitem"), perm("add_goldenitem")]
# Reviewers (the console users hitlcrm created): admins create them, change their role, deactivate them.
ROLE_PERMISSIONS["admin"] += [perm("view_consoleaccount"), perm("add_consoleaccount"),
                              perm("change_consoleaccount")]
ROLES = tuple(ROLE_PERMISSIONS)
GROUP_PREFIX = "hitlcrm: "


def group_name(role: str) -> str:
    """The Django group of a role: ``hitlcrm: reviewer``."""
    return GROUP_PREFIX + role


def ensure_roles() -> dict[str, Group]:
    """The role groups, made if missing, each with exactly its permissions. Only these groups are
    written; any other group of the project is left as it is."""
    groups = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"role {role}: permission {name} does not exist")
            permissions.append(permission)
        group.permissions.set(permissions)
        groups[role] = group
    return groups
