"""The execution state machine (``Execution.state``): its table, its one writer, and nothing else writing it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import transaction

from reviews.execution_state_machine import TERMINAL, TRANSITIONS, ExecutionState, IllegalExecutionTransition, sources
from reviews.models import Execution
from reviews.services.execution_transitions import (
    execution_transition,
    executions_transition,
    executions_transition_where,
)
from reviews.state_machine import IllegalTransition
from tests.console.conftest import queued

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "reviews" / "services" / "execution_transitions.py"


def test_every_state_is_in_the_table_and_only_success_is_final() -> None:
    assert set(TRANSITIONS) == set(ExecutionState.values)
    assert TERMINAL == {ExecutionState.SUCCEEDED}
    # A new attempt starts only from a state a claim may take: pending, or a failure (or a refusal of a
    # payload that was not the one approved) approved again.
    assert sources(ExecutionState.IN_PROGRESS) == {ExecutionState.PENDING, ExecutionState.FAILED,
                                                   ExecutionState.CONFLICT, ExecutionState.REFUSED}
    # A refusal comes only from an attempt, before its side effect.
    assert sources(ExecutionState.REFUSED) == {ExecutionState.IN_PROGRESS}
    # Nothing but an attempt (or a person resolving one in doubt) says what happened.
    assert sources(ExecutionState.SUCCEEDED) == {ExecutionState.IN_PROGRESS, ExecutionState.UNKNOWN}


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), [
    (ExecutionState.SUCCEEDED, ExecutionState.IN_PROGRESS),  # a sent email is never sent again
    (ExecutionState.SUCCEEDED, ExecutionState.PENDING),
    (ExecutionState.UNKNOWN, ExecutionState.IN_PROGRESS),  # in doubt: a person decides, no automatic retry
    (ExecutionState.PENDING, ExecutionState.SUCCEEDED),  # an outcome needs an attempt
    (ExecutionState.FAILED, ExecutionState.SUCCEEDED),
])
def test_the_writer_refuses_an_illegal_move_and_changes_nothing(api, current: str, target: str) -> None:  # noqa: ANN001
    (proposal,) = queued(api)
    execution = Execution.objects.create(proposal=proposal, state=current, attempts=1, last_error="before")
    execution.last_error = "after"
    with pytest.raises(IllegalExecutionTransition, match=f"cannot move from '{current}' to '{target}'"):
        with transaction.atomic():
            execution_transition(execution, target, update_fields=["last_error"])
    execution.refresh_from_db()
    assert (execution.state, execution.last_error) == (current, "before")
    # The record phase treats it like a status the lifecycle forbids (it records the others, then raises).
    assert issubclass(IllegalExecutionTransition, IllegalTransition)


@pytest.mark.django_db
def test_a_bulk_move_is_refused_whole_when_one_execution_may_not_move(api) -> None:  # noqa: ANN001
    one, two = queued(api, 2)
    ok = Execution.objects.create(proposal=one, state=ExecutionState.IN_PROGRESS, attempts=1)
    done = Execution.objects.create(proposal=two, state=ExecutionState.SUCCEEDED, attempts=1)
    with pytest.raises(IllegalExecutionTransition):
        with transaction.atomic():
            executions_transition([(ok, ExecutionState.FAILED), (done, ExecutionState.FAILED)])
    assert sorted(Execution.objects.values_list("state", flat=True)) == [ExecutionState.IN_PROGRESS,
                                                                          ExecutionState.SUCCEEDED]


@pytest.mark.django_db
def test_a_bulk_move_writes_each_executions_own_values_and_inserts_new_ones(api) -> None:  # noqa: ANN001
    one, two, three = queued(api, 3)
    first = Execution.objects.create(proposal=one, state=ExecutionState.IN_PROGRESS, attempts=1)
    second = Execution.objects.create(proposal=two, state=ExecutionState.PENDING, attempts=3)
    new = Execution(proposal=three)
    first.last_error, second.attempts, new.attempts = "refused", 4, 1
    with transaction.atomic():
        executions_transition([(first, ExecutionState.FAILED), (second, ExecutionState.IN_PROGRESS),
                               (new, ExecutionState.IN_PROGRESS)], update_fields=["last_error", "attempts"])
    assert {(e.pk, e.state, e.attempts, e.last_error) for e in Execution.objects.all()} == {
        (first.pk, ExecutionState.FAILED, 1, "refused"), (second.pk, ExecutionState.IN_PROGRESS, 4, ""),
        (new.pk, ExecutionState.IN_PROGRESS, 1, ""),
    }


@pytest.mark.django_db
def test_the_guarded_bulk_update_moves_only_executions_the_table_lets_move(api) -> None:  # noqa: ANN001
    one, two = queued(api, 2)
    running = Execution.objects.create(proposal=one, state=ExecutionState.IN_PROGRESS, attempts=1)
    finished = Execution.objects.create(proposal=two, state=ExecutionState.SUCCEEDED, attempts=1)
    with transaction.atomic():
        moved = executions_transition_where(Execution.objects.all(), ExecutionState.PENDING, last_error="later")
    assert moved == 1
    running.refresh_from_db()
    finished.refresh_from_db()
    assert (running.state, running.last_error) == (ExecutionState.PENDING, "later")
    assert (finished.state, finished.last_error) == (ExecutionState.SUCCEEDED, "")


def test_the_writers_refuse_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        execution_transition(Execution(), ExecutionState.IN_PROGRESS)


# --- nothing else writes Execution.state -------------------------------------------------------------

WRITE_METHODS = {"update", "create", "bulk_create", "update_or_create", "get_or_create"}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)} | {
        alias.name for n in ast.walk(node) if isinstance(n, ast.ImportFrom) for alias in n.names}


def _callee(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def state_writes(source: str) -> list[int]:
    """Lines of ``source`` that may write an execution's state: in a module that names executions at
    all, an assignment to ``.state``, a ``state=`` argument of a write (``update``, ``create``, ...)
    or of ``Execution(...)``, ``"state"`` among ``update_fields`` or in ``bulk_update`` fields, a
    ``{"state": ExecutionState...}`` or ``setattr(..., "state", ...)``."""
    tree = ast.parse(source)
    if not _names(tree) & {"Execution", "ExecutionState", "execution"}:
        return []  # other models have a state too (webhook deliveries, sender domains)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "state"
                   for target in targets for t in ast.walk(target)):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            callee = _callee(node)
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            if "state" in keywords and (callee in WRITE_METHODS or callee == "Execution"):
                lines.append(node.lineno)
            elif "update_fields" in keywords and "state" in _strings(keywords["update_fields"]):
                lines.append(node.lineno)
            elif callee == "bulk_update" and any("state" in _strings(arg) for arg in node.args[1:]):
                lines.append(node.lineno)
            elif callee == "setattr" and len(node.args) > 1 and _strings(node.args[1]) == {"state"}:
                lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            if any(isinstance(key, ast.Constant) and key.value == "state" and "ExecutionState" in _names(value)
                   for key, value in zip(node.keys, node.values, strict=True)):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_the_scanner_finds_every_kind_of_state_write() -> None:
    source = (
        "from reviews.models import Execution, ExecutionState\n"
        "execution.state = ExecutionState.FAILED\n"
        "Execution.objects.filter(pk=1).update(\n    state=ExecutionState.PENDING)\n"
        "Execution.objects.create(proposal=p, state='failed')\n"
        "Execution(proposal=p, state=ExecutionState.IN_PROGRESS)\n"
        "execution.save(update_fields=['state', 'attempts'])\n"
        "Execution.objects.bulk_update(rows, ['state'])\n"
        "Execution.objects.update_or_create(proposal=p, defaults={'state': ExecutionState.UNKNOWN})\n"
        "setattr(execution, 'state', 'unknown')\n"
        "Execution.objects.filter(state=ExecutionState.PENDING).only('state')\n"  # reads: not writes
        "delivery.save(update_fields=['attempts'])\n"
    )
    assert state_writes(source) == [2, 3, 5, 6, 7, 8, 9, 10]
    assert state_writes("delivery.state = 'failed'\n") == []  # a module that names no execution


def test_nothing_but_the_execution_writer_writes_an_execution_state() -> None:
    """One execution state machine, enforced in one place (reviews/services/execution_transitions.py)."""
    offenders = []
    for package in ("reviews", "integrations"):
        for path in ROOT.joinpath(package).rglob("*.py"):
            if path == WRITER or "migrations" in path.parts or "agent_client" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            offenders += [f"{path.relative_to(ROOT)}:{line}: {lines[line - 1].strip()}" for line in state_writes(source)]
    assert offenders == []
