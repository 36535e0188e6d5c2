"""Production: no insecure defaults. A missing secret stops start-up with a message naming it."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .env import env_bool, env_int, env_list, env_str, mandatory_secret

SECRET_KEY = mandatory_secret("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS must be set in production.")
# Every link hitlcrm hands out (review_url in API answers and decision webhooks) starts with it; the
# development default (127.0.0.1) would send agents and their users nowhere.
HITLCRM_BASE_URL = env_str("HITLCRM_BASE_URL").rstrip("/")
if not HITLCRM_BASE_URL.startswith("https://") or len(HITLCRM_BASE_URL) <= len("https://"):
    raise ImproperlyConfigured(
        "The environment variable HITLCRM_BASE_URL must be set in production to the console's public "
        f"https:// address (for example https://hitlcrm.example.com); got {HITLCRM_BASE_URL!r}."
    )

# Sender identification and postal address (CAN-SPAM, CASL): no development stand-ins here. Unset, the
# sender_identity check blocks every email draft and the send stops, naming the variable.
HITLCRM_SENDER_IDENTITY = env_str("HITLCRM_SENDER_IDENTITY", "")
HITLCRM_POSTAL_ADDRESS = env_str("HITLCRM_POSTAL_ADDRESS", "")
HITLCRM_DEMO = False  # no demo logins with a public password in production
# Decision receipts are signed with it (reviews/receipts.py): no stand-in; unset, `check --deploy` fails naming it.
HITLCRM_RECEIPT_KEY = env_str("HITLCRM_RECEIPT_KEY", "")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Shared cache for throttling and describe metadata across processes and machines.
_REDIS_CACHE = env_list("REDIS_CACHE_URL")
if _REDIS_CACHE:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_CACHE[0]}}

# Mail through a django-anymail ESP (EMAIL_BACKEND "anymail.backends.<esp>.EmailBackend"). Its
# tracking webhook (/mail/<esp>/tracking/: bounces, complaints, unsubscribes -> the suppression list)
# is guarded by ANYMAIL_WEBHOOK_SECRET alone: without it anymail accepts anyone's posts and hitlcrm
# drops every event, so bounces would never suppress an address. The ESPs whose API key comes from
# the environment cannot send a message without it. (base.py builds ANYMAIL from these variables.)
_ESP_API_KEYS = {"anymail.backends.postmark.": "POSTMARK_SERVER_TOKEN", "anymail.backends.mailgun.": "MAILGUN_API_KEY"}
if EMAIL_BACKEND.startswith("anymail."):  # noqa: F405
    _required = {"ANYMAIL_WEBHOOK_SECRET": ("WEBHOOK_SECRET", "it protects the mail tracking webhook /mail/<esp>/tracking/")}
    _required.update({variable: (variable, "without it no email can be sent") for prefix, variable in _ESP_API_KEYS.items()
                      if EMAIL_BACKEND.startswith(prefix)})  # noqa: F405
    for _variable, (_key, _why) in _required.items():
        if not str(ANYMAIL.get(_key, "")).strip():  # noqa: F405
            raise ImproperlyConfigured(
                f"The environment variable {_variable} must be set in production when EMAIL_BACKEND is a "
                f"django-anymail ESP backend ({EMAIL_BACKEND}): {_why}."  # noqa: F405
            )
