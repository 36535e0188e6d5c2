"""Checks made at send time, not only at submission: the CRM record, the suppression list, the
quiet period and the send window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from integrations.salesforce.client import get_client
from reviews.models import AuditEvent, Execution, ExecutionState, Policy
from reviews.models.mail import Suppression, SuppressionReason
from reviews.services.execution import executions_due, proposals_execute
from reviews.services.sending import send_window_next_opening
from reviews.state_machine import Status
from tests.factories import policy

pytestmark = pytest.mark.django_db


def stopped(proposal) -> Execution:
    proposal.refresh_from_db()
    assert proposal.status == Status.FAILED
    execution = Execution.objects.get(proposal=proposal)
    assert execution.state == ExecutionState.FAILED and execution.last_error
    return execution


def test_a_suppressed_address_is_not_mailed_whatever_its_case(approved_email, smtp) -> None:
    Suppression.objects.create(address="Ada@Contoso.example", reason=SuppressionReason.UNSUBSCRIBE)
    proposal = approved_email(to=["ADA@contoso.example"])

    proposals_execute(proposal_ids=[proposal.pk])

    execution = stopped(proposal)
    assert execution.error_code == "suppressed" and "ada@contoso.example (unsubscribed)" in execution.last_error
    assert smtp.received() == []


def test_the_quiet_period_stops_a_second_email_to_the_same_person(approved_email, smtp) -> None:
    first = approved_email()
    second = approved_email(subject="Following up")

    proposals_execute(proposal_ids=[first.pk, second.pk])

    first.refresh_from_db()
    assert first.status == Status.DONE
    execution = stopped(second)
    assert execution.error_code == "quiet_period" and f"#{first.pk}" in execution.last_error
    assert [m["message"]["Subject"] for m in smtp.received()] == ["Idea for Contoso"]


def test_a_refused_email_does_not_count_and_no_quiet_period_lets_both_go(approved_email, smtp, scripted_smtp,
                                                                          settings) -> None:
    refused = approved_email()
    scripted_smtp("refuse_rcpt")  # the server refuses it at RCPT: certainly not sent
    proposals_execute(proposal_ids=[refused.pk])
    assert stopped(refused).error_code == "mail_refused"

    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    later = approved_email(subject="Take two")
    proposals_execute(proposal_ids=[later.pk])
    later.refresh_from_db()
    assert later.status == Status.DONE  # the refused one never reached Ada

    policy("*", quiet_period_days=0)
    third = approved_email(subject="Third")
    proposals_execute(proposal_ids=[third.pk])
    third.refresh_from_db()
    assert third.status == Status.DONE and len(smtp.received()) == 2


def test_outside_the_send_window_the_email_waits_approved(approved_email, smtp) -> None:
    now = timezone.now().astimezone(UTC)
    closed_hours = ((now.hour + 2) % 24, (now.hour + 4) % 24)  # a window that is not open now
    policy("*", send_window_start_hour=closed_hours[0], send_window_end_hour=closed_hours[1],
           send_window_timezone="UTC")
    proposal = approved_email()

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and smtp.received() == []
    assert proposal.execute_after > now and proposal.execute_after.minute == 0
    assert proposal.execute_after.astimezone(UTC).hour == closed_hours[0]
    assert proposal.execute_after.weekday() < 5
    assert proposal.pk not in executions_due()
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="held_for_send_window").exists()


@pytest.mark.parametrize(
    ("now", "window", "expected"),
    [
        # Tuesday 10:00 in Berlin, window 9-17: open.
        (datetime(2025, 1, 7, 9, 0, tzinfo=UTC), (9, 17, "Europe/Berlin"), None),
        # Tuesday 18:30 Berlin: opens Wednesday 09:00 Berlin = 08:00 UTC.
        (datetime(2025, 1, 7, 17, 30, tzinfo=UTC), (9, 17, "Europe/Berlin"), datetime(2025, 1, 8, 8, 0, tzinfo=UTC)),
        # Saturday: opens Monday 09:00 New York = 14:00 UTC.
        (datetime(2025, 1, 11, 15, 0, tzinfo=UTC), (9, 17, "America/New_York"),
         datetime(2025, 1, 13, 14, 0, tzinfo=UTC)),
        # A window across midnight (22-6 UTC), Wednesday 03:00: still open (it started Tuesday 22:00).
        (datetime(2025, 1, 8, 3, 0, tzinfo=UTC), (22, 6, "UTC"), None),
        # Summer time: Berlin 09:00 in July is 07:00 UTC.
        (datetime(2025, 7, 8, 5, 0, tzinfo=UTC), (9, 17, "Europe/Berlin"), datetime(2025, 7, 8, 7, 0, tzinfo=UTC)),
    ],
)
def test_the_send_window_is_business_hours_in_the_recipients_zone(now, window, expected) -> None:
    rule = Policy(send_window_start_hour=window[0], send_window_end_hour=window[1], send_window_timezone=window[2])
    assert send_window_next_opening(rule, now) == expected


def test_no_window_means_any_time() -> None:
    assert send_window_next_opening(Policy(), datetime(2025, 1, 11, 3, 0, tzinfo=UTC)) is None


# --- the recipient's CRM record -------------------------------------------------------------------

def contact(salesforce, email: str, **fields) -> str:
    return salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": email,
                                         "HasOptedOutOfEmail": False, **fields})


def test_crm_records_are_checked_at_send_time_in_one_query_per_object(approved_email, smtp, salesforce) -> None:
    ok = contact(salesforce, "ada@contoso.example")
    opted_out = contact(salesforce, "grace@contoso.example")
    deleted = contact(salesforce, "alan@contoso.example")
    emails = {
        "ok": approved_email(crm_object="Contact", crm_id=ok),
        "opted_out": approved_email(to=["grace@contoso.example"], crm_object="Contact", crm_id=opted_out),
        "deleted": approved_email(to=["alan@contoso.example"], crm_object="Contact", crm_id=deleted),
    }
    # Changed after review, through the API: the checks at submission saw neither.
    client = get_client()
    client.restful(f"sobjects/Contact/{opted_out}", method="PATCH", json={"HasOptedOutOfEmail": True})
    client.restful(f"sobjects/Contact/{deleted}", method="DELETE")
    queries = salesforce.calls("query")

    proposals_execute(proposal_ids=[p.pk for p in emails.values()])

    # The named Contacts (one query), then who across the org opted out (Lead, Contact; no Person Accounts).
    assert salesforce.calls("query") - queries == 3
    emails["ok"].refresh_from_db()
    assert emails["ok"].status == Status.DONE
    assert stopped(emails["opted_out"]).error_code == "opted_out"
    assert stopped(emails["deleted"]).error_code == "crm_record_missing"
    assert [m["rcpt"] for m in smtp.received()] == [["ada@contoso.example"]]


def test_an_opt_out_anywhere_in_the_org_since_approval_stops_the_email(approved_email, smtp, salesforce) -> None:
    """After approval a duplicate Contact (the address in other letters) and a converted Lead opt out:
    sending looks again across the org, not at the named record only and not from the check's cache.
    SOQL compares text case-insensitively; a converted Lead stays in the org with its fields.
    https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-comparisonoperators.html
    https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-lead.html
    """
    duplicate = contact(salesforce, "ADA@Contoso.example")
    named = approved_email(crm_object="Contact", crm_id=contact(salesforce, "ada@contoso.example"))
    anonymous = approved_email(to=["grace@contoso.example"])
    fine = approved_email(to=["alan@contoso.example"])
    client = get_client()
    client.restful(f"sobjects/Contact/{duplicate}", method="PATCH", json={"HasOptedOutOfEmail": True})
    lead = salesforce.create("Lead", {"LastName": "Hopper", "Company": "Contoso", "Email": "grace@contoso.example",
                                      "HasOptedOutOfEmail": True, "IsConverted": True})

    proposals_execute(proposal_ids=[named.pk, anonymous.pk, fine.pk])

    execution = stopped(named)
    assert execution.error_code == "opted_out"
    assert execution.last_error == f"Contact {duplicate} holds ada@contoso.example and opted out of email"
    execution = stopped(anonymous)
    assert execution.error_code == "opted_out"
    assert execution.last_error == f"Lead {lead} (converted) holds grace@contoso.example and opted out of email"
    assert [m["rcpt"] for m in smtp.received()] == [["alan@contoso.example"]]


def test_an_email_naming_a_crm_record_is_not_sent_when_salesforce_is_not_configured(approved_email, smtp,
                                                                                   settings) -> None:
    settings.SALESFORCE_INSTANCE_URL = settings.SALESFORCE_SESSION_ID = settings.SALESFORCE_USERNAME = ""
    settings.SALESFORCE_CONSUMER_KEY = ""
    named = approved_email(crm_object="Contact", crm_id="0035g00000ABCDeAAP")
    anonymous = approved_email(to=["grace@contoso.example"])

    proposals_execute(proposal_ids=[named.pk, anonymous.pk])

    assert stopped(named).error_code == "crm_unverifiable"
    anonymous.refresh_from_db()
    assert anonymous.status == Status.DONE
    assert [m["rcpt"] for m in smtp.received()] == [["grace@contoso.example"]]


def test_salesforce_unreachable_at_send_time_leaves_the_email_for_a_retry(approved_email, smtp, salesforce) -> None:
    proposal = approved_email(crm_object="Contact", crm_id=contact(salesforce, "ada@contoso.example"))
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=5, kinds=["query"])

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.EXECUTING and execution.state == ExecutionState.PENDING
    assert execution.error_code == "crm_unavailable" and smtp.received() == []

    salesforce.clear_faults()
    proposals_execute(proposal_ids=[proposal.pk])
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE and len(smtp.received()) == 1


def test_a_stopped_email_can_be_retried_by_a_reviewer(approved_email, smtp) -> None:
    from reviews.services.actors import Actor
    from reviews.services.decisions import proposal_decide
    from tests.factories import reviewer

    entry = Suppression.objects.create(address="ada@contoso.example", reason=SuppressionReason.MANUAL)
    proposal = approved_email()
    proposals_execute(proposal_ids=[proposal.pk])
    stopped(proposal)

    entry.delete()  # the person was added by mistake
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(reviewer("sam", "senior_reviewer")),
                    action="approve")
    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    assert proposal.status == Status.DONE and len(smtp.received()) == 1


def test_a_retry_sends_what_was_approved_not_the_ai_draft(approved_email, smtp) -> None:
    """The reviewer's edit survives the stop: approving the failed email again sends the edited text."""
    from reviews.services.actors import Actor
    from reviews.services.decisions import proposal_decide
    from tests.factories import reviewer

    entry = Suppression.objects.create(address="ada@contoso.example", reason=SuppressionReason.MANUAL)
    proposal = approved_email(edits={"subject": "Berlin office, quick question"})
    proposals_execute(proposal_ids=[proposal.pk])
    stopped(proposal)

    entry.delete()
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(reviewer("sam", "senior_reviewer")),
                    action="approve")
    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    assert proposal.status == Status.DONE
    assert [str(m["message"]["Subject"]) for m in smtp.received()] == ["Berlin office, quick question"]
    assert proposal.final_output["subject"] == "Berlin office, quick question"


def test_why_an_email_was_stopped_is_shown_to_the_agent_and_the_reviewer(approved_email, smtp, agent, rita) -> None:
    from django.test import Client

    from tests.factories import token_client

    Suppression.objects.create(address="ada@contoso.example", reason=SuppressionReason.UNSUBSCRIBE)
    proposal = approved_email()
    proposals_execute(proposal_ids=[proposal.pk])
    reason = stopped(proposal).last_error
    assert "ada@contoso.example" in reason

    answer = token_client(agent[1]).get(f"/api/v1/email-drafts/{proposal.pk}/").json()
    assert answer["status"] == "failed" and answer["execution"]["last_error"] == reason

    console = Client()
    console.force_login(rita)
    page = console.get(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/review/").content.decode()
    from django.utils.html import escape

    assert escape(reason) in page and "Failed" in page
