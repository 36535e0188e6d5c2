"""Salesforce connection settings, all from the environment (see README "Configuration")."""

from .env import env_setting

# The OAuth 2.0 JWT bearer flow (connected app consumer key + username + private key file) ...
SALESFORCE_CONSUMER_KEY = env_setting("SALESFORCE_CONSUMER_KEY")
SALESFORCE_USERNAME = env_setting("SALESFORCE_USERNAME")
SALESFORCE_PRIVATE_KEY_FILE = env_setting("SALESFORCE_PRIVATE_KEY_FILE")
# ... or the OAuth 2.0 client credentials flow (consumer key + secret, on the My Domain) ...
SALESFORCE_CONSUMER_SECRET = env_setting("SALESFORCE_CONSUMER_SECRET")
# ... or a ready session (instance URL + session id / access token) ...
SALESFORCE_INSTANCE_URL = env_setting("SALESFORCE_INSTANCE_URL")
SALESFORCE_SESSION_ID = env_setting("SALESFORCE_SESSION_ID")
# ... or, up to API 64.0 and until Summer '27, a username-password (SOAP) login.
SALESFORCE_PASSWORD = env_setting("SALESFORCE_PASSWORD")
SALESFORCE_SECURITY_TOKEN = env_setting("SALESFORCE_SECURITY_TOKEN")
# login, test, or the My Domain without https:// and .salesforce.com (acme.my, acme--uat.sandbox.my).
SALESFORCE_DOMAIN = env_setting("SALESFORCE_DOMAIN")

# A CA bundle to trust (local emulator, corporate TLS proxy). Empty: the system's default store.
SALESFORCE_CA_BUNDLE = env_setting("SALESFORCE_CA_BUNDLE")
SALESFORCE_API_VERSION = env_setting("SALESFORCE_API_VERSION")
SALESFORCE_TIMEOUT_SECONDS = env_setting("SALESFORCE_TIMEOUT_SECONDS")
# Describe metadata changes rarely; it is cached in Django's cache for this long.
SALESFORCE_DESCRIBE_CACHE_SECONDS = env_setting("SALESFORCE_DESCRIBE_CACHE_SECONDS")
# Pushes pause while the org's reported daily API usage is above this share of its allowance.
SALESFORCE_API_BUDGET_SHARE = env_setting("SALESFORCE_API_BUDGET_SHARE")
# While paused, one process re-measures the usage (one `limits` request) this often, so pushes
# resume by themselves once the usage falls under the share.
SALESFORCE_API_BUDGET_PROBE_SECONDS = env_setting("SALESFORCE_API_BUDGET_PROBE_SECONDS")
# Interactive work batches too: an approved CRM change is pushed this many seconds after its undo
# grace period ends, so approvals whose grace ends close together go out in one push (one read and
# one write per 200 changes) instead of one push each; and a single submission's check (its "before"
# read) waits this long, so the checks of submissions arriving one request at a time share one read.
SALESFORCE_PUSH_COALESCE_SECONDS = env_setting("SALESFORCE_PUSH_COALESCE_SECONDS")
SALESFORCE_CHECK_COALESCE_SECONDS = env_setting("SALESFORCE_CHECK_COALESCE_SECONDS")
# Org-level refusals (a refused login or session, API access disabled, QUERY_TIMEOUT, HTTP 420/414/431,
# the daily allocation used up) pause every push: nothing fails. The next push is tried after this
# many seconds, doubling per failed try up to the cap; the first push that goes through ends the pause.
SALESFORCE_PAUSE_PROBE_SECONDS = env_setting("SALESFORCE_PAUSE_PROBE_SECONDS")
SALESFORCE_PAUSE_PROBE_MAX_SECONDS = env_setting("SALESFORCE_PAUSE_PROBE_MAX_SECONDS")
# Transient push failures (5xx and maintenance, locked rows, too many concurrent requests, timeouts):
# retried after an exponential backoff with jitter (base, cap: a maintenance window lasts hours); the
# change fails with the last error only after at least this many failures in a row that went on for
# at least SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS. Waits longer than a task may be held are kept in
# the database (Execution.retry_after) and picked up by the sweeper.
SALESFORCE_PUSH_MAX_ATTEMPTS = env_setting("SALESFORCE_PUSH_MAX_ATTEMPTS")
SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS = env_setting("SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS")
SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS = env_setting("SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS")
SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS = env_setting("SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS")
