"""Batched reads and writes across proposals: the "before" snapshot at check time and the push read
one SOQL query per object and 200 records; the push writes one sObject Collections request per object
and 200 records (allOrNone false), and logs what Salesforce said about each record."""

from __future__ import annotations

import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import CrmFieldChange, Execution, ExecutionAttempt, ExecutionState, Proposal
from reviews.services.execution import proposals_claim_for_execution, proposals_execute
from reviews.state_machine import Status

from .conftest import seed, statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PLAN = {"Contact": 201, "Lead": 40, "Account": 12}  # 201: just over one full request


def titles(org, crm_object: str, count: int) -> list[tuple[str, str, dict]]:
    field = {"Account": "Description"}.get(crm_object, "Title")
    ids = seed(org, crm_object, count, **{field: "old"})
    return [(crm_object, record_id, {field: f"new {n}"}) for n, record_id in enumerate(ids)]


def test_before_values_are_read_in_batches_when_changes_are_checked(org, changes, always_review) -> None:
    specs = [spec for crm_object, count in PLAN.items() for spec in titles(org, crm_object, count)]
    ids = changes.submit(specs)

    # One query per object and 200 records (describe metadata is cached after the first read).
    assert org.calls("query") == sum(math.ceil(count / 200) for count in PLAN.values())
    assert statuses(ids) == {Status.NEEDS_REVIEW: len(ids)}
    before = CrmFieldChange.objects.filter(proposal_id__in=ids)
    assert before.count() == len(ids)
    assert set(before.values_list("before_value", flat=True)) == {"old"}
    assert not before.filter(before_captured_at__isnull=True).exists()


def test_approved_changes_across_three_objects_go_out_in_a_few_requests(org, changes, auto_approve) -> None:
    specs = [spec for crm_object, count in PLAN.items() for spec in titles(org, crm_object, count)]
    ids = changes.submit(specs)
    assert statuses(ids) == {Status.APPROVED: len(ids)}
    calls_before = org.call_counts()

    outcomes = proposals_execute(proposal_ids=ids)

    calls = {kind: count - calls_before.get(kind, 0) for kind, count in org.call_counts().items()}
    batches = sum(math.ceil(count / 200) for count in PLAN.values())  # 2 + 1 + 1
    # The conflict check reads (queryAll, so deleted records are reported as such), then the writes.
    assert calls.get("query_all") == batches
    assert calls.get("collections_update") == batches
    assert calls.get("api") == 2 * batches  # nothing else: describe metadata was cached by the checks
    assert len(outcomes) == len(ids) and {o.status for o in outcomes.values()} == {Status.DONE}
    assert statuses(ids) == {Status.DONE: len(ids)}
    for crm_object, record_id, fields in specs[::50]:
        stored = org.get(crm_object, record_id)
        assert {name: stored[name] for name in fields} == fields

    # The execution log: one row per change, the batch's requests and the usage Salesforce reported.
    log = ExecutionAttempt.objects.filter(proposal_id__in=ids)
    assert log.count() == len(ids)
    assert set(log.values_list("outcome", flat=True)) == {ExecutionAttempt.Outcome.WRITTEN}
    assert set(log.values_list("http_requests", flat=True)) == {2 * batches}
    assert set(log.values_list("request_kind", flat=True)) == {"update"}
    used, maximum = org.api_usage()
    assert set(log.values_list("api_usage_used", "api_usage_max")) == {(used, maximum)}
    assert set(Execution.objects.filter(proposal_id__in=ids).values_list("state", "attempts")) == {
        (ExecutionState.SUCCEEDED, 1)}


def test_a_task_for_one_change_takes_the_other_due_changes_along(org, changes, auto_approve) -> None:
    ids = changes.submit(titles(org, "Contact", 3) + titles(org, "Lead", 2))

    proposals_execute(proposal_ids=[ids[0]])  # e.g. the task its approval enqueued

    assert statuses(ids) == {Status.DONE: 5}
    assert org.calls("collections_update") == 2  # one per object, not one per change
    assert len({row for row in ExecutionAttempt.objects.values_list("batch", flat=True)}) == 1


def test_changes_not_due_yet_are_left_alone(org, changes, auto_approve, settings) -> None:
    settings.HITLCRM_UNDO_GRACE_SECONDS = 600  # the reviewer can still undo
    ids = changes.submit(titles(org, "Contact", 2))

    assert proposals_execute(proposal_ids=ids) == {}
    assert statuses(ids) == {Status.APPROVED: 2}
    assert org.calls("collections_update") == 0
    assert not Execution.objects.filter(proposal_id__in=ids).exists()
    assert Proposal.objects.filter(pk__in=ids, execute_after__isnull=False).count() == 2


def execution_statements(ids: list[int]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        claimed = proposals_claim_for_execution(ids)
    assert len(claimed) == len(ids)
    return [q["sql"] for q in queries.captured_queries if re.search(r'(FROM|INTO|UPDATE) "reviews_execution"', q["sql"])]


def test_the_claim_reads_and_writes_execution_rows_for_the_whole_batch_at_once(org, changes, auto_approve) -> None:
    few = changes.submit(titles(org, "Contact", 3))
    many = changes.submit(titles(org, "Contact", 60))

    assert len(execution_statements(many)) == len(execution_statements(few)) <= 3
    assert statuses(many) == {Status.EXECUTING: 60}
    assert set(Execution.objects.filter(proposal_id__in=many).values_list("state", "attempts")) == {
        (ExecutionState.IN_PROGRESS, 1)}


def test_executing_the_same_changes_again_writes_nothing_more(org, changes, auto_approve) -> None:
    ids = changes.submit(titles(org, "Contact", 3))
    first = proposals_execute(proposal_ids=ids)

    again = proposals_execute(proposal_ids=ids)  # a redelivered task

    assert {outcome.status for outcome in first.values()} == {Status.DONE} and again == {}
    assert org.calls("collections_update") == 1 and org.calls("query_all") == 1
    assert ExecutionAttempt.objects.filter(proposal_id__in=ids).count() == 3
