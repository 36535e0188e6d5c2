"""The review page's highlights: the passages failing checks point at (``details["spans"]`` of their
results, see ``reviews.checks.base.Span``) marked in the text they index, and in an HTML body's
markup by where its visible text comes from."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def check_flags(checks: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    """Field -> the spans failing checks flagged in it, in order, each with its check's name,
    severity and message. Spans without a position (an AI reviewer's quote it could not find) are
    left out."""
    flags: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        if check.passed or not isinstance(check.details, dict):
            continue
        for span in check.details.get("spans") or []:
            if not isinstance(span, dict):
                continue
            start, end, field = span.get("start"), span.get("end"), span.get("field")
            if isinstance(start, int) and isinstance(end, int) and isinstance(field, str) and 0 <= start < end:
                flags.setdefault(field, []).append({"start": start, "end": end, "check": check.name,
                                                    "severity": check.severity, "message": check.message})
    for spans in flags.values():
        spans.sort(key=lambda span: (span["start"], -span["end"]))
    return flags


def _merged(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overlapping spans joined into the first (``checks``: the spans each covers), in order."""
    merged: list[dict[str, Any]] = []
    for span in spans:
        if merged and span["start"] < merged[-1]["end"]:
            merged[-1] = {**merged[-1], "end": max(merged[-1]["end"], span["end"]),
                          "checks": [*merged[-1]["checks"], span]}
        else:
            merged.append({**span, "checks": [span]})
    return merged


def _described(span: dict[str, Any]) -> tuple[str, str, str]:
    """A merged span's severity, its checks' names and its tooltip (each check with its message)."""
    names = " ".join(dict.fromkeys(check["check"] for check in span["checks"]))
    title = "; ".join(dict.fromkeys(f"{check['check']}: {check['message']}" for check in span["checks"]))
    severity = "hard" if any(check["severity"] == "hard" for check in span["checks"]) else "soft"
    return severity, names, title


@register.simple_tag
def flagged(text: Any, flags: dict[str, list[dict[str, Any]]] | None, field: str) -> SafeString:
    """``text`` escaped, with each flagged span of ``field`` in a ``<mark class="flag">`` naming its
    check. Overlapping spans join the first; a span past the end of the text (it was edited since
    the checks ran) is not shown."""
    text = "" if text is None else str(text)
    spans = [span for span in (flags or {}).get(field, []) if span["end"] <= len(text)]
    if not spans:
        return conditional_escape(text)
    pieces: list[str] = []
    at = 0
    for span in _merged(spans):
        pieces.append(conditional_escape(text[at:span["start"]]))
        severity, names, title = _described(span)
        pieces.append(format_html('<mark class="flag {}" data-checks="{}" title="{}" tabindex="-1">{}</mark>',
                                  severity, names, title, text[span["start"]:span["end"]]))
        at = span["end"]
    pieces.append(conditional_escape(text[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)


# Where an HTML body holds no text a reader sees, so no mark may go: comments, declarations, tags
# (a quoted attribute value may hold ">"), and the content of elements shown as raw text or not at
# all. Stricter than the checks' own reading of the markup (reviews/checks/text.py), so a span the
# checks found inside what a browser reads as a tag is left unmarked rather than breaking the tag.
_NOT_TEXT = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|title|textarea|xmp|noscript|noembed|noframes|iframe|template|select)\b"
    r"""(?:"[^"]*"|'[^']*'|[^'">])*>.*?(?:</\1\s*>|\Z)"""
    r"""|</?[a-zA-Z](?:"[^"]*"|'[^']*'|[^'">])*(?:>|\Z)"""
    r"|<[!?][^>]*(?:>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_DOCTYPE = re.compile(r"\A(?:\s|<!--.*?-->)*<!doctype[^>]*>", re.IGNORECASE | re.DOTALL)
FRAME_FLAG_PREFIX = "hitlcrm-flag-"
# The frame's own styles for the marks (the console's stylesheet does not reach into it; the page's
# Content-Security-Policy allows inline styles). :target is the flag f / F moved to.
FRAME_MARK_STYLE = (
    "<style>mark.hitlcrm-flag{background:#fff0b3 !important;color:inherit !important;"
    "border-bottom:2px solid #d9a300;border-radius:2px;padding:0 1px}"
    "mark.hitlcrm-flag.hard{background:#ffd9d6 !important;border-bottom-color:#c62828}"
    "mark.hitlcrm-flag:target{outline:2px solid #c62828;outline-offset:1px}</style>"
)


def _runs(origins: list[tuple[int, int] | None]) -> list[tuple[int, int]]:
    """The stretches of markup that characters with these origins cover, joined where they follow
    each other with nothing between (a tag between them starts a new stretch)."""
    runs: list[tuple[int, int]] = []
    for origin in origins:
        if origin is None:
            continue
        if runs and runs[-1][1] == origin[0]:
            runs[-1] = (runs[-1][0], origin[1])
        else:
            runs.append(origin)
    return runs


def mark_html(markup: str, spans: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """``markup`` with each of ``spans`` (offsets into its visible text, as the checks read it:
    ``reviews.checks.text.html_text_origins``) wrapped in ``<mark class="hitlcrm-flag">``, and the
    marks f / F stop at ({id, title, severity, checks}), in order. A span crossing elements becomes
    one mark per stretch of text, the first with the stop's id; no mark goes inside a tag, a
    character reference, a comment or a raw-text element. Markup the checks' reading would not give
    the same text (it changed since) comes back unmarked. The result is HTML for the sandboxed
    frame: the template escapes it into the frame's ``srcdoc``."""
    from ..checks.text import html_text_origins, html_to_text

    text, origins = html_text_origins(markup)
    spans = [span for span in spans if span["end"] <= len(text)]
    if not spans or text != html_to_text(markup):
        return markup, []
    blocked = [match.span() for match in _NOT_TEXT.finditer(markup)]
    starts = [start for start, _end in blocked]

    def markable(run: tuple[int, int]) -> bool:
        index = bisect.bisect_right(starts, run[0]) - 1  # the last blocked stretch starting at or before it
        before = index >= 0 and blocked[index][1] > run[0]
        after = index + 1 < len(blocked) and blocked[index + 1][0] < run[1]
        return not (before or after)

    inserts: list[tuple[int, int, str]] = []  # (position, order, text): closings before openings at one spot
    stops: list[dict[str, str]] = []
    for span in _merged(spans):
        runs = [run for run in _runs(origins[span["start"]:span["end"]]) if markable(run)]
        if not runs:
            continue
        severity, names, title = _described(span)
        stop_id = f"{FRAME_FLAG_PREFIX}{len(stops) + 1}"
        stops.append({"id": stop_id, "title": title, "severity": severity, "checks": names})
        for number, (start, end) in enumerate(runs):
            id_attribute = format_html(' id="{}"', stop_id) if number == 0 else ""
            inserts.append((start, 1, format_html('<mark class="hitlcrm-flag {}"{} data-checks="{}" title="{}">',
                                                  severity, id_attribute, names, title)))
            inserts.append((end, 0, "</mark>"))
    if not stops:
        return markup, []
    pieces: list[str] = []
    at = 0
    for position, _order, piece in sorted(inserts, key=lambda insert: (insert[0], insert[1])):
        pieces.append(markup[at:position])
        pieces.append(piece)
        at = position
    pieces.append(markup[at:])
    marked = "".join(pieces)
    doctype = _DOCTYPE.match(marked)  # the styles after a leading doctype: before it, the frame would render in quirks mode
    head = doctype.end() if doctype else 0
    return f"{marked[:head]}{FRAME_MARK_STYLE}{marked[head:]}", stops


@register.simple_tag
def flagged_html(markup: Any, flags: dict[str, list[dict[str, Any]]] | None, field: str) -> dict[str, str]:
    """The HTML part for the review page's sandboxed frame, its flagged spans of ``field`` marked
    (:func:`mark_html`): ``html`` (plain text, escaped by the template into ``srcdoc``) and
    ``stops``, the marks as JSON for the console's f / F ("" when none)."""
    markup = "" if markup is None else str(markup)
    marked, stops = mark_html(markup, (flags or {}).get(field, []))
    return {"html": marked, "stops": json.dumps(stops) if stops else ""}
