"""Checks of what an email says. Phrasings here go beyond the corpus on purpose: checks must
catch the kind of flaw, not the corpus's strings."""

from __future__ import annotations

import pytest
from django.test import override_settings

from reviews.checks.content import repeated_run, shouted
from reviews.checks.text import first_line
from reviews.models import Policy

from .support import BODY, context, crm_change, email, fields, run


@pytest.mark.parametrize("text", [
    "Hi {{first_name}}, quick question.",
    "Hi {{ FirstName }}, quick question.",
    "How is [Company] handling renewals?",
    "Best,\n[Your Name]",
    "Congrats on the [insert milestone] news",
    "Hi <NAME>, quick question.",
    "Hi <first_name>, quick question.",
    "Hi {first_name}, quick question.",
    "Hi %FIRST_NAME%, quick question.",
    "Hi *|FNAME|*, quick question.",
    "Hi {!Contact.FirstName}, quick question.",
    "Hi ${name}, quick question.",
    "Hi [FIRST_NAME], quick question.",
    "Hi [[first name]], quick question.",
])
def test_placeholders_in_any_common_template_syntax_fail_hard(text: str) -> None:
    outcome = run("placeholders", email(body=f"{text}\n\n{BODY}"))
    assert not outcome.passed
    assert "placeholder" in outcome.message.lower()


def test_a_placeholder_in_the_subject_or_the_html_body_is_found_too() -> None:
    assert not run("placeholders", email(subject="Idea for {{company}}")).passed
    outcome = run("placeholders", email(body_html="<p>Hi <b>[First Name]</b>,</p><p>Contoso news</p>"))
    assert not outcome.passed and "HTML body" in outcome.message


@pytest.mark.parametrize("text", [
    "[Webinar recording] attached for Contoso.",
    "We cut 50% of manual work, and 20% of errors.",
    "<b>Contoso</b> is growing fast.",
    "Use {} braces in code, not in emails",
])
def test_prose_in_brackets_percentages_and_markup_are_not_placeholders(text: str) -> None:
    assert run("placeholders", email(body=f"{BODY}\n{text}")).passed


def test_first_line_after_a_bare_greeting_is_the_one_measured() -> None:
    long_line = "I was reading about how Contoso opened a Berlin office and it made me think of " + "x" * 60
    assert len(long_line) > 120
    assert first_line(f"Hi Ada,\n\n{long_line}\n\nSam") == long_line
    assert first_line("Hi Ada, short and sweet.\n\nMore.") == "Hi Ada, short and sweet."
    outcome = run("length", email(body=f"Hello Ada,\n\n{long_line}\n\nSam"))
    assert not outcome.passed
    assert f"First line is {len(long_line)} characters, over the limit of 120" in outcome.message
    assert outcome.details["measured"]["first_line"] == len(long_line)


def test_length_limits_come_from_settings_and_the_policy_overrides_them() -> None:
    assert run("length", email()).passed
    strict = Policy(task_type="cold_email", length_limits={"subject": 10})
    outcome = run("length", email(), context(strict))
    assert not outcome.passed and "Subject is 16 characters, over the limit of 10" in outcome.message
    with override_settings(HITLCRM_LENGTH_LIMITS={"first_line": 20, "subject": 100, "body": 3000}):
        assert "First line" in run("length", email()).message


@pytest.mark.parametrize("company,text,named", [
    ("Contoso", "How does Contoso handle renewals?", True),
    ("Contoso Ltd.", "How does Contoso handle renewals?", True),
    ("Coho Vineyard", "Congrats on COHO VINEYARD's growth", True),
    ("Margie's Travel", "Saw Margie’s Travel is expanding", True),
    ("Johnson & Johnson", "Johnson and Johnson's new plant", True),
    ("Fourth Coffee", "In the fourth quarter your team grew", False),
    ("Adatum Insurance", "Saw your team raised a Series B", False),
    ("Contoso", "Contosoft is not Contoso's name", True),
    ("Contoso", "Contosoft looks like a peer", False),
])
def test_company_name_is_found_as_written_by_people(company: str, text: str, named: bool) -> None:
    proposal = email(company_name=company, subject="Quick idea", body=f"Hi Ada,\n\n{text}.\n\nSam")
    assert run("company_name", proposal).passed is named


def test_company_name_falls_back_to_the_crm_record_and_says_so_when_unknown() -> None:
    proposal = email(company_name="", body="Hi, Fabrikam is growing.")
    assert run("company_name", proposal, context(crm_record={"Company": "Fabrikam"})).passed
    outcome = run("company_name", proposal, context(crm_record={}))
    assert not outcome.passed and "No company name was given" in outcome.message


@pytest.mark.parametrize("sentence,category", [
    ("Act now: this offer expires tonight.", "Pushy"),
    ("Only 3 seats left, so reply today.", "Pushy"),
    ("Hurry, don't miss out!", "Pushy"),
    ("It's a limited-time deal.", "Pushy"),
    ("Our platform is truly Game-Changing.", "Hype"),
    ("A revolutionary, best-in-class tool.", "Hype"),
    ("We will 10x your pipeline.", "Hype"),
    ("Risk free and GUARANTEED results", "Hype"),
    ("This is huge!!", "Hype"),
    ("Sorry for bothering you again.", "Apologetic"),
    ("I know you’re really busy, but", "Apologetic"),
    ("Apologies for reaching out out of the blue.", "Apologetic"),
    ("I hope I'm not bothering you.", "Apologetic"),
    ("To whom it may concern,", "Off-brand"),
    ("It's a total no-brainer, dude.", "Off-brand"),
])
def test_tone_catches_pushy_hype_apologetic_and_off_brand_phrasing(sentence: str, category: str) -> None:
    outcome = run("tone", email(body=f"Hi Ada,\n\nContoso grew fast. {sentence}\n\nSam"))
    assert not outcome.passed
    assert category.lower() in outcome.message.lower()


@pytest.mark.parametrize("sentence", [
    "No hurry at all; whenever suits you.",
    "This is not urgent.",
    "We guarantee nothing we cannot measure",  # 'we guarantee' is hype: excluded below by policy
    "I was sorry to hear about the office move.",
    "Your team is busy with the Berlin launch.",
    "Is this on your radar for Q1?",
])
def test_tone_leaves_ordinary_phrasing_alone(sentence: str) -> None:
    policy = Policy(task_type="cold_email", tone_allowed=["we guarantee"])
    assert run("tone", email(body=f"Hi Ada,\n\nContoso grew fast. {sentence}\n\nSam"), context(policy)).passed


def test_the_lexicon_is_extended_by_settings_and_per_policy() -> None:
    proposal = email(body="Hi Ada,\n\nContoso is crushing it; let's circle back and synergize.\n\nSam")
    assert run("tone", proposal).passed
    with override_settings(HITLCRM_TONE_LEXICON={"off_brand": ["circle back"]}):
        outcome = run("tone", proposal)
        assert not outcome.passed and "“circle back”" in outcome.message
    policy = Policy(task_type="cold_email", tone_lexicon={"jargon": ["synergi*"]})
    outcome = run("tone", proposal, context(policy))
    assert not outcome.passed and "Jargon phrasing: “synergize”" in outcome.message


def test_settings_can_replace_the_built_in_lexicon() -> None:
    proposal = email(body="Hi Ada,\n\nAct now, Contoso!\n\nSam")
    assert not run("tone", proposal).passed
    with override_settings(HITLCRM_TONE_LEXICON={"hype": ["amazing"]}, HITLCRM_TONE_LEXICON_DEFAULTS=False):
        assert run("tone", proposal).passed


@pytest.mark.parametrize("line,loud", [
    ("WE HELP REVOPS TEAMS CUT MANUAL CRM UPDATES", True),
    ("This is THE BEST CHOICE FOR YOUR TEAM right now", True),
    ("Contoso's TEAM SHOULD LOOK AT THIS", True),
    ("We work with NASA, IBM and the CRM teams at AT&T", False),
    ("ACT NOW before this offer disappears!", False),
    ("Sam Rivera, VP at ACME", False),
    ("Q1 ROI for SDR teams", False),
])
def test_shouting_is_a_line_mostly_in_capitals_not_a_few_acronyms(line: str, loud: bool) -> None:
    assert shouted(line) is loud
    assert run("shouting", email(body=f"Hi Ada,\n\nContoso grew.\n{line}\n\nSam")).passed is not loud


def test_a_shouted_subject_fails() -> None:
    outcome = run("shouting", email(subject="CONTOSO NEEDS THIS TODAY"))
    assert not outcome.passed and "subject" in outcome.message


def test_repetition_finds_runaway_generation_in_emails_and_crm_values() -> None:
    assert repeated_run("CTO and CTO and CTO and ") == ("cto and", 3)
    assert repeated_run("very very very good") == ("very", 3)
    assert repeated_run("4111 1111 1111 1111") is None
    assert repeated_run("Teams like yours use us, and teams like ours too.") is None
    outcome = run("repetition", crm_change(), context(field_changes=fields(Title="VP Sales and " * 5)))
    assert not outcome.passed and "Title" in outcome.message and "5 times" in outcome.message
    assert run("repetition", email()).passed
