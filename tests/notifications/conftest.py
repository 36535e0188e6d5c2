"""Fixtures of the notification tests: a local fake of Slack's Web API, routes, linked reviewers,
signed clicks and an SMTP backend pointed at the session's sink."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from django.test import Client

from integrations.slack.signing import sign
from reviews.models import Notification, NotificationRoute, Proposal, ReviewerNotificationProfile
from reviews.services.notifications import notifications_send
from tests.console.conftest import queued  # noqa: F401  (re-exported for the tests)

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0HITL"
SLACK_ACTIONS = "/notifications/slack/actions/"


@dataclass
class FakeSlack:
    """Slack's Web API on 127.0.0.1: records every call (method, JSON or form arguments, headers) and
    answers like Slack (``ok``, ``channel``, ``ts``). ``answer_next(status, ...)`` scripts the next
    answers: a 429 with ``Retry-After``, a 500, an ``ok: false`` error."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    script: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        fake = self
        stamps = itertools.count(1)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    arguments = json.loads(raw or b"{}")
                else:
                    arguments = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
                method = self.path.rsplit("/", 1)[-1]
                with fake.lock:
                    fake.calls.append({"method": method, "args": arguments, "headers": dict(self.headers.items()),
                                       "at": time.time()})
                    scripted = fake.script.popleft() if fake.script else None
                if scripted is not None:
                    status, headers, body = scripted
                elif self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                    status, headers, body = 200, {}, {"ok": False, "error": "invalid_auth"}
                else:
                    status, headers, body = 200, {}, fake.answer(method, arguments, next(stamps))
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8" if not isinstance(body, bytes)
                                 else "text/html")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @staticmethod
    def answer(method: str, arguments: dict[str, Any], stamp: int) -> dict[str, Any]:
        channel = str(arguments.get("channel", ""))
        if channel.startswith("U"):  # a user id: Slack posts into the app's DM with them
            channel = "D" + channel[1:]
        if method == "chat.postMessage":
            return {"ok": True, "channel": channel, "ts": f"{1700000000 + stamp}.{stamp:06d}",
                    "message": {"text": arguments.get("text"), "blocks": arguments.get("blocks")}}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": arguments.get("ts"), "text": arguments.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + stamp}.{stamp:06d}"}
        return {"ok": False, "error": "unknown_method"}

    def answer_next(self, status: int, *, headers: dict[str, str] | None = None, body: Any = None) -> None:
        with self.lock:
            self.script.append((status, headers or {}, body if body is not None else {"ok": False, "error": "x"}))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [call for call in self.calls if call["method"] == method]

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()
            self.script.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def env(self) -> dict[str, str]:
        """The same configuration for a worker process."""
        return {"HITLCRM_SLACK_BOT_TOKEN": BOT_TOKEN, "HITLCRM_SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "HITLCRM_SLACK_API_URL": self.url}


@pytest.fixture
def slack(settings: Any) -> Iterator[FakeSlack]:
    fake = FakeSlack()
    settings.HITLCRM_SLACK_BOT_TOKEN = BOT_TOKEN
    settings.HITLCRM_SLACK_SIGNING_SECRET = SIGNING_SECRET
    settings.HITLCRM_SLACK_API_URL = fake.url
    settings.HITLCRM_BASE_URL = "https://hitlcrm.example"
    yield fake
    fake.close()


@pytest.fixture
def channel_route(db: Any) -> NotificationRoute:
    return NotificationRoute.objects.create(name="sdr", channel="slack_channel", slack_channel_id="C0REVIEW")


def link(user: Any, slack_user: str, **extra: Any) -> ReviewerNotificationProfile:
    profile, _ = ReviewerNotificationProfile.objects.update_or_create(
        user=user, defaults={"slack_team_id": TEAM, "slack_user_id": slack_user, **extra})
    return profile


def send_pending() -> dict[int, float]:
    """What a worker does with the outbox: send every pending row that is due."""
    from django.utils import timezone

    due = Notification.objects.filter(state="pending", next_attempt_at__lte=timezone.now()).order_by("pk")
    return notifications_send(notification_ids=list(due.values_list("pk", flat=True)))


def element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any] | None:
    for block in blocks:
        for item in block.get("elements", []) if block.get("type") == "actions" else []:
            if item.get("action_id") == action_id:
                return item
    return None


def block_text(blocks: list[dict[str, Any]]) -> str:
    """Everything a message's blocks say, as one string."""
    parts = []
    for block in blocks:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        parts += [item["text"] for item in block.get("fields", [])]
        parts += [item["text"] for item in block.get("elements", []) if isinstance(item.get("text"), str)]
    return "\n".join(parts)


def click_payload(*, slack_user: str, action_id: str, proposal_id: int, reason: str = "", channel: str = "C0REVIEW",
                  ts: str = "1700000001.000001", team: str = TEAM) -> dict[str, Any]:
    """A ``block_actions`` payload as Slack sends it for a click on a hitlcrm message."""
    if action_id == "hitlcrm_reject":
        action = {"action_id": action_id, "type": "static_select", "block_id": f"hitlcrm-item-{proposal_id}",
                  "selected_option": {"value": f"{proposal_id}:{reason}", "text": {"type": "plain_text", "text": reason}}}
    else:
        action = {"action_id": action_id, "type": "button", "value": str(proposal_id),
                  "block_id": f"hitlcrm-item-{proposal_id}"}
    return {"type": "block_actions", "team": {"id": team, "domain": "acme"},
            "user": {"id": slack_user, "username": slack_user.lower(), "team_id": team},
            "api_app_id": "A0HITL", "container": {"type": "message", "message_ts": ts, "channel_id": channel},
            "channel": {"id": channel, "name": "reviews"}, "trigger_id": "1.2.3",
            "response_url": "https://hooks.slack.example/actions/T0HITL/1/abc", "actions": [action]}


def signed(payload: dict[str, Any], *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> tuple[bytes, dict]:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return body, sign(secret=secret, body=body, timestamp=int(time.time()) if timestamp is None else timestamp)


def post_click(body: bytes, headers: dict[str, str], client: Client | None = None) -> Any:
    client = client or Client()
    return client.post(SLACK_ACTIONS, data=body, content_type="application/x-www-form-urlencoded",
                       headers=headers)


def click(payload: dict[str, Any], **signing: Any) -> Any:
    body, headers = signed(payload, **signing)
    return post_click(body, headers)


def waiting_item(api: Any, **overrides: Any) -> Proposal:
    (proposal,) = queued(api, 1, **overrides)
    assert proposal.status == "needs_review", proposal.status
    return proposal
