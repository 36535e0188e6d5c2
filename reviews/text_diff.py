"""A word-level diff of two texts for the console: what a reviewer changed of the AI's email.

The texts are split into words and the white space between them (so line breaks are tokens and stay
where they were), compared with difflib, and every token is escaped before it is wrapped in
``<del>`` (only in the original) or ``<ins>`` (only in the final text). Nothing of either text is
ever marked safe unescaped.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_tokens(text: str) -> list[str]:
    """``text`` as words and runs of white space, in order; joined they give ``text`` back."""
    return _TOKENS.findall(text or "")


def word_diff_html(original: str, final: str) -> SafeString:
    """HTML of the change from ``original`` to ``final``, word by word: removed words in ``<del>``,
    added ones in ``<ins>``, the rest as they are; all escaped. Show it in an element that keeps
    white space (``white-space: pre-wrap``)."""
    before, after = word_tokens(original), word_tokens(final)
    parts: list[str] = []
    for op, b1, b2, a1, a2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[b1:b2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(before[b1:b2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(after[a1:a2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)
