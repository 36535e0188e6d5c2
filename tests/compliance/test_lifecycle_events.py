"""Every event in a proposal's life is an audit event that says who (user, agent, policy or
system), when (UTC), from where (IP and user agent for people and agents) and which CRM record;
django-simple-history keeps the field-level history beside it."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from reviews.executors import Outcome
from reviews.models import AuditEvent, CallbackHostRule, Proposal, WebhookDelivery
from reviews.services.audit import chain_verify
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_claim, proposal_decide, proposal_undo
from reviews.services.execution import executions_record, proposals_claim_for_execution
from reviews.services.sla import proposals_escalate_overdue
from reviews.state_machine import Status
from tests.factories import policy
from tests.support import free_port

from .conftest import CONTACT_ID, email_payload, person, submit

pytestmark = pytest.mark.django_db


def events_of(proposal: Proposal) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(proposal_id_ref=proposal.pk).order_by("seq"))


def one(proposal: Proposal, action: str) -> AuditEvent:
    return AuditEvent.objects.get(proposal_id_ref=proposal.pk, action=action)


def execute(proposal: Proposal, outcome: Outcome) -> None:
    """The executor's phases 1 and 3 (phase 2, the send itself, is what the outcome reports)."""
    assert [p.pk for p in proposals_claim_for_execution([proposal.pk])] == [proposal.pk]
    executions_record({proposal.pk: outcome})


def test_an_email_from_submission_to_sending(api, rita) -> None:
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    claimed, _ = proposal_claim(proposal_id=proposal.pk, actor=person(rita))
    assert claimed
    with override_settings(HITLCRM_UNDO_GRACE_SECONDS=60):
        proposal_decide(proposal_id=proposal.pk, actor=person(rita), action="edit_approve", note="tightened",
                        edits={"subject": "A Berlin idea for Contoso"})
        proposal_undo(proposal_id=proposal.pk, actor=person(rita, ip="203.0.113.8"))
    proposal_decide(proposal_id=proposal.pk, actor=person(rita), action="approve")
    execute(proposal, Outcome(status=Status.DONE, provider_id="<hitlcrm-1@example>",
                              response={"accepted": ["ada@contoso.example"], "smtp": "250 OK"}))

    events = events_of(proposal)
    assert [e.action for e in events] == ["submitted", "checks_run", "claimed", "edited_and_approved", "undone",
                                          "approved", "executing", "executed"]
    assert all(e.crm_object == "Contact" and e.crm_id == CONTACT_ID for e in events)
    assert all(e.occurred_at.utcoffset() == timedelta(0) for e in events)

    submitted = events[0]
    assert (submitted.actor_type, submitted.actor) == ("agent", "sdr-bot")
    assert (submitted.origin_ip, submitted.user_agent) == ("198.51.100.20", "sdr-bot/2.1")
    assert submitted.data["original_output"] == email_payload()  # exactly what the agent sent

    checks = events[1]
    assert checks.actor_type == "system" and {c["name"] for c in checks.data["checks"]} >= {"placeholders"}
    assert all(set(c) >= {"name", "passed", "severity", "message"} for c in checks.data["checks"])

    edited = events[3]
    assert (edited.actor_type, edited.actor, edited.origin_ip) == ("user", "rita", "203.0.113.7")
    assert edited.user_agent == "Mozilla/5.0 (compliance test)"
    assert edited.data["edits"] == {"subject": ["Idea for Contoso", "A Berlin idea for Contoso"]}
    assert edited.data["note"] == "tightened"
    assert edited.data["final_output"]["subject"] == "A Berlin idea for Contoso"
    assert (events[4].actor, events[4].origin_ip) == ("rita", "203.0.113.8")

    executed = events[-1]
    assert executed.actor_type == "system"
    proposal.refresh_from_db()
    assert executed.data["request"] == proposal.final_output  # what was sent: the approved, unedited draft
    assert (executed.data["request"]["to"], executed.data["request"]["subject"]) == (
        ["ada@contoso.example"], "Idea for Contoso")
    assert executed.data["response"] == {"accepted": ["ada@contoso.example"], "smtp": "250 OK"}
    assert executed.data["provider_id"] == "<hitlcrm-1@example>"

    # Field-level history beside the audit trail (simple-history), with who changed it.
    statuses = list(proposal.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[0] == "checking" and statuses[-1] == "done" and "approved" in statuses
    assert proposal.history.filter(status="approved").first().history_user == rita
    assert chain_verify().ok


def test_a_rejection_records_reviewer_reason_and_note(api, rita) -> None:
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal_decide(proposal_id=proposal.pk, actor=person(rita), action="reject", reason_code="factual_error",
                    note="Contoso has no Berlin office")
    rejected = one(proposal, "rejected")
    assert (rejected.actor, rejected.origin_ip) == ("rita", "203.0.113.7")
    assert rejected.data["reason_code"] == "factual_error"
    assert rejected.data["note"] == "Contoso has no Berlin office"
    assert (rejected.data["from"], rejected.data["to"]) == ("needs_review", "rejected")


def test_a_policy_approval_names_the_policy_and_its_version(api) -> None:
    # Only checks that need no CRM read, so the policy can approve without Salesforce.
    rule = policy("cold_email", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0,
                  checks=["placeholders", "confidence"])
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    approved = one(proposal, "auto_approved")
    assert approved.actor_type == "policy"
    assert approved.actor == f"policy:cold_email@v{rule.version}"
    assert approved.data["policy_version"] == rule.version
    assert approved.data["checks"]


def test_failures_and_conflicts_record_the_request_and_the_response(api, rita) -> None:
    failed_email = submit(api)
    crm = submit(api, "crm-changes")
    for proposal in (failed_email, crm):
        proposal_run_checks(proposal_id=proposal.pk)
        proposal_decide(proposal_id=proposal.pk, actor=person(rita), action="approve")
    execute(failed_email, Outcome(status=Status.FAILED, error_code="550", message="mailbox unavailable",
                                  response={"smtp": "550 5.1.1 unknown user"}))
    execute(crm, Outcome(status=Status.CONFLICT, message="Title changed in Salesforce",
                         conflicts={"Title": "Head of Sales"}, response={"Title": "Head of Sales"}))
    failed = one(failed_email, "execution_failed")
    assert failed.data["error_code"] == "550" and failed.data["response"] == {"smtp": "550 5.1.1 unknown user"}
    assert failed.data["request"]["to"] == ["ada@contoso.example"]
    conflict = one(crm, "conflict")
    assert conflict.data["conflicts"] == {"Title": "Head of Sales"}
    assert conflict.data["request"] == {"crm_object": "Contact", "crm_id": CONTACT_ID,
                                        "fields": {"Title": "VP Sales", "Department": "Sales"}}
    assert (conflict.crm_object, conflict.crm_id) == ("Contact", CONTACT_ID)


def test_withdrawal_escalation_and_expiry(api) -> None:
    withdrawn = submit(api)
    response = api.post(f"/api/v1/email-drafts/{withdrawn.pk}/withdraw/", REMOTE_ADDR="198.51.100.21")
    assert response.status_code == 200, response.content
    event = one(withdrawn, "withdrawn")
    assert (event.actor_type, event.actor, event.origin_ip) == ("agent", "sdr-bot", "198.51.100.21")

    policy("cold_email", mode="always_review", expire_after_minutes=60, sla_minutes=30)
    stale = submit(api, subject="Old idea")
    proposal_run_checks(proposal_id=stale.pk)
    long_ago = timezone.now() - timedelta(hours=3)
    Proposal.objects.filter(pk=stale.pk).update(submitted_at=long_ago, sla_due_at=long_ago)  # time passes
    proposals_escalate_overdue()
    assert one(stale, "escalated").actor == "sla"
    assert one(stale, "expired").data["to"] == "expired"


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_a_delivered_webhook_is_an_audit_event(api, agent, rita) -> None:
    from reviews.services.webhooks import webhook_deliver

    server = HTTPServer(("127.0.0.1", free_port()), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = agent[0]
        CallbackHostRule.objects.create(host="127.0.0.1", allow_private_network=True)
        client.webhook_url = f"http://127.0.0.1:{server.server_port}/hooks/hitlcrm"
        client.new_webhook_secret()
        client.save()
        proposal = submit(api)
        proposal_run_checks(proposal_id=proposal.pk)
        delivery = WebhookDelivery.objects.filter(proposal=proposal).first()
        assert delivery is not None
        webhook_deliver(delivery_id=delivery.pk)
    finally:
        server.shutdown()
    event = one(proposal, "webhook_delivered")
    assert event.actor_type == "system"
    assert event.data["status_code"] == 204 and event.data["delivery"] == str(delivery.delivery_id)


def test_security_events_are_not_attributed_to_records(rita) -> None:
    from .conftest import session

    session(rita)  # force_login sends user_logged_in
    login = AuditEvent.objects.filter(action="login").latest("seq")
    assert (login.actor, login.proposal_id_ref, login.crm_object) == ("rita", None, "")

