"""The review console: Django admin with custom review views (``get_urls``).

Importing the modules registers their ModelAdmins: the queues and review pages (console), the
dashboard's view lives on the all-kinds queue; policies and CRM allow-lists (setup); the suppression
list, sent emails and outcome-unknown resolution (mail); audit history, timeline and monthly report,
read-only (compliance); API clients and tokens, callback allow-list, webhook deliveries (clients);
notification routes, reviewers' Slack links and quiet hours, the notification outbox (notifications);
outbound action types and their endpoints (actions); golden items, for admins only (golden); the
console's people, for admins only (reviewers).
"""

from . import actions, clients, compliance, console, golden, mail, notifications, reviewers, setup  # noqa: F401
