"""Kinds of phrasing and template slots recognised since sets L and M, whose flaws were written to be
subtle: "don't expect us to squeeze you in", "you must place the order this week"; every single client,
tenfold overnight, viral within days; trials held open while others waited, "the courteous thing to
do", heard nothing since, "worth my time"; the imposition apologised for; a rollout to their people,
onboarding questionnaires and deposit invoices, contracts filled in, visits on site, their trouble
known. Slots: links still to be made, both openings left in, a sequence's step label, an emptied name
after a title, a colleague asked inside the draft, capitals instructions, name fields alone. And the
principles behind their false alarms: a courteous second or third touch or last note, a way out after
a condition ("in which case, please ignore this"), "can't" is no offer, a phrase does not run into the
next paragraph, a guaranteed figure with penalties is a term, tags for what comes with the email. The
sentences are the project's own, not the sets' drafts."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in
from reviews.checks.tone import family_hits, offered

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes, email, run


@pytest.mark.parametrize("sentence,family", [
    ("Leave it past March and don't expect us to fit you in.", "pushy"),
    ("You must confirm the booking today to keep the rate.", "pushy"),
    ("If the truck leaves without it, there's nothing we can do for you.", "pushy"),
    ("I will need your answer by Friday.", "pushy"),
    ("This is my fourth message about the renewal.", "pushy"),
    ("Our clients see results with every single campaign.", "hype"),
    ("Conversion improves tenfold overnight.", "hype"),
    ("Stores on our app go viral within days.", "hype"),
    ("We promise orders will jump by at least 300%.", "hype"),
    ("There's nothing better for field teams anywhere.", "hype"),
    ("I kept your seats reserved while other firms waited.", "guilt_tripping"),
    ("A short reply would have been the polite thing.", "guilt_tripping"),
    ("It's the third email I've sent you about this.", "guilt_tripping"),
    ("Each time I put hours of work into tailoring it.", "guilt_tripping"),
    ("Since then I've heard nothing.", "guilt_tripping"),
    ("Your volunteers are the ones who pay for the delay.", "guilt_tripping"),
    ("Let me know if this is still worth my time.", "guilt_tripping"),
    ("Every week this sits unread, your drivers lose another evening.", "guilt_tripping"),
    ("I don't think your board would be happy to learn of it.", "guilt_tripping"),
    ("This is my final attempt to reach you.", "guilt_tripping"),
    ("Forgive the imposition of writing out of the blue.", "apologetic"),
    ("I fear this note will seem an impertinence.", "apologetic"),
    ("When we roll the app out to your drivers, start with the night shift.", "presumptuous"),
    ("Attached is the onboarding questionnaire for your team.", "presumptuous"),
    ("I'll send the deposit invoice on Monday.", "presumptuous"),
    ("Since you'll obviously want the premium tier, I've priced it in.", "presumptuous"),
    ("I've attached the agreement with your details already filled in.", "presumptuous"),
    ("All that's left is your signature.", "presumptuous"),
    ("We'll go through it when we come on site.", "presumptuous"),
    ("Our onboarding team will be on site next Tuesday.", "presumptuous"),
    ("I know the Leeds depot is behind schedule this quarter.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    "This is my third message, so I'll keep it short.",
    "This is my last note on this; good luck with the audit.",
    "It may already be fixed, in which case please ignore this.",
    "If you've already booked with someone else, no problem.",
    "If you're happy with what you have, ignore this.",
    "Guaranteed fill rate is 95% within 24 hours, with penalty credits if we miss it.",
    "The trial period is 30 days.",
    "We can't promise miracles, but we can cut the paperwork.",
])
def test_near_misses_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_a_negated_modal_is_no_offer() -> None:
    assert offered("Can I send it? I'll send", len("Can I send it? I'll send") - 4) is False
    assert offered("Should I copy your manager", len("Should I copy")) and not offered(
        "Your rooms can't cope, which is why our engineers", len("Your rooms can't cope, which is why "))


def test_a_phrase_does_not_run_into_the_next_paragraph() -> None:
    body = "Hi Ada,\n\nI will not write again unless you ask.\n\nIn my last note I shared the report.\n\nSam"
    assert family_hits(body) == []
    assert run("tone", email(body=body)).passed


@pytest.mark.parametrize("text,slot", [
    ("Book a slot: calendly.com/your-link", "your-link"),
    ("Grab time here: https://cal.com/MY-CALENDAR", "MY-CALENDAR"),
    ("Option A: Good to meet you in Leeds. / Option B: Following up.", "Option A: Good to meet you in Leeds. / Option B:"),
    ("Hi,\n\n=== Email 3 (send a week after email 2) ===\n\nA last idea", "=== Email 3 (send a week after email 2) ==="),
    ("That saves time (send only if they opened the first one) for crews.", "(send only if they opened the first one)"),
    ("Dear Ms. ,", "Dear Ms. ,"),
    ("The fee is low. @Ana could you check the VAT line?", "@Ana"),
    ("We estimate ENTER SAVINGS FIGURE a year.", "ENTER SAVINGS FIGURE"),
    ("Dear Prof. Surname,", "Surname"),
    ("Full brochure: URL", "URL"),
    ("We typeset TK brochures a month.", "TK"),
    ("At Acme Logistics we cut dwell time by a third.", "Acme Logistics"),
    ("Teams save 30% (embed chart).", "(embed chart)"),
])
def test_further_slot_forms_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Results from the count [map attached]",
    "Your recording [48 minutes; the Q&A starts at 31:10]",
    "Follow @Contoso for updates; @Contoso can help too.",
    "Email ana@example.com with questions.",
    "Option A is monthly; option B is yearly.",
    "Dear Ms. Novak,",
    "TK Maxx stores restock on Tuesdays.",
])
def test_prose_near_the_further_slot_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text
