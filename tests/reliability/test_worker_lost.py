"""A worker process SIGKILLed in the middle of a task (out of memory, a deploy gone wrong).

Guards ``task_acks_late`` + ``task_reject_on_worker_lost`` (hitlcrm/settings/celery.py): the message
is acknowledged only after the task ran, and handed back to the queue when the process running it
dies, so another process runs it again. With late acknowledgement alone the dead task is
acknowledged as failed and its work is lost; the second test runs a worker with exactly that
setting removed and shows the loss, and the sweeper recovering it.

The kill happens while the checks task waits for the CRM's answer (the emulator holds the request
until the processes are dead), so it is mid-task by construction, not by timing. Killing a process
mid-push and mid-send is covered where those live: tests/integration/salesforce_push/ and
tests/mail/test_worker.py.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from datetime import timedelta
from typing import Any

import pytest

from reviews.models import AuditEvent, CheckResult, Proposal
from reviews.services.sweeping import sweep
from tests.reviews.conftest import crm_payload
from tests.support import wait_for

from .conftest import pool_processes, processes_connected_to

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_crm_read(salesforce: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator holds its first SOQL query (the checks' read of the CRM record; the API reads only
    describe metadata) until ``release`` is set; ``arrived`` says it came."""
    arrived, release = threading.Event(), threading.Event()
    handle = salesforce.handle

    def holding(request: Any) -> Any:
        if request.path.rstrip("/").endswith("/query") and not arrived.is_set():
            arrived.set()
            release.wait(60)
        return handle(request)

    monkeypatch.setattr(salesforce, "handle", holding)
    yield arrived, release
    release.set()


def submit_and_kill_mid_check(api: Any, salesforce: Any, worker: Any, held: Any) -> Proposal:
    arrived, release = held
    contact_id = salesforce.create("Contact", {"LastName": "Lovelace", "Title": "Engineer"})
    response = api.post("/api/v1/crm-changes/", crm_payload(crm_id=contact_id), format="json")
    assert response.status_code == 201, response.content
    wait_for(arrived.is_set, timeout=60, what="the checks task to read the CRM")
    # The pool process running the task (the one talking to the CRM) dies; the main process lives on.
    (busy,) = processes_connected_to(salesforce.port, pool_processes(worker))
    os.kill(busy, signal.SIGKILL)
    wait_for(lambda: "WorkerLostError" in worker.log_path.read_text(errors="replace"), timeout=60,
             what="the worker to notice its process died")
    release.set()
    return Proposal.objects.get(pk=response.json()["id"])


def received(worker: Any) -> int:
    return len(re.findall(r"proposals_run_checks_task\[[0-9a-f-]+\] received", worker.log_path.read_text(errors="replace")))


def test_a_task_whose_process_is_killed_is_run_again_by_another(api, salesforce, worker_factory, broker,
                                                                 held_crm_read) -> None:
    worker = worker_factory(salesforce.env)
    proposal = submit_and_kill_mid_check(api, salesforce, worker, held_crm_read)

    # No sweeper runs here: the requeued message alone brings the record through its checks.
    wait_for(lambda: Proposal.objects.get(pk=proposal.pk).status == "needs_review", timeout=60,
             what="the requeued checks task to finish")
    assert received(worker) == 2, "the message was not delivered again"
    assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="checks_run").count() == 1
    names = list(CheckResult.objects.filter(proposal=proposal).values_list("name", flat=True))
    assert names and len(names) == len(set(names)), "check results were stored twice"


def test_without_requeue_on_worker_loss_the_task_is_lost_until_the_sweeper_finds_it(
        api, salesforce, worker_factory, broker, held_crm_read) -> None:
    """The safeguard removed (tests/reliability/unsafe_celery_settings.py): the same kill loses the task."""
    worker = worker_factory({**salesforce.env, "DJANGO_SETTINGS_MODULE": "tests.reliability.unsafe_celery_settings"})
    before = set(pool_processes(worker))
    proposal = submit_and_kill_mid_check(api, salesforce, worker, held_crm_read)

    wait_for(lambda: set(pool_processes(worker)) - before, timeout=30, what="the pool to replace the dead process")
    threading.Event().wait(3)  # room for a redelivery, which must not come
    assert Proposal.objects.get(pk=proposal.pk).status == "checking"
    assert received(worker) == 1, "the message was delivered again"

    # The second line of defence: the sweeper sees a record still in checking and enqueues it again.
    assert sweep(checking_older_than=timedelta(0))["checks"] == 1
    wait_for(lambda: Proposal.objects.get(pk=proposal.pk).status == "needs_review", timeout=60,
             what="the swept checks task to finish")
