"""Kinds of phrasing and template slots recognised since sets J and K: buyers who cannot resist, offers
pouring in, markets dominated, nothing comparable; attempts counted, still no answer, weeks since the
first note, the sender's effort spent, "surely they're worth fifteen minutes", the solution gone
unread; a visit pencilled in with equipment brought along. Slots: a template company with any legal
suffix, notes between markers, a slot asked as a question, a form's "delete as appropriate", a
question for a colleague, an editor's initials, dotted date formats, "check before sending:". And the
principles behind their false alarms: sympathy about what happened where the two met ("sorry again
about the rain"), a compliment on what the prospect has ("would look incredible on video"). The
sentences are the project's own, not the sets' drafts."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in, unquoted

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes


@pytest.mark.parametrize("sentence,family", [
    ("Shoppers simply can't resist the new layout.", "hype"),
    ("Clinics using it watch bookings pour in.", "hype"),
    ("It's the biggest breakthrough in logistics since the pallet.", "hype"),
    ("Early adopters are set to dominate the region.", "hype"),
    ("No other tool on the market comes close.", "hype"),
    ("It is now my fifth email to your office.", "guilt_tripping"),
    ("I've raised this in four separate emails.", "guilt_tripping"),
    ("Nine messages so far, and nothing.", "guilt_tripping"),
    ("I still haven't received any answer from your team.", "guilt_tripping"),
    ("Your drivers wait because nobody reads my proposals.", "guilt_tripping"),
    ("It has been a month since my first email.", "guilt_tripping"),
    ("Each week without a decision costs your growers money.", "guilt_tripping"),
    ("I took time out of my weekend to prepare this.", "guilt_tripping"),
    ("It's painful to watch your staff struggle.", "guilt_tripping"),
    ("I can't seem to get even a one-line reply.", "guilt_tripping"),
    ("Surely your nurses are worth a ten-minute call?", "guilt_tripping"),
    ("The quote has been sitting unread in your inbox for weeks.", "guilt_tripping"),
    ("I wonder how your teachers would feel if they knew.", "guilt_tripping"),
    ("I've done everything I can, so now it's up to you.", "guilt_tripping"),
    ("It would be a shame if the offer went unread again.", "guilt_tripping"),
    ("I'd hate for your team to keep losing weekends to this.", "guilt_tripping"),
    ("I've pencilled in a visit to your depot for Monday.", "presumptuous"),
    ("I'll bring sensors for your whole fleet so we can fit them that morning.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    "Great to meet you at the expo, and sorry again about the queue at our stand!",
    "Your cabins would look incredible on video.",
    "The renovated lobby looks amazing in your new photos.",
    "This is my first email to your team, so a quick introduction.",
    "Happy to bring a demo unit if you'd like to see one.",
    "We've helped in three separate markets: Spain, Portugal and Morocco.",
    "Results vary every time the weather changes, so we report weekly.",
])
def test_near_misses_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_an_apology_for_the_email_itself_still_counts_after_again() -> None:
    assert_tone_family_found("Sorry again for the long email.", "apologetic")


@pytest.mark.parametrize("text,slot", [
    ("Our client Acme GmbH cut returns by a third.", "Acme GmbH"),
    ("Hi Ana,\n\n>>> open with their award <<<\n\nWe help", ">>> open with their award <<<"),
    ("The fee would be (exact figure?) a month.", "(exact figure?)"),
    ("Dear Mr/Mrs (delete as applicable) Novak,", "delete as applicable"),
    ("Clinics save (check with finance re the figure) a year.", "(check with finance re the figure)"),
    ("Our app is faster. (TM: shorten this?)", "(TM: shorten this?)"),
    ("We meet on DD.MM.YYYY in Graz.", "DD.MM.YYYY"),
    ("Thanks!\n\nReminder, check before sending: the pricing line.", "before sending"),
])
def test_further_slot_forms_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Acme Brick has supplied Texas builders since 1891.",
    "(PS: we also ship to Iceland.)",
    "(EU: 20 sites, UK: 4 sites)",
    "Shares trade in Toronto (TSX: GPT.UN).",
    "The seminar is on 12.05. at 10:00 in Graz.",
    "Is the price per seat? It is, with no setup fee.",
    "Please tick the box that applies on the enclosed form.",
])
def test_prose_near_the_further_slot_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text


def test_a_quoted_line_stays_the_prospects_but_a_fenced_note_does_not() -> None:
    quoted = "> We need the figures by Friday\nThanks"
    assert unquoted(quoted).startswith(" " * len("> We need"))
    note = ">> insert their logo here <<\nThanks"
    assert unquoted(note).startswith(">> insert")
