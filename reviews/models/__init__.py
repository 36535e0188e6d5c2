"""Reviewable records and everything recorded about them.

Every table is named explicitly (``Meta.db_table``, ``HistoricalRecords(table_name=...)``): the app's
label is ``hitlcrm_reviews`` (reviews/apps.py), but its tables keep the names they had under the old
label ``reviews``, so an existing database keeps its tables (docs/plugin.md, "Upgrading"). A new model
names its table ``reviews_<model name>`` the same way; a test checks that every model does.
"""

from .actions import OutboundActionType
from .audit import AuditChainHead, AuditEvent
from .budgets import CheckBudget
from .clients import ApiClient, ApiRequestWindow, ApiToken, ConsoleAccount  # noqa: F401
from .crm import CrmFieldChange, CrmObjectRule
from .decisions import Decision, ReasonCode
from .execution import Execution, ExecutionAttempt, ExecutionState, ExecutorPause
from .mail import MailDelivery, MailEvent, Suppression, SuppressionReason  # noqa: F401
from .metrics import MetricRollup
from .notifications import (  # noqa: F401
    Notification,
    NotificationChannel,
    NotificationLink,
    NotificationPurpose,
    NotificationRoute,
    NotificationState,
    ReviewerNotificationProfile,
    SlackRequest,
)
from .outreach import OutreachKey  # noqa: F401
from .policies import Policy, PolicyMode
from .proposals import CheckResult, CrmChange, EmailDraft, OutboundAction, Proposal, ProposalKind
from .quality import GoldenExpectation, GoldenItem, ReviewOpening
from .webhooks import CallbackHostRule, WebhookDelivery, WebhookDeliveryState  # noqa: F401

__all__ = [
    "ApiClient",
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "CheckBudget",
    "CheckResult",
    "CrmChange",
    "CrmFieldChange",
    "CrmObjectRule",
    "Decision",
    "EmailDraft",
    "Execution",
    "ExecutionAttempt",
    "ExecutionState",
    "ExecutorPause",
    "GoldenExpectation",
    "GoldenItem",
    "MetricRollup",
    "OutboundAction",
    "OutboundActionType",
    "Policy",
    "PolicyMode",
    "Proposal",
    "ProposalKind",
    "ReasonCode",
    "ReviewOpening",
]
