"""Record ids as Salesforce makes them: a 15-character case-sensitive id plus a 3-character suffix
that makes the 18-character form safe for case-insensitive systems.

Kept separate from ``integrations.salesforce.ids`` on purpose: the emulator stands in for
Salesforce, so a bug in the client's id code must not be mirrored here and go unnoticed.
"""

from __future__ import annotations

import itertools
import re
import threading

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID_RE = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Z0-5]{3})?$")


def case_safe_suffix(id15: str) -> str:
    suffix = ""
    for start in (0, 5, 10):
        bits = 0
        for position, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def normalise(record_id: str) -> str | None:
    """The 18-character id, or None when ``record_id`` is not a well-formed id."""
    if not isinstance(record_id, str) or not _ID_RE.match(record_id):
        return None
    full = record_id[:15] + case_safe_suffix(record_id[:15])
    if len(record_id) == 18 and record_id.upper() != full.upper():
        return None
    return full


class IdFactory:
    """Makes new ids: key prefix, a pod marker, then a base-62 serial number."""

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def new(self, key_prefix: str) -> str:
        with self._lock:
            number = next(self._counter)
        digits = ""
        while True:
            number, remainder = divmod(number, 62)
            digits = _BASE62[remainder] + digits
            if not number:
                break
        id15 = f"{key_prefix}Em0{digits.rjust(9, '0')}"
        return id15 + case_safe_suffix(id15)
