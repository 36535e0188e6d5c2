"""Kinds of phrasing and template slots recognised since sets H and I: an offer gone forever, a reply
demanded by the end of the day, the deal handed to someone else; unprecedented, in existence, absolute
zero, "not a projection"; time since the first email counted, the message left unread, the prospect's
people who would be upset to learn of it; a go-live set, the prospect's staff told what to do, trainers
arriving, certainty about their trouble and choices, work started for them. Slots: notes pointed at
the text and comment lines, alternatives left to pick, a word processor's form field, a tool's link to
paste, zeros and x's for figures, date formats, a template's name pair and company. And the
principles behind their false alarms: a way out after a condition about the prospect's situation, a
guarantee or a first order stated as terms, a product's own queue left unanswered, an API path's
parameter, a subject tag. The sentences are the project's own, not the sets' drafts."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in
from reviews.checks.tone import states_terms

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes


@pytest.mark.parametrize("sentence,family", [
    ("After the 30th this bundle is gone for good.", "pushy"),
    ("This is the final week the pilot pricing exists.", "pushy"),
    ("Could you please confirm the order by close of business?", "pushy"),
    ("Stop comparing quotes and sign with us.", "pushy"),
    ("The buyer will not wait past Thursday.", "pushy"),
    ("If I don't hear back, the allocation goes to another distributor.", "pushy"),
    ("I expect your signature on the order form by tonight.", "pushy"),
    ("There's no point negotiating any further.", "pushy"),
    ("What our lab has achieved is truly unprecedented.", "hype"),
    ("They are the sharpest blades ever made for this work.", "hype"),
    ("Your output will triple within the first month.", "hype"),
    ("Shrinkage drops to absolute zero.", "hype"),
    ("You'll never need to hire another bookkeeper.", "hype"),
    ("That isn't a forecast; it's a sure thing.", "hype"),
    ("Two months since I first emailed your team, and not a word.", "guilt_tripping"),
    ("I've stopped hoping for a reply at this point.", "guilt_tripping"),
    ("Meanwhile my proposal has been sitting on your desk.", "guilt_tripping"),
    ("I'd hate to be the director who let the backlog grow.", "guilt_tripping"),
    ("Your finance office still hasn't replied to my note.", "guilt_tripping"),
    ("Your parents would be shocked to learn that the offer was never read.", "guilt_tripping"),
    ("Five emails, all without a word back from you.", "guilt_tripping"),
    ("It's hard to understand why no one there has replied.", "guilt_tripping"),
    ("We're ready to move your clinics onto the new system next Monday.", "presumptuous"),
    ("As we get ready to go live, here is the checklist.", "presumptuous"),
    ("I've told your receptionist to clear Tuesday morning.", "presumptuous"),
    ("I've asked our warehouse to expect your first pallets.", "presumptuous"),
    ("Our installers arrive at your plant on the 3rd.", "presumptuous"),
    ("Your nurses will need to set aside a full day for training.", "presumptuous"),
    ("I know your dispatch process is a nightmare right now.", "presumptuous"),
    ("Naturally you'll choose to work with us this season.", "presumptuous"),
    ("The school obviously needs to replace its laptops.", "presumptuous"),
    ("I took the liberty of informing our team that you're in.", "presumptuous"),
    ("We will send the framework agreement to your legal office on Monday for signature.", "presumptuous"),
    ("I've already begun building a dashboard for your store.", "presumptuous"),
    ("Your new webshop will go live by the 15th.", "presumptuous"),
    ("This is exactly the system you need.", "presumptuous"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    # A way out after a condition about the prospect's situation.
    "If payroll isn't a priority this quarter, ignore me.",
    "If you already work with an auditor, please ignore this.",
    # A guarantee or a first order stated as terms.
    "Every placement comes with a 60-day replacement guarantee.",
    "We contractually guarantee 99.9% with service credits.",
    "Terms are net 30 after your first order.",
    # The product's queue, not the sender's message.
    "Nothing sits unanswered over a holiday weekend.",
    "Tickets left unread for an hour are escalated to a supervisor.",
    # Offers, history, and a reader's own decision.
    "It's obviously your call which site goes first.",
    "We're ready to start whenever suits you.",
    "Our engineers can visit your plant once you've chosen a date.",
    "We started building scheduling software for clinics in 2019.",
    "Downtime fell to zero at one site after the retrofit, and to two hours a month at the others.",
    "If your nurses want a refresher, we run training on Tuesdays.",
    "No catch: the tool is free for registered charities.",
])
def test_near_misses_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_a_bare_guarantee_is_still_hype_and_terms_are_read_in_the_whole_sentence() -> None:
    assert_tone_family_found("Results are guaranteed.", "hype")
    text = "Our guarantee: 30 days or your money back."
    assert states_terms(text, text.index("guarantee"), text.index(":"))
    assert not states_terms("We guarantee results.", 3, 12)


@pytest.mark.parametrize("text,slot", [
    ("Payback is about a year. <-- check the figure with ops", "<-- check the figure with ops"),
    ("Hi Ana,\n\n// use the hospital version of this paragraph\n\nWe help", "// use the hospital version of this paragraph"),
    ("We help clinics /* add one named clinic */ cut no-shows.", "/* add one named clinic */"),
    ("Thanks,\n\nOption 1: Shall we talk on Friday?\nOption 2: Want a recording instead?",
     "Option 1: Shall we talk on Friday?"),
    ("CTA B: book a demo", "CTA B:"),
    ("Your discount is Click here to enter text.", "Click here to enter text"),
    ("Pick a slot: booking link here", "booking link here"),
    ("Teams save about 000 hours a quarter.", "000"),
    ("Call us on 000 000 0000.", "000"),
    ("The unit costs xx USD delivered.", "xx"),
    ("Prices from €xxx a month.", "xxx"),
    ("Registration closes on DD Month.", "DD Month"),
    ("Please reply by MM/DD/YYYY.", "MM/DD/YYYY"),
    ("Dear First Name Last Name,", "First Name Last Name"),
    ("Best,\nAlex\nBusiness Name", "Business Name"),
    ("Their COO, John Smith, will take your call.", "John Smith"),
    ("Growers saved NNN% on seed.", "NNN%"),
    ("Cheers,\nBDR Name", "BDR Name"),
    ("Monthly fee: TBC.", "TBC"),
])
def test_further_slot_forms_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Your portal documents GET /v1/orders/{orderId}/lines, which made testing easy.",
    "The webhook posts to /hooks/{tenant}/events every minute.",
    "Quick question [question]",
    "We shipped 10 000 tonnes and $1,000,000 of parts in 2,000 trucks.",
    "Option A is the monthly plan; option B is annual.",
    "See https://example.com//docs for details.",
    "Lots of love, xx",
    "A 20-minute call, or a 2-minute video: your choice.",
    "The Company Secretary signs the filing.",
])
def test_prose_near_the_further_slot_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text
