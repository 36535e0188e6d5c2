"""Golden items (reviews/services/golden.py): known-answer copies of the agent's proposals in the queue.
They look like any other item, their decision is a reviewer's answer, and nothing of them is ever
executed, sent, shown to the agent or counted as the agent's output."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from reviews.models import (
    ApiClient,
    AuditEvent,
    CrmObjectRule,
    Execution,
    GoldenExpectation,
    GoldenItem,
    Proposal,
    WebhookDelivery,
)
from reviews.selectors import crm_changes_waiting
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide, proposal_undo
from reviews.services.execution import executions_due, proposals_execute
from reviews.services.feed import feed_visible
from reviews.services.golden import GoldenSeedRefused, golden_items_seed
from reviews.services.metrics import gate_metrics
from reviews.state_machine import Status

from .conftest import crm_payload, email_payload

pytestmark = pytest.mark.django_db


def submitted(api, kind: str = "email", **overrides) -> Proposal:
    path, payload = ("email-drafts", email_payload(**overrides)) if kind == "email" else ("crm-changes",
                                                                                         crm_payload(**overrides))
    response = api.post(f"/api/v1/{path}/", payload, format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return Proposal.objects.get(pk=response.json()["id"])


def seed(source: Proposal, admin, expected: str = GoldenExpectation.PASS, **kwargs) -> Proposal:
    (item,) = golden_items_seed(source_id=source.pk, expected=expected, actor=Actor.for_user(admin), **kwargs)
    return Proposal.objects.get(pk=item.proposal_id)


def test_a_golden_item_is_a_copy_waiting_in_the_queue(api, ada_admin) -> None:
    source = submitted(api, "crm")
    copy = seed(source, ada_admin, GoldenExpectation.CATCH, edits={"Title": "Chief Llama Officer"}, note="wrong title")
    assert copy.pk != source.pk and copy.status == Status.NEEDS_REVIEW
    assert (copy.agent_id, copy.task_type, copy.kind, copy.crm_id, copy.evidence) == (
        source.agent_id, source.task_type, source.kind, source.crm_id, source.evidence)
    assert dict(copy.field_changes.values_list("field", "proposed_value")) == {"Title": "Chief Llama Officer",
                                                                               "Department": "Sales"}
    assert sorted(copy.check_results.values_list("name", "passed")) == sorted(
        source.check_results.values_list("name", "passed"))
    assert copy.golden_item.expected == GoldenExpectation.CATCH and copy.golden_item.source_id == source.pk
    event = AuditEvent.objects.get(proposal_id_ref=copy.pk, action="golden_seeded")
    assert event.actor == "ada" and event.data["expected"] == "catch" and event.data["edits"] == ["Title"]
    source.refresh_from_db()
    assert source.field_changes.get(field="Title").proposed_value == "VP Sales"  # the source is untouched


def test_several_copies_for_several_reviewers(api, ada_admin) -> None:
    items = golden_items_seed(source_id=submitted(api).pk, expected=GoldenExpectation.PASS,
                              actor=Actor.for_user(ada_admin), copies=3)
    assert len({item.proposal_id for item in items}) == 3
    assert Proposal.objects.filter(pk__in=[i.proposal_id for i in items], status=Status.NEEDS_REVIEW).count() == 3


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"expected": "maybe"}, "expected answer"),
    ({"copies": 0}, "between 1 and"),
    ({"edits": {"subject": "two\nlines"}}, "line breaks"),
    ({"edits": {"Amount": 5}}, "no Amount"),
])
def test_seeding_refuses_what_it_cannot_do(api, ada_admin, kwargs, message) -> None:
    source = submitted(api)
    with pytest.raises(GoldenSeedRefused, match=message):
        golden_items_seed(**{"source_id": source.pk, "expected": "pass", "actor": Actor.for_user(ada_admin),
                             **kwargs})
    assert not GoldenItem.objects.exists()


def test_a_golden_item_is_not_copied_again(api, ada_admin) -> None:
    copy = seed(submitted(api), ada_admin)
    with pytest.raises(GoldenSeedRefused, match="golden item itself"):
        seed(copy, ada_admin)


def test_an_approved_golden_item_is_retired_by_the_executor_never_sent(api, ada_admin, rita) -> None:
    copy = seed(submitted(api), ada_admin)
    proposal_decide(proposal_id=copy.pk, actor=Actor.for_user(rita), action="approve")
    assert Proposal.objects.get(pk=copy.pk).status == Status.APPROVED  # like any approval, undo included
    assert copy.pk in executions_due()

    assert proposals_execute(proposal_ids=[copy.pk]) == {}

    copy.refresh_from_db()
    assert copy.status == Status.WITHDRAWN
    assert mail.outbox == [] and not Execution.objects.filter(proposal=copy).exists()
    assert copy.golden_item.retired_at is not None
    assert AuditEvent.objects.filter(proposal_id_ref=copy.pk, action="golden_retired", data__to="withdrawn").exists()
    assert copy.pk not in executions_due()


def test_the_executor_goes_on_with_the_real_items_beside_a_golden_one(api, ada_admin, rita) -> None:
    real = submitted(api)
    copy = seed(real, ada_admin)
    for item in (real, copy):
        proposal_decide(proposal_id=item.pk, actor=Actor.for_user(rita), action="approve")
    outcomes = proposals_execute(proposal_ids=[real.pk, copy.pk])
    # The real one is executed (here it fails: no Salesforce to read the recipient's opt-out from).
    assert list(outcomes) == [real.pk] and Execution.objects.filter(proposal=real).exists()
    assert not Execution.objects.filter(proposal=copy).exists()
    assert Proposal.objects.get(pk=copy.pk).status == Status.WITHDRAWN


def test_a_golden_approval_can_be_undone_like_any_other(api, ada_admin, rita, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 60
    copy = seed(submitted(api), ada_admin)
    proposal_decide(proposal_id=copy.pk, actor=Actor.for_user(rita), action="approve")
    proposals_execute(proposal_ids=[copy.pk])  # in the grace period: nothing is due
    assert Proposal.objects.get(pk=copy.pk).status == Status.APPROVED
    proposal_undo(proposal_id=copy.pk, actor=Actor.for_user(rita))
    assert Proposal.objects.get(pk=copy.pk).status == Status.NEEDS_REVIEW


def test_the_agent_never_sees_a_golden_item(api, agent, ada_admin, rita) -> None:
    source = submitted(api)
    ApiClient.objects.filter(pk=agent[0].pk).update(webhook_url="https://hooks.example/hitlcrm")
    copy = seed(source, ada_admin)
    proposal_decide(proposal_id=copy.pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    listed = [record["id"] for record in api.get("/api/v1/email-drafts/").json()["results"]]
    assert listed == [source.pk]
    assert api.get(f"/api/v1/email-drafts/{copy.pk}/").status_code == 404
    assert not WebhookDelivery.objects.filter(proposal=copy).exists()
    assert api.get("/api/v1/feedback/").json()["results"] == []


def test_the_integrations_feed_leaves_golden_items_out(api, ada_admin, rita) -> None:
    CrmObjectRule.objects.update_or_create(crm_object="Account", defaults={"allowed_fields": ["Industry"],
                                                                           "executor": "external"})
    source = submitted(api, "crm", crm_object="Account", crm_id="0015g00000XyZ12AAF", fields={"Industry": "Retail"},
                       field_confidence={})
    copy = seed(source, ada_admin)
    for item in (source, copy):
        proposal_decide(proposal_id=item.pk, actor=Actor.for_user(rita), action="approve")
    assert list(feed_visible(Proposal.objects.all()).values_list("pk", flat=True)) == [source.pk]


def test_a_golden_crm_change_holds_up_no_real_change_to_the_same_field(api, ada_admin, rita) -> None:
    copy = seed(submitted(api, "crm"), ada_admin)
    later = submitted(api, "crm", external_ref="later")
    proposal_decide(proposal_id=later.pk, actor=Actor.for_user(rita), action="approve")
    assert copy.status == Status.NEEDS_REVIEW
    waiting = crm_changes_waiting([later.pk])
    assert all(overlap.proposal_id != copy.pk for overlap in waiting.values())


def test_golden_items_are_not_the_agents_output_in_the_gate_metrics(api, ada_admin, rita) -> None:
    source = submitted(api)
    proposal_decide(proposal_id=source.pk, actor=Actor.for_user(rita), action="approve")
    before = gate_metrics()["task_types"][0]["gate_total"]
    for copy in golden_items_seed(source_id=source.pk, expected="catch", actor=Actor.for_user(ada_admin), copies=4):
        proposal_decide(proposal_id=copy.proposal_id, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    after = gate_metrics()["task_types"][0]["gate_total"]
    assert (after["volume"], after["reviewed"], after["errors"]) == (before["volume"], before["reviewed"],
                                                                     before["errors"]) == (1, 1, 0)


def normalised(page: str, *ids: int) -> str:
    """A page with what always differs between two items taken out: their ids, the CSRF token, clock
    times, and each item's place in the queue ("1 of 2" on one is "2 of 2" on the other)."""
    page = re.sub(r'(id="position"[^>]*>)[^<]*', r"\1POSITION", page)
    for number in ids:
        page = re.sub(rf"\b{number}\b", "ID", page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r"\d{1,2}:\d{2}(:\d{2})?(\.\d+)?", "TIME", page)


def test_nothing_on_the_queue_or_the_review_page_tells_a_golden_item_apart(api, ada_admin, rita) -> None:
    twin = submitted(api)  # the agent's own item, waiting like the copy
    copy = seed(twin, ada_admin, GoldenExpectation.CATCH, note="planted")
    reviewer = Client()
    reviewer.force_login(rita)
    queue = reviewer.get("/admin/hitlcrm_reviews/emaildraft/").content.decode()
    assert "golden" not in queue.lower() and "planted" not in queue
    rows = re.findall(r'<tr[^>]*>.*?</tr>', queue, re.S)
    twin_row = next(row for row in rows if f"/{twin.pk}/" in row)
    copy_row = next(row for row in rows if f"/{copy.pk}/" in row)
    assert normalised(twin_row, twin.pk, copy.pk) == normalised(copy_row, twin.pk, copy.pk)
    pages = [reviewer.get(f"/admin/hitlcrm_reviews/emaildraft/{item.pk}/review/").content.decode() for item in (twin, copy)]
    assert "golden" not in pages[1].lower()
    assert normalised(pages[0], twin.pk, copy.pk) == normalised(pages[1], twin.pk, copy.pk)
    # Nor is the golden-items list open to a reviewer.
    assert reviewer.get("/admin/hitlcrm_reviews/goldenitem/").status_code == 403


def test_an_admin_seeds_from_the_console(api, ada_admin) -> None:
    source = submitted(api)
    admin = Client()
    admin.force_login(ada_admin)
    assert admin.get("/admin/hitlcrm_reviews/goldenitem/add/").status_code == 200
    response = admin.post("/admin/hitlcrm_reviews/goldenitem/add/", {
        "source": source.pk, "expected": "catch", "copies": 2, "subject": "Idea for Contosso", "body": "",
        "fields": "", "note": "misspelt company"})
    assert response.status_code == 302, response.content.decode()[:2000]
    items = GoldenItem.objects.order_by("pk")
    assert items.count() == 2 and {item.proposal.subject for item in items} == {"Idea for Contosso"}
    listing = admin.get("/admin/hitlcrm_reviews/goldenitem/").content.decode()
    assert f"#{items[0].proposal_id}" in listing and "Has an error" in listing
    refused = admin.post("/admin/hitlcrm_reviews/goldenitem/add/", {"source": 999999, "expected": "pass", "copies": 1})
    assert refused.status_code == 200 and "no proposal #999999" in refused.content.decode()


def test_the_checks_of_an_edited_golden_item_see_no_duplicate_in_its_source(api, ada_admin, rita) -> None:
    """A reviewer's edit is checked again; the copy's source (waiting, same recipient) must not show up
    as another email to this recipient, which the agent's own item would not show."""
    source = submitted(api)
    copy = seed(source, ada_admin, GoldenExpectation.CATCH)
    decided = proposal_decide(proposal_id=copy.pk, actor=Actor.for_user(rita), action="edit_approve",
                              edits={"subject": "A different subject for Contoso"})
    assert decided.status == Status.APPROVED
    # A real second draft to the recipient still finds the source waiting.
    other = submitted(api, subject="Another idea for Contoso")
    assert not other.check_results.get(name="duplicate_outreach").passed
