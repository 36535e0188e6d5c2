"""Kinds of phrasing and template slots recognised since the first development sets: pressure by
visit, call and scarcity; claims about what a product does to a market; favours the prospect is made
to owe; belittling the sender; presuming the prospect's problems, decisions and paperwork. Also the
placeholder syntaxes of more sending tools, notes the writer left in the draft, and a template's
example names. Each family is tried on drafts and sentences the project wrote for it
(``phrasings.py``), and on the near-misses it must let through."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in
from reviews.checks.tone import dated, family_hits, negated, offered, stem

from .phrasings import CLEAN_DRAFTS, CLEAN_SENTENCES, FLAWED_DRAFTS, FLAWED_SENTENCES
from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes, draft, email, run


@pytest.mark.parametrize("sentence,family", FLAWED_SENTENCES)
def test_a_sentence_of_each_kind_fails_tone_naming_its_family_and_phrase(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("family,text", FLAWED_DRAFTS)
def test_a_flawed_draft_fails_tone(family: str, text: str) -> None:
    outcome = run("tone", email(body=f"Hi Ada,\n\n{text}\n\nBest,\nSam"))
    assert not outcome.passed, text


@pytest.mark.parametrize("text", CLEAN_DRAFTS)
def test_a_clean_draft_passes_tone(text: str) -> None:
    outcome = run("tone", email(body=f"Hi Ada,\n\n{text}\n\nBest,\nSam"))
    assert outcome.passed, outcome.message


@pytest.mark.parametrize("sentence", [
    *CLEAN_SENTENCES,
    # A real earlier message, a real dated offer, an ordinary second follow-up.
    "Apologies for the confusion in my last email: the price is $49, not $59.",
    "The offer for schools ends on 31 May, as the grant funding runs out then.",
    "This is my second note, so I'll keep it brief: is this worth a call?",
    "If the timing is wrong, no problem at all.",
    # Words a family uses in another sense.
    "A firm in Portland cut overnight render times by 38%.",
    "Your 6am classes seem to sell out every day, which is a nice problem to have.",
    "We're quoting 8-10 weeks on 12-inch orders right now.",
    "We're not the biggest agency, but every client gets a senior strategist.",
    "Our software is not the cheapest option, but support is where we stand out.",
    "The new labelling rules are the biggest change to the category in years.",
    "Thanks for choosing us for the trade show stand last year.",
    "Happy to hold the March slot for you until Friday while you check with your partners.",
    "Apologies for the delay in getting this to you; the revised quote is attached.",
])
def test_near_misses_of_the_wider_families_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_an_offer_or_condition_is_not_a_done_deal() -> None:
    done = "I'll send over the contract on Monday."
    assert not run("tone", email(body=draft(done))).passed
    for offer in ("If it helps, I'll send over the contract on Monday.", "Happy to send over the contract on Monday.",
                  "Shall I send over the contract on Monday?", "As requested, your invoice is attached."):
        assert run("tone", email(body=draft(offer))).passed, offer
    text = "Contoso grew. If useful, I'll send the contract."
    assert offered(text, text.index("I'll")) and not offered(text, text.index("Contoso"))


def test_a_thank_you_dated_in_the_past_thanks_a_real_customer() -> None:
    assert not run("tone", email(body=draft("Thanks for choosing us as your new supplier."))).passed
    text = "Thanks for choosing us last year."
    assert dated(text, text.index(" last")) and not dated("Thanks for choosing us.", len("Thanks for choosing us"))


def test_a_negator_reaches_past_an_article_for_lexicon_and_families() -> None:
    assert negated("It isn't the cheapest", len("It isn't the "))
    assert negated("This is not urgent", len("This is not "))
    assert not negated("The cheapest", len("The "))
    assert run("tone", email(body=draft("It's not the cheapest option on the market."))).passed
    assert not run("tone", email(body=draft("We are the cheapest option on the market."))).passed


def test_a_negative_imperative_can_be_the_plea_itself() -> None:
    # The negator opens the pattern, so the rule that ignores negated hits does not drop it.
    assert [hit.family for hit in family_hits("Please don't leave me hanging.")] == ["guilt_tripping"]


def test_every_is_not_ever_once_stemmed() -> None:
    assert stem("every") == "every" and stem("ever") == "ever"
    assert run("tone", email(body=draft("Every client gets a senior strategist, the best we have."))).passed


@pytest.mark.parametrize("text,slot", [
    # Sending tools' merge tags.
    ("Hi <%= first_name %>,", "<%= first_name %>"),
    ("Hi <%= @contact.name %>,", "<%= @contact.name %>"),
    ("Hi [% contact.name %],", "[% contact.name %]"),
    ("{# add a line about their stack #}", "{# add a line about their stack #}"),
    ("Hi ~Contact.FirstName~,", "~Contact.FirstName~"),
    ("Hi $[LF:FIRSTNAME]$,", "$[LF:FIRSTNAME]$"),
    ("Hi {$name},", "{$name}"),
    ("Hi {contactfield=firstname},", "{contactfield=firstname}"),
    ("Hi [firstname,fallback=there],", "[firstname,fallback=there]"),
    ("Hi %%First Name%%,", "%%First Name%%"),
    ("Hi %(first_name)s,", "%(first_name)s"),
    ("Dear {0},", "{0}"),
    ("Hi [ ],", "[ ]"),
    ("<!-- personalise the opener -->", "<!-- personalise the opener -->"),
    # Slots written as words.
    ("We cut costs by [stat] for peers.", "[stat]"),
    ("Attached: [ATTACHMENT]", "[ATTACHMENT]"),
    ("I read your post on <topic>.", "<topic>"),
    ("Hi Jordan, <personalized opener>", "<personalized opener>"),
    ("Congrats on your [funding round / product launch].", "[funding round / product launch]"),
    ("It costs $[amount] a seat.", "[amount]"),
    ("COMPANY LOGO HERE", "COMPANY LOGO HERE"),
    ("Hi Firstname,", "Firstname"),
    ("We help teams like company_name grow.", "company_name"),
    # Stand-in figures.
    ("Customers save about TK hours a month.", "TK"),
    ("Churn fell by N% in a quarter.", "N%"),
    ("Bookings grew ##% year on year.", "##%"),
    # Notes left for the writer.
    ("NOTE TO SELF: check their CRM first.", "NOTE TO SELF"),
    ("Their fleet is old. (AI: make this more specific once we know the models.)",
     "(AI: make this more specific once we know the models.)"),
    ("[SDR: add a line about their funding]", "[SDR: add a line about their funding]"),
    ("We cut costs by 30% [Note: verify with finance]", "[Note: verify with finance]"),
    ("Draft v3 - tighten the close", "Draft v3"),
    ("Please make this paragraph punchier.", "make this paragraph"),
    ("Double the numbers - remove this line before sending.", "before sending"),
    ("They run 40 sites (we'll confirm this once we know their regions).",
     "(we'll confirm this once we know their regions)"),
    ("(add case study)", "(add case study)"),
    ("(swap in their logo)", "(swap in their logo)"),
    ("Great keynote. Insert a compliment about their talk.", "Insert a compliment"),
    ("Hi Jordan, INSERT PERSONALIZED FIRST LINE.", "INSERT PERSONALIZED FIRST LINE"),
    ("TBD: one line on pricing", "TBD:"),
    ("I saw your post about .", "about ."),
    # A template's example names.
    ("Studios like Acme Corp use us.", "Acme Corp"),
    ("Company X saved 20%.", "Company X"),
    ("XYZ Inc cut churn by half.", "XYZ Inc"),
    ("Visit yourwebsite.com for more.", "yourwebsite.com"),
])
def test_more_merge_tags_notes_and_example_names_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Note: prices exclude VAT.",
    "(note: pricing is per location)",
    "Reminder: the early-bird rate ends soon.",
    "Draft agreement attached for your review.",
    "We'd rewrite the intro on your homepage and tighten the copy.",
    '"[sic]" he wrote [sic]',
    "[PDF] Your guide",
    "CLICK HERE to book",
    "Sam Rivera, Acme Review",
    "The TK Maxx store on High Street.",
    "We support 12 languages (including Japanese and Korean).",
    "What are you looking at? Nothing.",
    "(source: Gartner, 2024)",
    "(put simply, it works)",
    "Our API verifies eligibility (check with your IT team first).",
    "Updated v2 of the report is out.",
    "Our FirstName field mapping works out of the box.",
    "Best, Sam (AE at Contoso)",
    "I've included a case study below.",
    "Add me on LinkedIn if easier.",
    "We update the first line of every record nightly.",
    "Our guide [PDF, 2 MB] is attached.",
    "We cut wait times by 38% [source: internal data, 2024].",
    "The price is $1,200 (excl. VAT).",
    "Use code SPRING10 for 10% off your first order.",
    "[Update] We now support Xero.",
    "We're rated 4.8/5 on G2 [2].",
    "The A/B test showed a 12% lift (p < 0.05).",
    "Section 3(b) of the contract covers renewals.",
    "Happy to walk through it before you send anything.",
])
def test_prose_near_the_new_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text


def test_an_example_name_that_is_the_prospects_own_is_not_a_placeholder() -> None:
    body = "Hi Ada,\n\nStudios like Acme Corp use us; I noticed Acme Corp is hiring.\n\nSam"
    assert not run("placeholders", email(body=body, company_name="Contoso")).passed
    assert run("placeholders", email(body=body, company_name="Acme Corp")).passed
