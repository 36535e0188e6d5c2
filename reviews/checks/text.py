"""Text of a proposal as checks read it: what a recipient would see, normalised once."""

from __future__ import annotations

import html
import re
from typing import Any

_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                         "\u00a0": " "})
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening))\b[^.!?\n]{0,40}[,!:]?\s*$",
    re.IGNORECASE,
)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body, line breaks kept where blocks end (enough for checks)."""
    return html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", markup)))


# html.unescape's own pattern of a character reference (CPython's html module): each reference is
# replaced below exactly as unescape replaces it.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


def html_text_origins(markup: str) -> tuple[str, list[tuple[int, int] | None]]:
    """:func:`html_to_text` of ``markup``, and for each of its characters the stretch of ``markup``
    it comes from, as (start, end): one character of text, or a whole character reference
    (``&amp;``). None for a line break a block's end stands for, and for a reference spelt across a
    removed tag: no text of the markup to point at. What the review page marks a check's span of an
    HTML body by (a span indexes the visible text, the page shows the markup)."""
    # The same three steps as html_to_text, each keeping where every character came from.
    chars: list[str] = []
    origins: list[tuple[int, int] | None] = []
    at = 0
    for match in _BLOCK_END.finditer(markup):
        chars.extend(markup[at:match.start()])
        origins.extend((i, i + 1) for i in range(at, match.start()))
        chars.append("\n")
        origins.append(None)
        at = match.end()
    chars.extend(markup[at:])
    origins.extend((i, i + 1) for i in range(at, len(markup)))
    blocked = "".join(chars)
    kept: list[int] = []
    at = 0
    for match in _TAG.finditer(blocked):
        kept.extend(range(at, match.start()))
        at = match.end()
    kept.extend(range(at, len(blocked)))
    stripped = "".join(blocked[i] for i in kept)
    stripped_origins = [origins[i] for i in kept]
    text: list[str] = []
    text_origins: list[tuple[int, int] | None] = []
    at = 0
    for match in _CHARREF.finditer(stripped):
        text.extend(stripped[at:match.start()])
        text_origins.extend(stripped_origins[at:match.start()])
        parts = stripped_origins[match.start():match.end()]
        whole = all(part is not None for part in parts) and all(
            left[1] == right[0] for left, right in zip(parts, parts[1:], strict=False))  # type: ignore[index]
        replacement = html.unescape(match.group(0))
        text.extend(replacement)
        text_origins.extend([(parts[0][0], parts[-1][1]) if whole else None] * len(replacement))  # type: ignore[index]
        at = match.end()
    text.extend(stripped[at:])
    text_origins.extend(stripped_origins[at:])
    return "".join(text), text_origins


def normalise(text: str) -> str:
    """Typographic quotes and dashes as their ASCII twins, so one pattern matches both."""
    return text.translate(_QUOTES)


def email_parts(proposal: Any) -> list[tuple[str, str]]:
    """(where, text) pairs a recipient would read: subject, body, and the HTML body's text."""
    parts = [("subject", proposal.subject or ""), ("body", proposal.body or "")]
    if getattr(proposal, "body_html", ""):
        parts.append(("HTML body", html_to_text(proposal.body_html)))
    return [(where, normalise(text)) for where, text in parts if text]


def readable_parts(proposal: Any, field_changes: list[Any]) -> list[tuple[str, str]]:
    """Everything of a proposal that leaves hitlcrm as text, as its kind tells (an email's parts, the
    string values a CRM change writes)."""
    from ..kinds import kind_of

    return kind_of(proposal).readable_parts(proposal, field_changes)


def body_text(proposal: Any) -> str:
    return normalise(proposal.body or html_to_text(getattr(proposal, "body_html", "") or ""))


def first_line(body: str) -> str:
    """The opening line a prospect reads: the first non-empty line, or the one after it when the
    first is only a greeting ("Hi Ada,")."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if len(lines) > 1 and _GREETING.match(lines[0]) and len(lines[0].split()) <= 5:
        return lines[1]
    return lines[0] if lines else ""


def first_line_span(body: str) -> tuple[int, int]:
    """Where :func:`first_line` is in ``body`` (start, end), its surrounding spaces left out."""
    lines = [match for match in re.finditer(r"[^\n]+", body) if match.group(0).strip()]
    stripped = [match.group(0).strip() for match in lines]
    if not lines:
        return 0, 0
    index = 1 if len(lines) > 1 and _GREETING.match(stripped[0]) and len(stripped[0].split()) <= 5 else 0
    match = lines[index]
    start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
    return start, start + len(stripped[index])


def excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    """A short window around a match, for a message a reviewer can place."""
    left, right = max(0, start - width), min(len(text), end + width)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")
