"""The sending rules, end to end against the real SMTP sink, the Salesforce emulator and the
Postmark webhook: one-click unsubscribe (RFC 8058), the sender identity footer, contact caps at send
time, and the complaint and bounce circuit breaker per sender domain."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from reviews.models import AuditEvent, Execution, Proposal, ProposalKind
from reviews.models.mail import SenderDomain, Suppression, SuppressionReason
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.execution import proposals_execute
from reviews.services.sender_health import ResumeRefused, sender_domain_resume, sender_domains_figures
from reviews.services.unsubscribe import unsubscribe_token
from reviews.state_machine import Status
from tests.factories import policy

from .test_webhooks import bounce, post

pytestmark = pytest.mark.django_db


def contact(salesforce: Any, email: str) -> str:
    return salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": email,
                                         "HasOptedOutOfEmail": False})


def unsubscribe_path(message: Any) -> str:
    header = " ".join(str(message["List-Unsubscribe"]).split())
    [url] = re.findall(r"<(https?://[^>]+)>", header)
    return urlsplit(url).path


def test_sent_email_carries_one_click_unsubscribe_and_a_post_suppresses_and_opts_out_in_the_crm(
        approved_email, smtp, salesforce, settings) -> None:
    """RFC 8058 one-click: a POST with ``List-Unsubscribe=One-Click`` to the header's https URL, no
    login, no confirmation. The opt-out is written as Salesforce's ``HasOptedOutOfEmail`` field
    ("Email Opt Out", https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm)."""
    settings.HITLCRM_UNSUBSCRIBE_MAILTO = "unsubscribe@hitlcrm.example"
    record_id = contact(salesforce, "ada@contoso.example")
    proposal = approved_email(crm_object="Contact", crm_id=record_id)

    proposals_execute(proposal_ids=[proposal.pk])

    [received] = smtp.received()
    message = received["message"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = " ".join(str(message["List-Unsubscribe"]).split())
    assert re.fullmatch(r"<http://127\.0\.0\.1:8000/mail/unsubscribe/[^>]+/>, <mailto:unsubscribe@hitlcrm\.example\?"
                        r"subject=[^>]+>", header), header
    body = message.get_content().replace("\r\n", "\n")
    assert settings.HITLCRM_SENDER_IDENTITY in body and "Example Street 1, 10115 Berlin, Germany" in body
    path = unsubscribe_path(message)
    assert f"To stop receiving these emails: http://127.0.0.1:8000{path}" in body

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200 and b"ada@contoso.example" in page.content and b'method="post"' in page.content
    assert not Suppression.objects.exists()  # a GET (a link scanner) never unsubscribes

    response = anonymous.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    entry = Suppression.objects.get()
    assert (entry.address, entry.reason) == ("ada@contoso.example", SuppressionReason.UNSUBSCRIBE)
    change = Proposal.objects.get(kind=ProposalKind.CRM_CHANGE)
    assert change.task_type == "email_opt_out" and change.crm_id == record_id
    assert AuditEvent.objects.filter(action="unsubscribed", proposal_id_ref=proposal.pk).count() == 1
    assert AuditEvent.objects.filter(action="suppression_added", data__address="ada@contoso.example").count() == 1

    # The CRM change goes the normal way: checks, the email_opt_out policy approves, the executor writes.
    proposal_run_checks(proposal_id=change.pk)
    change.refresh_from_db()
    assert change.status == Status.APPROVED, change.status
    proposals_execute(proposal_ids=[change.pk])
    change.refresh_from_db()
    assert change.status == Status.DONE
    assert salesforce.get("Contact", record_id)["HasOptedOutOfEmail"] is True

    # Replay-safe: the same POST again changes nothing and still answers 200.
    events = AuditEvent.objects.count()
    again = anonymous.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200
    assert Suppression.objects.count() == 1 and Proposal.objects.filter(kind=ProposalKind.CRM_CHANGE).count() == 1
    assert AuditEvent.objects.count() == events


def test_a_forged_or_damaged_unsubscribe_token_is_refused(client, approved_email) -> None:
    proposal = approved_email()
    token = unsubscribe_token(proposal_id=proposal.pk, addresses=["ada@contoso.example"])
    forged = token.replace(token[-4:], "AAAA" if token[-4:] != "AAAA" else "BBBB")

    for path in (f"/mail/unsubscribe/{forged}/", "/mail/unsubscribe/not-a-token/"):
        response = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400 and b"not valid" in response.content
    assert client.get(f"/mail/unsubscribe/{forged}/").status_code == 400
    assert not Suppression.objects.exists()


def test_html_part_gets_the_footer_before_the_closing_body_tag(approved_email, smtp) -> None:
    proposal = approved_email(body_html="<html><body><p>Hi Ada</p></body></html>")

    proposals_execute(proposal_ids=[proposal.pk])

    [received] = smtp.received()
    html = next(part for part in received["message"].walk() if part.get_content_type() == "text/html").get_content()
    assert re.search(r"<p>Hi Ada</p><p [^>]*>hitlcrm demo, Outreach team<br>Example Street 1, 10115 Berlin, "
                     r"Germany<br><a href=\"http://127\.0\.0\.1:8000/mail/unsubscribe/[^\"]+/\">Unsubscribe</a></p>"
                     r"</body>", html), html


def test_without_a_postal_address_nothing_goes_out(approved_email, smtp, settings) -> None:
    proposal = approved_email()  # checked and approved while the address was configured
    settings.HITLCRM_POSTAL_ADDRESS = ""

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.FAILED and execution.error_code == "sender_identity_missing"
    assert "HITLCRM_POSTAL_ADDRESS" in execution.last_error
    assert smtp.received() == []


def test_require_mode_sends_the_draft_as_written_when_it_carries_the_address(approved_email, smtp, settings) -> None:
    settings.HITLCRM_FOOTER_MODE = "require"
    body = "Hi Ada,\n\nShort note.\n\nSam\nhitlcrm demo, Outreach team\nExample Street 1\n10115 Berlin, Germany"
    proposal = approved_email(body=body)

    proposals_execute(proposal_ids=[proposal.pk])

    [received] = smtp.received()
    assert received["message"].get_content().replace("\r\n", "\n").strip() == body
    assert received["message"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_account_cap_stops_the_second_email_at_send_time(approved_email, smtp) -> None:
    rules = policy("*", mode="always_review", quiet_period_days=0)
    first = approved_email(to=["ada@contoso.example"])
    second = approved_email(to=["grace@contoso.example"], subject="Another idea")
    # The cap comes in after both were approved (the approval-time check is tests/reviews/checks/test_sending_rules.py).
    rules.cap_per_account, rules.cap_window_days = 1, 30
    rules.save()

    proposals_execute(proposal_ids=[first.pk, second.pk])

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.DONE and second.status == Status.FAILED
    execution = Execution.objects.get(proposal=second)
    assert execution.error_code == "contact_cap"
    assert "the account contoso.example had 1 cold email(s) in the last 30 days (cap 1)" in execution.last_error
    assert [m["rcpt"] for m in smtp.received()] == [["ada@contoso.example"]]


def test_a_lawful_basis_required_after_approval_stops_the_send(approved_email, smtp) -> None:
    rules = policy("*", mode="always_review")
    proposal = approved_email(country="FR")
    rules.lawful_basis_regions = ["EU"]
    rules.save()

    proposals_execute(proposal_ids=[proposal.pk])

    proposal.refresh_from_db()
    execution = Execution.objects.get(proposal=proposal)
    assert proposal.status == Status.FAILED and execution.error_code == "lawful_basis_missing"
    assert execution.last_error == "no lawful basis recorded for ada@contoso.example (FR)"
    assert smtp.received() == []


def test_the_send_is_audited_with_the_lawful_basis(approved_email, smtp) -> None:
    policy("*", mode="always_review", lawful_basis_regions=["EEA"])
    basis = {"basis": "consent", "source": "webinar sign-up form", "date": "2025-03-01"}
    proposal = approved_email(country="DE", lawful_basis=[basis])

    proposals_execute(proposal_ids=[proposal.pk])

    event = AuditEvent.objects.get(action="email_sending", proposal_id_ref=proposal.pk)
    assert event.data["lawful_basis"] == [{"address": "ada@contoso.example", "country": "DE", "country_source": "draft",
                                           "basis": basis, "required": True}]
    assert event.data["lawful_basis_regions"] == ["EEA"]


# --- the complaint and bounce circuit breaker ---------------------------------------------------------------

@pytest.fixture
def breaker(settings: Any) -> Any:
    settings.HITLCRM_SENDER_HEALTH_MIN_SENDS = 3
    settings.HITLCRM_COMPLAINT_RATE_LIMIT = 0.003
    settings.HITLCRM_BOUNCE_RATE_LIMIT = 0.02
    return settings


def send_three(approved_email: Any) -> list[Any]:
    sent = []
    for name in ("ada", "grace", "hedy"):
        proposal = approved_email(to=[f"{name}@{name}.example"], subject=f"Idea for {name}")
        proposals_execute(proposal_ids=[proposal.pk])
        sent.append(proposal.mail_delivery)
    return sent


def complaint(delivery: Any, event_id: int) -> dict[str, Any]:
    return {**bounce(delivery, kind="SpamComplaint", event_id=event_id), "RecordType": "SpamComplaint",
            "Email": delivery.proposal.recipients[0]}


def test_one_bounce_below_the_minimum_volume_trips_nothing(approved_email, postmark, client, settings) -> None:
    settings.HITLCRM_SENDER_HEALTH_MIN_SENDS = 200  # the default: one bounce among three sends says little
    first, *_ = send_three(approved_email)

    assert post(client, bounce(first)).status_code == 200

    [figures] = sender_domains_figures()
    assert (figures.domain, figures.sent, figures.bounces) == ("hitlcrm.example", 3, 1)
    assert not SenderDomain.objects.filter(state="paused").exists()


def test_a_complaint_rate_over_the_limit_pauses_the_domain_until_a_senior_reviewer_resumes_it(
        approved_email, postmark, client, breaker, agent, rita, sam) -> None:
    first, *_ = send_three(approved_email)
    held = approved_email(to=["joan@joan.example"], subject="Idea for Joan")  # approved, not yet sent

    assert post(client, complaint(first, 77)).status_code == 200

    domain = SenderDomain.objects.get(domain="hitlcrm.example")
    assert domain.is_paused and "spam complaint rate 33.33% (1 of 3)" in domain.pause_reason
    assert AuditEvent.objects.filter(action="sender_domain_paused", data__domain="hitlcrm.example").count() == 1

    # The executor holds (does not fail) the approved email of the paused domain.
    proposals_execute(proposal_ids=[held.pk])
    held.refresh_from_db()
    assert held.status == Status.APPROVED and not Execution.objects.filter(proposal=held).exists()
    assert AuditEvent.objects.filter(action="held_for_sender_pause", proposal_id_ref=held.pk).count() == 1
    assert len(postmark.requests) == 3

    # The gate no longer auto-approves drafts from that domain, however clean and confident.
    policy("*", mode="calibrated", audit_sample_rate=0, confidence_threshold=0.5, checks=["placeholders"])
    draft = Client()
    draft.defaults["HTTP_AUTHORIZATION"] = f"Token {agent[1]}"
    from .conftest import email_payload

    created = draft.post("/api/v1/email-drafts/", email_payload(to=["kate@kate.example"]), content_type="application/json")
    proposal_run_checks(proposal_id=created.json()["id"])
    gated = Proposal.objects.get(pk=created.json()["id"])
    assert gated.status == Status.NEEDS_REVIEW

    with pytest.raises(ResumeRefused):
        sender_domain_resume(domain="hitlcrm.example", actor=Actor.for_user(rita))
    sender_domain_resume(domain="hitlcrm.example", actor=Actor.for_user(sam), note="list cleaned")

    domain.refresh_from_db()
    assert not domain.is_paused and domain.resumed_by == sam
    resumed = AuditEvent.objects.get(action="sender_domain_resumed")
    assert resumed.actor == "sam" and resumed.data["released"] == [held.pk]
    proposals_execute(proposal_ids=[held.pk])
    held.refresh_from_db()
    assert held.status == Status.DONE and len(postmark.requests) == 4
    # Counted afresh from the resume: the old complaint does not trip it again.
    [figures] = sender_domains_figures()
    assert figures.sent == 1 and figures.complaints == 0


def test_dashboard_shows_rates_and_state_per_sender_domain(approved_email, postmark, client, breaker, sam) -> None:
    first, *_ = send_three(approved_email)
    post(client, complaint(first, 78))
    client.force_login(sam)

    page = client.get("/admin/hitlcrm_reviews/proposal/dashboard/")

    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert 'id="sender-domains"' in text
    row = re.search(r'<tr data-domain="hitlcrm.example">(.*?)</tr>', text).group(1)
    assert "3" in row and "33.33%" in row and "0.00%" in row and "Paused" in row
    assert "spam complaint rate 33.33% (1 of 3)" in text

