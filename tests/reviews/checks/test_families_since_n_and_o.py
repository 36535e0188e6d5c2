"""Kinds of phrasing and template slots recognised since sets N and O: an offer vanishing at 5pm today,
booking within hours, no exceptions, the back of the queue; the ultimate, 100%-proof, everything else
obsolete, famous overnight, the breakthrough the industry waited for; a shame for their families, the
ones paying, every opportunity given; sorry for taking a minute, nowhere near good enough; what keeps
them up at night, loggers reserved in their name, profiles already live, logins for their staff,
someone arriving on campus. Slots: comment markers mid-line, questions for a colleague, a tool's
snippet reference, spreadsheet errors, a signature's field names, stand-in figures. And the principles
behind their false alarms: "on our last call" is a call the two had, "the cheapest option" a tool
finds, column names are data rather than shouting. The sentences are the project's own, not the sets'
drafts."""

from __future__ import annotations

import pytest

from reviews.checks.content import shouted
from reviews.checks.placeholders import placeholders_in

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes


@pytest.mark.parametrize("sentence,family", [
    ("The launch rate disappears at 6pm today.", "pushy"),
    ("Registration closes tonight.", "pushy"),
    ("Book in the next few hours or wait until next spring.", "pushy"),
    ("I can't make any exceptions on this one.", "pushy"),
    ("I'm not holding this slot for anyone past Friday.", "pushy"),
    ("After that you go to the back of the queue.", "pushy"),
    ("This is the last call for the founding rate.", "pushy"),
    ("It is simply the ultimate scheduling tool.", "hype"),
    ("The seal is 100% leak-proof for life.", "hype"),
    ("It makes every other scanner on the market obsolete.", "hype"),
    ("We make small brands famous overnight.", "hype"),
    ("This is the solution the whole trade has been waiting for.", "hype"),
    ("It would be a shame for your growers to miss out again.", "guilt_tripping"),
    ("It's a pity you can't spare ten minutes for your own team.", "guilt_tripping"),
    ("Your crews are the ones paying for the delay.", "guilt_tripping"),
    ("I've given you every chance to reply.", "guilt_tripping"),
    ("They've been let down while my emails have gone unanswered.", "guilt_tripping"),
    ("I'm so sorry for taking up a minute of your morning.", "apologetic"),
    ("I'm sure it's nowhere near good enough for a practice like yours.", "apologetic"),
    ("I know exactly what keeps you up at night.", "presumptuous"),
    ("I've reserved 200 tags in your name.", "presumptuous"),
    ("Your trade account is now live.", "presumptuous"),
    ("The membership invoice will follow on Friday.", "presumptuous"),
    ("Once we get you live, I'll send someone to help.", "presumptuous"),
    ("Our trainer will arrive at your office at nine.", "presumptuous"),
    ("Please let your receptionist know to expect him.", "presumptuous"),
    ("When we start with your branches, training comes first.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    "You mentioned on our last call that audits were coming up.",
    "The tool shows the cheapest carrier for each order.",
    "The new pricing page is live on our site.",
    "The early-bird rate ends on 30 June, as on the event page.",
    "We'd be grateful for any feedback on the pilot.",
    "If the 3pm slot doesn't suit, any other day works.",
])
def test_near_misses_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_column_names_are_data_not_shouting() -> None:
    assert not shouted("JOB_NO, PART_NO, QTY, DUE_DATE, WORK_CENTRE")
    assert shouted("OUR CUSTOMERS ROUTE EVERY DRAFT THROUGH REVIEW")


@pytest.mark.parametrize("text,slot", [
    ("Coverage is tested first. // adjust this for schools", "// adjust this for schools"),
    ("We offer 10% (maybe 12%? confirm with Ola) off.", "(maybe 12%? confirm with Ola)"),
    ("It links to your books. Q for Dev: Xero or Sage?", "Q for Dev:"),
    ("Hi Ana,\n\n{snippet:proof_point_retail}\n\nBest", "{snippet:proof_point_retail}"),
    ("Dear #REF!,", "#REF!"),
    ("Kind regards,\nName Surname", "Name Surname"),
    ("Teams save NN hours a week.", "NN hours"),
    ("ABC Hospital cut waiting times by a third.", "ABC Hospital"),
    ("At Acme Grand Hotel, reviews doubled.", "Acme Grand Hotel"),
])
def test_further_slot_forms_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "See https://example.com/docs for the API.",
    "Our job title field is free text.",
    "Acme Brick has supplied builders since 1891.",
    "The hashtag #NAfest trended in Lagos.",
])
def test_prose_near_the_further_slot_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text
