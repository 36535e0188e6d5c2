"""The placeholder check against every common merge-tag syntax, and against the brackets, prices,
percentages, links and quoted text that are not slots. Spans point at the slot so the console can
highlight it."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in

from .support import BODY, email, run

SLOTS = [
    ("Hi {{first_name}},", "{{first_name}}"),
    ("Hi {{ contact.first_name | default: 'there' }},", "{{ contact.first_name | default: 'there' }}"),
    ("{% if first_name %}Hi there{% endif %}", "{% if first_name %}"),
    ("Hi {first_name},", "{first_name}"),
    ("Hi {first name},", "{first name}"),
    ("Hi {!Lead.FirstName},", "{!Lead.FirstName}"),
    ("Hi ${firstName},", "${firstName}"),
    ("How is $company handling renewals?", "$company"),
    ("How is $COMPANY handling renewals?", "$COMPANY"),
    ("Hi $first_name,", "$first_name"),
    ("Hi [[FirstName]],", "[[FirstName]]"),
    ("How is [Company] handling renewals?", "[Company]"),
    ("How is [Company Name] handling renewals?", "[Company Name]"),
    ("Loved your talk at [Conference Name] last week.", "[Conference Name]"),
    ("Here is the [Case Study Link] I promised.", "[Case Study Link]"),
    ("Congrats on the [recent achievement].", "[recent achievement]"),
    ("Hi [FIRST_NAME],", "[FIRST_NAME]"),
    ("How is <<Company Name>> handling renewals?", "<<Company Name>>"),
    ("Hi «FirstName»,", "«FirstName»"),
    ("Hi <NAME>,", "<NAME>"),
    ("Hi <first name>,", "<first name>"),
    ("Hi %FIRST_NAME%,", "%FIRST_NAME%"),
    ("Hi %first_name%,", "%first_name%"),
    ("Hi %FirstName%,", "%FirstName%"),
    ("Hi %%FirstName%%,", "%%FirstName%%"),
    ("Hi *|FNAME|*,", "*|FNAME|*"),
    ("Hi *|fname|*,", "*|fname|*"),
    ("Hi ((first_name)),", "((first_name))"),
    ("Hi __FIRST_NAME__,", "__FIRST_NAME__"),
    ("I saw INSERT COMPANY NAME HERE is hiring.", "INSERT COMPANY NAME HERE"),
    ("I saw Insert recent news here and thought of you.", "Insert recent news here"),
    ("I saw ADD TRIGGER EVENT HERE and thought of you.", "ADD TRIGGER EVENT HERE"),
    ("Hi XXX, quick question.", "XXX"),
]

NOT_SLOTS = [
    "The summary is attached (see attached).",
    "Gartner says so [1], and so do our customers [2].",
    "[Webinar recording] attached.",
    "It costs $49/month per seat, or $5k a year.",
    "We cut 20% off review time and 50% of errors.",
    "Read [our guide](https://acme.example/guide) when you have a minute.",
    "See [Case Study](https://acme.example/case) for the numbers.",
    "Use {} braces in code, not in emails.",
    "Reply to sam@acme.example (Sam <sam@acme.example>) any time.",
    "Docs live at <https://acme.example/docs>.",
    "We work with $AAPL-sized companies and tiny ones.",
    "Add notes here if you like, or call me.",
    "Q1 went well: 3 < 5 and 7 > 4.",
    "> Our template says Hi {{first_name}} and [Company Name], which is the bug.\nThat is the bug we fix.",
    "> Hi %FIRST_NAME%, insert company name here\n\nThanks for forwarding this.",
]


@pytest.mark.parametrize("text,slot", SLOTS)
def test_every_common_merge_tag_syntax_is_a_placeholder_and_its_span_is_reported(text: str, slot: str) -> None:
    assert placeholders_in(text)[0] == slot
    body = f"{BODY}\n\n{text}"
    outcome = run("placeholders", email(body=body))
    assert not outcome.passed and outcome.severity is None  # the check's own severity: hard
    assert slot in outcome.message
    span = outcome.details["spans"][0]
    assert span["field"] == "body" and span["text"] == slot and body[span["start"]:span["end"]] == slot


@pytest.mark.parametrize("text", NOT_SLOTS)
def test_brackets_prices_percentages_links_and_quoted_text_are_not_placeholders(text: str) -> None:
    assert placeholders_in(text) == []
    assert run("placeholders", email(body=f"{BODY}\n\n{text}")).passed


def test_spans_name_the_subject_and_the_html_body() -> None:
    outcome = run("placeholders", email(subject="Idea for <<Company>>",
                                        body_html="<p>Hi <b>[First Name]</b>,</p><p>Contoso news</p>"))
    assert not outcome.passed
    assert [(span["field"], span["text"]) for span in outcome.details["spans"]] == [
        ("subject", "<<Company>>"), ("body_html", "[First Name]")]
    assert outcome.details["found"] == {"subject": ["<<Company>>"], "HTML body": ["[First Name]"]}
