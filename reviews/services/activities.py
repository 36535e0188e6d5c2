"""A person asking for a sent email's CRM logging to be tried again, after it failed for good.

The logging itself (``sending.email_activities_push``) runs in the worker; this puts the failed
deliveries back to "to be logged", audits each, and queues the push for them after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..apps import perm
from ..audit_actions import AuditAction
from ..models.mail import CrmActivityState, MailDelivery
from .actors import Actor
from .audit import audit_record
from .queueing import enqueue_on_commit


class ActivityRetryRefused(Exception):
    """The person may not ask for the logging to be tried again."""


def email_activities_retry(*, proposal_ids: Iterable[int], actor: Actor) -> list[int]:
    """Queue the CRM logging of these emails again, those whose logging failed (others are left as
    they are); returns their ids. Needs a person allowed to decide (``hitlcrm_reviews.decide_proposal``)."""
    if actor.user is None or actor.client is not None or not actor.user.has_perm(perm("decide_proposal")):
        raise ActivityRetryRefused("only a reviewer (permission decide_proposal) can retry the CRM logging")
    from ..tasks import email_activities_push_task

    with transaction.atomic():
        failed = list(MailDelivery.objects.select_for_update(of=("self",)).select_related("proposal")
                      .filter(proposal_id__in=list(proposal_ids), crm_activity_state=CrmActivityState.FAILED)
                      .order_by("proposal_id"))
        for delivery in failed:
            delivery.crm_activity_state = CrmActivityState.PENDING
            delivery.save(update_fields=["crm_activity_state"])
            audit_record(action=AuditAction.CRM_ACTIVITY_RETRY, actor=actor, proposal=delivery.proposal)
        retried = [delivery.proposal_id for delivery in failed]
        if retried:
            enqueue_on_commit(email_activities_push_task, retried)
    return retried
