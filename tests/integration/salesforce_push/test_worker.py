"""Exactly once in effect, with real Celery workers: a task delivered several times, a worker killed
in the middle of a push, transient faults retried by the task with backoff, and a push paused for the
API budget that resumes by itself when the sweeper comes round."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from reviews.models import Execution, ExecutionAttempt, ExecutionState
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.sweeping import sweep
from reviews.state_machine import Status
from reviews.tasks import proposal_execute_task
from tests.support import wait_for

from .conftest import seed, statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(org, worker_factory) -> Callable[..., Any]:
    """Starts a real worker configured for the emulator, with ``settings`` on top."""
    return lambda **settings: worker_factory({**org.env, **settings})


def approve_together(ids: list[int], user: Any) -> None:
    """Approve in one transaction, so the executions are enqueued together, after the commit."""
    with transaction.atomic():
        for proposal_id in ids:
            proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(user), action="approve")


def tasks_finished(worker: Any) -> int:
    log = worker.log_path.read_text(errors="replace").splitlines()
    return sum(1 for line in log if "proposal_execute_task[" in line and "] succeeded" in line)


def all_done(ids: list[int]) -> bool:
    return statuses(ids) == {Status.DONE: len(ids)}


def test_a_task_delivered_three_times_writes_each_record_once(org, changes, always_review, rita,
                                                              start_worker) -> None:
    contacts = seed(org, "Contact", 3, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": f"CTO {n}"}) for n, contact in enumerate(contacts)])
    worker = start_worker()

    approve_together(ids, rita)  # enqueued once per approval ...
    for _ in range(2):
        proposal_execute_task.delay(ids)  # ... and twice more, as a broker redelivery would

    wait_for(lambda: tasks_finished(worker) >= len(ids) + 2, timeout=60, what="every delivery to be handled")
    assert all_done(ids)
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO 0", "CTO 1", "CTO 2"]
    log = ExecutionAttempt.objects.filter(proposal_id__in=ids)
    assert sorted(log.values_list("proposal_id", "outcome")) == [(pk, "written") for pk in ids]
    assert org.calls("collections_update") == len(set(log.values_list("batch", flat=True)))
    assert set(Execution.objects.filter(proposal_id__in=ids).values_list("attempts", flat=True)) == {1}


@pytest.fixture
def held_write(org: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The emulator holds the first sObject Collections write it receives until ``release`` is set
    (``arrived`` says it came), then carries it out: a write that lands after its sender died."""
    arrived, release = threading.Event(), threading.Event()
    handle = org.handle

    def holding(request: Any) -> Any:
        if request.method == "PATCH" and request.path.rstrip("/").endswith("/composite/sobjects") \
                and not arrived.is_set():
            arrived.set()
            release.wait(60)
        return handle(request)

    monkeypatch.setattr(org, "handle", holding)
    yield arrived, release
    release.set()


def test_a_worker_killed_mid_push_is_resumed_without_writing_twice(org, changes, always_review, rita,
                                                                    start_worker, held_write) -> None:
    arrived, release = held_write
    records = {crm_object: seed(org, crm_object, 2, **{"Description": "old"}) for crm_object in
               ("Contact", "Lead", "Account")}
    ids = changes.submit([(crm_object, record_id, {"Description": f"new {record_id}"})
                          for crm_object, record_ids in records.items() for record_id in record_ids])
    worker = start_worker()
    org.set_latency(50)

    approve_together(ids, rita)
    # The push reads the Contacts (conflict check) and sends their write: the worker dies inside it.
    wait_for(arrived.is_set, timeout=60, what="the push to send the Contacts' write")
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    release.set()
    # The write the dead worker sent lands anyway; nothing was recorded about it.
    wait_for(lambda: org.calls("collections_update") == 1, timeout=10, what="the Contacts' write to land")
    assert all(org.get("Contact", record_id)["Description"] == f"new {record_id}" for record_id in records["Contact"])
    landed = {record_id: org.get("Contact", record_id)["SystemModstamp"] for record_id in records["Contact"]}
    assert statuses(ids) == {Status.EXECUTING: 6}
    assert set(Execution.objects.filter(proposal_id__in=ids).values_list("state", flat=True)) == {
        ExecutionState.IN_PROGRESS}
    assert not ExecutionAttempt.objects.exists()

    # The sweeper finds the stale executions and enqueues them again; a new worker takes them.
    start_worker()
    sweep(stale_execution_after=timedelta(0))
    wait_for(lambda: all_done(ids), timeout=60, what="the resumed push")

    for crm_object, record_ids in records.items():
        for record_id in record_ids:
            assert org.get(crm_object, record_id)["Description"] == f"new {record_id}"
    assert {record_id: org.get("Contact", record_id)["SystemModstamp"] for record_id in records["Contact"]} == landed
    assert org.calls("collections_update") == 3  # Contacts once (by the dead worker), Leads once, Accounts once
    outcomes = dict(ExecutionAttempt.objects.filter(proposal_id__in=ids).values_list("proposal_id", "outcome"))
    assert sorted(outcomes.values()) == ["already_done"] * 2 + ["written"] * 4
    assert set(Execution.objects.filter(proposal_id__in=ids).values_list("state", "attempts")) == {
        (ExecutionState.SUCCEEDED, 2)}


def test_transient_faults_are_retried_by_the_task_with_backoff(org, changes, always_review, rita,
                                                               start_worker) -> None:
    contacts = seed(org, "Contact", 2, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    worker = start_worker(SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS="0.4")
    org.inject_fault("SERVER_UNAVAILABLE", 503, count=3, kinds=["collections_update"])

    approve_together(ids, rita)

    wait_for(lambda: all_done(ids), timeout=60, what="the push to get through")
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO", "CTO"]
    assert org.calls("collections_update") == 4
    log = list(ExecutionAttempt.objects.filter(proposal_id=ids[0]).values_list("outcome", flat=True))
    assert log == ["retry", "retry", "retry", "written"]
    assert set(ExecutionAttempt.objects.filter(outcome="retry").values_list("error_code", flat=True)) == {
        "SERVER_UNAVAILABLE"}
    worker_log = worker.log_path.read_text(errors="replace")
    assert worker_log.count("proposal_execute_task[") and "Retry in" in worker_log


def test_a_push_paused_for_the_budget_resumes_when_the_sweeper_comes_round(org, changes, always_review, rita,
                                                                            start_worker) -> None:
    org.set_api_usage(13_000, 15_000)  # over 80%: the checks' reads bring the figure home
    contacts = seed(org, "Contact", 2, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "CTO"}) for contact in contacts])
    worker = start_worker(SALESFORCE_API_BUDGET_PROBE_SECONDS="0")

    approve_together(ids, rita)
    wait_for(lambda: tasks_finished(worker) >= len(ids), timeout=60, what="the worker to handle the approvals")
    assert statuses(ids) == {Status.APPROVED: 2}
    assert org.calls("collections_update") == 0 and org.calls("limits") >= 1

    org.set_api_usage(50)  # the usage fell
    sweep()  # what beat runs every minute

    wait_for(lambda: all_done(ids), timeout=60, what="the paused push to resume")
    assert [org.get("Contact", contact)["Title"] for contact in contacts] == ["CTO", "CTO"]


@pytest.mark.parametrize("lost", ["connection dropped", "client timed out"])
def test_a_write_whose_response_is_lost_ends_done_and_is_not_sent_twice(org, changes, always_review, rita,
                                                                        start_worker, lost) -> None:
    """The sObject Collections PATCH lands but its answer never reaches the worker (the connection
    drops, or the worker's timeout ends the wait first). The task retries; the retry reads the record
    first, finds the approved values there as the org stores them (text trimmed, a multi-select
    picklist in the picklist's order) and ends ``done`` without a second PATCH, not ``conflict``.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm
    """
    from reviews.models import AuditEvent, CrmObjectRule

    rule = CrmObjectRule.objects.get(crm_object="Contact")
    rule.allowed_fields = [*rule.allowed_fields, "Interests__c"]
    rule.save()
    (contact,) = seed(org, "Contact", 1, Title="Engineer")
    ids = changes.submit([("Contact", contact, {"Title": "  VP Sales ", "Interests__c": "Security;Analytics"})])
    worker = start_worker(SALESFORCE_PUSH_RETRY_BACKOFF_SECONDS="0.4", SALESFORCE_TIMEOUT_SECONDS="1")
    hang = {"client timed out": 3.0}.get(lost, 0.0)  # held longer than the worker waits for an answer
    org.inject_fault("LOST", 0, kinds=["collections_update"], after_handling=True, hang_seconds=hang)

    approve_together(ids, rita)

    wait_for(lambda: statuses(ids).keys() & {Status.DONE, Status.CONFLICT, Status.FAILED}, timeout=60,
             what=lambda: f"the push to finish: {statuses(ids)}; worker log:\n{worker.log_tail(80)}")
    assert statuses(ids) == {Status.DONE: 1}, Execution.objects.get(proposal_id=ids[0]).last_error
    record = org.get("Contact", contact)
    assert (record["Title"], record["Interests__c"]) == ("VP Sales", "Analytics;Security")
    assert org.calls("collections_update") == 1  # the lost one; the retry read and found it written
    assert org.state()["faults"] == []
    log = list(ExecutionAttempt.objects.filter(proposal_id=ids[0]).order_by("number")
               .values_list("outcome", "error_code"))
    assert log[0] == ("retry", "TIMEOUT" if hang else "CONNECTION_ERROR")
    assert log[1:] == [("already_done", "")]
    assert Execution.objects.get(proposal_id=ids[0]).state == ExecutionState.SUCCEEDED
    assert AuditEvent.objects.filter(proposal_id_ref=ids[0], action="executed").count() == 1
    assert not AuditEvent.objects.filter(proposal_id_ref=ids[0], action="conflict").exists()
