"""The held-out drafts (``heldout.jsonl``): phrasings written after the checks were done and kept out
of their development. Each is submitted at confidence 0.99, so the confidence threshold stops
nothing and the checks alone must: at least 97% of flawed drafts are stopped (not auto-approved by
a calibrated policy) and at most 3% of clean ones are flagged by any check.

    .venv/bin/python -m pytest tests/reviews/checks/test_heldout.py -q -s    # prints the table
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from reviews.checks import CheckContext
from reviews.gate import gate_decide
from reviews.models import Policy
from reviews.services.checking import proposal_checks_evaluate
from reviews.state_machine import Status

from .corpus import describe
from .support import email

pytestmark = pytest.mark.django_db

HELDOUT = Path(__file__).with_name("heldout.jsonl")
CATCH_TARGET, FALSE_ALARM_LIMIT = 0.97, 0.03


def outcomes() -> list[tuple[str, bool, list[str]]]:
    """(flaw or "clean", stopped, failed checks) per held-out draft."""
    policy = Policy(task_type="*", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0)
    rows = []
    for number, line in enumerate(map(json.loads, HELDOUT.read_text().splitlines()), start=1):
        proposal = email(pk=number, subject=line["subject"], body=line["body"], company_name=line["company"],
                         recipients=[f"dana{number}@example.com"], confidence=0.99,
                         evidence=[{"source": "company blog", "url": "https://example.com/news", "quote": "news"}])
        context = CheckContext(policy=policy, crm_record={"Company": line["company"], "HasOptedOutOfEmail": False},
                               describe=describe("Contact"))
        results = proposal_checks_evaluate(proposal, context)
        verdict = gate_decide(proposal, policy, [(r.name, r.severity, r.passed) for r in results])
        rows.append((line["flaw"] or "clean", verdict.status != Status.APPROVED,
                     [r.name for r in results if not r.passed]))
    return rows


def test_the_checks_stop_flawed_held_out_drafts_without_flagging_clean_ones() -> None:
    by_flaw: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for flaw, stopped, failed in outcomes():
        flagged = bool(failed)
        by_flaw[flaw].append(stopped if flaw != "clean" else flagged)
        if (flaw != "clean" and not stopped) or (flaw == "clean" and flagged):
            misses.append((flaw, failed))
    flawed = [hit for flaw, hits in by_flaw.items() if flaw != "clean" for hit in hits]
    clean = by_flaw["clean"]
    print("\nflaw                 drafts  stopped (flawed) / flagged (clean)")
    for flaw, hits in sorted(by_flaw.items()):
        print(f"{flaw:20} {len(hits):6}  {sum(hits) / len(hits):.1%}")
    print(f"all flawed           {len(flawed):6}  {sum(flawed) / len(flawed):.1%}")
    print("misses:", misses)
    assert len(flawed) >= 60 and len(clean) >= 60
    assert sum(flawed) / len(flawed) >= CATCH_TARGET, misses
    assert sum(clean) / len(clean) <= FALSE_ALARM_LIMIT, misses
