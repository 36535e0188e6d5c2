"""Unsaved proposals and contexts for fast unit tests of single checks."""

from __future__ import annotations

from typing import Any

from reviews.checks import CheckContext, CheckOutcome, registry
from reviews.models import CrmFieldChange, Policy, Proposal

from .corpus import CONTACT_ID, describe

BODY = ("Hi Ada,\n\nContoso just opened a Berlin office; teams like yours keep pipeline data clean with us.\n\n"
        "Open to a chat next week?\n\nSam")


def email(**values: Any) -> Proposal:
    return Proposal(**{
        "kind": "email_draft", "task_type": "cold_email", "recipients": ["ada@contoso.example"],
        "subject": "Idea for Contoso", "body": BODY, "company_name": "Contoso", "crm_object": "Contact",
        "crm_id": CONTACT_ID, "confidence": 0.95,
        "evidence": [{"source": "press release", "url": "https://contoso.example/news", "quote": "opened Berlin"}],
        **values,
    })


def crm_change(crm_object: str = "Contact", **values: Any) -> Proposal:
    return Proposal(**{
        "kind": "crm_change", "change_kind": "update", "task_type": "contact_update", "crm_object": crm_object,
        "crm_id": CONTACT_ID, "confidence": 0.95,
        "evidence": [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "VP Sales"}],
        **values,
    })


def fields(**proposed: Any) -> list[CrmFieldChange]:
    """Field rows; a value given as (value, confidence) carries its own confidence."""
    rows = []
    for name, value in proposed.items():
        value, confidence = value if isinstance(value, tuple) else (value, None)
        rows.append(CrmFieldChange(field=name, proposed_value=value, confidence=confidence))
    return rows


def context(policy: Policy | None = None, *, crm_record: dict[str, Any] | None = None, crm_object: str = "Contact",
            with_describe: bool = True, **values: Any) -> CheckContext:
    return CheckContext(policy=policy or Policy(task_type="*"), crm_record=crm_record,
                        describe=describe(crm_object) if with_describe else None, **values)


def run(name: str, proposal: Proposal, ctx: CheckContext | None = None) -> CheckOutcome:
    return registry.get(name).run(proposal, ctx or context())


def assert_placeholder_found(text: str, slot: str) -> None:
    """``text`` holds the placeholder ``slot``: found first, failing the check with its span marked."""
    from reviews.checks.placeholders import placeholders_in

    assert placeholders_in(text)[0] == slot
    body = f"{BODY}\n\n{text}"
    outcome = run("placeholders", email(body=body))
    assert not outcome.passed
    span = outcome.details["spans"][0]
    assert body[span["start"]:span["end"]] == span["text"] == slot


def draft(sentence: str) -> str:
    """A short email body with ``sentence`` in its first paragraph, for the tone check's tables."""
    return f"Hi Ada,\n\nContoso grew fast this year. {sentence}\n\nSam"


def assert_tone_family_found(sentence: str, family: str) -> tuple[CheckOutcome, dict[str, Any], str]:
    """``sentence`` fails the tone check as ``family``, its span indexing the text as checks read it (typographic
    quotes folded, one character for one) and lying within the sentence; the outcome, that hit and the body."""
    from reviews.checks.text import normalise

    body = draft(sentence)
    outcome = run("tone", email(body=body))
    assert not outcome.passed, sentence
    hits = [hit for hit in outcome.details["hits"] if hit["category"] == family]
    assert hits, outcome.details["hits"]
    span = hits[0]["span"]
    assert normalise(body)[span["start"]:span["end"]] == span["text"] and span["text"] in normalise(sentence)
    return outcome, hits[0], body


def assert_tone_passes(sentence: str) -> None:
    outcome = run("tone", email(body=draft(sentence)))
    assert outcome.passed, outcome.message
