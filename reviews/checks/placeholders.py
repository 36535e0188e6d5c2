"""Recognising unfilled template slots in the text a recipient reads.

Every common merge-tag syntax is recognised: ``{{first_name}}``, ``{first_name}``, ``{% if %}``,
``{!Contact.FirstName}``, ``${name}``, ``$first_name``, ``[[name]]``, ``[Company]``,
``[Company Name]``, ``[insert milestone]``, ``[FIRST_NAME]``, ``<<Company Name>>``, ``<NAME>``,
``<first name>``, ``%FIRST_NAME%``, ``%%FirstName%%``, ``*|FNAME|*``, ``((first_name))``,
``__NAME__``, ``#FirstName#``, ``%%=v(@FirstName)=%%``, ``@first_name``, ``{first_name|there}``, a bare
``FIRSTNAME`` and "INSERT COMPANY NAME HERE"; notes to self ("[mention their podcast]", "TODO: ...",
"(insert stat)", a line of capitals such as "INSERT CASE STUDY FROM SIMILAR BROKER"), blanks
("Dear ____,") and stand-in figures ("X hours", "$XX", "X%", "??%").

What is not a slot: prose in brackets ("(see attached)", "[1]", "[Webinar recording]"), prices
("$49/month", "$5k"), percentages ("20% off"), markdown links ("[our guide](https://…)"), markup
in an HTML body (its tags are stripped before) and the prospect's own words: a quoted line
(starting with ">"), an inline double-quoted passage, a code or configuration block (fenced with
backticks, or two or more indented lines shaped like code, YAML, compose or nginx files). Those
may well contain their own template text or code (``${POSTGRES_PASSWORD}``).
"""

from __future__ import annotations

import re

from .base import Span  # noqa: F401  (where the shared span lived first; kept importable here)

# Words that make "[...]", "<...>" or "$..." a template slot rather than prose ("[Webinar]" is prose).
SLOT_WORDS = (
    "name|names|first|last|full|surname|company|company's|companies|organi[sz]ation|org|account|title|role|job|"
    "position|city|country|region|industry|product|service|date|day|time|recipient|recipient's|prospect|"
    "prospect's|contact|lead|email|phone|number|link|url|website|pain|point|competitor|team|department|person|"
    "insert|add|enter|your|their|his|her|here|value|field|placeholder|tbd|todo|x+|fname|lname|sender|signature|"
    "milestone|achievement|metric|customer|client|employer|location|address|salutation"
)
_SLOT = r"(?:" + SLOT_WORDS + r")"
# A bracketed phrase of 1-5 words (letters, apostrophes, dots, hyphens, slashes).
_PHRASE = r"(?:[A-Za-z][\w'.&/-]*\s+){0,4}"
_TITLE_WORD = r"(?:[A-Z][\w'&.-]*|of|the|and|or|for|to|a|an|in|at|on|s)"

_ANY_CASE = re.compile(
    r"\{\{[^{}]{0,80}\}\}"                                      # {{first_name}}  {{ company | default }}
    r"|\{%[^{}%]{1,80}%\}"                                       # {% if first_name %} (Jinja, Liquid)
    r"|\{![^{}]{1,80}\}"                                         # {!Contact.FirstName} (Salesforce)
    r"|\$\{[^{}]{1,80}\}"                                        # ${name}
    r"|(?<![{\w])\{\s*[A-Za-z_][A-Za-z0-9_.]*(?:\s+[A-Za-z0-9_.]+){0,3}\s*\}(?!\})"  # {first_name} {first name}
    r"|\[\[[^\[\]]{1,80}\]\]"                                    # [[name]]
    r"|\[\s*" + _PHRASE + _SLOT + r"(?:\s+[\w'.&/-]+){0,4}\s*\](?!\()"  # [Company]  [insert milestone]
    r"|<<[^<>\n]{0,80}>>|«[^«»\n]{1,80}»"                         # <<Company Name>>  «FirstName»
    r"|<\s*" + _PHRASE + _SLOT + r"(?:\s+[\w'.-]+){0,4}\s*>"    # <first name>  <Company>
    r"|\*\|[A-Za-z0-9_:]{1,40}\|\*"                              # *|FNAME|* (Mailchimp)
    r"|\(\(\s*[A-Za-z_][A-Za-z0-9_. ]{0,40}\)\)"                 # ((first_name)) (GOV.UK Notify)
    r"|%%[A-Za-z][A-Za-z0-9_]{0,40}%%"                           # %%FirstName%%
    r"|\$[a-z]{0,12}?" + _SLOT + r"(?:_?\w+)?\b"                 # $company  $COMPANY  $first_name  $firstname
    r"|\binsert\s+[^.!?\n<>]{1,50}?\s+here\b"                    # Insert company name here
    r"|\b(?:hi|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening))[ \t]+(?:\{\s*\}[ \t]*)?,"  # "Hi ," "Hi {},"
    r"|(?<=[\s(])['\u2019]s\b(?=\s)"                               # "Congrats on 's new office" (an empty fill)
    r"|\[\s*(?:mention|insert|add|include|reference|find|fill|put|personali[sz]e|todo|tbd|check|confirm|replace|"
    r"look\s+up|pull|cite|drop|paste|write|something|custom|personal)\b[^\[\]\n]{0,160}\](?!\()"  # [mention their podcast …]
    r"|\(\s*(?:insert|personali[sz]e)\b(?![-'])[^()\n]{0,80}\)"  # (insert stat)
    r"|\{\s*[A-Za-z_][\w.]*\s*\|[^{}\n]{0,40}\}"                  # {first_name|there}
    r"|@(?:first|last|full|company|contact|recipient)_?name\b"       # @first_name
    r"|(?<![\w?!])\?{2,}"                                            # "by ??%"
    r"|%%=[^%\n]{1,80}=%%|%%\[[^%\n]{1,80}\]%%"                   # %%=v(@FirstName)=%% (AMPscript)
    r"|(?<![\w#])#[A-Za-z_][A-Za-z0-9_.]{1,40}#(?![\w#])"         # #FirstName# (Zoho, Act-On)
    r"|(?<!\w)_{3,}(?!\w)"                                         # "Dear ____," (a blank to fill)
    r"|^[ \t]*(?:todo|tbd|fixme|tk)\b\s*[:\-]"                    # "TODO: add a line about their stack"
    r"|\(\s*(?:(?:your|their|the|prospect|prospect's)\s+)?(?:company|first|last|full|contact|prospect|recipient|client|"
    r"customer|account|business|practice)(?:'s)?\s+(?:name|company|title|role|industry)\s*\)",  # (company name)
    re.IGNORECASE | re.MULTILINE,
)
# Forms that mean a slot only in their usual letter case ("<b>" is markup, "50% off" is prose,
# "$AAPL" is a ticker, "Add notes here" is prose).
_CASED = re.compile(
    r"%[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*%|%[a-z]+(?:_[a-z]+)+%|%[A-Z][a-z]+(?:[A-Z][a-z]+)+%"  # %NAME% %first_name%
    r"|<[A-Z][A-Z_ ]{1,40}>|<[a-z]+_[a-z_]+>"                    # <NAME>  <COMPANY NAME>  <first_name>
    r"|\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\]"                        # [FIRST_NAME]
    r"|\[[a-z]+(?:[ -][a-z]+){1,5}\](?!\()"                        # [recent funding round]
    r"|\[\s*" + _TITLE_WORD + r"(?:\s+" + _TITLE_WORD + r"){1,5}\s*\](?!\()"  # [Case Study Link]  [Recent News]
    r"|\$[a-z]+_[a-z_]+\b|\$[a-z]+[A-Z][A-Za-z]+\b"              # $first_name  $firstName
    r"|__[A-Z][A-Z0-9_]*__"                                      # __FIRST_NAME__
    r"|\b(?:ADD|ENTER|PUT|INSERT)\s+[A-Z][A-Z' ]{1,40}\s+HERE\b"   # ADD NAME HERE
    r"|\$X+(?:[.,]X+)?[KMB]?\b|(?<![\w.$])X+(?:\.X+)?\s?%"        # "$XX per square foot", "by X%"
    r"|\bX{2,}\b"                                                # XXX, "by XX" (a figure left to fill)
    r"|\b(?:FIRST_?NAME|LAST_?NAME|FULL_?NAME|COMPANY_?NAME|FNAME|LNAME)\b"  # Hi FIRSTNAME,
    r"|\b[XN]\s+(?:hours?|days?|weeks?|months?|years?|minutes?|seconds?|percent|per\s+cent|times|people|customers|"
    r"clients|users|reps|leads|deals|meetings|dollars|calls|tickets|locations|sites|stores|offices|members|"
    r"patients|orders|claims|accounts|visits|bookings)\b"           # "around X hours a week"
    r"|\b(?:TODO|FIXME)\b"                                          # a note to self left in
    # A line that is an instruction in capitals: "INSERT CASE STUDY FROM SIMILAR BROKER".
    r"|^[ \t]*(?:ADD|ENTER|PUT|INSERT|INCLUDE|MENTION|PASTE|PERSONALI[SZ]E|REFERENCE|DROP|CITE)"
    r"(?:[ \t]+[A-Z][A-Z0-9'&/-]*){2,}[ \t]*[.:]?(?=[ \t]*$)",
    re.MULTILINE,
)
# A quoted line ("> ...") is the prospect's text, not the sender's: replaced by blanks so offsets hold.
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
# Inline double-quoted words ('the greeting "Hi {{first_name}}," arrived') are the prospect's too:
# a quotation on one line, straight or typographic quotes.
_INLINE_QUOTE = re.compile(r"\"[^\"\n]{1,300}\"|\u201c[^\u201d\n]{1,300}\u201d")
_FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[^\n]*$", re.MULTILINE | re.DOTALL)
# A line of configuration or code: "key: value" with an identifier key, "key=value", a brace or
# semicolon at the end, a list item of YAML ("- image: x").
_CODE_LINE = re.compile(
    r"^[ \t]*(?:-[ \t]+)?[A-Za-z_][\w.\-]*:(?:[ \t]+\S.*)?$"
    r"|^[ \t]*[A-Za-z_][\w.\-]*[ \t]*=[ \t]*\S.*$"
    r"|^.*[{};][ \t]*$"
)
_INDENTED = re.compile(r"^(?: {2,}|\t)\S")


def _code_lines(lines: list[str]) -> set[int]:
    """Indexes of lines inside a code or configuration block: a run of two or more lines, each
    indented or shaped like configuration, at least one of them indented and one shaped like code
    (so an indented paragraph of prose is still read)."""
    blocked: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if line.strip() and (_INDENTED.match(line) or _CODE_LINE.match(line)):
            run.append(index)
            continue
        if len(run) >= 2 and any(_INDENTED.match(lines[i]) for i in run) and any(_CODE_LINE.match(lines[i]) for i in run):
            blocked.update(run)
        run = []
    return blocked


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def unquoted(text: str) -> str:
    """The text with the prospect's words blanked: quoted lines ("> ..."), inline double quotes, and
    code or configuration blocks (fenced, or indented lines of code). Same length, so spans index
    the original."""
    text = _FENCE.sub(_blank, _QUOTED_LINE.sub(_blank, text))
    lines = text.split("\n")
    for index in _code_lines(lines):
        lines[index] = " " * len(lines[index])
    return _INLINE_QUOTE.sub(_blank, "\n".join(lines))




def placeholder_matches(text: str) -> list[re.Match[str]]:
    """Template slots in visible text outside quoted lines, in order, overlaps removed (an HTML
    body's tags are stripped before, so a "<NAME>" left in it was written as visible text)."""
    visible = unquoted(text)
    found = sorted([*_ANY_CASE.finditer(visible), *_CASED.finditer(visible)], key=lambda m: (m.start(), -m.end()))
    kept: list[re.Match[str]] = []
    for match in found:
        if not kept or match.start() >= kept[-1].end():
            kept.append(match)
    return kept


def placeholders_in(text: str) -> list[str]:
    """The distinct slots found, as written."""
    return list(dict.fromkeys(match.group(0) for match in placeholder_matches(text)))
