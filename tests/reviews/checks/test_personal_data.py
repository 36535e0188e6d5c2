"""Card numbers and national ids never go out; look-alike numbers are left alone."""

from __future__ import annotations

import pytest

from reviews.checks.personal_data import luhn_valid, personal_data_in

from .support import context, crm_change, email, fields, run


@pytest.mark.parametrize("text,kind", [
    ("My card is 4111 1111 1111 1111 for the trial.", "Visa card number"),
    ("card: 4111-1111-1111-1111", "Visa card number"),
    ("use 5555555555554444 please", "Mastercard card number"),
    ("Amex 3782 822463 10005 on file", "American Express card number"),
    ("Discover 6011 1111 1111 1117", "Discover card number"),
    ("Her SSN is 078-05-1120 per our notes.", "US Social Security number"),
    ("SSN 123 45 6789", "US Social Security number"),
    ("social security number: 219099999", "US Social Security number"),
    ("NI number QQ 12 34 56 C is a sample, AB 12 34 56 C is real-shaped", "UK National Insurance number"),
    ("NINO: JG103759A", "UK National Insurance number"),
    ("SIN 130 692 544", "Canadian Social Insurance number"),
    ("Pay to GB82 WEST 1234 5698 7654 32 today", "bank account number (IBAN)"),
])
def test_card_numbers_and_national_ids_are_found(text: str, kind: str) -> None:
    assert kind in {finding.kind for finding in personal_data_in(text)}


@pytest.mark.parametrize("text", [
    "Order 4111 1111 1111 1112 shipped",           # fails Luhn
    "Ticket 1234567890123456",                      # no card issuer, fails Luhn
    "Call +1 415 555 0100 or 415-555-0199",          # phone numbers
    "SSN-shaped but never issued: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000",
    "Invoice INV-2026-0001 of 2026-11-21",
    "Revenue up 12 34 56 on Q1",
    "GB00 WEST 1234 5698 7654 32 has a bad checksum",
])
def test_look_alike_numbers_are_left_alone(text: str) -> None:
    assert personal_data_in(text) == []


def test_luhn() -> None:
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112")


def test_the_check_blocks_hard_and_never_repeats_the_number() -> None:
    outcome = run("personal_data", email(body="Hi Ada,\n\nMy card is 4111 1111 1111 1111.\n\nSam"))
    assert not outcome.passed
    assert outcome.severity is None  # the check's own: hard
    assert "Visa card number ending 1111 in the body" in outcome.message
    assert "4111" not in outcome.message and "4111" not in str(outcome.details)


def test_personal_data_in_a_crm_value_is_found() -> None:
    outcome = run("personal_data", crm_change(), context(field_changes=fields(Description="SSN 078-05-1120")))
    assert not outcome.passed and "Description" in outcome.message
    assert run("personal_data", crm_change(), context(field_changes=fields(Title="VP Sales"))).passed
