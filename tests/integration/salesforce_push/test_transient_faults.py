"""Transient Salesforce failures (5xx, a dropped connection, a locked row, too many concurrent
requests) are retried after an exponential backoff with jitter, for a bounded time (hours, as the
org's conditions last); nothing is written twice meanwhile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.salesforce.errors import SalesforceTransientError
from integrations.salesforce_emulator.app import CONCURRENT_LIMIT_MESSAGE
from reviews.models import Execution, ExecutionAttempt, ExecutionState, Proposal
from reviews.selectors import salesforce_push_status
from reviews.services.execution import executions_due, executions_retry_in, proposals_execute
from reviews.state_machine import Status
from tests.support import wait_for

from .conftest import seed, statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def backoff(settings) -> None:
    settings.SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS = 1.0  # waits of 0.5-1 s, then 1-2 s, ...
    settings.SALESFORCE_PUSH_MAX_ATTEMPTS = 5


def approved(org, changes, count: int) -> tuple[list[int], list[str]]:
    contacts = seed(org, "Contact", count, Title="Engineer")
    return changes.submit([("Contact", contact, {"Title": f"CTO {n}"}) for n, contact in enumerate(contacts)]), contacts


def fail_transiently(ids: list[int]) -> SalesforceTransientError:
    with pytest.raises(SalesforceTransientError) as caught:
        proposals_execute(proposal_ids=ids)
    return caught.value


def wait_until_due(ids: list[int]) -> None:
    """Wait for the backoff to pass; nothing is claimed before."""
    assert executions_retry_in(ids) > 0
    assert proposals_execute(proposal_ids=ids) == {}  # too early: nothing is claimed
    wait_for(lambda: executions_retry_in(ids) == 0, timeout=10, what="the backoff to pass")


def scheduled_wait(proposal_id: int) -> float:
    """Seconds between the failed push (as logged) and the retry it was given."""
    failed = ExecutionAttempt.objects.filter(proposal_id=proposal_id).latest("pk")
    return (Execution.objects.get(proposal_id=proposal_id).retry_after - failed.finished_at).total_seconds()


@pytest.mark.parametrize(("error_code", "status", "kind"), [
    ("SERVER_UNAVAILABLE", 503, "collections_update"),
    ("CONNECTION_RESET", 0, "collections_update"),  # no answer at all
    ("SERVER_UNAVAILABLE", 503, "query_all"),  # the conflict-check read
])
def test_a_request_that_fails_transiently_is_retried_with_growing_waits(org, changes, auto_approve, backoff,
                                                                        error_code, status, kind) -> None:
    ids, contacts = approved(org, changes, 3)
    org.inject_fault(error_code, status, count=2, kinds=[kind])

    fail_transiently(ids)
    execution = Execution.objects.get(proposal_id=ids[0])
    assert statuses(ids) == {Status.EXECUTING: 3}
    assert (execution.state, execution.transient_failures) == (ExecutionState.PENDING, 1)
    assert execution.last_error and execution.retry_after > timezone.now()
    assert not set(executions_due()) & set(ids)  # the sweeper waits too
    # One retry time for the whole push (it is retried as one push again), with jitter: base 1 s
    # gives 0.5-1 s after the first failure (slack: the time the failure took to record).
    assert len(set(Execution.objects.filter(proposal_id__in=ids).values_list("retry_after", flat=True))) == 1
    assert 0.5 <= scheduled_wait(ids[0]) < 1.5
    wait_until_due(ids)

    fail_transiently(ids)
    assert Execution.objects.get(proposal_id=ids[0]).transient_failures == 2
    assert 1.0 <= scheduled_wait(ids[0]) < 2.5  # then 1-2 s: exponential
    wait_until_due(ids)

    outcomes = proposals_execute(proposal_ids=ids)

    assert {outcome.status for outcome in outcomes.values()} == {Status.DONE}
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO 0", "CTO 1", "CTO 2"]
    assert org.calls(kind) == 3  # two refused, then one that went through
    assert org.calls("collections_update") == (3 if kind == "collections_update" else 1)
    execution = Execution.objects.get(proposal_id=ids[0])
    assert (execution.state, execution.attempts, execution.transient_failures) == (ExecutionState.SUCCEEDED, 3, 0)
    assert list(ExecutionAttempt.objects.filter(proposal_id=ids[0]).values_list("outcome", flat=True)) == [
        "retry", "retry", "written"]


@pytest.mark.parametrize("kind", ["collections_update", "query_all"])
def test_a_503_with_retry_after_is_retried_no_sooner_than_the_org_asked(org, changes, auto_approve, backoff,
                                                                       kind) -> None:
    """503 "typically ... if the server is down for maintenance or is overloaded"
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm); a 503
    may say when to come back with Retry-After, in seconds or as an HTTP date
    (https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3). The retry is scheduled at least that far
    out, not after the 0.5-1 s of the first backoff."""
    ids, contacts = approved(org, changes, 2)
    org.inject_fault("SERVER_UNAVAILABLE", 503, kinds=[kind], retry_after=120)

    error = fail_transiently(ids)

    assert error.retry_after == 120
    assert statuses(ids) == {Status.EXECUTING: 2}
    assert 120 <= scheduled_wait(ids[0]) < 125
    assert 115 < executions_retry_in(ids) <= 120
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["Engineer"] * 2


def test_a_locked_row_is_retried_alone_and_the_others_are_written_once(org, changes, auto_approve,
                                                                        backoff) -> None:
    ids, contacts = approved(org, changes, 3)
    org.inject_record_error("UNABLE_TO_LOCK_ROW", record_ids=[contacts[1]])

    fail_transiently(ids)

    assert statuses([ids[0], ids[2]]) == {Status.DONE: 2}  # recorded at once
    locked = Execution.objects.get(proposal_id=ids[1])
    assert (locked.error_code, locked.last_error) == (
        "UNABLE_TO_LOCK_ROW", f"UNABLE_TO_LOCK_ROW: Contact {contacts[1]}: unable to obtain exclusive access to this "
        "record or 1 records")  # the record whose row was locked, not the push's summary
    assert Proposal.objects.get(pk=ids[1]).status == Status.EXECUTING
    stamps = [org.get("Contact", contact)["SystemModstamp"] for contact in contacts]
    wait_until_due(ids)
    proposals_execute(proposal_ids=ids)

    assert statuses(ids) == {Status.DONE: 3}
    assert org.get("Contact", contacts[1])["Title"] == "CTO 1"
    assert [org.get("Contact", contact)["SystemModstamp"] for contact in (contacts[0], contacts[2])] == [
        stamps[0], stamps[2]]  # not written again
    assert org.calls("collections_update") == 2
    assert list(ExecutionAttempt.objects.filter(proposal_id=ids[1]).values_list("outcome", flat=True)) == [
        "retry", "written"]


def test_retries_are_bounded_then_the_change_fails_with_the_last_error(org, changes, auto_approve, backoff,
                                                                      settings, rita) -> None:
    settings.SALESFORCE_PUSH_MAX_ATTEMPTS = 2
    settings.SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS = 0  # the count bound alone (the time bound: below)
    ids, contacts = approved(org, changes, 1)
    org.inject_fault("SERVER_UNAVAILABLE", 503, count=5, kinds=["collections_update"])

    fail_transiently(ids)
    wait_until_due(ids)
    outcomes = proposals_execute(proposal_ids=ids)  # the second failure in a row: no more retries

    assert outcomes[ids[0]].status == Status.FAILED
    execution = Execution.objects.get(proposal_id=ids[0])
    assert (Proposal.objects.get(pk=ids[0]).status, execution.state) == (Status.FAILED, ExecutionState.FAILED)
    assert execution.error_code == "SERVER_UNAVAILABLE"
    assert "Server temporarily unavailable" in execution.last_error and "gave up after 2 attempts" in execution.last_error
    assert org.get("Contact", contacts[0])["Title"] == "Engineer"
    assert not executions_due()


@pytest.mark.parametrize(("error_code", "status"), [
    ("REQUEST_LIMIT_EXCEEDED", 403),  # too many concurrent long-running requests
    ("SERVER_UNAVAILABLE", 503),  # a maintenance window
    ("UNABLE_TO_LOCK_ROW", None),  # a row another job holds for hours (the record's own error)
])
def test_an_org_busy_for_hours_is_waited_out_not_failed_within_minutes(org, changes, auto_approve, settings,
                                                                        error_code, status) -> None:
    """The org's passing conditions last as long as they last: "no new concurrent requests are allowed
    until there are fewer than 25 long running requests" (REQUEST_LIMIT_EXCEEDED,
    https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm),
    503 "typically ... if the server is down for maintenance"
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), a row
    locked by a long job (UNABLE_TO_LOCK_ROW). The waits grow to hours (held in the database, not in
    a task), the change fails only after SALESFORCE_PUSH_GIVE_UP_AFTER_SECONDS, and the dashboard
    says until when it is retried."""
    ids, contacts = approved(org, changes, 2)
    if status is None:
        org.inject_record_error(error_code, count=10_000)
    else:
        org.inject_fault(error_code, status, count=0, kinds=["collections_update"],
                         message=CONCURRENT_LIMIT_MESSAGE if error_code == "REQUEST_LIMIT_EXCEEDED" else None)

    waits = []
    for _ in range(13):  # more than SALESFORCE_PUSH_MAX_ATTEMPTS, within seconds of each other
        fail_transiently(ids)
        waits.append(executions_retry_in(ids))
        Execution.objects.filter(proposal_id__in=ids).update(retry_after=timezone.now())  # the wait is over

    assert statuses(ids) == {Status.EXECUTING: 2}  # still retrying, none failed
    assert waits[0] < 5 and max(waits) > 3600  # from seconds up to hours
    execution = Execution.objects.get(proposal_id=ids[0])
    until = execution.failing_since + timedelta(days=1)
    assert execution.as_api()["retrying_until"] == until.isoformat()
    assert salesforce_push_status()["retrying_until"] == until

    Execution.objects.filter(proposal_id__in=ids).update(failing_since=timezone.now() - timedelta(hours=25))
    outcomes = proposals_execute(proposal_ids=ids)  # a day of refusals: the change goes to a person

    assert {outcome.status for outcome in outcomes.values()} == {Status.FAILED}
    assert "gave up after 14 attempts in a row over 25.0 h" in Execution.objects.get(proposal_id=ids[0]).last_error
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["Engineer"] * 2
