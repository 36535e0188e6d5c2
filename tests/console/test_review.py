"""The review page and its decisions: one request per decision, the next item already rendered,
claims, undo, four-eyes, and the loser of a race told so with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.admin import queue
from reviews.models import Decision, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import DecisionRefused, proposal_claim, proposal_decide
from reviews.state_machine import Status
from tests.factories import policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
SWAP = {"HTTP_X_CONSOLE_SWAP": "1"}


def review_url(proposal: Proposal, view: str = "review") -> str:
    model = "emaildraft" if proposal.is_email else "crmchange"
    return f"/admin/hitlcrm_reviews/{model}/{proposal.pk}/{view}/"


def shown_item(response: Any) -> int:
    return response.context["proposal"].pk


def test_the_review_page_shows_output_evidence_assumptions_and_checks_failing_first(api, rita) -> None:
    proposal = queued(api, 1)[0]
    response = logged_in(rita).get(review_url(proposal))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Idea for Contoso", "ada@contoso.example", "Contoso just opened a Berlin office", "opened Berlin",
                 'href="https://contoso.example/news"', "Ada still works at Contoso"):
        assert text in page
    checks = response.context["checks"]
    assert [check.passed for check in checks] == sorted(check.passed for check in checks)  # failing first
    listing = page[page.index('id="checks"'):]
    assert not checks[0].passed and listing.index(checks[0].name) < listing.index(checks[-1].name)
    assert 'id="approve"' in page and 'id="reject"' in page and 'id="edit"' in page


def test_a_crm_change_shows_current_and_proposed_value_per_field_with_confidence_and_evidence(api, rita) -> None:
    proposal = queued(api, 1, "crm")[0]
    title = proposal.field_changes.get(field="Title")  # as the checks record it from the CRM
    title.before_value, title.before_captured_at = "Sales Manager", proposal.submitted_at
    title.save()
    response = logged_in(rita).get(review_url(proposal))
    rows = {row["name"]: row for row in response.context["fields"]}
    assert rows["Title"]["before"] == "Sales Manager" and rows["Title"]["proposed"] == "VP Sales"
    assert rows["Title"]["confidence"] == 0.97 and rows["Title"]["evidence"][0]["quote"] == "VP Sales"
    assert not rows["Department"]["before_known"]
    page = response.content.decode()
    assert "Sales Manager" in page and 'name="approve_field" value="Title"' in page


def test_opening_an_item_claims_it_and_others_see_who_holds_it(api, rita, ruth) -> None:
    proposal = queued(api, 1)[0]
    logged_in(rita).get(review_url(proposal))
    proposal.refresh_from_db()
    assert proposal.claimed_by == rita and proposal.claimed_until is not None
    page = logged_in(ruth).get(review_url(proposal)).content.decode()
    assert 'id="holder"' in page and "Held by <strong>rita</strong>" in page
    proposal.refresh_from_db()
    assert proposal.claimed_by == rita  # a live claim is not taken over


def test_a_claim_expires_by_itself(api, rita, ruth, settings) -> None:
    settings.HITLCRM_CLAIM_SECONDS = -1
    proposal = queued(api, 1)[0]
    logged_in(rita).get(review_url(proposal))
    page = logged_in(ruth).get(review_url(proposal)).content.decode()
    assert 'id="holder"' not in page


def test_a_decision_is_one_request_that_returns_the_next_item_rendered_and_claimed(api, rita) -> None:
    first, second = queued(api, 2)
    client = logged_in(rita)
    client.get(review_url(first))
    with CaptureQueriesContext(connection):
        response = client.post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert response.status_code == 200 and shown_item(response) == second.pk
    assert response["X-Location"] == review_url(second)
    assert f'data-proposal="{second.pk}"' in response.content.decode()
    assert Proposal.objects.get(pk=first.pk).status == Status.APPROVED
    assert Proposal.objects.get(pk=second.pk).claimed_by == rita


def test_without_the_script_a_decision_redirects_to_the_next_item(api, rita) -> None:
    first, second = queued(api, 2)
    response = logged_in(rita).post(review_url(first, "decide"), {"action": "approve"})
    assert response.status_code == 303 and response["Location"] == review_url(second)


def test_the_next_item_stays_in_the_queue_the_reviewer_came_from(api, rita) -> None:
    items = queued(api, 3)
    other = queued(api, 1, task_type="follow_up")[0]
    filters = "?_changelist_filters=task_type%3Dfollow_up"
    response = logged_in(rita).post(review_url(items[0], "decide") + filters, {"action": "approve"}, **SWAP)
    # items[0] is not in the follow_up queue, but the queue after it is: the next item comes from there.
    assert shown_item(response) == other.pk
    assert response["X-Location"] == review_url(other) + filters


def test_the_last_decision_of_a_queue_goes_back_to_the_queue(api, rita) -> None:
    only = queued(api, 1)[0]
    client = logged_in(rita)
    response = client.post(review_url(only, "decide"), {"action": "approve"}, **SWAP)
    assert response.status_code == 204 and response["X-Location"] == "/admin/hitlcrm_reviews/emaildraft/"
    assert "The queue is clear." in client.get(response["X-Location"]).content.decode()  # the message waited
    response = client.post(review_url(queued(api, 1)[0], "decide"), {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == "/admin/hitlcrm_reviews/emaildraft/"


def test_next_skips_items_someone_else_holds(api, rita, ruth) -> None:
    first, held, free = queued(api, 3)
    proposal_claim(proposal_id=held.pk, actor=Actor.for_user(ruth))
    response = logged_in(rita).post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert shown_item(response) == free.pk


def test_next_passes_over_an_item_claimed_after_the_queue_was_read(api, rita, ruth, monkeypatch) -> None:
    """Two reviewers finishing at the same moment both read the queue before either claims its next
    item: the one whose claim comes second must be handed the item after it, not a lost decision."""
    first, contested, free = queued(api, 3)
    read_queue = queue.first_open

    def ruth_claims_right_after_the_read(*args: Any, **kwargs: Any) -> int | None:
        found = read_queue(*args, **kwargs)
        if found == contested.pk and Proposal.objects.get(pk=found).claimed_by_id is None:
            proposal_claim(proposal_id=found, actor=Actor.for_user(ruth))
        return found

    monkeypatch.setattr(queue, "first_open", ruth_claims_right_after_the_read)
    response = logged_in(rita).post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert shown_item(response) == free.pk
    assert Proposal.objects.get(pk=free.pk).claimed_by == rita
    assert Proposal.objects.get(pk=contested.pk).claimed_by == ruth


def test_j_and_k_step_through_the_queue(api, rita) -> None:
    items = queued(api, 3)
    client = logged_in(rita)
    assert shown_item(client.get(review_url(items[0], "step") + "?to=next", **SWAP)) == items[1].pk
    assert shown_item(client.get(review_url(items[2], "step") + "?to=prev", **SWAP)) == items[1].pk
    response = client.get(review_url(items[2], "step") + "?to=next", **SWAP)
    assert shown_item(response) == items[2].pk and "No next item" in response.content.decode()


def test_reject_needs_a_reason_code_and_keeps_the_note(api, rita) -> None:
    proposal = queued(api, 1)[0]
    client = logged_in(rita)
    response = client.post(review_url(proposal, "decide"), {"action": "reject"}, **SWAP)
    assert response.status_code == 409 and "needs a reason code" in response.content.decode()
    assert not Decision.objects.exists()
    client.post(review_url(proposal, "decide"), {"action": "reject", "reason_code": "tone", "note": " pushy "}, **SWAP)
    decision = Decision.objects.get()
    assert (decision.action, decision.reason_code, decision.note) == ("reject", "tone", "pushy")


def test_edit_and_approve_keeps_the_ai_output_beside_the_edit(api, rita) -> None:
    proposal = queued(api, 1)[0]
    body = proposal.body.replace("\n", "\r\n")  # as a browser sends a textarea
    logged_in(rita).post(review_url(proposal, "decide"), {
        "action": "edit_approve", "subject": "A thought for Contoso", "body": body, "body_html": "",
    }, **SWAP)
    proposal.refresh_from_db()
    assert proposal.final_output["subject"] == "A thought for Contoso"
    assert proposal.final_output["body"] == proposal.body  # line endings are not an edit
    assert proposal.original_output["subject"] == proposal.subject == "Idea for Contoso"
    assert Decision.objects.get().edits == {"subject": ["Idea for Contoso", "A thought for Contoso"]}
    page = logged_in(rita).get(review_url(proposal)).content.decode()
    assert "<del>Idea for Contoso</del> <ins>A thought for Contoso</ins>" in page


def test_field_level_decisions_approve_some_fields_reject_others_and_edit_values(api, rita) -> None:
    proposal = queued(api, 1, "crm", fields={"Title": "VP Sales", "Department": "Sales", "HasOptedOutOfEmail": False},
                      field_confidence={})[0]
    logged_in(rita).post(review_url(proposal, "decide"), {
        "action": "edit_approve", "field_decisions": "1", "approve_field": ["Title", "HasOptedOutOfEmail"],
        "field:Title": "Vice President, Sales", "field:Department": "Sales", "field:HasOptedOutOfEmail": "true",
        "confirm_soft": "1",  # no evidence quotes the edited values: a soft failure the reviewer confirms
    }, **SWAP)
    proposal.refresh_from_db()
    fields = {change.field: (change.decision, change.approved_value) for change in proposal.field_changes.all()}
    assert fields == {"Title": ("approved", "Vice President, Sales"), "Department": ("rejected", None),
                      "HasOptedOutOfEmail": ("approved", True)}
    assert proposal.final_output["fields"] == {"Title": "Vice President, Sales", "HasOptedOutOfEmail": True}
    assert Decision.objects.get().edits == {"Title": ["VP Sales", "Vice President, Sales"],
                                            "HasOptedOutOfEmail": [False, True]}


def test_the_second_of_two_decisions_loses_with_a_clear_message_and_changes_nothing(api, rita, ruth) -> None:
    proposal = queued(api, 1)[0]
    loser = logged_in(ruth)
    loser.get(review_url(proposal))
    logged_in(rita).post(review_url(proposal, "decide"), {"action": "approve"}, **SWAP)
    response = loser.post(review_url(proposal, "decide"), {"action": "reject", "reason_code": "tone"}, **SWAP)
    assert response.status_code == 409 and shown_item(response) == proposal.pk
    assert "already approved by rita; nothing changed" in response.content.decode()
    assert Decision.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).status == Status.APPROVED


def test_undo_from_the_page_the_reviewer_moved_on_to(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    first, second = queued(api, 2)
    client = logged_in(rita)
    response = client.post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert shown_item(response) == second.pk
    undo = response.context["undo"]
    assert undo["pk"] == first.pk and 0 < undo["seconds"] <= 61
    assert f'action="{review_url(first, "undo")}"' in response.content.decode()
    response = client.post(undo["url"], {"current": second.pk}, **SWAP)
    assert shown_item(response) == first.pk and "undone" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.NEEDS_REVIEW and first.final_output is None
    assert response.context["undo"] is None


def test_undo_after_the_grace_period_is_refused(api, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 0
    first, second = queued(api, 2)
    client = logged_in(rita)
    response = client.post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert response.context["undo"] is None  # nothing to offer
    response = client.post(review_url(first, "undo"), {"current": second.pk}, **SWAP)
    assert response.status_code == 409 and "too late to undo" in response.content.decode()


def test_four_eyes_items_show_one_of_two_and_refuse_a_second_approval_by_the_same_person(api, rita, ruth, sam) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    proposal, following = queued(api, 2, "crm")
    response = logged_in(rita).post(review_url(proposal, "decide"), {"action": "approve"}, **SWAP)
    assert shown_item(response) == following.pk and "approval 1 of 2 recorded" in response.content.decode()
    page = logged_in(rita).get(review_url(proposal)).content.decode()
    assert "1 of 2 approvals" in page and "the next one must come from someone else" in page
    response = logged_in(rita).post(review_url(proposal, "decide"), {"action": "approve"}, **SWAP)
    assert response.status_code == 409 and "someone else" in response.content.decode()
    # A reviewer without the senior role may not give the approval that completes it.
    assert "needs a senior reviewer" in logged_in(ruth).get(review_url(proposal)).content.decode()
    response = logged_in(ruth).post(review_url(proposal, "decide"), {"action": "approve"}, **SWAP)
    assert response.status_code == 409 and "needs a senior reviewer" in response.content.decode()
    logged_in(sam).post(review_url(proposal, "decide"), {"action": "approve"}, **SWAP)
    assert Proposal.objects.get(pk=proposal.pk).status == Status.APPROVED


def test_the_service_refuses_the_final_four_eyes_approval_without_the_senior_permission(api, rita, ruth, sam) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    proposal = queued(api, 1, "crm")[0]
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    with pytest.raises(DecisionRefused, match="senior reviewer"):
        proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(ruth), action="approve")
    # A reviewer may still reject it, and a senior may give the first approval of another.
    other = queued(api, 1, "crm")[0]
    proposal_decide(proposal_id=other.pk, actor=Actor.for_user(sam), action="approve")
    assert Proposal.objects.get(pk=other.pk).status == Status.NEEDS_REVIEW


def test_the_review_page_costs_the_same_queries_for_2_or_12_fields(api, rita, django_assert_max_num_queries) -> None:
    few = queued(api, 1, "crm")[0]
    many_fields = {name: f"value {name}" for name in ["Title", "Department", "Phone", "MobilePhone", "Description",
                                                      "LeadSource", "MailingCity", "FirstName", "LastName", "Email",
                                                      "LinkedIn_URL__c", "DoNotCall"]}
    many_fields["DoNotCall"] = False
    many = queued(api, 1, "crm", fields=many_fields, field_confidence={},
                  evidence=[{"source": f"s{i}", "url": f"https://e.example/{i}", "quote": f"q{i}"} for i in range(8)],
                  assumptions=[f"assumption {i}" for i in range(8)])[0]
    client = logged_in(rita)
    client.get(review_url(few))  # first claims write an audit event; measure the steady state
    client.get(review_url(many))
    with CaptureQueriesContext(connection) as small:
        client.get(review_url(few))
    with django_assert_max_num_queries(len(small)):
        response = client.get(review_url(many))
    assert len(response.context["fields"]) == 12


def test_next_skips_second_approvals_the_reviewer_may_not_give(api, rita, ruth, sam) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    first, half_approved, last = queued(api, 3, "crm")
    proposal_decide(proposal_id=half_approved.pk, actor=Actor.for_user(rita), action="approve")
    response = logged_in(ruth).post(review_url(first, "decide"), {"action": "approve"}, **SWAP)
    assert shown_item(response) == last.pk  # ruth may not give the second approval
    assert shown_item(logged_in(sam).get(review_url(last, "step") + "?to=prev", **SWAP)) == half_approved.pk
