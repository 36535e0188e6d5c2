"""Checks of what a proposal says: placeholders, length, personalisation, tone, shouting, and runaway
repetition."""

from __future__ import annotations

import re
from typing import Any

from ..conf import hitlcrm_settings
from .base import HARD, MAX_SPANS, PART_FIELDS, SOFT, Check, CheckContext, CheckOutcome, Span, registry
from .lexicon import tone_matches
from .placeholders import placeholder_matches, unquoted
from .text import body_text, email_parts, excerpt, first_line, first_line_span, normalise, readable_parts
from .tone import STRONG, TONE_FAIL_SCORE, ToneHit, family_hits, merge_overlapping, negated

EMAIL = frozenset({"email_draft"})


def names_the_company(slot: str, company: str) -> bool:
    """The slot's words are the prospect's own name ("Acme Inc" writing to Acme Inc), not a template's."""
    slot = slot.strip().lower()
    return len(slot) >= 3 and bool(company) and re.search(r"(?<!\w)" + re.escape(slot) + r"(?!\w)", company) is not None


@registry.register
class PlaceholderCheck(Check):
    """Unfilled template slots in any merge-tag syntax (``{{first_name}}``, ``[Company]``,
    ``<<Company Name>>``, ``%NAME%``, ``*|FNAME|*``... see ``placeholders``) in any part a
    recipient reads, quoted lines excepted; a template's example name ("Acme Inc") is not one when it is
    the prospect's own company. Hard: a template slot never goes out."""

    name = "placeholders"
    severity = HARD
    kinds = EMAIL

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        found: dict[str, list[str]] = {}
        spans: list[dict[str, object]] = []
        # A template's example name ("Acme Inc") is the prospect's own name when the prospect is called that.
        company = normalise(proposal.company_name or str((context.crm_record or {}).get("Company") or "")).lower()
        for where, text in email_parts(proposal):
            matches = [m for m in placeholder_matches(text) if not names_the_company(m.group(0), company)]
            if matches:
                found[where] = list(dict.fromkeys(match.group(0) for match in matches))
                spans += [Span(m.start(), m.end(), m.group(0), PART_FIELDS[where]).as_dict() for m in matches]
        if found:
            where, tokens = next(iter(found.items()))
            return CheckOutcome(False, f"Unfilled template placeholder in the {where}: {', '.join(tokens[:3])}",
                                {"found": found, "spans": spans[:MAX_SPANS]})
        return CheckOutcome(True, "No template placeholders")


def length_limits(policy: Any) -> dict[str, int]:
    return {**hitlcrm_settings.LENGTH_LIMITS, **(getattr(policy, "length_limits", None) or {})}


@registry.register
class LengthCheck(Check):
    """Length limits in characters (``HITLCRM_LENGTH_LIMITS``, overridden per policy): the first
    line a prospect reads (after a bare greeting), the subject, the body. Soft: a reviewer trims."""

    name = "length"
    severity = SOFT
    kinds = EMAIL

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        limits = length_limits(context.policy)
        body = body_text(proposal)
        measured = {"first_line": len(first_line(body)), "subject": len(normalise(proposal.subject or "")),
                    "body": len(body.strip())}
        labels = {"first_line": "First line", "subject": "Subject", "body": "Body"}
        over = {part: (measured[part], limits[part]) for part in labels
                if limits.get(part) and measured[part] > limits[part]}
        details = {"measured": measured, "limits": {part: limits.get(part) for part in labels}}
        if over:
            text = "; ".join(f"{labels[part]} is {length} characters, over the limit of {limit}"
                             for part, (length, limit) in over.items())
            spans = []
            if "first_line" in over and proposal.body:  # the line itself (an HTML-only body is in its frame)
                start, end = first_line_span(body)
                spans.append(Span(start, end, body[start:end], "body").as_dict())
            if "subject" in over:
                spans.append(Span(0, len(proposal.subject), proposal.subject, "subject").as_dict())
            return CheckOutcome(False, text, {**details, "spans": spans})
        return CheckOutcome(True, f"Within length limits (first line {measured['first_line']} characters)", details)


_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:inc|incorporated|llc|l\.l\.c|ltd|limited|gmbh|corp|corporation|co|plc|s\.?a|ag|b\.?v|pty|s\.?r\.?l|"
    r"oy|ab|as|llp|lp)\.?$",
    re.IGNORECASE,
)


def _company_forms(name: str) -> list[str]:
    """The ways a company is written: as given, without its legal suffix, '&' as 'and'."""
    base = " ".join(normalise(name).split())
    forms = {base, _LEGAL_SUFFIX.sub("", base).strip()}
    forms |= {form.replace("&", "and") for form in forms} | {form.replace(" and ", " & ") for form in forms}
    return sorted((form for form in forms if len(form) >= 2), key=len, reverse=True)


# Leading words too common to stand for a company on their own ("Global Logistics" is not "Global").
_GENERIC_LEADS = frozenset((
    "the a an new north south east west northern southern eastern western central global united national "
    "international american first general great big best city metro premier pacific atlantic golden silver blue "
    "green red royal prime smart digital modern advanced total"
).split())


def _short_form(name: str) -> str | None:
    """How a draft names a company of several words in passing: its distinctive first word
    ("Pinecrest" for "Pinecrest Dental Group"), when that word is not a common one."""
    words = [word for word in _LEGAL_SUFFIX.sub("", " ".join(normalise(name).split())).split()
             if word.lower() != "the"]
    if len(words) < 2 or len(words[0]) < 4 or words[0].lower() in _GENERIC_LEADS or not words[0][0].isupper():
        return None
    return words[0]


def company_mentioned(name: str, text: str) -> bool:
    flat = " ".join(normalise(text).split())
    for form in _company_forms(name):
        words = [re.escape(word) for word in form.split()]
        if re.search(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?!\w)", flat, re.IGNORECASE):
            return True
    short = _short_form(name)
    # Written as a proper noun (case kept), so "Summit" the company is not "summit" the word.
    return bool(short and re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", flat))


@registry.register
class CompanyNameCheck(Check):
    """The prospect's company is named in the subject or body (the draft is personalised). The
    name is ``company_name`` of the submission, else the CRM record's ``Company``. Soft."""

    name = "company_name"
    severity = SOFT
    kinds = EMAIL

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        company = proposal.company_name or (context.crm_record or {}).get("Company") or ""
        if not str(company).strip():
            return CheckOutcome(False, "No company name was given, so personalisation could not be checked")
        text = "\n".join(part for _where, part in email_parts(proposal))
        if company_mentioned(str(company), text):
            return CheckOutcome(True, f"Names the company ({company})")
        return CheckOutcome(False, f"The prospect's company ({company}) is named nowhere in the subject or body",
                            {"company": company})


@registry.register
class ToneCheck(Check):
    """Pushy, hype, guilt-tripping, apologetic, presumptuous or off-brand phrasing: the tone
    lexicon's phrases (see ``lexicon``, weight 1 each) and the families of ``tone`` matched on
    normalised word forms, scored; a draft scoring ``TONE_FAIL_SCORE`` or more fails. The prospect's
    own words (quoted lines, inline quotes, code blocks) are not read. ``HITLCRM_TONE_LEXICON_DEFAULTS = False`` drops the
    families with the built-in lexicon. Soft: a reviewer rewrites the sentence."""

    name = "tone"
    severity = SOFT
    kinds = EMAIL

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        allowed = list(getattr(context.policy, "tone_allowed", None) or [])
        hits: list[dict[str, Any]] = []
        for where, text in email_parts(proposal):
            visible = unquoted(text)
            found = [ToneHit(category, STRONG, m.start(), m.end(), m.group(0).strip())
                     for category, m in tone_matches(visible, context.policy) if not negated(visible, m.start())]
            # The families are built-in vocabulary: replacing the built-in lexicon drops them too.
            if hitlcrm_settings.TONE_LEXICON_DEFAULTS:
                found += family_hits(visible, allowed)
            for hit in merge_overlapping(found):
                hits.append({"category": hit.family, "phrase": hit.text, "where": where, "weight": hit.weight,
                             "context": excerpt(text, hit.start, hit.end),
                             "span": Span(hit.start, hit.end, text[hit.start:hit.end], PART_FIELDS[where]).as_dict()})
        score = sum(hit["weight"] for hit in hits)
        details = {"score": score, "threshold": TONE_FAIL_SCORE, "hits": hits[:MAX_SPANS],
                   "spans": [hit["span"] for hit in hits[:MAX_SPANS]]}
        if score < TONE_FAIL_SCORE:
            return CheckOutcome(True, "No pushy, hype, guilt-tripping, apologetic or off-brand phrasing", details)
        categories = list(dict.fromkeys(hit["category"].replace("_", "-") for hit in hits))
        phrases = list(dict.fromkeys(f"“{hit['phrase']}”" for hit in hits))
        return CheckOutcome(False, f"{' and '.join(categories).capitalize()} phrasing: {', '.join(phrases[:4])}",
                            details)


_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
# All-caps words up to this many letters are acronyms (CRM, SDR, NASA), not shouting on their own.
ACRONYM_MAX = 4


# A field or column name ("JOB_NO", "DUE_DATE", "ISO_9001"): data the email lists, not a word it shouts.
_IDENTIFIER = re.compile(r"\b\w*(?:_\w*)+\b")


def shouted(line: str) -> bool:
    """Most of the line's letters are in all-caps words, and at least one of those words is longer
    than an acronym (so "CRM for SDR teams" or "ACT NOW" alone are not shouting). Identifiers with
    underscores are left out ("JOB_NO, PART_NO, QTY, DUE_DATE" is a list of columns)."""
    words = _WORD.findall(_IDENTIFIER.sub(" ", line))
    letters = sum(sum(ch.isalpha() for ch in word) for word in words)
    caps = [word for word in words if word.isupper() and sum(ch.isalpha() for ch in word) >= 2]
    caps_letters = sum(sum(ch.isalpha() for ch in word) for word in caps)
    long_caps = [word for word in caps if sum(ch.isalpha() for ch in word) > ACRONYM_MAX]
    return len(caps) >= 2 and bool(long_caps) and caps_letters * 2 > letters


@registry.register
class ShoutingCheck(Check):
    """A line (or the subject) written mostly in capitals; short acronyms do not count, nor do the
    prospect's own words (quoted lines, inline quotes, code or configuration blocks). Soft."""

    name = "shouting"
    severity = SOFT
    kinds = EMAIL

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        # The prospect's words (quoted lines, inline quotes, code and configuration) are theirs to shout;
        # blanking keeps every offset, so the spans index the text as written.
        loud, spans = [], []
        for where, text in email_parts(proposal):
            for line in re.finditer(r"[^\n]+", unquoted(text)):
                if shouted(line.group(0)):
                    content = line.group(0).strip()
                    start = line.start() + len(line.group(0)) - len(line.group(0).lstrip())
                    loud.append({"where": where, "line": content[:120]})
                    spans.append(Span(start, start + len(content), content, PART_FIELDS[where]).as_dict())
        if loud:
            return CheckOutcome(False, f"A line in capitals in the {loud[0]['where']}: “{loud[0]['line'][:60]}”",
                                {"lines": loud[:10], "spans": spans[:MAX_SPANS]})
        return CheckOutcome(True, "No lines in capitals")


_TOKEN = re.compile(r"[\w'’]+|[^\w\s]")
LOOP_MIN_REPEATS = 3
LOOP_MAX_WORDS = 8


def repeated_run(text: str) -> tuple[str, int] | None:
    """The longest-running phrase (1 to 8 words) said three or more times in a row, and how many
    times: the mark of a generation loop ("CTO and CTO and CTO and ...")."""
    tokens = [token.lower() for token in _TOKEN.findall(text)]
    best: tuple[str, int] | None = None
    for size in range(1, LOOP_MAX_WORDS + 1):
        start = 0
        while start + size * LOOP_MIN_REPEATS <= len(tokens):
            phrase = tokens[start:start + size]
            count = 1
            while tokens[start + count * size:start + (count + 1) * size] == phrase:
                count += 1
            wordy = any(ch.isalpha() for token in phrase for ch in token)  # "1111 1111 1111" is a number
            if count >= LOOP_MIN_REPEATS and wordy and (best is None or count > best[1]):
                best = (" ".join(phrase), count)
            start += max(1, (count - 1) * size) if count > 1 else 1
    return best


@registry.register
class RepetitionCheck(Check):
    """A phrase repeated three or more times in a row in an email or a CRM value: generated text
    that ran away. Soft: a person rewrites or rejects it."""

    name = "repetition"
    severity = SOFT

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        for where, text in readable_parts(proposal, context.field_changes):
            run = repeated_run(text)
            if run:
                phrase, count = run
                return CheckOutcome(False, f"Repeated text in the {where}: “{phrase[:40]}” {count} times in a row",
                                    {"where": where, "phrase": phrase, "count": count})
        return CheckOutcome(True, "No runaway repetition")
