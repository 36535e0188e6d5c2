"""Tone families: pushy, hype, guilt-tripping, apologetic and presumptuous phrasing matched on
normalised word forms (contractions, apostrophes, word endings), scored, with the span reported."""

from __future__ import annotations

import pytest

from reviews.checks.tone import family_hits, stem, words
from reviews.models import Policy

from .support import assert_tone_family_found, assert_tone_passes, context, draft, email, run


@pytest.mark.parametrize("sentence,family", [
    ("Apologies for the intrusion, I'll be brief.", "apologetic"),
    ("Forgive me for emailing you out of nowhere.", "apologetic"),
    ("I’d hate to be a pest, but here goes.", "apologetic"),
    ("I imagine your inbox is swamped this week.", "apologetic"),
    ("Totally fine to delete this if it's not relevant.", "apologetic"),
    ("You'd be crazy not to take a look.", "pushy"),
    ("Our launch pricing disappears on Friday.", "pushy"),
    ("Just two onboarding slots remain this quarter.", "pushy"),
    ("You can't afford to wait on this one.", "pushy"),
    ("It will double your pipeline in a month.", "hype"),
    ("Results so good they're almost too good to be true.", "hype"),
    ("Honestly, nothing else comes close.", "hype"),
    ("I've reached out four times already.", "guilt_tripping"),
    ("Since I haven't heard back, I'm starting to worry.", "guilt_tripping"),
    ("I'll take it you don't care about data quality.", "guilt_tripping"),
    ("It only takes a second to reply.", "guilt_tripping"),
    ("I've pencilled in Tuesday at 10 for our call.", "presumptuous"),
    ("I'll ring you tomorrow morning.", "presumptuous"),
    ("I'm sure your team is losing hours to manual updates.", "presumptuous"),
    ("I'll book it in unless I hear otherwise.", "presumptuous"),
])
def test_each_family_is_found_in_phrasings_the_lexicon_does_not_list(sentence: str, family: str) -> None:
    outcome, hit, _ = assert_tone_family_found(sentence, family)
    assert family.replace("_", "-") in outcome.message.lower()
    assert hit["span"]["field"] == "body" and hit["span"]["text"] == hit["phrase"]


@pytest.mark.parametrize("sentence", [
    "Sorry I missed your call on Monday.",
    "I was sorry to hear the Berlin launch slipped.",
    "Apologies if I have the wrong person; happy to be pointed elsewhere.",
    "No pressure at all, and no rush either.",
    "This is not urgent; there is no guarantee it fits.",
    "What time works for you next week?",
    "Congrats on the exciting news.",
    "We signed Fabrikam today and thought of you.",
    "I know your team cares about clean data.",
    "Have you ever looked at how long reviews take?",
    "When we spoke at the summit you mentioned renewals.",
])
def test_ordinary_polite_sentences_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_one_weak_signal_is_allowed_two_are_not() -> None:
    one = run("tone", email(body=draft("The Berlin numbers look fantastic.")))
    assert one.passed and one.details["score"] == 0.5
    two = run("tone", email(body=draft("The Berlin numbers look fantastic and the launch was spectacular.")))
    assert not two.passed and two.details["score"] == 1.0 and "Hype" in two.message


def test_the_prospects_quoted_words_are_not_read() -> None:
    body = "Hi Ada,\n\n> Sorry to bother you, we need an answer ASAP.\n\nThanks, Contoso's question is a fair one.\n\nSam"
    assert run("tone", email(body=body)).passed


def test_a_policy_may_allow_a_phrase_a_family_would_flag() -> None:
    proposal = email(body=draft("Our uptime guarantee beats anyone's."))
    assert not run("tone", proposal).passed
    assert run("tone", proposal, context(Policy(task_type="cold_email", tone_allowed=["uptime guarantee"]))).passed


def test_normalisation_folds_contractions_apostrophes_and_word_forms() -> None:
    assert [w for w, _s, _e in words("You’d")] == ["you", "would"]
    assert [w for w, _s, _e in words("don't")] == ["do", "not"]
    assert stem("bothering") == stem("bothered") == stem("bother")
    assert stem("apologies") == stem("apology")
    assert [hit.family for hit in family_hits("APOLOGIES FOR INTRUDING")] == ["apologetic"]
