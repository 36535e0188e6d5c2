"""Shared code asks the kind (``reviews.kinds.kind_of``) instead of branching on it: a new kind is
a module in reviews/kinds/ and its templates, with no edit to the services, the API, the console or
the checks."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REVIEWS = ROOT / "reviews"

# Branches on a kind: the email test, the kind values named through the enum or compared as strings
# (``== "email_draft"``, ``kind="crm_change"``), and the proxy models' names.
KIND_BRANCH = re.compile(
    r"\bis_email\b"
    r"|ProposalKind\.(?:EMAIL_DRAFT|CRM_CHANGE)\b"
    r"|(?:[=!]=|\bkind(?:__in)?\s*=|\bin\s*[(\[{])\s*[\"'](?:email_draft|crm_change)[\"']"
    r"|[\"'](?:email_draft|crm_change)[\"']\s*[=!]="
    r"|emaildraft|crmchange"
)
# Not shared code: the kinds themselves and the database's history.
OWN = [REVIEWS / "kinds", REVIEWS / "migrations", REVIEWS / "templates" / "admin" / "reviews" / "kinds"]
# The table's vocabulary: each kind's proxy model (its own queue) and the check constraint the database
# holds; ``is_email`` stays defined for the tests and benchmarks.
VOCABULARY = {
    REVIEWS / "models" / "proposals.py": re.compile(
        r"^\s*kind = ProposalKind\.\w+$"
        r"|condition=~models\.Q\(kind=ProposalKind\.CRM_CHANGE\) \| ~models\.Q\(change_kind=\"\"\),$"
        r"|^\s*def is_email\(self\) -> bool:$"
    ),
}


# The standalone project's own console template (its header lists the queues) is shared code too.
STANDALONE_TEMPLATES = ROOT / "templates"


def shared_files() -> list[Path]:
    files = [*REVIEWS.rglob("*.py"), *REVIEWS.rglob("*.html"), *STANDALONE_TEMPLATES.rglob("*.html")]
    return sorted(path for path in files if not any(path.is_relative_to(own) for own in OWN))


def test_the_pattern_finds_the_branches_it_is_meant_to() -> None:
    branches = ['if proposal.is_email:', 'kind == ProposalKind.CRM_CHANGE', 'filter(kind=ProposalKind.EMAIL_DRAFT)',
                'proposal.kind != "crm_change"', 'filter(kind="email_draft")', "if kind in ('email_draft',):",
                'model = "emaildraft" if email else "crmchange"', '{% if not proposal.is_email %}']
    declarations = ['kinds = frozenset({"email_draft"})', 'data={"crm_change": change_id}',
                    'kind_values(sends_email=True)']
    assert [line for line in branches if not KIND_BRANCH.search(line)] == []
    assert [line for line in declarations if KIND_BRANCH.search(line)] == []


def test_shared_code_asks_the_kind_instead_of_branching_on_it() -> None:
    offenders = []
    for path in shared_files():
        allowed = VOCABULARY.get(path)
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if KIND_BRANCH.search(line) and not (allowed and allowed.search(line)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_covers_the_shared_code() -> None:
    scanned = {path.relative_to(ROOT).as_posix().removeprefix("reviews/") for path in shared_files()}
    assert {"services/decisions.py", "services/submission.py", "api/views.py", "admin/console.py",
            "checks/text.py", "models/proposals.py", "templates/admin/reviews/review.html",
            "services/execution.py", "services/sending.py", "services/mail_events.py", "executors/registry.py",
            "templates/admin/base_site.html"} <= scanned
    assert not {"kinds/email_draft.py", "migrations/0001_initial.py"} & scanned
