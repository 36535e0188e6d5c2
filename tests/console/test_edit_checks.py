"""What the review page does with an edit the checks refuse: the same item again, still in edit mode
with the reviewer's text, the failing checks beside the buttons, and for soft failures a confirmation;
and the rescue of a blocked item, offered to senior reviewers only."""

from __future__ import annotations

import html
from typing import Any

import pytest

from reviews.models import AuditEvent, Decision, Proposal
from reviews.state_machine import Status

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
SWAP = {"HTTP_X_CONSOLE_SWAP": "1"}
PLACEHOLDER = "Hi {{first_name}}"
LONG_SUBJECT = ("Idea for Contoso: how the new Berlin office could keep its pipeline data clean from the first "
                "quarter, without extra headcount")


def url(proposal: Proposal, view: str = "review") -> str:
    return f"/admin/hitlcrm_reviews/{'emaildraft' if proposal.is_email else 'crmchange'}/{proposal.pk}/{view}/"


def edit(proposal: Proposal, **values: str) -> dict[str, str]:
    return {"action": "edit_approve", "subject": proposal.subject, "body": proposal.body.replace("\n", "\r\n"),
            **values}


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("headers", [SWAP, {}], ids=["script", "no script"])
def test_a_refused_edit_comes_back_in_edit_mode_with_the_checks_message_and_nothing_approved(
        api, rita, headers: dict[str, str]) -> None:
    first, second = queued(api, 2)
    response = logged_in(rita).post(url(first, "decide"), edit(first, subject=PLACEHOLDER), **headers)
    assert response.status_code == 409  # rendered, not redirected: a redirect would lose the edit
    assert response.context["proposal"].pk == first.pk
    page = page_of(response)
    assert 'data-mode="edit"' in page
    assert "Unfilled template placeholder in the subject: {{first_name}}" in page
    assert "Your edit fails a hard check; nothing was approved." in page
    assert f'id="edit-subject" name="subject" form="decide-form" value="{PLACEHOLDER}"' in page  # kept
    assert 'id="confirm-soft"' not in page  # a hard failure is not confirmable
    assert Proposal.objects.get(pk=first.pk).status == Status.NEEDS_REVIEW
    assert not Decision.objects.exists()


def test_a_soft_failure_is_confirmed_once_then_the_next_item_opens(api, rita) -> None:
    first, second = queued(api, 2)
    client = logged_in(rita)
    response = client.post(url(first, "decide"), edit(first, subject=LONG_SUBJECT), **SWAP)
    assert response.status_code == 409
    page = page_of(response)
    assert f"Subject is {len(LONG_SUBJECT)} characters, over the limit of 100" in page
    assert 'name="confirm_soft" value="1" form="decide-form" id="confirm-soft"' in page
    assert not Decision.objects.exists()

    response = client.post(url(first, "decide"), edit(first, subject=LONG_SUBJECT, confirm_soft="1"), **SWAP)
    assert response.status_code == 200 and response.context["proposal"].pk == second.pk
    assert Proposal.objects.get(pk=first.pk).final_output["subject"] == LONG_SUBJECT


def test_a_refused_crm_edit_keeps_the_values_and_the_unticked_fields(api, rita) -> None:
    change = queued(api, 1, "crm", fields={"Title": "VP Sales", "Department": "Sales"}, field_confidence={})[0]
    response = logged_in(rita).post(url(change, "decide"), {
        "action": "edit_approve", "field_decisions": "1", "approve_field": ["Title"],
        "field:Title": "Vice President, Sales", "field:Department": "Sales",
    }, **SWAP)
    assert response.status_code == 409
    page = page_of(response)
    assert "No evidence backs Title" in page
    assert 'name="field:Title" value="Vice President, Sales"' in page
    assert 'value="Department" form="decide-form" aria-label' in page  # no longer ticked
    assert 'value="Title" form="decide-form" checked' in page


def blocked(api: Any) -> Proposal:
    proposal = queued(api, 1, body="Hi {{first_name}},\n\nContoso just opened a Berlin office.")[0]
    assert proposal.status == Status.BLOCKED
    return proposal


def test_the_rescue_edit_is_offered_on_a_blocked_item_to_senior_reviewers_only(api, rita, sam) -> None:
    proposal = blocked(api)
    page = logged_in(sam).get(url(proposal)).content.decode()
    assert 'id="rescue-form"' in page and 'form="rescue-form"' in page and 'id="approve"' not in page
    page = logged_in(rita).get(url(proposal)).content.decode()
    assert 'id="rescue-form"' not in page and 'id="edit-body"' not in page
    assert logged_in(rita).post(url(proposal, "rescue"), {"body": "Hi Ada"}).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == Status.BLOCKED


def test_a_rescue_from_the_page_sends_the_item_back_to_review(api, sam) -> None:
    proposal = blocked(api)
    client = logged_in(sam)
    response = client.post(url(proposal, "rescue"), {"subject": proposal.subject, "body": "Hi {{ name }},\r\nhello"},
                           **SWAP)
    assert response.status_code == 409 and "the item stays blocked" in page_of(response)
    assert "Unfilled template placeholder in the body: {{ name }}" in page_of(response)
    assert Proposal.objects.get(pk=proposal.pk).status == Status.BLOCKED

    fixed = "Hi Ada,\r\n\r\nContoso just opened a Berlin office."
    response = client.post(url(proposal, "rescue"), {"subject": proposal.subject, "body": fixed, "note": "fixed"},
                           **SWAP)
    assert response.status_code == 200 and response.context["proposal"].pk == proposal.pk
    page = page_of(response)
    assert "passes the hard checks now and is back in review" in page
    assert 'id="rescued"' in page and "Rescued from blocked by <strong>sam</strong>" in page
    assert 'id="approve"' in page  # sam may decide it now, like any reviewer
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW and proposal.body == fixed.replace("\r\n", "\n")
    assert AuditEvent.objects.get(proposal_id_ref=proposal.pk, action="rescued").data["note"] == "fixed"
