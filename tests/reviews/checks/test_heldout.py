"""Held-out drafts (``heldout/``): phrasings written by people who had not seen the checks. Each is
submitted at confidence 0.99, so the confidence threshold stops nothing and the checks alone must.
A flawed draft counts as caught only when the check aimed at its flaw fails (``placeholders`` for a
placeholder, ``tone`` for a tone family); a clean draft counts as a false alarm when any of those
checks, or ``shouting``, fails on it. The length and company-name checks are house rules some sets'
writers were not told, so they are not counted here (``heldout/README.md``).

The development sets (whose misses were fixed) must stay at the targets: at least 97% caught and
at most 3% of clean drafts flagged. The held-out set's figures are in docs/checks.md; print any
set's table with

    HITLCRM_HELDOUT_SET=set_c .venv/bin/python -m pytest tests/reviews/checks/test_heldout.py -q -s -k table
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from reviews.checks import CheckContext
from reviews.models import Policy
from reviews.services.checking import proposal_checks_evaluate

from .corpus import describe
from .support import email

pytestmark = pytest.mark.django_db

SETS = Path(__file__).with_name("heldout")
DEVELOPMENT_SETS = ("set_0", "set_a", "set_b")
CATCH_TARGET, FALSE_ALARM_LIMIT = 0.97, 0.03
AIMED = {"placeholder": "placeholders"}  # every other flaw is a tone family: the tone check
FALSE_ALARM_CHECKS = {"placeholders", "tone", "shouting"}
FLAWS = {"placeholder", "tone:pushy", "tone:hype", "tone:guilt_tripping", "tone:apologetic", "tone:presumptuous"}


def outcomes(name: str) -> list[tuple[str, bool, dict[str, str]]]:
    """(flaw or "clean", caught or flagged, failed checks with their messages) per draft of a set."""
    policy = Policy(task_type="*", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0)
    rows = []
    for number, line in enumerate(map(json.loads, (SETS / f"{name}.jsonl").read_text().splitlines()), start=1):
        assert line["flaw"] is None or line["flaw"] in FLAWS, f"{name} line {number}: unknown flaw {line['flaw']!r}"
        proposal = email(pk=number, subject=line["subject"], body=line["body"], company_name=line["company"],
                         recipients=[f"dana{number}@example.com"], confidence=0.99,
                         evidence=[{"source": "company blog", "url": "https://example.com/news", "quote": "news"}])
        context = CheckContext(policy=policy, crm_record={"Company": line["company"], "HasOptedOutOfEmail": False},
                               describe=describe("Contact"))
        failed = {r.name: r.message for r in proposal_checks_evaluate(proposal, context) if not r.passed}
        flaw = line["flaw"] or "clean"
        hit = (AIMED.get(flaw, "tone") in failed) if flaw != "clean" else bool(FALSE_ALARM_CHECKS & set(failed))
        rows.append((flaw, hit, failed))
    return rows


def table(name: str) -> tuple[float, float, list[tuple[str, dict[str, str]]]]:
    """Prints the set's table; returns (share caught, share of clean drafts flagged, the misses)."""
    by_flaw: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for flaw, hit, failed in outcomes(name):
        by_flaw[flaw].append(hit)
        if hit == (flaw == "clean"):
            misses.append((flaw, failed))
    flawed = [hit for flaw, hits in by_flaw.items() if flaw != "clean" for hit in hits]
    clean = by_flaw["clean"]
    assert len(flawed) >= 60 and len(clean) >= 60, f"{name}: too few drafts to measure"
    print(f"\n{name}: flaw                 drafts  caught (flawed) / flagged (clean)")
    for flaw, hits in sorted(by_flaw.items()):
        print(f"{flaw:24} {len(hits):6}  {sum(hits)}/{len(hits)} ({sum(hits) / len(hits):.1%})")
    print(f"all flawed               {len(flawed):6}  {sum(flawed)}/{len(flawed)} ({sum(flawed) / len(flawed):.1%})")
    return sum(flawed) / len(flawed), sum(clean) / len(clean), misses


@pytest.mark.parametrize("name", DEVELOPMENT_SETS)
def test_the_checks_catch_the_development_sets_flaws_without_flagging_clean_drafts(name: str) -> None:
    caught, flagged, misses = table(name)
    assert caught >= CATCH_TARGET, misses
    assert flagged <= FALSE_ALARM_LIMIT, misses


def test_table() -> None:
    """The table of one set (HITLCRM_HELDOUT_SET, the held-out set by default), to read with -s; it
    fails on a set too small to measure or a flaw label nobody defined."""
    table(os.environ.get("HITLCRM_HELDOUT_SET", "set_c"))
