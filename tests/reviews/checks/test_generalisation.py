"""Families of phrasing and placeholder forms beyond the first lexicon: ultimatums, deadlines with a
consequence, escalation over the prospect's head, sunk effort and silence, acting as if the deal is
done, promised results; notes to self, blanks and stand-in figures. And the prospect's own words
(inline quotes, code and configuration blocks), which no check reads as the sender's."""

from __future__ import annotations

import pytest

from reviews.checks.placeholders import placeholders_in, unquoted

from .support import assert_placeholder_found, assert_tone_family_found, assert_tone_passes, draft, email, run


@pytest.mark.parametrize("sentence,family", [
    # Ultimatums, and a deadline with a consequence.
    ("If the order form isn't back by 5pm Thursday, the bay goes to the next shop on the list.", "pushy"),
    ("I'm offering your install date to another customer on Friday.", "pushy"),
    ("No reply by Monday and I'll read that as a pass.", "pushy"),
    ("We'll withdraw the discount if we don't hear from you.", "pushy"),
    ("After Tuesday the pilot pricing is gone.", "pushy"),
    ("You either sign this week or we walk away from the deal.", "pushy"),
    ("I can't hold the slot open beyond the 14th.", "pushy"),
    ("I want the signed contract back before the end of the month.", "pushy"),
    ("You need to get back to me today.", "pushy"),
    ("I'm only holding this rate until Friday.", "pushy"),
    ("This pricing won't be available after the 30th.", "pushy"),
    ("Don't let your competitors get there first.", "pushy"),
    ("Tell me yes or no by tomorrow.", "pushy"),
    ("I've given you plenty of time to review.", "pushy"),
    ("My CEO wants an answer from your side.", "pushy"),
    ("Stop putting this off.", "pushy"),
    ("You're the only one holding this up.", "pushy"),
    # Escalation over their head.
    ("I'll be raising this with your CFO next week.", "pushy"),
    ("I may have to go over your head on this one.", "pushy"),
    ("Ring me the moment you read this.", "pushy"),
    ("This is my fifth message about the renewal.", "pushy"),
    ("I've asked you three times for the signed form.", "pushy"),
    # Sunk effort, personal sacrifice, the sender's feelings and standing, silence.
    ("I gave up two Saturdays to build this model for you.", "guilt_tripping"),
    ("I worked through the night on your forecast.", "guilt_tripping"),
    ("It would be a shame for that analysis to gather dust.", "guilt_tripping"),
    ("Even a one-word answer would be kinder than silence.", "guilt_tripping"),
    ("I can't work out what I did to deserve being ignored.", "guilt_tripping"),
    ("My director keeps asking, and frankly it makes me look bad.", "guilt_tripping"),
    ("I find the lack of any reply a bit demoralising.", "guilt_tripping"),
    ("Honestly, I don't know what else I can do.", "guilt_tripping"),
    ("You've gone completely quiet on me.", "guilt_tripping"),
    ("I've sent you four emails and two voicemails.", "guilt_tripping"),
    ("I really went out on a limb for you with my team.", "guilt_tripping"),
    ("I put my reputation on the line recommending you for this pilot.", "guilt_tripping"),
    ("I'm starting to take the silence personally.", "guilt_tripping"),
    ("You could at least have the decency to say no.", "guilt_tripping"),
    ("I cancelled a family dinner to finish your report.", "guilt_tripping"),
    # Acting as if the deal is done.
    ("Welcome aboard, the team is excited.", "presumptuous"),
    ("Since you've decided to go with us, here is the contract.", "presumptuous"),
    ("Once you're live on our platform, the reports run nightly.", "presumptuous"),
    ("Dana will be your dedicated account manager.", "presumptuous"),
    ("I've already set up a workspace for your team.", "presumptuous"),
    ("I know we haven't signed anything yet, but the hardware is ordered.", "presumptuous"),
    ("Your onboarding slot is confirmed for the 9th.", "presumptuous"),
    ("Here is the agenda for our kickoff on Monday.", "presumptuous"),
    ("We've secured your spot in the January cohort.", "presumptuous"),
    ("I've held this price for you long enough.", "pushy"),
    ("If I don't get a signature today, the deal is dead.", "pushy"),
    ("I have other clients lined up who will take this spot.", "pushy"),
    ("I'm copying your CEO on this thread.", "pushy"),
    ("Let's not drag this out any longer.", "pushy"),
    ("You're leaving money on the table.", "pushy"),
    ("I've invested a lot of my own time in this proposal.", "guilt_tripping"),
    ("My quota depends on this deal closing.", "guilt_tripping"),
    ("It's been two weeks of silence.", "guilt_tripping"),
    ("I guess my emails aren't important to you.", "guilt_tripping"),
    ("A yes or no is all I ask.", "guilt_tripping"),
    ("I thought we had a good connection on our call.", "guilt_tripping"),
    ("Your account is ready to use.", "presumptuous"),
    ("Login details are attached.", "presumptuous"),
    ("I've added your team to our Slack workspace.", "presumptuous"),
    ("Our implementation team will contact you Monday.", "presumptuous"),
    ("My team is thrilled you're on board.", "presumptuous"),
    ("Here's your invoice for the first quarter.", "presumptuous"),
    ("This will completely change your operation.", "hype"),
    ("Results are off the charts.", "hype"),
    ("Your customers will be blown away.", "hype"),
    # Self-effacing apologies for writing at all.
    ("I know I'm probably the tenth vendor to email you this week.", "apologetic"),
    ("I realise this may be a bit presumptuous of me.", "apologetic"),
    ("Sorry if this lands at a bad time.", "apologetic"),
    ("I hope I'm not overstepping.", "apologetic"),
    ("I'm a little embarrassed to be writing again.", "apologetic"),
    ("I'll get out of your hair now.", "apologetic"),
    ("I'm sure you have better things to do than read this.", "apologetic"),
    ("Pardon my persistence.", "apologetic"),
    ("We'll send the contract over for your signature this afternoon.", "presumptuous"),
    ("I've scheduled our engineers to visit your plant on the 12th.", "presumptuous"),
    ("Your new dashboard will be ready by Monday.", "presumptuous"),
    ("I'll go ahead and send over the paperwork.", "presumptuous"),
    ("I've told our finance team to expect your PO.", "presumptuous"),
    ("We can get started as soon as you send the deposit.", "presumptuous"),
    ("Congratulations on your decision to modernise with us.", "presumptuous"),
    ("I've cleared Thursday for your team's training.", "presumptuous"),
    ("Glad to have you with us!", "presumptuous"),
    # Promised results.
    ("We promise you'll triple bookings within a month.", "hype"),
    ("Every agency in town is racing to catch up with us.", "hype"),
    ("Your sales will explode.", "hype"),
    ("It's like nothing the logistics world has ever seen.", "hype"),
    ("Margins nobody believed were possible.", "hype"),
    ("It is the last scheduling tool you'll ever need.", "hype"),
    ("Every single customer has tripled revenue.", "hype"),
    ("Zero effort, maximum results.", "hype"),
    ("Prepare to be amazed.", "hype"),
    ("This is the biggest breakthrough in dentistry in fifty years.", "hype"),
])
def test_a_family_covers_phrasings_of_its_own(sentence: str, family: str) -> None:
    assert_tone_family_found(sentence, family)


@pytest.mark.parametrize("sentence", [
    "Thanks for choosing a time on my calendar.",
    "You're welcome to forward this to a colleague.",
    "Once you've had a look, let me know what you think.",
    "We haven't spoken before, so a quick intro.",
    "I spent a few years running ops at a clinic myself.",
    "Happy to send the deck before Friday if useful.",
    "We need about two weeks of data before we can run the analysis.",
    "If the timing is wrong, just say so and I will check back next quarter.",
    "Is it worth a quick call?",
    "Our sensors silence false alarms automatically.",
    "Which date works best for a demo?",
    "Your onboarding process probably takes weeks today.",
    "I shared your public roadmap with our product team.",
    "After all, most clinics already use text reminders.",
    "I'd be glad to set up a short call for you and your team.",
    "Most teams end up with three inboxes.",
    "Someone else at Contoso handles billing, I think.",
    "We route urgent cases to your on-call vet.",
    "It works. If not, I appreciate you telling me.",
    "All I need is your sizing sheet.",
    "Happy to loop in your CFO if useful.",
    "A quick no is completely fine too.",
    "Call volume explodes every winter.",
    "The password reset flow is attached.",
    "Your account team probably spends hours on this.",
    "Please don't feel any pressure to reply.",
    "Our nurses feel guilty about missed calls, which is why we built this.",
    "It's the fourth clinic we opened this year.",
    "We're holding the booth until Friday for partners.",
    "We've given teams enough time to migrate before.",
    "If you are serious about data quality, this is worth a look.",
    "This window is your chance to see the roadmap.",
    "Happy to send a sample contract if your legal team wants to see terms.",
    "Your dashboard is probably rebuilt by hand each month.",
    "Congrats on your decision to open a second site.",
    "Glad to have met you at the expo.",
    "Our nurses cancel a lot of appointments when flu season hits.",
    "The courtesy car is included.",
    "Every customer gets a named engineer.",
])
def test_near_misses_of_the_families_pass(sentence: str) -> None:
    assert_tone_passes(sentence)


def test_weak_signals_of_one_draft_add_up() -> None:
    # One deadline demand is allowed; with a consequence it is an ultimatum.
    one = run("tone", email(body=draft("We need your sizing figures before Friday.")))
    assert one.passed and one.details["score"] == 0.5
    two = run("tone", email(body=draft("We need your sizing figures before Friday, or the pricing goes back up.")))
    assert not two.passed and two.details["score"] >= 1.0


def test_urgent_is_still_pushy_when_it_presses_the_reader() -> None:
    for sentence in ("This is urgent.", "Please reply urgently.", "I need an urgent answer."):
        assert not run("tone", email(body=draft(sentence))).passed, sentence


@pytest.mark.parametrize("text,slot", [
    ("[mention the award they won in May]", "[mention the award they won in May]"),
    ("Loved it. [Reference the panel talk - check the date]", "[Reference the panel talk - check the date]"),
    ("TODO: a line about their new warehouse", "TODO:"),
    ("We cut costs by 30% (FIXME source)", "FIXME"),
    ("INCLUDE QUOTE FROM THE CFO", "INCLUDE QUOTE FROM THE CFO"),
    ("Dear ______,", "______"),
    ("Teams save around X days per close.", "X days"),
    ("It costs about $X per seat.", "$X"),
    ("Churn fell by XX.X% last year.", "XX.X%"),
    ("Hi #Contact.FirstName#,", "#Contact.FirstName#"),
    ("Dear %%=ProperCase(@name)=%%,", "%%=ProperCase(@name)=%%"),
    ("Churn fell (insert stat) last year.", "(insert stat)"),
    ("Hi <<>>,", "<<>>"),
    ("Reps save N hours a week.", "N hours"),
    ("Churn fell by ??% after launch.", "??"),
    ("Hi FIRSTNAME,", "FIRSTNAME"),
    ("Hi {first_name|there},", "{first_name|there}"),
    ("Hi @first_name,", "@first_name"),
])
def test_notes_to_self_blanks_and_stand_in_figures_are_placeholders(text: str, slot: str) -> None:
    assert_placeholder_found(text, slot)


@pytest.mark.parametrize("text", [
    "Venue TBD, most likely Leeds.",
    "We use #growth and #sales tags on LinkedIn.",
    "Product X ships in May; SpaceX is a customer.",
    "Keep your underscores_in_code out of it.",
    "[Add to calendar](https://acme.example/ics)",
    "We ADD VALUE FOR EVERY TEAM, as the ad said.",
    "Our plan costs $49 and saves 20% of the time.",
    "Really?? That fast?",
    "Prices (add-ons extra) are on the site.",
    "Email me at sam@acme.example, not the team alias.",
])
def test_ordinary_text_near_those_forms_is_not_a_placeholder(text: str) -> None:
    assert placeholders_in(text) == [], text


CODE = ("Hi Oskar,\n\nYour deployment guide has this nginx block:\n\n  server {\n    listen 80;\n"
        "    root /srv/{{ site_name }};\n  }\n\nWe harden configs like that.\n\nSam")
YAML = ("Hi Oskar,\n\nFrom your compose file:\n\n  web:\n    image: app:2\n    environment:\n"
        "      API_TOKEN: ${API_TOKEN}\n      ALERT_MODE: URGENT_ONLY\n\nWe inject secrets at runtime.\n\nSam")
INLINE = ('Hi Ada,\n\nYour welcome email opened with "Dear [First Name], ACT NOW" - the merge field '
          "did not fill.\n\nSam")


@pytest.mark.parametrize("body", [CODE, YAML, INLINE])
def test_the_prospects_code_config_and_inline_quotes_are_not_the_senders(body: str) -> None:
    proposal = email(body=body)
    for check in ("placeholders", "tone", "shouting"):
        assert run(check, proposal).passed, (check, body)


def test_blanking_keeps_every_offset_and_reads_the_senders_lines() -> None:
    for body in (CODE, YAML, INLINE):
        blanked = unquoted(body)
        assert len(blanked) == len(body) and blanked.count("\n") == body.count("\n")
    # The sender's own lines around a block are still read.
    outcome = run("placeholders", email(body=YAML.replace("We inject", "[Company] injects")))
    assert not outcome.passed and outcome.details["spans"][0]["text"] == "[Company]"
    # An indented paragraph of prose is not a code block.
    prose = "Hi Ada,\n\n  Contoso's team told us\n  that [Company] matters.\n\nSam"
    assert not run("placeholders", email(body=prose)).passed
