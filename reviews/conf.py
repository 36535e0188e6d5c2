"""hitlcrm's settings, with their defaults: the one place the apps read them.

A project sets, in its Django settings, only the ones it changes (``HITLCRM_UNDO_GRACE_SECONDS = 30``).
The apps read ``hitlcrm_settings.UNDO_GRACE_SECONDS`` (the ``HITLCRM_`` prefix dropped; Salesforce's
settings keep theirs: ``hitlcrm_settings.SALESFORCE_API_VERSION``). Each read looks at Django's
settings at that moment, so ``override_settings`` and ``setting_changed`` need no cache clearing.
The standalone project (``hitlcrm/settings/``) fills them from environment variables of the same
names, with these defaults (docs/configuration.md, docs/plugin.md).
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # --- console ----------------------------------------------------------------------------
    # Absolute links (review_url in API answers and decision webhooks) start with it: the console's
    # public address. Empty: the links are paths only (a system check warns).
    "HITLCRM_BASE_URL": "",
    # Seconds an approval waits before it executes, so the reviewer can undo it.
    "HITLCRM_UNDO_GRACE_SECONDS": 10,
    # How long opening a review page claims the item for that reviewer.
    "HITLCRM_CLAIM_SECONDS": 300,
    # After this many failed logins for one username (or from one address) within the lockout window,
    # every attempt is refused until the window passes (reviews.security.ThrottledModelBackend).
    "HITLCRM_LOGIN_FAILURE_LIMIT": 10,
    "HITLCRM_LOGIN_LOCKOUT_SECONDS": 900,
    # Seconds the dashboard's figures are kept in the cache once computed (one entry per view of them),
    # shown "as of" their time with a "Refresh now" button. 0: computed at every view.
    "HITLCRM_DASHBOARD_CACHE_SECONDS": 60,
    # The demo data (``seed_demo``, ``run_demo``) runs only where this is True: the standalone
    # project's development settings. It makes accounts with a public password.
    "HITLCRM_DEMO": False,
    # --- API ------------------------------------------------------------------------------------
    # Largest accepted API request body (413 beyond it), and the bulk endpoints' larger limit.
    "HITLCRM_MAX_BODY_BYTES": 256 * 1024,
    "HITLCRM_BULK_MAX_BODY_BYTES": 16 * 1024 * 1024,
    # An API client's request rate when its own throttle_rate is blank.
    "HITLCRM_AGENT_THROTTLE": "6000/min",
    # Longest a long poll (GET .../{id}/wait/) holds its request before answering.
    "HITLCRM_WAIT_MAX_SECONDS": 60,
    # Decision webhooks: attempts before a delivery is given up, and the per-attempt timeout.
    "HITLCRM_WEBHOOK_MAX_ATTEMPTS": 8,
    "HITLCRM_WEBHOOK_TIMEOUT_SECONDS": 10.0,
    # Outbound actions (docs/outbound-actions.md): the read timeout of each call to an action type's
    # endpoint, and a CA bundle to trust for those endpoints (empty: the system's default store).
    "HITLCRM_OUTBOUND_TIMEOUT_SECONDS": 10.0,
    "HITLCRM_OUTBOUND_CA_BUNDLE": "",
    # Decision receipts (reviews/receipts.py, docs/agents.md): the HMAC-SHA256 key that signs them, which
    # agents use to verify them offline; or an Ed25519 private key (PEM, or the path of a PEM file) that
    # signs them instead, so that verifying needs only its public key. No default: with neither, the
    # receipt endpoint answers 503 naming them, ``manage.py check`` warns (hitlcrm.W005) and
    # ``check --deploy`` fails (hitlcrm.E005); a signing key that is not a usable Ed25519 key fails
    # ``manage.py check`` (hitlcrm.E012).
    "HITLCRM_RECEIPT_KEY": "",
    "HITLCRM_RECEIPT_SIGNING_KEY": "",
    # --- notifications (docs/notifications.md) -------------------------------------------------
    # The Slack app's bot token (xoxb-…) and signing secret; without the secret every click is refused.
    "HITLCRM_SLACK_BOT_TOKEN": "",
    "HITLCRM_SLACK_SIGNING_SECRET": "",
    # Slack's Web API base URL (a local fake in tests), and the per-call timeout.
    "HITLCRM_SLACK_API_URL": "https://slack.com/api/",
    "HITLCRM_SLACK_TIMEOUT_SECONDS": 10.0,
    # Attempts of one notification before it is given up (Slack 429s and 5xx, mail server failures).
    "HITLCRM_NOTIFICATION_MAX_ATTEMPTS": 8,
    # How long a reviewer email's link opens its item (single use).
    "HITLCRM_NOTIFICATION_LINK_SECONDS": 8 * 3600,
    # The From of reviewer emails (empty: DEFAULT_FROM_EMAIL).
    "HITLCRM_NOTIFICATION_FROM_EMAIL": "",
    # --- audit ------------------------------------------------------------------------------
    # Events older than this are archived to the folder, then pruned, by ``manage.py archive_history``;
    # without a folder the command needs --output.
    "HITLCRM_AUDIT_RETENTION_DAYS": 7 * 366,
    "HITLCRM_AUDIT_ARCHIVE_DIR": "",
    # --- automated checks (reviews/checks) ----------------------------------------------------
    # Extra checks, by dotted path, added to the built-in registry.
    "HITLCRM_EXTRA_CHECKS": [],
    # Length limits in characters (a policy may override each).
    "HITLCRM_LENGTH_LIMITS": {"first_line": 120, "subject": 100, "body": 3000},
    # Tone phrases {category: [phrases]} added to the built-in lexicon (reviews/checks/lexicon.py);
    # HITLCRM_TONE_LEXICON_DEFAULTS = False replaces the built-in lexicon by HITLCRM_TONE_LEXICON.
    "HITLCRM_TONE_LEXICON": {},
    "HITLCRM_TONE_LEXICON_DEFAULTS": True,
    # The optional AI reviewer check: an OpenAI-compatible chat-completions endpoint; off unless the URL is set.
    "HITLCRM_AI_REVIEWER_URL": "",
    "HITLCRM_AI_REVIEWER_MODEL": "",
    "HITLCRM_AI_REVIEWER_API_KEY": "",
    "HITLCRM_AI_REVIEWER_TIMEOUT_SECONDS": 20.0,
    "HITLCRM_AI_REVIEWER_DAILY_BUDGET": 1000,
    # Seconds the do-not-contact flags read from the CRM for an email draft's checks stay cached.
    "HITLCRM_CRM_FLAGS_CACHE_SECONDS": 300,
    # Seconds the CRM's current values shown on a CRM change's review page stay cached (per record).
    "HITLCRM_CRM_NOW_CACHE_SECONDS": 5,
    # Seconds who a record is (name, title, company, owner) stays cached for the console, per page of
    # records; also how long the console stops asking after the CRM failed to answer.
    "HITLCRM_CRM_IDENTITY_CACHE_SECONDS": 60,
    # --- sending rules (docs/mail.md) ---------------------------------------------------------
    # Sender identification and postal address (CAN-SPAM, CASL): unset, the sender_identity check
    # blocks every email draft and the send stops, naming the setting. The footer is appended by
    # hitlcrm ("append") or must already be in the draft ("require").
    "HITLCRM_SENDER_IDENTITY": "",
    "HITLCRM_POSTAL_ADDRESS": "",
    "HITLCRM_FOOTER_MODE": "append",
    # The mailto of List-Unsubscribe (empty: the email's From address).
    "HITLCRM_UNSUBSCRIBE_MAILTO": "",
    # The complaint and bounce circuit breaker, per sender domain over a rolling window.
    "HITLCRM_SENDER_HEALTH_WINDOW_DAYS": 7,
    "HITLCRM_SENDER_HEALTH_MIN_SENDS": 200,
    "HITLCRM_COMPLAINT_RATE_LIMIT": 0.003,
    "HITLCRM_COMPLAINT_RATE_WARNING": 0.001,
    "HITLCRM_BOUNCE_RATE_LIMIT": 0.02,
    # Gate metrics: reviews needed before a policy's sampling may narrow, and the default error target.
    "HITLCRM_MIN_REVIEWS_TO_NARROW": 500,
    "HITLCRM_DEFAULT_ERROR_TARGET": 0.05,
    # Autonomy follows the agent's version (reviews/versions.py, docs/gate.md): an output naming its
    # agent_version, prompt_version or model is auto-approved only once that combination's own record
    # (MIN_REVIEWS_TO_NARROW reviewed, 95% upper bound under the policy's target) clears the bound;
    # until then it goes to a person, but for this share of its outputs let through as a canary.
    "HITLCRM_VERSION_GATE": True,
    "HITLCRM_NEW_VERSION_CANARY_SHARE": 0.0,
    # What the gate keeps in the cache of a version's record between submissions: its rolled-up months'
    # sums (dropped as soon as a roll-up rewrites them) and who is below the reviewer quality floor. The
    # months not rolled up yet are read at every submission. 0: nothing is kept.
    "HITLCRM_VERSION_STANDING_CACHE_SECONDS": 300,
    # What-if replay on a policy's edit page: how many of the task type's latest human-decided
    # proposals it replays the candidate policy on (reviews/services/replay.py).
    "HITLCRM_REPLAY_DECISIONS": 10_000,
    # Reviewer quality (reviews/services/reviewer_quality.py, docs/gate.md), over the decisions of the
    # last REVIEWER_QUALITY_DAYS: a decision taken sooner than RUBBER_STAMP_SECONDS after the review page
    # showed the item, or without it shown, is a possible rubber stamp. A reviewer is below the floor
    # (the narrowing recommendation leaves their labels out) when their golden-item accuracy over at
    # least REVIEWER_MIN_GOLDEN answers is under REVIEWER_QUALITY_FLOOR, or more than
    # RUBBER_STAMP_MAX_SHARE of their decisions (at least REVIEWER_MIN_DECISIONS) are possible rubber stamps.
    "HITLCRM_REVIEWER_QUALITY_DAYS": 90,
    "HITLCRM_RUBBER_STAMP_SECONDS": 3.0,
    "HITLCRM_REVIEWER_QUALITY_FLOOR": 0.9,
    "HITLCRM_REVIEWER_MIN_GOLDEN": 10,
    "HITLCRM_RUBBER_STAMP_MAX_SHARE": 0.2,
    "HITLCRM_REVIEWER_MIN_DECISIONS": 20,
    # --- workers ----------------------------------------------------------------------------
    # The sweeper re-enqueues checks still ``checking`` after this long, and resumes executions a
    # dead worker left ``in progress`` this long.
    "HITLCRM_SWEEP_CHECKING_AFTER_SECONDS": 120,
    "HITLCRM_SWEEP_STALE_EXECUTION_SECONDS": 300,
    # GET /health/ and the dashboard report approved work still not executing this long after it was due.
    "HITLCRM_HEALTH_STALLED_AFTER_MINUTES": 10,
    # The executors that carry out approved records (reviews/executors), by dotted path; each class
    # names itself, and a later one with a built-in's name replaces it. A batch of due records of
    # several executors is executed executor by executor, in this order.
    "HITLCRM_EXECUTORS": [
        "integrations.mail.executor.MailExecutor",
        "integrations.salesforce.executor.SalesforceExecutor",
        "integrations.outbound.executor.WebhookExecutor",
    ],
    # The CRM backend reviews.crm (the CRM port) delegates reads and the activity log to: a module
    # providing the port's names (integrations/salesforce/crm.py shows which).
    "HITLCRM_CRM_BACKEND": "integrations.salesforce.crm",
    # --- Salesforce (integrations/salesforce/client.py says which combinations log in how) ------
    "SALESFORCE_CONSUMER_KEY": "",
    "SALESFORCE_USERNAME": "",
    "SALESFORCE_PRIVATE_KEY_FILE": "",
    "SALESFORCE_CONSUMER_SECRET": "",
    "SALESFORCE_INSTANCE_URL": "",
    "SALESFORCE_SESSION_ID": "",
    "SALESFORCE_PASSWORD": "",
    "SALESFORCE_SECURITY_TOKEN": "",
    # login, test, or the My Domain without https:// and .salesforce.com (acme.my, acme--uat.sandbox.my).
    "SALESFORCE_DOMAIN": "login",
    # A CA bundle to trust (local emulator, corporate TLS proxy). Empty: the system's default store.
    "SALESFORCE_CA_BUNDLE": "",
    "SALESFORCE_API_VERSION": "62.0",
    "SALESFORCE_TIMEOUT_SECONDS": 30.0,
    "SALESFORCE_DESCRIBE_CACHE_SECONDS": 3600,
    # Pushes pause while the org's daily API usage is above this share of its allowance; while paused,
    # one process re-measures it this often.
    "SALESFORCE_API_BUDGET_SHARE": 0.8,
    "SALESFORCE_API_BUDGET_PROBE_SECONDS": 120,
    # Transient push failures: retried after an exponential backoff (base, cap), at most this many times.
    "SALESFORCE_PUSH_MAX_ATTEMPTS": 8,
    "SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS": 2.0,
    "SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS": 10_800.0,
    # Transient failures fail the change only after this long of failures in a row (and the attempts).
    "SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS": 86_400.0,
    # Interactive batching: a due CRM change waits this long past its grace so approvals close together
    # share one push; a single submission's check waits this long so single submissions share one read.
    "SALESFORCE_PUSH_COALESCE_SECONDS": 10.0,
    "SALESFORCE_CHECK_COALESCE_SECONDS": 2.0,
    # Org-level refusals pause every push; the next try waits this long, doubling up to the cap.
    "SALESFORCE_PAUSE_PROBE_SECONDS": 60,
    "SALESFORCE_PAUSE_PROBE_MAX_SECONDS": 3600,
}


# The API's OpenAPI document (drf-spectacular settings; reviews/api/base.py serves it with these). A
# project that runs drf-spectacular's own deploy check over the whole site merges them into its
# SPECTACULAR_SETTINGS, as the standalone project does, so the check names hitlcrm's enums as the API does.
OPENAPI_SETTINGS: dict[str, Any] = {
    "TITLE": "hitlcrm API",
    "DESCRIPTION": "Submit AI-proposed emails and CRM changes for review; read decisions and history.",
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProposalKindEnum": "reviews.models.proposals.ProposalKind",
        "CrmChangeKindEnum": "reviews.models.proposals.CrmChangeKind",
    },
}


def setting_name(attribute: str) -> str:
    """The Django setting behind an accessor attribute: ``UNDO_GRACE_SECONDS`` -> ``HITLCRM_UNDO_GRACE_SECONDS``."""
    return attribute if attribute.startswith("SALESFORCE_") else f"HITLCRM_{attribute}"


class HitlcrmSettings:
    """``hitlcrm_settings.X``: the project's ``HITLCRM_X`` (or ``SALESFORCE_X``), else its default.

    A project's ``None`` also means the default (the standalone settings leave some unset that way)."""

    def __getattr__(self, attribute: str) -> Any:
        name = setting_name(attribute)
        if name not in DEFAULTS:
            raise AttributeError(f"{attribute} is not a hitlcrm setting (reviews/conf.py lists them)")
        value = getattr(settings, name, None)
        # A copy of a mutable default: a caller changing it must not change the next reader's default.
        return copy.deepcopy(DEFAULTS[name]) if value is None else value


hitlcrm_settings = HitlcrmSettings()
