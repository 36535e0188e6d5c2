"""What a fresh install still needs before it is useful, for the console's home and its setup page:
CRM object rules, policies, a reachable Salesforce, mail that reaches people, reviewers.

Each item says what is missing, why it matters, and where it is fixed: a console page where one
exists, else the settings to set (the setup page, ``admin:hitlcrm_reviews_proposal_setup``, lists them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from .. import crm
from ..apps import admin_url_name
from ..conf import hitlcrm_settings
from ..models import CrmObjectRule, Policy
from ..roles import group_name

# Backends that deliver nothing to a recipient: fine in development, a missing setting in production.
NON_DELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every email to the console",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every email in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every email",
    "django.core.mail.backends.filebased.EmailBackend": "writes every email to a file",
}
PROBE_CACHE_KEY = "hitlcrm:setup:salesforce-probe"
PROBE_SECONDS = 60  # a dashboard opened every few seconds asks Salesforce at most once a minute


@dataclass(frozen=True)
class SetupItem:
    key: str
    title: str
    detail: str
    url: str
    link: str


def salesforce_problem() -> str:
    """Why Salesforce cannot be used, or "" when it answers (one Describe Global, cached a minute)."""
    if not crm.crm_configured():
        return ("Salesforce is not configured: set SALESFORCE_INSTANCE_URL and SALESFORCE_SESSION_ID, "
                "SALESFORCE_USERNAME (with password and token), or SALESFORCE_CONSUMER_KEY (JWT).")
    cached = cache.get(PROBE_CACHE_KEY)
    if cached is not None:
        return cached
    try:
        crm.writable_objects()
        problem = ""
    except crm.CrmError as exc:
        problem = f"Salesforce is not reachable: {exc}"
    cache.set(PROBE_CACHE_KEY, problem, PROBE_SECONDS)
    return problem


def mail_problems() -> list[str]:
    """What keeps approved emails from reaching people, each naming the setting."""
    problems = []
    backend = settings.EMAIL_BACKEND
    if backend in NON_DELIVERING_BACKENDS:
        problems.append(f"EMAIL_BACKEND is {backend.rsplit('.', 2)[-2]}: it {NON_DELIVERING_BACKENDS[backend]} "
                        "instead of sending it. Set an SMTP server or a django-anymail ESP.")
    sender = settings.DEFAULT_FROM_EMAIL or ""
    if not sender or sender.endswith("@localhost"):
        problems.append(f"DEFAULT_FROM_EMAIL is {sender or 'empty'!r}: set the address emails are sent from.")
    missing = [name for name, value in (("HITLCRM_SENDER_IDENTITY", hitlcrm_settings.SENDER_IDENTITY),
                                        ("HITLCRM_POSTAL_ADDRESS", hitlcrm_settings.POSTAL_ADDRESS)) if not value]
    if missing:
        problems.append(f"{' and '.join(missing)} unset: the sender_identity check blocks every email draft "
                        "(CAN-SPAM and CASL need who sends and a postal address).")
    return problems


def setup_todo() -> list[SetupItem]:
    """What is still to configure, in the order an admin would do it."""
    setup = reverse(admin_url_name("proposal", "setup"))
    items = []
    if not CrmObjectRule.objects.filter(enabled=True).exists():
        items.append(SetupItem("crm_rules", "No CRM object rules",
                               "Every CRM change an agent proposes is refused until an object and its fields are "
                               "allowed.", reverse(admin_url_name("crmobjectrule", "add")), "Add a CRM object rule"))
    if not Policy.objects.exists():
        items.append(SetupItem("policies", "No policies",
                               "Every item goes to a person under the built-in defaults; a policy per task type "
                               "sets thresholds, checks, SLA and sending rules.",
                               reverse(admin_url_name("policy", "add")), "Add a policy"))
    problem = salesforce_problem()
    if problem:
        items.append(SetupItem("salesforce", "Salesforce not reachable", problem, f"{setup}#salesforce",
                               "What to set"))
    mail = mail_problems()
    if mail:
        items.append(SetupItem("mail", "Mail not configured", " ".join(mail), f"{setup}#mail", "What to set"))
    deciders = get_user_model()._default_manager.filter(
        is_active=True, groups__name__in=[group_name("reviewer"), group_name("senior_reviewer")])
    if not deciders.exists():
        items.append(SetupItem("reviewers", "No reviewers", "Nobody holds the reviewer or senior reviewer role, so nobody "
                               "works the queues.",
                               reverse(admin_url_name("consoleaccount", "add")), "Add a reviewer"))
    return items
