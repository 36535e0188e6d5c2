"""The review console: Django admin with custom review views (``get_urls``).

Importing the modules registers their ModelAdmins: the queues and review pages (console), the
dashboard's view lives on the all-kinds queue; policies and CRM allow-lists (setup); the suppression
list, sent emails and outcome-unknown resolution (mail); audit history, timeline and monthly report,
read-only (compliance); API clients and tokens, callback allow-list, webhook deliveries (clients);
golden items, for admins only (golden).
"""

from . import clients, compliance, console, golden, mail, setup  # noqa: F401
