"""Development defaults: everything runs on one machine with no servers (SQLite, filesystem broker).

Every value can be overridden from the environment; ``production`` removes the unsafe defaults.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from reviews.conf import OPENAPI_SETTINGS

from .celery import *  # noqa: F401,F403
from .env import env_bool, env_int, env_list, env_setting, env_str
from .salesforce import *  # noqa: F401,F403

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("HITLCRM_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "anymail",
    "reviews",  # label hitlcrm_reviews (reviews/apps.py): what permissions, admin URLs and migrate name
    "integrations",  # labelled hitlcrm_integrations
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "reviews.signals.PermissionDeniedAuditMiddleware",  # every 403 is an audit event
]

ROOT_URLCONF = "hitlcrm.urls"
WSGI_APPLICATION = "hitlcrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_SQLITE_DEFAULT = f"sqlite:///{VAR_DIR / 'hitlcrm.sqlite3'}"
# Persistent connections, checked before each request reuses one: after a database restart or
# failover a dead connection is replaced instead of failing the request (tests/reliability).
_DATABASE_URL = env_str("DATABASE_URL").strip() or _SQLITE_DEFAULT  # set but empty: the default too
try:
    DATABASES = {"default": dj_database_url.parse(_DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
except ValueError as _exc:  # an unknown scheme or a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL (postgres://user@host:5432/name or "
                               f"sqlite:///path): {_exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share one SQLite file. IMMEDIATE transactions take the write
    # lock up front, so concurrent writers queue (up to the timeout) instead of failing midway;
    # WAL lets readers go on while one writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = ["reviews.security.ThrottledModelBackend"]
# After this many failed logins for one username (or from one address) within the lockout window,
# every attempt is refused until the window passes.
HITLCRM_LOGIN_FAILURE_LIMIT = env_setting("HITLCRM_LOGIN_FAILURE_LIMIT")
HITLCRM_LOGIN_LOCKOUT_SECONDS = env_setting("HITLCRM_LOGIN_LOCKOUT_SECONDS")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Django's database cache, but for set_many: one batch instead of a write per key (hitlcrm/cache.py).
CACHES = {
    "default": {
        "BACKEND": "hitlcrm.cache.DatabaseCache",
        "LOCATION": "hitlcrm_cache",
    }
}

# --- Mail ---------------------------------------------------------------------------------
# Django's own settings; any django-anymail ESP works by setting EMAIL_BACKEND and ANYMAIL.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "outreach@hitlcrm.example")
ANYMAIL = {
    key: value
    for key, value in {
        "POSTMARK_SERVER_TOKEN": env_str("POSTMARK_SERVER_TOKEN"),
        "POSTMARK_API_URL": env_str("POSTMARK_API_URL"),
        "MAILGUN_API_KEY": env_str("MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": env_str("MAILGUN_SENDER_DOMAIN"),
        "MAILGUN_API_URL": env_str("MAILGUN_API_URL"),
        # Mailgun signs webhooks with its own key (not the API key) on current accounts.
        "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("MAILGUN_WEBHOOK_SIGNING_KEY"),
        "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}

# --- API ----------------------------------------------------------------------------------
# hitlcrm's API views set their own authentication, permissions, throttling, parsers, renderers and
# exception handler and schema class (reviews/api/base.py, reviews/api/schema.py), as they must in a
# host project whose REST_FRAMEWORK is its own: none is set globally here either.
SPECTACULAR_SETTINGS = {**OPENAPI_SETTINGS, "SERVE_INCLUDE_SCHEMA": False}
# An API client's request rate when its own throttle_rate is blank.
HITLCRM_AGENT_THROTTLE = env_setting("HITLCRM_AGENT_THROTTLE")

# --- hitlcrm ------------------------------------------------------------------------------
# The development settings are the demo's: `seed_demo` (make demo) refuses to run anywhere else.
HITLCRM_DEMO = True
# Each of the apps' settings from the environment variable of the same name; unset, the default
# reviews/conf.py documents (env_setting), except where the standalone project differs.
# Largest accepted API request body; beyond it the API answers 413.
HITLCRM_MAX_BODY_BYTES = env_setting("HITLCRM_MAX_BODY_BYTES")
DATA_UPLOAD_MAX_MEMORY_SIZE = max(HITLCRM_MAX_BODY_BYTES * 2, 2_621_440)
HITLCRM_BULK_MAX_BODY_BYTES = env_setting("HITLCRM_BULK_MAX_BODY_BYTES")
# Decision webhooks: attempts before a delivery is given up, and the per-attempt timeout.
HITLCRM_WEBHOOK_MAX_ATTEMPTS = env_setting("HITLCRM_WEBHOOK_MAX_ATTEMPTS")
HITLCRM_WEBHOOK_TIMEOUT_SECONDS = env_setting("HITLCRM_WEBHOOK_TIMEOUT_SECONDS")
# Outbound actions: the read timeout of each call to an action type's endpoint, and a CA bundle to
# trust for those endpoints (a private CA; empty: the system's store). Verification is never off.
# The key that signs decision receipts (reviews/receipts.py); a development stand-in here, none in production.
HITLCRM_RECEIPT_KEY = env_str("HITLCRM_RECEIPT_KEY", "dev-only-receipt-key-never-used-in-production")
# Or an Ed25519 private key (PEM, or the path of a PEM file) that signs them instead: verifiers then
# need only its public key. No stand-in anywhere.
HITLCRM_RECEIPT_SIGNING_KEY = env_setting("HITLCRM_RECEIPT_SIGNING_KEY")
HITLCRM_OUTBOUND_TIMEOUT_SECONDS = env_setting("HITLCRM_OUTBOUND_TIMEOUT_SECONDS")
HITLCRM_OUTBOUND_CA_BUNDLE = env_setting("HITLCRM_OUTBOUND_CA_BUNDLE")
# Audit retention: events older than this are archived (gzip JSONL, with the chain's anchor) to
# the archive folder, then pruned, by `manage.py archive_history`. Point the folder at durable storage.
HITLCRM_AUDIT_RETENTION_DAYS = env_setting("HITLCRM_AUDIT_RETENTION_DAYS")
HITLCRM_AUDIT_ARCHIVE_DIR = env_str("HITLCRM_AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive"))
# Longest a long poll (GET .../{id}/wait/) holds its request before answering the record as it
# stands; a longer timeout asked for is cut to this. Each waiting request occupies a web thread.
HITLCRM_WAIT_MAX_SECONDS = env_setting("HITLCRM_WAIT_MAX_SECONDS")
# Seconds an approval waits before it executes, so the reviewer can undo it.
HITLCRM_UNDO_GRACE_SECONDS = env_setting("HITLCRM_UNDO_GRACE_SECONDS")
# How long opening a review page claims the item for that reviewer.
HITLCRM_CLAIM_SECONDS = env_setting("HITLCRM_CLAIM_SECONDS")
# Seconds the dashboard's figures are kept in the shared cache once computed (0: at every view).
HITLCRM_DASHBOARD_CACHE_SECONDS = env_setting("HITLCRM_DASHBOARD_CACHE_SECONDS")
# Base URL used for absolute links (review_url) when no request is at hand (workers).
HITLCRM_BASE_URL = env_str("HITLCRM_BASE_URL", "http://127.0.0.1:8000")
# Extra checks, by dotted path, added to the built-in registry.
HITLCRM_EXTRA_CHECKS = env_setting("HITLCRM_EXTRA_CHECKS")
# The executors that carry out approved records (reviews/executors), by dotted path.
HITLCRM_EXECUTORS = env_setting("HITLCRM_EXECUTORS")
# The CRM backend the CRM port (reviews/crm.py) delegates to, by dotted module path.
HITLCRM_CRM_BACKEND = env_setting("HITLCRM_CRM_BACKEND")
# The checks' length limits and tone lexicon (HITLCRM_LENGTH_LIMITS, HITLCRM_TONE_LEXICON[_DEFAULTS])
# keep the apps' defaults (reviews/conf.py); a deployment sets them here.
# The optional AI reviewer check (reviews/checks/ai_reviewer.py): an OpenAI-compatible
# chat-completions endpoint; off (and not a default check) unless the URL is set.
HITLCRM_AI_REVIEWER_URL = env_setting("HITLCRM_AI_REVIEWER_URL").rstrip("/")
HITLCRM_AI_REVIEWER_MODEL = env_setting("HITLCRM_AI_REVIEWER_MODEL")
HITLCRM_AI_REVIEWER_API_KEY = env_setting("HITLCRM_AI_REVIEWER_API_KEY")
HITLCRM_AI_REVIEWER_TIMEOUT_SECONDS = env_setting("HITLCRM_AI_REVIEWER_TIMEOUT_SECONDS")
HITLCRM_AI_REVIEWER_DAILY_BUDGET = env_setting("HITLCRM_AI_REVIEWER_DAILY_BUDGET")
# Seconds the do-not-contact flags read from the CRM for an email draft's checks stay cached.
HITLCRM_CRM_FLAGS_CACHE_SECONDS = env_setting("HITLCRM_CRM_FLAGS_CACHE_SECONDS")
# Seconds the CRM's current values shown on a CRM change's review page stay cached (per record).
HITLCRM_CRM_NOW_CACHE_SECONDS = env_setting("HITLCRM_CRM_NOW_CACHE_SECONDS")
# Seconds who a record is (name, title, company, owner) stays cached for the console, per page.
HITLCRM_CRM_IDENTITY_CACHE_SECONDS = env_setting("HITLCRM_CRM_IDENTITY_CACHE_SECONDS")
HITLCRM_MIN_REVIEWS_TO_NARROW = env_setting("HITLCRM_MIN_REVIEWS_TO_NARROW")
# Sending rules (docs/mail.md). Sender identity and postal address (CAN-SPAM, CASL): development
# values here, none in production (cold email is blocked until they are set). The footer is appended
# by hitlcrm ("append") or must be in the draft ("require").
HITLCRM_SENDER_IDENTITY = env_str("HITLCRM_SENDER_IDENTITY", "hitlcrm demo, Outreach team")
HITLCRM_POSTAL_ADDRESS = env_str("HITLCRM_POSTAL_ADDRESS", "Example Street 1, 10115 Berlin, Germany")
HITLCRM_FOOTER_MODE = env_setting("HITLCRM_FOOTER_MODE")
if HITLCRM_FOOTER_MODE not in ("append", "require"):
    raise ImproperlyConfigured(f"HITLCRM_FOOTER_MODE must be 'append' or 'require', not {HITLCRM_FOOTER_MODE!r}.")
# The mailto of List-Unsubscribe (empty: the email's From address).
HITLCRM_UNSUBSCRIBE_MAILTO = env_setting("HITLCRM_UNSUBSCRIBE_MAILTO")
# The complaint and bounce circuit breaker, per sender domain over a rolling window.
HITLCRM_SENDER_HEALTH_WINDOW_DAYS = env_setting("HITLCRM_SENDER_HEALTH_WINDOW_DAYS")
HITLCRM_SENDER_HEALTH_MIN_SENDS = env_setting("HITLCRM_SENDER_HEALTH_MIN_SENDS")
HITLCRM_COMPLAINT_RATE_LIMIT = env_setting("HITLCRM_COMPLAINT_RATE_LIMIT")
HITLCRM_COMPLAINT_RATE_WARNING = env_setting("HITLCRM_COMPLAINT_RATE_WARNING")
HITLCRM_BOUNCE_RATE_LIMIT = env_setting("HITLCRM_BOUNCE_RATE_LIMIT")
HITLCRM_DEFAULT_ERROR_TARGET = env_setting("HITLCRM_DEFAULT_ERROR_TARGET")
# Notifications (docs/notifications.md): the Slack app's bot token and signing secret, Slack's API
# address (a local fake in tests), attempts per notification, the email links' lifetime, their From.
HITLCRM_SLACK_BOT_TOKEN = env_setting("HITLCRM_SLACK_BOT_TOKEN")
HITLCRM_SLACK_SIGNING_SECRET = env_setting("HITLCRM_SLACK_SIGNING_SECRET")
HITLCRM_SLACK_API_URL = env_setting("HITLCRM_SLACK_API_URL")
HITLCRM_SLACK_TIMEOUT_SECONDS = env_setting("HITLCRM_SLACK_TIMEOUT_SECONDS")
HITLCRM_NOTIFICATION_MAX_ATTEMPTS = env_setting("HITLCRM_NOTIFICATION_MAX_ATTEMPTS")
HITLCRM_NOTIFICATION_LINK_SECONDS = env_setting("HITLCRM_NOTIFICATION_LINK_SECONDS")
HITLCRM_NOTIFICATION_FROM_EMAIL = env_setting("HITLCRM_NOTIFICATION_FROM_EMAIL")
# Autonomy follows the agent's version: a new one is under review (or a canary share) until its own
# record clears the bound (docs/gate.md).
HITLCRM_VERSION_GATE = env_setting("HITLCRM_VERSION_GATE")
HITLCRM_NEW_VERSION_CANARY_SHARE = env_setting("HITLCRM_NEW_VERSION_CANARY_SHARE")
HITLCRM_VERSION_STANDING_CACHE_SECONDS = env_setting("HITLCRM_VERSION_STANDING_CACHE_SECONDS")
# The what-if replay of a policy edit, and reviewer quality (docs/gate.md).
HITLCRM_REPLAY_DECISIONS = env_setting("HITLCRM_REPLAY_DECISIONS")
HITLCRM_REVIEWER_QUALITY_DAYS = env_setting("HITLCRM_REVIEWER_QUALITY_DAYS")
HITLCRM_RUBBER_STAMP_SECONDS = env_setting("HITLCRM_RUBBER_STAMP_SECONDS")
HITLCRM_REVIEWER_QUALITY_FLOOR = env_setting("HITLCRM_REVIEWER_QUALITY_FLOOR")
HITLCRM_REVIEWER_MIN_GOLDEN = env_setting("HITLCRM_REVIEWER_MIN_GOLDEN")
HITLCRM_RUBBER_STAMP_MAX_SHARE = env_setting("HITLCRM_RUBBER_STAMP_MAX_SHARE")
HITLCRM_REVIEWER_MIN_DECISIONS = env_setting("HITLCRM_REVIEWER_MIN_DECISIONS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
