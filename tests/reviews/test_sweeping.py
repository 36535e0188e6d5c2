"""Follow-up work is published only after commit, and the sweeper publishes again what should be in
flight but is not: checks, due executions and decision webhooks whose messages were lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from reviews.models import CallbackHostRule, Proposal, WebhookDelivery
from reviews.services.sweeping import sweep
from reviews.state_machine import Status

from .conftest import email_payload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """What would reach the broker: (task name, args), in order. Every publish ends in a task's
    apply_async, whichever module imported ``publish``."""
    from celery.app.task import Task

    sent: list[tuple[str, tuple[Any, ...]]] = []

    def record(task: Any, args: Any = None, kwargs: Any = None, **options: Any) -> None:
        sent.append((task.name.rsplit(".", 1)[-1], tuple(args or ())))

    monkeypatch.setattr(Task, "apply_async", record)
    return sent


def submit(api: Any) -> int:
    response = api.post("/api/v1/email-drafts/", email_payload(), format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_submission_publishes_its_checks_only_once_committed(api, published) -> None:  # noqa: ANN001
    proposal_id = submit(api)  # the API's request commits
    assert published == [("proposals_run_checks_task", ([proposal_id],))]


def test_work_of_a_transaction_that_rolls_back_is_never_published(api, published) -> None:  # noqa: ANN001
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(api)
        raise RuntimeError("the surrounding use case failed")
    assert published == [] and not Proposal.objects.exists()


def test_the_sweeper_publishes_checks_lost_with_their_message_but_not_fresh_ones(api, published) -> None:  # noqa: ANN001
    lost, fresh = submit(api), submit(api)
    Proposal.objects.filter(pk=lost).update(status_changed_at=timezone.now() - timedelta(hours=1))
    published.clear()

    sweep(checking_older_than=timedelta(minutes=5))

    assert ("proposals_run_checks_task", ([lost],)) in published
    assert not any(fresh in args[0] for name, args in published if name == "proposals_run_checks_task")


def test_the_sweeper_publishes_a_webhook_delivery_nobody_touched(api, published) -> None:  # noqa: ANN001
    CallbackHostRule.objects.create(host="hooks.customer.example")
    assert api.put("/api/v1/webhook/", {"url": "https://hooks.customer.example/hitlcrm"}, format="json").status_code == 200
    proposal_id = submit(api)
    Proposal.objects.filter(pk=proposal_id).update(status=Status.CHECKING)
    from reviews.services.actors import Actor
    from reviews.services.transitions import proposal_lock, proposal_transition

    with transaction.atomic():
        proposal_transition(proposal_lock(proposal_id), Status.NEEDS_REVIEW, actor=Actor.system())
    stale, fresh = WebhookDelivery.objects.get(), None
    WebhookDelivery.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with transaction.atomic():
        proposal_transition(proposal_lock(proposal_id), Status.WITHDRAWN, actor=Actor.system())
    fresh = WebhookDelivery.objects.exclude(pk=stale.pk).get()
    published.clear()

    sweep()

    deliveries = [args[0] for name, args in published if name == "webhook_deliver_task"]
    assert deliveries == [stale.pk] and fresh.pk not in deliveries
