"""Signed receipts of decisions: what an agent can keep as proof of what was decided about its proposal.

A receipt is a JSON object naming one decision (a person's approval or rejection, or the policy's
auto-approval): the proposal, the decision, who took it and when, the policy that routed the record,
and, for the approval that made the record approved, the digest of the exact payload the executor
sends (``reviews.canonical``: SHA-256 over the RFC 8785 canonical form; approve A, execute A). It is
signed with HMAC-SHA256 under ``HITLCRM_RECEIPT_KEY`` over the RFC 8785 form of every member but
``signature``, so anyone holding the key verifies it offline, with no database and no Django
settings (docs/agents.md)::

    python -m reviews.receipts verify receipt.json --key-file receipt.key
    python -m reviews.receipts verify receipt.json --payload sent.json   # the key from $HITLCRM_RECEIPT_KEY
    python -m reviews.receipts digest sent.json

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

from .canonical import DIGEST_ALGORITHM, NotCanonicalizable, canonical_json, payload_digest

FORMAT = "hitlcrm-receipt/1"
SIGNATURE_ALGORITHM = "HMAC-SHA256"
KEY_SETTING = "HITLCRM_RECEIPT_KEY"
# The members every receipt has, besides its signature.
MEMBERS = ("format", "proposal_id", "kind", "decision_id", "decision", "decided_by", "decided_at", "digest",
           "digest_algorithm", "policy")


class ReceiptInvalid(ValueError):
    """A receipt that does not verify; the message says what is wrong with it."""


class ReceiptKeyMissing(RuntimeError):
    """No signing key is configured: receipts cannot be signed (or verified) until ``HITLCRM_RECEIPT_KEY`` is set."""

    def __init__(self) -> None:
        super().__init__(f"{KEY_SETTING} is not set: decision receipts cannot be signed or verified without it "
                         f"(docs/configuration.md)")


def _key_bytes(key: str | bytes) -> bytes:
    raw = key.encode() if isinstance(key, str) else bytes(key)
    if not raw.strip():
        raise ReceiptKeyMissing()
    return raw


def _signature(body: Mapping[str, Any], key: str | bytes) -> str:
    return hmac.new(_key_bytes(key), canonical_json(dict(body)), hashlib.sha256).hexdigest()


def receipt_sign(body: Mapping[str, Any], key: str | bytes) -> dict[str, Any]:
    """``body`` with its ``signature``: {"algorithm": "HMAC-SHA256", "value": hex HMAC of the RFC 8785
    form of ``body``}."""
    unsigned = {name: value for name, value in body.items() if name != "signature"}
    return {**unsigned, "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": _signature(unsigned, key)}}


def receipt_verify(receipt: Any, key: str | bytes) -> dict[str, Any]:
    """The receipt's signed members when its signature is ``key``'s over them; :class:`ReceiptInvalid`
    naming the problem otherwise (not an object, a member missing, another format or algorithm, a
    signature that does not match: the receipt was changed, or signed with another key)."""
    if not isinstance(receipt, dict):
        raise ReceiptInvalid("a receipt is a JSON object")
    missing = [name for name in (*MEMBERS, "signature") if name not in receipt]
    if missing:
        raise ReceiptInvalid(f"the receipt has no {', '.join(missing)}")
    if receipt["format"] != FORMAT:
        raise ReceiptInvalid(f"unknown receipt format {receipt['format']!r} (this verifier reads {FORMAT})")
    signature = receipt["signature"]
    if not isinstance(signature, dict) or signature.get("algorithm") != SIGNATURE_ALGORITHM:
        raise ReceiptInvalid(f"the signature must be {{\"algorithm\": \"{SIGNATURE_ALGORITHM}\", \"value\": ...}}")
    body = {name: value for name, value in receipt.items() if name != "signature"}
    try:
        expected = _signature(body, key)
    except NotCanonicalizable as exc:
        raise ReceiptInvalid(str(exc)) from exc
    if not hmac.compare_digest(expected, str(signature.get("value", ""))):
        raise ReceiptInvalid("the signature does not match: the receipt was changed after it was signed, or it was "
                             "signed with another key")
    return body


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


def decision_receipt(decision: Any) -> dict[str, Any]:
    """The signed receipt of a stored decision, under ``HITLCRM_RECEIPT_KEY`` (:class:`ReceiptKeyMissing`
    when it is not set)."""
    from .conf import hitlcrm_settings

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
    if arguments.key_file:
        try:
            return Path(arguments.key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ReceiptInvalid(f"cannot read the key file {arguments.key_file}: {exc.strerror or exc}") from exc
    key = arguments.key if arguments.key is not None else os.environ.get("HITLCRM_RECEIPT_KEY", "")
    if not key.strip():
        raise ReceiptInvalid(f"no key: give --key or --key-file, or set {KEY_SETTING}")
    return key


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reviews.receipts",
                                     description="Verify hitlcrm decision receipts offline (no database needed).")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check a receipt's signature (exit 0 valid, 1 invalid)")
    verify.add_argument("receipt", help="the receipt's JSON file (- for standard input)")
    verify.add_argument("--key", help=f"the signing key (default: ${KEY_SETTING})")
    verify.add_argument("--key-file", help="a file holding the signing key")
    verify.add_argument("--payload", help="also check that this JSON file's digest is the receipt's "
                                          "(what was sent is what was approved)")
    digest = commands.add_parser("digest", help="print the SHA-256 of a JSON file's RFC 8785 canonical form")
    digest.add_argument("payload", help="a JSON file (- for standard input)")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "digest":
            print(payload_digest(_read_json(arguments.payload)))
            return 0
        body = receipt_verify(_read_json(arguments.receipt), _key_from(arguments))
        if arguments.payload:
            found = payload_digest(_read_json(arguments.payload))
            if found != body["digest"]:
                raise ReceiptInvalid(f"the payload's digest {found} is not the receipt's {body['digest']}")
    except (ReceiptInvalid, ReceiptKeyMissing, NotCanonicalizable) as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    print(f"valid: decision {body['decision_id']} ({body['decision']}) of proposal {body['proposal_id']} by "
          f"{body['decided_by']} at {body['decided_at']}; digest {body['digest'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
