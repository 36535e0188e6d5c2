"""The executor port: what hitlcrm's execution asks of whatever carries out an approved record.

In the manner of django-anymail's ESP backends: one base class, one result contract, executors
picked by name from a registry (``registry.py``, setting ``HITLCRM_EXECUTORS``). The generic
execution (``reviews/services/execution.py``: claim, execute, record, release for a retry with
backoff, recover what a dead worker left) knows executors only through this class; what one
executor needs beyond it (a CRM's pauses, an email's send window, batching) is a method or an
attribute here, answered by the executor.

Approve A, execute A: right before its side effect, an executor builds the payload it is about to
send in its kind's ``Kind.execution_payload`` shape and asks
``reviews.services.execution.execution_payloads_verify`` whether its digest is the approval's; a
record it refuses is reported with that refusal (``Outcome.refused``), and nothing of it is sent.

An executor is told, for a batch of records it has been given (claimed: their executions are
``in_progress``), to carry them out and to :class:`Report` what happened to each: a final
:class:`Outcome` (done, failed, conflict, or unknown), or an outcome with an empty status for a
retry. It may raise nothing that the generic code has to understand: a failure of the whole batch
is a report too (``retry`` for every record, ``error`` set).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..models import Execution, Proposal


@dataclass
class Outcome:
    """The result of one record's side effect, as an executor reports it."""

    status: str  # Status.DONE, FAILED or CONFLICT; or "" to leave it for a retry
    message: str = ""
    error_code: str = ""
    provider_id: str = ""  # the id the other side gave it (a CRM record id, an ESP message id)
    message_id: str = ""
    response: dict[str, Any] = field(default_factory=dict)  # what the other side answered (JSON-ready)
    conflicts: dict[str, Any] = field(default_factory=dict)  # field -> value found in the CRM
    unknown: bool = False  # it may or may not have happened: a person finds out
    # Approve A, execute A: nothing was sent because what was about to be sent is not what was
    # approved (``reviews.services.execution.execution_payloads_verify``); status FAILED, never retried.
    refused: bool = False
    # For a retry: the seconds the other side asked to be left alone (a Retry-After header); the
    # retry waits at least that long, up to the executor's longest backoff.
    retry_after: float | None = None


@dataclass
class Report:
    """What one :meth:`Executor.execute` call did.

    - ``outcomes``: proposal id -> final outcome, recorded by the generic code, unless ``recorded``.
    - ``retry``: proposal id -> outcome with an empty status, for records a transient failure left
      undone: given back for a retry after a backoff (the executor's :meth:`~Executor.retry_policy`),
      or failed once it has gone on too long.
    - ``error``: the batch's error, raised to the caller after everything is recorded when a retry
      is left (an instance of the executor's ``transient_errors``: the task retries it after the
      backoff; any other: the sweeper does).
    - ``paused``: the failure was the other side's, not the records' (an org refusing every request):
      the records are pending again without a failure counted, and the executor is :meth:`~Executor.paused`.
    - ``recorded``: the executor recorded each outcome itself, the moment it knew it (an at-most-once
      side effect: a crash must leave at most one record in doubt); ``outcomes`` are for information.
    """

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    retry: dict[int, Outcome] = field(default_factory=dict)
    error: Exception | None = None
    paused: bool = False
    recorded: bool = False


@dataclass(frozen=True)
class Claim:
    """A claimed record's execution: its id and the attempt number this worker claimed. An outcome
    is recorded only while the execution still holds that attempt (else another worker owns it)."""

    execution_id: int
    attempt: int


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried: after ``backoff_seconds * 2**(failures - 1)`` (capped at
    ``backoff_max_seconds``, with jitter), until they have gone on for ``give_up_after_seconds`` and
    come ``max_attempts`` times in a row; then the record fails with the last error."""

    backoff_seconds: float
    backoff_max_seconds: float
    max_attempts: int
    give_up_after: float  # seconds


class Executor:
    """Base class of executors. Subclasses set ``name`` and implement :meth:`execute`; the other
    methods have defaults that suit an executor with no pauses, no batching and a repeatable effect."""

    # The name a record's kind is executed by (``registry.executor_for``), kept on its Execution.
    name: ClassVar[str] = ""
    # A batched executor takes along every other due record it executes (up to ``max_batch``), so a
    # burst of approvals costs one call to the other side, not one per record.
    batched: ClassVar[bool] = False
    max_batch: ClassVar[int] = 1000
    # At most once: the side effect cannot be repeated safely (an email). An attempt a dead worker
    # left in progress whose side effect had started (:meth:`send_started`) is "unknown" for a
    # person, never repeated; one that had not started is tried again.
    at_most_once: ClassVar[bool] = False
    # The errors in a report that a task retries after the backoff (others are left to the sweeper).
    transient_errors: ClassVar[tuple[type[Exception], ...]] = ()

    # --- before the claim --------------------------------------------------------------------

    def paused(self) -> bool:
        """Whether nothing of this executor may be claimed now (the other side refuses, or a budget
        is used up). Due records stay approved, or pending, and go once it answers False."""
        return False

    def pause_state(self) -> dict[str, Any] | None:
        """The recorded pause, for the dashboard and /health/ (None: not paused for a recorded cause)."""
        return None

    def coalesce_seconds(self) -> float:
        """A batched executor's batch goes only once one of its records has been due this long (its
        own task, scheduled that late, or the sweeper's), so approvals close together share it."""
        return 0.0

    def hold(self, proposals: list[Proposal], *, now: datetime) -> set[int]:
        """Called by the claim on locked rows: the ids among ``proposals`` (this executor's) not to
        claim now. The executor may record why (a send window moving ``execute_after``)."""
        return set()

    def waiting(self, proposal_ids: Iterable[int]) -> set[int]:
        """The ids among ``proposal_ids`` that must wait for an earlier record to finish first."""
        return set()

    def following(self, proposal_ids: Iterable[int]) -> list[int]:
        """Approved records that may have waited for ``proposal_ids`` (see :meth:`waiting`), now
        finished: executed next, in order."""
        return []

    # --- the side effect ---------------------------------------------------------------------

    def execute(self, proposals: list[Proposal], *, claims: Mapping[int, Claim]) -> Report:
        """Carry out the claimed ``proposals`` (``claims``: proposal id -> its claim)."""
        raise NotImplementedError(f"{type(self).__name__} must implement execute()")

    def retry_policy(self) -> RetryPolicy | None:
        """How the records a report gives back for a retry are retried; None for an executor that
        gives none back (it records its own retries)."""
        return None

    def send_started(self, execution: Execution) -> bool:
        """For an at-most-once executor: whether the execution's current attempt got as far as the
        side effect (the sweeper makes a started one "unknown")."""
        return True

    # --- after the outcome -------------------------------------------------------------------

    def record_effects(self, recorded: list[tuple[Proposal, Outcome]], *, now: datetime) -> None:
        """Called by the record phase inside its transaction, for the records (rows locked) whose
        final outcome it has just recorded: what else the outcome changes on them."""

    def overwrite_prepare(self, proposal: Proposal) -> None:
        """A person approves a record in conflict again, to overwrite what the other side holds
        (called under the row lock): the next attempt writes over what they were shown."""

    def rebase_prepare(self, proposal: Proposal) -> dict[str, list[Any]]:
        """A person rebases a record in conflict on what the other side holds (under the row lock);
        returns {field: [old baseline, new baseline]}."""
        return {}


__all__ = ["Claim", "Executor", "Outcome", "Report", "RetryPolicy"]
