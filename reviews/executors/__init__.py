"""Executors: what carries out an approved record (a CRM write, an email send), behind one port.

- ``base``: the :class:`Executor` base class and its contract (:class:`Outcome`, :class:`Report`,
  :class:`Claim`, :class:`RetryPolicy`).
- ``registry``: the configured executors (``HITLCRM_EXECUTORS``) and :func:`executor_for`, which
  picks a record's executor.

The built-ins live behind their boundaries in ``integrations/``: the Salesforce push
(``SalesforceExecutor``, in the Salesforce integration) and the mail sender
(``integrations.mail.executor.MailExecutor``).
"""

from .base import Claim, Executor, Outcome, Report, RetryPolicy
from .registry import (
    all_executors,
    executor_classes,
    executor_for,
    executor_name_for,
    executor_named,
    executor_of,
    kinds_executed_by,
    transient_errors,
)

__all__ = [
    "Claim",
    "Executor",
    "Outcome",
    "Report",
    "RetryPolicy",
    "all_executors",
    "executor_classes",
    "executor_for",
    "executor_name_for",
    "executor_named",
    "executor_of",
    "kinds_executed_by",
    "transient_errors",
]
