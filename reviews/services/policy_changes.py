"""Use case: an admin saves a policy (a new one, or an edit), audited with its what-if replay.

simple-history keeps every version of the row; the audit event ``policy_changed`` says who changed
what, which outputs the rules govern (the task type and the versions the policy is scoped to), and
what the new rules would have done to the latest human-decided proposals they govern
(reviews/services/replay.py), so a narrowed gate can later be traced to the evidence it was narrowed on.
"""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict

from ..audit_actions import AuditAction
from ..models import Policy
from .actors import Actor
from .audit import audit_record
from .replay import policy_replay

POLICY_CHANGED = AuditAction.POLICY_CHANGED
# Bookkeeping the save itself sets: not an edit.
NOT_EDITED = {"id", "version", "updated_at"}


def policy_save(*, policy: Policy, actor: Actor) -> Policy:
    """Save ``policy`` (validated by the caller: the admin form ran ``full_clean``) and record the
    ``policy_changed`` audit event: the fields changed {name: [before, after]}, the new version, and
    the replay of the new rules beside the old ones on the same proposals."""
    with transaction.atomic():
        # The task type's policies are locked with it: their versions count the saves of all of them.
        list(Policy.objects.select_for_update().filter(task_type=policy.task_type).order_by("pk").values_list("pk"))
        before = Policy.objects.select_for_update().filter(pk=policy.pk).first() if policy.pk else None
        replay = policy_replay(candidate=policy, saved=before)
        old = model_to_dict(before) if before else {}
        new = model_to_dict(policy)
        changes = {name: [old.get(name), value] for name, value in new.items()
                   if name not in NOT_EDITED and old.get(name) != value}
        policy.save()
        audit_record(action=POLICY_CHANGED, actor=actor, data={
            "task_type": policy.task_type, "version": policy.version, "created": before is None,
            # Which outputs the rules govern: the versions they are scoped to (null: any).
            "scope": policy.scope_as_api(),
            "changes": changes, "replay": replay.as_dict(),
        })
    return policy
