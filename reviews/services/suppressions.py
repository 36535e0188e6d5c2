"""A person editing the suppression list: adding an address by hand, changing or removing an entry.

Each change is audited and kept in the entry's history (simple-history keeps removed rows too).
Adding goes through ``mail_events.suppression_add``, the one way onto the list that tracking
webhooks and the one-click unsubscribe use as well. The console's permissions hold here too:
senior reviewers may add entries; only admins may change or remove one.
"""

from __future__ import annotations

from django.db import transaction

from ..apps import perm
from ..audit_actions import AuditAction
from ..models.mail import Suppression
from .actors import Actor
from .audit import audit_record
from .mail_events import suppression_add


class SuppressionRefused(Exception):
    """The person may not make this change to the suppression list."""


def _require(actor: Actor, permission: str, what: str) -> None:
    if actor.user is None or actor.client is not None or not actor.user.has_perm(perm(permission)):
        raise SuppressionRefused(f"only a person allowed to {what} (permission {permission}) can do that")


def suppression_create(*, address: str, reason: str, actor: Actor, note: str = "") -> tuple[Suppression, bool]:
    """A person puts an address on the list (``created_by``: that person). Returns (entry, created);
    an address already there for that reason is left as it is."""
    _require(actor, "add_suppression", "add to the suppression list")
    return suppression_add(address=address, reason=reason, note=note, user=actor.user, actor=actor)


def suppression_change(*, suppression_id: int, address: str, reason: str, note: str, actor: Actor) -> Suppression:
    """A person changes an entry's address, reason or note (the address is stored normalised)."""
    _require(actor, "change_suppression", "change the suppression list")
    with transaction.atomic():
        entry = Suppression.objects.select_for_update().get(pk=suppression_id)
        entry.address, entry.reason, entry.note = address, reason, note
        entry._history_user = actor.user
        entry.save()
        audit_record(action=AuditAction.SUPPRESSION_CHANGED, actor=actor,
                     data={"address": entry.address, "reason": entry.reason, "note": entry.note})
    return entry


def suppression_remove(*, suppression_id: int, actor: Actor) -> None:
    """A person takes an entry off the list: hitlcrm may send to that address (for that reason) again."""
    _require(actor, "delete_suppression", "remove from the suppression list")
    with transaction.atomic():
        entry = Suppression.objects.select_for_update().get(pk=suppression_id)
        audit_record(action=AuditAction.SUPPRESSION_REMOVED, actor=actor,
                     data={"address": entry.address, "reason": entry.reason})
        entry._history_user = actor.user
        entry.delete()
