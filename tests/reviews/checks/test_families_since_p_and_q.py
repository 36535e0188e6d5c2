"""Kinds of phrasing and template slots recognised since sets P and Q: "don't overthink this", "I need you
to ...", going over the reader's head; the most significant advance in a century; each week that
passes without a decision, "not so much as a no thanks", it stings that nobody opened it; the last
person they want to hear from, feeling like a nuisance; their people's dislikes known, their data
already mapped. Slots: field names that ask for their value, media to put in, a name field after the
greeting, "NAME OF CLIENT", "personalise this". And the principles behind their false alarms: a
courtesy after a condition ("If the timing isn't right, feel free to ignore this"), a guaranteed
tolerance is a term, one capitalised word inside a sentence is a name ("Unreal teams"), a second
touch is no signal, a template line shown after "is one line:" or "e.g." and a dotted attribute of the
prospect's own system are the prospect's syntax. The sentences are the project's own, not the sets'
drafts."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in
from reviews.checks.tone import is_a_name

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes


@pytest.mark.parametrize("sentence,family", [
    ("Don't overthink it, just sign.", "pushy"),
    ("I need you to forward this to your CFO today.", "pushy"),
    ("Reply by Friday or I'll go straight to your CEO.", "pushy"),
    ("It is the most important advance in logistics in a century.", "hype"),
    ("Each month that passes without a decision costs your nurses sleep.", "guilt_tripping"),
    ("I haven't had so much as an acknowledgement.", "guilt_tripping"),
    ("A reply is the least anyone could manage.", "guilt_tripping"),
    ("It stings a little that nobody has even opened the report.", "guilt_tripping"),
    ("I'm probably the last person you want to hear from today.", "apologetic"),
    ("I feel like such a nuisance writing again.", "apologetic"),
    ("I know your planners hate the current system.", "presumptuous"),
    ("I've already mapped your pipeline stages into our tool.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    "If the timing isn't right, feel free to ignore this.",
    "If it's already sold, congratulations, and sorry for the bother.",
    "Our corks carry a guaranteed TCA level below 0.5 ng/L.",
    "We build caching for Unreal teams.",
    "I've written twice, so this will be my last note.",
    "If you're onboarding new analysts in Q1, we run private cohorts.",
])
def test_near_misses_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_a_capitalised_word_inside_a_sentence_is_a_name() -> None:
    text = "Caching for Unreal teams. Unreal results!"
    assert is_a_name(text, text.index("Unreal"), text.index("Unreal") + 6)
    second = text.index("Unreal results")
    assert not is_a_name(text, second, second + 6)


@pytest.mark.parametrize("text,slot", [
    ("Grab a time: INSERT_BOOKING_URL", "INSERT_BOOKING_URL"),
    ("Crews love it. (photo of the Leeds install here)", "(photo of the Leeds install here)"),
    ("Hi first name,", "Hi first name,"),
    ("Our work for NAME OF CLIENT cut waste by half.", "NAME OF CLIENT"),
    ("PS - personalise this with their award?", "personalise this"),
])
def test_further_slot_forms_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Setup is one line:\n\n{% render 'badge', id: product.id %}\n\nThat's it.",
    "Models reference staging directly, e.g. {{ ref('stg_orders') }}, with no checks.",
    "Attributes like {service.name} carry over as they are.",
    "We can tailor it to your team, or personalise it for each store.",
])
def test_prose_near_the_further_slot_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text
