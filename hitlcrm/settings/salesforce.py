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
# Transient push failures (5xx, locked rows, timeouts): retried after an exponential backoff with
# jitter (base, cap), at most this many times in a row; then the change fails with the last error.
SALESFORCE_PUSH_MAX_ATTEMPTS = env_setting("SALESFORCE_PUSH_MAX_ATTEMPTS")
SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS = env_setting("SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS")
SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS = env_setting("SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS")
