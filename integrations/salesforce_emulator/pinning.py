"""Pin DNS for ``*.salesforce.com`` to the emulator while TLS still checks the real host name.

simple-salesforce always logs in at ``https://{domain}.salesforce.com``. To exercise that code path
against the emulator without touching DNS or turning verification off, mount ``PinnedDNSAdapter`` on
the ``requests.Session`` given to simple-salesforce: connections to those hosts go to the emulator's
address, and the certificate is verified (against the emulator's CA) for the original host name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter


class PinnedDNSAdapter(HTTPAdapter):
    def __init__(self, address: str, port: int, *, suffix: str = ".salesforce.com", **kwargs: Any) -> None:
        self.address = address
        self.port = port
        self.suffix = suffix
        super().__init__(**kwargs)

    def _pinned(self, host: str | None) -> bool:
        return bool(host) and (host == self.suffix.lstrip(".") or host.endswith(self.suffix))

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host = host_params.get("host")
        if self._pinned(host):
            host_params = {**host_params, "host": self.address, "port": self.port}
            pool_kwargs = {**pool_kwargs, "server_hostname": host, "assert_hostname": host}
        return host_params, pool_kwargs

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        host = urlsplit(request.url).hostname
        if self._pinned(host):
            request.headers.setdefault("Host", host)
        return super().send(request, *args, **kwargs)


class _CABundleSession(requests.Session):
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override ``Session.verify``; pass it per request.
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


def pinned_session(port: int, *, address: str = "127.0.0.1", ca_path: str | None = None) -> requests.Session:
    """A session whose ``*.salesforce.com`` traffic goes to ``address:port``, verifying with ``ca_path``."""
    session = _CABundleSession()
    session.mount("https://", PinnedDNSAdapter(address, port))
    if ca_path:
        session.verify = ca_path
    return session
