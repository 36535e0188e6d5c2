"""The executor port (reviews/executors): the registry, and the generic execution driving whatever
executor is configured, through the port alone. The built-in executors against real servers:
tests/mail (SMTP, ESPs) and tests/integration/salesforce_push (the Salesforce emulator)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from integrations.mail.executor import MailExecutor
from integrations.outbound.executor import WebhookExecutor
from integrations.salesforce.executor import SalesforceExecutor
from reviews.executors import (
    Claim,
    Executor,
    Outcome,
    Report,
    RetryPolicy,
    executor_for,
    executor_named,
    transient_errors,
)
from reviews.models import AuditEvent, Execution, ExecutionState, Proposal, ProposalKind
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import executions_recover_stale, proposals_claim_for_execution, proposals_execute
from reviews.state_machine import Status
from tests.console.conftest import queued
from tests.factories import reviewer

ROOT = Path(__file__).resolve().parents[2]
BUILT_INS = ["integrations.mail.executor.MailExecutor", "integrations.salesforce.executor.SalesforceExecutor"]


class FlakyError(Exception):
    """The fake executor's "try again later"."""


class FakeMail(Executor):
    """Stands in for the mail executor: answers what the test sets, and remembers what it was given."""

    name = "mail"
    transient_errors = (FlakyError,)
    calls: ClassVar[list[tuple[list[int], dict[int, Claim]]]] = []
    answer: ClassVar[Any] = None  # proposal id -> Report
    is_paused: ClassVar[bool] = False

    def paused(self) -> bool:
        return self.is_paused

    def execute(self, proposals: list[Proposal], *, claims: Mapping[int, Claim]) -> Report:
        type(self).calls.append(([proposal.pk for proposal in proposals], dict(claims)))
        return type(self).answer([proposal.pk for proposal in proposals])

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(backoff_seconds=100.0, backoff_max_seconds=100.0, max_attempts=2, give_up_after=3600.0)


class FakeAtMostOnce(FakeMail):
    at_most_once = True
    started: ClassVar[bool] = False

    def send_started(self, execution: Execution) -> bool:
        return self.started


@pytest.fixture
def fake(settings: Any) -> type[FakeMail]:
    settings.HITLCRM_EXECUTORS = [*BUILT_INS, f"{__name__}.FakeMail"]  # replaces the built-in "mail"
    FakeMail.calls, FakeMail.is_paused = [], False
    FakeMail.answer = staticmethod(lambda ids: Report(outcomes={pk: Outcome(Status.DONE, provider_id="x-1")
                                                               for pk in ids}))
    return FakeMail


def approved_email(api: Any) -> Proposal:
    (proposal,) = queued(api, 1, "email")
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(reviewer("rita")), action="approve")
    return Proposal.objects.get(pk=proposal.pk)


# --- the registry -----------------------------------------------------------------------------------

def test_the_built_in_executors_carry_out_every_kind() -> None:
    from reviews.kinds import registered_kinds

    assert {kind.value: kind.executor for kind in registered_kinds()} == {
        ProposalKind.EMAIL_DRAFT: "mail", ProposalKind.CRM_CHANGE: "salesforce", ProposalKind.OUTBOUND_ACTION: "webhook"}
    assert isinstance(executor_named("salesforce"), SalesforceExecutor)
    assert isinstance(executor_for(Proposal(kind=ProposalKind.OUTBOUND_ACTION)), WebhookExecutor)
    assert isinstance(executor_named("mail"), MailExecutor)
    assert isinstance(executor_for(Proposal(kind=ProposalKind.EMAIL_DRAFT)), MailExecutor)
    assert isinstance(executor_for(Proposal(kind=ProposalKind.CRM_CHANGE)), SalesforceExecutor)
    # What a task retries after the backoff: the Salesforce executor's transient errors (mail has none).
    from integrations.salesforce.errors import SalesforceTransientError

    assert transient_errors() == (SalesforceTransientError,)


def test_a_misconfigured_executor_setting_names_the_setting(settings: Any) -> None:
    settings.HITLCRM_EXECUTORS = ["reviews.models.Proposal"]
    with pytest.raises(ImproperlyConfigured, match="HITLCRM_EXECUTORS: 'reviews.models.Proposal' is not an Executor"):
        executor_named("mail")
    settings.HITLCRM_EXECUTORS = ["integrations.mail.executor.Nothing"]
    with pytest.raises(ImproperlyConfigured, match="HITLCRM_EXECUTORS: cannot import"):
        executor_named("mail")
    settings.HITLCRM_EXECUTORS = BUILT_INS[1:]
    with pytest.raises(ImproperlyConfigured, match="no executor named 'mail' in HITLCRM_EXECUTORS"):
        executor_for(Proposal(kind=ProposalKind.EMAIL_DRAFT))


# --- the generic execution, driving a configured executor -------------------------------------------

@pytest.mark.django_db
def test_the_configured_executor_is_given_the_claimed_records_and_its_outcomes_are_recorded(api, fake) -> None:
    proposal = approved_email(api)

    outcomes = proposals_execute(proposal_ids=[proposal.pk])

    execution = Execution.objects.get(proposal=proposal)
    assert fake.calls == [([proposal.pk], {proposal.pk: Claim(execution.pk, 1)})]
    assert outcomes == {proposal.pk: Outcome(Status.DONE, provider_id="x-1")}
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE
    assert (execution.state, execution.executor, execution.provider_id) == (ExecutionState.SUCCEEDED, "mail", "x-1")
    assert not hasattr(proposal, "mail_delivery")  # the built-in mail sender was not involved


@pytest.mark.django_db
def test_a_paused_executor_claims_nothing(api, fake) -> None:
    proposal = approved_email(api)
    fake.is_paused = True

    assert proposals_execute(proposal_ids=[proposal.pk]) == {}

    assert fake.calls == []
    assert Proposal.objects.get(pk=proposal.pk).status == Status.APPROVED
    assert not Execution.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_a_retry_waits_by_the_executors_policy_and_then_gives_up(api, fake) -> None:
    proposal = approved_email(api)
    fake.answer = staticmethod(lambda ids: Report(retry={pk: Outcome("", message="busy", error_code="BUSY") for pk in ids},
                                                  error=FlakyError("busy")))

    before = timezone.now()
    with pytest.raises(FlakyError):
        proposals_execute(proposal_ids=[proposal.pk])

    execution = Execution.objects.get(proposal=proposal)
    assert (execution.state, execution.transient_failures, execution.last_error) == (
        ExecutionState.PENDING, 1, "BUSY: busy")
    # Half the policy's backoff fixed, half jitter: 50 to 100 s.
    assert before + timedelta(seconds=50) <= execution.retry_after <= timezone.now() + timedelta(seconds=100)
    assert execution.retrying_until == execution.failing_since + timedelta(hours=1)

    # The second failure in a row, after failing for longer than the policy's give_up_after: failed.
    Execution.objects.filter(pk=execution.pk).update(retry_after=None, failing_since=before - timedelta(hours=2))
    outcomes = proposals_execute(proposal_ids=[proposal.pk])

    assert outcomes[proposal.pk].status == Status.FAILED
    assert "gave up after 2 attempts in a row" in outcomes[proposal.pk].message
    execution.refresh_from_db()
    assert execution.state == ExecutionState.FAILED and execution.attempts == 2
    assert Proposal.objects.get(pk=proposal.pk).status == Status.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize(("asked", "at_least", "at_most"), [(99.5, 99, 100), (7200.0, 100, 100)])
def test_a_retry_waits_as_long_as_the_other_side_asked_up_to_the_longest_backoff(
        api, fake, asked: float, at_least: int, at_most: int) -> None:
    """A receiver's Retry-After is honoured (above the policy's backoff, 50 to 100 s here), but never
    past the executor's longest backoff, which the start-up checks keep inside the broker's limits."""
    proposal = approved_email(api)
    fake.answer = staticmethod(lambda ids: Report(retry={pk: Outcome("", message="slow down", error_code="429",
                                                                     retry_after=asked) for pk in ids},
                                                  error=FlakyError("slow down")))
    before = timezone.now()
    with pytest.raises(FlakyError):
        proposals_execute(proposal_ids=[proposal.pk])

    execution = Execution.objects.get(proposal=proposal)
    assert before + timedelta(seconds=at_least) <= execution.retry_after
    assert execution.retry_after <= timezone.now() + timedelta(seconds=at_most)


@pytest.mark.django_db
@pytest.mark.parametrize("started", [True, False])
def test_a_dead_workers_at_most_once_attempt_is_unknown_only_once_its_side_effect_started(
        api, fake, settings, started: bool) -> None:
    settings.HITLCRM_EXECUTORS = [*BUILT_INS, f"{__name__}.FakeAtMostOnce"]
    FakeAtMostOnce.started = started
    proposal = approved_email(api)
    proposals_claim_for_execution([proposal.pk])  # then the worker died

    resumed = executions_recover_stale(older_than=timedelta(0))

    execution = Execution.objects.get(proposal=proposal)
    if started:
        assert resumed == [] and execution.state == ExecutionState.UNKNOWN
        assert AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="execution_outcome_unknown").exists()
    else:
        assert resumed == [proposal.pk] and execution.state == ExecutionState.PENDING


@pytest.mark.django_db
def test_a_dead_workers_repeatable_attempt_is_simply_repeated(api, fake) -> None:
    proposal = approved_email(api)
    proposals_claim_for_execution([proposal.pk])  # FakeMail is not at-most-once

    assert executions_recover_stale(older_than=timedelta(0)) == [proposal.pk]
    proposals_execute(proposal_ids=[proposal.pk])

    assert Execution.objects.get(proposal=proposal).attempts == 2
    assert Proposal.objects.get(pk=proposal.pk).status == Status.DONE


# --- the modules of execution import each other in no circle ----------------------------------------

EXECUTION_MODULES = {
    "reviews.execution_state_machine", "reviews.services.execution", "reviews.services.execution_transitions",
    "reviews.services.sending", "reviews.services.mail_events", "reviews.services.sweeping", "reviews.services.feed",
    "reviews.executors", "reviews.executors.base", "reviews.executors.registry",
    "integrations.salesforce.executor", "integrations.salesforce.pauses", "integrations.mail.executor",
    "integrations.mail.sending",
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str, known: set[str], *, deferred: bool) -> set[str]:
    """The project modules ``path`` imports when it runs: at its top level, and with ``deferred`` also
    inside functions; never those imported for type checking only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", getattr(block.test, "attr", "")) == "TYPE_CHECKING"
                   for statement in block.body for node in ast.walk(statement)}
    in_functions = {id(node) for function in ast.walk(tree) if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
                    for node in ast.walk(function)}
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only or (not deferred and id(node) in in_functions):
            continue
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            found |= {target, *(f"{target}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return (found & known) - {module}


def _circles(graph: dict[str, set[str]], modules: set[str]) -> dict[str, list[str]]:
    """For each of ``modules`` in a circle of ``graph``: the others in it."""
    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for target in graph[todo.pop()] - seen:
                seen.add(target)
                todo.append(target)
        return seen

    circles = {module: sorted(other for other in reachable(module) if module in reachable(other))
               for module in sorted(modules)}
    return {module: others for module, others in circles.items() if others}


def test_no_module_of_the_execution_is_in_an_import_circle() -> None:
    """The use case reaches executors only through the port's registry (by dotted path, at run time);
    the executors reach the use case's recording and the gate's rules, never the reverse."""
    paths = {_module(path): path for package in ("reviews", "integrations")
             for path in ROOT.joinpath(package).rglob("*.py")
             if "migrations" not in path.parts and "agent_client" not in path.parts}
    assert EXECUTION_MODULES <= set(paths)
    # Among themselves, not even through an import inside a function.
    among = {module: _imports(paths[module], module, EXECUTION_MODULES, deferred=True) for module in EXECUTION_MODULES}
    assert _circles(among, EXECUTION_MODULES) == {}
    # With the rest of the project, not at import time. (Imports inside functions close circles on
    # purpose elsewhere: the Celery wrappers and the services that enqueue them, the kind registry and
    # the kind modules it loads when first asked.)
    everything = {module: _imports(path, module, set(paths), deferred=False) for module, path in paths.items()}
    assert _circles(everything, EXECUTION_MODULES) == {}
