"""Kinds of phrasing and template slots recognised since sets D and E: the sender's hurt at the silence,
a yes demanded by a date, a visit announced, certainty about what the prospect will want, orders
placed and items added for them, the sender's people sent round; field names in capitals, percent
tags in any case, slots in parentheses, research notes. And the principles behind their false alarms:
an apology or sympathy about what happened, "urgent" describing the work, a promise not to write
again, a negator in the sentence before, advice on what the prospect will want to do, syntax an
email shows as an example. The sentences are the project's own, not the sets' drafts."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in, unquoted
from reviews.checks.tone import about_a_mishap, negated

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes, draft, email, run


@pytest.mark.parametrize("sentence,family", [
    # A yes demanded by a date, a visit announced, "answer this time".
    ("The install slot is yours, but only if you confirm by Wednesday.", "pushy"),
    ("You can have the launch pricing only if you sign before the 15th.", "pushy"),
    ("Please pick up the phone this time.", "pushy"),
    ("I'm stopping by your office on Monday at 9.", "pushy"),
    ("We're dropping in at the clinic tomorrow to go through it.", "pushy"),
    ("Make sure you've got half an hour free on Thursday.", "pushy"),
    # The sender's hurt at the silence, work left unacknowledged, what a reply would mean to them.
    ("Honestly, the silence has left me feeling a little foolish.", "guilt_tripping"),
    ("I feel a bit brushed off, to be honest.", "guilt_tripping"),
    ("I'm beginning to feel invisible here.", "guilt_tripping"),
    ("Your silence has made me feel pretty small.", "guilt_tripping"),
    ("Being left on read has made me feel a bit stupid.", "guilt_tripping"),
    ("Hearing from you would mean a lot to me.", "guilt_tripping"),
    ("All that prep work went unanswered.", "guilt_tripping"),
    ("Stop avoiding my calls.", "guilt_tripping"),
    ("I've written to you more times than I can count.", "guilt_tripping"),
    ("I poured my heart into a plan made just for your stores.", "guilt_tripping"),
    # Certainty about what they will want; orders, items and choices made for them; people sent round.
    ("You'll obviously want the premium support plan as well.", "presumptuous"),
    ("Obviously you'll prefer the annual plan.", "presumptuous"),
    ("You'll certainly love the premium tier.", "presumptuous"),
    ("You'll surely want the extended warranty too.", "presumptuous"),
    ("I've put through an order for your first 200 units.", "presumptuous"),
    ("I've already submitted the purchase order on your behalf.", "presumptuous"),
    ("Your new scanners are already on their way.", "presumptuous"),
    ("The replacement units will be fitted at your depot next Thursday.", "presumptuous"),
    ("I went ahead and selected the 24-month term for you.", "presumptuous"),
    ("I've taken the liberty of choosing the gold package for you.", "presumptuous"),
    ("Our area manager will stop by your site on Friday.", "presumptuous"),
    ("Our technician will call your office manager to arrange a visit.", "presumptuous"),
    ("I've asked our trainer to book the first week of May for your team.", "presumptuous"),
    ("Please have your finance lead on the call.", "presumptuous"),
    ("I'll swing by on Monday to go over the paperwork.", "presumptuous"),
    ("I'll send the supply agreement across tomorrow.", "presumptuous"),
    ("Once the agreement is signed, you're all set.", "presumptuous"),
    ("Your trade account for Contoso is now active on our portal.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    # Apologies and sympathy about what happened, however warmly put.
    "I'm so sorry to hear about the fire at your Leeds site.",
    "Sorry again for the confusion over the invoice.",
    "I'm really sorry I couldn't make the meeting on Tuesday.",
    "I'm very sorry for the broken link in yesterday's email.",
    # "urgent" describing the work, not pressing the reader.
    "We offer urgent same-day courier runs across the city.",
    "Our couriers specialise in the urgent delivery of machine parts.",
    "We handle urgent orders and urgent repairs for Riverside Urgent Care.",
    # Not writing again, left to the prospect.
    "I won't email again unless you ask me to.",
    "I won't be in touch again, so feel free to reach out if things change.",
    # Advice, hedges, offers and conditions near the new families.
    "You'll probably want to start with one site.",
    "You'll definitely want to check the firmware version first.",
    "Of course you'll want to talk this over with your partners first.",
    "You'll obviously need to check this with your landlord.",
    "Once you've signed up, you're all set to start the trial.",
    "Orders placed by 2pm will be delivered to your site next day.",
    "Our engineer can drop by your office any day that suits.",
    "If you'd like, our rep will drop by your warehouse on Tuesday.",
    "If you go ahead, the units will be fitted at your depot next Thursday.",
    "Happy to put the order through for you once you've decided.",
    "I've added the case study to the shared folder.",
    "Please have your last three utility bills handy so we can compare rates.",
    "I think it's time we met in person, if you're open to it.",
    # Feelings, effort and meaning that are not the sender's hurt.
    "I hope you'll like what we've built.",
    "It would mean a lot to our volunteers to have a rota that works.",
    "Any feedback would mean a lot to us.",
    "Most of this work goes unnoticed by management.",
    "Your nurses feel ignored when the rota changes at the last minute.",
    "The spring discount applies to orders placed before the 15th.",
])
def test_near_misses_of_the_further_families_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_a_negator_does_not_reach_into_the_next_sentence() -> None:
    text = "I can't say whether it suits you or not. Act now."
    assert not negated(text, text.index("Act")) and negated("It is not urgent", len("It is not "))
    assert not run("tone", email(body=draft(text))).passed
    ultimatum = ("Winter comes whether you're ready or not. If you don't sign by Friday, I can't promise an "
                 "install this year.")
    assert not run("tone", email(body=draft(ultimatum))).passed


def test_an_apology_counts_unless_its_sentence_names_what_happened() -> None:
    for sentence in ("I'm so sorry to bother you again.", "I'm terribly sorry, I know you're slammed.",
                     "Sorry again for writing."):
        assert not run("tone", email(body=draft(sentence))).passed, sentence
    text = "I'm very sorry I missed our call."
    assert about_a_mishap(text, len("I'm very sorry")) and not about_a_mishap("I'm so sorry.", len("I'm so sorry"))


def test_urgent_still_presses_when_it_is_about_the_reader() -> None:
    for sentence in ("Urgent: please sign today.", "This is urgent.", "I need an urgent review of the contract.",
                     "Please give this your urgent attention.", "Urgent, please reply."):
        assert not run("tone", email(body=draft(sentence))).passed, sentence


def test_a_promise_not_to_write_again_presses_only_as_a_last_chance() -> None:
    assert not run("tone", email(body=draft("I won't be reaching out again, so this is your last chance."))).passed
    assert run("tone", email(body=draft("I won't follow up again unless you'd like me to."))).passed


@pytest.mark.parametrize("text,slot", [
    ("Kind regards,\nSENDER_NAME\nContoso", "SENDER_NAME"),
    ("Grab a time here: MEETING_LINK", "MEETING_LINK"),
    ("Hi CONTACT_FIRST_NAME, quick question.", "CONTACT_FIRST_NAME"),
    ("Thanks,\nyour_name", "your_name"),
    ("I'd love to show %Company%'s team a demo.", "%Company%"),
    ("Hi %firstname%,", "%firstname%"),
    ("Hi %%contact.firstname%%,", "%%contact.firstname%%"),
    ("Best,\n(your name)", "(your name)"),
    ("I loved your post on (topic).", "(topic)"),
    ("We helped (similar company) cut costs by a third.", "(similar company)"),
    ("Congrats on the (recent news item)!", "(recent news item)"),
    ("Best regards,\nYOUR NAME", "YOUR NAME"),
    ("Cheers,\nSender name", "Sender name"),
    ("Everyone on your team at COMPANY will see it.", "COMPANY"),
    ("(check Crunchbase for the latest round) Congrats on the raise.", "(check Crunchbase for the latest round)"),
    ("Hi Dev, (confirm his title first) I noticed the new role.", "(confirm his title first)"),
    ("(is she still the CFO?) Hi Maya,", "(is she still the CFO?)"),
])
def test_field_names_percent_tags_parenthesised_slots_and_research_notes_are_placeholders(text: str,
                                                                                          slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Set DB_NAME and API_KEY in your environment before the first run.",
    "The CLIENT_ID comes from your admin console; user_name is the login.",
    "We saw 20%-30% gains and 40% fewer tickets at two clinics.",
    "Best,\nSam (Head of Partnerships)",
    "Follow us on Twitter (X) or LinkedIn.",
    "Our customer success (CS) team answers within an hour.",
    "Ask for Jo (the office manager) at reception.",
    "Your title says Head of Ops, so I thought of you.",
    "I met Priya at the expo (is she still with you?).",
    "(check out the case study on our site)",
    "(check the website for opening hours)",
    "Put `{{ first_name }}` in the subject field to personalise it.",
])
def test_prose_near_the_further_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text


EXAMPLE = ("Hi Priya,\n\nOur editor fills alert fields for you. For example, in the template editor you'd "
           "write:\n\n[{{ alert.level }}] {{ host.name }} is down\n\nand each page arrives filled in.\n\nMarco")


def test_an_example_an_email_shows_is_not_the_senders_slot() -> None:
    assert run("placeholders", email(body=EXAMPLE)).passed
    blanked = unquoted(EXAMPLE)
    assert len(blanked) == len(EXAMPLE) and "{{" not in blanked and "and each page arrives" in blanked
    # The sender's own lines are still read, and a line ending in a colon that shows no example is not one.
    assert not run("placeholders", email(body=EXAMPLE.replace("and each page", "and {{first_name}}'s page"))).passed
    assert not run("placeholders", email(body="Hi Ada,\n\nHere is what we found:\n\n{{insight}}\n\nSam")).passed
