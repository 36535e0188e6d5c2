"""15/18-character record ids."""

from __future__ import annotations

import pytest

from integrations.salesforce.ids import is_valid_id, key_prefix, to_18

# 18-character ids printed in Salesforce's REST API documentation, with their 15-character forms:
# https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm ("00190000001pPvHAAU")
# https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0_upsert.htm
#   ("0018a00001rBqb8AAC")
# https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
#   ("001RM000003oCprYAE")
# The algorithm: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm#i1435616
DOCUMENTED = ["00190000001pPvHAAU", "0018a00001rBqb8AAC", "001RM000003oCprYAE"]


@pytest.mark.parametrize("id18", DOCUMENTED)
def test_to_18_matches_ids_from_salesforce_docs(id18: str) -> None:
    assert to_18(id18[:15]) == id18
    assert to_18(id18) == id18
    assert is_valid_id(id18[:15]) and is_valid_id(id18)


@pytest.mark.parametrize(
    ("id15", "id18"),
    [
        ("AaaAABbbBBCccCC", "AaaAABbbBBCccCCZZZ"),  # upper case at positions 0, 3, 4: 1+8+16 = 25 -> 'Z'
        ("ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNO555"),
        ("aaaaabbbbbccccc", "aaaaabbbbbcccccAAA"),
        ("003Em0000000001", "003Em0000000001IAA"),
    ],
)
def test_suffix_encodes_upper_case_positions(id15: str, id18: str) -> None:
    assert to_18(id15) == id18


@pytest.mark.parametrize(
    "value",
    [
        "00190000001pPvHAAA",  # wrong suffix
        "00190000001ppvhAAU",  # case changed: the suffix no longer matches
        "00190000001pPvH'",  # quote
        "003' OR Id != '",
        "00190000001pPv",  # 14 characters
        "00190000001pPvHAAUX",
        "",
        None,
        190000001,
    ],
)
def test_invalid_ids_are_refused(value: object) -> None:
    assert not is_valid_id(value)
    with pytest.raises(ValueError):
        to_18(value)  # type: ignore[arg-type]


def test_key_prefix() -> None:
    assert key_prefix("0018a00001rBqb8") == "001"
