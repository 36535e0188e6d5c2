"""The tone lexicon: phrases a cold email should not use, by category.

An entry is a plain phrase, matched case-insensitively on word boundaries with any run of spaces
or hyphens between its words ("game changer" also finds "Game-Changer"); a word ending in ``*``
matches any ending ("revolutionar*"). An entry starting with ``re:`` is a regular expression.

The built-in lexicon below is extended by ``hitlcrm_settings.TONE_LEXICON`` (``{category:
[entries]}``; ``HITLCRM_TONE_LEXICON_DEFAULTS = False`` drops the built-in entries) and, per task
type, by ``Policy.tone_lexicon``; ``Policy.tone_allowed`` lists entries a task type may use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..conf import hitlcrm_settings

# "incredible" and "amazing" as the sender's claim, not a compliment on what the prospect has ("your cabins
# would look incredible on video").
_NOT_A_COMPLIMENT = r"(?<!\blook )(?<!\blooks )(?<!\blooked )(?<!\bsound )(?<!\bsounds )(?<!\bseems )"

DEFAULT_TONE_LEXICON: dict[str, list[str]] = {
    "pushy": [
        "act now", "act fast", "act today", "last chance", "final chance", "limited time", "time is running out",
        "running out of time", "don't miss out", "do not miss out", "don't miss this", "before it's too late",
        "before it is too late", "now or never", "what are you waiting for", "don't wait", "do not wait",
        "hurry up", "re:\\bhurry\\s*[,!]",
        # "urgent" on its own, or "urgent" reply, answer, decision: pressing the reader. "urgent cases", "the urgent
        # delivery of spare parts", "Urgent Care": an adjective describing the work (the prospect's or the
        # sender's), not pressing anyone; "urgently" is read before the same words.
        "re:(?<!not )(?<!no )\\burgent\\b(?!\\s+(?!(?:reply|replies|response|responses|answer|action|attention|"
        "decision|reminder|follow|notice|matter|note|update|question|opportunity|offer|deal|review|signature|sign|"
        "confirmation|approval|payment|feedback|input|meeting|word|that|for|to|and|but|so|as|"
        "because|since|if|now|please|enough|or|i|we|you|this|it)\\b)[a-z])",
        "re:(?<!not )(?<!no )\\burgently\\b(?!\\s+(?:care|cases?|calls?|repairs?|needs?|needed|tickets?|issues?|jobs?|"
        "orders?|requests?|situations?|appointments?|visits?|work|maintenance|problems?|medical|clinics?|"
        "incidents?|alerts?|messages?)\\b)", "asap", "final notice",
        "final reminder", "won't last",
        "re:\\b(?:this\\s+)?offer\\s+(?:ends|expires|disappears|won't\\s+last)",
        "re:\\b(?:expires?|ends?)\\s+(?:today|tonight|tomorrow|soon|at\\s+midnight)\\b",
        "re:\\bonly\\s+\\d+\\s+(?:spots?|seats?|places?|slots?|licen[cs]es?)\\s+(?:left|remaining)\\b",
        "re:\\b(?:buy|order|sign\\s+up|register|book|call|reply|respond|click|decide)\\s+(?:now|today|immediately)\\b",
        # "You need to act", not "when you need to buy stock" (a condition the prospect meets).
        "re:(?<!\\bwhen )(?<!\\bif )(?<!\\bwhenever )(?<!\\bonce )(?<!\\bbefore )(?<!\\buntil )(?<!\\bwhile )"
        "(?<!\\bbecause )\\byou\\s+(?:need|have)\\s+to\\s+(?:act|decide|buy|sign|reply|respond)\\b",
        "i'll keep following up", "i will keep following up",
    ],
    "hype": [
        # (A guarantee is the tone families' "guarante*", which knows one stated as terms: "a 90-day guarantee".)
        "100% free", "completely free", "totally free", "absolutely free",
        "risk-free", "no risk", "zero risk", "game-changing", "game changer", "revolutionar*", "revolutionis*",
        "revolutioniz*", "groundbreaking", "ground-breaking", "cutting-edge", "world-class", "best-in-class",
        "best ever", "second to none", "unbeatable", "unbelievable", "re:" + _NOT_A_COMPLIMENT + r"\bincredible\b",
        "mind-blowing", "jaw-dropping",
        "life-changing", "once in a lifetime", "skyrocket*", "magic bullet", "silver bullet",
        "re:" + _NOT_A_COMPLIMENT + r"\bamazing\b", "insane",
        "insanely", "disruptive", "explode your", "triple your", "double your revenue", "number one",
        "re:#1\\b", "re:\\b(?:10|100|1000)x\\b",
        # Several exclamation marks in a row.
        "re:!\\s*!",
    ],
    "apologetic": [
        "re:\\b(?:sorry|apologies|apologi[sz]e)\\s+(?:to|for)\\s+(?:bother|bug|disturb|interrupt|intrud|trouble|reach)\\w*",
        "re:\\bi\\s+(?:hate|don't\\s+want|do\\s+not\\s+want|don't\\s+mean)\\s+to\\s+(?:bother|bug|disturb|be\\s+a\\s+bother)",
        "re:\\bi\\s+know\\s+(?:that\\s+)?you(?:'re|\\s+are)\\s+(?:\\w+\\s+){0,2}busy\\b",
        "re:\\b(?:you're|you\\s+are)\\s+(?:probably\\s+|very\\s+|so\\s+)*too\\s+busy\\b",
        "re:\\bi\\s+hope\\s+(?:this\\s+isn't|this\\s+is\\s+not|i'm\\s+not|i\\s+am\\s+not)\\s+(?:a\\s+)?(?:bother|bothering)",
        "forgive the intrusion", "pardon the intrusion", "pardon the interruption",
        "if it's not too much trouble", "you probably get a lot of these",
    ],
    "off_brand": [
        # Not "cheap" alone: "cheap QR collars ($3.50 each)" states a price plainly; a brand that never says it
        # adds it to its own lexicon. Not "cheapest": "shows the cheapest option" describes what a tool finds, and
        # "the cheapest on the market" is the hype family's claim.
        "to whom it may concern", "dear sir or madam", "dear sir/madam", "valued customer", "dirt cheap",
        "no-brainer", "killer deal", "lol", "omg", "wtf", "dude", "bro", "per my last email", "click here",
    ],
}


def _phrase_pattern(entry: str) -> str:
    words = []
    for word in re.split(r"[\s-]+", entry.strip().lower()):
        words.append(re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word))
    return r"[\s-]+".join(words)


def _entry_pattern(entry: str) -> str:
    """One entry on its own (for validation)."""
    if entry.startswith("re:"):
        return entry[3:]
    # Word boundaries that also hold next to symbols ("100%"); any spaces or hyphens between words.
    return r"(?<!\w)(?:" + _phrase_pattern(entry) + r")(?!\w)"


@lru_cache(maxsize=64)
def _compiled(lexicon_json: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for the whole lexicon, a named group per category, so a text is scanned once.
    Plain phrases share one boundary test and are only tried where a word starts."""
    lexicon = json.loads(lexicon_json)
    branches, groups = [], {}
    for number, category in enumerate(sorted(lexicon)):
        plain = sorted((_phrase_pattern(e) for e in lexicon[category] if not e.startswith("re:")), key=len, reverse=True)
        raw = [e[3:] for e in lexicon[category] if e.startswith("re:")]
        parts = ([r"(?<!\w)(?=\w)(?:" + "|".join(plain) + r")(?!\w)"] if plain else []) + [f"(?:{r})" for r in raw]
        if parts:
            groups[f"c{number}"] = category
            branches.append(f"(?P<c{number}>" + "|".join(parts) + ")")
    return re.compile("|".join(branches) or r"(?!)", re.IGNORECASE), groups


def _canonical(entry: str) -> str:
    return entry if entry.startswith("re:") else " ".join(re.split(r"[\s-]+", entry.strip().lower()))


def tone_lexicon(policy: Any = None) -> dict[str, list[str]]:
    """The lexicon in force for a policy: defaults, plus settings, plus the policy's own, minus
    the entries the policy allows."""
    return json.loads(_merged(*_sources(policy)))


def _sources(policy: Any) -> tuple[str, str, str, bool]:
    # Small JSON strings: cheap to build for every check run, and a cache key for the compiled pattern.
    return (json.dumps(hitlcrm_settings.TONE_LEXICON or {}, sort_keys=True),
            json.dumps(getattr(policy, "tone_lexicon", None) or {}, sort_keys=True),
            json.dumps(getattr(policy, "tone_allowed", None) or [], sort_keys=True),
            bool(hitlcrm_settings.TONE_LEXICON_DEFAULTS))


@lru_cache(maxsize=64)
def _merged(from_settings: str, from_policy: str, allowed_json: str, with_defaults: bool) -> str:
    merged: dict[str, list[str]] = {}
    sources = [DEFAULT_TONE_LEXICON] if with_defaults else []
    for source in [*sources, json.loads(from_settings), json.loads(from_policy)]:
        for category, entries in source.items():
            merged.setdefault(category, []).extend(entries)
    allowed = {_canonical(entry) for entry in json.loads(allowed_json)}
    return json.dumps({category: list(dict.fromkeys(e for e in entries if _canonical(e) not in allowed))
                       for category, entries in merged.items()}, sort_keys=True)


def tone_matches(text: str, policy: Any = None) -> Iterator[tuple[str, re.Match[str]]]:
    """(category, match) for every lexicon phrase in a text; the pattern is compiled once per
    distinct lexicon."""
    pattern, groups = _compiled(_merged(*_sources(policy)))
    for match in pattern.finditer(text):
        yield groups[match.lastgroup or ""], match


def lexicon_errors(lexicon: Any) -> list[str]:
    """Problems with a lexicon given in settings or a policy (for validation, in plain words)."""
    if not isinstance(lexicon, dict):
        return ["must be an object of {category: [phrases]}"]
    errors = []
    for category, entries in lexicon.items():
        if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
            errors.append(f"{category}: must be a list of non-empty phrases")
            continue
        for entry in entries:
            try:
                re.compile(_entry_pattern(entry))
            except re.error as exc:
                errors.append(f"{category}: {entry!r} is not a valid pattern ({exc})")
    return errors
