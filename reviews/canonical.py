"""The canonical JSON form of what an approval lets out of hitlcrm, and its digest.

"Approve A, execute A" (docs/gate.md): an approval records the SHA-256 of the exact payload its
executor will send, over the JSON Canonicalization Scheme (RFC 8785: keys sorted by UTF-16 code
units, no white space, ECMAScript number serialisation, minimal string escaping), so the same value
always hashes the same however it was stored (PostgreSQL's jsonb reorders keys, ``1.0`` comes back
as ``1``). The executor recomputes it from what it is about to send and refuses on a difference.

The canonical form is Trail of Bits' ``rfc8785`` (pure Python, the RFC's test vectors in
tests/reviews/test_canonical.py). Importable without Django settings: receipts are verified offline.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

# How an approval's digest is made (named in receipts and in the refusal's message).
DIGEST_ALGORITHM = "sha256-jcs"


class NotCanonicalizable(ValueError):
    """A value RFC 8785 cannot represent exactly: a float that is NaN or infinite, an integer beyond
    ±2**53 (I-JSON, RFC 7493), a key that is not a string, or a type JSON does not have."""


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value (dicts, lists, strings, numbers, booleans, None)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise NotCanonicalizable(f"the payload has no canonical JSON form (RFC 8785): {exc}") from exc


def payload_digest(value: Any) -> str:
    """The lowercase hex SHA-256 of :func:`canonical_json` (64 characters)."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


__all__ = ["DIGEST_ALGORITHM", "NotCanonicalizable", "canonical_json", "payload_digest"]
