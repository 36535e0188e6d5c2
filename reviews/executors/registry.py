"""Which executors there are, and which one carries out a record.

``HITLCRM_EXECUTORS`` lists the executor classes by dotted path (each names itself: ``Executor.name``);
the default is the two built-ins, the Salesforce push and the mail sender. A project replaces one by
listing its own class with the same name, or adds one under a new name.

:func:`executor_name_for` is the one place a record's kind is mapped to an executor name: the
kind's declaration (``reviews.kinds.Kind.executor``); :func:`executor_for` builds on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..conf import hitlcrm_settings
from ..kinds import kind_of, kind_values
from .base import Executor

if TYPE_CHECKING:
    from ..models import Execution, Proposal


def executor_classes() -> dict[str, type[Executor]]:
    """The configured executor classes by name (read at each call, so settings overrides apply)."""
    classes: dict[str, type[Executor]] = {}
    for path in hitlcrm_settings.EXECUTORS:
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"HITLCRM_EXECUTORS: cannot import {path!r}: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Executor) and cls.name):
            raise ImproperlyConfigured(f"HITLCRM_EXECUTORS: {path!r} is not an Executor subclass with a name")
        classes[cls.name] = cls  # a later one with the same name replaces the earlier
    return classes


def executor_named(name: str) -> Executor:
    """The executor called ``name``; ImproperlyConfigured when none is configured under it."""
    cls = executor_classes().get(name)
    if cls is None:
        raise ImproperlyConfigured(f"no executor named {name!r} in HITLCRM_EXECUTORS")
    return cls()


def executor_name_for(kind: str) -> str:
    """The name of the executor that carries out records of ``kind`` (a ``Proposal.kind`` value)."""
    return kind_of(kind).executor


def executor_for(proposal: Proposal) -> Executor:
    """The executor that carries out ``proposal``."""
    return executor_named(executor_name_for(proposal.kind))


def executor_of(execution: Execution) -> Executor:
    """The executor an execution was claimed by (its ``executor``); for one reported by an
    integration (the approved-changes feed) or not claimed yet, its record's executor."""
    classes = executor_classes()
    if execution.executor in classes:
        return classes[execution.executor]()
    return executor_for(execution.proposal)


def kinds_executed_by(name: str) -> list[str]:
    """The ``Proposal.kind`` values the executor ``name`` carries out."""
    return kind_values(executor=name)


def all_executors() -> list[Executor]:
    return [cls() for cls in executor_classes().values()]


def transient_errors(executors: Iterable[Executor] | None = None) -> tuple[type[Exception], ...]:
    """The errors execution may raise that a task retries after the backoff, of every executor."""
    return tuple({error for executor in (all_executors() if executors is None else executors)
                  for error in executor.transient_errors})


__all__ = [
    "all_executors",
    "executor_classes",
    "executor_for",
    "executor_name_for",
    "executor_named",
    "executor_of",
    "kinds_executed_by",
    "transient_errors",
]
