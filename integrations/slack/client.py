"""The Slack Web API calls hitlcrm makes, through slack_sdk's ``WebClient``.

The base URL is configurable (``HITLCRM_SLACK_API_URL``) so tests and staging point it at a local
fake. slack_sdk's own retry handlers are switched off: the notification outbox is the one retry
policy (it honours ``Retry-After`` and backs off on 5xx), so a worker never sleeps inside a call.

Errors, in the manner of integrations/mail: one root, transient and permanent apart.
"""

from __future__ import annotations

import json
import urllib.error
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

# Errors Slack answers with ``ok: false`` that a later attempt may not meet.
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout", "team_added_to_org"})
# How long to wait after a 429 that names no Retry-After (Slack always sends one).
DEFAULT_RETRY_AFTER_SECONDS = 30.0


class SlackError(Exception):
    """Root of Slack errors."""


class SlackConfigurationError(SlackError):
    """Slack is not configured (no bot token): the message names the setting."""


class SlackTransientError(SlackError):
    """Slack could not be reached or failed (5xx, a network error); a later attempt may work."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SlackRateLimited(SlackTransientError):
    """HTTP 429: Slack asks to wait ``retry_after`` seconds before the next call of this method."""


class SlackPermanentError(SlackError):
    """Slack refused the call (``channel_not_found``, ``not_in_channel``, ``invalid_auth``, ...);
    repeating it will not help. ``code`` is Slack's error string."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PostedMessage:
    """Where a message landed: the channel (for a direct message, the DM's channel id) and its ``ts``,
    which ``chat.update`` needs."""

    channel: str
    ts: str


@dataclass(frozen=True)
class SlackConfig:
    token: str
    base_url: str = "https://slack.com/api/"
    timeout_seconds: float = 10.0


class SlackClient:
    """The three calls, each raising one of the errors above instead of slack_sdk's."""

    def __init__(self, config: SlackConfig) -> None:
        if not config.token:
            raise SlackConfigurationError("HITLCRM_SLACK_BOT_TOKEN is not set: hitlcrm cannot post to Slack")
        base_url = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
        self.web = WebClient(token=config.token, base_url=base_url, timeout=max(1, int(config.timeout_seconds)),
                             retry_handlers=[], user_agent_prefix="hitlcrm-notifications/1")

    def post_message(self, *, channel: str, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        """``chat.postMessage``; ``channel`` is a channel id, or a user id for the app's DM with them."""
        data = self._call("chat_postMessage", channel=channel, text=text, blocks=blocks, unfurl_links=False,
                          unfurl_media=False)
        return PostedMessage(channel=str(data.get("channel") or channel), ts=str(data.get("ts") or ""))

    def update_message(self, *, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        data = self._call("chat_update", channel=channel, ts=ts, text=text, blocks=blocks)
        return PostedMessage(channel=str(data.get("channel") or channel), ts=str(data.get("ts") or ts))

    def post_ephemeral(self, *, channel: str, user: str, text: str) -> None:
        """A message only ``user`` sees, in ``channel``: the answer to a click that changed nothing."""
        self._call("chat_postEphemeral", channel=channel, user=user, text=text)

    def _call(self, method: str, **arguments: Any) -> dict[str, Any]:
        name = method.replace("_", ".", 1)
        try:
            response = getattr(self.web, method)(**arguments)
        except SlackApiError as exc:
            raise _api_error(name, exc) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            raise SlackTransientError(f"{name}: Slack unreachable: {exc!r}") from exc
        except (json.JSONDecodeError, ValueError) as exc:
            # An answer that is not Slack's JSON (an HTML error page of a proxy or of Slack's edge).
            raise SlackTransientError(f"{name}: Slack answered something that is not its API's JSON: {exc}") from exc
        except SlackClientError as exc:
            raise SlackPermanentError(f"{name}: {exc}") from exc
        return dict(response.data) if isinstance(response.data, dict) else {}


def _api_error(name: str, exc: SlackApiError) -> SlackError:
    response = exc.response
    status = getattr(response, "status_code", 0) or 0
    data = getattr(response, "data", None)
    code = str(data.get("error", "")) if isinstance(data, dict) else ""
    if status == 429 or code == "ratelimited":
        headers = getattr(response, "headers", {}) or {}
        retry_after = _retry_after(headers)
        return SlackRateLimited(f"{name}: rate limited by Slack (retry after {retry_after:g} s)", retry_after=retry_after)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return SlackTransientError(f"{name}: Slack failed (HTTP {status} {code or ''})".rstrip())
    return SlackPermanentError(f"{name}: Slack refused the call (HTTP {status}: {code or 'no error code'})", code=code)


def _retry_after(headers: Any) -> float:
    value = None
    for key in ("Retry-After", "retry-after"):
        try:
            value = headers.get(key)
        except AttributeError:
            value = None
        if value is not None:
            break
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_SECONDS
