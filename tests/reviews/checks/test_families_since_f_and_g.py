"""Kinds of phrasing and template slots recognised since sets F and G: a yes demanded, the reader told to
stop delaying, every day of waiting counted, writing until they give in; absolutes of performance (every
single one caught, eliminated completely, almost instantly, the most advanced in the industry); the
reader as the one letting their people down; the prospect's people looped in and their data worked on
before they agreed. Slots in printf and doubled-mark syntaxes, instructions in angle brackets, "TBD",
research questions about the recipient in parentheses. And the principles behind their false alarms:
inline code or quotes are a phrase of their sentence, not an emptied fill; a superlative naming a
problem; a command word used as a noun; a condition the prospect meets. The sentences are the
project's own, not the sets' drafts."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import INLINE_MASK, placeholders_in, unquoted
from reviews.checks.tone import as_a_noun, describes_a_problem

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes, email, run


@pytest.mark.parametrize("sentence,family", [
    # A yes demanded, delay forbidden, waiting counted, persistence threatened.
    ("What I'm after from you is simple: I need a yes.", "pushy"),
    ("We expect your decision by Thursday at the latest.", "pushy"),
    ("Please stop putting it off and pick a slot.", "pushy"),
    ("It's time to stop dithering about the fleet upgrade.", "pushy"),
    ("Each week you wait is another week of overtime for your drivers.", "pushy"),
    ("I'll keep ringing your office until we get a date in the diary.", "pushy"),
    ("I'll follow up on Monday, and the day after that.", "pushy"),
    # Absolutes of performance nobody can check.
    ("Our scanner spots every single counterfeit note.", "hype"),
    ("It wipes out billing errors once and for all.", "hype"),
    ("Teams cut their close time by 70% practically overnight.", "hype"),
    ("Our model completely eliminates false positives.", "hype"),
    ("Ours is the most accurate forecasting engine in the sector, without exception.", "hype"),
    ("You won't believe how you managed before.", "hype"),
    # The reader as the one failing their people.
    ("Don't let your nurses down again this winter.", "guilt_tripping"),
    ("You're the last obstacle standing between your team and a saner rota.", "guilt_tripping"),
    ("Honestly, I would feel terrible in your shoes.", "guilt_tripping"),
    # People brought in, data worked on, wishes known, before any agreement.
    ("I've copied in your finance director so she can see the figures.", "presumptuous"),
    ("She'll definitely want the reporting add-on.", "presumptuous"),
    ("Our engineers have already begun auditing your network logs.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    # A superlative that names the prospect's problem describes it.
    "Downtime is often the single biggest cost in a bottling plant.",
    "Late invoices become the largest drain on a contractor's cash.",
    "Returns are the most common complaint we hear from furniture retailers.",
    # A command word used as a noun.
    "The insurer settles about a third of its claims today without a visit.",
    "We processed 1,200 orders today for one bakery chain.",
    "Most of your bookings now come from mobile.",
    # A condition the prospect meets, not a demand.
    "Cash is tight when you need to buy stock for the season.",
    "If your team has to replace the scanners, the old ones trade in.",
    # Plain offers and requests near the new families.
    "Happy to loop in your finance lead if that helps.",
    "Should I copy your operations manager on the next email?",
    "We'd need your decision only once you've seen the pilot results.",
    "Our engineers can start on your logs once you've shared read access.",
    "We can't promise to catch every defect, but we catch most of them early.",
])
def test_near_misses_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_the_new_exceptions_are_what_they_say() -> None:
    text = "Format changes become the biggest loss of capacity."
    end = text.index("loss") - 1
    assert describes_a_problem(text, "become the biggest", end)
    assert not describes_a_problem("It will become the biggest name in retail.", "become the biggest",
                                   len("It will become the biggest"))
    assert as_a_noun("40% of claims today", len("40% of ")) and not as_a_noun("Claim yours today", 0)
    # Only the word before decides: "claim" opening a sentence after another is still a command.
    assert not run("tone", email(body="Hi Ada,\n\nWe open at nine. Claim yours today.\n\nSam")).passed


@pytest.mark.parametrize("text,slot", [
    ("Hi %s, quick question about your fleet.", "%s"),
    ("Dear %1$s,", "%1$s"),
    ("Most visitors to ##region## book a day ahead.", "##region##"),
    ("Our partners in $$city$$ already use it.", "$$city$$"),
    ("Your team at @company@ will get the report.", "@company@"),
    ("<insert line about their new plant> We help plants like yours.", "<insert line about their new plant>"),
    ("Congrats on the <recent award they won>!", "<recent award they won>"),
    ("The webinar runs on TBD at 3 pm.", "TBD"),
    ("We'll meet at TBC, near your office.", "TBC"),
    ("It syncs with (which ERP do they run?) every night.", "(which ERP do they run?)"),
    ("(what's her title now?) Hi Maya,", "(what's her title now?)"),
])
def test_further_slot_syntaxes_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Set `retention_days = 30` in the config.",
    "It goes in the `<head>` of each page.",
    'She wrote "we need a better tool" on the forum.',
    "Email me at sam@example.com, or see @contoso on LinkedIn.",
    "Prices are 20% lower, and 50% of teams start with one site.",
    "Our office (the one near your depot) opens at eight.",
    "I met Omar at the fair (is he still with you?).",
    "Venue TBD, most likely Leeds; the date is fixed for the 12th.",
    "Is <b>bold</b> still allowed in your templates?",
])
def test_prose_near_the_further_slot_syntaxes_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text


def test_inline_code_and_quotes_are_masked_not_blanked() -> None:
    """A run of spaces where a phrase was reads like a fill that vanished ("with ."): the mask keeps it a phrase."""
    text = "You mentioned most warehouses run with `AUTO_SUSPEND = 600`.\nIt fits in the `<head>`."
    masked = unquoted(text)
    assert len(masked) == len(text) and INLINE_MASK * len("`<head>`") in masked and "`" not in masked
    assert run("placeholders", email(body=f"Hi Chris,\n\n{text}\n\nSam")).passed
    # The sender's own emptied fill next to it is still found.
    assert not run("placeholders", email(body="Hi Chris,\n\nI read your post about .\n\nSam")).passed
