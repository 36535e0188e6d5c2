"""Settings that would break a safety guarantee, refused by ``manage.py check`` (and so by
``migrate`` at deploy) and by every Celery worker at start (the standalone project's hitlcrm/celery.py).

Redis hands an unacknowledged message to another worker once the visibility timeout passes. A
task published with a countdown (the undo grace period) or waiting in a retry backoff is held,
unacknowledged, by the worker that received it; if the wait outlasts the timeout a second worker
gets the same task while the first still waits. Execution is idempotent, so nothing is written
twice, but the work runs twice and a reviewer's undo may lose the race. So every delay must be
shorter than the timeout.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .conf import hitlcrm_settings

TAG = "hitlcrm"


def task_delays() -> dict[str, float]:
    """The longest wait of each kind a task may be held for, by the setting (or task) it comes from."""
    from . import tasks  # noqa: F401  (a process that never imported them, such as manage.py check)
    from .services import notifications
    from .services.health import celery_app

    delays = {
        "HITLCRM_UNDO_GRACE_SECONDS": float(hitlcrm_settings.UNDO_GRACE_SECONDS),
        "HITLCRM_UNDO_GRACE_SECONDS + SALESFORCE_PUSH_COALESCE_SECONDS": float(hitlcrm_settings.UNDO_GRACE_SECONDS)
        + float(hitlcrm_settings.SALESFORCE_PUSH_COALESCE_SECONDS),
        # Longer push backoffs are held as data (Execution.retry_after, picked up by the sweeper).
        "reviews.tasks.HELD_RETRY_MAX_SECONDS": min(float(hitlcrm_settings.SALESFORCE_PUSH_RETRY_BACKOFF_MAX_SECONDS),
                                                    tasks.HELD_RETRY_MAX_SECONDS),
        # Notification retries further off than this are held as data (the dispatcher publishes them).
        "reviews.services.notifications.HELD_RETRY_MAX_SECONDS": notifications.HELD_RETRY_MAX_SECONDS,
    }
    for name, task in celery_app().tasks.items():
        if name.startswith("reviews.tasks.") and getattr(task, "autoretry_for", ()):
            delays[f"{name} (retry backoff cap)"] = float(
                task.retry_backoff_max if task.retry_backoff else task.default_retry_delay)
    return delays


@register(TAG)
def delays_shorter_than_the_visibility_timeout(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return []  # the filesystem broker and RabbitMQ do not redeliver on a timer
    timeout = float((settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout", 3600))
    return [
        Error(f"{name} ({delay:g} s) is not shorter than CELERY_VISIBILITY_TIMEOUT ({timeout:g} s): Redis would "
              f"hand a task still waiting that long to a second worker",
              hint="Raise CELERY_VISIBILITY_TIMEOUT above every delay, or shorten the delay.", id="hitlcrm.E001")
        for name, delay in task_delays().items() if delay >= timeout
    ]


@register(TAG)
def base_url_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """HITLCRM_BASE_URL starts every review link agents and webhooks are given (reviews/conf.py)."""
    url = str(hitlcrm_settings.BASE_URL or "")
    if not url.strip():
        return [Warning("HITLCRM_BASE_URL is not set: review links in API answers and decision webhooks are paths "
                        "without the console's address", hint="Set HITLCRM_BASE_URL to the console's public address, "
                        "for example https://backoffice.example.com", id="hitlcrm.W002")]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        return [Error(f"HITLCRM_BASE_URL must be an http(s):// address such as https://backoffice.example.com, "
                      f"got {url!r}", id="hitlcrm.E002")]
    return []


@register(TAG)
def footer_mode_known(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An unknown HITLCRM_FOOTER_MODE would neither append the sender's identity and postal address nor
    require them (CAN-SPAM, CASL): cold email would go out without them. Refused, in a host project too
    (the standalone settings refuse it at import already)."""
    from .services.sending_rules import FOOTER_MODES

    mode = hitlcrm_settings.FOOTER_MODE
    if mode in FOOTER_MODES:
        return []
    return [Error(f"HITLCRM_FOOTER_MODE must be one of {', '.join(map(repr, FOOTER_MODES))}, got {mode!r}",
                  hint="'append': hitlcrm adds the sender identity and postal address to every email; "
                  "'require': every draft must carry them.", id="hitlcrm.E004")]


@register(TAG)
def mail_tracking_secret_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With a django-anymail ESP, bounces and complaints reach the suppression list only through the
    tracking webhook, which anymail guards with ANYMAIL["WEBHOOK_SECRET"] alone; hitlcrm drops events
    while it is unset (reviews/services/mail_events.py), so mail would go on to bouncing addresses."""
    backend = str(getattr(settings, "EMAIL_BACKEND", ""))
    if settings.DEBUG or not backend.startswith("anymail.") or backend.startswith("anymail.backends.test."):
        return []
    if str((getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET", "")).strip():
        return []
    return [Error(f'ANYMAIL["WEBHOOK_SECRET"] must be set when EMAIL_BACKEND is a django-anymail ESP backend ({backend}): '
                  "it protects the mail tracking webhook, and without it no bounce or complaint suppresses an address",
                  hint='Set ANYMAIL = {..., "WEBHOOK_SECRET": "user:password"} and give the ESP that URL.',
                  id="hitlcrm.E003")]


@register(TAG)
def slack_signing_secret_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With a Slack bot token, messages go out with Approve and Reject buttons; without the signing
    secret every click is refused (reviews/services/slack_actions.py), which reviewers would meet
    only when they click."""
    if not str(hitlcrm_settings.SLACK_BOT_TOKEN or "").strip() or str(hitlcrm_settings.SLACK_SIGNING_SECRET or "").strip():
        return []
    return [Warning("HITLCRM_SLACK_BOT_TOKEN is set but HITLCRM_SLACK_SIGNING_SECRET is not: every click in Slack "
                    "will be refused", hint="Copy the Slack app's Signing Secret (Basic Information) into "
                    "HITLCRM_SLACK_SIGNING_SECRET (docs/notifications.md).", id="hitlcrm.W004")]



_RECEIPT_KEY_MISSING = ("HITLCRM_RECEIPT_KEY is not set (nor HITLCRM_RECEIPT_SIGNING_KEY): decision receipts "
                        "(GET /api/v1/<kind>/<id>/receipt/) cannot be signed, so agents cannot verify what was "
                        "approved")
_RECEIPT_KEY_HINT = ("Set HITLCRM_RECEIPT_SIGNING_KEY to an Ed25519 private key (python -m reviews.receipts "
                     "generate-key) and give its public key to the agents that verify receipts, or "
                     "HITLCRM_RECEIPT_KEY to a long random shared secret (python -c 'import secrets; "
                     "print(secrets.token_hex(32))') (docs/configuration.md).")


def _receipt_key_missing() -> bool:
    return not str(hitlcrm_settings.RECEIPT_KEY or "").strip() and \
        not str(hitlcrm_settings.RECEIPT_SIGNING_KEY or "").strip()


@register(TAG)
def receipt_signing_key_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An Ed25519 signing key that cannot be read (not PEM, another kind of key, encrypted, a file that is
    not there) would make every receipt request fail: said at start, naming the problem."""
    from .receipts import ReceiptKeyInvalid, configured_signing_key

    try:
        configured_signing_key()
    except ReceiptKeyInvalid as exc:
        return [Error(f"{exc}: decision receipts cannot be signed",
                      hint="Give an unencrypted Ed25519 private key in PEM (PKCS #8), or the path of a file "
                           "holding one: `python -m reviews.receipts generate-key > receipt-signing.pem` (or "
                           "`openssl genpkey -algorithm ed25519`). Leave it empty to sign with HITLCRM_RECEIPT_KEY.",
                      id="hitlcrm.E012")]
    return []


@register(TAG)
def receipt_key_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every decision's receipt is signed with HITLCRM_RECEIPT_SIGNING_KEY (Ed25519) or HITLCRM_RECEIPT_KEY
    (HMAC; reviews/receipts.py); without either the receipt endpoint answers 503. A warning here (a host
    project trying the apps out need not set one); ``check --deploy``, which production must pass,
    refuses it (:func:`receipt_key_set_for_deploy`)."""
    return [Warning(_RECEIPT_KEY_MISSING, hint=_RECEIPT_KEY_HINT, id="hitlcrm.W005")] if _receipt_key_missing() else []


@register(TAG, deploy=True)
def receipt_key_set_for_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production (``manage.py check --deploy``): no receipt key is an error."""
    return [Error(_RECEIPT_KEY_MISSING, hint=_RECEIPT_KEY_HINT, id="hitlcrm.E005")] if _receipt_key_missing() else []


@register(TAG)
def canary_share_a_share(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A new version's canary share is a share of its outputs: a value outside 0..1 would let all of
    them through (or none) without saying so (reviews/versions.py)."""
    share = hitlcrm_settings.NEW_VERSION_CANARY_SHARE
    if isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share <= 1:
        return []
    return [Error(f"HITLCRM_NEW_VERSION_CANARY_SHARE must be a number from 0 to 1, got {share!r}",
                  hint="0 (the default) sends every output of a new version to a person until its own record "
                       "clears the bound; 0.1 lets a tenth through as a canary (docs/gate.md).", id="hitlcrm.E011")]


@register(TAG, Tags.database)
def no_rows_under_the_old_labels(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    """A database made before the labels were namespaced (reviews/relabel.py) records its migrations
    under ``reviews``: ``migrate`` would create every table again and fail half-way. It runs this
    check (a database check: ``migrate``, ``check --database``) and stops here, naming the command."""
    from .relabel import pending

    return [Error(f"database {alias!r} records {move}",
                  hint="Run `manage.py hitlcrm_relabel` once, then `migrate` (docs/plugin.md, \"Upgrading\").",
                  id="hitlcrm.E020")
            for alias in databases or () for move in pending(alias)]
