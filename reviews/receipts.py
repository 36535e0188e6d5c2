"""Signed receipts of decisions: what an agent can keep as proof of what was decided about its proposal.

A receipt is a JSON object naming one decision (a person's approval or rejection, or the policy's
auto-approval): the proposal, the decision, who took it and when, the policy that routed the record,
and, for the approval that made the record approved, the digest of the exact payload the executor
sends (``reviews.canonical``: SHA-256 over the RFC 8785 canonical form; approve A, execute A). It is
signed over the RFC 8785 form of every member but ``signature``, either

- with Ed25519 (RFC 8032), under the private key ``HITLCRM_RECEIPT_SIGNING_KEY`` (PEM, or the path of
  a PEM file), when it is set: anyone holding the *public* key verifies it, and nobody who can
  verify can sign; or
- with HMAC-SHA256 under the shared secret ``HITLCRM_RECEIPT_KEY`` otherwise: whoever verifies
  holds the key that signs.

Either way it is verified offline, with no database and no Django settings (docs/agents.md)::

    python -m reviews.receipts verify receipt.json --public-key receipt-signing.pub.pem   # Ed25519
    python -m reviews.receipts verify receipt.json --key-file receipt.key                 # HMAC
    python -m reviews.receipts verify receipt.json --payload sent.json   # the HMAC key from $HITLCRM_RECEIPT_KEY
    python -m reviews.receipts digest sent.json
    python -m reviews.receipts generate-key > receipt-signing.pem   # a new Ed25519 private key
    python -m reviews.receipts public-key receipt-signing.pem       # the public key to give the verifiers

The agent fetches one with ``GET /api/v1/<kind>/<id>/receipt/`` (reviews/api/views.py).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import DIGEST_ALGORITHM, NotCanonicalizable, canonical_json, payload_digest

FORMAT = "hitlcrm-receipt/1"
HMAC_SHA256 = "HMAC-SHA256"
ED25519 = "Ed25519"
SIGNATURE_ALGORITHM = HMAC_SHA256  # the shared-secret signature (the one every installation can make)
SIGNATURE_ALGORITHMS = (HMAC_SHA256, ED25519)
KEY_SETTING = "HITLCRM_RECEIPT_KEY"
SIGNING_KEY_SETTING = "HITLCRM_RECEIPT_SIGNING_KEY"
PEM_BEGIN = "-----BEGIN"
# The members every receipt has, besides its signature.
MEMBERS = ("format", "proposal_id", "kind", "decision_id", "decision", "decided_by", "decided_at", "digest",
           "digest_algorithm", "policy")


class ReceiptInvalid(ValueError):
    """A receipt that does not verify; the message says what is wrong with it."""


class ReceiptKeyMissing(RuntimeError):
    """No signing key is configured: receipts cannot be signed (or verified) until ``HITLCRM_RECEIPT_KEY``
    (or ``HITLCRM_RECEIPT_SIGNING_KEY``) is set."""

    def __init__(self) -> None:
        super().__init__(f"{KEY_SETTING} is not set (nor {SIGNING_KEY_SETTING}): decision receipts cannot be "
                         f"signed or verified without a key (docs/configuration.md)")


class ReceiptKeyInvalid(ValueError):
    """An Ed25519 key that cannot be used (not PEM, not Ed25519, encrypted, unreadable); the message
    says which, and where the key came from."""


# --- Ed25519 keys ---------------------------------------------------------------------------------------

def _pem_bytes(value: str | bytes, what: str) -> bytes:
    """The PEM a key setting or argument gives: the PEM itself, or the path of a file holding it. A PEM
    written on one line with "\\n" for its line breaks (an environment file) is read as its lines."""
    text = value.decode() if isinstance(value, bytes) else str(value)
    text = text.strip()
    if not text:
        raise ReceiptKeyInvalid(f"{what} is empty")
    if not text.startswith(PEM_BEGIN):
        try:
            text = Path(text).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            # A value that does not look like a path may be key material pasted without its PEM lines: not echoed.
            named = f" {text}" if os.sep in text or text.endswith((".pem", ".key")) else ""
            raise ReceiptKeyInvalid(f"{what} is neither a PEM key (-----BEGIN ...) nor a readable file: cannot read"
                                    f"{named}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ReceiptKeyInvalid(f"{what}: {text} is not a PEM file (a DER key? convert it with "
                                    f"`openssl pkey -inform DER -in {text}`)") from exc
    if "\\n" in text and "\n" not in text:
        text = text.replace("\\n", "\n")
    return text.encode()


def signing_key_load(value: str | bytes, *, what: str = SIGNING_KEY_SETTING) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``value`` (PEM, PKCS #8 as ``openssl genpkey -algorithm ed25519`` writes
    it, unencrypted; or the path of a file holding it); :class:`ReceiptKeyInvalid` naming the problem."""
    data = _pem_bytes(value, what)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:  # the PEM is encrypted
        raise ReceiptKeyInvalid(f"{what} is an encrypted private key: give it unencrypted "
                                f"(`openssl pkey -in KEY -out PLAIN`) and protect the file instead") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        if b"PUBLIC KEY" in data:
            raise ReceiptKeyInvalid(f"{what} is a public key: signing needs the private key "
                                    f"(`python -m reviews.receipts generate-key` makes one)") from exc
        raise ReceiptKeyInvalid(f"{what} is not a PEM private key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ReceiptKeyInvalid(f"{what} is {_key_kind(key)} key, not an Ed25519 one "
                                f"(`openssl genpkey -algorithm ed25519` makes one)")
    return key


def public_key_load(value: str | bytes, *, what: str = "the public key") -> Ed25519PublicKey:
    """The Ed25519 public key in ``value`` (PEM "PUBLIC KEY", as ``python -m reviews.receipts public-key``
    prints it, or the path of a file holding it); :class:`ReceiptKeyInvalid` naming the problem."""
    data = _pem_bytes(value, what)
    if b"PRIVATE KEY" in data:
        raise ReceiptKeyInvalid(f"{what} is a private key: give the public key, which is all verifying needs "
                                f"(`python -m reviews.receipts public-key PRIVATE.pem` prints it)")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ReceiptKeyInvalid(f"{what} is not a PEM public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ReceiptKeyInvalid(f"{what} is {_key_kind(key)} key, not an Ed25519 one")
    return key


def _key_kind(key: Any) -> str:
    name = type(key).__name__.removeprefix("_").replace("PrivateKey", "").replace("PublicKey", "")
    return f"an {name}" if name[:1] in "AEIOU" else f"a {name}"


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as PEM ("-----BEGIN PUBLIC KEY-----"): what the verifiers are given."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short name of a key pair, in every Ed25519 receipt: the first 16 hex digits of the SHA-256 of
    the raw 32-byte public key. A verifier holding several keys (a rotation) knows which one to use."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _key_bytes(key: str | bytes) -> bytes:
    raw = key.encode() if isinstance(key, str) else bytes(key)
    if not raw.strip():
        raise ReceiptKeyMissing()
    return raw


def _signature(body: Mapping[str, Any], key: str | bytes) -> str:
    return hmac.new(_key_bytes(key), canonical_json(dict(body)), hashlib.sha256).hexdigest()


def _unsigned(body: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "signature"}


def receipt_sign(body: Mapping[str, Any], key: str | bytes) -> dict[str, Any]:
    """``body`` with its ``signature``: {"algorithm": "HMAC-SHA256", "value": hex HMAC of the RFC 8785
    form of ``body``}."""
    unsigned = _unsigned(body)
    return {**unsigned, "signature": {"algorithm": HMAC_SHA256, "value": _signature(unsigned, key)}}


def receipt_sign_ed25519(body: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """``body`` with its ``signature``: {"algorithm": "Ed25519", "key_id": :func:`key_id`, "value": hex
    Ed25519 signature of the RFC 8785 form of ``body``}."""
    unsigned = _unsigned(body)
    return {**unsigned, "signature": {"algorithm": ED25519, "key_id": key_id(key),
                                      "value": key.sign(canonical_json(unsigned)).hex()}}


MISMATCH = ("the signature does not match: the receipt was changed after it was signed, or it was signed with "
            "another key")


def receipt_verify(receipt: Any, key: str | bytes | None = None, *,
                   public_key: Ed25519PublicKey | str | bytes | None = None) -> dict[str, Any]:
    """The receipt's signed members when its signature verifies: an HMAC-SHA256 one under ``key``, an
    Ed25519 one under ``public_key`` (a key, or its PEM); :class:`ReceiptInvalid` naming the problem
    otherwise (not an object, a member missing, another format or algorithm, no key of the kind the
    receipt was signed with, a signature that does not match: the receipt was changed, or signed with
    another key)."""
    if not isinstance(receipt, dict):
        raise ReceiptInvalid("a receipt is a JSON object")
    missing = [name for name in (*MEMBERS, "signature") if name not in receipt]
    if missing:
        raise ReceiptInvalid(f"the receipt has no {', '.join(missing)}")
    if receipt["format"] != FORMAT:
        raise ReceiptInvalid(f"unknown receipt format {receipt['format']!r} (this verifier reads {FORMAT})")
    signature = receipt["signature"]
    algorithm = signature.get("algorithm") if isinstance(signature, dict) else None
    if algorithm not in SIGNATURE_ALGORITHMS or not isinstance(signature.get("value"), str):
        raise ReceiptInvalid('the signature must be {"algorithm": "Ed25519" or "HMAC-SHA256", "value": "<hex>"}')
    body = _unsigned(receipt)
    try:
        signed = canonical_json(body)
    except NotCanonicalizable as exc:
        raise ReceiptInvalid(str(exc)) from exc
    if algorithm == ED25519:
        _verify_ed25519(signed, signature, public_key)
        return body
    if key is None:
        raise ReceiptInvalid(f"the receipt is signed with {HMAC_SHA256}: verifying it needs the installation's "
                             f"shared key ({KEY_SETTING}), not a public key")
    expected = hmac.new(_key_bytes(key), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature["value"]):
        raise ReceiptInvalid(MISMATCH)
    return body


def _verify_ed25519(signed: bytes, signature: dict[str, Any], public_key: Any) -> None:
    if public_key is None:
        raise ReceiptInvalid(f"the receipt is signed with {ED25519}: verifying it needs the installation's public "
                             f"key (--public-key)")
    try:
        public = public_key if isinstance(public_key, Ed25519PublicKey) else public_key_load(public_key)
    except ReceiptKeyInvalid as exc:
        raise ReceiptInvalid(str(exc)) from exc
    named = signature.get("key_id")
    if named is not None and named != key_id(public):
        raise ReceiptInvalid(f"the receipt was signed with key {named}; the public key given is {key_id(public)}")
    try:
        public.verify(bytes.fromhex(signature["value"]), signed)
    except (InvalidSignature, ValueError) as exc:
        raise ReceiptInvalid(MISMATCH) from exc


# --- receipts of stored decisions (needs Django) --------------------------------------------------------

def receipt_body(decision: Any) -> dict[str, Any]:
    """The signed members of a stored decision's receipt (its proposal loaded with it)."""
    proposal = decision.proposal
    if decision.reviewer_id is not None:
        decided_by = decision.reviewer.get_username()
    else:  # the policy's auto-approval: named as its audit event's actor is
        decided_by = f"policy:{proposal.policy_task_type or proposal.task_type}@v{decision.policy_version}"
    version = decision.policy_version if decision.policy_version is not None else proposal.policy_version
    return {
        "format": FORMAT,
        "proposal_id": proposal.pk,
        "kind": proposal.kind,
        "decision_id": decision.pk,
        "decision": decision.action,
        "decided_by": decided_by,
        "decided_at": decision.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "digest": decision.payload_digest or None,
        "digest_algorithm": DIGEST_ALGORITHM,
        "policy": {"task_type": proposal.policy_task_type or proposal.task_type, "version": version},
    }


def configured_signing_key() -> Ed25519PrivateKey | None:
    """The Ed25519 key ``HITLCRM_RECEIPT_SIGNING_KEY`` holds, None when it is not set;
    :class:`ReceiptKeyInvalid` when it is set but unusable (``manage.py check`` says so first: hitlcrm.E012)."""
    from .conf import hitlcrm_settings

    value = hitlcrm_settings.RECEIPT_SIGNING_KEY or ""
    if not str(value).strip():
        return None
    return signing_key_load(value)


def decision_receipt(decision: Any) -> dict[str, Any]:
    """The signed receipt of a stored decision: with Ed25519 under ``HITLCRM_RECEIPT_SIGNING_KEY`` when it
    is set, else with HMAC-SHA256 under ``HITLCRM_RECEIPT_KEY`` (:class:`ReceiptKeyMissing` when neither
    is; :class:`ReceiptKeyInvalid` when the signing key cannot be used)."""
    from .conf import hitlcrm_settings

    signing_key = configured_signing_key()
    if signing_key is not None:
        return receipt_sign_ed25519(receipt_body(decision), signing_key)
    return receipt_sign(receipt_body(decision), str(hitlcrm_settings.RECEIPT_KEY or ""))


def proposal_receipt(proposal: Any, *, decision_id: int | None = None) -> dict[str, Any]:
    """The signed receipt of one of ``proposal``'s decisions: ``decision_id``, or the latest that still
    counts (not undone). ``LookupError`` naming what is missing; :class:`ReceiptKeyMissing`."""
    decisions = proposal.decisions.select_related("reviewer", "proposal")
    if decision_id is not None:
        decision = decisions.filter(pk=decision_id).first()
        if decision is None:
            raise LookupError(f"proposal {proposal.pk} has no decision {decision_id}")
    else:
        decision = decisions.live().order_by("-created_at", "-pk").first()
        if decision is None:
            raise LookupError(f"proposal {proposal.pk} has no decision yet (its status is {proposal.status})")
    return decision_receipt(decision)


# --- the command line: offline, without Django --------------------------------------------------------

def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReceiptInvalid(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ReceiptInvalid(f"{path} is not JSON: {exc}") from exc


def _key_from(arguments: argparse.Namespace) -> str:
    """The HMAC key the command was given (or ``$HITLCRM_RECEIPT_KEY``)."""
    if arguments.key_file:
        try:
            return Path(arguments.key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ReceiptInvalid(f"cannot read the key file {arguments.key_file}: {exc.strerror or exc}") from exc
    key = arguments.key if arguments.key is not None else os.environ.get("HITLCRM_RECEIPT_KEY", "")
    if not key.strip():
        raise ReceiptInvalid(f"no key: give --key or --key-file, or set {KEY_SETTING}")
    return key


def _algorithm_of(receipt: Any) -> Any:
    signature = receipt.get("signature") if isinstance(receipt, dict) else None
    return signature.get("algorithm") if isinstance(signature, dict) else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reviews.receipts",
                                     description="Verify hitlcrm decision receipts offline (no database needed).")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check a receipt's signature (exit 0 valid, 1 invalid)")
    verify.add_argument("receipt", help="the receipt's JSON file (- for standard input)")
    verify.add_argument("--public-key", help="Ed25519 receipts: the installation's public key (a PEM file, or the "
                                             "PEM itself)")
    verify.add_argument("--key", help=f"HMAC receipts: the shared key (default: ${KEY_SETTING})")
    verify.add_argument("--key-file", help="HMAC receipts: a file holding the shared key")
    verify.add_argument("--payload", help="also check that this JSON file's digest is the receipt's "
                                          "(what was sent is what was approved)")
    digest = commands.add_parser("digest", help="print the SHA-256 of a JSON file's RFC 8785 canonical form")
    digest.add_argument("payload", help="a JSON file (- for standard input)")
    commands.add_parser("generate-key", help=f"print a new Ed25519 private key (PEM) for {SIGNING_KEY_SETTING}")
    public = commands.add_parser("public-key", help="print the public key (PEM) of an Ed25519 private key, for "
                                                    "the verifiers")
    public.add_argument("signing_key", help="the private key's PEM file")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "digest":
            print(payload_digest(_read_json(arguments.payload)))
            return 0
        if arguments.command == "generate-key":
            print(Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
            ).decode(), end="")
            return 0
        if arguments.command == "public-key":
            print(public_key_pem(signing_key_load(arguments.signing_key, what=arguments.signing_key)), end="")
            return 0
        receipt = _read_json(arguments.receipt)
        if _algorithm_of(receipt) == ED25519:
            if not arguments.public_key:
                raise ReceiptInvalid("the receipt is signed with Ed25519: give the installation's public key "
                                     "(--public-key FILE)")
            body = receipt_verify(receipt, public_key=public_key_load(arguments.public_key, what="--public-key"))
        else:
            body = receipt_verify(receipt, _key_from(arguments))
        if arguments.payload:
            found = payload_digest(_read_json(arguments.payload))
            if found != body["digest"]:
                raise ReceiptInvalid(f"the payload's digest {found} is not the receipt's {body['digest']}")
    except ReceiptKeyInvalid as exc:
        if arguments.command == "public-key":
            print(f"hitlcrm receipts: {exc}", file=sys.stderr)
            return 2
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    except (ReceiptInvalid, ReceiptKeyMissing, NotCanonicalizable) as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    print(f"valid: decision {body['decision_id']} ({body['decision']}) of proposal {body['proposal_id']} by "
          f"{body['decided_by']} at {body['decided_at']}; digest {body['digest'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
