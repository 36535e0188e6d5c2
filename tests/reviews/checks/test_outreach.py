"""Duplicate outreach: the same person emailed again within the quiet period, or the same draft
twice. It reads other proposals, so these tests use the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.checks.outreach import outreach_keys, outreach_keys_record
from reviews.models import CheckResult, OutreachKey, Policy, Proposal
from reviews.services.checking import proposal_run_checks
from reviews.state_machine import Status
from tests.factories import agent_with_token

from .support import context, email, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def bot():
    return agent_with_token("outreach-bot")[0]


def earlier(bot, status: str, days_ago: float = 0, **values) -> Proposal:
    proposal = email(agent=bot, status=status, original_output={}, **values)
    proposal.status_changed_at = timezone.now() - timedelta(days=days_ago)
    proposal.save()
    outreach_keys_record([proposal])  # as submission does
    return proposal


def check(proposal: Proposal, quiet_days: int = 14):
    return run("duplicate_outreach", proposal, context(Policy(task_type="cold_email", quiet_period_days=quiet_days)))


def test_no_earlier_email_passes(bot) -> None:
    earlier(bot, Status.DONE, days_ago=3, recipients=["someone@else.example"], crm_id="", crm_object="",
            subject="Other", body="Other body")
    outcome = check(email(recipients=["ada@contoso.example"]))
    assert outcome.passed and "last 14 days" in outcome.message


def test_an_email_sent_to_the_same_address_within_the_quiet_period_fails(bot) -> None:
    sent = earlier(bot, Status.DONE, days_ago=3, recipients=["Ada@Contoso.example"], crm_id="", crm_object="",
                   subject="Older idea", body="Another body")
    outcome = check(email(recipients=["ada@contoso.example"], crm_id="", crm_object=""))
    assert not outcome.passed
    assert f"This recipient was emailed within the last 14 days: #{sent.pk} (done)" == outcome.message


def test_the_same_crm_record_counts_as_the_same_recipient(bot) -> None:
    sent = earlier(bot, Status.APPROVED, days_ago=1, recipients=["ada.old@contoso.example"],
                   subject="Older idea", body="Another body")
    outcome = check(email(recipients=["ada@contoso.example"]))
    assert not outcome.passed and f"#{sent.pk}" in outcome.message


def test_outside_the_quiet_period_or_never_sent_passes(bot) -> None:
    earlier(bot, Status.DONE, days_ago=20, subject="Older idea", body="Another body")
    earlier(bot, Status.REJECTED, days_ago=1, subject="Older idea", body="Another body")
    earlier(bot, Status.BLOCKED, days_ago=1, subject="Older idea", body="Another body")
    assert check(email()).passed
    assert not check(email(), quiet_days=30).passed


def test_a_waiting_email_to_the_same_recipient_fails(bot) -> None:
    waiting = earlier(bot, Status.NEEDS_REVIEW, days_ago=60, subject="Older idea", body="Another body")
    outcome = check(email())
    assert not outcome.passed
    assert outcome.message == f"Another email to this recipient is waiting: #{waiting.pk} (needs review)"


def test_the_same_draft_twice_fails_whoever_it_is_for(bot) -> None:
    first = earlier(bot, Status.NEEDS_REVIEW, recipients=["bob@fabrikam.example"], crm_id="", crm_object="")
    outcome = check(email(recipients=["carol@tailspin.example"], crm_id="", crm_object=""))
    assert not outcome.passed
    assert outcome.message == f"The same draft was already submitted as #{first.pk} (needs review)"
    assert outcome.details["earlier"] == [{"id": first.pk, "status": "needs_review", "same_draft": True}]


def test_a_proposal_is_not_its_own_duplicate(bot) -> None:
    itself = earlier(bot, Status.CHECKING)
    assert check(itself).passed


def test_keys_are_normalised() -> None:
    address, record, draft = outreach_keys(email(recipients=[" Ada@Contoso.Example "], crm_id="0035g00000ABCDe",
                                                 subject="Idea  for Contoso", body="Hi\r\nAda"))
    assert address == "to:ada@contoso.example"
    assert record == "record:Contact:0035g00000ABCDeAAP"  # 15- and 18-character ids are one record
    assert draft == outreach_keys(email(subject="idea for contoso", body="hi ada"))[-1]


def test_submission_indexes_drafts_so_the_worker_finds_a_second_one(api) -> None:
    from tests.reviews.conftest import email_payload

    first = api.post("/api/v1/email-drafts/", email_payload(), format="json").json()
    second = api.post("/api/v1/email-drafts/", email_payload(subject="Another idea for Contoso"), format="json").json()
    assert OutreachKey.objects.filter(proposal_id=first["id"]).count() == 4  # address, record, text; account (contact caps)
    proposal_run_checks(proposal_id=second["id"])
    result = CheckResult.objects.get(proposal_id=second["id"], name="duplicate_outreach")
    assert not result.passed
    assert result.message == f"Another email to this recipient is waiting: #{first['id']} (checking)"
