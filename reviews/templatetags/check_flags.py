"""The review page's highlights: the passages failing checks point at (``details["spans"]`` of their
results, see ``reviews.checks.base.Span``) marked in the text they index."""

from __future__ import annotations

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
    merged: list[dict[str, Any]] = []
    for span in spans:
        if merged and span["start"] < merged[-1]["end"]:
            merged[-1] = {**merged[-1], "end": max(merged[-1]["end"], span["end"]),
                          "checks": [*merged[-1]["checks"], span]}
        else:
            merged.append({**span, "checks": [span]})
    for span in merged:
        pieces.append(conditional_escape(text[at:span["start"]]))
        names = list(dict.fromkeys(check["check"] for check in span["checks"]))
        title = "; ".join(dict.fromkeys(f"{check['check']}: {check['message']}" for check in span["checks"]))
        severity = "hard" if any(check["severity"] == "hard" for check in span["checks"]) else "soft"
        pieces.append(format_html('<mark class="flag {}" data-checks="{}" title="{}" tabindex="-1">{}</mark>',
                                  severity, " ".join(names), title, text[span["start"]:span["end"]]))
        at = span["end"]
    pieces.append(conditional_escape(text[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)
