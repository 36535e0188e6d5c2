"""HTTP connections to an address chosen beforehand, for a host name the request still carries.

``PinnedAddressAdapter`` is mounted on a ``requests.Session``: for the hosts its ``pin`` function
names, the TCP connection goes to the given address, while the request keeps the host name in its
``Host`` header and, over https, in TLS (SNI and the certificate check). Two uses:
- decision webhooks connect to the address that was vetted (public, or allowed private), so a DNS
  answer that changes between the check and the connection (DNS rebinding) cannot point the
  request at an internal service;
- tests send simple-salesforce's ``*.salesforce.com`` traffic to the local emulator without
  touching DNS or turning certificate verification off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

# host name -> (address, port or None to keep the URL's port); None: connect as usual.
Pin = Callable[[str], "tuple[str, int | None] | None"]
DEFAULT_PORTS = {"http": 80, "https": 443}


class PinnedAddressAdapter(HTTPAdapter):
    def __init__(self, pin: Pin, **kwargs: Any) -> None:
        self.pin = pin
        super().__init__(**kwargs)

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host = host_params.get("host")
        target = self.pin(host) if host else None
        if target is not None:
            address, port = target
            host_params = {**host_params, "host": address, "port": port or host_params.get("port")}
            if host_params.get("scheme") == "https":  # verify the certificate for the name, not the address
                pool_kwargs = {**pool_kwargs, "server_hostname": host, "assert_hostname": host}
        return host_params, pool_kwargs

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url)
        if parts.hostname and self.pin(parts.hostname) is not None:
            # The connection is to an address; the request is still for the host (as the URL said).
            default = parts.port is None or parts.port == DEFAULT_PORTS.get(parts.scheme)
            request.headers["Host"] = parts.hostname if default else f"{parts.hostname}:{parts.port}"
        return super().send(request, *args, **kwargs)


def pinned_session(pin: Pin) -> requests.Session:
    """A session whose connections follow ``pin`` (http and https)."""
    session = requests.Session()
    adapter = PinnedAddressAdapter(pin)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
