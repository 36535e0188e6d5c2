"""The state machine of an approved record's way out: ``Execution.state``.

A record's status (``state_machine.py``) says where it stands for people; its execution's state says
where the side effect stands (claimed, in flight, retried, known or not known to have happened).
``TRANSITIONS`` is the whole lifecycle; :mod:`reviews.services.execution_transitions` is the only
code that changes a state, and it consults :func:`assert_transition`. A test greps the code base so
nothing else writes ``Execution.state``.
"""

from __future__ import annotations

from django.db import models

from .state_machine import IllegalTransition


class ExecutionState(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CONFLICT = "conflict", "Conflict"
    # The side effect may or may not have happened (a worker died mid-send); a person resolves it.
    UNKNOWN = "unknown", "Outcome unknown"
    # Approve A, execute A: what the executor was about to send is not what was approved (its digest
    # differs from the approval's); nothing was sent. Final, never retried; a person approves again.
    REFUSED = "refused", "Refused: not what was approved"
    # No "paused" state: while an executor is paused (the Salesforce API budget, an org-level
    # refusal), its records stay approved and unclaimed, or pending, and the dashboard says why.


TRANSITIONS: dict[str, frozenset[str]] = {
    # A new execution starts pending; a claim takes it (or a pending retry that is due).
    ExecutionState.PENDING: frozenset({ExecutionState.IN_PROGRESS}),
    # The outcome of an attempt: known (succeeded, failed, conflict), handed back for a retry
    # (pending: a transient failure, or a dead worker's attempt that is safe to repeat), or not
    # known (unknown: an at-most-once side effect that may have happened).
    ExecutionState.IN_PROGRESS: frozenset({ExecutionState.PENDING, ExecutionState.SUCCEEDED, ExecutionState.FAILED,
                                           ExecutionState.CONFLICT, ExecutionState.UNKNOWN,
                                           ExecutionState.REFUSED}),
    # A person says what happened (succeeded or failed), or the attempt thought dead answers after
    # all: its answer is better knowledge than "unknown", whatever it is.
    ExecutionState.UNKNOWN: frozenset({ExecutionState.SUCCEEDED, ExecutionState.FAILED, ExecutionState.CONFLICT,
                                       ExecutionState.PENDING, ExecutionState.UNKNOWN}),
    # A person approves a failed or conflicting record again: a new attempt.
    ExecutionState.FAILED: frozenset({ExecutionState.IN_PROGRESS}),
    ExecutionState.CONFLICT: frozenset({ExecutionState.IN_PROGRESS}),
    ExecutionState.REFUSED: frozenset({ExecutionState.IN_PROGRESS}),
    ExecutionState.SUCCEEDED: frozenset(),
}

TERMINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)


def sources(target: str) -> frozenset[str]:
    """The states from which an execution may move to ``target``."""
    return frozenset(state for state, targets in TRANSITIONS.items() if target in targets)


class IllegalExecutionTransition(IllegalTransition):
    """An execution state change the table does not allow (or that another worker already made).
    An :class:`IllegalTransition`, so the callers that record outcomes treat both alike."""

    def __init__(self, current: str, target: str, message: str | None = None) -> None:
        super().__init__(current, target, message or f"an execution cannot move from '{current}' to '{target}'")


def assert_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalExecutionTransition(current, target)
