"""The emulator over real HTTPS: ``ThreadingHTTPServer`` + ``ssl`` on 127.0.0.1."""

from __future__ import annotations

import logging
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .app import Request, SalesforceEmulator
from .certs import ensure_certificates, stable_session_id

logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SalesforceEmulator/1.0"
    server: _HTTPSServer

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            client_ip=self.client_address[0],
            target_bytes=len(self.path.encode("latin-1", "replace")),
            header_bytes=sum(len(name) + len(value) + 4 for name, value in self.headers.items()),
        )
        response = self.server.emulator.handle(request)
        if response.status == 0:  # injected connection reset
            if response.hang_seconds:
                time.sleep(response.hang_seconds)  # this connection's thread only, outside the org's lock
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _dispatch  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("%s - %s", self.address_string(), format % args)


class _HTTPSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext, emulator: SalesforceEmulator) -> None:
        super().__init__(address, _Handler)
        self.context = context
        self.emulator = emulator

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the connection's own thread, not in the accept loop.
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            logger.debug("TLS handshake with %s failed: %s", client_address, exc)
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class EmulatorServer(SalesforceEmulator):
    """A Salesforce org on ``https://127.0.0.1:<port>``.

    >>> with EmulatorServer(port=0, cert_dir=tmp) as sf:
    ...     sf.base_url, sf.ca_path, sf.session_id

    ``cert_dir`` keeps the CA (``ca.pem``), the server certificate and the session id, so a restart
    on the same directory keeps both valid; without one, a temporary directory is used.
    """

    def __init__(
        self,
        port: int = 0,
        cert_dir: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        session_id: str | None = None,
        api_max: int = 15000,
    ) -> None:
        self._tempdir = None
        if cert_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="sf-emulator-")
            cert_dir = self._tempdir.name
        self.cert_dir = Path(cert_dir).resolve()
        files = ensure_certificates(self.cert_dir)
        if session_id is None:
            session_id = stable_session_id(self.cert_dir, SalesforceEmulator.new_session_token)
        super().__init__(session_id=session_id, api_max=api_max)
        self.ca_path = files.ca_path
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(files.cert_chain_path, files.key_path)
        self._httpd = _HTTPSServer((host, port), context, self)
        self.host = host
        self.port = self._httpd.server_address[1]
        self.instance = f"{host}:{self.port}"
        self.base_url = f"https://{self.instance}"
        self._thread: threading.Thread | None = None

    def start(self) -> EmulatorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="salesforce-emulator", kwargs={"poll_interval": 0.1}, daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the management command) until ``stop``/KeyboardInterrupt."""
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def env(self) -> dict[str, str]:
        """The settings a hitlcrm process needs to use this emulator."""
        return {
            "SALESFORCE_INSTANCE_URL": self.base_url,
            "SALESFORCE_SESSION_ID": self.session_id,
            "SALESFORCE_CA_BUNDLE": str(self.ca_path),
        }
