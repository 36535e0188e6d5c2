"""Pauses of every push to Salesforce: the org, not a record, is the problem.

- An org-level condition (a refused login or session, an org refusing every request, the daily
  allocation used up: ``errors.pause_reason``) met by a push: nothing fails, the pause is recorded
  for every process (an ``ExecutorPause`` row: in the database, so no cache culling or restart can
  forget since when it runs or restart its wait), the dashboard and /health/ show it, and a push is
  tried again after a growing wait until one goes through (:func:`crm_pause_record`).
- The org's reported daily API usage above ``SALESFORCE_API_BUDGET_SHARE``: due changes stay
  ``approved`` and unclaimed, and go out by themselves once a fresh measurement (at most one
  ``limits`` call per ``SALESFORCE_API_BUDGET_PROBE_SECONDS``) is under the share.

The Salesforce executor (``executor.py``) asks :func:`crm_pushes_paused` before a claim and
records or clears the pause after each push.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reviews.conf import hitlcrm_settings
from reviews.models import ExecutorPause

from .client import budget_exhausted, refresh_api_usage
from .errors import SalesforceConfigurationError, SalesforceError

logger = logging.getLogger(__name__)
BUDGET_PROBE_KEY = "hitlcrm:salesforce:budget-probe"

# The executor whose pause this is (``SalesforceExecutor.name``): the ``ExecutorPause`` row's key.
PAUSE_EXECUTOR = "salesforce"
# What to do about each kind of pause (``integrations.salesforce.errors.pause_reason``), for the
# dashboard and /health/ (which name no setting value, only what to look at).
PAUSE_FIXES = {
    "login": "Salesforce refuses hitlcrm's login or session: renew the credentials (SALESFORCE_SESSION_ID, or the "
             "JWT / client-credentials / password settings), check that the connected app and the integration user "
             "are active. Pushes resume by themselves once a login works.",
    "org": "The Salesforce org refuses every request (API access disabled for the org or user, a query the org times "
           "out, its domain not routed, or a request too large for it). Ask the org's administrator; pushes resume "
           "by themselves once the org answers.",
    "configuration": "A Salesforce setting is wrong (the message names it). Fix it and restart; pushes resume by "
                     "themselves.",
    "daily_limit": "The org's 24-hour API allocation is used up. Pushes resume by themselves as the allocation "
                   "recovers (or buy more API calls).",
}
PAUSE_TITLES = {"login": "Salesforce login failing", "org": "Salesforce org refusing requests",
                "configuration": "Salesforce configuration wrong", "daily_limit": "Salesforce daily API limit reached"}


def crm_pause_state() -> dict[str, Any] | None:
    """The recorded pause of every CRM push (shared by all processes through the database), or None:
    ``reason`` (``errors.pause_reason``), ``title``, ``since`` and ``last_failure_at`` (ISO times),
    ``error_code``, ``message`` (Salesforce's), ``fix``, ``probes`` (failed attempts so far) and
    ``next_probe_at``: no push is tried before it."""
    pause = ExecutorPause.objects.filter(executor=PAUSE_EXECUTOR).only("state").first()
    return pause.state if pause is not None else None


def crm_pause_record(error: Any, reason: str) -> dict[str, Any]:
    """Pushes meet an org-level condition: record (or extend) the pause. The next attempt waits
    ``SALESFORCE_PAUSE_PROBE_SECONDS * 2**(probes - 1)``, capped at ``SALESFORCE_PAUSE_PROBE_MAX_SECONDS``:
    an outage of hours costs a few requests an hour, and the first success ends it."""
    now = timezone.now()
    with transaction.atomic():
        # Locked: two processes meeting the outage at once count two probes, not one twice.
        pause, _ = ExecutorPause.objects.select_for_update().get_or_create(executor=PAUSE_EXECUTOR)
        state = dict(pause.state) or {"since": now.isoformat(), "probes": 0}
        if state.get("reason") != reason:
            state["since"] = now.isoformat()  # a different problem: its own "since"
            state["probes"] = 0
        state["probes"] += 1
        base = float(hitlcrm_settings.SALESFORCE_PAUSE_PROBE_SECONDS)
        ceiling = float(hitlcrm_settings.SALESFORCE_PAUSE_PROBE_MAX_SECONDS)
        wait = max(min(ceiling, base * 2 ** (state["probes"] - 1)), 0.0)
        state.update(reason=reason, title=PAUSE_TITLES[reason], fix=PAUSE_FIXES[reason],
                     error_code=getattr(error, "error_code", "") or type(error).__name__,
                     message=str(getattr(error, "message", error))[:500], last_failure_at=now.isoformat(),
                     next_probe_at=(now + timedelta(seconds=wait)).isoformat())
        pause.state, pause.probe_until = state, None  # kept until a push succeeds, however long the outage
        pause.save()
    if state["probes"] == 1:
        logger.error("%s since %s: pushes paused (%s). %s", state["title"], state["since"], error, state["fix"])
    return state


def crm_pause_clear() -> None:
    """A push went through: the pause (if any) is over."""
    deleted, _ = ExecutorPause.objects.filter(executor=PAUSE_EXECUTOR).delete()
    if deleted:
        logger.warning("Salesforce answers again; pushes resume")


def _org_pause_holds() -> bool:
    """Whether a recorded pause still holds. Once its ``next_probe_at`` is reached, one process (the
    first to take the probe lease, a conditional UPDATE) is let through to push: that push is the probe."""
    state = crm_pause_state()
    if state is None:
        return False
    now = timezone.now()
    if now < datetime.fromisoformat(state["next_probe_at"]):
        return True
    # The lease outlives a crashed prober by at most this long; a probe that ends records either way.
    lease = timedelta(seconds=max(int(hitlcrm_settings.SALESFORCE_PAUSE_PROBE_SECONDS), 30))
    taken = ExecutorPause.objects.filter(executor=PAUSE_EXECUTOR).filter(
        Q(probe_until__isnull=True) | Q(probe_until__lte=now)).update(probe_until=now + lease)
    return not taken


def crm_pushes_paused() -> bool:
    """Whether CRM pushes wait: for an org-level condition recorded by an earlier push (a refused
    login, an org refusing requests; see :func:`crm_pause_record`), or for the org's daily API usage
    to fall under the configured share.

    The budget is decided from the figure Salesforce last reported to any process
    (``Sforce-Limit-Info``). While it says "over", one process per ``SALESFORCE_API_BUDGET_PROBE_SECONDS``
    measures again (one ``limits`` request), so the pause ends by itself when the usage falls (or
    the day rolls over).
    """
    from .crm import crm_configured

    if not crm_configured():
        return False
    if _org_pause_holds():
        return True
    try:
        if not budget_exhausted():
            return False
    except SalesforceConfigurationError:
        return False  # the push itself reports the setting to fix
    probe_seconds = int(hitlcrm_settings.SALESFORCE_API_BUDGET_PROBE_SECONDS)
    if probe_seconds <= 0 or cache.add(BUDGET_PROBE_KEY, True, probe_seconds):
        try:
            refresh_api_usage()
        except SalesforceError as exc:  # at the limit Salesforce refuses even this; stay paused
            logger.info("could not measure the Salesforce API usage (%s); pushes stay paused", exc)
            return True
        return budget_exhausted()
    return True


__all__ = ["BUDGET_PROBE_KEY", "PAUSE_EXECUTOR", "crm_pause_clear", "crm_pause_record", "crm_pause_state",
           "crm_pushes_paused"]
