"""JSON parsing with a size cap (413 beyond it) and a clear 400 for anything the database could not
store faithfully: malformed JSON, non-finite numbers, NUL characters, unpaired surrogates."""

from __future__ import annotations

import json
import math
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from ..conf import hitlcrm_settings
from .errors import PayloadTooLarge

MAX_DEPTH = 20


def _walk(value: Any, limit: int, check_strings: bool) -> None:
    """Refuse nesting deeper than ``limit`` and (when the body has \\u escapes, the only way to
    write them) strings PostgreSQL cannot store: NUL, or a surrogate without its pair."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise ParseError(f"JSON nested deeper than {limit} levels.")
        if isinstance(item, dict):
            if check_strings:
                for key in item:
                    _check_string(key)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif check_strings and isinstance(item, str):
            _check_string(item)


def _check_string(text: str) -> None:
    if "\x00" in text:
        raise ParseError("JSON strings may not contain the NUL character (\\u0000).")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ParseError("JSON strings may not contain an unpaired surrogate (\\ud800-\\udfff).") from exc


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number out of range: {text[:40]}")
    return number


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(BaseParser):
    """JSON, read from the request stream at most ``limit + 1`` bytes at a time.

    Not a ``JSONParser`` subclass on purpose: DRF hands those ``request.body``, which Django reads
    whole and refuses beyond DATA_UPLOAD_MAX_MEMORY_SIZE with an HTML 400; this parser gets the
    stream, so a body beyond the cap is a JSON 413 and is never held in memory.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):  # noqa: ANN001, ANN201
        context = parser_context or {}
        view = context.get("view")
        limit = getattr(view, "max_body_bytes", None) or hitlcrm_settings.MAX_BODY_BYTES
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
        except UnicodeDecodeError as exc:
            raise ParseError("The request body is not valid UTF-8.") from exc
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
        _walk(data, MAX_DEPTH, check_strings=b"\\u" in raw)
        return data
