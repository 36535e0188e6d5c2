"""Fixtures for the mail tests: approved drafts made through the real API and review path, SMTP
servers that misbehave on cue, and a local fake of Postmark's HTTP API. (The Salesforce emulator is
the suite's ``salesforce`` fixture.)"""

from __future__ import annotations

import itertools
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from rest_framework.test import APIClient

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from tests.factories import agent_with_token, allow_crm_objects, policy

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def agent(db: Any) -> tuple[Any, str]:
    allow_crm_objects()
    policy("*", mode="always_review", quiet_period_days=14)
    return agent_with_token("sdr-bot")


def email_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "to": ["ada@contoso.example"],
        "subject": "Idea for Contoso",
        "body": "Hi Ada,\n\nContoso just opened a Berlin office; teams like yours keep pipeline data clean with us."
                "\n\nOpen to a chat?\n\nSam",
        "company_name": "Contoso",
        "task_type": "cold_email",
        "confidence": 0.95,
        "evidence": [{"source": "press release", "url": "https://contoso.example/news", "quote": "opened Berlin"}],
        **overrides,
    }


@pytest.fixture
def approved_email(agent: tuple[Any, str], rita: Any) -> Callable[..., Proposal]:
    """Submit a draft through the API, run its checks and have Rita approve it (with ``edits``:
    edit & approve). Returns the approved record."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {agent[1]}")

    def make(edits: dict[str, str] | None = None, **overrides: Any) -> Proposal:
        response = client.post("/api/v1/email-drafts/", email_payload(**overrides), format="json")
        assert response.status_code == 201, response.content
        proposal_id = response.json()["id"]
        proposal_run_checks(proposal_id=proposal_id)
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita),
                        action="edit_approve" if edits else "approve", edits=edits)
        proposal = Proposal.objects.get(pk=proposal_id)
        assert proposal.status == "approved", proposal.status
        return proposal

    return make


@pytest.fixture
def smtp(settings: Any, smtp_sink: Any) -> Any:
    """Django's SMTP backend pointed at the session's aiosmtpd sink, emptied."""
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_sink.host, smtp_sink.port
    smtp_sink.clear()
    return smtp_sink


# --- an SMTP server scripted to fail at a chosen point ----------------------------------------------

@dataclass
class ScriptedSmtpServer:
    """A minimal SMTP server on 127.0.0.1. ``mode``:
    ``accept`` answers 250 to everything; ``refuse_rcpt`` answers 550 to RCPT;
    ``drop_before_data`` hangs up after RCPT;
    ``drop_after_data`` takes the whole message, then hangs up without answering;
    ``stall`` takes the whole message, signals ``in_data`` and answers only when ``release`` is set."""

    mode: str = "accept"
    received: list[bytes] = field(default_factory=list)  # messages whose content reached the server
    in_data: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")

        def say(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        try:
            say("220 scripted ESMTP")
            while line := reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    say("250 scripted")
                elif verb == b"RCPT" and self.mode == "drop_before_data":
                    return
                elif verb == b"RCPT" and self.mode == "refuse_rcpt":
                    say("550 5.1.1 no such user")
                elif verb == b"DATA":
                    say("354 go ahead")
                    lines = []
                    while (part := reader.readline()) not in (b".\r\n", b""):
                        lines.append(part)
                    content = b"".join(lines)
                    self.received.append(content)
                    if self.mode == "drop_after_data":
                        return
                    if self.mode == "stall":
                        self.in_data.set()
                        self.release.wait(timeout=300)
                    say("250 queued")
                elif verb == b"QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 ok")
        except OSError:
            pass
        finally:
            conn.close()

    def messages_with(self, text: str) -> list[bytes]:
        return [content for content in self.received if text.encode() in content]

    def close(self) -> None:
        self.release.set()
        self.sock.close()


@pytest.fixture
def scripted_smtp(settings: Any) -> Iterator[Callable[[str], ScriptedSmtpServer]]:
    servers: list[ScriptedSmtpServer] = []

    def start(mode: str) -> ScriptedSmtpServer:
        server = ScriptedSmtpServer(mode)
        servers.append(server)
        settings.EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 10
        return server

    yield start
    for server in servers:
        server.close()


# --- a local fake of Postmark's HTTP API -------------------------------------------------------------

@dataclass
class FakePostmark:
    """Postmark's ``POST /email`` on 127.0.0.1: records each request, answers with ``status`` and a
    Postmark-shaped body (``MessageID`` a new id per accepted message)."""

    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    error_body: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        fake = self
        ids = itertools.count(1)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                fake.requests.append({"path": self.path, "headers": dict(self.headers.items()), "json": body})
                if fake.status == 200:
                    answer = {"To": body.get("To"), "SubmittedAt": "2025-01-06T10:00:00Z",
                              "MessageID": f"0a129aee-e1cd-480d-b08d-4f48548ff{next(ids):03d}", "ErrorCode": 0,
                              "Message": "OK"}
                else:
                    answer = fake.error_body or {"ErrorCode": 10, "Message": "error"}
                data = json.dumps(answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def postmark(settings: Any) -> Iterator[FakePostmark]:
    """anymail's real Postmark backend, pointed at the fake with ``POSTMARK_API_URL``."""
    fake = FakePostmark()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token-123", "POSTMARK_API_URL": fake.url,
                        "WEBHOOK_SECRET": "hook:s3cret"}
    yield fake
    fake.close()
