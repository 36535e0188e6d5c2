"""Send ``*.salesforce.com`` to the emulator while TLS still checks the real host name.

simple-salesforce always logs in at ``https://{domain}.salesforce.com``. To exercise that code path
against the emulator without touching DNS or turning verification off, give simple-salesforce a
``pinned_session``: connections to those hosts go to the emulator's address, and the certificate is
verified (against the emulator's CA) for the original host name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from integrations.http import PinnedAddressAdapter

SUFFIX = ".salesforce.com"


class _CABundleSession(requests.Session):
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override ``Session.verify``; pass it per request.
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


def salesforce_to(address: str, port: int) -> Callable[[str], tuple[str, int] | None]:
    """The pin for PinnedAddressAdapter: ``salesforce.com`` and its subdomains go to ``address:port``."""

    def pin(host: str) -> tuple[str, int] | None:
        return (address, port) if host == SUFFIX.lstrip(".") or host.endswith(SUFFIX) else None

    return pin


def pinned_session(port: int, *, address: str = "127.0.0.1", ca_path: str | None = None) -> requests.Session:
    """A session whose ``*.salesforce.com`` traffic goes to ``address:port``, verifying with ``ca_path``."""
    session = _CABundleSession()
    session.mount("https://", PinnedAddressAdapter(salesforce_to(address, port)))
    if ca_path:
        session.verify = ca_path
    return session
