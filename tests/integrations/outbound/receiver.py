"""A real HTTPS server on 127.0.0.1 that receives outbound action webhooks, as an action type's
endpoint would: it records every request (checking its signature with the verification function
docs/outbound-actions.md gives receivers) and answers as it is told, one scripted reply per request.

Its certificate comes from a CA of the tests' own (trustme): hitlcrm trusts it only when
``HITLCRM_OUTBOUND_CA_BUNDLE`` names that CA, as it would a receiver behind a private CA.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme

# The names the receiver's certificate is valid for.
CERTIFICATE_NAMES = ("127.0.0.1", "localhost", "actions.customer.example")
Verify = Callable[[str, Any, bytes], bool]


@dataclass(frozen=True)
class ReceiverCertificates:
    ca_path: Path
    leaf: trustme.LeafCert

    @classmethod
    def make(cls, folder: Path) -> ReceiverCertificates:
        ca = trustme.CA(organization_name="hitlcrm tests: outbound action receivers")
        ca_path = folder / "receiver-ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        return cls(ca_path, ca.issue_cert(*CERTIFICATE_NAMES))


@dataclass(frozen=True)
class Reply:
    """How to answer one request."""

    status: int = 200
    body: bytes = b'{"id": "rcv-1"}'
    headers: dict[str, str] = field(default_factory=dict)
    # Read the request, then hold the answer until the receiver stops (the caller's timeout runs out).
    hang: bool = False
    # Read the request, then close the connection without answering.
    drop: bool = False


@dataclass(frozen=True)
class Received:
    path: str
    headers: Message  # case-insensitive, as a framework's request headers are
    body: bytes
    signature_valid: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ActionReceiver:
    certificates: ReceiverCertificates
    verify: Verify
    secret: str = ""
    path: str = "/actions/execute"
    # Replies, in order; a plain 200 with an id once they run out.
    script: deque[Reply] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)
    httpd: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}{self.path}"

    def start(self) -> ActionReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                valid = receiver.verify(receiver.secret, self.headers, body)
                with receiver.lock:
                    receiver.received.append(Received(self.path, self.headers, body, valid))
                    reply = receiver.script.popleft() if receiver.script else Reply()
                if reply.drop:
                    self.close_connection = True
                    return
                if reply.hang:
                    receiver.released.wait(timeout=60)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that refuses the certificate or hangs up is part of the tests

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.certificates.leaf.configure_cert(context)
        self.httpd = Server(("127.0.0.1", 0), Handler)
        # The handshake happens in each request's thread, so one failing handshake blocks nothing.
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def requests(self) -> list[Received]:
        with self.lock:
            return list(self.received)
