"""Calling URLs hitlcrm does not control: the URL's shape, the address vetted once and connected
to, and the HMAC signature. Plain data in and out (the allow-list itself is the review app's
``CallbackHostRule``; its callers pass what the host's rule allows).

``PinnedAddressAdapter`` is mounted on a ``requests.Session``: for the hosts its ``pin`` function
names, the TCP connection goes to the given address, while the request keeps the host name in its
``Host`` header and, over https, in TLS (SNI and the certificate check). Two uses:
- decision webhooks connect to the address that was vetted (public, or allowed private), so a DNS
  answer that changes between the check and the connection (DNS rebinding) cannot point the
  request at an internal service;
- tests send simple-salesforce's ``*.salesforce.com`` traffic to the local emulator without
  touching DNS or turning certificate verification off.

Decision webhooks and outbound action endpoints vet their URLs here: ``callback_host`` (the URL's
shape and host), ``refuse_private_literal`` (a literal private address), ``vetted_address`` (the host
resolved once, every answer public unless allowed) and ``session_to`` (connect to that address).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from collections.abc import Callable, Iterable
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


class CallbackRefused(Exception):
    """The URL may not be called; the message says why."""


class HostUnresolvable(Exception):
    """The URL's host did not resolve (now); a later attempt may succeed."""


def callback_host(url: str, *, schemes: Iterable[str] = ("http", "https"), label: str = "callback URL") -> str:
    """The host of ``url`` as the allow-list names hosts (lower case, no trailing dot). Raises
    :class:`CallbackRefused` for a malformed URL, another scheme, or credentials in the URL (the
    message calls it ``label``)."""
    schemes = tuple(schemes)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a malformed port)
    except ValueError as exc:
        raise CallbackRefused(f"not a valid URL: {exc}") from exc
    if parts.scheme not in schemes or not parts.hostname:
        names = " or ".join(f"{scheme}://" for scheme in schemes)
        raise CallbackRefused(f"the {label} must be an {names} URL with a host")
    if parts.username or parts.password:
        raise CallbackRefused(f"the {label} must not contain credentials")
    return parts.hostname.lower().rstrip(".")


def refuse_private_literal(url: str, *, allow_private_network: bool) -> None:
    """Refuse a URL whose host is a literal private, loopback or link-local address, unless its
    allow-list entry permits that (names are vetted when they are resolved, by ``vetted_address``)."""
    host = urlsplit(url).hostname or ""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return
    if not literal.is_global and not allow_private_network:
        raise CallbackRefused(f"{host} is a private or local address; its allow-list entry does not permit that")


def vetted_address(url: str, *, allow_private_network: bool) -> str:
    """The address to connect to for ``url``: its host resolved once, every answer vetted. Refuses
    (:class:`CallbackRefused`) a host that resolves to a non-public address unless its allow-list
    entry allows that. The request connects to this address (``session_to``), not to whatever a
    second lookup says, so a DNS answer that changes in between cannot send it to an internal service.
    Raises :class:`HostUnresolvable` when the name does not resolve."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 443)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise HostUnresolvable(f"cannot resolve {parts.hostname}: {exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not address.is_global and not allow_private_network:
            raise CallbackRefused(
                f"{parts.hostname} resolves to {address}, a private or local address; "
                f"its allow-list entry does not permit that"
            )
    if not addresses:
        raise HostUnresolvable(f"{parts.hostname} resolved to no address")
    first = addresses[0]
    return f"[{first}]" if first.version == 6 else str(first)


def session_to(url: str, address: str) -> requests.Session:
    """A session whose connections to ``url``'s host go to ``address`` (from ``vetted_address``)."""
    host = urlsplit(url).hostname
    return pinned_session(lambda name: (address, None) if name == host else None)


def sign(secret: str, message: bytes) -> str:
    """A signature header's value: ``sha256=<hex HMAC-SHA256 of the message>``."""
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(secret: str, message: bytes, header: str) -> bool:
    """Constant-time check of a header made by :func:`sign`."""
    return hmac.compare_digest(sign(secret, message), header or "")
