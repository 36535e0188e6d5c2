"""TLS material for the emulator, made with trustme and kept in a directory.

The CA is reused when the directory already has one, so a web or worker process configured with
``SALESFORCE_CA_BUNDLE=<dir>/ca.pem`` keeps trusting the emulator across restarts. The server
certificate is issued afresh on every start; it names 127.0.0.1, localhost and the Salesforce login
hosts, so simple-salesforce's login (always ``https://{domain}.salesforce.com``) verifies against it
once DNS for those names is pinned to the emulator.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trustme

SERVER_NAMES = (
    "127.0.0.1",
    "localhost",
    "login.salesforce.com",
    "test.salesforce.com",
    "*.my.salesforce.com",
    "*.sandbox.my.salesforce.com",
)


@dataclass(frozen=True)
class CertificateFiles:
    ca_path: Path
    cert_chain_path: Path
    key_path: Path


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def ensure_certificates(cert_dir: Path) -> CertificateFiles:
    cert_dir.mkdir(parents=True, exist_ok=True)
    ca_path, ca_key_path = cert_dir / "ca.pem", cert_dir / "ca-key.pem"
    if ca_path.exists() and ca_key_path.exists():
        ca = trustme.CA.from_pem(ca_path.read_bytes(), ca_key_path.read_bytes())
    else:
        ca = trustme.CA(organization_name="hitlcrm Salesforce emulator")
        _write_private(ca_key_path, ca.private_key_pem.bytes())
        ca_path.write_bytes(ca.cert_pem.bytes())
    leaf = ca.issue_cert(*SERVER_NAMES, common_name="Salesforce emulator")
    chain_path, key_path = cert_dir / "server.pem", cert_dir / "server-key.pem"
    chain_path.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    _write_private(key_path, leaf.private_key_pem.bytes())
    return CertificateFiles(ca_path, chain_path, key_path)


def stable_session_id(cert_dir: Path, make: Callable[[], str]) -> str:
    """The session id stored in ``cert_dir/session_id``, made (with ``make``) the first time."""
    path = cert_dir / "session_id"
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    value = make()
    cert_dir.mkdir(parents=True, exist_ok=True)
    _write_private(path, value.encode())
    return value
