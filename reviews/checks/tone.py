"""Tone beyond a phrase list: families of pushy, hype, guilt-tripping, apologetic and presumptuous
phrasing, matched on normalised word forms and scored.

Text is normalised first: lower case, typographic apostrophes folded, contractions spelt out
("you'd" -> "you would", "don't" -> "do not"), possessive "'s" dropped, punctuation removed and each
word reduced to a crude stem ("apologies", "apologising" and "apology" share "apolog*";
"bothering" and "bothered" are "bother"). Patterns are written in plain words and stemmed the
same way, so one pattern covers a word's forms and the many ways a sentence is put.

Pattern syntax (one string per pattern, words separated by spaces):

- ``word``: the word in any of its forms; ``word*``: any word starting with these letters (stemmed);
- ``(a|b c|d)``: one of several words or word sequences; ``item?``: optional;
- ``~N``: up to N words of anything (``you ~2 crazy`` finds "you would be crazy");
- ``re:REGEX``: one word matching the regular expression (``re:\\d+x`` for "10x").

A hit right after "not", "no", "never" or "without", or after one of them and an article, is ignored
("not urgent", "no guarantee", "isn't the cheapest"); a pattern may open with the negator when the
negation is the flaw ("don't leave me hanging"). A pattern marked ``ASSERTED`` counts only a statement
made as done: its sentence must not make it an offer or a condition before it ("If useful, I'll send
the contract", "Happy to ...", "As requested, ..."); one marked ``DATED`` does not count when its
sentence places it in the past ("Thanks for choosing us last year"); one marked ``VERB`` is a command only
when its first word follows no determiner, preposition or figure ("claim yours today", not "40% of claims
today"); one marked ``SHARED`` does not count after "our" or "my" ("on our last call"); one marked
``TERMS`` does not count when its sentence states a term of the deal ("a 90-day
replacement guarantee", "net 30 after your first order"). A hype hit ending in a superlative that names a
problem ("the biggest loss of capacity") does not count.
Each family pattern has a weight; a draft whose hits (with the tone lexicon's, weight 1 each) add
up to ``TONE_FAIL_SCORE`` fails. Weak signals (an enthusiastic adjective) weigh 0.5: one is
allowed, two are not. What is deliberately not flagged: polite apologies about something that
happened ("Sorry I missed your call", "Sorry to hear about the office move"), "Apologies if I have
the wrong person", "no pressure", "no rush", a plain request for a call ("What time works for you?").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

TONE_FAIL_SCORE = 1.0
STRONG, WEAK = 1.0, 0.5

_NEGATORS = frozenset({"not", "no", "never", "without"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CONTRACTIONS = {
    "won't": ("will", "not"), "can't": ("can", "not"), "shan't": ("shall", "not"), "ain't": ("is", "not"),
    "let's": ("let", "us"), "it's": ("it", "is"), "that's": ("that", "is"), "there's": ("there", "is"),
    "here's": ("here", "is"), "what's": ("what", "is"), "who's": ("who", "is"), "he's": ("he", "is"),
    "she's": ("she", "is"), "i'm": ("i", "am"),
}
_ENDINGS = {"n't": "not", "'re": "are", "'ll": "will", "'ve": "have", "'d": "would", "'m": "am"}
_SUFFIXES = ("ations", "ation", "ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s", "y", "e")
# Words a suffix would fold into another word: "every" is not "ever".
_KEPT = frozenset({"every"})


def stem(word: str) -> str:
    """A crude, consistent stem: the longest listed suffix removed when three letters remain
    ("bothering" -> "bother", "apologies" -> "apolog"). Text and patterns share it, so only
    consistency matters, not linguistic accuracy."""
    if word in _KEPT:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) of each word of a text, contractions spelt out (both words keep the
    contraction's span), so spans map back to the text as written."""
    folded = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    found: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(folded):
        token, start, end = match.group(0), match.start(), match.end()
        parts: tuple[str, ...]
        if token in _CONTRACTIONS:
            parts = _CONTRACTIONS[token]
        elif token.endswith("'s"):
            parts = (token[:-2],)  # possessive (or "is" after a noun: either way it carries no tone)
        else:
            ending = next((e for e in _ENDINGS if token.endswith(e)), None)
            parts = (token[: -len(ending)], _ENDINGS[ending]) if ending else (token.replace("'", ""),)
        found += [(stem(part), start, end) for part in parts if part]
    return found


_DSL_TOKEN = re.compile(r"re:\S+?(?=[\s)|]|$)|~\d+|[()|?]|[^\s()|?]+")


def _compile_items(tokens: list[str], position: int, closing: bool) -> tuple[str, int]:
    alternatives, current = [], ""
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token == "(":
            inner, position = _compile_items(tokens, position, True)
            piece = f"(?:{inner})"
        elif token == ")" and closing:
            break
        elif token == "|":
            alternatives.append(current)
            current = ""
            continue
        elif token == "?":
            raise ValueError("'?' follows nothing")
        elif token.startswith("~"):
            piece = r"(?:\S+ ){0," + str(int(token[1:])) + "}"
        elif token.startswith("re:"):
            piece = f"(?:{token[3:]}) "
        elif token.endswith("*"):
            # Stemmed too, so the prefix is never longer than the stems it must begin ("come*": "com").
            # A word the prefix spells may stem shorter than the prefix ("reply" is "rep", so "repl*"
            # must find it): those stems are alternatives.
            prefix = stem(token[:-1].lower())
            shorter = sorted({stem(prefix + ending) for ending in ("y", "e", "ies", "es")} - {prefix})
            shorter = [word for word in shorter if not word.startswith(prefix)]
            piece = "(?:" + "|".join([re.escape(prefix) + r"\S*", *map(re.escape, shorter)]) + ") "
        else:
            piece = re.escape(stem(token.lower())) + " "
        if position < len(tokens) and tokens[position] == "?":
            position += 1
            piece = f"(?:{piece})?"
        current += piece
    alternatives.append(current)
    return "|".join(alternatives), position


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A family pattern as a regular expression over the stems joined by single spaces."""
    body, _position = _compile_items(_DSL_TOKEN.findall(pattern), 0, False)
    return re.compile(r"(?<![^ ])(?:" + body + ")")


_FEEL = "(busy|swamped|slammed|inundated|overwhelm*|flooded|drowning|overflow*|packed|hectic)"
_NOISE = ("(intru*|bother*|disturb*|interrupt*|butt* in|barg* in|crash* in|cold|out of the blue|out of nowhere|"
          "unsolicited|unannounced|spam*|random*|pest|nuisanc*|nag*|annoy*|burden*|unexpected)")
# A deadline: "by noon", "before Friday", "by the end of the quarter".
_DEADLINE = ("(by|before|until) (re:\\d+\\S*|the re:\\d+\\S*|noon|midnight|today|tonight|tomorrow|eod|end of|close of|"
             "cob|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the end|the close|the quarter|this week|"
             "then|lunch*|close of play)")
_SLOT = ("(slot|spot|seat|place|allocation|reservation|package|offer|discount|rate|pricing|date|booking|"
         "install*|session|appointment|window)")
_TITLE = ("(vp|cfo|ceo|coo|cro|cto|boss|manager|supervisor|board|director|head|leadership|superior*|owner|founder|"
          "president|partner*)")
_HURT = ("(disappoint*|disheart*|discourag*|demorali*|deflat*|let down|sting*|stung|hurt*|upset*|offend*|sad*|"
         "embarrass*|crush*|gutt*)")
_SPARE_TIME = ("(weekend*|evening*|night*|saturday*|sunday*|holiday*|vacation*|day off|days off|lunch*|half term|"
               "spare time|free time|own time|family time|morning*)")
_ATTEMPTS = "(two|three|four|five|six|seven|eight|nine|ten|a dozen|several|multiple|many|numerous|re:\\d+)"
_ROLLOUT = ("(implementation|onboarding|kickoff|kick off|rollout|roll out|training|migration|go live|launch|setup|"
            "set up)")
_SUPERLATIVE = ("(most re:\\S+|biggest|greatest|best|hottest|fastest|smartest|single most re:\\S+|single biggest|"
                "single best|number one)")
# "is honestly the most important ...", "become the biggest ...": a superlative the sender claims.
_IS_THE_MOST = ("(is|are|be|becom*|am|was|were) ~1 (honestly|genuinely|truly|simply|quite simply|literally|easily|"
                "probably|by far|without doubt|hands down|arguably|really|just)? (the)? " + _SUPERLATIVE)
_EST = ("(best|fastest|smartest|strongest|lightest|clearest|cleanest|easiest|simplest|quickest|safest|brightest|"
        "sharpest|toughest|greatest|biggest|largest|highest|finest|richest|freshest|smoothest|sleekest|thinnest|"
        "cheapest|quietest|coolest|newest|boldest|purest|most re:\\S+)")
# Certainty about the prospect's situation the sender cannot have, and the trouble presumed.
_SURE = ("(obviously|clearly|evidently|surely|undoubtedly|no doubt|definitely|plainly|i am sure|i am certain|"
         "i am confident|i bet|i would bet|we both know|i can tell|i can see|i could tell|it is (pretty|very|quite|"
         "painfully|abundantly)? (clear|obvious)|i guarantee)")
_PROBLEM = ("(struggl*|buri*|buried|overwhelm*|drown*|swamp*|overstretch*|stretch* thin|underwater|bleed*|broken|a mess|"
            "messy|disaster*|nightmare|chaos|chaotic|brutal|painful|underperform*|not work*|fail*|falling apart|"
            "fall* behind|behind|declin*|slid*|sliding|shrink*|hate|frustrat*|can not keep up|not keep* up|"
            "money on the table|gut feel*|wast*|los*|outdated|obsolete|archaic|need* (an overhaul|fixing|a fix)|overhaul|"
            "in trouble|out of date|not (get*|fill*|reach*|convert*|hit*|grow*|win*|land*|book*|mak*)|unhappy|"
            "dissatisfi*|fed up|tired of|sick of|annoy*|not happy|drop* the ball|asleep at the wheel|not cutting it|"
            "falling short|letting you down|overcharg*|ripping you off|behind the times|stuck in the past|outgrow*|"
            "outgrown|bursting|maxed out|at capacity|overloaded|cost* you (a fortune|a lot|thousands|money|dearly|sales|"
            "customers|revenue|business|deals|bookings|patients|clients)|"
            "not (bring*|generat*|attract*|produc*|deliver*|perform*))")
# A hit that counts only when stated as done: "I'll send the contract", not "if useful, I'll send the contract",
# "happy to send the contract" (an offer, or a condition the prospect controls) or "as requested, your invoice is
# attached" (a reply to what the prospect asked for).
ASSERTED = "asserted"
_OFFER_BEFORE = re.compile(
    r"\b(?:if|when|whenever|once|unless|whether|happy|glad|pleased|in\s+which\s+case|would\s+you|want\s+me|"
    r"like\s+me|do\s+you|let\s+me\s+know|as\s+(?:requested|discussed|promised|agreed)|you\s+(?:asked|requested))\b"
    # A modal asks or offers ("Can I send it?", "Should I copy your manager?"), unless negated ("can't cope").
    r"|\b(?:shall|can|could|should)\b(?!['\u2019]t|n['\u2019]t|\s*not\b)",
    re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?;:\n][^.!?;:\n]*$")
# A hit that does not count when its sentence dates it in the past: "Thanks for choosing us last year" thanks a real
# customer for a real choice.
DATED = "dated"
_PAST_AFTER = re.compile(
    r"^[^.!?;\n]*?\b(?:(?:last|previous|earlier)\s+(?:year|month|week|season|time|spring|summer|autumn|fall|winter|"
    r"quarter)|in\s+(?:19|20)\d\d|again|ago|before)\b", re.IGNORECASE)

# An apology that does not count when the rest of its sentence names what happened: "I'm so sorry I missed our
# meeting", "sorry again for the mix-up", "I'm very sorry to hear about the flood" are manners and sympathy about
# a real event, not the sender apologising for being in touch.
MISHAP = "mishap"
_MISHAP_AFTER = re.compile(
    r"^[^.!?;\n]{0,60}?(?:\bto\s+(?:hear|learn|read|see)\b|\bfor\s+your\s+loss\b|\bmix[\s-]?ups?\b|\bconfusion\b|"
    r"\berrors?\b|\bmistakes?\b|\btypos?\b|\boversight\b|\bglitch|\boutage\b|\bmis(?:understanding|communication|"
    r"print|spel\w*|sent)\b|\bwrong\s+(?:attachment|file|link|brochure|document|doc|version|name|date|figures?|price|"
    r"number|invoice|address|details|pdf|deck|quote|spec\w*)|\bbroken\s+link|\b(?:i|we)\s+(?:missed|forgot|sent|"
    r"attached|got|misread|mixed)\b|\bmissed\s+(?:our|the|your|my)\b|\bmissing\s+(?:attachment|file|link|page)|"
    r"\b(?:late|slow|delayed)\s+(?:reply|response|delivery|shipment|invoice|arrival)|\bshort\s+notice\b|"
    r"\b(?:cancel|reschedul)\w*|\bno[\s-]?show\b|\b(?:could|can)\s*(?:not|n't)\s+make\b|\bdouble\s+(?:email|booking|"
    r"charge)|\bduplicate\b"
    # "sorry again about the rain", "... for the wait at the stand": what happened where the two met, not the email.
    r"|\b(?:about|for)\s+the\s+(?!(?:\w+\s+)?(?:intrusion|interruption|bother|e-?mails?|messages?|notes?|length|cold|spam|"
    r"pitch|ask|request|follow))(?:rain|weather|wait|queue|line|noise|traffic|crowd|heat|cold\s+snap|mud|chaos|rush|"
    r"delay|parking|coffee|food|wifi|wi-fi|sound|screen|projector|venue|room|stand|booth|mix|short))",
    re.IGNORECASE)

# A command only when its first word is a verb: "claim yours today", not "40% of claims today" or "your orders now"
# (a determiner, a preposition or a figure before it makes the word a noun).
VERB = "verb"
# A hit that does not count after "our" or "my": "on our last call" is a call the two had, not a last call.
SHARED = "shared"
_SHARED_BEFORE = re.compile(r"\b(?:our|my|during|since)\s+$", re.IGNORECASE)
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:of|the|a|an|your|our|their|its|his|her|my|these|those|this|that|more|many|all|new|any|some|every|"
    r"each|no|on|in|for|with|from|per|by|and)|\d%?)\s+$", re.IGNORECASE)

# "the biggest loss of capacity", "the most common complaint": a superlative naming the prospect's problem is
# a description of it, not a claim for the product.
_PROBLEM_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:loss|losses|cost|costs|expense|expenses|risk|risks|problem|problems|issue|issues|"
    r"challenge|challenges|bottleneck|bottlenecks|headache|headaches|pain|complaint|complaints|drain|waste|mistake|"
    r"mistakes|error|errors|cause|causes|source|sources|threat|threats|concern|concerns|obstacle|barrier|hurdle|gap|"
    r"weakness|delay|delays|frustration|burden|time\s+sink|killer|leak|leaks|reason\s+for)\b", re.IGNORECASE)
_ENDS_IN_SUPERLATIVE = re.compile(r"(?:\b\w+est|\bmost\s+\w+|\bnumber\s+one|\btop)\s*$", re.IGNORECASE)


# A hit that does not count when its sentence states the terms of a deal: "net 30 terms after your first order",
# "a 90-day replacement guarantee", "what we contractually guarantee, with service credits" are conditions a buyer
# can hold the sender to, not a step taken for the prospect or a promise nobody can check.
TERMS = "terms"
_TERMS_IN_SENTENCE = re.compile(
    r"\b(?:\d+[- ]?(?:day|days|month|months|year|years|hour|hours)\b|money[- ]back|replacement|refund|sla\b|"
    r"service\s+credits?|penalt(?:y|ies)|contract(?:ual(?:ly)?)?|warranty|terms\b|net\s+\d+|minimum|after\s+your|"
    r"before\s+your|until\s+your|(?:below|under|above|at\s+least|at\s+most|within)\s+\d)", re.IGNORECASE)


def sentence_so_far(text: str, start: int) -> str:
    """The words of ``start``'s sentence before it (from the last sentence end, or the text's start)."""
    before = text[:start]
    sentence = _SENTENCE_START.search(before)
    return before[sentence.start() + 1:] if sentence else before


def states_terms(text: str, start: int, end: int) -> bool:
    """The sentence around a hit names a term of the deal (a period, a refund, a contract, a minimum)."""
    tail = re.split(r"[.!?;\n]", text[end:], maxsplit=1)[0]
    return bool(_TERMS_IN_SENTENCE.search(sentence_so_far(text, start) + text[start:end] + tail))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def is_a_name(text: str, start: int, end: int) -> bool:
    """One capitalised word inside a sentence ("caching for Unreal teams"): a product's or a place's
    name, not the sender's adjective."""
    word = text[start:end]
    if " " in word or not word[:1].isupper() or word.isupper():
        return False
    before = text[:start].rstrip(" \t")
    return bool(before) and before[-1] not in ".!?:;\n\"'(\u201c"


def describes_a_problem(text: str, hit_text: str, end: int) -> bool:
    """A superlative ending the hit names a problem, not the product ("... become the biggest loss")."""
    return bool(_ENDS_IN_SUPERLATIVE.search(hit_text)) and bool(_PROBLEM_AFTER.match(text[end:]))


def as_a_noun(text: str, start: int) -> bool:
    """The hit's first word follows a determiner, a preposition or a figure in its sentence: a noun."""
    return bool(_NOUN_BEFORE.search(sentence_so_far(text, start)))


FAMILIES: dict[str, list[tuple[float, str, *tuple[str, ...]]]] = {
    "pushy": [
        # A deadline with a consequence: the slot, price or offer is taken away, they are escalated over.
        (STRONG, "(giv*|releas*|hand*|pass*|reassign*|offer*|mov*) ~4 " + _SLOT + " ~3 (someone else|somebody else|"
                 "another|other*|the next)"),
        (STRONG, _SLOT + " ~3 (go*|get*|be|is) (given|handed|releas*|offer*|pass*) ~1 (to|away)"),
        (STRONG, _SLOT + " ~2 (go*|went) to (someone else|somebody else|another|the next)"),
        (STRONG, "(take|treat|read|consider|count|assum*) (that|it|this|silence|your silence|anything else|no repl*) "
                 "(as|is|mean*) a? (no|yes|decline|pass|rejection)"),
        (STRONG, "(pull|withdraw|rescind|revok*|cancel|void|retract) (the|this|my|our|that|your) ~2 (offer|pricing|"
                 "price|discount|proposal|deal|quote|rate|slot|spot)"),
        (STRONG, "(offer|pricing|price|discount|rate|quote|deal|terms) ~4 (is|are|will be|becom*|goes|go) "
                 "(void|null|withdrawn|gone|off|cancel*|revoked|expired|back up|dead)"),
        (STRONG, "no (extension*|exception*) ~2 no (extension*|exception*)"),
        (STRONG, "(not|never) ~4 (make|grant|give|allow|offer) (an|any|another) (exception|extension)"),
        (STRONG, "(not|never) (keep*|hold*) ~3 (open|available|reserv*) (past|beyond|after|longer|any longer)"),
        (STRONG, "(make|have to|going to|got to) (me|to)? (chase|hunt|track) (you|this|down)"),
        (STRONG, "(keep|stop|be) (chas*|follow* up|remind*|ping*) ~2 (forever|indefinit*)"),
        (STRONG, "(if|unless) ~4 (not|no) ~3 (sign*|back|in my inbox|confirm*|receiv*|commit*|hear*|have it|in hand) ~3 "
                 + _DEADLINE),
        (STRONG, "unless you (confirm|sign|reply|respond|commit|agree|decide|accept) ~2 (today|tonight|now|tomorrow|"
                 "by|before|this)"),
        (STRONG, "(either|you either) ~6 (or) (i|we) (pull|withdraw|cancel|give|releas*|mov*|walk|drop)"),
        (STRONG, "(i|we) (need|must have|want|require|expect) ~4 (back|sign*|in my inbox|signature|po|agreement|"
                 "contract|decision|answer|commitment) ~3 " + _DEADLINE),
        (WEAK, "(i|we) (need|must have|want|require|expect) ~6 " + _DEADLINE),
        (WEAK, "(or|otherwise|after that|if not) ~6 (pull|void|lose|lost|gone|hand* (it|them)? (to|over)|"
               "giv* (it|them) to|releas*|escalat*|go* back up|paying list|start* from scratch|to someone else)"),
        # "Escalate this to your director", not "tickets are escalated to a supervisor" (the product's routing).
        (STRONG, "escalat* ~4 (your|to your|above|over) ~3 " + _TITLE),
        (STRONG, "(rais*|tak*|bring*|flag*|escalat*) (this|it|the matter|the issue)? ~2 (with|to) your ~2 " + _TITLE),
        (STRONG, "(go|going|went|gone) (over|above|around) your head"),
        # "I'll copy your boss", not "Should I copy your operations manager?" (an offer).
        (STRONG, "(copy*|cc*|bcc*|forward* this to) your ~2 " + _TITLE, ASSERTED),
        (WEAK, "loop* in your ~2 " + _TITLE),
        (STRONG, "(held|hold*|kept|keep*) (this|the|that|your) ~1 " + _SLOT + " ~3 (long enough|as long as|any longer|"
                 "much longer)"),
        (STRONG, "(client*|customer*|compan*|buyer*|people|prospect*|team*) ~2 (lined up|waiting in line|queu*) ~4 "
                 "(take|for|want|grab)"),
        (WEAK, "(take|grab|snap up|want) (this|that|your) " + _SLOT),
        (STRONG, "(not|no need to)? (drag*|draw*) (this|it|things) out"),
        (STRONG, "(done|tired of|finished|sick of) (waiting|chasing|asking) (on|for)? (you)?"),
        (STRONG, "you (are|were)? (leaving|leave|left) (money|revenue|dollars|savings|cash) ~1 on the table"),
        (WEAK, "every (single)? (day|week|month|hour|minute) (you|that you|of delay)"),
        (STRONG, "you (need|must|have) to? ~3 (get back|reply|respond|answer|decide|confirm|sign|commit) ~3 "
                 "(today|tonight|now|immediately|right away|asap)"),
        (WEAK, "you (need|must|have) to? ~3 (get back|reply|respond|answer|decide|confirm|sign|commit) ~3 "
               "(tomorrow|this week|by|before)"),
        (STRONG, "(only )?(holding|hold|keep*|reserv*) (this|the|that|your) ~1 " + _SLOT + " ~2 (until|till|through|"
                 "past|for another)", ASSERTED),
        (STRONG, _SLOT + " ~2 (will not|is not going to|can not) (be available|last|hold|stay|be held) ~2 (after|past|"
                 "beyond|once|much longer|forever)"),
        (STRONG, "(this|that|it) is your (last|final|only)? ~1 (chance|opportunity|shot|window)"),
        (STRONG, "(do not|never) let (your )?(competitor*|rival*|competition|the competition|other*) ~3 (get|beat|win|"
                 "first|ahead)"),
        (STRONG, "(tell|give|send) me ~3 (yes or no|a yes|a decision|an answer|your answer|a final answer) ~2 "
                 + _DEADLINE),
        (STRONG, "(given|gave|giving) (you|your team) ~2 (plenty of|enough|more than enough|ample|lots of) time"),
        (STRONG, "(my|our) " + _TITLE + " ~3 (want*|need*|expect*|ask*|demand*|insist*) ~2 (an answer|a decision|a yes|"
                 "an update|to hear|to know)"),
        (STRONG, "(if|anyone|anybody|any team|teams) ~2 (you are|really|truly|who is|who are)? serious about ~6 "
                 "(you will|would|will|should|must|need)"),
        (STRONG, "(stop|quit) (putting|pushing) (this|it) off"),
        (STRONG, "(holding|hold) (this|things|everything|us) up"),
        # Not writing again is a courtesy ("I won't follow up again unless you'd like me to", "..., so do get in
        # touch if things change"); it presses when it makes this the last chance.
        (STRONG, "(not|never) (be )?(reaching out|writing|emailing|contacting you|following up) again ~6 "
                 "(chance|last|final|opportunity|window|offer)"),
        (STRONG, "(call|reply|respond|text|ring|get back to) (me)? ~1 (as soon as|the moment|the minute|right when) you "
                 "(see|read|get|open)"),
        (STRONG, "(been|i have been|i am being) (more than|very|extremely|really|incredibly)? (fair|generous|"
                 "reasonable|flexible|accommodating) with (you|my time|the timeline|the deadline|deadlines)"),
        (STRONG, "(need|want|require) you to ~4 (now|today|tonight|immediately|right away|asap|right now)"),
        (STRONG, "i (need|want|require) you to ~5 " + _DEADLINE),
        # A second note is an ordinary follow-up; counting past it is pressure.
        (WEAK, "(this|that|it) is (the|my) second (time|email|messag*|note|attempt|request|follow*|reminder)"),
        # Weak: "This is my third message, so I'll keep it brief" can be a courteous sequence step; a fourth or
        # later is badgering.
        (WEAK, "(this|that|it) is (the|my) (second|third) (time|email|messag*|"
                 "note|attempt|request|follow*|reminder)"),
        (STRONG, "(this|that|it) is (the|my) (fourth|fifth|sixth|seventh|eighth|re:\\d+\\S*) (time|email|messag*|"
                 "note|attempt|request|follow*|reminder)"),
        (STRONG, "(i|we) (have|had)? ~2 (sent|explain*|ask*|told|remind*|resent|re sent|forward*|answer*) ~4 "
                 "(twice|" + _ATTEMPTS + " times)"),
        (STRONG, "nothing (to|left to) (wait|think|mull|consider|decide) (on|about|for|over)?"),
        (WEAK, "(money|revenue|dollars|savings|value) ~1 (left|leaving|leave) on the table"),
        (WEAK, "every (day|week|month|hour|minute) ~3 (wait*|delay*|without|cost*)"),
        (WEAK, "let us (get|wrap) (this|it) (done|signed|over the line|wrapped up|closed)"),
        (WEAK, "full stop"),
        (WEAK, "(i am|i will|i have) (block*|book*|reserv*|set* aside|hold*) ~2 (re:\\d+\\S*|noon|tomorrow|monday|"
               "tuesday|wednesday|thursday|friday) ~3 (to|for) (go over|review|discuss|walk|sign|finali*|call)"),
        (STRONG, "(i|we) need to know (today|now|tonight|tomorrow|by|this week|asap|right away)"),
        (STRONG, "every (day|week|month|hour|minute) (you|your team|you all) (wait|delay|put off|do not act|hesitat*)"),
        (STRONG, "if i (do not|not) (hear|get*) ~2 (back|repl*|answer*|word) by"),
        (STRONG, "(i|we) (will|am going to|are going to) (call|email|contact|go to|escalat* to|reach out to) ~1 "
                 "your (cfo|ceo|coo|cro|boss|manager|supervisor|board|vp|director|head)"),
        (STRONG, "(i|we) expect (you|your team|a decision|an answer) (to|there|by)"),
        (STRONG, "(i have been|i am being|i was|i have been very|i have been more than) patient"),
        (STRONG, "more than enough time"),
        (STRONG, "off the table"),
        (STRONG, "(reply|respond|confirm|decide|commit|sign) (by|before) (re:\\d+\\S*|noon|midnight|today|tonight|"
                 "tomorrow|eod|end of day|end of the day|close of business|cob|lunch*)"),
        (STRONG, "just sign"),
        (STRONG, "(what|nothing) (there is|is there) to (think|mull|consider)"),
        (STRONG, "you (are going to|will|would) (lose|miss|forfeit) (the|this|your|that) ~1 (rate|discount|deal|spot|"
                 "price|pricing|offer|slot|seat|window)"),
        (STRONG, "(i|we) (will not|can not|would not) be able to help you"),
        (STRONG, "not commit (before|by|until)"),
        (STRONG, "my (manager|boss|team|director|vp) (is|are|has been|have been|keep*) ~1 (ask*|push*|chas*|breath*)"),
        (STRONG, "act (now|fast|today|immediately|quickly)"),
        (STRONG, "(now|today) or never"),
        (STRONG, "(last|final) (chance|opportunity|notice|reminder|warning)"),
        # "Last call for the offer", not "on our last call" (a call the two had).
        (STRONG, "(last|final) call", SHARED),
        # "The offer for schools ends on 31 May" may be a real date; a discount that expires, or an offer that
        # vanishes, is pressure.
        (WEAK, "(offer|pricing|price|rate) ~2 (end|expir*)"),
        (STRONG, "(discount|promo*|deal|special (offer|price|rate|pricing)) ~2 (end|expir*)"),
        (STRONG, "(offer|deal|discount|promo*|pricing|price|rate) ~2 (vanish*|disappear*|go away|will not last)"),
        (STRONG, "you ~2 (crazy|mad|foolish|silly|insane|nut|stupid) (not|to pass|to miss|to ignore|to say no)"),
        (STRONG, "do not (miss|wait|delay|sleep on|pass on|pass up|let this)"),
        (STRONG, "(can not|cannot) afford to (wait|miss|ignore|pass|delay|lose|sit)"),
        (STRONG, "(only|just) ~2 (spot*|seat*|slot*|place*|licen*|opening*|space*) ~1 (left|remain*)"),
        (STRONG, "(spot*|seat*|slot*|place*|opening*) ~1 (filling|going) (up|fast|quickly)"),
        (STRONG, "(before|until) it ~1 too late"),
        (STRONG, "(need|must|have to|got to) ~2 (decide|act|commit|sign|lock|buy) ~2 "
                 "(now|today|tonight|immediately|asap|tomorrow|friday|monday|eod|this week)"),
        (STRONG, "(time|clock) is (running|ticking|short)"),
        (STRONG, "running out of time"),
        (STRONG, "(window|door) is (closing|shutting)"),
        (STRONG, "what are you waiting for"),
        # "(it|this)?": "buy it now", not "quoting 8-10 weeks on orders right now".
        (STRONG, "(sign up|buy|order|register|claim|grab|lock in|decide) (it|this|that|them|one|yours|in|up)? (now|"
                 "immediately|right away|asap|today|tonight)", VERB),
        (STRONG, "(reply|respond|call) ~1 (now|immediately|right away|asap)"),
        (STRONG, "asap"),
        # "urgent" on its own is the lexicon's (which knows "urgent cases" describe the prospect's work).
        (STRONG, "(this|it|that|matter|reply|respons*|answer|decision) (is|are|feel*|sound*) "
                 "(very|really|quite|rather)? urgent*"),
        (STRONG, "urgent* (reply|respons*|answer|action|attention|decision|reminder|follow up|notice|matter)"),
        (STRONG, "(sense of|with) urgenc*"),
        (STRONG, "(keep|will keep) (follow*|chas*|ping*|email*|call*|remind*) ~3 (until|till|every)"),
        (STRONG, "(competitor*|competition|rival*) ~4 (already|ahead|leav* you|left you|pass* you|beat* you)"),
        (STRONG, "(get|be|being|got) left behind"),
        (WEAK, "fall* behind"),
        (STRONG, "(fear of missing out|fomo)"),
        (STRONG, "no (excuse|reason) (not to|to wait|to say no)"),
        (STRONG, "(everyone|every team|every company) (is|are) (already|switching|moving|signing)"),
        (STRONG, "(today|tonight) only"),
        (STRONG, "(price*|pricing|rate*|cost*) (go|are going|will go|ris*|increas*|jump*) up? ~3 "
                 "(midnight|tonight|tomorrow|friday|monday|soon|next week|end of)"),
        (STRONG, "(lock|grab|claim|secure) (this|it|them|yours)? in? ~1 (now|today|immediately|tonight)", VERB),
        (STRONG, "need ~2 (answer|decision|reply|yes) ~2 (now|today|asap|immediately|tomorrow|friday|by)"),
        # Showing up, ringing and writing until the prospect gives in.
        (STRONG, "(keep|will keep|am going to keep|going to keep) (follow*|chas*|ping*|email*|call*|remind*|drop* (in|by)|"
                 "stop* (in|by)|com* by|show* up|tri*|try*|writ*|ask*|reach* out|knock*|messag*|text*|ring*|nudg*|"
                 "visit*|pop* (in|by)|send*) ~6 (until|till|unless)"),
        (STRONG, "(not going to|will not|never going to) (stop|give up|go away|quit|let (this|it) go|back off) ~4 "
                 "(until|till|unless)"),
        (STRONG, "i am not going anywhere"),
        (STRONG, "(i will|i am going to) (come|stop|drop|swing|pop|show) (by|in|round|over|up) ~3 (again|monday|tuesday|"
                 "wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|today|this afternoon|this morning|"
                 "at re:\\d+\\S*|next week)", ASSERTED),
        (STRONG, "(i will|i am going to|i will be) (ring*|call*|phon*|text*|try*) (your|you on your) ~1 (mobile|cell|"
                 "cellphone|desk|office|direct line|line|front desk|reception|landline|number|phone) ~4 (again|"
                 "this afternoon|"
                 "tonight|today|tomorrow|at re:\\d+\\S*|every|until)"),
        (STRONG, "keep your (phone|mobile|cell) (handy|on|close|nearby|free|switched on)"),
        (WEAK, "(call|ring|phone|text) me (back)? (tonight|today|now|asap|right away|immediately|this afternoon|"
               "this morning|this evening)"),
        (WEAK, "(make|find) ~2 (time|minut*) for me"),
        (STRONG, "(can not|will not|could not|not able to|unable to) (push|delay|extend|hold off|wait on|postpone|put off|"
                 "drag) (the|this|your|a|my)? (decision|timeline|deadline|it|this|things|date) ~2 (out|back)? "
                 "(any further|any longer|anymore|again)"),
        (STRONG, "no more (delay*|wait*|excuse*|extension*|stall*|back and forth)"),
        (STRONG, "(been|have been) (more than|very|extremely|really|incredibly|pretty|quite)? (fair|generous|reasonable|"
                 "flexible|accommodating|understanding) (on|about) (timing|the timing|the timeline|timelines|the deadline|"
                 "dates|the date|price|pricing|the price|terms|this)"),
        (STRONG, "(i|we) (need|must have|require|expect) ~3 (purchase order|po|payment|deposit|sign off|signoff|approval|"
                 "go ahead|green light|commitment|confirmation|signature|signed|contract|agreement|decision|answer|yes) "
                 "~5 " + _DEADLINE),
        (STRONG, "otherwise (i will|i am going to|we will|i have to|i will have to|i will just) (expect|assum*|take|"
                 "go ahead|book|send|proceed|put you|sign you|bill|charge|escalat*|cancel|give|releas*|pull)"),
        (STRONG, "(order|invoice|contract|booking|paperwork|charge|payment|po) ~2 (through)? anyway"),
        (STRONG, "please (do not|never) (decline|ignore|cancel|reschedule|say no|turn (it|this) down|delete|push (it|this) "
                 "back)"),
        (STRONG, "(tell|let) (them|him|her|everyone|whoever) ~2 (i am|we are) waiting"),
        (WEAK, "i am (still)? waiting (on|for) (you|your|an answer|a reply|a decision|a response)"),
        (STRONG, "(i|we) (expect|will expect|am expecting|are expecting) to (hear|get) (from you|back|your)"),
        (STRONG, "(i|we) (will|am going to) (expect|be expecting) (everyone|you|your team|your answer|your reply|a reply|"
                 "an answer|your signature|your po|the po)"),
        (STRONG, "take it or leave it"),
        (STRONG, "(final|last|best and final) offer"),
        (WEAK, "non negotiable"),
        (STRONG, "(do not|not) have all day"),
        (WEAK, "ball is in your court"),
        (STRONG, "(i am|i will be|we will be) (calling|ringing|phoning|texting) ~4 (tonight|today|tomorrow|this afternoon|"
                 "this evening|again|every)"),
        (WEAK, "(noticed|saw|see|can see) (that)? you (opened|read|clicked|viewed|have opened|have read) ~4 (times|twice|"
               "but|without|yet)"),
        # Scarcity, a visit or a call announced, a demand with a deadline, in more of their forms.
        (STRONG, "before (it is|they are|they have|it has) (gone|taken|snapped up|sold out)"),
        (WEAK, "(please )?(confirm|reply|respond|decide|sign|commit|answer) (it|this)? (today|tonight|now|right away|"
               "immediately)"),
        (STRONG, "(i will|i am going to) be (outside|at|in|downstairs in|waiting (at|in|outside)) your (office|door|lobby|"
                 "reception|shop|store|restaurant|clinic|site|depot|warehouse|building|front desk)", ASSERTED),
        (WEAK, "please (make|find) (the)? time"),
        (STRONG, "(waited|wait*|given you|patient|held|kept|chas*) ~3 long enough"),
        (STRONG, "(need|want|would like|expect|require|must have|looking for) ~2 (yes or no|a yes|a decision|an answer|"
                 "your answer|a final answer|a firm answer|your decision|a reply|your reply) ~3 " + _DEADLINE),
        (STRONG, "no time to (waste|lose)"),
        (STRONG, "(need|must|have to|got to) ~3 (decid*|act|commit*|sign*|lock*|buy|done|finali*|wrap*) ~2 (now|today|"
                 "tonight|immediately|asap|tomorrow|friday|monday|eod|this week)"),
        (STRONG, "(last|final|only) time (i will|i am going to|we will|i can|we can) (offer|extend|hold|ask|reach out|"
                 "email|write|follow up)"),
        (STRONG, "(not|never) take no for an answer"),
        # Windows that close, other buyers waiting, going round in circles, hours counted down.
        (WEAK, "(only|just) (valid|available|good|open|on offer|on the table) (until|till|through|for)"),
        (STRONG, "(after which|after that|after then|beyond that|past that) ~4 (can not|will not|no longer|not) (guarantee|"
                 "promise|hold|honour|honor|offer|keep)"),
        (STRONG, "(need|want) you to (prioriti*|drop everything|put this first|make this a priority|focus on this)"),
        (WEAK, "(over|above|before) everything else"),
        (STRONG, "(my|our|the whole) (team|boss|manager|lawyer*|finance|everyone|whole team|board|ceo|director) (is|are) "
                 "(waiting|standing by|holding) (on|for) (you|your)"),
        (STRONG, "(other|another|more|two|three|several) ~2 re:\\S+ (ready|lined up|waiting|queu*|keen|"
                 "eager) to (sign|take|buy|"
                 "grab|jump|snap)"),
        (WEAK, "if you (pass|say no|decline|hesitate|drag your feet)"),
        (STRONG, "(going|go|went|go*) (round|around) in circles"),
        (STRONG, "(stop|enough) (with the|with all the)? (back and forth|dithering|stalling|delaying|procrastinat*)"),
        (STRONG, "drag* (your|their) feet"),
        (STRONG, "(i will|i am going to) ~6 (every (day|morning|week|hour|afternoon|evening)|daily) until"),
        (STRONG, "(i will|i am going to|i will keep) ~8 until (you|someone|somebody|i) (answer|reply|respond|agree|say yes|"
                 "sign|book|pick up|call|get|hear)"),
        (STRONG, "(you|need to|have to|must|better|should|got to) ~2 (move|act|decide|jump) (fast|quickly|quick|now|"
                 "immediately)"),
        (WEAK, "only ~4 (for|within|until) (the next)? (re:\\d+|one|two|three|a few|a couple of) (hour*|day*)"),
        (STRONG, "how (long|hard|difficult) (does|can|could|is) it (take|be) to (reply|respond|answer|write back|say)"),
        (STRONG, "(not|never|unable to|can not) (be able to)? (keep*|hold*) ~3 (open|available|reserv*|free) (past|beyond|"
                 "after|longer|any longer|much longer|for long|forever)"),
        (STRONG, "(if|unless) ~4 (not|no) ~3 (have|get|see|receiv*) ~1 (the|your|a) (deposit|po|purchase order|payment|"
                 "signature|signed|order|contract|agreement|answer|decision|confirmation) ~2 " + _DEADLINE),
        (STRONG, _SLOT + " ~3 (go*|will go|return*|releas*) back (into|in|to) (the)? (pool|queue|calendar|list|market|"
                         "open)"),
        # A lapse with a fee, everyone waiting on the prospect, the last one in town without it.
        (WEAK, "(lapse*|expir*) ~4 (fee|penalt*|charge|surcharge)"),
        (WEAK, "to get (it|this|the contract|the order|everything|the paperwork) (signed|done|over the line|closed|sorted|"
               "finalised|finalized)"),
        (STRONG, "make sure you (are|will be) (available|free|there|around|by the phone|at your desk|in)"),
        (STRONG, "make sure you (have|have got|got|keep|leave|set aside|block|clear) ~3 (minut*|time|hour*|afternoon|"
                 "morning|diary|calendar) (free|spare|clear|to spare|available|open)"),
        (STRONG, "(just|only|all|still|now)? waiting on (you|your (answer|reply|decision|signature|sign off))"),
        (STRONG, "get (this|it) (done|signed|sorted|over the line|closed|finished) (today|tonight|now|right now)"),
        (WEAK, "get (this|it) (done|signed|sorted|over the line|closed|finished) (this week|by)"),
        (WEAK, "already (spoken|spoke|talked) (to|with) your"),
        (STRONG, "(for|only) (exactly|just|only)? (re:\\d+|one|two|three|four|five|a few|a couple) more (days|hours|weeks)"),
        (STRONG, "(do not|never) be the (only|last|one) ~4 (miss*|left|without|stuck)"),
        (WEAK, "lock in (your|the|this) (rate|price|pricing|discount|spot|slot|place)"),
        (STRONG, "(other|more|several|two|three|many) (buyer*|client*|customer*|compan*|bidder*|part*|clinic*|shop*|firm*|"
                 "studio*|brand*|retailer*|practice*) (are|is)? (interested|keen|asking|waiting|in line|lined up|circling)"),
        (WEAK, "(not|never) (hold|keep|reserve) (it|this|them|your (slot|spot|place|date|price))"),
        # In or out, a handful left, patience wearing thin.
        (STRONG, "(either )?you are (in|on board) or (you are )?(out|not)"),
        (WEAK, "(only|just) ~1 (a handful of|a few|a couple of|two|three|re:\\d+) ~2 (spot*|seat*|slot*|place*|licen*|"
               "opening*|space*|unit*|pallet*)"),
        (STRONG, "(only|just) (keep|hold|honour|honor|offer|guarantee) (this|the|that) (price|rate|pricing|discount|offer|"
                 "slot|spot) (if|until|till|through)"),
        (WEAK, "out of my hands"),
        (WEAK, "(let|letting) (this|it) (slip|pass)"),
        (WEAK, "not let (this|it) (slip|pass|go)"),
        (STRONG, "patience ~2 (wearing thin|running out|running thin|exhausted|gone|at an end)"),
        (WEAK, "(now|then|since then|since) (nothing|silence)"),
        # Counting the attempts, insisting, refusing another extension.
        (STRONG, "for the (third|fourth|fifth|sixth|re:\\d+\\S*|umpteenth|nth) time"),
        (WEAK, "(in|into) my (forecast|pipeline|commit|numbers)"),
        (WEAK, "yes or no"),
        (WEAK, "only (applies|apply|valid|available) ~4 (by|before|until) (the)? (re:\\d+\\S*|end|close)"),
        (STRONG, "(you are|you will be) on your own"),
        (STRONG, "(do not|never) leave it (to|until|till) the last (minute|moment|second)"),
        (STRONG, "(i|we) must insist"),
        (STRONG, "(extended|moved|pushed) the (deadline|date|timeline) ~2 (twice|again|already|three times|several times|"
                 "more than once)"),
        (STRONG, "(will not|is not going to) be (a|another) (third|second|further|fourth)? (extension|chance|reminder|"
                 "offer)"),
        # A yes demanded by a deadline, the last slot, a visit in the present tense, "answer this time".
        (STRONG, "(only|but only|just) if you ~3 (say yes|sign*|commit*|confirm*|decide|agree|accept|repl*|respond|"
                 "book*|lock*|pay|order) ~3 " + _DEADLINE),
        (WEAK, "(one|last|final|a single|one more|my last|our last) ~2 (spot*|seat*|slot*|place*|licen*|opening*|"
               "space*|unit*|table*) ~1 (left|remain*)"),
        (STRONG, "(answer|pick up|reply|respond|call back|get back to me|write back) ~2 (this time|for once)"),
        (STRONG, "(i am|we are) (coming|stopping|dropping|swinging|popping) (by|in|round|over) (at|to)? (your|the) ~2 "
                 "(store|shop|office|clinic|site|warehouse|depot|restaurant|practice|premises|yard|farm|showroom|plant|factory|"
                 "building|place|branch|salon|studio|hotel|school|surgery|kitchen|reception) ~2 (on|this|next|tomorrow|"
                 "today|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|at)", ASSERTED),
        (WEAK, "(i will be|i am|we will be) (calling|ringing|phoning) (you)? at re:\\d+\\S*", ASSERTED),
        (WEAK, "(time|high time|about time) (we|you|to) (settl*|sort*|clos*|wrap*|finali*|put) (this|it|things|the matter) "
               "(out|up|to bed)?"),
        # A yes demanded, the reader told to stop delaying, every day of waiting counted, writing until they give in.
        (STRONG, "(i|we) (need|want|expect|am after|are after) (a|your) (yes|go ahead|green light|sign off)"),
        (STRONG, "(i|we) (need|want|expect) (a|your) (decision|answer|commitment|signature) ~1 (today|now|tonight|"
                 "this week|asap|right away|immediately|by)", ASSERTED),
        (STRONG, "stop (sitting on|stalling|dragging your feet|dragging it out|putting (it|this|that|things) off|"
                 "hesitat*|procrastinat*|overthink*|dither*|wait* around|making excuses)"),
        (STRONG, "(every|each) (single)? (day|week|month|hour) (that)? you (hold off|wait|delay|hesitat*|put (it|this) off|"
                 "do not (act|decide|reply|respond|sign|move)|sit on)"),
        (STRONG, "(check in|follow up|email|call|write|ping|chase|keep at it|try again) ~6 (and|then)? the day after "
                 "(that|tomorrow)"),
        (STRONG, "(i will|i am going to|we will|we are going to) (keep|be)? ~2 (check* in|follow* up|email*|call*|"
                 "writ*|ping*|chas*|remind*|nudg*|try*) ~6 until (we|you|i) (have|get|hear|book|reply|respond|agree|"
                 "say|sign|pick|lock)"),
        (WEAK, "make it (today|this week|tomorrow|now|tonight)"),
        # Gone forever after Friday, a reply by the end of the day, "stop considering and sign", the deal handed to
        # someone else, no more discussion.
        (STRONG, "(gone|disappear*|vanish*|go away|lost) (forever|for good)"),
        (STRONG, "(the|this is the|it is the) (last|final) (week|day|days|hours|weekend|month) ~6 (pricing|price|offer|"
                 "discount|rate|deal|exist*|availab*|spot*|slot*)"),
        (STRONG, "(can you|could you|please|you must|you need to|i need you to|make sure you) ~1 (confirm|reply|respond|"
                 "decide|answer|sign|get back to me|commit) ~4 (by|before) (end of day|the end of the day|eod|close of "
                 "business|cob|tonight|this evening|this afternoon|noon|midnight|tomorrow|first thing)"),
        (STRONG, "stop (consider*|think*|deliberat*|wonder*|weigh*|shop* around|look* around|compar*) ~2 (and|then) "
                 "(sign|buy|order|book|commit|decide|say yes|reply|call|act|choose)"),
        (STRONG, "(client|buyer|customer|importer|supplier|offer|deal|price|factory|they|we|i|partner) (will not|can not|"
                 "is not going to|are not going to) wait"),
        (STRONG, "(goes|go|will go|pass*|offer* it|give* it|hand* it|sell* it) to (another|someone else|the next (supplier|"
                 "farm|company|buyer|vendor|person|one|in line|practice|client)|your competitor*|a competitor)"),
        (STRONG, "i (expect|need|want|await) (the|your|a) ~3 (signed|signature|reply|answer|decision|payment|confirmation|"
                 "po|order|contract|deposit) ~3 (by|before) (end of day|eod|tonight|this evening|this afternoon|noon|"
                 "midnight|tomorrow|today|monday|tuesday|wednesday|thursday|friday)"),
        (STRONG, "no point (in)? (discuss*|talk*|negotiat*|debat*|wait*|think*) ~3 (anymore|any more|any longer|further)"),
        # "Don't expect us to squeeze you in", "You must place the order this week", "nothing I can do for you".
        (STRONG, "(do not|never) expect (us|me) to (squeeze|fit|find|make room|hold|keep|wait)"),
        (STRONG, "you (must|need to|have to|will have to) (place|sign|confirm|pay|order|commit|decide|book|make|send) ~4 "
                 "(this week|today|now|tonight|by|before|immediately)"),
        (STRONG, "nothing (i|we) (can|could|will be able to) do (for you|about it|to help)"),
        (STRONG, "(please)? call me (today|now|immediately|asap|right away|straight away|this afternoon)"),
        (STRONG, "(i|we) will need (a|your) (decision|answer|commitment|signature|yes) ~1 (today|now|tonight|this week|"
                 "by|asap|right away|immediately)"),
        # An offer vanishing at 5pm today, booking within hours, no exceptions, the back of the queue.
        (STRONG, "(disappear*|expir*|ends|end|goes|vanish*|closes|close) (at|by|after) (re:\\d+\\S*|midnight|noon|five|six) "
                 "(today|tonight|tomorrow|on)"),
        (STRONG, "(closes|ends|expires|goes) (tonight|today|at midnight|at noon)"),
        (STRONG, "(will not|would not|can not) be able to offer (it|this|that|the price|the rate|the slot) (again|later|"
                 "after)"),
        (STRONG, "reply with a yes"),
        (STRONG, "(in|within) the next (few|couple of|re:\\d+|twenty four|forty eight) (hours|minutes)"),
        (STRONG, "(can not|will not|do not) make (an|any)? exception*"),
        (STRONG, "or wait (until|till) next (year|quarter|month|season|spring|summer|autumn|fall|winter)"),
        (STRONG, "(not|never) (extending|extend|holding|hold|keeping|keep) (this|the|that|these) ~2 (pricing|price|offer|"
                 "slot|rate|deal|spot|place) ~3 (for anyone|any longer|again|past|beyond)"),
        (STRONG, "(go|goes|going|sent|put) to the back of (the|a) (very)? (long)? (queue|line|list)"),
        (STRONG, "(will not|would not) be holding (it|this|them|the slot|the place|the spot) (for you)?"),
        (WEAK, "(already|are|is) gone"),
        # "Don't overthink this", "I need you to ...", signatures by tomorrow, "stop wasting time", going over their head.
        (STRONG, "(do not|never) overthink"),
        (STRONG, "send me (your|the) (signature|signed|po|payment|order|deposit) ~6 (by|before|today|tomorrow|tonight)"),
        (STRONG, "i need you to (get|put|forward|sign|confirm|decide|introduce|book|call|reply|send|make|tell|commit)"),
        (STRONG, "stop wasting (my|our)? time (on|with)"),
        (STRONG, "(go|going|went|head) (straight)? (to|over) your ~2 " + _TITLE + " (instead)?", ASSERTED),
        (STRONG, "(i will|i am going to|i would) take (it|that|your silence) as a sign"),
    ],
    "hype": [
        # Promised results and claims nobody can check.
        (STRONG, "(unlike|like) (anything|nothing) ~5 (ever|has seen|have seen|seen before|before)"),
        (STRONG, "(nobody|no one|nobody ever|never) (thought|believed|imagined|dreamed|dreamt) ~3 (possible|could)"),
        (STRONG, "(promise|guarante*|swear) ~4 (will|you will|you would|to|would) ~2 (double|triple|quadruple|grow|"
                 "increas*|boost|cut|halve|save|see|hit|re:\\d+x)"),
        (STRONG, "will (double|triple|quadruple|skyrocket*|explod*|re:\\d+x) ~3 (in|within) (re:\\d+|a|one|two|three|"
                 "six|the first)"),
        (STRONG, "(competitor*|everyone|everybody|every re:\\S+|the whole industry|the industry) ~4 "
                 "(scrambl*|rush*|racing|trying) to (copy|catch up|imitat*|keep up)"),
        (STRONG, "(last|only) ~5 (will|would) ever (need|want|use|buy|make|hire|switch to)"),
        (WEAK, "explod*"),
        (STRONG, "(revenue|sales|growth|pipeline|number*|booking*|business|membership*|lead*|result*|they|you) ~2 "
                 "(will|would|just|going to|are going to) (explod*|skyrocket*|soar*|go through the roof)"),
        (WEAK, "the future of"),
        (WEAK, "(quite simply|simply|just|absolutely) (perfect|flawless|the best)"),
        (STRONG, "every (single)? (customer|client|user|team|company) ~2 (has|have|is|are)? ~1 (doubl*|tripl*|"
                 "quadrupl*|10x|re:\\d+x|skyrocket*|transform*)"),
        (STRONG, "(zero|no|minimal) effort ~2 (maximum|massive|huge|big|instant) (result*|return*|gain*|growth|roi)"),
        (STRONG, "prepare to be (amazed|blown away|impressed|stunned|wowed|astonished)"),
        (STRONG, "(biggest|greatest|largest|most important) (breakthrough|innovation|leap|advance|revolution) ~4 "
                 "(in|of) ~3 (re:\\d+|history|years|decade*|century|ever|a generation|a lifetime)"),
        (WEAK, "you will (see|get|achiev*|hit|make) ~2 re:\\d+ ~1 (roi|return*|increas*|growth|more|boost|lift)"),
        (WEAK, "(no|without a) (question|doubt)"),
        (STRONG, "(will|going to) (complete*|total*|forever|fundamental*|radical*) (change|transform*|revolution*|"
                 "reinvent*)"),
        (WEAK, "chang* (how|the way) you (run|do|think about|work)"),
        (WEAK, "the only (company|platform|tool|vendor|solution|product|one) ~3 (that can|who can|that does|"
               "in the world|on the market)"),
        (STRONG, "off the chart*"),
        (STRONG, "(blow*|blown|blew) away"),
        (STRONG, "(best|smartest|greatest|wisest) (decision|move|investment|call) (you|your team|your company|you all) "
                 "(will|would|could|can|ever) ~1 (make|made)"),
        (STRONG, "(unbeliev*|incredib*|insan*|ridiculous*|absurd*|crazy|stupid*) (powerful|good|fast|effective|"
                 "accurate|simple|easy|cheap|smart|profitable)"),
        (STRONG, "sound* (fake|too good|unreal|made up|impossible)"),
        (STRONG, "(disrupt*|revolutioni*|transform*|reinvent*|upend*) the (entire|whole) (industry|market|space|sector|"
                 "game|field)"),
        (STRONG, "100 percent? (real|legit|true|proven|effective|certain)"),
        (WEAK, "(this|it) is (huge|massive|enormous|insane|wild)"),
        (STRONG, "guarante*", TERMS),
        (STRONG, "(game|life|career|business) chang*"),
        (STRONG, "revolution*"),
        (WEAK, "disrupt*"),
        (STRONG, "best (in|of) (class|breed)"),
        (STRONG, "(world|industry|market|class) (leading|class|beating)"),
        (STRONG, "(second to none|unmatched|unparalleled|unrivaled|unrivalled|unbeatable|unstoppable)"),
        (WEAK, "re:\\d+x"),
        (STRONG, "(double|triple|quadruple|multiply|explode|skyrocket*|supercharg*|turbocharg*) your "
                 "(revenue|pipeline|sales|growth|lead*|meeting*|conversion*|reply|close|roi|income|profit*|booking*|"
                 "deal*|result*|output|productivity|number*|business)"),
        (STRONG, "(blow|blew|blown) your mind"),
        (STRONG, "mind (blow*|bend*)"),
        (STRONG, "jaw drop*"),
        (STRONG, "knock* your sock*"),
        (STRONG, "too good to be true"),
        (STRONG, "never seen anything like"),
        (STRONG, "100 percent? (free|guarante*|risk*|satisf*|success)"),
        (STRONG, "(completely|totally|absolutely|entirely) free"),
        (STRONG, "(no|zero|without) (risk|downside)"),
        # "No catch, no upsell calls" may reassure a free offer; with another claim it is a pitch.
        (WEAK, "(no|zero|without) catch"),
        (WEAK, "no strings attached"),
        (STRONG, "risk free"),
        (STRONG, "(amazing|incredible|unbelievable|insan*|phenomenal|astonish*|astound*|stunning|epic|magic*|"
                 "miracul*|spectacular|sensational|extraordinar*|breathtaking|staggering|ridiculous|crazy) "
                 "(result*|roi|growth|return*|saving*|number*|deal|offer|price|platform|tool|product|solution|"
                 "opportunity|value)"),
        (WEAK, "(awesome|fantastic|phenomenal|astonish*|astound*|stunning|epic|extraordinar*|spectacular|"
               "sensational|staggering|breathtaking|unprecedented|massive|ultimate|miracul*|magical)"),
        (STRONG, "(once in a lifetime|opportunity of a lifetime)"),
        (STRONG, "(magic|silver) bullet"),
        (STRONG, "secret (weapon|sauce|formula)"),
        (STRONG, "(cutting|bleeding) edge"),
        (STRONG, "state of the art"),
        (STRONG, "next (gen|generation)"),
        (STRONG, "best (ever|on the market|in the world|there is)"),
        (STRONG, "world (best|first|leading|most)"),
        (STRONG, "(transform|revolutioni*|change) your (business|life|company|career|team) "
                 "(overnight|forever|in days|in minutes)"),
        (STRONG, "overnight (success|result*)"),
        (STRONG, "(most|best) ~1 (powerful|advanced|innovative|complete|comprehensive) ~1 "
                 "(tool|platform|solution|product|software|system) ~1 (ever|on the market|on the planet|in the world|"
                 "available|out there)"),
        (STRONG, "(nothing|no one|nobody|none|no other re:\\S+) (else)? ~2 (come*|compare*|get*) (remotely|anywhere|even|"
                 "vaguely)? close"),
        (STRONG, "(nothing|no one|nobody|none) ~4 (can|could) (compare|compete|match|touch|beat)"),
        (STRONG, "(like nothing|unlike anything) (else|you have ever)"),
        # What a product does to a market, and a writer's insistence that it is no exaggeration.
        (STRONG, "(wonder|imagine|remember) how (you|they|anyone|we|people|your team|everyone) ~4 without (it|us|this|"
                 "them)"),
        (STRONG, "(never|nobody|no one|not one|not a single re:\\S+) ~3 (ever)? ~1 (gone back|went back|go back|going back|"
                 "switched back|switch back|look* back|regret*|churned|cancel*)"),
        (STRONG, "(best|smartest|greatest|wisest) (decision|move|investment|choice) ~3 ever"),
        (WEAK, "(every|each|any) (single)? re:\\S+ (that|who|which) ~2 (tried|tries|tested|used|uses|switched|adopted|"
               "bought|installed) (it|us|our)"),
        (WEAK, "no exception*"),
        (STRONG, _IS_THE_MOST + " ~6 (ever|in a generation|in history|of the decade|of the century|of all time|"
                 "all year|this year|of the year|on the planet|in the world)"),
        # Since what, in how long: the new rules may be "the biggest change in years"; a product rarely is.
        (WEAK, _IS_THE_MOST + " ~6 (since|in decades|in years|in re:\\d+ years)"),
        (WEAK, "the " + _SUPERLATIVE + " (thing|product|platform|tool|solution|app|software|system|innovation|breakthrough|"
               "leap|change|development|advance|email|news)"),
        (STRONG, "so (good|fast|powerful|easy|effective|simple|accurate|far ahead|far beyond|advanced|smart|far) ~6 "
                 "(unfair|cry|cried|tears|illegal|cheating|magic|scared|afraid|jealous|standing still|stand still|"
                 "look* like|sell* itself|speaks for itself)"),
        (STRONG, "(product|it|result*|number*|platform|data|work|tool|review*|record|track record|testimonial*) (speak*|"
                 "sell*) (for)? (itself|themselves)"),
        (STRONG, "(competitor*|rival*|competition|the big re:\\S+|everyone else|everybody else|other (firm*|shop*|compan*|"
                 "brand*|practice*|player*|team*|re:\\S+ers|re:\\S+ist*)) ~5 (scared|afraid|terrified|jealous|envious|"
                 "not (be able to|able to)? keep up|can not keep up|left in the dust|eat* (your|their) dust|"
                 "play* catch up|asking (you|how))"),
        (STRONG, "(light years|miles|leagues|streets|head and shoulders) (ahead|above|beyond)"),
        (WEAK, "ahead of the curve"),
        (STRONG, "(unfair advantage|feel* (unfair|like cheating))"),
        (STRONG, "(fly|flying|flew|flies) off the shel*"),
        (STRONG, "(lines|line|queue*) (out|around|round) the (door|block|corner)"),
        (STRONG, "through the roof"),
        # "Your classes sell out every day" is the prospect's news; "would be booked out permanently" is a promise.
        (STRONG, "(booked|sold) (out|solid) (permanently|forever|for years|for months|all year|for good|"
                 "months in advance)"),
        (STRONG, "(will not|can not|not) (be able to)? keep (them|it|up with demand) (in stock|on the shel*)"),
        (STRONG, "(rewrit*|rewrote|redefin*|reinvent*|break*|broke|tear* up|tore up) the (rules|playbook|game|category|mold|"
                 "mould|rule book|rulebook)"),
        (STRONG, "(redefin*|reshap*|reinvent*) (the|what|how) ~2 (entire|whole)? ~1 (industry|market|category|space|sector|"
                 "possible|world|game|standard)"),
        (STRONG, "(hottest|most talked about|buzziest) (new)? (spot|place|restaurant|ticket|name|brand|product|tool|thing|"
                 "app|shop|venue|table|destination)"),
        (STRONG, "talk of (the|their|your) (town|city|industry|street|neighbourhood|neighborhood|block)"),
        (STRONG, "(instantly|overnight|immediately)? (become|becomes|would become|will become) the (most re:\\S+|best|top|"
                 "number one|hottest|biggest|go to)"),
        (STRONG, "(instantly|overnight) (become*|transform*|doubl*|tripl*|chang*|turn*)"),
        (STRONG, "(become*|jump*|soar*|skyrocket*|explod*|take* off|doubl*|tripl*|grow*|fans|success*|transform*) ~3 "
                 "overnight"),
        (WEAK, "(they|you|sales|revenue|booking*|business|number*|membership*|referral*) (explode|explodes|take off|"
               "takes off|soar|soars)"),
        (WEAK, "(do not|does not|did not|will not|is not|are not) just ~6 (it|they|you|we|but) (creat*|becom*|transform*|"
               "explod*|chang*|doubl*|tripl*|turn*|make*|build*|deliver*|giv*)"),
        (STRONG, "(not|no) ~1 (an|just an|just another|merely an|simply an)? (incremental|small|minor|modest) "
                 "(improvement|upgrade|change|step|tweak)"),
        (WEAK, "(completely|totally|entirely|fundamentally) (different|new) way (of|to)"),
        (STRONG, "(chang*|transform*|reinvent*|revolutioni*) everything"),
        (STRONG, "(people|customer*|client*|guest*|patient*|user*|they|staff|buyer*|visitor*) ~2 (literally)? (cry|cried|"
                 "weep*|wept|gasp*|scream*) (during|at|when|after|in|with)"),
        (STRONG, "(nobody|no one|none of us) will (remember|believe|recogni*|use|be using|care about|think about)"),
        (STRONG, "(doubt|bet) (that)? (anyone|anybody|nobody|no one) will (still)? (be using|use|remember|care)"),
        (STRONG, "(more|better|bigger|faster) than (you|they|anyone|we) (ever)? (dreamed|dreamt|imagined|thought possible|"
                 "believed possible)"),
        (STRONG, "(wildest|beyond your) (dream*|expectation*|imagination)"),
        (STRONG, "(no|zero) (real)? (competition|equal|rival|comparison)"),
        (STRONG, "nothing (else)? (like it|like this|like us|out there|on the market|that comes close)"),
        (STRONG, "(beyond|ahead of|better than) anything (else)? (out there|on the market|available|you have|in the market|"
                 "else)"),
        (STRONG, "(not|no|without) exaggerat*"),
        (STRONG, "i kid you not"),
        (WEAK, "trust me"),
        (WEAK, "(completely|totally|entirely) (solv*|eliminat*|fix*|remov*|end*)"),
        (WEAK, "(solv*|fix*|eliminat*|end*) ~4 (forever|for good|once and for all|permanently)"),
        (WEAK, "never (have to|need to)? (think|worry|stress) about ~3 again"),
        (STRONG, "(blow|blew|blown|blowing) ~3 away"),
        (WEAK, "(ecstatic|euphoric|obsess*|raving fans|devoted fans|cult following)"),
        (STRONG, "(instant|overnight|explosive|exponential|massive) (result*|roi|growth|success|return*|gains|boost)"),
        (WEAK, "immediate (roi|results|success|growth)"),
        (STRONG, "(you|they) (will not|would not|can not) believe (the|how|what|your|it|this|their)"),
        (STRONG, "(holy grail|best kept secret)"),
        (WEAK, "(to|the) next level"),
        (STRONG, "(crush|dominate|destroy|obliterate|annihilate|steamroll|outclass) (your|the) ~1 (competition|competitor*|"
                 "rivals|market|industry|category)"),
        (STRONG, "out of the water"),
        (STRONG, "leave ~3 in the dust"),
        (STRONG, "(works|work) every (single)? time"),
        (STRONG, "never fails"),
        (WEAK, "(the|a) (perfect|ultimate) (solution|answer|fix|tool|platform)"),
        (STRONG, "everyone is talking about"),
        # Figures, transformations and leadership claimed, the product as a superpower.
        (WEAK, "re:[1-9]\\d{2,} (percent)? (roi|return*|increas*|growth|lift|boost|improvement|more revenue)"),
        (STRONG, "(absolute*|complete*|total*|radical*|fundamental*|dramatic*|forever|utter*) (transform*|revolutioni*|"
                 "chang*|reinvent*|overhaul*)"),
        (STRONG, "(transform*|chang*|revolutioni*|fix*|solv*) ~6 overnight"),
        (STRONG, "(undisputed|unrivalled|unrivaled|unquestioned|absolute) (leader|king|champion|number one|best)"),
        (WEAK, "(market|industry|category|world|global) leader*"),
        (STRONG, "(superpower*|super power*|rocket fuel|secret weapon|cheat code|magic wand|x factor)"),
        (STRONG, "never (want|need|have) to (use|look at|consider|try) (anything|anyone|another) (else)?"),
        (STRONG, "(simply|just|truly|absolutely|literally|frankly|honestly|pure|utterly) (unreal|insane|incredible|amazing|"
                 "phenomenal|mind blowing|astonishing|staggering|ridiculous|bonkers|nuts|magic*|miracul*|extraordinary|"
                 "spectacular|sensational)"),
        (WEAK, "unreal"),
        (STRONG, "(this|it|we|our re:\\S+) (is|are) the future of"),
        (STRONG, "(is|are|be|have|offer|built|provide|got) ~1 the (most re:\\S+|best|fastest|smartest|biggest) ~4 "
                 "(in the (entire|whole) re:\\S+|on the market|anywhere|in existence|out there|available today)"),
        (STRONG, "(make*|made|leave*|left) (your|the) (competitor*|rival*|competition|everyone else|other re:\\S+) ~1 "
                 "(look|seem|feel|looking) ~2 (amateur*|dinosaur*|slow|silly|outdated|ancient|obsolete|old|stone age|"
                 "prehistoric|like)"),
        # Never again, out of this world, competitors envious, money machines.
        (STRONG, "(you will|you would|you are going to|they will|they would) (literally)? never ~5 again"),
        (STRONG, "out of this world"),
        (STRONG, "green with envy"),
        (STRONG, "(competitor*|rival*|competition) ~4 (envy|envious|jealous|weep|cry|panic*|nervous|worried|sweat*|"
                 "shaking|trembl*|losing sleep)"),
        (STRONG, "nothing short of"),
        (STRONG, "sliced bread"),
        (STRONG, "(practically|basically|virtually|literally) ~1 (run*|do*|sell*|writ*|pay*|manag*) ~3 (for you|itself|"
                 "themselves)"),
        (STRONG, "(run*|runs) (itself|your business for you)"),
        (STRONG, "(no|nothing) (better|finer|faster|smarter|stronger) ~2 (on the planet|in the world|anywhere|on the market|"
                 "out there)"),
        (WEAK, "(on the planet|in the known universe|in the galaxy)"),
        (STRONG, "(money printing|money making|cash) machin*"),
        (STRONG, "print* money"),
        (STRONG, "turn* ~3 into (gold|a goldmine|a gold mine|goldmine*|money machin*|cash cow*|powerhouse*|a powerhouse|"
                 "household name*|legend*)"),
        # Imagine-never, flawless every time, the world's best, paying for itself.
        (STRONG, "(imagine|picture) (never|no more|doubling|tripling|a world|your re:\\S+ (doubling|tripling))"),
        (STRONG, "(flawless*|perfect*) ~2 every (single)? time"),
        (WEAK, "every single time"),
        (STRONG, "(wonder|ask*|asking) ~2 why (they|you|we) (waited|did not|had not|never|ever)"),
        (STRONG, "world (smartest|fastest|best|greatest|most advanced|most powerful|most intelligent|most accurate|"
                 "first and only|number one)"),
        (WEAK, "(world|industry|market|planet|nation) (re:\\S+est|most)"),
        (STRONG, "(near|almost|practically|virtually) perfect (accuracy|result*|record|score|uptime)"),
        (STRONG, "(perfect accuracy|zero errors|never wrong)"),
        (STRONG, "pay* for (itself|themselves) (in|within) (days|hours|a week|weeks|no time|a month|the first)"),
        (WEAK, "(pay*|paid) for (itself|themselves)"),
        (STRONG, "(will|would) thank (you|me|us)"),
        (STRONG, "(this|it) is (going to be|will be) (huge|massive|enormous|big|a game changer|transformative|"
                 "revolutionary)"),
        (STRONG, "(years|way|far|decades|generations) ahead of (anything|everyone|everybody|any|the competition|the rest|"
                 "all)"),
        (STRONG, "(result*|number*|roi|growth|outcome*|saving*|impact) (are|is|have been|were) (staggering|incredible|"
                 "amazing|"
                 "insane|unbelievable|phenomenal|mind blowing|off the chart*|extraordinary|jaw dropping|astonishing|"
                 "spectacular)"),
        (WEAK, "on the map"),
        (STRONG, "(customer*|client*|people|guest*|patient*|buyer*|shopper*|diner*) (will be|would be|will|are going to be) "
                 "(lining up|queuing|queueing|flocking|pouring in|beating down your door|begging)"),
        (STRONG, "(phone|inbox|calendar|till|tills|register) (will not|never) stop (ringing|buzzing|filling)"),
        (STRONG, "(it is|it) (just|really|honestly|simply)? that good"),
        # Superlatives on the market, selling out in days, demand beyond belief.
        (STRONG, "the " + _EST + " (and|or)? ~3 (on the market|in the world|money can buy|anywhere|in existence|out there|"
                 "on earth)"),
        (STRONG, "(sell|sold|selling|sells) out (in|within) (days|hours|minutes|a day|a week|weeks|seconds)"),
        (STRONG, "demand (is|has been|will be) (insane|unreal|crazy|through the roof|off the chart*|huge|enormous|massive|"
                 "explosive)"),
        # The Rolls-Royce of its kind, a league of its own.
        (STRONG, "the (rolls royce|ferrari|porsche|tesla|cadillac|gold standard|holy grail|apple|iphone) of"),
        (STRONG, "league of (its|their|our) own"),
        # "cut fuel costs in half overnight", not "cut overnight render times" (a word must come between).
        # Overnight results, magic, no going back.
        (STRONG, "(cut*|halv*|slash*) re:\\S+ ~3 overnight"),
        (STRONG, "(think*|say*|swear*|call*) (it is|it)? (pure|like|literally)? magic"),
        (STRONG, "bar none"),
        (STRONG, "fall* in love (with)? (it|us|the re:\\S+)? (instantly|immediately|at first|overnight)"),
        (STRONG, "never (lose|miss|drop) ~4 again"),
        (WEAK, "never ~5 again"),
        (STRONG, "(are|is) (quite simply|simply|truly|literally|honestly|just)? the future"),
        (STRONG, "(outperform*|outsell*|outclass*|outshine*) (any|every|all|anything|everything|everyone|anyone)"),
        (WEAK, "by miles"),
        (STRONG, "no going back"),
        # Forget what you know, effortless, the best they have ever hired.
        (STRONG, "forget everything you (know|knew|thought)"),
        (STRONG, "(completely|totally|entirely|utterly|absolutely) effortless"),
        (WEAK, "effortless*"),
        (STRONG, "(call*|say*|tell*) (us|it) (is|are)? the (best|greatest|smartest|most re:\\S+)"),
        (STRONG, "(best|greatest|finest) ~4 (they|you|we|i) (have)? ever"),
        (STRONG, "in a (different|higher|whole other|class of its own|league of its own) (class|league)"),
        # Absolutes of performance nobody can check: every single one caught, eliminated completely, almost instantly.
        (WEAK, "literally (zero|no|every|all|never|nothing|anything|everything|the)"),
        (WEAK, "without (exception|fail)"),
        (STRONG, "(catch*|stop*|prevent*|find*|fix*|detect*|block*|spot*|flag*|resolv*|answer*|eliminat*) every "
                 "single"),
        (STRONG, "(completely|totally|entirely|fully) (eliminat*|erad*|remov*|end*|wip* out)"),
        (STRONG, "(eliminat*|erad*|wip* out|get* rid of) ~4 (completely|entirely|forever|for good|once and for all|"
                 "overnight)"),
        (STRONG, "(by|of|to) re:\\d+ ~1 (almost|nearly|practically|virtually)? (instantly|overnight|immediately|"
                 "in no time)"),
        (STRONG, "(most|best|smartest|fastest|biggest|greatest|leading) ~3 (in|on) the (industry|market|planet|world) "
                 "(without exception|bar none|period|full stop|no contest|hands down)"),
        # Weak: "the best-reviewed app in our category" may be a fact the email goes on to show.
        (WEAK, _IS_THE_MOST + " ~5 (in the industry|on the market|in the market|in its class|in (the|our|your) (sector|"
                 "field|space|category|business|trade))"),
        (STRONG, "(you will not|you would not|you will never) believe (you|how|what)"),
        # Unprecedented, in existence, fourfold in a week, absolute zero, never hire again, "not a projection".
        (STRONG, "(is|are|was|truly|simply|completely|totally|genuinely) unprecedented"),
        (WEAK, "unprecedent*"),
        (STRONG, _EST + " ~8 (in existence|on earth|on the planet|ever built|ever made|ever created)"),
        (STRONG, "will (double|triple|quadruple|skyrocket*|explod*|re:\\d+x) ~3 (in|within) (the)? (first)? (week|month|day|"
                 "year|quarter) (one|1)?"),
        (STRONG, "absolute zero"),
        (WEAK, "(fall*|drop*|cut*|reduc*|go|goes|fell|brought) to zero"),
        (STRONG, "never (need|have) to (hire|buy|pay for|worry about) (another|again|anyone|any)"),
        (STRONG, "(not|never) a (projection|prediction|estimate|forecast|promise|hope|guess)"),
        (STRONG, "(it is|this is|that is) a (certainty|sure thing|dead cert|given|foregone conclusion)"),
        (STRONG, "(go|going|goes|will go|about to go) (stratospher*|into orbit|to the moon|supernova)"),
        (WEAK, "stratospher*"),
        # Buyers who cannot resist, offers pouring in, the biggest innovation since, markets dominated, nothing else
        # comparable, "speaks for itself".
        (STRONG, "(simply|just) can not (resist|say no|get enough|stop)"),
        (STRONG, "(offer*|order*|lead*|booking*|call*|customer*|enquir*|inquir*|sale*) (pour|pours|pouring|flood|floods|"
                 "flooding|roll|rolls|rolling) in"),
        (WEAK, "every (single)? time"),
        (STRONG, "(most important|biggest|greatest|largest) (innovation|breakthrough|advance|development|invention|leap) "
                 "~4 since"),
        (STRONG, "(will|going to|set to) dominat*"),
        (STRONG, "(not one|not a single|no more|never a|never another) ~3 ever again"),
        (STRONG, "(no other|nothing else|no one else|nobody else|nothing) ~5 (comes close|compares|can compete|can match|"
                 "even close|deserves to be compared|deserve to be compared|in the same league)"),
        (WEAK, "(speaks|speak) for (itself|themselves)"),
        # Every single client, tenfold overnight, viral within days, promised jumps, nothing better anywhere.
        (STRONG, "(with|for|across|at) every single re:\\S+"),
        (STRONG, "(tenfold|ten fold|twentyfold|hundredfold|re:\\d+x|re:\\d+fold) (overnight|instantly|in days|in a week|"
                 "immediately)"),
        (STRONG, "(go|goes|went|going) viral (within|in) (days|hours|a week|a day|weeks)"),
        (STRONG, "(promise|guarante*|swear) ~4 (will|would) (jump|soar|rise|climb|leap|rocket) ~2 (by|at least)"),
        (STRONG, "(nothing|no one|nobody|no tool|no platform) (is)? (more|better) ~5 (anywhere|on the market|in the world|"
                 "out there)"),
        (WEAK, "(absolutely|totally|completely) love (it|us|them)"),
        (WEAK, "(full stop|end of story)"),
        # The ultimate, 100%-proof, everything else obsolete, famous overnight, the breakthrough the industry waited for.
        (STRONG, "(is|are) (quite simply|simply|truly)? the ultimate"),
        (STRONG, "re:100 (percent)? ~1 (proof|safe|secure|accurate|reliable|effective|guarante*|success*)"),
        (STRONG, "(every other|all other|any other) ~4 obsolete"),
        (STRONG, "obsolete (overnight|instantly|immediately)"),
        (STRONG, "(famous|rich|viral|a household name|market leader*) overnight"),
        (STRONG, "(has|have) (all)? gone viral"),
        (WEAK, "at the very (minimum|least)"),
        (STRONG, "the (breakthrough|solution|tool|product|platform|answer|revolution) ~2 (the whole|the entire|every) ~3 "
                 "(industry|market|sector|world|trade) (has been|have been|is|was) waiting for"),
        (WEAK, "literally (nobody|no one|everyone|everybody)"),
        # The most significant advance in a century, incidents down to zero.
        (STRONG, _IS_THE_MOST + " ~6 (in a century|in decades|in a lifetime|in living memory)"),
        (WEAK, "down to zero"),
    ],
    "guilt_tripping": [
        # Sunk effort and personal sacrifice, feelings the prospect is made responsible for, silence.
        (STRONG, "i ~2 (spent|gave up|gave|sacrific*|burn*|lost|gone without|skip*|cancel*|work* through|wast*) ~4 "
                 + _SPARE_TIME),
        (STRONG, "i ~3 (stay*|work*|was up) (late|up late|overtime|through the night|all night)"),
        (WEAK, "(rearrang*|reshuffl*|mov*|clear*|block*|cancel*|juggl*) my (whole|entire|own)? (schedule|calendar|diary|"
               "plans|week|day|morning|afternoon|evening|weekend|monday|tuesday|wednesday|thursday|friday)"),
        (STRONG, "(all|so much|this|that) (that|this|of that|of this|my|the)? (work|effort|time|research|prep*|analysis|"
                 "hours) ~4 (sit|go to waste|wast*|for nothing|in a drawer|in a folder|gather* dust|unused|unread|"
                 "matter*|count* for|go unnoticed|ignored)"),
        (STRONG, "(effort|work|hours) ~3 (was|were|be|been|being) (seen|noticed|acknowledg*|recogni*|wasted)"),
        (STRONG, "(none|nothing) of (it|this|that|my re:\\S+|what i) ~2 (matter*|mean*|count*)"),
        (STRONG, "after (everything|all) (that|this|of that|of this|the|my)? ~2 (i|we) (have|had)? ~1 (done|sent|put|"
                 "spent|tried|given|gave|did|"
                 "offer*|prepar*|built|shar*|invest*)"),
        (WEAK, "after (all that|all of that|all this|all of this|everything)"),
        (STRONG, "(kinder|better|more respectful|more polite|fairer|more decent) than (silence|ignor*|nothing|no repl*|"
                 "no respons*|being ignored|leaving me|no answer)"),
        (STRONG, "(deserv*|understand*|explain*|reason for|why the|rather than|instead of|met with|greeted with|"
                 "answer* with|after) ~2 (the|this|such|your|all the)? silence"),
        (STRONG, "you (have|had)? ~1 (gone|went|go*) ~1 (quiet|silent|dark|mia|awol)"),
        (STRONG, "(did|done|have done|said|wrote|sent) something (wrong|to deserve|to upset|to offend|to annoy)"),
        (STRONG, "(what|something) (i|we) ~1 (did|done|said|wrote) to (deserve|upset|offend|annoy)"),
        (STRONG, "(not sure|do not know|no idea) what (else|more) (i|we) (can|could|am supposed to|should) (do|try)"),
        (STRONG, "what (else|more) (can|could|should|am) (i|we) (do|try|say)"),
        (STRONG, "(be|being|been|get*|got|feel*) left hanging"),
        (STRONG, "(lack of|no|not getting|not hearing|not to get|not get*) ~3 (respons*|repl*|answer*|word|"
                 "acknowledg*|feedback) ~4 " + _HURT),
        (STRONG, _HURT + " ~5 (not|no|never|lack of) ~4 (heard|repl*|respon*|answer*|back|word)"),
        (STRONG, "(it is|i have found|i find|i found|i am finding|i feel|it feel*|that is|i will admit) ~3 "
                 "(disheart*|discourag*|demorali*|deflat*|embarrass*|gutt*|crush*)"),
        (STRONG, "(embarrass*|humiliat*|awkward position|look bad|look foolish|look silly) ~4 (for me|me|my " + _TITLE
                 + "|my team)"),
        (STRONG, "(make|made|making|makes) me look (bad|foolish|silly|stupid|like)"),
        (STRONG, "(tell|explain to|report to|answer to|admit to) ~3 (my|our|them) " + _TITLE + "? ~6 (not heard|"
                 "no repl*|no respons*|silence|ignor*|you have not|you did not)"),
        (WEAK, "(i|we) ~2 (shared|told|showed|promis*|mention*) ~3 (my|our) (leadership|boss|manager|director|vp|ceo|"
               "head)"),
        (STRONG, "(worth|deserv*|merit*) (a|even a|at least a|one|the courtesy of a)? (quick|short|simple|brief|"
                 "one line|single)? (reply|respons*|answer|acknowledg*|word)"),
        (STRONG, "(i|we) ~3 deserv* ~3 (repl*|respons*|answer|better|courtesy|acknowledg*|to know|an explanation)"),
        (WEAK, "(i would have|i had|would have) (hoped|expected|thought|assumed)"),
        (WEAK, "(not even|even|at least) (a|one) (one line|single|quick|short|simple|brief)? (reply|respons*|answer|"
               "acknowledg*|word|line|no)"),
        (STRONG, "(sent|emailed|called|left) (you)? ~2 " + _ATTEMPTS + " (email*|messag*|note*|follow*|reminder*|"
                 "voicemail*|call*)"),
        (STRONG, "(expected|hoped|thought) ~4 (to count|would count|count*) for (something|anything)"),
        (STRONG, "(went|go|going|gone) out on a limb"),
        (STRONG, "(put|putting|staked|stake|risk*) my (reputation|neck|name|credibility) ~2 (on the line|for you|"
                 "recommend*|vouch*)"),
        (STRONG, "(tak*|took) ~2 (the|your|this|it|that)? silence personal*"),
        (STRONG, "(at least|the) (have the)? (decency|courtesy|manners) to"),
        (STRONG, "(at least|even|just|simply) the (decency|courtesy|respect|manners) of"),
        (STRONG, "courtesy of a (reply|no|response|answer|yes or no|quick no|call|word)"),
        (STRONG, "i ~2 (cancel*|miss*|skip*|gave up|postpon*) (a|my|our) ~1 (family|kid*|daughter*|son*|birthday|"
                 "anniversary|wedding|dinner|holiday|vacation|date night)"),
        (STRONG, "(invest*|spent|put|pour*|sunk|sank) ~4 (my own|my personal|my free|my spare) (time|money|evening*|"
                 "weekend*|hours)"),
        (STRONG, "my (quota|target|number*|job|bonus|commission|review|month|quarter) ~1 (depend*|ride*|hing*|rest* on|"
                 "is on the line|count* on|reli*)"),
        (STRONG, "(days|weeks|months|re:\\d+) of (silence|no repl*|no respons*|radio silence|nothing)"),
        (STRONG, "my (email*|messag*|note*|call*|effort*|work|time) ~3 (not important|not matter|not worth|"
                 "do not matter|does not matter|mean nothing|not a priority|not valu*)"),
        (STRONG, "(all|the least) (i|that i) (ask|am asking|ask for)"),
        (STRONG, "i (thought|felt|believed) we (had|were|shared) ~3 (connection|rapport|relationship|understanding|"
                 "friends|on the same page)"),
        (STRONG, "(shame|pity|waste) ~6 (go* to waste|for nothing|in vain|wast*)"),
        (STRONG, "(effort|work|time|research|hours) ~4 (for nothing|in vain|go* to waste)"),
        (STRONG, "(i am|i was|i feel|i felt|it is|that is|it was|it has been|honestly) ~3 (disappoint*|let down|"
                 "sting*|stung|hurt*|hurtful|upset*|offend*)"),
        (STRONG, "(radio silence|silent treatment|crickets)"),
        (STRONG, "(is|was) it something (i|we) (said|did|wrote|sent)"),
        (STRONG, "(feel*|seem*|get*|getting) personal"),
        (STRONG, "(thought|expected|assumed|hoped) ~2 (you were|you would be|you would|someone who|someone like you) ~8 "
                 "(different|better|replied|respond*|care*|get back|courtesy|at least)"),
        (WEAK, "at least ~2 (take a look|get back|reply|respond|let me know|acknowledge|look|answer|open)"),
        (STRONG, "do the right thing"),
        (STRONG, "(that|this|it) is on you"),
        (STRONG, "(i have|i) done my part"),
        (STRONG, "turn* ~2 (other*|people|client*|customer*) away"),
        (STRONG, "i ~2 (went|gone|go|going) above and beyond"),
        (STRONG, "(mean a lot|mean the world|mean so much) ~6 (repl*|respond*|hear*|get back|answer*|just)"),
        (STRONG, "(would|will|could) (really|truly)? mean (the world|everything)"),
        (WEAK, "(would|will|could) (really|truly)? mean (a lot|so much)"),
        (STRONG, "(how much|so much|all this|all that|all the|all of this|all of the) (time|work|effort|energy|"
                 "research) (i|i have|we|we have|that i|that we)"),
        (STRONG, "i ~1 (spent|gave up|sacrific*|gave|burn*|lost) my (whole|entire)? (weekend|evening|night|saturday|"
                 "sunday|holiday|vacation|day off|lunch break)"),
        (STRONG, "still waiting (to hear|for (a|your) (repl*|respons*|answer)|on you|for you)"),
        (STRONG, "(not heard|no repl*|no respons*|no answer|heard nothing|not hear*) ~2 back? ~3 (surpris*|strange|odd|"
                 "disappoint*|concern*|shock*|baffl*|puzzl*)"),
        (STRONG, "(same|common|basic|simple) courtesy"),
        # Not "I've written twice, so this will be my last note" (a courteous second touch); three times is badgering.
        (STRONG, "i (have)? (reach* out|email*|writ*|wrote|tri*|messag*|call*|contact*|ping*|follow* up) ~3 "
                 "((several|many|multiple|numerous|re:\\d+|three|four|five|few|couple|dozen) "
                 "(tim*|email*|messag*|attempt*|note*|follow*)|repeatedly|again and again)"),
        (STRONG, "(since|as|because|given) (i|we) ~2 (not|never) (heard|got*|receiv*|had) ~3 "
                 "(back|repl*|respons*|answer*)"),
        (STRONG, "(still|yet) ~1 no (repl*|respons*|answer*|word)"),
        (STRONG, "still (nothing|silence|radio silence|not a word|not a peep)"),
        # "You've ignored my emails", not "If you're happy with what you have, ignore this."
        (STRONG, "you ~2 (ignor*|not (repl*|respond*|answer*|get* back|got* back|writ* back))", ASSERTED),
        # "You keep ignoring me", not "if returns aren't a headache yet, ignore me" (an honest way out).
        (STRONG, "ignor* (me|my (email*|messag*|note*|call*))", ASSERTED),
        (STRONG, "(disappoint*|hurt|upset|offend*|frustrat*|sad) ~5 (not|no|never) ~2 "
                 "(heard|repl*|respon*|answer*|back|word)"),
        (STRONG, "(disappoint*|hurt|upset|offend*) ~3 (that|when|if) you"),
        (STRONG, "least you (could|can) do"),
        (STRONG, "(shame|pity|rude|unfair) (if|for you|not to|to miss|to let)"),
        (STRONG, "do not you (care|want|think)"),
        (STRONG, "(do|did|have) you even (read|open*|look*|see|care*)"),
        (STRONG, "(spent|invested|put|took) ~2 (hours|days|weeks|ages|so much time|a lot of time|all day|all week|"
                 "all weekend) ~5 (for you|on this|putting|research*|prepar*|writ*|build*|craft*|making)"),
        # "This is my last email", not "the confusion in my last email" (a real earlier message).
        # Weak: "This is my last note on this" may close a sequence politely; with pressure or reproach it counts.
        # "My final attempt to get your attention" is pressure in itself.
        (WEAK, "(this is|this will be|that is|it is|consider this|here is) my (last|final) (email*|messag*|follow up|"
               "note)"),
        (STRONG, "(this is|this will be|that is|it is|consider this|here is) my (last|final) (attempt*|try|chance)"),
        (WEAK, "my (last|final) (attempt*|try)"),
        (STRONG, "(assum*|guess|take it|take that as|suppos*) ~2 (you|your team|that you) ~2 "
                 "(not (interest*|care*|a priority)|do not care)"),
        (STRONG, "(you|your team) (owe|owes) (me|us|it to)"),
        (STRONG, "(let|leaving|leave) (me|us) hanging"),
        # A negative imperative is the plea itself ("don't leave me hanging"): the negator opens the pattern.
        (STRONG, "(do not|never) (leave|let) (me|us) hanging"),
        (STRONG, "ghost*"),
        (STRONG, "(surely|i would have thought|i would think) you ~2 (care|want|would|see|understand)"),
        (STRONG, "(only|just) (take*|need*) ~2 (second|minute|moment) ~4 (to reply|to respond|to answer|to say)"),
        (STRONG, "courtesy ~3 (repl*|respons*|answer*)"),
        # Favours the sender did, that the prospect now owes something for.
        (STRONG, "(thought|hoped|assumed|believed|figured|expected) (that|this|it|all that|all this|our re:\\S+|my re:\\S+|"
                 "loyalty)? ~3 (meant|would mean|count*|matter*|would matter) (something|anything|for something|more)"),
        (WEAK, "i guess (it|that|this) (did not|was not|does not|is not)"),
        (STRONG, "(did|done|was|been|were|be|all) ~3 for nothing"),
        (STRONG, "(i|we) (was|were|am|are|have been|had been)? (really|truly|honestly)? (count*|rely*|reli*|bank*) on "
                 "(hearing|hear*|you|a reply|your)"),
        (STRONG, "turn* ~2 (other*|people|client*|customer*) ~2 away"),
        (STRONG, "(surprised|disappointed|sad|hurt|shocked|saddened|gutted|upset|stung) to (see|hear|learn|find out|"
                 "discover|"
                 "notice) ~8 (went with|gone with|going with|chose|chosen|picked|signed with|switch* to|moved to|"
                 "getting quotes|get* quotes|another|someone else|elsewhere|a competitor|other supplier*|other vendor*)"),
        (STRONG, "i (even|also) ~4 (for free|free of charge|at a discount|at cost|at no charge|myself|at my own expense|"
                 "out of (my own)? pocket|on my own dime|my own money)"),
        (STRONG, "i (have|had)? (even|also|already)? (did|gave|paid|drove|flew|kept|held|threw|bought|took|made|spent|"
                 "reshot) ~6 (for free|free of charge|at a discount|at cost|at no charge|at my own expense|"
                 "out of (my own)? pocket|on my own dime|my own money)"),
        (WEAK, "(at|on|in) my own (expense|dime|cost|time)"),
        (STRONG, "out of my own pocket"),
        (STRONG, "(hate for|would hate for) ~3 to (find out|learn|hear|discover|miss out|lose|suffer)"),
        (STRONG, "(i would hate|hate) to think (i|we|that|this|all)"),
        (STRONG, "(the|your) (kids|children|patients|residents|students|customers|staff|families|community|members|"
                 "employees|animals|pets|clients|guests) (are|will be|would be|is) the ones (missing out|suffering|paying|"
                 "who suffer|who lose|losing|who miss out)"),
        (STRONG, "(how|why) ~5 (can|could) (justify|explain|defend|live with)"),
        (WEAK, "(hard|difficult|tough) to (understand|believe|see) (why|how)"),
        (STRONG, "(thought|assumed|believed|figured) you (cared|would care|care)"),
        (WEAK, "(know|realise|realize) i am (just|only)? (a|one)? (small|little|tiny|one person) (supplier|business|company|"
               "shop|team|vendor|operation|outfit|player)"),
        (WEAK, "(tight|tough|hard|difficult|slow|lean|rough) (for us|for me|for my (family|business|team))"),
        (STRONG, "(taken|take|taking|took) (me|us)? for granted"),
        (WEAK, "i ~2 (kept|held|saved|set|put) ~5 aside for you"),
        # Silence, effort poured in, trouble gone to, promises held against the prospect.
        (STRONG, "(not|no|never) (heard|got|gotten|received) (a peep|a word|a single word|a thing|a whisper|so much as)"),
        (WEAK, "(not|no|never) (heard|got|gotten|received) anything (back)?"),
        (STRONG, "i (have|had)? (put|poured|sunk|invested|spent|sank) (a lot of|so many|countless|many|hours|days|weeks|"
                 "so much|a ton of|loads of|a great deal of|real) ~2 (hours|time|work|effort|energy|days|weeks|evenings|"
                 "nights|thought) ~3 (this|your|you|the proposal|the deck|the model|the analysis|the report|the plan)"),
        (WEAK, "(drove|flew|travelled|traveled|came|walked|took the train) ~4 (to meet|to see|to visit|all the way|out to|"
               "to your)"),
        (WEAK, "and (then)? (nothing|silence)"),
        (STRONG, "(i|we) (expected|had expected|would have expected) (better|more) (from|of)?"),
        (STRONG, "(my|our) (kids|children|family|wife|husband|partner|daughter|son|dog) ~4 (barely|hardly|did not|never|"
                 "missed) ~2 (saw|see|seen|me|had me)"),
        (STRONG, "(into|in|to) a (black hole|void)"),
        (STRONG, "(shouting|screaming|talking|writing|emailing) into the (void|wind|abyss)"),
        (STRONG, "(bent|bend|bending) over backwards"),
        (STRONG, "(went|gone|go|going) to (a lot of|great|so much|considerable|real|a great deal of) (trouble|lengths|"
                 "effort)"),
        (WEAK, "(went|gone|go|going) the extra mile"),
        (WEAK, "you (said|promised|told me) (you|that you) (would|will) (get back|reply|respond|call|let me know|look)"),
        (STRONG, "(took|take|taking) you at your word"),
        (STRONG, "(not sure|wonder|wondering|no idea) why i (even)? (bother*|tri*|try)"),
        (STRONG, "why (do|did) i (even)? bother"),
        (STRONG, "why (we|i) (even)? (bother|keep trying)"),
        (STRONG, "too much to ask"),
        (STRONG, "(this|that|is this|is that) (is)? how you (respond|repay|treat|reply|thank)"),
        (STRONG, "i (have)? even (offered|gave|went|drove|flew|waived|cut|threw in|matched|dropped|lowered|discounted|held|"
                 "kept|reserved|turned down|passed on|covered|paid|stayed)"),
        # Running out of ways to ask, explaining to the manager, favours and loyalty.
        (STRONG, "running out of (ways|ideas) (to|of) (ask*|say*|reach*|get*)"),
        (WEAK, "(chased|chasing|followed up|following up|pinged|pinging|emailed|emailing) (this|you)? (for|over) (weeks|"
               "months|ages|a month|days)"),
        (STRONG, "(explain|justify|answer for) ~2 (to)? (my|our) (manager|boss|director|vp|team|ceo|head|board|partner*) "
                 "(why|how)"),
        (STRONG, "(nobody|no one) (showed up|turned up|came|joined|attended|dialled in|dialed in)"),
        (STRONG, "(every|each|your) (reply|response|answer|order|sale|email) (really)? (matters|means a lot|counts|means "
                 "the world) (to us|to me)"),
        (WEAK, "out of (loyalty|respect|kindness|goodwill|friendship)"),
        (WEAK, "heard nothing"),
        (STRONG, "(your|the|this) silence (says|speaks|tells|is telling|is deafening|is loud)"),
        (STRONG, "deafening"),
        (STRONG, "you (cancelled|canceled|bailed|no showed|did not show|stood me up) ~4 (notice|last minute|minutes before|"
                 "hour*|without)"),
        (STRONG, "vouch* for you"),
        (STRONG, "(this|it|that) is (a bit|a little|quite|rather|very|really|getting|becoming)? (embarrassing|humiliating)"),
        (STRONG, "think (of|about) the (kids|children|patients|residents|students|families|animals|people|community|staff|"
                 "employees|customers) (who|that|you)"),
        (STRONG, "(letting|let|lets) (your|the|my|everyone|them|us|me|people) ~3 down"),
        (STRONG, "by (ignoring|not answering|not replying to|not responding to) (this|me|my|us)"),
        # Other work held back, late nights, silence that hurts the team.
        (STRONG, "(held|put|turned) (back|aside|down|off) (other|my other|all other) (work|client*|project*|job*|deal*) ~4 "
                 "(for you|on you|to focus)"),
        (STRONG, "what (i|we) (did|have done|had done|must have done) wrong"),
        (STRONG, "(i|my (whole)? team|we|my staff|our team|my colleague*) ~2 (pulled|put in|stayed|worked|were up|"
                 "was up) ~2 "
                 "(late nights|all nighters|all nighter|overtime|long hours|late|weekends|nights)"),
        (STRONG, "(silence|lack of (reply|response)|no reply|no response) ~3 (hard|tough|difficult|painful|upsetting|"
                 "disappointing|discouraging) (on|for) (them|us|me|the team|everyone)"),
        # Work turned down, special trips, counting on the order, vouching and defending.
        (STRONG, "(passed on|turned down|declined|said no to|gave up) (another|other|a|two|several|some) ~2 (project*|"
                 "client*|job*|offer*|work|booking*|deal*|contract*|commission*) ~4 (so|to|for|because|keep|be available)"),
        (WEAK, "no (word|reply|response|answer|news) from you"),
        (WEAK, "left with nothing"),
        (STRONG, "(made|took) (a|the) (special|long|separate|dedicated) (trip|journey|drive|detour)"),
        (STRONG, "(would have been|it would be|it would have been) nice to (at least)? (get|hear|receive|have)"),
        (STRONG, "at least (get|a|get a|receive a) (thank you|thanks|acknowledg*|reply|response)"),
        (STRONG, "some people (just)? (do not|never|can not) (reply|respond|answer|bother)"),
        (STRONG, "(been|was|were|am|are|really|truly) (counting|banking|relying|depending) on (this|your|you|hearing)"),
        (STRONG, "remember (that|this|us|me) when you (decide|choose|think|make)"),
        (STRONG, "(defended|stood up for|went to bat for|stuck my neck out for|fought for) (you|your)"),
        (STRONG, "(do not|never) prove (them|me|everyone|him|her) (right|wrong)"),
        (WEAK, "would make my (day|week|month)"),
        # Days spent, hopes of being ignored, the team told, favours done at the sender's cost.
        (STRONG, "(spent|put in|invested|lost|given up) ~2 (two|three|several|re:\\d+|full|whole|entire) ~1 (full|whole|"
                 "entire)? (days|weeks|evenings|nights|weekends|hours) (on|building|preparing|writing|researching) (your|"
                 "this|the)"),
        (STRONG, "(hope|hoping) ~4 (ignored|unread|binned|deleted|forgotten|wasted|in the bin)"),
        (STRONG, "(hard|difficult) not to (feel|be|take)"),
        (STRONG, "(i was|i was so|i felt) (sure|certain|confident) you (would|will) (reply|respond|get back|call|be "
                 "interested|write)"),
        (STRONG, "i (even|already) (told|promised|said to|assured) (my|our)"),
        (WEAK, "(go back and|have to|now i have to|i will have to) (explain|tell them|tell him|tell her|admit)"),
        (STRONG, "you (have|had)? (vanished|disappeared|fallen off the face|dropped off the face)"),
        (WEAK, "(at|on) our (own)? (expense|cost|dime)"),
        (STRONG, "(i|we) (have|had)? (done|did|run|ran|given|gave|provided|sent) (three|two|several|multiple|numerous|"
                 "re:\\d+|so many|a few) ~2 (free|complimentary|unpaid) ~3 for you"),
        (STRONG, "(keeps|kept|keep) asking (me)? why (we|i) (bother|keep|are still)"),
        (STRONG, "(my|our) (job|livelihood|position|role|bonus|commission|business|family) ~2 (at risk|on the line|at "
                 "stake|depends|rides|hinges)"),
        (WEAK, "(told|promised|assured) my (boss|manager|director|team|vp|head)"),
        # Rules bent, exceptions defended, something wanted in return.
        (STRONG, "(bent|bend|broke|broken|stretched|waived) (our|the|my) (usual)? (rules|policy|policies|terms)"),
        (STRONG, "(defend*|justify|justified) ~3 (to|with) my (director|boss|manager|vp|team|ceo|head|board)"),
        (STRONG, "(see|get|expect|ask for|want) (something|anything|a little) in return"),
        (STRONG, "(a little|some|a bit of|any)? (loyalty|gratitude|appreciation) (in return|back)"),
        # Prices held, favours done, promises and bargains kept.
        (STRONG, "(held|kept|froze|frozen|locked) your (price|prices|rate|rates|pricing) ~4 (when|while|even|despite)"),
        (STRONG, "(done|did) you (a lot of|so many|several|plenty of|many|a few|a|a big|a huge) (favour*|favor*)"),
        (STRONG, "(told|promised) my (wife|husband|partner|kids|family|daughter|son) ~6 (but|stayed|instead)"),
        (WEAK, "(hope|hoping) (it|that|this) (was|is|will be) worth it"),
        (STRONG, "you promised ~4 you (would|will)"),
        (STRONG, "(kept|held up|done) my (end|side|part) of the (bargain|deal)"),
        (WEAK, "(would be|be) nice if you"),
        # The sender's feelings at the silence, work left unacknowledged, what a reply would mean to them.
        (STRONG, "(left|leave|leaves|leaving|makes|making|made|make) me (feel|feeling)? (a bit|a little|rather|quite|"
                 "very|pretty|so|somewhat|kind of|a tad|slightly|really)? (foolish|silly|stupid|embarrassed|ignored|"
                 "invisible|unappreciated|small|hurt|disappointed|deflated|discouraged|dishearten*|dejected|demorali*|"
                 "rejected|unwanted|worthless|awful|terrible|unwelcome|used)"),
        (STRONG, "i (am|was|have been|am starting to|am beginning to|have started to|have begun to|can not help but|"
                 "can not help)? (feeling|feel|felt) (a bit|a little|rather|quite|very|pretty|so|somewhat|kind of|"
                 "a tad|slightly|really|honestly)? (ignored|invisible|foolish|unappreciated|brushed off|snubbed|overlooked|"
                 "forgotten|rejected|unwanted|used|let down|deflated|discouraged|dishearten*|dejected|demorali*|hurt|"
                 "fobbed off|stonewalled|sidelined|dismissed)"),
        (STRONG, "(tough|hard|difficult|painful|discouraging|frustrating|disheartening|demoralising|demoralizing|upsetting|"
                 "draining) (to|when i|when you) (keep)? (hear*|get*|receiv*|meet*|be met with) (nothing|no repl*|"
                 "no respons*|silence|no answer|no word)"),
        (STRONG, "(would|will|does|really would|would really) (really)? mean (a lot|so much|the world|a great deal|"
                 "everything) to me"),
        # The sender's own work ("all that work to go unacknowledged"); "this work goes unnoticed by management" may
        # be the prospect's staff, so going unnoticed is not enough.
        (STRONG, "(all that|all this|all my|all our|all of my|all of that|my|that|this) (work|effort|hard work|time|"
                 "hours|research|preparation|prep) ~2 (go|goes|gone|going|went|to go|be|been|was|being|is)? "
                 "(unacknowledged|unappreciated|unanswered|ignored|for nothing|in vain|unread)"),
        # "I'd hoped you'd be pleased", not "I hope you'll like it" (the stem of "hoped" is the stem of "hope").
        (WEAK, "(i|we) (had|would|would have|had really|really had) hoped you (would|will|might) (be pleased|like it|"
               "love it|appreciate|be happy|reply|respond|get back|write back|at least)"),
        (WEAK, "(could|can|would|please|if you could|if you would) (you)? (just)? at least (let me know|reply|respond|"
               "tell me|acknowledge|write back|send|say|give me|answer)"),
        (WEAK, "i (have)? (put|poured|sunk|pour*|putting) ~3 (heart|soul|love) into"),
        (STRONG, "(put|poured|sunk|pour*|putting) ~3 (heart|soul|love) into ~5 (for you|for your|specific*|especial*|"
                 "just for)"),
        (STRONG, "(stop|quit) (ignor*|avoid*|dodg*|ghost*|screen*) (me|this|my|us|our)"),
        (STRONG, "(more times than|too many times to) (i|we)? (can|could|care to|would like to)? (count|remember|mention)"),
        (STRONG, "lost count of (how many|the) (times|emails|messages|calls|attempts)"),
        # The reader as the one failing their people: standing in their way, letting them down, the sender's remorse
        # imagined in their place.
        (STRONG, "(do not|please do not|you would not want to|you will not want to) let (them|your|him|her|everyone|"
                 "the team|the people|those) ~2 down"),
        (STRONG, "(you|you are) ~3 (only|one|person|thing|obstacle|last) ~2 (standing|stand|stands) (between|in the way|"
                 "in their way|in front of)"),
        (STRONG, "(standing|stand|stands) in (their|your team|your people|your staff) ~1 way"),
        (STRONG, "i would (feel|be) (awful|terrible|bad|guilty|horrible|sick|ashamed|gutted) ~4 (in your position|"
                 "in your shoes|if i were you|if i was you|knowing|if i ignor*|if i let)"),
        # Time since the first email counted, the silence reproached, the prospect's people hurt by the unread message,
        # "I'd hate to be the manager who let that go on".
        (STRONG, "(week*|month*|day*) since i (first)? (wrote|emailed|reached out|contacted|messaged|sent) ~6 (and nothing|"
                 "no reply|no answer|not a word|silence|no response|nothing back)"),
        (STRONG, "(given up|give up|stopped|stop) (expecting|hoping for|waiting for) (a|any|your) (reply|response|answer)"),
        # The sender's message left unread, not "nothing sits unanswered over a weekend" (the product's work).
        # Plain words: "note" would stem into "not", "nothing" into a prefix of it.
        (STRONG, "(my|this|the|our) ~1 (message|email|proposal|offer|letter|invitation|quote) (sits|sit|"
                 "sitting|stays|stay|remains|remain|lies|lie|lying|goes|go|left|has sat|has been sitting) (unread|"
                 "unanswered|ignored|forgotten|untouched|on your desk|in your inbox)"),
        (STRONG, "(i would hate|i would not want|nobody wants|no one wants|you would not want) to be the ~2 (who|that) "
                 "(let*|allow*|ignor*|miss*|pass* on|turn* down|said no|chose|left)"),
        (STRONG, "still (has|have)? not (repl*|respond*|answer*|get* back|got* back|writ* back|acknowledg*)"),
        (STRONG, "(would|will) be (upset|surprised|disappointed|shocked|sadden*|angry|unhappy|dismay*|hurt) to (learn|know|"
                 "hear|find out|discover|see) ~3 (that|the|how|it|a|what)"),
        (WEAK, "(your re:\\S+|they|your people|your team|your staff) deserve (better|to)"),
        (STRONG, "without a (word|peep|single reply|reply|sound|response|answer) (back|in return|from you|from your)"),
        (STRONG, "(hard|difficult|impossible) to understand why (nobody|no one|you|your team|anyone) ~4 (has|have|had) "
                 "(not)? (made time|replied|responded|found time|answered|got back|gotten back)"),
        (STRONG, "(hurts|painful|hard|sad|upsetting|humiliating) to be (ignored|overlooked|brushed off|left on read|"
                 "passed over)"),
        (WEAK, "(appreciate|grateful for) (even|at least|just) a (short|brief|quick|one line|one word|simple)? "
               "(answer|reply|response|no)"),
        (STRONG, "(keep|kept) (receiv*|getting|hearing|get) (nothing|no reply|silence|no answer|no response)"),
        (WEAK, "(nothing|silence) in return"),
        (STRONG, "(every|each) (day|week|month) (that)? you (leave|let|keep) ~3 (unanswered|unread|waiting|on your desk|"
                 "sitting|ignored)"),
        # Attempts counted ("my fifth email", "in three separate emails", "seven emails now"), no answer still,
        # nobody looking, weeks since the first note, the reader's people left to suffer, the sender's effort spent,
        # "it's really up to you", "surely they're worth fifteen minutes".
        (STRONG, "(it is|this is|now|here is) ~1 my (fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                 "re:\\d+[snrt][tdh]) (email|message|attempt|follow up|time|try|letter)"),
        (STRONG, "in " + _ATTEMPTS + " (separate|different)? (emails|messages|letters|calls|voicemails|attempts)"),
        (STRONG, _ATTEMPTS + " (emails|messages|letters|calls|voicemails|attempts) (now|later|in|so far|and counting)"),
        (STRONG, "still (did not|have not|has not|had not) ~1 (get|got|gotten|had|receiv*|heard) ~2 (answer|reply|"
                 "response|word)"),
        (STRONG, "(because|since|as) (nobody|no one) (look*|read*|open*|answer*|repl*|respond*) ~2 (at)? (our|my|the)"),
        (STRONG, "(been|now|it is) ~2 (week*|month*|day*) since my (first|last|original|initial) (note|email|message|"
                 "letter)"),
        (STRONG, "(every|each) (day|week|month) without (an|a|your|any)? (answer|reply|response|decision|word)"),
        (STRONG, "(taken|took|take|taking) time out of my (week|day|schedule|weekend|evening*|morning*|busy)"),
        (STRONG, "(hard|painful|sad|difficult|heartbreaking) to watch (them|your|you)"),
        (STRONG, "(can not|could not|can never) (seem to)? get (even)? a (one line|single|simple|short|quick|one word)? "
                 "(reply|answer|response)"),
        (STRONG, "(your|they|their) ~3 (is|are) worth (a|an|fifteen|ten|twenty|five|thirty|re:\\d+) ~2 (minut*|call|reply|"
                 "chat|conversation|answer|moment)"),
        (STRONG, "(sitting|sat|lying|left|gathering dust) (unopened|unread|unanswered|ignored) (in your inbox|"
                 "on your desk)"),
        (STRONG, "how (they|your team|your staff|your people|your re:\\S+) (would|will|might) feel if (they|she|he) "
                 "(knew|learned|found out|heard)"),
        (STRONG, "(done|did|tried) everything (i|we) (can|could) ~6 (up to you|your move|your turn|on you)"),
        (STRONG, "(solution|offer|proposal|email|message|help|fix) (went|goes|go|has gone|had gone) (unread|unanswered|"
                 "ignored|unopened|unnoticed)"),
        (STRONG, "(i would hate|i hate|hate) for (your|you|them) ~3 (keep|continue|to keep|to continue) (pay*|suffer*|"
                 "los*|struggl*|wast*|wait*)"),
        # Trials held open while others waited, hearing nothing, "the courteous thing to do", the third one sent,
        # each time tailored, heard nothing since, "they're the ones who pay", "worth my time".
        (STRONG, "(while|as) other (schools|clients|customers|companies|firms|practices|brands|teams|people) (waited|"
                 "wait|were waiting|queued)"),
        (STRONG, "(frustrat*|disappoint*|annoy*|hard|difficult) to (keep|hold) ~3 (and|then) hear nothing"),
        (STRONG, "(would have been|would be|is) (the)? (courteous|polite|decent|professional|kind|respectful) (thing|"
                 "response|reply)"),
        (STRONG, "the (second|third|fourth|fifth|sixth) (one|email|message|note|letter) (i have|i) (sent|written|"
                 "emailed)"),
        (STRONG, "each time i (put|spent|took|invested|poured) ~3 (work|time|effort|care|thought)"),
        (STRONG, "(since then|since) (i have|i) heard nothing"),
        (STRONG, "heard nothing (at all|back|since|in return)"),
        (STRONG, "(are|were) the ones who (pay|suffer|lose|miss out)"),
        (STRONG, "(still)? worth my (time|while|effort)"),
        (STRONG, "(every|each) (day|week|month) (this|it|my re:\\S+) (sits|stays|remains|goes|has sat) (unanswered|unread|"
                 "ignored|unopened)"),
        (STRONG, "(do not|never) think (they|she|he|your re:\\S+) (would|will) be (pleased|happy|thrilled|impressed) to "
                 "(learn|know|hear|find out|discover)"),
        # A shame for their families, the message left unanswered, a pity you can't find ten minutes, the ones paying,
        # my messages gone unanswered while they were let down, every opportunity given, hard to explain to them.
        (STRONG, "(would be|is|what|such) (a)? (shame|pity) ~5 (miss out|lose|suffer|go without|keep)"),
        (STRONG, "(because|just because|only because) (this|my) (message|email|proposal|letter|offer) (was|is|has been|went|"
                 "got) (left)? (unanswered|unread|ignored|overlooked)"),
        (STRONG, "(pity|shame|sad) (that)? you (can not|could not|have not|did not) (find|make|spare|take) ~3 (minut*|time|"
                 "moment)"),
        (STRONG, "(are|were) the ones (paying|suffering|losing|stuck|left|waiting)"),
        (STRONG, "while my (messages|emails|notes|letters|proposals|calls) (have)? (gone|go|went|sat|sit|sitting|been) "
                 "(unanswered|unread|ignored|unreturned)"),
        (WEAK, "(have|has) been let down"),
        (STRONG, "(given|gave|giving) you (every|plenty of|many|several|numerous) (opportunit*|chance*) to (respond|reply|"
                 "answer|get back)"),
        (STRONG, "(hard|difficult|impossible) to explain ~3 (to them|to your|to their)"),
        (WEAK, "if i were in your (position|shoes)"),
        # Each week that passes without a decision, "they'd want you to find 15 minutes", "not so much as a no thanks",
        # "the least anyone could manage", it stings that nobody opened it.
        (STRONG, "(every|each) (day|week|month) (that)? (passes|goes by|goes past) without"),
        (STRONG, "(every|each) (day|week|month) (this|it) (waits|drags on|sits|stays)"),
        (STRONG, "(they|she|he|your re:\\S+) (would|will) want you to (find|make|take|spare)"),
        (STRONG, "(not|never) (had|got|received|heard) so much as"),
        (STRONG, "the least (anyone|you|one|anybody) (could|can|would) (manage|do|offer)"),
        (STRONG, "(it)? (stings|hurts|smarts) ~3 that (nobody|no one|you|your)"),
        (STRONG, "(nobody|no one) ~3 (has|have|had) even (opened|read|looked at|replied)"),
        (WEAK, "spent the best part of (a|an|the) (week|day|month|morning|weekend)"),
    ],
    "apologetic": [
        # Self-effacing: the sender apologises for writing at all, or belittles themselves.
        (STRONG, "i am ~2 the (re:\\S+th|umpteenth|millionth|latest|next) (vendor*|person|email|sales*|rep|pitch*|"
                 "cold)"),
        (STRONG, "(presumptuous|forward|rude|intrusive|pushy|cheeky|bold|nosy) of me"),
        (STRONG, "(hope|sorry if|apolog* if) ~3 (overstep*|out of line|out of turn|presum*|too forward)"),
        (STRONG, "(sorry|apolog*) ~1 (if|in case) ~5 (bad tim*|wrong tim*|awkward tim*|busy tim*)"),
        (STRONG, "(embarrass*|awkward|sheepish|nervous|guilty) (to be|about|for)? ~1 (writ*|email*|reach*|messag*|"
                 "follow* up|bother*|ask*|send*|contact*|pitch*)"),
        (STRONG, "(get|stay|keep) out of your (hair|inbox)"),
        (STRONG, "better things to do"),
        (STRONG, "(more important|better|bigger|more pressing) things (on your plate|to worry about|going on|to deal with)"),
        (WEAK, "a long shot"),
        (STRONG, "(pardon|forgive|excuse|sorry for|apolog* for) (my|the) (persistence|follow* up|repeated|pestering|"
                 "nagging|boldness|directness|forwardness|rambling)"),
        (STRONG, "i (feel|felt) (so|really|very|just)? (awful|terrible|horrible|so bad|really bad|bad|dreadful|guilty)"),
        (STRONG, "i ~2 (drop|dropped) the ball"),
        (STRONG, "(sorry|apolog*) again", MISHAP),
        (STRONG, "(sorry|apolog*) ~8 (inconvenien*|for (the|my) (trouble|silence))"),
        # "Apologies for the delay in getting this to you" is manners about something that happened.
        (WEAK, "(sorry|apolog*) ~8 for (the|my) delay"),
        (STRONG, "apologet*"),
        (STRONG, "(another|a second|one more|a last) chance"),
        # "I'm sorry for the late notice" is manners; "I'm so sorry" and sorry for writing at all are not.
        (WEAK, "i am sorry", MISHAP),
        (STRONG, "(i am so|i am very|i am really|i am terribly|i am truly|i am deeply|i am incredibly) sorry", MISHAP),
        # "Sorry to bother you", not "If it's already sold, congratulations, and sorry for the bother" (a courtesy
        # after a condition about the prospect's situation).
        (STRONG, "(sorry|apolog*|forgive|pardon|excuse) ~4 " + _NOISE, ASSERTED),
        (STRONG, "(sorry|apolog*|forgive|pardon|excuse) ~4 (reach* out|email* you|writ* to you|contact* you|"
                 "troubl* you|bug* you|pester*|barg*|impos*|the length|long (email|note|messag*)|your inbox)"),
        (STRONG, "(sorry|apolog*) ~1 (if|in advance) ~5 (" + _NOISE[1:-1] + "|annoy*|inconvenien*|wast*|too forward|"
                 "too direct|pushy)"),
        (STRONG, "(forgive|excuse|pardon) me (for|if)"),
        (STRONG, "i ~2 (hate|not want|not mean) to ~2 (bother*|bug*|disturb*|pester*|intru*|impos*|interrupt*|troubl*|"
                 "spam*|take up|wast*|pest|nuisanc*)"),
        (STRONG, "(hope|hoping|hopefully) ~4 (not|no) ~3 (bother*|bad tim*|intru*|impos*|interrupt*|disturb*|too much|"
                 "wast*|nuisanc*|annoy*|spam*)"),
        (STRONG, "(i know|i realis*|i realiz*|i am sure|i imagine|i appreciate|i understand|i bet) ~2 "
                 "(you|your inbox|your calendar|your schedule|your day|your week|your team) ~3 " + _FEEL),
        # "Feel free to ignore this", not "If the timing isn't right, feel free to ignore this" (an honest way out).
        (STRONG, "(feel free|totally fine|completely fine|ok|okay|fine|no worries if you|happy for you) to "
                 "(ignore|delete|disregard|bin|trash|skip)", ASSERTED),
        (STRONG, "please (ignore|disregard|delete|bin) (this|me|my (email*|note*|messag*))", ASSERTED),
        # "Feel free to ignore this if you're busy", not "If you already have a filer, please ignore this."
        (STRONG, "(ignore|delete|disregard|bin) (this|me|my note|my email|my messag*) ~2 (if|when|otherwise)", ASSERTED),
        (STRONG, "you ~2 (get|receiv*|see) ~2 (lot|ton|tons|dozen*|hundred*|thousand*|million*|billion*|zillion*|"
                 "gazillion*|load*|plenty|countless|many|flood|so many) ~2 "
                 "(these|email*|pitch*|messag*|vendor*|cold|note*|request*|outreach)"),
        (STRONG, "i am (just|only|probably)? (another|one more|yet another|the last|the hundredth) "
                 "(vendor*|person|email|sales*|rep|pitch*)"),
        (STRONG, "(probably|likely|surely)? the last thing you (want|need)"),
        (STRONG, "(awkward|weird|strange|odd) (to|for me to) (reach* out|email*|writ*|messag*)"),
        (WEAK, "wast* ~1 your time"),
        (WEAK, "(will not|promise not to) (take|keep) (up)? (much|too much|more than|long) ~2 (time|minut*)"),
        # Belittling the offer and the sender.
        (WEAK, "(probably|likely|almost certainly) (not|is not|will not be) (relevant|a fit|useful|needed|good enough|worth|"
               "special|something you need|for you)"),
        (WEAK, "(not|is not) (good|special|impressive|big) enough (for|to)"),
        (WEAK, "(someone|a company|a vendor|a team|a person) like me"),
        (WEAK, "(no need|do not need|you do not have) to (reply|respond|answer|write back)"),
        (STRONG, "almost (did not|not) (send|write|email|reach out)"),
        (STRONG, "(hesitat*|went back and forth|going back and forth|debat*|agoni*) ~4 (before|about|whether|over) ~3 "
                 "(writ*|send*|email*|reach*)"),
        (WEAK, "thank* you for reading (this far|all this|to the end)"),
        # Unwelcome, random, a waste of the prospect's time.
        (STRONG, "(probably|likely|most likely|may be|might be|must be) (unwelcome|unwanted|annoying|an intrusion|"
                 "a nuisance|a bother|irrelevant|spam|a pain)"),
        (WEAK, "(this|my email|this note|it|my note) (is|may be|might be|seems|must seem) ~1 (random|out of the blue|"
               "unexpected|unsolicited)"),
        (WEAK, "i promise"),
        (STRONG, "i am (probably|likely|just|only)? wast* your (time|day|morning|afternoon)"),
        # Precious time, sorry for writing at all, silly questions, permission to stop.
        (WEAK, "(how|so) (precious|valuable|limited|scarce) your time (is|must be)"),
        (STRONG, "(sorry|apolog*) (for|about) (this|this email|this note|this message|writing|emailing|asking|even asking|"
                 "my email|the email|the message|the note|the length|even writing)"),
        (STRONG, "(should not|should never|probably should not|should not really) (be)? (email*|writ*|contact*|messag*|"
                 "bother*|reach*)"),
        (STRONG, "(silly|stupid|dumb|naive) question"),
        (STRONG, "(sorry|apolog*) in advance"),
        (STRONG, "(understand|get it|no hard feelings|totally fine|completely fine) ~3 if you (would rather|prefer|do not "
                 "want) (not|never)? (to)? (hear|reply|respond|talk|be contacted)"),
        (STRONG, "rather not hear from (me|us)"),
        (STRONG, "(hate|hating|not want|not like) (to be|being) (that|the|an|one of those) ~1 (person|guy|vendor|rep|"
                 "salesperson|people|annoying)"),
        (WEAK, "(do not|never|no need to) feel (obliged|obligated|pressured) ~2 (to)? (respond|reply|answer)"),
        (STRONG, "(do not|never|no need to) feel (bad|guilty) ~2 (about|for|if)? (ignor*|delet*|not repl*|say* no)"),
        (WEAK, "i am (just|only)? a (complete|total)? stranger"),
        (STRONG, "(not|probably not) the first ~3 (not|will not|won't) ~1 (be)? the last"),
        # Sorry for following up, a pain to read, leaving the prospect alone.
        (WEAK, "(sorry|apolog*) ~3 (following up|follow up|chasing|nudging|writing again|emailing again)"),
        (STRONG, "(i know|i realise|i realize|i am aware) (this|it|that|these|emails like this) (is|are) (a pain|annoying|"
                 "a nuisance|a bother|irritating|a hassle|tiresome|a distraction)"),
        (WEAK, "(totally|completely|fully|entirely) understand if"),
        (WEAK, "(i will|happy to) stop (emailing|writing|messaging|contacting)"),
        (STRONG, "(i will|i can|happy to|promise to) (leave you alone|go away|disappear|never bother you)"),
        # Not asked for, one of dozens.
        (STRONG, "(not|never) ask* (to hear from|for this|for my|to be contacted|for an email)"),
        (WEAK, "(hope|hoping) you (do not|never) mind (me|my)"),
        (STRONG, "(one of|just one of) (dozens|hundreds|many|countless|a hundred|so many|thousands) ~2 (vendor*|"
                 "email*|people|"
                 "sales*|rep*|pitch*|compan*|messag*)"),
        (WEAK, "thank* you for your patience"),
        # A tiny company nobody has heard of, grateful the email was opened.
        (WEAK, "(never|not) heard of (us|me|our)"),
        (WEAK, "i am (just|only) a (tiny|small|little|humble) (startup|company|team|business|shop|agency|firm|outfit|"
               "vendor)"),
        (STRONG, "(for even|even for) (opening|reading|looking|considering)"),
        # "my timing is awful" belittles the writer; "if the timing is wrong, just say so" is an easy way out.
        # Bad timing, permission to delete.
        (STRONG, "my timing (is|must be|may be|might be) (awful|terrible|bad|poor|off|wrong|not great)"),
        (STRONG, "(get it|understand|fine|ok|okay) ~3 if you (just)? (delete|ignore|bin|trash|skip)"),
        # The imposition apologised for, "such as myself", an impertinence, "set it aside".
        (STRONG, "(apolog*|sorry|forgive) ~4 (imposition|presumption|temerity|impertinen*|audacity|effrontery)"),
        (STRONG, "(seem|seems|be|is|an) ~1 impertinen*"),
        (WEAK, "(such as|like) myself"),
        (WEAK, "(rather|somewhat|a little|slightly|most) hesitant*"),
        (WEAK, "(set|put|lay) (it|this|my letter|my note) aside"),
        # Sorry for taking a minute, nearly not sent, nowhere near good enough, laughed at, so grateful.
        (STRONG, "(sorry|apolog*) for taking (up)? ~3 (time|minute*|moment|second*|day)"),
        (STRONG, "(nearly|almost) (did not|not) (send|write|email|reach out)"),
        (STRONG, "nowhere near (good|special|impressive|polished|worthy) enough"),
        (STRONG, "(understand|forgive you|would not blame you) if you (laughed|laugh|roll* your eyes|rolled your eyes|"
                 "deleted|binned)"),
        (WEAK, "(would be|i would be|i am) (so|ever so|terribly|incredibly) grateful"),
        # The last person they want to hear from, straight in the bin, a nuisance for sending it, "don't waste your time".
        (STRONG, "(the last (person|thing|email)|last person) you (want|need|would want) to (hear from|read|deal with|see)"),
        (STRONG, "(understand|forgive you) if (this|it) (went|goes|go) (straight)? (in|into|to) the (bin|trash|spam)"),
        (WEAK, "(far|much|way) too (small|minor|trivial) (a thing)? for"),
        (STRONG, "(feel|felt|feeling) like (a|such a) (nuisance|pest|bother|burden|pain)"),
        (STRONG, "(do not|please do not|never) waste (any more of|more of|any of)? your time"),
    ],
    "presumptuous": [
        # Acting as if the deal is done: welcome, kickoff, onboarding, an account manager, before any agreement.
        # "Thanks for choosing a time" is a reply to a booking: choosing alone is a weak signal.
        (WEAK, "thank* ~2 for (choos*|select*|pick*|join*)"),
        (STRONG, "thank* ~2 for (choos*|select*|pick*|join*|sign* up with|sign* with|partner* with|trust*) (us|our "
                 "(team|platform|service|product|company|program*|software|tool|app))", DATED),
        (STRONG, "thank* ~2 for becom* (a|our) (customer|client|partner|member)"),
        (STRONG, "welcom (aboard|on board|to (the|our) ~2 (family|team|club|community|cohort|crew|tribe|network))"),
        (STRONG, "(now that|since|as|given that) you (are|have) (joining|joined|on board|signed|decided|chosen|agreed|"
                 "coming on)"),
        (STRONG, "you are joining (us|our|the) ~2 (cohort|customer*|client*|program*|family|team|rollout|pilot|"
                 "platform|plan)"),
        (STRONG, "(when|once|after|as soon as) (we|you) (are|have|get|start|begin)? ~1 (work* together|work* with us|"
                 "partner*|onboard*|on board|a customer|our customer|live on|set up on|sign* on)"),
        (STRONG, "(as|when|once|while) we (roll* out|implement*|onboard*|migrat*|launch*|get started|kick off|go live|"
                 "start work*) ~2 (everything|together|your|the)"),
        (STRONG, "your ~1 " + _ROLLOUT + " ~2 (spot|slot|date|session|call|schedule|invite*|timeline|agenda|manager|"
                 "roadmap|"
                 "specialist|cohort|kit)"),
        (STRONG, "(agenda|plan|invite*|schedule|date) for (our|the|your) ~1 (kickoff|kick off|onboarding|implementation|"
                 "rollout|roll out|partnership|launch|go live)"),
        (STRONG, "(i|we) (have|had)? ~2 (reserv*|book*|hold*|held|secur*|schedul*|set aside|lock*) your ~3 (spot|slot|"
                 "date|place|seat|session|start)"),
        (STRONG, "(will be|is going to be) (your|re:\\S+) (new|dedicated)? (account manager|customer success manager|"
                 "success manager|implementation (manager|lead|specialist)|onboarding (manager|specialist|lead)|"
                 "point of contact|main contact|primary contact|main point of contact)"),
        (STRONG, "(i|we) have (set|got|put) (it|that|this|everything|you|your re:\\S+)? ~2 up for (you|your)"),
        (STRONG, "(i|we) have? (already|gone ahead and|went ahead and) (set up|creat*|built|provision*|activat*|open*|"
                 "configur*|enrol*|order*) ~4 (for|on|to) (you|your)"),
        (STRONG, "(not|never) ~2 (technically|formally|officially|actually)? (agreed|signed|committed|decided) ~3 "
                 "(yet|anything)"),
        (STRONG, "(not|never) ~1 (talked|discussed|agreed on|spoken about) (pricing|price|terms|a contract|contract) yet"),
        (WEAK, "(not|never) (technically|formally|officially) (spoken|talked|met)"),
        (WEAK, "(you|your re:\\S+) (will|are going to|should) (receiv*|get|see) ~3 (invite*|invitation*|login*|"
               "credential*|contract*|agreement*|welcome|onboarding|training|account)"),
        (WEAK, "(drafted|prepared|put together|created|built|made) ~2 (your|a|the|our)? " + _ROLLOUT
               + " (plan|schedule|timeline|agenda)"),
        (WEAK, "(best|which|what) (day|date|time) for ~2 " + _ROLLOUT),
        (WEAK, "(start|begin|kick off) (migrat*|onboard*|implement*|install*|roll* out|set* up|mov*|import*|transfer*) "
               "your"),
        (WEAK, "(always|all|every) ~3 end up (on|with|choos*|buy*|sign*|pick*)"),
        (WEAK, "need access to your"),
        (WEAK, "(kickoff|kick off|onboarding) (agenda|call|meeting|date)"),
        (STRONG, "(send|sent|sending) ~4 (for your signature|to sign|for signature)"),
        (STRONG, "(i|we) have (schedul*|book*|arrang*|sent|dispatch*|assign*) our (engineer*|technician*|installer*|"
                 "team|crew|consultant*|trainer*) to"),
        (STRONG, "your (new)? (dashboard|account|workspace|portal|instance|system|setup|integration) (will be|is) "
                 "(ready|live|set up|configured|installed) (by|on|from|next|tomorrow|this)"),
        (STRONG, "(go ahead and|went ahead and) (send|sent|draft*|prepar*|generat*|issu*) ~3 (paperwork|contract*|"
                 "agreement*|invoice*|order form*|po|purchase order*|sow|statement of work)"),
        (STRONG, "(expect|watch for|process|receive) your (po|purchase order|payment|deposit|signature|signed)"),
        (STRONG, "as soon as you (send|pay|wire|transfer|sign|return) (the|your) (deposit|payment|contract|po|"
                 "agreement|order form|signature)"),
        (STRONG, "(congratulation*|congrats) on (your|the) (decision|choice) to ~4 (us|with us|our)"),
        (STRONG, "(glad|happy|thrilled|excited|delighted) to (have|welcome) you (with us|on board|aboard|as a "
                 "(customer|client|partner))"),
        (STRONG, "i (have)? (clear*|block*|set aside|reserv*) ~3 for your ~2 (training|onboarding|kickoff|kick off|"
                 "implementation|install*|rollout|setup|migration)"),
        (STRONG, "your (account|login*|workspace|portal|credential*|password|instance|seat*|licen*|subscription) ~2 "
                 "(is|are|has been|have been) (ready|live|active|activat*|set up|creat*|provision*|below|attach*)"),
        (STRONG, "your ~2 (account|login*|workspace|portal|instance|seat*|licen*|subscription|profile) ~4 (is|are|has been|"
                 "have been) (now|already|all)? (ready|live|active|activat*|set up|creat*|provision*|open|enabled|"
                 "approved)", ASSERTED),
        (STRONG, "(login|log in|credential*|password|username) (detail*)? (are|is)? (below|attach*|enclos*)"),
        (STRONG, "(i|we) (have|just|have just|have already) (add*|invit*|enrol*|regist*|sign* up|subscrib*) "
                 "(you|your re:\\S+) ~1 (to|into|on|for) (our|the)"),
        (WEAK, "(look* forward|excit*|can not wait) to ~3 (partnership|working together|work together|"
               "collaborat*|onboard*|kickoff|kick off|welcom*)"),
        (STRONG, "(implementation|onboarding|success|setup|install*|migration) (team|manager|specialist|lead|"
                 "engineer*) (will|is going to|are going to) (contact|call|reach out|email|be in touch|get in touch|"
                 "schedul*|start|begin)"),
        (WEAK, "to (begin|start|kick off) (setup|set up|onboarding|implementation|installation|migration|the rollout)"),
        # "You're on board", not "If you're onboarding new analysts, ..." (a condition about their plans).
        (STRONG, "you are (on board|onboard|signed up|committed|a go)", ASSERTED),
        (STRONG, "(here is|attached is|attached|enclosed|find) ~2 your (invoice|bill|receipt|contract|order|"
                 "agreement|welcome pack*)"),
        (STRONG, "i (will|would|am going to) ~1 assum* ~4 (work*|suit*|fine|yes|ok|okay|good|agree*|interest*|in|on board|"
                 "happy|proceed|go ahead|keen|ready)"),
        (STRONG, "(went ahead and|gone ahead and|go ahead and|took the liberty of|taken the liberty of|already) ~2 "
                 "(activat*|enrol*|sign* you|regist* you|schedul*|book*|assign*|invit* your|add* you|add* your|upgrad*|"
                 "bill*|charg*|provision*|creat* (an|your) account|set up (an|your) account|start* your)", ASSERTED),
        (STRONG, "(i|we) (have)? ~1 (assign*|schedul*|set up|book*) (you|your) ~4 (onboarding|kickoff|kick off|"
                 "account manager|training|implementation|rollout|contract|subscription)"),
        (STRONG, "(since|as|because) you (are|were) (obviously|clearly|definitely)? interest*"),
        (STRONG, "(i could|i can) tell ~5 (you|your team|they) ~2 (would|will)? (want|need|love)"),
        (STRONG, "(i am sure|i know|i bet) they ~1 (will|would) (want|love|need|use)"),
        (STRONG, "your (first|next) (invoice|bill|payment|charge)"),
        (STRONG, "i ~3 (book*|schedul*|block*|reserv*|pencil*) ~6 (calendar|diary|schedule|invite|hold|call|meeting|"
                 "demo|minut*|slot|tim*|visit|appointment|session|fitting|install*)", ASSERTED),
        (STRONG, "(sent|add*) ~3 (calendar)? (invite|invitation)"),
        (STRONG, "(put|drop*|add*|sent|book*|block*|pencil*|plac*|stuck) ~4 (in|on|into|to) your (calendar|diary)"),
        (STRONG, "(i will|i am going to|i would) (call|ring|phone|swing by|drop by|stop by|come by|see) ~1 you ~2 "
                 "(tomorrow|on|at|this|next|monday|tuesday|wednesday|thursday|friday|then|later)"),
        (STRONG, "(expect|watch for|look out for|keep an eye out for) (my|a|an|our) ~1 (call|invite|invitation|contract|"
                 "proposal)"),
        (STRONG, "(talk|speak|chat) (to|with) you (then|tomorrow|on monday|on tuesday|on wednesday|on thursday|on friday)"),
        (STRONG, "(i know|i am sure|i am certain|i bet|no doubt|obviously|clearly|surely|undoubtedly) ~3 "
                 "(you|your team|your company) ~3 (need|want|struggl*|lose|losing|hate|wast*|would love|could use|"
                 "problem|pain|mess|broken|suffer*|behind)"),
        (STRONG, "(you|your team|your company) (clearly|obviously|definitely|desperately|badly) (need*|could use|"
                 "requir*|are missing|are struggling|are losing|want*|are interest*)"),
        # "You'll want this", not "you'll want to check the firmware first" (advice on what to do).
        (STRONG, "you (will|are going to) (love|thank me|agree|be glad|be thrilled|be delighted|be amazed|"
                 "be impressed)"),
        (STRONG, "you (will|are going to) want (this|it|us|our|them|one|more|in|a|an|the|that|these|those)"),
        (STRONG, "(when|once|after) (we|you) (start work*|start using|sign*|onboard*|work together|"
                 "become a customer|become a partner|are on board|come on board|switch to us)"),
        (STRONG, "(what|which) (time|day|slot) (work*|suit*|is best|would work) ~3 (our|the) (call|meeting|demo|chat)"),
        (STRONG, "no (reason|way) ~3 (not|never)"),
        # "You need to switch", not "when you need to buy stock" (a condition the prospect meets).
        (STRONG, "(you|your team) (should|must|need to|have to) (switch|buy|sign up|replace|get rid|ditch|drop)", ASSERTED),
        (STRONG, "unless (i|we) (hear|get|receiv*) (otherwise|back|no|an objection)"),
        (STRONG, "unless you (object|say otherwise|tell me otherwise|opt out|decline)"),
        (STRONG, "(silence|no reply|no response|not hearing back|no answer) (mean*|as|is|equals) ~2 (yes|consent|agreement|"
                 "ok|okay|happy|fine|go ahead|you agree|you are in|approval)"),
        # Presuming the prospect's problems, feelings and decisions without evidence: "your staff are obviously
        # buried", "I doubt anyone there has looked", "I'm confident you've already ruled out the others".
        (STRONG, _SURE + " ~6 " + _PROBLEM),
        (WEAK, "(i know|i imagine|i suspect|you are probably|you are likely|probably|likely) ~5 " + _PROBLEM),
        (STRONG, "must be (brutal|a nightmare|a disaster|killing|exhausting|chaos|hell|awful|terrible|a shambles)"),
        # "must be painful" may be plain sympathy.
        (WEAK, "must be (painful|chaotic|a mess|a headache|frustrating|draining)"),
        (STRONG, "i doubt (anyone|anybody|you|your re:\\S+|they) ~5 (has|have|ever|even|look*|check*|notic*|consider*|"
                 "thought|sat down|bother*)"),
        (STRONG, "(nobody|no one) (there|on your (side|end|team)|at your re:\\S+|in your re:\\S+)? (has|have) (ever|even|"
                 "really)? (looked|checked|noticed|thought|considered|bothered|sat down|tried|asked|audited|reviewed)"),
        (STRONG, "(i would guess|my guess is|i am guessing|i suspect|i imagine|i bet) ~2 (nobody|no one|you have not|"
                 "your team has not|you are not|you do not|you have never)"),
        (WEAK, "(you|your re:\\S+) (are|is|have been) (probably|likely)? wondering (how|why|what|whether|if)"),
        (STRONG, "(we|you and i) both know"),
        (STRONG, "(since|as|given|given that|because) you (are|were|have) (clearly|obviously|definitely|evidently)"),
        (STRONG, "(it is|that is|this is|we are|it would be|it is just|is just) (the|an|your)? (obvious|only|logical) "
                 "(choice|decision|next step|answer|move|solution)"),
        (STRONG, "(i know|i am sure|i bet|no doubt|i am confident|i am certain) (that)? ~4 (will be|is going to be|would be|"
                 "will) (on board|onboard|convinced|sold|thrilled|happy with|fine with|agree|approve|sign off|love|"
                 "say yes)"),
        (WEAK, "(your|the) (cfo|ceo|boss|board|partners|team|staff|owners|manager|director|physicians|members|guests|"
               "customers|clients|patients|guards|drivers|nurses|therapists|users) (will|are going to) (love|thank you|"
               "adore|be thrilled|be delighted|agree|approve|sign off)"),
        (STRONG, "(i am|we are) (confident|sure|certain) (that)? you (have|have already|already|are|will|would) ~2 "
                 "(ruled out|decided|chosen|agreed|made up|ready|sold|convinced|on board|want|need|love|agree)"),
        (STRONG, "(i bet|i would bet|i am sure|i know|no doubt|surely|i imagine) ~4 (have|has) already (agreed|decided|"
                 "ruled out|budgeted|approved|signed off|committed|chosen)"),
        # Taking the yes as given: the decision, the paperwork, the kickoff, the prospect's own team told.
        (STRONG, "(has|have) (decided|chosen|agreed|elected|opted) to (move|switch|go|sign|work|partner|proceed|buy) ~4 "
                 "(us|with us|to us|our)"),
        (WEAK, "(switch|move|migration|transition|move over) to us"),
        (STRONG, "(told|informed|asked|instructed|notified|briefed|alerted|let) (our|my) ~2 (team|implementation|onboarding|"
                 "finance|ops|operations|engineer*|installer*|crew|success|account*|billing|legal|warehouse|production|"
                 "scheduler*|designer*|technician*|consultant*|specialist*|trainer*|coordinator*|surveyor*|fitter*|driver*|"
                 "rep|reps|colleague*|project manager|account manager|logistics|dispatch) ~4 (to (expect|start|begin|"
                 "reserve|get ready|book|schedule|order|"
                 "request|ship|set up|pull|kick off|onboard)|that|you are|you have|know)"),
        (STRONG, "(skip*|skipped|bypass*) (the|a|any)? (formal)? (discovery|proposal|evaluation|demo|pilot|trial|"
                 "procurement|paperwork|back and forth|sales process)"),
        (STRONG, "rather than (waste|wasting) (time|your time|our time)"),
        (STRONG, "(we will|i will) take it from here"),
        (WEAK, "(we will|i will) (handle|take care of) (everything|it all|the rest)"),
        (WEAK, "(i have|we have) (drafted|prepared|built|created|written|designed|mocked up|put together|made|planned) ~5 "
               "(for you|for your re:\\S+)"),
        (WEAK, "(will|would) need (your|the) ~3 (file*|access|login*|credential*|data|list|logo*|asset*|details|"
               "signature|po|"
               "brand|record*|history|export|password*) (by|before)"),
        (STRONG, "(will|would) need (your|the) ~3 (file*|access|login*|credential*|data|list|logo*|asset*|details|"
                 "signature|po|brand|record*|history|export|password*) (by|before) ~3 to (start|begin|get started|"
                 "kick off|go live)"),
        (WEAK, "so (you|your team|your re:\\S+|we) can (get started|start using|begin using|hit the ground running|"
               "go live)"),
        (WEAK, "(get|getting) (you|your ~3) (live|set up|onboarded|up and running|signed)", ASSERTED),
        (STRONG, "(i will|i am going to|we will|we are going to|and will) (send|email|forward|courier|mail|drop off) (over|"
                 "across|you)? (the|your|our) (signed|final|formal|onboarding|service|master|new|lease|rental|hire|supply|"
                 "purchase|subscription|licen*|maintenance|support|partnership)? (contract|"
                 "agreement|paperwork|order form|"
                 "invoice|po|purchase order|sow|statement of work|msa|docusign|signature page|onboarding (checklist|pack|"
                 "form*|doc*|kit|guide|schedule|plan)|welcome (pack|kit|email)|credential*|login*|(kickoff|kick off|"
                 "onboarding|"
                 "implementation) (agenda|plan|schedule|invite|invitation|pack))", ASSERTED),
        (STRONG, "(expect|watch for|look out for|keep an eye out for) (my|a|an|our|the|your) ~1 (invitation|contract|"
                 "welcome|invoice|paperwork|order form|login*|credential*|onboarding|kickoff|kick off|technician|engineer|"
                 "installer)"),
        (STRONG, "(your|their|the) (team|staff)? (login|logins|credential*|account|invite|invitation|welcome pack|"
                 "welcome kit|contract|invoice|"
                 "paperwork|licen*|seats|access|welcome email|starter kit) (will|should|is going to) (arrive|come|be sent|"
                 "land|reach|follow|be ready|be in|go out|ship|be shipped|be delivered)", ASSERTED),
        (STRONG, "(add*|made|set) you (up)? as (an|the|a)? (admin*|owner|user|member|administrator|super user)"),
        (STRONG, "i (have)? ~1 (pencil*|book*|schedul*|lock*|slot*|put|sign*|enrol*|regist*) (you|your team|your re:\\S+|"
                 "you all|your staff|your office) (in|down|up)? ~3 (for|on|to) ~2 (onboarding|training|kickoff|kick off|"
                 "implementation|installation|install|go live|migration|rollout|roll out|setup|set up|demo|call|session|"
                 "webinar|trial|pilot|cohort|program*|plan|the standard|the basic|the pro|the premium)"),
        (STRONG, "(pencil*|book*|schedul*|lock*) in (onboarding|training|kickoff|kick off|implementation|installation|"
                 "go live|migration|rollout|setup|a call|a demo|the call|the demo)"),
        (STRONG, "(which|what) (day|date|time|week) ~4 (to|you would like to|you want to|works to|should we|shall we|"
                 "can we) (kick off|kick things off|go live|onboard|launch|get started)"),
        (STRONG, "(great|good|glad|excited|happy|thrilled|delighted|wonderful) to be (working|partnering|teaming up) "
                 "(with|together)"),
        (WEAK, "(not|never) heard (it|this|that) (from you|directly)"),
        (STRONG, "(you are|you will be) (ready|going|excited|eager|keen) to (move forward|sign|go ahead|buy|switch|proceed|"
                 "get started|move on|commit)", ASSERTED),
        (STRONG, "you (will|would) want to (start|begin|move|sign|get started|switch|act) ~2 (right away|immediately|now|"
                 "today|soon|quickly|asap)"),
        # Thanks for a real order is manners; thanks for a decision nobody made is not.
        (WEAK, "thank* ~2 for your (order|business|purchase|custom)", DATED),
        (STRONG, "thank* ~2 for your (decision|commitment|signature|payment|deposit)"),
        (WEAK, "thank* ~2 for your interest"),
        (WEAK, "(you|your team|your re:\\S+) (will|are going to) (need|want) (this|us|our|it)", ASSERTED),
        # Facts about the prospect asserted, work started, paperwork attached, people assigned.
        (STRONG, "i know (that)? (you are|you have|you were|your ~2 (is|are|has|have|was|were)|re:\\S+ (is|are|has|have)) "
                 "~4 " + _PROBLEM),
        (STRONG, "(we|i) have (started|begun|kicked off|already started|gone ahead with) ~2 (migrat*|onboard*|implement*|"
                 "install*|set* up|import*|transfer*|mov*|configur*|build*|work* on|process*) your"),
        (STRONG, "your (invoice|bill|receipt|contract|order confirmation|welcome pack*|agreement|order form|po|login*|"
                 "credential*|subscription) ~5 (is|are) (attached|enclosed|below|ready)", ASSERTED),
        (STRONG, "(book*|schedul*|assign*|reserv*|arrang*) (our|my|an|a) ~1 (onboarding|implementation|success|install*|"
                 "setup|training) (specialist|manager|engineer|team|lead|consultant|trainer|technician|crew) ~3 (for|with) "
                 "(you|your)"),
        (STRONG, "(plan|schedul*|book|pick|lock in|confirm|set) (your|our) (go live|kickoff|kick off|onboarding|"
                 "implementation|rollout|roll out|launch|install*|migration|start date|training)", ASSERTED),
        (STRONG, "your (new|dedicated|personal)? (account manager|customer success manager|success manager|"
                 "implementation (manager|lead|specialist)|onboarding (manager|specialist|lead)|point of contact|"
                 "account rep|representative) ~4 (will|is going to) (reach out|contact|call|email|be in touch|get in touch|"
                 "schedul*|set up|walk)"),
        # Setup started on hearing back, tables reserved, budgets presumed, warehouses told.
        (STRONG, "(we will|i will|we are going to) (get started|start|begin|kick off) (on|with)? (your|the) (setup|set up|"
                 "onboarding|implementation|installation|migration|rollout|account|order|project)", ASSERTED),
        (STRONG, "(i have|i) (already)? (reserv*|book*) (a|the|us a) (table|room|meeting room|conference room|desk)"),
        (STRONG, "your (team|staff|people|employees|reps|agents|drivers|nurses|users|technicians) (will be|are going to be) "
                 "(trained|onboarded|set up|live|up and running|using)", ASSERTED),
        (STRONG, "(i know|i am sure|i bet|surely|obviously|clearly|i imagine) ~2 (budget|money|cost|price|pricing|spend) "
                 "(is not|will not be|is never|is no|is hardly) ~1 (issue|problem|concern|object|obstacle)"),
        (WEAK, "(budget|money|cost|price|pricing|spend) (is not|will not be|is never|is no|is hardly) ~1 (issue|problem|"
               "concern|object|obstacle)"),
        (WEAK, "for a (company|business|firm|practice|team) (of)? your size"),
        (STRONG, "(which|and) i (assume|presume|expect|take it) (will|is going to) (be|happen)"),
        (WEAK, "i assum* (you|that|it|we) ~3 (will|are|have)"),
        (STRONG, "(told|asked|instructed|let) (our|my) ~2 (team|warehouse|production|crew|installer*|engineer*|factory|"
                 "kitchen|studio|lab) ~2 to (hold|keep|set aside|allocate|prepare|pack|dispatch|send|deliver|reserve) ~4 "
                 "for you"),
        (STRONG, "(went ahead and|gone ahead and|go ahead and|took the liberty of|taken the liberty of|taking the liberty "
                 "of) ~1 (set* up|creat*|built|import*|order*|reserv*|book*|schedul*|pencil*|draft*|prepar*|told|ask*|"
                 "start*|add*|register*|sign*|open*|ship*|sent|send*|put together|loop* in|cc*|invit*)"),
        (WEAK, "(for|on|about) our (project|partnership|engagement|collaboration|work together)"),
        (STRONG, "(our|my|the) (engineer*|technician*|installer*|team|crew|consultant*|trainer*|fitters|"
                 "surveyor*) (will|are "
                 "going to|are scheduled to|are booked to) (arrive|be there|be on site|come|start|begin|show up|visit|be "
                 "with you)", ASSERTED),
        (STRONG, "(put*|sign*|pencil*|enrol*|regist*|count*) (you|your team|your re:\\S+) (down|in|up) (for|as)", ASSERTED),
        (STRONG, "(contract|agreement|paperwork|invoice|order form|po|purchase order) (on|in) your (desk|inbox|hands)"),
        (STRONG, "(shared|passed|sent|given|forwarded) your (details|information|info|contact*|number|email) (to|with) (our|"
                 "my) ~2 (finance|billing|accounts|onboarding|implementation|team|sales|account)"),
        (STRONG, "(so|and) (they|we|our re:\\S+ team) can (invoice|bill|charge) you"),
        (STRONG, "(attach*|here is|enclos*|sending|sent) ~2 (the|your|our) (signed off|approved|agreed|finali*|confirmed) "
                 "(scope|plan|proposal|order|sow|contract|terms|schedule|quote)"),
        (STRONG, "(our|my) (team|crew|engineer*|installer*|consultant*|technician*) (start*|begin*|arriv*|"
                 "kick* off) (on|next|"
                 "this|monday|tuesday|wednesday|thursday|friday|tomorrow)", ASSERTED),
        (STRONG, "your (project manager|account manager|pm|point of contact|consultant|trainer|engineer|rep|success manager|"
                 "onboarding specialist|coordinator|account lead) (will be|is going to be) re:\\S+", ASSERTED),
        (STRONG, "(send|share|email|upload) (over|across|us|me)? your (logo*|brand|asset*|credential*|login*|access|"
                 "admin*) ~3 (by|before)"),
        (WEAK, "(send|share|email|upload) (over|across|us|me)? your (file*|data|list|record*|spreadsheet*|export*) ~3 "
               "(by|before)"),
        (STRONG, "already ~2 (mapped out|planned|scoped|designed|drafted|prepared|built|put together) ~3 (migration|rollout|"
                 "roll out|onboarding|implementation|installation|launch|transition|switchover|setup|set up)"),
        (STRONG, "(book*|schedul*|assign*|reserv*|arrang*|dispatch*) (our|my|an|a|the) ~1 (engineer*|technician*|installer*|"
                 "specialist*|surveyor*|consultant*|trainer*|crew|team) (for|to|on) (next|this|monday|tuesday|wednesday|"
                 "thursday|friday|the re:\\S+|you|your|re:\\d+\\S*)", ASSERTED),
        # New contracts, work already started, the prospect added to a group, good to go.
        (WEAK, "your new (contract|agreement|account|plan|system|dashboard|portal|subscription)"),
        (WEAK, "have you (migrated|onboarded|live|set up|up and running|switched|moved over) (by|before|within|in)"),
        (STRONG, "already (started|begun|working|begin|start) (on|work on)? ~4 for (you|your)"),
        (WEAK, "for your (approval|sign off|signature)"),
        (STRONG, "(i have|we have|i just|we just|just) (add*|put|enrol*|regist*|slot*) ~2 (to|into|on|in) (our|the) ~2 "
                 "(onboarding|cohort|program*|roster|rollout|pilot|customer list|client list|waitlist|intake|next group|"
                 "spring group|autumn group|fall group)"),
        (STRONG, "(you will|you are going to) (get|receive) your (welcome|onboarding|starter) (kit|pack*|email|box|bundle)"),
        (STRONG, "(assum*|take it|presum*) (that)? (we are|you are|it is|everything is|we have) ~1 (good to go|all set|"
                 "a go|agreed|moving forward|a deal|a yes)"),
        (WEAK, "good to go"),
        (STRONG, "(set up|arrange|start) your (billing|invoicing|payment*|direct debit|subscription|standing order)",
         ASSERTED),
        (STRONG, "(we will|i will) (start|begin) (shipping|delivering|billing|invoicing|installing|onboarding|charging)",
         ASSERTED),
        # Agreements thanked for, hardware ordered, seats and accounts made for the prospect.
        (STRONG, "thank* ~2 for (agreeing|committing|signing up|saying yes|deciding) (to|on) (the|our|a) (pilot|trial|"
                 "contract|terms|deal|proposal|order|purchase|partnership|rollout|plan)"),
        (STRONG, "(i have|we have|already|i just|we just) (ordered|shipped|dispatched|sent out|purchased|bought) (the|your|"
                 "our)? ~2 (sensor*|device*|unit*|hardware|equipment|kit*|licen*|seat*|part*|material*|stock|scanner*|"
                 "tablet*|terminal*|camera*|router*)", ASSERTED),
        (STRONG, "(will need to|needs to|need to|should|must) sign (for|off on) (the)? (delivery|order|installation|"
                 "shipment|contract|paperwork|equipment)"),
        (STRONG, "you (need|require) (our|us|this|my)", ASSERTED),
        (WEAK, "plain and simple"),
        (STRONG, "(reserv*|book*|held|hold*|secur*|set aside|block*) ~3 (seat*|spot*|place*|licen*|slot*|space*|unit*) "
                 "for you", ASSERTED),
        (STRONG, "(creat*|set up|provision*|open*|activat*) (an|the|your|some)? ~1 (account*|login*|profile*|user*) for "
                 "(you|your)", ASSERTED),
        # The start date set, accounts set up, installs booked, orders drafted, the decision taken off the prospect.
        (STRONG, "your (onboarding|kickoff|kick off|implementation|installation|training|go live|rollout|migration|"
                 "subscription|contract|trial|account) (starts|begins|is|will start|kicks off|is scheduled|is booked|"
                 "is set) "
                 "(next|on|this|tomorrow|monday|tuesday|wednesday|thursday|friday|for)", ASSERTED),
        (STRONG, "(set up|creat*|activat*|provision*) your (admin|new)? ~1 (account|workspace|portal|login*|profile)",
         ASSERTED),
        (STRONG, "(our|my) (specialist|engineer|trainer|consultant|team|onboarding lead|account manager|"
                 "success manager) will "
                 "(call|contact|email|reach out to|be in touch with) you to (agree|schedule|book|arrange|set up|start|"
                 "confirm|plan) (the|your) ~2 (training|onboarding|kickoff|kick off|install*|implementation|setup|"
                 "migration|rollout)"),
        (STRONG, "(i have|we have|already) (reserv*|allocat*|set aside|earmark*|held) ~4 for (you|your|each of your)",
         ASSERTED),
        (STRONG, "(book*|schedul*|pencil*|lock*) (in)? (the|your|an|our) (install*|installation|onboarding|training|kickoff|"
                 "kick off|go live|migration|rollout|setup|fitting|survey|delivery) (for|on)", ASSERTED),
        (WEAK, "(will not|can not) (survive|last|cope|scale|hold up) (another|much longer|the next|beyond)"),
        (STRONG, "(drafted|prepared|filled in|filled out|completed|generated|raised|created) (the|an|your) (order|"
                 "order form|"
                 "po|purchase order|contract|agreement|invoice|paperwork)", ASSERTED),
        (STRONG, "sign (where marked|at the bottom|on page|where indicated)"),
        (WEAK, "sign and return", ASSERTED),
        (STRONG, "thank* ~2 for confirming (you|that you|your) ~3 (proceed|go ahead|order|sign|move forward|buy|join|"
                 "switch)"),
        (STRONG, "(i have|already|we have) (notified|alerted|informed|briefed|told) (our|my) ~2 (warehouse|factory|"
                 "installer*|engineer*|crew|production|kitchen|accounts|finance|billing|onboarding|implementation|"
                 "logistics|dispatch)"),
        (STRONG, "(the|your) first (shipment|delivery|order|invoice|kit|box|consignment|payment|bill|install*)", ASSERTED,
         TERMS),
        (WEAK, "(receive|get) (the|your)? tracking (details|number|link|info*)"),
        (STRONG, "(taken|take|took|made|make) the decision (off your plate|for you|out of your hands)"),
        (WEAK, "off your plate"),
        (STRONG, "(we will|i will) (start|begin) (with|at) your ~3 (on|next|this|from)", ASSERTED),
        (WEAK, "roll out to (the|your) (others|other|rest|remaining)"),
        # Plans sent to the prospect's team, a go-live date, the welcome pack in the post.
        (STRONG, "(sent|forwarded|shared) ~3 (to|with) your (it|tech|technical|ops|operations|finance|legal|procurement|hr) "
                 "(lead|team|manager|director|department|head)", ASSERTED),
        (STRONG, "(we will|we are going to|we aim to|we plan to|we will aim to|we will be able to) ~1 go live (by|on|"
                 "in|before)",
         ASSERTED),
        (STRONG, "your (welcome|starter|onboarding) (pack*|kit|box|bundle|email|letter) (is|are|has been) (in the post|"
                 "on its way|on the way|sent|shipped|attached|ready)", ASSERTED),
        (STRONG, "(our|my) team will (contact|call|email|reach out to|be in touch with|meet) (yours|your team|your re:\\S+) "
                 "~3 (to start|to begin|to kick off|to get started|tomorrow|monday|on)", ASSERTED),
        (WEAK, "(prepared|drafted|put together|built) ~2 (a|the|your)? (transition|roadmap|switchover) (plan)?"),
        (STRONG, "(since|as|now that) you are (moving away from|leaving|dropping|replacing|switching from|done with)"),
        # Certainty about what the prospect will want, orders placed and items added for them, visits and calls
        # fixed with their people, the signatory told to be ready, "once it's signed, you're all set".
        (STRONG, "you (will|would) (obviously|definitely|certainly|surely|clearly|undoubtedly|of course|no doubt) (want|"
                 "love|prefer|choose|go for|opt for|like) (the|our|a|an|it|this|that|them|those|these|every|all|both|"
                 "re:\\d+\\S*)"),
        (STRONG, "you (will|would) (obviously|definitely|certainly|surely|clearly|undoubtedly|of course|no doubt) need "
                 "(our|us|it|this|that|them|those|these)"),
        (STRONG, "(obviously|definitely|certainly|surely|of course|no doubt|undoubtedly|clearly) you (will|would) (want|"
                 "love|prefer|choose|go for|opt for|like) (the|our|a|an|it|this|that|them|those|these|every|all|both)"),
        (STRONG, "(i have|we have|i|we|already|just) (placed|submitted|put in|put through|raised|entered|processed) (your|"
                 "an|a|the) ~3 (order|purchase|po|purchase order|reorder|requisition)", ASSERTED),
        (WEAK, "(i have|we have|i|we) (already)? (add*|put|includ*|thrown|threw) (it|that|this|them|those|these) (in|to|on|"
               "into) (the|your|all|every|each) ~1 (order*|quote|invoice|basket|cart|contract|subscription|plan|package|"
               "bill)", ASSERTED),
        (STRONG, "your ~3 (is|are|has been|have been) (now|already)? (on order|ordered|in production|being built|"
                 "being made|being manufactured|being prepared|on its way|on their way|in the post|dispatched|shipped)",
         ASSERTED),
        (WEAK, "(is|are|has been|have been) (now|already)? on order"),
        (STRONG, "(will be|are being|is being|are going to be|is going to be) (installed|delivered|fitted|set up|shipped|"
                 "dispatched|configured|mounted|connected|wired|rolled out|live) ~1 (at|to|in|on|across|for) (your|both|"
                 "all|each) ~4 (next (week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|this (week|"
                 "month|afternoon|morning|monday|tuesday|wednesday|thursday|friday)|tomorrow|on (monday|tuesday|"
                 "wednesday|thursday|friday|saturday|sunday|the re:\\d+\\S*))", ASSERTED),
        (STRONG, "(went ahead and|gone ahead and|took the liberty of|taken the liberty of|taking the liberty of) ~1 "
                 "(chose|chosen|choos*|pick*|select*|upgrad*|includ*|plac*|submit*|process*|confirm*|approv*|lock*|"
                 "allocat*|assign*|arrang*|configur*|install*|switch*|enabl*|bill*|charg*|invoic*|renew*|extend*|"
                 "quot*|spec*|design*|add*|reserv*|put you|sign* you)"),
        (STRONG, "(i have|we have|i|we) (already)? (chose|chosen|picked|selected|opted for|gone for|went for|settled on) "
                 "(the|our|a|your) ~2 (package|plan|tier|bundle|option|model|configuration|setup|edition|level|"
                 "subscription|contract) ~3 (for you|on your behalf|for your)", ASSERTED),
        (STRONG, "(our|my|the) (regional|local|area|field|account|sales)? (rep|representative|account manager|sales rep|"
                 "driver|specialist|consultant|engineer|technician|installer|team|surveyor|fitter*|crew|manager) will "
                 "(drop by|stop by|swing by|pop by|pop in|call in|come by|come round|come over|visit|call|ring|contact|"
                 "phone|email) (you|your) ~3 (on|next|this|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
                 "to arrange|to schedule|to book|to confirm|to agree|to go over|to set up|to organi*|to fix|to plan)",
         ASSERTED),
        (STRONG, "(please|so please)? have your (signatory|signer|authori*|cheque*|checkbook|chequebook|card|credit card|"
                 "payment details|bank details|po number|purchase order|decision maker|finance (person|team|lead)|"
                 "legal (team|person)) ~1 (available|ready|on hand|there|handy|present|at hand|in the room|on the call)"),
        (STRONG, "(i will|i am going to|we will|we are going to) (call|ring|phone|come by|stop by|drop by|swing by|be in "
                 "touch|be over|come over|pop in) ~3 to (go through|go over|walk through|walk you through|finali*|sign|"
                 "review|run through|talk through) (the|your) ~1 (contract|paperwork|agreement|order|order form|terms|"
                 "lease|invoice|purchase order|po|sow|signature)", ASSERTED),
        (STRONG, "(once|when|as soon as|after) (it is|that is|this is|it has been|everything is|the (contract|agreement|"
                 "lease|paperwork|order form|form|po|order) (is|has been)) (signed|returned|approved|countersigned) ~2 "
                 "you are (all set|good to go|ready to go|live|done|sorted|on board|in)"),
        # The prospect's people brought in, their data worked on, their wishes known, before they agreed to anything.
        (STRONG, "(already|have|has|just) ~1 (loop* in|loop*|cc*|copi* in|copi*|brought in|rop* in|add*|invit*|brief*) "
                 "your ~2 " + _TITLE, ASSERTED),
        (STRONG, "(he|she|they|your re:\\S+) (will|would) (obviously|definitely|certainly|surely|clearly|undoubtedly|"
                 "of course|no doubt) (want|need|love|agree|see|like|prefer|be)"),
        (STRONG, "(analyst*|team|engineer*|consultant*|we|i|data team|auditor*|expert*) (have|has) (already)? (started|"
                 "begun|began|been) ~1 (on|working on|work* through|analy*|review*|going through|model*|audit*|dig* into|"
                 "crunch*) your", ASSERTED),
        (WEAK, "how much (you are|your team is|you have been) (overpaying|losing|wasting|leaving|missing)"),
        (WEAK, "thank* ~2 for agreeing to (a|an|the|our) ~2 (call|audit|review|demo|meeting|assessment|session|visit|"
               "chat|walkthrough|survey)"),
        (WEAK, "see you (on|at|for) (our|the) (call|meeting|demo|session|visit|walkthrough) ~2 (on|at|monday|tuesday|"
               "wednesday|thursday|friday|tomorrow|next)"),
        # The go-live set, the prospect's staff told what to do, visits and trainers arriving, certainty about the
        # prospect's trouble and choices, work started for them.
        (STRONG, "(we are|i am) ready to (switch|move|migrat*|onboard*|start|install*|roll* out|set up|bring|go live|"
                 "begin) ~7 (next|this|on|tomorrow|monday|tuesday|wednesday|thursday|friday)", ASSERTED),
        (STRONG, "(as|while|now that) we (get|are getting|are) ready to (start|begin|go live|launch|roll out|install|"
                 "switch|onboard)"),
        (STRONG, "(asked|told|instructed|informed|notified|briefed) your ~3 (staff|team|people|office manager|manager|"
                 "receptionist|assistant|employees|nurses|admin*|pa|it|finance|procurement|accounts|members|workers|"
                 "crew|front desk|department) ~2 to", ASSERTED),
        (STRONG, "(asked|told|instructed|informed|notified|briefed) our ~4 to (expect|prepare|receive|plan for|get ready|"
                 "build|design|configure|set up|create|start|draft|begin|draw up|put together|map out|scope|send|issue|"
                 "raise)", ASSERTED),
        (STRONG, "(our|my) (trainer*|engineer*|technician*|installer*|team|crew|consultant*|specialist*|photographer*|"
                 "truck*|driver*|surveyor*) (arriv*|will arrive|is arriving|will be on site|will be there|will start|"
                 "start*|come*|will come|will take|will visit|will collect) ~6 (monday|tuesday|wednesday|thursday|friday|"
                 "saturday|sunday|next|tomorrow|on the re:\\d+\\S*|this week)", ASSERTED),
        (STRONG, "(your|the) ~2 (team|staff|people|nurses|billing team|doctors|workers|members|employees|office|"
                 "department) (will need to|needs to|need to|must|should|will have to) (set aside|block*|clear|free up|"
                 "attend|be available|prepare|make time) ~4 (training|onboarding|session*|go live|install*|day*|"
                 "morning*|afternoon*|week|visit|photo*)", ASSERTED),
        (STRONG, "(i know|i can tell|i am sure|obviously|clearly|i bet|we know) ~2 your ~6 (is|are|has been|have been|"
                 "keeps|keep) ~2 (hurt*|fall*|a headache|a problem|a pain|costing you|drain*|killing|overwhelm*|"
                 "struggl*|suffer*|declin*|behind|broken|a mess|a nightmare|losing|fail*|all over the place|out of "
                 "control|a shambles|chaotic)"),
        (STRONG, "(of course|obviously|surely|naturally|clearly|no doubt) you (will|would|are going to) (sell|buy|sign|"
                 "order|join|switch|work with|go with|use|choose|pick|partner) ~5 (us|our|to us|with us)"),
        (STRONG, "(clearly|obviously|desperately|badly|definitely|evidently) (needs|need) (to (replace|upgrade|fix|change|"
                 "moderni*|switch|buy|invest|move|get)|a new|an online|our|this|new|better)"),
        (STRONG, "(taken|took|take|taking) the liberty of (tell*|inform*|notif*|brief*|instruct*|start*|begin*|design*|"
                 "prepar*|draft*|build*)"),
        (STRONG, "(send|sent|sending|forward*|email*) ~10 (for your signature|for signature|to sign|to be signed)",
         ASSERTED),
        (STRONG, "(i|we) (have|already)? (started|begun|began) (design*|build*|creat*|draft*|mock* up|prepar*|set* up|"
                 "work* on) ~4 (for you|for your|one for)", ASSERTED),
        (STRONG, "(your|the) (new)? (shop|store|site|system|platform|portal|app|account|integration|website|webshop) ~3 "
                 "(will|is going to) (go|be) live (by|on|in|before|next|from)", ASSERTED),
        (STRONG, "(is|are|it is|this is) (exactly|precisely|just)? the (solution|answer|tool|system|thing|product|partner|"
                 "fix) you (need|have been looking for|want|were looking for)"),
        # "That is obviously what is happening on your side", not "it's obviously your call" (the reader's to make).
        (STRONG, "(that is|this is|it is) (obviously|clearly|surely|definitely|certainly) (what|the case|happening|"
                 "the problem|why)"),
        # A visit pencilled in with equipment brought along.
        (STRONG, "(i will|i am going to|we will) (bring|fit|install|drop off|deliver|leave) ~4 (so we can|to fit|to install|"
                 "and fit|and install|on the spot|for the whole|for your whole|for all your)", ASSERTED),
        # Rolling out to their people, questionnaires and deposit invoices, contracts filled in, visits on site.
        (STRONG, "(when|once|as|after) we (roll|bring|take) ~2 (out|live) (to|for|across) your", ASSERTED),
        (STRONG, "(attached|enclosed|here is|here are) ~3 (onboarding|kickoff|kick off|intake|welcome|setup|discovery) "
                 "(questionnaire|form|pack*|checklist|survey|document*)", ASSERTED),
        (STRONG, "(send|sending|issue|raise|email) (the|your|our) (deposit|first|setup|onboarding|initial) (invoice|bill)",
         ASSERTED),
        (STRONG, "(since|as|because|given) you (will|would) (obviously|clearly|definitely|surely|certainly|no doubt) (want|"
                 "need|agree|see|prefer|choose)"),
        (STRONG, "(attached|enclosed) ~2 (the|your|a) (contract|agreement|order form|paperwork|lease|sow) ~6 (filled in|"
                 "pre filled|prefilled|completed|ready|already)", ASSERTED),
        (STRONG, "all (that is|that) left is your (signature|sign off|approval|go ahead|payment)"),
        (STRONG, "(when|once) we (come|arrive|are|get) (on site|onsite|to your|at your)", ASSERTED),
        (STRONG, "(our|my) ~1 (team|crew|trainer*|engineer*) will be (on site|onsite|at your|with your) ~6 (next|first week|"
                 "monday|tuesday|wednesday|thursday|friday|tomorrow|on the)", ASSERTED),
        (STRONG, "(i know|i can tell|i am sure|i bet|we know) ~8 (is|are) ~1 (behind schedule|behind|overwhelm*|"
                 "frustrat*|struggl*|falling apart|a mess)", ASSERTED),
        (STRONG, "(can not|could not) (cope|keep up|handle|manage) ~6 (which is why|so) (our|we|i)"),
        # What keeps them up at night, loggers reserved in their name, a profile already live, the invoice to follow,
        # getting them live, logins for their staff, a visit to explain the next steps, someone arriving on campus.
        (STRONG, "(i know|i bet|i am sure i know) (exactly)? what keeps you (up|awake) at night"),
        (STRONG, "(reserv*|set aside|earmark*|held|hold*) ~5 in your name", ASSERTED),
        # A profile made for them, not "the new pricing page is live" (the sender's own news).
        (STRONG, "(supplier|seller|vendor|member|partner|customer|trade) (profile|listing|account|page|store) (is|are) "
                 "(now)? live", ASSERTED),
        (STRONG, "your ~2 (profile|listing|store|shop|account|page) (is|are) (now)? live", ASSERTED),
        (STRONG, "(gone ahead and|went ahead and|go ahead and) (list*|publish*|upload*|post*|import*|creat*|add*)"),
        (STRONG, "(membership|annual|first|setup|onboarding|deposit)? (invoice|bill) will (follow|be sent|arrive|come)",
         ASSERTED),
        (STRONG, "(when|once) we get you (live|set up|started|onboarded|going|up and running)"),
        (STRONG, "(should|will|can) get the (login|logins|credentials|access details|login details)"),
        (STRONG, "(asked|told|instructed) my ~2 (team|staff|colleagues|engineers|people) to (prepare|create|set up|build|"
                 "configure|draft|start)", ASSERTED),
        (STRONG, "(i will|i am going to|we will) (come|visit|be) (to|at) your ~4 (on|next|tomorrow|monday|tuesday|"
                 "wednesday|thursday|friday|saturday|sunday) ~4 (to explain|to go through|to start|to begin|the next steps)",
         ASSERTED),
        (STRONG, "(our|my) ~2 (will arrive|arrives|is arriving|will be arriving) (at|on|to|in) your", ASSERTED),
        (STRONG, "(let|tell|ask) (your|the) ~3 know to expect (her|him|them|us|our|me)"),
        (STRONG, "(when|once) we start (with|at|on|in) your", ASSERTED),
        (STRONG, "(already|have) (put together|drafted|prepared|built|mapped out) the (timeline|plan|schedule|roadmap) ~4 "
                 "(share|send|present) ~3 your", ASSERTED),
        # Their people's feelings known, their pipeline already mapped, a workspace shared with their VP, "once your team
        # is live".
        (STRONG, "(i know|i am sure|i bet) ~1 your ~4 (can not stand|hate|are sick of|are tired of|are fed up with|loathe)"),
        (STRONG, "(already|have) (mapped|migrated|imported|copied|moved|configured|loaded) your", ASSERTED),
        (WEAK, "ready for the (switch|move|migration|rollout|changeover)"),
        (STRONG, "share the (workspace|account|dashboard|instance|project) with your", ASSERTED),
        (STRONG, "(once|when) your (team|staff|people|stores|store|company) (is|are) (live|set up|onboarded|trained) "
                 "(on|with)", ASSERTED),
    ],
}


# Words that may stand between a negator and what it negates: "not the cheapest", "no real risk".
_NEGATED_FILLERS = frozenset({"the", "a", "an", "that", "so", "too", "very", "really", "exactly", "real"})


# Where a sentence (or a line) ends: a negator before it negates nothing after it ("... whether you're
# ready or not. If you don't sign by Friday, ...").
_CLAUSE_END = re.compile(r"[.!?;\n]")


def negated(text: str, start: int) -> bool:
    """The words before ``start``, in its sentence, negate what follows: "not urgent", "isn't the
    cheapest", "no real risk"; a "not" ending the sentence before does not."""
    window = text[max(0, start - 40):start]
    window = _CLAUSE_END.split(window)[-1]
    before = [stemmed for stemmed, _s, _e in words(window)]
    if before and before[-1] in _NEGATORS:
        return True
    return len(before) > 1 and before[-1] in _NEGATED_FILLERS and before[-2] in _NEGATORS


@dataclass(frozen=True)
class ToneHit:
    family: str
    weight: float
    start: int
    end: int
    text: str


# What each marker excuses: a hit of a pattern marked with it does not count where its test holds.
_EXCUSES: dict[str, Callable[[str, int, int], bool]] = {
    ASSERTED: lambda text, start, end: offered(text, start),
    DATED: lambda text, start, end: dated(text, end),
    MISHAP: lambda text, start, end: about_a_mishap(text, end),
    VERB: lambda text, start, end: as_a_noun(text, start),
    TERMS: states_terms,
    SHARED: lambda text, start, end: bool(_SHARED_BEFORE.search(text[:start])),
}


@cache
def _compiled_families() -> list[tuple[str, float, re.Pattern[str], tuple[Callable[[str, int, int], bool], ...]]]:
    return [(family, entry[0], compile_pattern(entry[1]), tuple(_EXCUSES[marker] for marker in entry[2:]))
            for family, patterns in FAMILIES.items() for entry in patterns]


def about_a_mishap(text: str, end: int) -> bool:
    """The rest of the sentence after ``end`` names what the apology is for: a real mishap ("... I
    missed our meeting", "... for the mix-up") or news the sender is sorry to hear."""
    return bool(_MISHAP_AFTER.match(text[end:]))


def dated(text: str, end: int) -> bool:
    """The rest of the sentence after ``end`` places it in the past ("... last year", "... in 2023")."""
    return bool(_PAST_AFTER.match(text[end:]))


def offered(text: str, start: int) -> bool:
    """The sentence before ``start`` makes what follows an offer or a condition ("If it helps, I'll
    send...", "Happy to send...", "Shall I send...")."""
    return bool(_OFFER_BEFORE.search(sentence_so_far(text, start)))


def _stem_string(text: str) -> tuple[str, list[tuple[str, int, int]], list[int]]:
    tokens = words(text)
    offsets, joined = [], []
    position = 0
    for stemmed, _start, _end in tokens:
        offsets.append(position)
        joined.append(stemmed)
        position += len(stemmed) + 1
    return " ".join(joined) + " ", tokens, offsets


def family_hits(text: str, allowed: list[str] | None = None) -> list[ToneHit]:
    """Family hits in a text, spans in the text as written. A hit overlapping an ``allowed``
    phrase (a policy's ``tone_allowed``, normalised the same way) is dropped."""
    joined, tokens, offsets = _stem_string(text)
    if not tokens:
        return []
    allowed_ranges = []
    for phrase in allowed or []:
        phrase_stems = " ".join(stemmed for stemmed, _s, _e in words(phrase))
        if phrase_stems:
            allowed_ranges += [(m.start(), m.end()) for m in re.finditer(r"(?<![^ ])" + re.escape(phrase_stems) + " ",
                                                                         joined)]
    hits = []
    for family, weight, pattern, excuses in _compiled_families():
        for match in pattern.finditer(joined):
            if match.end() == match.start():
                continue
            first = bisect_right(offsets, match.start()) - 1
            last = bisect_right(offsets, match.end() - 2) - 1
            start, end = tokens[first][1], tokens[last][2]
            if negated(text, start):
                continue
            if any(low < match.end() and match.start() < high for low, high in allowed_ranges):
                continue
            if any(excuse(text, start, end) for excuse in excuses):
                continue
            if family == "hype" and describes_a_problem(text, text[start:end], end):
                continue
            if weight < STRONG and is_a_name(text, start, end):
                continue
            if _PARAGRAPH_BREAK.search(text, start, end):  # a phrase does not run on into the next paragraph
                continue
            hits.append(ToneHit(family, weight, start, end, text[start:end]))
    return hits


def merge_overlapping(hits: list[Any]) -> list[Any]:
    """One hit per stretch of text: where hits overlap, the heaviest (then longest) is kept."""
    kept: list[Any] = []
    for hit in sorted(hits, key=lambda h: (-h.weight, -(h.end - h.start), h.start)):
        if all(hit.end <= other.start or other.end <= hit.start for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
