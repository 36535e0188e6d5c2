"""Property tests (hypothesis) of the validators hostile input meets first: Salesforce ids, SOQL
building, and the email fields agents and reviewers fill in. Each property says what no input,
however crafted, can do: change a query's shape, pass as an id it is not, or add a mail header."""

from __future__ import annotations

import string
import unicodedata

import pytest
from django.core.mail import EmailMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.salesforce.errors import SalesforceInvalidInputError
from integrations.salesforce.ids import is_valid_id, to_18
from integrations.salesforce.soql import check_identifier, check_ids, id_in, quote, select
from integrations.salesforce_emulator import soql as emulator_soql
from reviews.api.serializers import EmailDraftSubmitSerializer
from reviews.services.approval import email_text_problem

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ID_CHARS = string.ascii_letters + string.digits
ids15 = st.text(ID_CHARS, min_size=15, max_size=15)
# Text with the characters that matter here well represented: quotes, backslashes, line breaks,
# SOQL punctuation and keywords, controls, separators, and anything else.
tricky = st.lists(st.one_of(st.sampled_from(list("'\"\\\n\r\t\b\f%_(),= \x00\x1b\x85\u2028\u2029")),
                            st.sampled_from([" OR ", " AND ", "--", "/*", " LIMIT 1", "SELECT", "FROM", "@", ".example"]),
                            st.characters()), max_size=25).map("".join)


@FUZZ
@given(tricky)
def test_a_quoted_literal_is_one_value_whatever_it_holds(text: str) -> None:
    """The emulator parses SOQL as Salesforce does: the literal stays one comparison with the same value."""
    query = emulator_soql.parse(select("Contact", ["Id"], where=f"LastName = {quote(text)}"))
    assert query.where.op == "=" and query.where.field.name == "LastName"
    assert query.where.values == [text]
    assert query.limit is None and query.offset == 0 and query.order_by == []


@FUZZ
@given(tricky)
def test_a_name_is_a_plain_identifier_or_refused(text: str) -> None:
    try:
        name = check_identifier(text, "field name")
    except SalesforceInvalidInputError:
        return
    assert name == text and name[0].isascii() and name[0].isalpha()
    assert set(name) <= set(ID_CHARS + "_") and len(name) <= 80


@FUZZ
@given(st.one_of(ids15, tricky, st.text(ID_CHARS, min_size=18, max_size=18)))
def test_an_id_is_valid_only_in_its_exact_form(text: str) -> None:
    if not is_valid_id(text):
        with pytest.raises(SalesforceInvalidInputError):
            check_ids([text])
        with pytest.raises(ValueError):
            to_18(text)
        return
    full = to_18(text)
    assert len(full) == 18 and full[:15] == text[:15] and to_18(full) == full and is_valid_id(full)
    assert id_in([text]) == f"Id IN ('{full}')"


@FUZZ
@given(ids15)
def test_a_case_mangled_18_character_id_is_refused(id15: str) -> None:
    """An 18-character id whose letters changed case (a spreadsheet's doing) names another record."""
    full = to_18(id15)
    swapped = full[:15].swapcase() + full[15:]
    assert is_valid_id(swapped) == (swapped == full)


# Addresses that are nearly right, with the hostile part before, inside or after them.
addresses = st.one_of(tricky, st.builds("{}ada{}@contoso.example{}".format, tricky, tricky, tricky),
                      st.just("ada@contoso.example"))


@FUZZ
@given(subject=tricky, to=addresses, sender=addresses)
def test_what_the_api_accepts_can_be_sent_without_adding_a_header(subject: str, to: str, sender: str) -> None:
    data = {"to": [to or "ada@contoso.example"], "subject": subject or "Hi", "body": "Hello", "from_email": sender}
    serializer = EmailDraftSubmitSerializer(data=data)
    if not serializer.is_valid():
        return
    accepted = serializer.validated_data
    assert email_text_problem("subject", accepted["subject"]) == ""
    assert not any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} and ch != "\t" for ch in accepted["subject"])
    message = EmailMessage(accepted["subject"], accepted["body"], accepted.get("from_email") or "sam@hitlcrm.example",
                           list(accepted["to"])).message()
    headers = message.as_bytes().split(b"\n\n", 1)[0].decode("ascii", "replace")
    names = [line.split(":", 1)[0] for line in headers.splitlines() if line and not line[0].isspace()]
    assert sorted(names) == sorted(["Content-Type", "MIME-Version", "Content-Transfer-Encoding", "Subject", "From",
                                    "To", "Date", "Message-ID"]), headers
    local, _, domain = accepted["to"][0].rpartition("@")
    assert message["To"] == f"{local}@{domain.encode('idna').decode('ascii')}"  # IDN domains go out as punycode


@FUZZ
@given(tricky)
def test_a_subject_is_one_line_of_text(text: str) -> None:
    problem = email_text_problem("subject", text)
    one_line = text.strip() and not any(
        unicodedata.category(ch) in {"Cc", "Zl", "Zp"} and ch != "\t" for ch in text)
    assert (problem == "") == bool(one_line)
