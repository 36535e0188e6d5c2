"""Every check that points at a passage reports where it is the same way (``details["spans"]``:
start, end, field, text; ``reviews.checks.base.Span``), so the console can highlight it: the pushy
phrase, the placeholder, the card number (masked), the over-long first line, the shouted line."""

from __future__ import annotations

from reviews.checks.base import Span

from .support import email, run

LONG = "I noticed that " + "your team has been growing remarkably fast across every region this year " * 2


def located(outcome, proposal) -> list[tuple[str, str]]:  # noqa: ANN001
    """(field, the text the span covers in that field) for each span of an outcome."""
    return [(span["field"], getattr(proposal, span["field"])[span["start"]:span["end"]])
            for span in outcome.details["spans"]]


def test_the_tone_and_placeholder_spans_index_the_draft() -> None:
    proposal = email(body="Hi Ada,\n\nLast chance - 100% free, no risk!!! Act now.\n\nSam")
    outcome = run("tone", proposal)
    assert not outcome.passed and located(outcome, proposal)
    assert all(field == "body" and text for field, text in located(outcome, proposal))
    proposal = email(subject="Idea for {{company}}")
    assert located(run("placeholders", proposal), proposal) == [("subject", "{{company}}")]


def test_a_card_number_is_located_and_its_span_keeps_only_the_masked_number() -> None:
    proposal = email(body="Hi Ada,\n\nPlease charge 4111 1111 1111 1111 for the pilot.\n\nSam")
    outcome = run("personal_data", proposal)
    assert not outcome.passed
    assert located(outcome, proposal) == [("body", "4111 1111 1111 1111")]
    assert outcome.details["spans"][0]["text"] == "••••••••••••1111"  # the stored result keeps no full number


def test_an_over_long_first_line_is_located_after_the_greeting() -> None:
    proposal = email(body=f"Hi Ada,\n\n  {LONG.strip()}\n\nSam")
    outcome = run("length", proposal)
    assert not outcome.passed
    assert located(outcome, proposal) == [("body", LONG.strip())]


def test_a_shouted_line_is_located() -> None:
    proposal = email(body="Hi Ada,\n\nTHIS OFFER ENDS TONIGHT FOR EVERYONE\n\nSam")
    outcome = run("shouting", proposal)
    assert not outcome.passed
    assert located(outcome, proposal) == [("body", "THIS OFFER ENDS TONIGHT FOR EVERYONE")]


def test_the_span_is_one_shared_shape() -> None:
    assert Span(3, 7, "x", "body").as_dict() == {"start": 3, "end": 7, "text": "x", "field": "body"}
    from reviews.checks.placeholders import Span as PlaceholderSpan

    assert PlaceholderSpan is Span
