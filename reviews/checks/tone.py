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

A hit right after "not", "no", "never" or "without" is ignored ("not urgent", "no guarantee").
Each family pattern has a weight; a draft whose hits (with the tone lexicon's, weight 1 each) add
up to ``TONE_FAIL_SCORE`` fails. Weak signals (an enthusiastic adjective) weigh 0.5: one is
allowed, two are not. What is deliberately not flagged: polite apologies about something that
happened ("Sorry I missed your call", "Sorry to hear about the office move"), "Apologies if I have
the wrong person", "no pressure", "no rush", a plain request for a call ("What time works for you?").
"""

from __future__ import annotations

import re
from bisect import bisect_right
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


def stem(word: str) -> str:
    """A crude, consistent stem: the longest listed suffix removed when three letters remain
    ("bothering" -> "bother", "apologies" -> "apolog"). Text and patterns share it, so only
    consistency matters, not linguistic accuracy."""
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
_NOISE = "(intru*|bother*|disturb*|interrupt*|cold|out of the blue|out of nowhere|unsolicited|unannounced|spam*|random*)"
# A deadline: "by noon", "before Friday", "by the end of the quarter".
_DEADLINE = ("(by|before|until) (re:\\d+\\S*|noon|midnight|today|tonight|tomorrow|eod|end of|close of|cob|monday|"
             "tuesday|wednesday|thursday|friday|saturday|sunday|the end|the close|the quarter|this week|then)")
_SLOT = ("(slot|spot|seat|place|allocation|reservation|package|offer|discount|rate|pricing|date|booking|"
         "install*|session|appointment|window)")
_TITLE = ("(vp|cfo|ceo|coo|cro|cto|boss|manager|supervisor|board|director|head|leadership|superior*|owner|founder|"
          "president|partner*)")
_HURT = ("(disappoint*|disheart*|discourag*|demorali*|deflat*|let down|sting*|stung|hurt*|upset*|offend*|sad*|"
         "embarrass*|crush*|gutt*)")
_SPARE_TIME = ("(weekend*|evening*|night*|saturday*|sunday*|holiday*|vacation*|day off|days off|lunch*|half term|"
               "spare time|free time|own time|family time|morning*)")
_ATTEMPTS = "(two|three|four|five|six|seven|several|multiple|many|numerous|re:\\d+)"
_ROLLOUT = ("(implementation|onboarding|kickoff|kick off|rollout|roll out|training|migration|go live|launch|setup|"
            "set up)")
FAMILIES: dict[str, list[tuple[float, str]]] = {
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
        (STRONG, "escalat* ~4 (your|to your|above|over|to) ~3 " + _TITLE),
        (STRONG, "(rais*|tak*|bring*|flag*|escalat*) (this|it|the matter|the issue)? ~2 (with|to) your ~2 " + _TITLE),
        (STRONG, "(go|going|went|gone) (over|above|around) your head"),
        (STRONG, "(copy*|cc*|bcc*|forward* this to) your ~2 " + _TITLE),
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
                 "past|for another)"),
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
        (STRONG, "(not|never) (be )?(reaching out|writing|emailing|contacting you|following up) again ~6 "
                 "(chance|last|final|so|unless)"),
        (STRONG, "(call|reply|respond|text|ring|get back to) (me)? ~1 (as soon as|the moment|the minute|right when) you "
                 "(see|read|get|open)"),
        (STRONG, "(been|i have been|i am being) (more than|very|extremely|really|incredibly)? (fair|generous|"
                 "reasonable|flexible|accommodating) with (you|my time|the timeline|the deadline|deadlines)"),
        (STRONG, "(need|want|require) you to ~4 (now|today|tonight|immediately|right away|asap|right now)"),
        (STRONG, "(this|that|it) is (the|my) (second|third|fourth|fifth|sixth|re:\\d+\\S*) (time|email|messag*|"
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
                 "tomorrow|eod|end of day|end of the day|close of business|cob)"),
        (STRONG, "just sign"),
        (STRONG, "(what|nothing) (there is|is there) to (think|mull|consider)"),
        (STRONG, "you (are going to|will|would) (lose|miss|forfeit) (the|this|your|that) ~1 (rate|discount|deal|spot|"
                 "price|pricing|offer|slot|seat|window)"),
        (STRONG, "(i|we) (will not|can not|would not) be able to help you"),
        (STRONG, "not commit (before|by|until)"),
        (STRONG, "my (manager|boss|team|director|vp) (is|are|has been|have been|keep*) ~1 (ask*|push*|chas*|breath*)"),
        (STRONG, "act (now|fast|today|immediately|quickly)"),
        (STRONG, "(now|today) or never"),
        (STRONG, "(last|final) (chance|call|opportunity|notice|reminder|warning)"),
        (STRONG, "(offer|deal|discount|promo*|pricing|price|rate) ~2 (end|expir*|vanish*|disappear*|go away|will not last)"),
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
        (STRONG, "(sign up|buy|order|register|claim|grab|lock in|decide) ~2 (now|immediately|right away|asap|today|"
                 "tonight)"),
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
        (STRONG, "(lock|grab|claim|secure) (this|it|them|yours)? in? ~1 (now|today|immediately|tonight)"),
        (STRONG, "need ~2 (answer|decision|reply|yes) ~2 (now|today|asap|immediately|tomorrow|friday|by)"),
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
        (STRONG, "(last|only) ~4 you (will|would) ever need"),
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
        (STRONG, "guarante*"),
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
        (STRONG, "(no|zero|without) (risk|downside|catch)"),
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
        (STRONG, "(nothing|no one|nobody|none) (else)? (come*|compare*) close"),
        (STRONG, "(nothing|no one|nobody|none) ~4 (can|could) (compare|compete|match|touch|beat)"),
        (STRONG, "(like nothing|unlike anything) (else|you have ever)"),
    ],
    "guilt_tripping": [
        # Sunk effort and personal sacrifice, feelings the prospect is made responsible for, silence.
        (STRONG, "i ~2 (spent|gave up|gave|sacrific*|burn*|lost|gone without|skip*|cancel*|work* through|wast*) ~4 "
                 + _SPARE_TIME),
        (STRONG, "i ~3 (stay*|work*|was up) (late|up late|overtime|through the night|all night)"),
        (WEAK, "(rearrang*|reshuffl*|mov*|clear*|cancel*|juggl*) my (own)? (schedule|calendar|diary|plans|week|day)"),
        (STRONG, "(all|so much|this|that) (that|this|of that|of this|my|the)? (work|effort|time|research|prep*|analysis|"
                 "hours) ~4 (sit|go to waste|wast*|for nothing|in a drawer|in a folder|gather* dust|unused|unread|"
                 "matter*|count* for|go unnoticed|ignored)"),
        (STRONG, "(effort|work|hours) ~3 (was|were|be|been|being) (seen|noticed|acknowledg*|recogni*|wasted)"),
        (STRONG, "(none|nothing) of (it|this|that|my re:\\S+|what i) ~2 (matter*|mean*|count*)"),
        (STRONG, "after (everything|all) (that|this|of that|of this)? (i|we) (have|had)? ~1 (done|sent|put|spent|tried|"
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
        (STRONG, "(how much|so much|all this|all that|all the|all of this|all of the) (time|work|effort|energy|"
                 "research) (i|i have|we|we have|that i|that we)"),
        (STRONG, "i ~1 (spent|gave up|sacrific*|gave|burn*|lost) my (whole|entire)? (weekend|evening|night|saturday|"
                 "sunday|holiday|vacation|day off|lunch break)"),
        (STRONG, "still waiting (to hear|for (a|your) (repl*|respons*|answer)|on you|for you)"),
        (STRONG, "(not heard|no repl*|no respons*|no answer|heard nothing|not hear*) ~2 back? ~3 (surpris*|strange|odd|"
                 "disappoint*|concern*|shock*|baffl*|puzzl*)"),
        (STRONG, "(same|common|basic|simple) courtesy"),
        (STRONG, "i (have)? (reach* out|email*|writ*|wrote|tri*|messag*|call*|contact*|ping*|follow* up) ~3 "
                 "((several|many|multiple|numerous|re:\\d+|two|three|four|five|few|couple|dozen) "
                 "(tim*|email*|messag*|attempt*|note*|follow*)|twice|repeatedly|again and again)"),
        (STRONG, "(since|as|because|given) (i|we) ~2 (not|never) (heard|got*|receiv*|had) ~3 "
                 "(back|repl*|respons*|answer*)"),
        (STRONG, "(still|yet) ~1 no (repl*|respons*|answer*|word)"),
        (STRONG, "you ~2 (ignor*|not (repl*|respond*|answer*|get* back|got* back|writ* back))"),
        (STRONG, "ignor* (me|my (email*|messag*|note*|call*))"),
        (STRONG, "(disappoint*|hurt|upset|offend*|frustrat*|sad) ~5 (not|no|never) ~2 "
                 "(heard|repl*|respon*|answer*|back|word)"),
        (STRONG, "(disappoint*|hurt|upset|offend*) ~3 (that|when|if) you"),
        (STRONG, "least you (could|can) do"),
        (STRONG, "(shame|pity|rude|unfair) (if|for you|not to|to miss|to let)"),
        (STRONG, "do not you (care|want|think)"),
        (STRONG, "(do|did|have) you even (read|open*|look*|see|care*)"),
        (STRONG, "(spent|invested|put|took) ~2 (hours|days|weeks|ages|so much time|a lot of time|all day|all week|"
                 "all weekend) ~5 (for you|on this|putting|research*|prepar*|writ*|build*|craft*|making)"),
        (STRONG, "(this is)? my (last|final) (attempt*|email*|try|messag*|follow up|note)"),
        (STRONG, "(assum*|guess|take it|take that as|suppos*) ~2 (you|your team|that you) ~2 "
                 "(not (interest*|care*|a priority)|do not care)"),
        (STRONG, "(you|your team) (owe|owes) (me|us|it to)"),
        (STRONG, "(let|leaving|leave) (me|us) hanging"),
        (STRONG, "ghost*"),
        (STRONG, "(surely|i would have thought|i would think) you ~2 (care|want|would|see|understand)"),
        (STRONG, "(only|just) (take*|need*) ~2 (second|minute|moment) ~4 (to reply|to respond|to answer|to say)"),
        (STRONG, "courtesy ~3 (repl*|respons*|answer*)"),
    ],
    "apologetic": [
        # Self-effacing: the sender apologises for writing at all, or belittles themselves.
        (STRONG, "i am ~2 the (re:\\S+th|umpteenth|millionth|latest|next) (vendor*|person|email|sales*|rep|pitch*|"
                 "cold)"),
        (STRONG, "(presumptuous|forward|rude|intrusive|pushy|cheeky|bold|nosy) of me"),
        (STRONG, "(hope|sorry if|apolog* if) ~3 (overstep*|out of line|out of turn|presum*|too forward)"),
        (STRONG, "(sorry|apolog*) ~1 (if|in case) ~5 (bad tim*|wrong tim*|awkward tim*|busy tim*)"),
        (STRONG, "(embarrass*|awkward|sheepish|nervous|guilty) (to be|about|for)? ~1 (writ*|email*|reach*|messag*|"
                 "follow* up|bother*|ask*)"),
        (STRONG, "(get|stay|keep) out of your (hair|inbox)"),
        (STRONG, "better things to do"),
        (WEAK, "a long shot"),
        (STRONG, "(pardon|forgive|excuse|sorry for|apolog* for) (my|the) (persistence|follow* up|repeated|pestering|"
                 "nagging|boldness|directness|forwardness|rambling)"),
        (STRONG, "i (feel|felt) (so|really|very|just)? (awful|terrible|horrible|so bad|really bad|bad|dreadful|guilty)"),
        (STRONG, "i ~2 (drop|dropped) the ball"),
        (STRONG, "(sorry|apolog*) again"),
        (STRONG, "(sorry|apolog*) ~8 (inconvenien*|for (the|my) (delay|trouble|silence))"),
        (STRONG, "apologet*"),
        (STRONG, "(another|a second|one more|a last) chance"),
        (STRONG, "(i am|i am so|i am very|i am really|i am terribly|i am truly) sorry"),
        (STRONG, "(sorry|apolog*|forgive|pardon|excuse) ~4 " + _NOISE),
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
        (STRONG, "(feel free|totally fine|completely fine|ok|okay|fine|no worries if you|happy for you) to "
                 "(ignore|delete|disregard|bin|trash|skip)"),
        (STRONG, "(ignore|delete|disregard|bin) (this|me|my note|my email|my messag*) ~2 (if|when|otherwise)"),
        (STRONG, "you ~2 (get|receiv*|see) ~2 (lot|ton|tons|dozen*|hundred*|load*|plenty|countless|many|flood) ~2 "
                 "(these|email*|pitch*|messag*|vendor*|cold|note*|request*|outreach)"),
        (STRONG, "i am (just|only|probably)? (another|one more|yet another|the last|the hundredth) "
                 "(vendor*|person|email|sales*|rep|pitch*)"),
        (STRONG, "(probably|likely|surely)? the last thing you (want|need)"),
        (STRONG, "(awkward|weird|strange|odd) (to|for me to) (reach* out|email*|writ*|messag*)"),
        (WEAK, "wast* ~1 your time"),
        (WEAK, "(will not|promise not to) (take|keep) (up)? (much|too much|more than|long) ~2 (time|minut*)"),
    ],
    "presumptuous": [
        # Acting as if the deal is done: welcome, kickoff, onboarding, an account manager, before any agreement.
        # "Thanks for choosing a time" is a reply to a booking: choosing alone is a weak signal.
        (WEAK, "thank* ~2 for (choos*|select*|pick*|join*)"),
        (STRONG, "thank* ~2 for (choos*|select*|pick*|join*|sign* up with|sign* with|partner* with|trust*) (us|our "
                 "(team|platform|service|product|company|program*|software|tool|app))"),
        (STRONG, "thank* ~2 for becom* (a|our) (customer|client|partner|member)"),
        (STRONG, "welcom (aboard|on board|to the (family|team|club|community|cohort))"),
        (STRONG, "(now that|since|as|given that) you (are|have) (joining|joined|on board|signed|decided|chosen|agreed|"
                 "coming on)"),
        (STRONG, "you are joining (us|our|the) ~2 (cohort|customer*|client*|program*|family|team|rollout|pilot|"
                 "platform|plan)"),
        (STRONG, "(when|once|after|as soon as) (we|you) (are|have|get|start|begin)? ~1 (work* together|work* with us|"
                 "partner*|onboard*|on board|a customer|our customer|live on|set up on|sign* on)"),
        (STRONG, "(as|when|once|while) we (roll* out|implement*|onboard*|migrat*|launch*|get started|kick off|go live|"
                 "start work*) ~2 (everything|together|your|the)"),
        (STRONG, "your " + _ROLLOUT + " ~2 (spot|slot|date|session|call|schedule|invite*|timeline|agenda|manager|"
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
        (STRONG, "(login|log in|credential*|password|username) (detail*)? (are|is)? (below|attach*|enclos*)"),
        (STRONG, "(i|we) (have|just|have just|have already) (add*|invit*|enrol*|regist*|sign* up|subscrib*) "
                 "(you|your re:\\S+) ~1 (to|into|on|for) (our|the)"),
        (WEAK, "(look* forward|excit*|can not wait) to ~3 (partnership|working together|work together|"
               "collaborat*|onboard*|kickoff|kick off|welcom*)"),
        (STRONG, "(implementation|onboarding|success|setup|install*|migration) (team|manager|specialist|lead|"
                 "engineer*) (will|is going to|are going to) (contact|call|reach out|email|be in touch|get in touch|"
                 "schedul*|start|begin)"),
        (WEAK, "to (begin|start|kick off) (setup|set up|onboarding|implementation|installation|migration|the rollout)"),
        (STRONG, "you are (on board|onboard|signed up|committed|a go)"),
        (STRONG, "(here is|attached is|attached|enclosed|find) ~2 your (invoice|bill|receipt|contract|order|"
                 "agreement|welcome pack*)"),
        (STRONG, "i (will|would|am going to) ~1 assum* ~4 (work*|suit*|fine|yes|ok|okay|good|agree*|interest*|in|on board)"),
        (STRONG, "(went ahead and|gone ahead and|go ahead and|took the liberty of|taken the liberty of|already) ~2 "
                 "(activat*|enrol*|sign* you|regist* you|schedul*|book*|assign*|invit* your|add* you|add* your|upgrad*|"
                 "bill*|charg*|provision*|creat* (an|your) account|set up (an|your) account|start* your)"),
        (STRONG, "(i|we) (have)? ~1 (assign*|schedul*|set up|book*) (you|your) ~4 (onboarding|kickoff|kick off|"
                 "account manager|training|implementation|rollout|contract|subscription)"),
        (STRONG, "(since|as|because) you (are|were) (obviously|clearly|definitely)? interest*"),
        (STRONG, "(i could|i can) tell ~5 (you|your team|they) ~2 (would|will)? (want|need|love)"),
        (STRONG, "(i am sure|i know|i bet) they ~1 (will|would) (want|love|need|use)"),
        (STRONG, "your (first|next) (invoice|bill|payment|charge)"),
        (STRONG, "i ~3 (book*|schedul*|block*|reserv*|pencil*) ~6 (calendar|diary|schedule|invite|hold|call|meeting|"
                 "demo|minut*|slot|tim*)"),
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
        (STRONG, "you (will|are going to) (love|thank me|agree|want|be glad|be thrilled|be delighted|be amazed|"
                 "be impressed)"),
        (STRONG, "(when|once|after) (we|you) (start work*|start using|sign*|onboard*|work together|"
                 "become a customer|become a partner|are on board|come on board|switch to us)"),
        (STRONG, "(what|which) (time|day|slot) (work*|suit*|is best|would work) ~3 (our|the) (call|meeting|demo|chat)"),
        (STRONG, "no (reason|way) ~3 (not|never)"),
        (STRONG, "(you|your team) (should|must|need to|have to) (switch|buy|sign up|replace|get rid|ditch|drop)"),
        (STRONG, "unless (i|we) (hear|get|receiv*) (otherwise|back|no|an objection)"),
        (STRONG, "unless you (object|say otherwise|tell me otherwise|opt out|decline)"),
        (STRONG, "(silence|no reply|no response|not hearing back) (mean*|as|is) a? (yes|consent|agreement|ok|okay)"),
    ],
}


@dataclass(frozen=True)
class ToneHit:
    family: str
    weight: float
    start: int
    end: int
    text: str


@cache
def _compiled_families() -> list[tuple[str, float, re.Pattern[str]]]:
    return [(family, weight, compile_pattern(pattern)) for family, patterns in FAMILIES.items()
            for weight, pattern in patterns]


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
    for family, weight, pattern in _compiled_families():
        for match in pattern.finditer(joined):
            if match.end() == match.start():
                continue
            first = bisect_right(offsets, match.start()) - 1
            last = bisect_right(offsets, match.end() - 2) - 1
            if first > 0 and tokens[first - 1][0] in _NEGATORS:
                continue
            if any(start < match.end() and match.start() < end for start, end in allowed_ranges):
                continue
            start, end = tokens[first][1], tokens[last][2]
            hits.append(ToneHit(family, weight, start, end, text[start:end]))
    return hits


def merge_overlapping(hits: list[Any]) -> list[Any]:
    """One hit per stretch of text: where hits overlap, the heaviest (then longest) is kept."""
    kept: list[Any] = []
    for hit in sorted(hits, key=lambda h: (-h.weight, -(h.end - h.start), h.start)):
        if all(hit.end <= other.start or other.end <= hit.start for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
