"""The canonical JSON form approvals are hashed over is RFC 8785's (the JSON Canonicalization
Scheme): the RFC's own examples and its number serialisation table (Appendix B), byte for byte."""

from __future__ import annotations

import hashlib
import math
import struct

import pytest

from reviews.canonical import NotCanonicalizable, canonical_json, payload_digest


def test_the_rfcs_sample_of_section_3_2_2() -> None:
    # RFC 8785, 3.2.2: white space removed, numbers in ECMAScript form, strings minimally escaped.
    value = {
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    expected = ('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
                '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}')
    assert canonical_json(value) == expected.encode("utf-8")


def test_keys_are_sorted_by_utf16_code_units_as_in_section_3_2_3() -> None:
    value = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
             "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
             "\u00f6": "Latin Small Letter O With Diaeresis"}
    expected = ('{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",'
                '"€":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}')
    # (UTF-16 puts the emoji's surrogates, 0xD83D..., before U+FB33; code-point order would not.)
    assert canonical_json(value) == expected.encode("utf-8")


@pytest.mark.parametrize(("ieee754", "text"), [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),  # minus zero
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
])
def test_numbers_serialise_as_appendix_b_says(ieee754: str, text: str) -> None:
    (number,) = struct.unpack(">d", bytes.fromhex(ieee754))
    assert canonical_json(number) == text.encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 2**53 + 1, {1: "a key that is not a string"}])
def test_what_has_no_canonical_form_is_refused_by_name(value: object) -> None:
    with pytest.raises(NotCanonicalizable, match="no canonical JSON form"):
        canonical_json(value)


def test_the_digest_is_the_sha256_of_the_canonical_bytes_whatever_the_stored_key_order_or_number_spelling() -> None:
    stored_by_sqlite = {"fields": {"Title": "CTO", "NumberOfEmployees": 250.0}, "crm_id": "003", "crm_object": "Contact"}
    read_from_jsonb = {"crm_object": "Contact", "crm_id": "003", "fields": {"NumberOfEmployees": 250, "Title": "CTO"}}
    canonical = b'{"crm_id":"003","crm_object":"Contact","fields":{"NumberOfEmployees":250,"Title":"CTO"}}'
    assert canonical_json(stored_by_sqlite) == canonical_json(read_from_jsonb) == canonical
    assert payload_digest(read_from_jsonb) == hashlib.sha256(canonical).hexdigest()
    assert payload_digest({**read_from_jsonb, "crm_id": "004"}) != payload_digest(read_from_jsonb)
