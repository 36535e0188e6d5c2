"""Row locks that cannot deadlock the workers (PostgreSQL).

Found by the load test (bench/load.py at 12 submissions a second): two execution tasks deadlocked,
one committing its execution log while the other held a proposal row lock. Guards:
- ``select_for_decision`` and ``Execution.objects.locked()`` take FOR NO KEY UPDATE, not FOR UPDATE:
  PostgreSQL checks a new row's foreign key with FOR KEY SHARE on the referenced row, which FOR
  UPDATE blocks and FOR NO KEY UPDATE does not (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS);
- the sweeper's recovery of stale executions locks only the executions, never the proposals it
  joins, so it cannot hold an execution while waiting for a proposal a claim holds (a claim takes
  the proposal first, then the execution).
Each test holds the competing lock in a thread with its own connection and gives the statement under
test a lock timeout: it fails if that statement has to wait for the lock's holder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from reviews.models import Execution, ExecutionState, Proposal
from reviews.services.execution import executions_recover_stale
from tests.console.conftest import queued
from tests.factories import ExecutionAttemptFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@contextmanager
def held_elsewhere(lock: Callable[[], None]) -> Iterator[None]:
    """Run ``lock`` in another connection's transaction and keep that transaction open meanwhile."""
    locked, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                lock()
                locked.set()
                release.wait(timeout=60)
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            failure.append(exc)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(timeout=30) and not failure, failure
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=60)


@contextmanager
def without_waiting() -> Iterator[None]:
    """A transaction that fails (LockNotAvailable) instead of waiting more than two seconds for a lock."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        yield


@pytest.fixture
def execution(api) -> Execution:  # noqa: ANN001
    proposal = queued(api, 1, kind="crm")[0]
    return Execution.objects.create(proposal=proposal, state=ExecutionState.IN_PROGRESS, attempts=1,
                                    started_at=timezone.now() - timedelta(hours=1))


def test_the_execution_log_is_written_while_another_worker_holds_the_proposal_and_execution(execution) -> None:  # noqa: ANN001
    def claim() -> None:
        list(Proposal.objects.filter(pk=execution.proposal_id).select_for_decision())
        list(Execution.objects.filter(pk=execution.pk).locked())

    with held_elsewhere(claim), without_waiting():
        ExecutionAttemptFactory(execution=execution)  # its foreign keys are checked at this commit
    assert execution.log.count() == 1


def test_recovering_a_stale_execution_does_not_wait_for_the_proposal_a_claim_holds(execution) -> None:  # noqa: ANN001
    def claim_has_the_proposal() -> None:
        list(Proposal.objects.filter(pk=execution.proposal_id).select_for_decision())

    with held_elsewhere(claim_has_the_proposal), without_waiting():
        resumed = executions_recover_stale()
    assert resumed == [execution.proposal_id]
    execution.refresh_from_db()
    assert execution.state == ExecutionState.PENDING
