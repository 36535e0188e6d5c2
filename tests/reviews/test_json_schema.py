"""reviews/json_schema.py: the sentences a schema's or a payload's problems come back as."""

from __future__ import annotations

from reviews.json_schema import MAX_PROBLEMS, json_path, payload_problems, schema_problems


def test_a_json_path_names_keys_and_indexes_and_quotes_odd_keys() -> None:
    assert json_path("payload", []) == "payload"
    assert json_path("payload", ["items", 0, "name"]) == "payload.items[0].name"
    assert json_path("payload", ["first name", 'say "hi"']) == 'payload["first name"]["say \\"hi\\""]'
    assert json_path("schema", ["properties", "a", "$ref"]) == "schema.properties.a.$ref"


def test_a_large_payload_reports_a_bounded_number_of_problems() -> None:
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    problems = payload_problems(schema, {f"k{n:02}": "x" for n in range(MAX_PROBLEMS + 5)})
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0] == "payload.k00: 'x' is not of type 'integer'"
    assert problems[-1] == "payload: and 5 more problems"


def test_array_positions_are_reported_in_order() -> None:
    schema = {"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "integer"}}}}
    problems = payload_problems(schema, {"ids": ["a"] * 11})
    assert [problem.split(":")[0] for problem in problems[:3]] == ["payload.ids[0]", "payload.ids[1]", "payload.ids[2]"]
    assert problems[-1].startswith("payload.ids[10]:")


def test_formats_are_checked() -> None:
    schema = {"type": "object", "properties": {"email": {"type": "string", "format": "email"},
                                               "day": {"type": "string", "format": "date"}}}
    assert payload_problems(schema, {"email": "no-at-sign", "day": "2026-02-30"}) == [
        "payload.day: '2026-02-30' is not a 'date'", "payload.email: 'no-at-sign' is not a 'email'"]


def test_data_that_looks_like_a_reference_is_not_one() -> None:
    """``const``, ``enum``, ``default`` and ``examples`` hold values, not schemas."""
    schema = {"type": "object", "properties": {"link": {"const": {"$ref": "https://elsewhere.example/x"},
                                                        "examples": [{"$ref": "#/nowhere"}]}}}
    assert schema_problems(schema) == []


def test_references_inside_a_nested_resource_are_left_to_it() -> None:
    """Beneath a nested ``$id`` a fragment is relative to that resource, not to the payload schema."""
    schema = {"type": "object", "properties": {"a": {"$id": "urn:example:a", "$defs": {"x": {"type": "integer"}},
                                                     "$ref": "#/$defs/x"}}}
    assert schema_problems(schema) == []
    assert payload_problems(schema, {"a": "text"}) == ["payload.a: 'text' is not of type 'integer'"]


def test_a_schema_with_a_remote_reference_saved_anyway_reports_instead_of_fetching() -> None:
    schema = {"type": "object", "properties": {"a": {"$ref": "https://schemas.example.com/a.json"}}}
    (problem,) = payload_problems(schema, {"a": 1})
    assert problem.startswith("payload: the action type's schema cannot be applied") and "schemas.example.com" in problem
