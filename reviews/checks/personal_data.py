"""Personal data that must never leave in an email or a CRM write: payment card numbers and
national identifiers. Each pattern is validated (Luhn, issuer prefixes, number ranges, checksums)
so order numbers and phone numbers do not trip it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .base import HARD, MAX_SPANS, PART_FIELDS, Check, CheckContext, CheckOutcome, Span, registry
from .text import readable_parts


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_issuer(digits: str) -> str | None:
    """The card network of a number, from its issuer prefix and length, or None."""
    length, two, three, four = len(digits), int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4" and length in (13, 16, 19):
        return "Visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and length == 16:
        return "Mastercard"
    if two in (34, 37) and length == 15:
        return "American Express"
    if (four == 6011 or two == 65 or 644 <= three <= 649 or 622126 <= int(digits[:6]) <= 622925) and length in (16, 19):
        return "Discover"
    if (300 <= three <= 305 or two in (36, 38, 39)) and length in (14, 16):
        return "Diners Club"
    if 3528 <= four <= 3589 and length in (16, 19):
        return "JCB"
    if two == 62 and 16 <= length <= 19:
        return "UnionPay"
    if two in (50, 56, 57, 58, 63, 67) and 12 <= length <= 19:
        return "Maestro"
    return None


def _ssn_valid(area: str, group: str, serial: str) -> bool:
    # Never issued: area 000, 666 or 900-999, group 00, serial 0000.
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24,
    "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27,
}  # fmt: skip


def _iban_valid(iban: str) -> bool:
    if _IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


@dataclass(frozen=True)
class Finding:
    kind: str
    masked: str
    # Where it is in the text (not compared: the same number twice is one finding).
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


def _mask(value: str, keep: int = 4) -> str:
    compact = re.sub(r"[\s-]", "", value)
    return "•" * max(len(compact) - keep, 0) + compact[-keep:]


_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])")
_SSN = re.compile(r"(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
_SSN_LABELLED = re.compile(
    r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\W{0,8}(\d{3})(\d{2})(\d{4})(?!\d)", re.IGNORECASE
)
# UK National Insurance number: two prefix letters (some never used), six digits, suffix A-D.
_NINO = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)
# Canadian Social Insurance Number, written in three groups; Luhn-valid, never starting 0 or 8.
_SIN = re.compile(r"(?<![\d-])([1-79]\d{2})([- ])(\d{3})\2(\d{3})(?![\d-])")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b")


def _cards(text: str) -> Iterator[Finding]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        issuer = _card_issuer(digits) if 13 <= len(digits) <= 19 else None
        if issuer and luhn_valid(digits):
            yield Finding(f"{issuer} card number", _mask(digits), match.start(), match.end())


def _ssns(text: str) -> Iterator[Finding]:
    for match in _SSN.finditer(text):
        if _ssn_valid(match.group(1), match.group(3), match.group(4)):
            yield Finding("US Social Security number", _mask(match.group(0)), match.start(), match.end())
    for match in _SSN_LABELLED.finditer(text):
        if _ssn_valid(*match.groups()):
            yield Finding("US Social Security number", _mask("".join(match.groups())), match.start(1), match.end())


def _ninos(text: str) -> Iterator[Finding]:
    for match in _NINO.finditer(text):
        yield Finding("UK National Insurance number", _mask(match.group(0), keep=3), match.start(), match.end())


def _sins(text: str) -> Iterator[Finding]:
    for match in _SIN.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        if luhn_valid(digits):
            yield Finding("Canadian Social Insurance number", _mask(digits, keep=3), match.start(), match.end())


def _ibans(text: str) -> Iterator[Finding]:
    for match in _IBAN.finditer(text):
        iban = match.group(1).replace(" ", "")
        if _iban_valid(iban):
            yield Finding("bank account number (IBAN)", _mask(iban), match.start(1), match.end(1))


DETECTORS: list[Callable[[str], Iterator[Finding]]] = [_cards, _ssns, _ninos, _sins, _ibans]


def personal_data_in(text: str) -> list[Finding]:
    return list(dict.fromkeys(finding for detect in DETECTORS for finding in detect(text)))


@registry.register
class PersonalDataCheck(Check):
    """Card numbers and national ids in anything that leaves (email parts, CRM text values).
    Hard: such data never goes out, and the message shows only its last digits."""

    name = "personal_data"
    severity = HARD

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        found = [(where, finding) for where, text in readable_parts(proposal, context.field_changes)
                 for finding in personal_data_in(text)]
        if found:
            where, first = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            ending = first.masked.lstrip("•")
            return CheckOutcome(False, f"Personal data that must not go out: a {first.kind} ending {ending} "
                                       f"in the {where}{more}",
                                {"found": [{"where": w, "kind": f.kind, "masked": f.masked} for w, f in found],
                                 # Only the masked number is stored: the draft itself is where it stands.
                                 "spans": [Span(f.start, f.end, f.masked, PART_FIELDS[w]).as_dict()
                                           for w, f in found if w in PART_FIELDS][:MAX_SPANS]})
        return CheckOutcome(True, "No card numbers or national ids")
