"""Held-out drafts (``heldout/``): phrasings written by people who had not seen the checks. Each is
submitted at confidence 0.99, so the confidence threshold stops nothing and the checks alone must.
A flawed draft counts as caught only when the check aimed at its flaw fails (``placeholders`` for a
placeholder, ``tone`` for a tone family); a clean draft counts as a false alarm when any of those
checks, or ``shouting``, fails on it. The length and company-name checks are house rules some sets'
writers were not told, so they are not counted here (``heldout/README.md``).

The development sets (whose misses were fixed) must stay fully caught with no clean draft flagged,
and docs/checks.md must show the figures they measure. Any set's table, with its markdown row, is
printed by

    HITLCRM_HELDOUT_SET=set_c .venv/bin/python -m pytest tests/reviews/checks/test_heldout.py -q -s -k table

``HITLCRM_HELDOUT_SET`` names a set of ``heldout/`` or a ``.jsonl`` file elsewhere (a fresh set).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviews.checks import CheckContext
from reviews.models import Policy
from reviews.services.checking import proposal_checks_evaluate

from .corpus import describe
from .support import email

pytestmark = pytest.mark.django_db

SETS = Path(__file__).with_name("heldout")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "checks.md"
DEVELOPMENT_SETS = ("set_0", "set_a", "set_b", "set_c", "set_d", "set_e", "set_f", "set_g", "set_h", "set_i", "set_j",
                    "set_k", "set_l", "set_m", "set_n", "set_o", "set_p", "set_q")
# Measured, never used to change a rule: docs/checks.md shows their figure on the current rules. Sets R and S
# were written after sets P and Q's fixes, without sight of the checks (P and Q were held out until then).
HELD_OUT_SETS: tuple[str, ...] = ("set_r", "set_s")
# The target for a set nobody tuned on; the development sets are held to all caught, none flagged.
CATCH_TARGET, FALSE_ALARM_LIMIT = 0.97, 0.03
AIMED = {"placeholder": "placeholders"}  # every other flaw is a tone family: the tone check
FALSE_ALARM_CHECKS = {"placeholders", "tone", "shouting"}
# The columns of the tables in docs/checks.md, in order.
FLAWS = ("placeholder", "tone:pushy", "tone:hype", "tone:guilt_tripping", "tone:apologetic", "tone:presumptuous")


def set_path(name: str) -> Path:
    """A set of ``heldout/`` by name ("set_c"), or a .jsonl file given by path."""
    path = Path(name) if name.endswith(".jsonl") else SETS / f"{name}.jsonl"
    assert path.is_file(), f"no held-out set {name!r} (looked for {path})"
    return path


def outcomes(name: str) -> list[tuple[str, bool, dict[str, str]]]:
    """(flaw or "clean", caught or flagged, failed checks with their messages) per draft of a set."""
    policy = Policy(task_type="*", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0)
    rows = []
    for number, line in enumerate(map(json.loads, set_path(name).read_text().splitlines()), start=1):
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


@dataclass
class Measurement:
    drafts: Counter[str]  # per flaw ("clean" included), how many drafts
    hits: Counter[str]  # per flaw, how many caught (for "clean": how many flagged)
    misses: list[tuple[str, dict[str, str]]]  # flawed drafts let through and clean drafts flagged, with what failed

    @property
    def flawed(self) -> int:
        return sum(count for flaw, count in self.drafts.items() if flaw != "clean")

    @property
    def caught(self) -> int:
        return sum(count for flaw, count in self.hits.items() if flaw != "clean")

    def markdown_row(self, label: str) -> str:
        """The set's row as docs/checks.md writes it."""
        cells = [f"{self.hits[flaw]}/{self.drafts[flaw]}" for flaw in FLAWS]
        cells.append(f"{self.caught}/{self.flawed} ({percent(self.caught, self.flawed)})")
        cells.append(f"{self.hits['clean']}/{self.drafts['clean']} ({percent(self.hits['clean'], self.drafts['clean'])})")
        return f"| {label} ({sum(self.drafts.values())}) | " + " | ".join(cells) + " |"


def percent(part: int, whole: int) -> str:
    """"92.9%", "100%", "1.7%": one decimal, none when it is zero."""
    return (f"{100 * part / whole:.1f}".rstrip("0").rstrip(".") + "%") if whole else "n/a"


def measure(name: str) -> Measurement:
    """Measures a set and prints its table."""
    drafts: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    misses = []
    for flaw, hit, failed in outcomes(name):
        drafts[flaw] += 1
        hits[flaw] += hit
        if hit == (flaw == "clean"):
            misses.append((flaw, failed))
    result = Measurement(drafts, hits, misses)
    assert result.flawed >= 60 and drafts["clean"] >= 60, f"{name}: too few drafts to measure"
    print(f"\n{name}: flaw                 drafts  caught (flawed) / flagged (clean)")
    for flaw in ("clean", *FLAWS):
        if drafts[flaw]:
            print(f"{flaw:24} {drafts[flaw]:6}  {hits[flaw]}/{drafts[flaw]} ({percent(hits[flaw], drafts[flaw])})")
    print(f"all flawed               {result.flawed:6}  {result.caught}/{result.flawed} "
          f"({percent(result.caught, result.flawed)})")
    print(result.markdown_row(label(name)))
    return result


def label(name: str) -> str:
    """How docs/checks.md names a set: "set_c" is "C"."""
    stem = Path(name).stem
    return stem.removeprefix("set_").upper()


def documented_development_rows() -> list[str]:
    """The rows of the development-figures table in docs/checks.md."""
    text = DOCS.read_text()
    section = text.split("### Development figures", 1)
    assert len(section) == 2, "docs/checks.md has no '### Development figures' table"
    return [line.strip() for line in section[1].split("\n### ", 1)[0].splitlines() if re.match(r"\|\s*[0-9A-Z]+ \(", line)]


@pytest.mark.parametrize("name", DEVELOPMENT_SETS)
def test_the_checks_catch_every_flaw_of_the_development_sets_without_flagging_clean_drafts(name: str) -> None:
    result = measure(name)
    assert result.misses == [], result.misses


def test_table() -> None:
    """The table of HITLCRM_HELDOUT_SET (every development set by default). A development set's row
    must be the one docs/checks.md shows, so the documented figures are the measured ones; a fresh
    set's table and row are printed to be documented as its held-out figure."""
    chosen = os.environ.get("HITLCRM_HELDOUT_SET")
    documented = documented_development_rows()
    assert len(documented) == len(DEVELOPMENT_SETS), documented
    for name in [chosen] if chosen else DEVELOPMENT_SETS:
        result = measure(name)
        if name in DEVELOPMENT_SETS:
            assert result.markdown_row(label(name)) in documented, (result.markdown_row(label(name)), documented)
        else:
            caught, flagged = result.caught / result.flawed, result.hits["clean"] / result.drafts["clean"]
            print(f"target: at least {CATCH_TARGET:.0%} caught ({caught:.1%}), at most {FALSE_ALARM_LIMIT:.0%} of clean "
                  f"drafts flagged ({flagged:.1%})")


def documented_held_out_rows() -> list[str]:
    """The rows of the held-out table in docs/checks.md measured on the current rules."""
    section = DOCS.read_text().split("### Held-out figures", 1)
    assert len(section) == 2, "docs/checks.md has no '### Held-out figures' table"
    return [line.strip() for line in section[1].split("\n### ", 1)[0].splitlines() if ", current rules |" in line]


@pytest.mark.parametrize("name", HELD_OUT_SETS)
def test_the_held_out_figures_on_the_current_rules_are_the_measured_ones(name: str) -> None:
    """A rule change moves a held-out set's figure; the documented one must move with it (and a set
    whose misses were then fixed belongs in DEVELOPMENT_SETS, with a set written afresh in its place)."""
    set_cell, figures = measure(name).markdown_row(label(name)).split(" | ", 1)
    expected = f"{set_cell}, current rules | {figures}"
    assert expected in documented_held_out_rows(), (expected, documented_held_out_rows())


def test_only_the_held_out_sets_are_documented_on_the_current_rules() -> None:
    """A set whose misses were fixed keeps its first held-out figure, labelled with the rules it was measured
    on, and no longer claims to be held out on the current ones."""
    held_out = {label(name) for name in HELD_OUT_SETS}
    documented = {row.split("|")[1].split(" (")[0].strip() for row in documented_held_out_rows()}
    assert documented == held_out, (documented, held_out)
    assert not set(DEVELOPMENT_SETS) & set(HELD_OUT_SETS)
