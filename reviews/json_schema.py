"""JSON Schema (Draft 2020-12) for outbound action payloads: is a schema usable, does a payload meet it.

An administrator registers a schema per action type (``OutboundActionType.payload_schema``); an
agent's payload is checked against it before anyone reviews it. Problems come back as sentences that
name the JSON path (``payload.budget: 5000 is greater than the maximum of 1000``), so the agent can
correct its submission and the admin form can say which part of a schema is wrong.

A schema must describe an object, and may refer only to itself (``"$ref": "#/$defs/..."``): hitlcrm
fetches no remote schema, so a payload's validity never depends on another server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# Errors reported for one payload at most: enough to fix a submission, bounded for a large one.
MAX_PROBLEMS = 20
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")


def json_path(root: str, path: Sequence[str | int]) -> str:
    """``payload`` + ``["items", 0, "name"]`` -> ``payload.items[0].name`` (odd keys quoted: ``payload["a b"]``)."""
    text = root
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}"
        else:
            text += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return text


def schema_problems(schema: Any) -> list[str]:
    """What makes ``schema`` unusable as a payload schema; empty when it is fine."""
    if not isinstance(schema, dict):
        return ["schema: the payload schema must be a JSON object"]
    declared = schema.get("$schema")
    if declared is not None and validator_for(schema, default=Draft202012Validator) is not Draft202012Validator:
        return [f"schema.$schema: only Draft 2020-12 ({DRAFT_2020_12}) is supported, not {declared!r}"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [f"{json_path('schema', list(exc.absolute_path))}: {exc.message}"]
    problems = []
    if schema.get("type") != "object":
        problems.append('schema.type: the payload schema must describe an object ("type": "object")')
    problems += _reference_problems(schema)
    return problems


def _references(node: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    """(path, reference) of every ``$ref``/``$dynamicRef`` within ``node``'s own resource: beneath a
    nested ``$id`` a fragment is relative to that resource, so the walk stops there."""
    if isinstance(node, dict):
        if path and "$id" in node:
            return
        for keyword in _REFERENCE_KEYWORDS:
            if isinstance(node.get(keyword), str):
                yield [*path, keyword], node[keyword]
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):  # data, not schemas
                yield from _references(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, [*path, index])


def _reference_problems(schema: dict[str, Any]) -> list[str]:
    resolver = Registry().with_resource("urn:hitlcrm:payload", DRAFT202012.create_resource(schema)).resolver(
        "urn:hitlcrm:payload")
    problems = []
    for path, reference in _references(schema, []):
        where = json_path("schema", path)
        if not reference.startswith("#"):
            problems.append(f"{where}: {reference!r} is not within this schema; only references such as "
                            f"\"#/$defs/...\" are allowed (hitlcrm fetches no remote schema)")
            continue
        try:
            resolver.lookup(reference)
        except Unresolvable:
            problems.append(f"{where}: {reference!r} points to nothing in this schema")
    return problems


def _path_order(error: Any) -> list[tuple[int, Any]]:
    return [(0, part) if isinstance(part, int) else (1, part) for part in error.absolute_path]


def payload_problems(schema: dict[str, Any], payload: Any, *, root: str = "payload") -> list[str]:
    """Every way ``payload`` fails ``schema`` (at most ``MAX_PROBLEMS``), in the payload's order,
    each prefixed with its JSON path; empty when the payload is valid. Formats (``email``, ``uri``,
    ``date``, …) are checked where jsonschema can check them."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    try:
        errors = sorted(validator.iter_errors(payload), key=_path_order)
    except Unresolvable as exc:  # a schema saved before its references were checked, or a nested $id's
        return [f"{root}: the action type's schema cannot be applied: {exc}"]
    problems = []
    for error in errors[:MAX_PROBLEMS]:
        problems.append(f"{json_path(root, list(error.absolute_path))}: {error.message}")
    if len(errors) > MAX_PROBLEMS:
        problems.append(f"{root}: and {len(errors) - MAX_PROBLEMS} more problems")
    return problems
