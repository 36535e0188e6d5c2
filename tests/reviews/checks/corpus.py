"""The labelled corpus (``reviews/demo/proposals.jsonl``, the same file the demo loads) as
proposals and check contexts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import reviews
from integrations.salesforce.describe import ObjectDescription
from integrations.salesforce_emulator.schema import OBJECTS
from reviews.checks import CheckContext
from reviews.models import ApiClient, Policy, Proposal
from reviews.services.submission import proposal_build

CORPUS = Path(reviews.__file__).resolve().parent / "demo" / "proposals.jsonl"
CONTACT_ID = "0035g00000ABCDeAAP"

# The check that must fail on each labelled flaw.
CHECK_FOR_FLAW = {
    "placeholder": "placeholders",
    "long_first_line": "length",
    "missing_company": "company_name",
    "tone": "tone",
    "shouting": "shouting",
    "no_evidence": "evidence",
    "pii": "personal_data",
    "optout": "do_not_contact",
    "too_long_value": "field_validity",  # or repetition: see test_corpus
    "bad_field": "field_validity",
    "low_confidence": "confidence",
}


@dataclass
class Line:
    number: int
    kind: str
    crm: dict[str, Any]
    payload: dict[str, Any]
    flaws: list[str]

    def __str__(self) -> str:
        return f"line {self.number} {self.flaws or 'clean'}"


@cache
def corpus_lines() -> list[Line]:
    with CORPUS.open() as handle:
        return [Line(n, d["kind"], d["crm"], d["payload"], d["expect"])
                for n, d in enumerate(map(json.loads, handle), start=1)]


@cache
def describe(crm_object: str) -> ObjectDescription:
    """The object's describe metadata as the emulator (and a real org) serves it."""
    return ObjectDescription.from_describe(OBJECTS[crm_object].describe("62.0"))


def build(line: Line, policy: Policy) -> tuple[Proposal, CheckContext]:
    """An unsaved proposal exactly as submission builds it, and the context the worker would
    gather with Salesforce configured: the record's current values and its describe metadata."""
    payload = {**line.payload, "crm_id": CONTACT_ID}
    proposal, fields = proposal_build(client=ApiClient(name="corpus"), kind=line.kind, data=payload,
                                      payload=payload, idempotency_key=None)
    context = CheckContext(policy=policy, crm_record=dict(line.crm["fields"]),
                           describe=describe(line.crm["object"]), field_changes=list(fields))
    return proposal, context
