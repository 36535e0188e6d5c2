"""Reads that several callers share (console, API, commands). No writes, no network calls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .conf import hitlcrm_settings
from .models import CrmObjectRule, ExecutionState, Proposal, ProposalKind
from .state_machine import Status


def salesforce_push_status() -> dict[str, Any]:
    """How pushes to Salesforce stand, for the console's dashboard.

    - ``configured``: Salesforce settings are present.
    - ``paused``: the org's daily API usage, as Salesforce last reported it to any process, is at or
      above ``share`` of its allowance; due changes wait (still ``approved``) and go out by
      themselves when a new measurement is under it (see ``execution.crm_pushes_paused``).
    - ``used`` / ``max``: that figure (None until Salesforce reported one).
    - ``waiting``: approved CRM changes past their grace period, not pushed yet.
    - ``retrying``: pushes waiting for their retry after a transient error.
    """
    from integrations.salesforce.client import api_usage, budget_exhausted
    from integrations.salesforce.errors import SalesforceConfigurationError

    from .services.crm_context import salesforce_configured

    configured = salesforce_configured()
    try:
        usage = api_usage() if configured else None
        paused = configured and budget_exhausted()
    except SalesforceConfigurationError:
        usage, paused = None, False
    share = float(hitlcrm_settings.SALESFORCE_API_BUDGET_SHARE)
    crm = Proposal.objects.filter(kind=ProposalKind.CRM_CHANGE).exclude(
        crm_object__in=CrmObjectRule.objects.filter(executor=CrmObjectRule.Executor.EXTERNAL).values("crm_object")
    )
    return {
        "configured": configured,
        "paused": paused,
        "used": usage[0] if usage else None,
        "max": usage[1] if usage else None,
        "share": share,
        "waiting": crm.filter(status=Status.APPROVED, execute_after__lte=timezone.now()).count(),
        "retrying": crm.filter(status=Status.EXECUTING, execution__state=ExecutionState.PENDING).count(),
    }
