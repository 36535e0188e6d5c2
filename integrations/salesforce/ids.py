"""Salesforce record ids: 15-character (case-sensitive) and 18-character (case-safe) forms.

The 18-character id is the 15-character id plus three suffix characters: split the 15 characters
into three groups of five; in each group, set bit i (i = 0..4, left to right) when character i is an
upper-case letter A-Z; each 5-bit value indexes "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm#i1435616  (ID field type)

Validation is strict: an 18-character id must carry exactly the suffix its first 15 characters give,
so a mistyped or case-mangled id is refused rather than silently read as a different record.
"""

from __future__ import annotations

import re

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID15 = re.compile(r"^[A-Za-z0-9]{15}$")
_ID18 = re.compile(r"^[A-Za-z0-9]{15}[A-Z0-5]{3}$")


def _suffix(id15: str) -> str:
    suffix = ""
    for start in range(0, 15, 5):
        bits = 0
        for position, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def is_valid_id(value: object) -> bool:
    """True for a 15-character id, or an 18-character id whose suffix matches its first 15 characters."""
    if not isinstance(value, str):
        return False
    if _ID15.fullmatch(value):  # fullmatch: "$" alone would accept a trailing newline
        return True
    return bool(_ID18.fullmatch(value)) and _suffix(value[:15]) == value[15:]


def to_18(value: str) -> str:
    """The 18-character form of a valid id; ValueError for anything else."""
    if not is_valid_id(value):
        raise ValueError(f"{value!r} is not a Salesforce record id")
    return value if len(value) == 18 else value + _suffix(value)


def key_prefix(value: str) -> str:
    """The object key prefix (first three characters): 003 Contact, 00Q Lead, 001 Account..."""
    return to_18(value)[:3]
