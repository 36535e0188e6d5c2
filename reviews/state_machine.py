"""The one state machine for every reviewable record.

``TRANSITIONS`` is the whole lifecycle (SPEC "Statuses"); :func:`reviews.services.transitions.
proposal_transition` is the only code that changes a status, and it consults
:func:`assert_transition` under a row lock. A test greps the code base so nothing else assigns
``.status``.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    CHECKING = "checking", "Checking"
    NEEDS_REVIEW = "needs_review", "Needs review"
    APPROVED = "approved", "Approved"
    BLOCKED = "blocked", "Blocked"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXECUTING = "executing", "Executing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CONFLICT = "conflict", "Conflict"


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.CHECKING: frozenset({Status.NEEDS_REVIEW, Status.APPROVED, Status.BLOCKED, Status.WITHDRAWN}),
    Status.NEEDS_REVIEW: frozenset({Status.APPROVED, Status.REJECTED, Status.EXPIRED, Status.WITHDRAWN}),
    # approved -> needs_review is the reviewer's undo within the grace period; approved -> withdrawn
    # is a golden item's (reviews/services/golden.py): its approval was the answer, nothing executes.
    Status.APPROVED: frozenset({Status.EXECUTING, Status.NEEDS_REVIEW, Status.WITHDRAWN}),
    Status.EXECUTING: frozenset({Status.DONE, Status.FAILED, Status.CONFLICT}),
    # A person fixes and retries (approved) or dismisses (rejected) a failure. A conflict goes back
    # to a person, who overwrites the CRM's newer value (approved), rebases the change on it (checking:
    # checked again against the CRM's value, then decided again) or dismisses it (rejected).
    Status.FAILED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.CONFLICT: frozenset({Status.APPROVED, Status.CHECKING, Status.REJECTED}),
    # A blocked record stays blocked unless a senior reviewer's edit passes the hard checks
    # (reviews.services.decisions.proposal_rescue): it goes back to review.
    Status.BLOCKED: frozenset({Status.NEEDS_REVIEW}),
    # rejected -> needs_review is the reviewer's undo within the grace period (HITLCRM_UNDO_GRACE_SECONDS,
    # reviews.services.decisions.proposal_undo); past it a rejection is final.
    Status.REJECTED: frozenset({Status.NEEDS_REVIEW}),
    Status.EXPIRED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.DONE: frozenset(),
}

# Statuses in which a person may decide the record.
DECIDABLE = frozenset({Status.NEEDS_REVIEW, Status.FAILED, Status.CONFLICT})
# Statuses from which the submitting agent may withdraw it.
WITHDRAWABLE = frozenset({Status.CHECKING, Status.NEEDS_REVIEW})
# Statuses a record's life ends in: nothing leaves them but a rejection's undo in its first seconds.
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets) | {Status.REJECTED}
# Statuses in which a CRM change may still write its fields (or is writing them): a later change to
# the same record and field waits until an earlier one has left them (see ``selectors.crm_overlaps``).
UNFINISHED = frozenset({Status.CHECKING, Status.NEEDS_REVIEW, Status.APPROVED, Status.EXECUTING})


class IllegalTransition(Exception):
    """A status change the state machine does not allow (or that another actor already made)."""

    def __init__(self, current: str, target: str, message: str | None = None) -> None:
        self.current = current
        self.target = target
        super().__init__(message or f"cannot move from '{current}' to '{target}'")


def assert_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(current, target)
