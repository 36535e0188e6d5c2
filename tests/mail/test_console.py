"""A person in the console: resolving "outcome unknown", and keeping the suppression list."""

from __future__ import annotations

import pytest
from django.test import Client

from reviews.models import AuditEvent, Execution, ExecutionState
from reviews.models.mail import MailDelivery, Suppression
from reviews.services.actors import Actor
from reviews.services.execution import proposals_execute
from reviews.services.mail_events import ResolveRefused, email_resolve_unknown
from reviews.state_machine import Status
from tests.factories import reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def unknown(approved_email, scripted_smtp):
    """An email whose server hung up after taking the message: outcome unknown."""
    proposal = approved_email()
    scripted_smtp("drop_after_data")
    proposals_execute(proposal_ids=[proposal.pk])
    assert Execution.objects.get(proposal=proposal).state == ExecutionState.UNKNOWN
    return proposal


def test_marked_not_sent_it_fails_and_can_be_retried_by_a_reviewer(unknown, rita, smtp, settings) -> None:
    from reviews.services.decisions import proposal_decide

    email_resolve_unknown(proposal_id=unknown.pk, actor=Actor.for_user(rita), sent=False, note="not in the server log")

    unknown.refresh_from_db()
    execution = Execution.objects.get(proposal=unknown)
    assert unknown.status == Status.FAILED and execution.error_code == "not_sent"
    assert "rita" in execution.last_error and "not in the server log" in execution.last_error

    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    proposal_decide(proposal_id=unknown.pk, actor=Actor.for_user(reviewer("sam", "senior_reviewer")), action="approve")
    proposals_execute(proposal_ids=[unknown.pk])
    unknown.refresh_from_db()
    assert unknown.status == Status.DONE and len(smtp.received()) == 1  # its own earlier try is no quiet-period block


def test_only_a_person_and_only_an_unknown_can_be_resolved(unknown, rita, approved_email) -> None:
    with pytest.raises(ResolveRefused, match="only a person"):
        email_resolve_unknown(proposal_id=unknown.pk, actor=Actor.system(), sent=True)
    email_resolve_unknown(proposal_id=unknown.pk, actor=Actor.for_user(rita), sent=True)
    with pytest.raises(ResolveRefused, match="not an email whose outcome is unknown"):
        email_resolve_unknown(proposal_id=unknown.pk, actor=Actor.for_user(rita), sent=False)
    assert Execution.objects.get(proposal=unknown).state == ExecutionState.SUCCEEDED


def test_the_console_action_resolves_selected_unknowns(unknown, rita) -> None:
    client = Client()
    client.force_login(rita)
    delivery = MailDelivery.objects.get(proposal=unknown)

    page = client.get("/admin/hitlcrm_reviews/maildelivery/?proposal__execution__state__exact=unknown")
    assert page.status_code == 200 and f"#{unknown.pk}" in page.content.decode()
    response = client.post("/admin/hitlcrm_reviews/maildelivery/",
                           {"action": "mark_sent", "_selected_action": [delivery.pk]})

    assert response.status_code == 302
    unknown.refresh_from_db()
    assert unknown.status == Status.DONE
    assert AuditEvent.objects.filter(proposal_id_ref=unknown.pk, action="send_confirmed", actor="rita").exists()


def test_a_reviewer_without_decide_permission_cannot_resolve(unknown) -> None:
    auditor = reviewer("carl", role="compliance")
    client = Client()
    client.force_login(auditor)
    delivery = MailDelivery.objects.get(proposal=unknown)
    client.post("/admin/hitlcrm_reviews/maildelivery/", {"action": "mark_sent", "_selected_action": [delivery.pk]})
    unknown.refresh_from_db()
    assert unknown.status == Status.EXECUTING


def test_an_admin_adds_a_suppression_in_any_case_and_it_is_audited(db) -> None:
    admin_user = reviewer("ada_admin", role="admin")
    client = Client()
    client.force_login(admin_user)

    response = client.post("/admin/hitlcrm_reviews/suppression/add/",
                           {"address": "Grace@Contoso.Example", "reason": "manual", "note": "asked by phone"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Suppression.objects.get()
    assert entry.address == "grace@contoso.example" and entry.created_by == admin_user
    assert AuditEvent.objects.filter(action="suppression_added", actor="ada_admin").exists()

    again = client.post("/admin/hitlcrm_reviews/suppression/add/", {"address": "GRACE@contoso.example", "reason": "manual"})
    assert again.status_code == 200 and Suppression.objects.count() == 1  # the form shows the duplicate

    client.post(f"/admin/hitlcrm_reviews/suppression/{entry.pk}/delete/", {"post": "yes"})
    assert not Suppression.objects.exists()
    assert AuditEvent.objects.filter(action="suppression_removed", actor="ada_admin").exists()
    assert entry.history.count() == 2  # added and removed, both kept


def test_an_admin_changes_and_removes_suppressions_each_audited_and_kept_in_history(db) -> None:
    from reviews.services.mail_events import suppression_add

    admin_user = reviewer("ada_admin", role="admin")
    client = Client()
    client.force_login(admin_user)
    entry, _ = suppression_add(address="grace@contoso.example", reason="manual", actor=Actor.system("test"))
    other, _ = suppression_add(address="alan@contoso.example", reason="manual", actor=Actor.system("test"))

    response = client.post(f"/admin/hitlcrm_reviews/suppression/{entry.pk}/change/",
                           {"address": "Grace.H@Contoso.Example", "reason": "manual", "note": "new address"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert (entry.address, entry.note) == ("grace.h@contoso.example", "new address")
    changed = AuditEvent.objects.get(action="suppression_changed")
    assert (changed.actor, changed.data) == ("ada_admin", {"address": "grace.h@contoso.example", "reason": "manual",
                                                           "note": "new address"})
    assert entry.history.first().history_user == admin_user

    client.post("/admin/hitlcrm_reviews/suppression/", {"action": "delete_selected", "post": "yes",
                                                "_selected_action": [entry.pk, other.pk]})
    assert not Suppression.objects.exists()
    removed = AuditEvent.objects.filter(action="suppression_removed", actor="ada_admin")
    assert sorted(event.data["address"] for event in removed) == ["alan@contoso.example", "grace.h@contoso.example"]
    assert entry.history.count() == 3 and entry.history.first().history_type == "-"


def test_only_those_allowed_edit_the_suppression_list_whatever_the_door(db) -> None:
    from reviews.services.suppressions import (
        SuppressionRefused,
        suppression_change,
        suppression_create,
        suppression_remove,
    )

    senior = Actor.for_user(reviewer("sam", role="senior_reviewer"))
    entry, created = suppression_create(address="Grace@Contoso.Example", reason="manual", actor=senior)
    assert created and entry.created_by == senior.user
    with pytest.raises(SuppressionRefused):
        suppression_change(suppression_id=entry.pk, address=entry.address, reason="manual", note="", actor=senior)
    with pytest.raises(SuppressionRefused):
        suppression_remove(suppression_id=entry.pk, actor=senior)
    with pytest.raises(SuppressionRefused):
        suppression_create(address="alan@contoso.example", reason="manual", actor=Actor.system("test"))
    assert list(Suppression.objects.values_list("address", flat=True)) == ["grace@contoso.example"]
    assert not AuditEvent.objects.filter(action__in=["suppression_changed", "suppression_removed"]).exists()


def test_a_reviewer_retries_the_crm_logging_of_emails_whose_logging_failed(approved_email, rita, monkeypatch) -> None:
    from reviews.models.mail import CrmActivityState
    from reviews.services import activities

    queued = []
    monkeypatch.setattr(activities, "enqueue_on_commit", lambda task, *args: queued.append((task.name, args)))
    failed, logged = approved_email(), approved_email(subject="Another idea")
    deliveries = [
        MailDelivery.objects.create(proposal=failed, crm_activity_state=CrmActivityState.FAILED, crm_activity_error="x"),
        MailDelivery.objects.create(proposal=logged, crm_activity_state=CrmActivityState.CREATED, crm_activity_id="00T1"),
    ]
    client = Client()
    client.force_login(rita)

    response = client.post("/admin/hitlcrm_reviews/maildelivery/", {"action": "retry_crm_activity",
                                                            "_selected_action": [d.pk for d in deliveries]})

    assert response.status_code == 302
    states = dict(MailDelivery.objects.values_list("proposal_id", "crm_activity_state"))
    assert states == {failed.pk: CrmActivityState.PENDING, logged.pk: CrmActivityState.CREATED}
    (event,) = AuditEvent.objects.filter(action="crm_activity_retry")
    assert (event.proposal_id_ref, event.actor) == (failed.pk, rita.get_username())
    assert queued == [("reviews.tasks.email_activities_push_task", ([failed.pk],))]


def test_the_crm_logging_retry_is_for_reviewers_only(approved_email) -> None:
    from reviews.models.mail import CrmActivityState
    from reviews.services.activities import ActivityRetryRefused, email_activities_retry

    proposal = approved_email()
    MailDelivery.objects.create(proposal=proposal, crm_activity_state=CrmActivityState.FAILED)
    for actor in (Actor.system("test"), Actor.for_client(proposal.agent), Actor.for_user(reviewer("cora", "compliance"))):
        with pytest.raises(ActivityRetryRefused):
            email_activities_retry(proposal_ids=[proposal.pk], actor=actor)
    assert MailDelivery.objects.get(proposal=proposal).crm_activity_state == CrmActivityState.FAILED
