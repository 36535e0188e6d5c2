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

from .kinds import registered_kinds

# Every queue: the all-kinds one and each kind's own.
VIEW_RECORDS = ["reviews.view_proposal", *(kind.view_permission for kind in registered_kinds())]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "reviewer": [*VIEW_RECORDS, "reviews.decide_proposal"],
    "senior_reviewer": [
        *VIEW_RECORDS, "reviews.decide_proposal", "reviews.second_approve_proposal", "reviews.rescue_proposal",
        "reviews.view_policy", "reviews.change_policy", "reviews.add_policy",
        "reviews.view_crmobjectrule", "reviews.change_crmobjectrule",
    ],
    "compliance": [*VIEW_RECORDS, "reviews.view_history", "reviews.export_history", "reviews.view_policy",
                   "reviews.view_auditevent"],
    "admin": [
        *VIEW_RECORDS, "reviews.decide_proposal", "reviews.second_approve_proposal", "reviews.rescue_proposal",
        "reviews.view_history",
        "reviews.export_history", "reviews.view_policy", "reviews.change_policy", "reviews.add_policy",
        "reviews.view_crmobjectrule", "reviews.change_crmobjectrule", "reviews.add_crmobjectrule",
        "reviews.view_apiclient", "reviews.change_apiclient", "reviews.add_apiclient",
        "reviews.view_apitoken", "reviews.change_apitoken", "reviews.view_auditevent",
    ],
}
# The suppression list: senior reviewers may add an address; only admins may change or remove one.
ROLE_PERMISSIONS["senior_reviewer"] += ["reviews.view_suppression", "reviews.add_suppression"]
ROLE_PERMISSIONS["compliance"] += ["reviews.view_suppression"]
ROLE_PERMISSIONS["admin"] += ["reviews.view_suppression", "reviews.add_suppression", "reviews.change_suppression",
                              "reviews.delete_suppression"]
# Decision webhooks: admins keep the callback host allow-list and read the delivery log.
ROLE_PERMISSIONS["admin"] += ["reviews.view_callbackhostrule", "reviews.add_callbackhostrule",
                              "reviews.change_callbackhostrule", "reviews.delete_callbackhostrule",
                              "reviews.view_webhookdelivery"]
# Outbound action types (what agents may have hitlcrm do elsewhere, and where): admins keep them;
# compliance reads them.
ROLE_PERMISSIONS["admin"] += ["reviews.view_outboundactiontype", "reviews.add_outboundactiontype",
                              "reviews.change_outboundactiontype"]
ROLE_PERMISSIONS["compliance"] += ["reviews.view_outboundactiontype"]
# The complaint and bounce circuit breaker: senior reviewers (and admins) resume a paused sender domain.
ROLE_PERMISSIONS["senior_reviewer"] += ["reviews.view_senderdomain", "reviews.resume_senderdomain"]
ROLE_PERMISSIONS["compliance"] += ["reviews.view_senderdomain"]
ROLE_PERMISSIONS["admin"] += ["reviews.view_senderdomain", "reviews.resume_senderdomain"]
# Notifications: admins keep the routes and link reviewers' Slack accounts, and read the outbox.
ROLE_PERMISSIONS["admin"] += ["reviews.view_notificationroute", "reviews.add_notificationroute",
                              "reviews.change_notificationroute", "reviews.delete_notificationroute",
                              "reviews.view_reviewernotificationprofile", "reviews.add_reviewernotificationprofile",
                              "reviews.change_reviewernotificationprofile",
                              "reviews.delete_reviewernotificationprofile", "reviews.view_notification"]
# Golden items: only admins seed them and see which items are golden (reviewers must not tell them apart).
ROLE_PERMISSIONS["admin"] += ["reviews.view_goldenitem", "reviews.add_goldenitem"]
# Reviewers (the console users hitlcrm created): admins create them, change their role, deactivate them.
ROLE_PERMISSIONS["admin"] += ["reviews.view_consoleaccount", "reviews.add_consoleaccount",
                              "reviews.change_consoleaccount"]
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
