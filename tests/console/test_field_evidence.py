"""The review page's per-field evidence of a CRM change: the entries naming the field first, else
the entries quoting its proposed value, "—" when neither; the same rule the evidence check applies."""

from __future__ import annotations

import re

import pytest

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db

EVIDENCE = [
    # Names Department (in another case): shown for it, though its quote does not contain "Sales".
    {"source": "org chart", "url": "https://contoso.example/org", "quote": "Ada leads the revenue team",
     "fields": ["department"]},
    # Old style: backs what it quotes ("VP Sales" for Title; "Sales" too, but Department has a named entry).
    {"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "VP Sales at Contoso"},
]


def evidence_cells(page: str) -> dict[str, str]:
    """Field name -> the text of its evidence cell, tags stripped."""
    rows = re.findall(r'<tr[^>]*data-field="([^"]+)"[^>]*>(.*?)</tr>', page, re.S)
    cells = {name: re.search(r'<td class="field-evidence">(.*?)</td>', row, re.S) for name, row in rows}
    return {name: " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split()) for name, cell in cells.items() if cell}


def test_each_field_shows_the_evidence_naming_it_else_quoting_it_else_a_dash(api, rita) -> None:
    proposal = queued(api, 1, "crm", fields={"Title": "VP Sales", "Department": "Sales", "MailingCity": "Munich"},
                      field_confidence={}, evidence=EVIDENCE)[0]
    response = logged_in(rita).get(f"/admin/hitlcrm_reviews/crmchange/{proposal.pk}/review/")
    assert response.status_code == 200
    cells = evidence_cells(response.content.decode())
    assert cells == {"Title": "“VP Sales at Contoso” LinkedIn",
                     "Department": "“Ada leads the revenue team” org chart",
                     "MailingCity": "—"}
    rows = {row["name"]: [item["source"] for item in row["evidence"]] for row in response.context["fields"]}
    assert rows == {"Title": ["LinkedIn"], "Department": ["org chart"], "MailingCity": []}
    # The check the reviewer sees says the same: MailingCity is backed by nothing.
    check = next(check for check in response.context["checks"] if check.name == "evidence")
    assert not check.passed and "MailingCity" in check.message and "Title" not in check.message


def test_old_style_evidence_is_matched_by_quote_case_insensitively(api, rita) -> None:
    evidence = [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "ada, vp sales at contoso"}]
    proposal = queued(api, 1, "crm", evidence=evidence)[0]  # Title "VP Sales", Department "Sales"
    cells = evidence_cells(logged_in(rita).get(f"/admin/hitlcrm_reviews/crmchange/{proposal.pk}/review/").content.decode())
    assert cells == {"Title": "“ada, vp sales at contoso” LinkedIn", "Department": "“ada, vp sales at contoso” LinkedIn"}


def test_an_entry_naming_a_field_without_a_quote_shows_its_source_alone(api, rita) -> None:
    evidence = [{"source": "Clearbit", "url": "https://clearbit.example/ada", "fields": ["Title", "Department"]}]
    proposal = queued(api, 1, "crm", evidence=evidence)[0]
    cells = evidence_cells(logged_in(rita).get(f"/admin/hitlcrm_reviews/crmchange/{proposal.pk}/review/").content.decode())
    assert cells == {"Title": "Clearbit", "Department": "Clearbit"}


def test_old_style_evidence_backing_some_fields_fails_the_check_for_exactly_the_dashed_ones(api, rita) -> None:
    """The check and the per-field column never disagree: a quoted title does not back an inferred
    department, so the page shows "—" for Department and the evidence check fails naming it alone."""
    evidence = [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "Head of Data at Contoso"}]
    proposal = queued(api, 1, "crm", fields={"Title": "Head of Data", "Department": "Engineering"},
                      field_confidence={}, evidence=evidence)[0]
    response = logged_in(rita).get(f"/admin/hitlcrm_reviews/crmchange/{proposal.pk}/review/")
    cells = evidence_cells(response.content.decode())
    assert cells == {"Title": "“Head of Data at Contoso” LinkedIn", "Department": "—"}
    check = next(check for check in response.context["checks"] if check.name == "evidence")
    assert not check.passed and check.severity == "soft"
    assert check.message == "No evidence backs Department: no source names it or quotes its value"
    dashed = [name for name, text in cells.items() if text == "—"]
    assert check.details["unbacked_fields"] == dashed
