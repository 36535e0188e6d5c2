"""One-click unsubscribe (RFC 8058): the headers every sent email carries, and what a click does.

Each email carries ``List-Unsubscribe: <https://…/mail/unsubscribe/<token>/>, <mailto:…>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. The token is signed (Django's ``signing``
with its own salt, so no other signed value of hitlcrm passes for one) and names the email and its
recipients: it cannot be forged for another address, and it never expires (CAN-SPAM wants an opt-out
to work for at least 30 days after sending; a mailbox provider may POST much later).

A POST to the URL (:func:`email_unsubscribe`) puts the addresses on the suppression list at once
and writes ``HasOptedOutOfEmail = true`` back to the recipient's CRM record. It is replay-safe: a
second POST finds everything done and changes nothing.

Why the CRM write is a CRM change proposal (made by the system client, approved by the
``email_opt_out`` policy) and not a direct API call: that path already gives the write its audit
trail, its exactly-once execution (claim, Execution row, retries of transient errors, the sweeper)
and its conflict baseline, and it shows in the console like any other change; a direct write from
the web request would need all of that again and would be lost if Salesforce was down at the click.
The proposal's Idempotency-Key (one per email and record) makes a repeated click a replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse

from ..audit_actions import AuditAction
from ..conf import hitlcrm_settings
from ..kinds import kind_values
from ..models import ApiClient, Policy, PolicyMode, Proposal
from ..models.mail import SuppressionReason, normalise_address
from ..models.policies import Stakes
from ..versions import UNVERSIONED, version_filter
from .actors import Actor
from .audit import audit_record

SALT = "hitlcrm.mail.unsubscribe"
SYSTEM_CLIENT = "hitlcrm-system"
OPT_OUT_TASK_TYPE = "email_opt_out"
# CRM objects whose records carry the email opt-out flag.
OPT_OUT_OBJECTS = frozenset({"Contact", "Lead"})
OPT_OUT_FIELD = "HasOptedOutOfEmail"


class UnsubscribeRefused(Exception):
    """The token is not one hitlcrm signed (forged, cut short, or signed with another key)."""


def unsubscribe_token(*, proposal_id: int, addresses: list[str]) -> str:
    """Signed per email and recipients (a cold email normally has one recipient)."""
    return signing.dumps({"p": proposal_id, "a": sorted({normalise_address(a) for a in addresses})},
                         salt=SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, list[str]]:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise UnsubscribeRefused("This unsubscribe link is not valid.") from exc
    if not (isinstance(value, dict) and isinstance(value.get("p"), int) and isinstance(value.get("a"), list)):
        raise UnsubscribeRefused("This unsubscribe link is not valid.")
    return value["p"], [str(a) for a in value["a"]]


def unsubscribe_url(token: str) -> str:
    return hitlcrm_settings.BASE_URL.rstrip("/") + reverse("mail-unsubscribe", args=[token])


def list_unsubscribe_headers(token: str, *, from_email: str) -> dict[str, str]:
    """RFC 2369 ``List-Unsubscribe`` (the https URL first, then a mailto) and RFC 8058's
    ``List-Unsubscribe-Post``. Both must be covered by the DKIM signature (docs/mail.md)."""
    mailbox = normalise_address(hitlcrm_settings.UNSUBSCRIBE_MAILTO or from_email or settings.DEFAULT_FROM_EMAIL)
    links = [f"<{unsubscribe_url(token)}>"]
    if mailbox:
        links.append(f"<mailto:{mailbox}?subject={quote('unsubscribe ' + token[-16:])}>")
    return {"List-Unsubscribe": ", ".join(links), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass
class Unsubscribed:
    proposal_id: int
    addresses: list[str]
    added: list[str] = field(default_factory=list)  # addresses this call put on the suppression list
    crm_change_id: int | None = None


def system_client() -> ApiClient:
    """The API client hitlcrm itself submits as (CRM write-backs); its user can never log in."""
    client = ApiClient.objects.filter(name=SYSTEM_CLIENT).first()
    if client is not None:
        return client
    user, created = get_user_model().objects.get_or_create(username=SYSTEM_CLIENT, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    client, _ = ApiClient.objects.get_or_create(name=SYSTEM_CLIENT, defaults={"user": user})
    return client


def opt_out_policy() -> Policy:
    """The policy that approves opt-out write-backs: calibrated, field validity only, no sampling.
    Made on first use; a senior reviewer may change it (e.g. to always review) like any policy."""
    policy, _ = Policy.objects.get_or_create(task_type=OPT_OUT_TASK_TYPE, **version_filter(UNVERSIONED), defaults={
        "mode": PolicyMode.CALIBRATED, "checks": ["field_validity"], "confidence_threshold": 0.0,
        "field_confidence_threshold": 0.0, "audit_sample_rate": 0.0, "stakes": Stakes.LOW,
    })
    return policy


def email_unsubscribe(*, token: str, actor: Actor) -> Unsubscribed:
    """A recipient's one-click unsubscribe. Raises :class:`UnsubscribeRefused` for a bad token."""
    from .mail_events import suppression_add

    proposal_id, addresses = unsubscribe_read(token)
    result = Unsubscribed(proposal_id, addresses)
    with transaction.atomic():
        proposal = Proposal.objects.filter(pk=proposal_id, kind__in=kind_values(sends_email=True)).first()
        for address in addresses:
            _, created = suppression_add(
                address=address, reason=SuppressionReason.UNSUBSCRIBE, actor=actor, proposal=proposal,
                provider="one-click", source_event_id=f"unsubscribe:{proposal_id}",
                note=f"one-click unsubscribe from email #{proposal_id}",
            )
            if created:
                result.added.append(address)
        if proposal is not None and proposal.crm_object in OPT_OUT_OBJECTS and proposal.crm_id:
            result.crm_change_id = _opt_out_writeback(proposal, actor=actor)
        if result.added:
            audit_record(action=AuditAction.UNSUBSCRIBED, actor=actor, proposal=proposal,
                         data={"addresses": addresses, "added": result.added, "crm_change": result.crm_change_id})
    return result


def _opt_out_writeback(proposal: Proposal, *, actor: Actor) -> int:
    """Submit (once per email and record) the CRM change setting the opt-out flag; its checks and the
    ``email_opt_out`` policy approve it and the executor writes it, as for any change."""
    from ..kinds.crm_change import CrmChangeKind
    from .submission import Submission, proposals_submit

    opt_out_policy()
    data: dict[str, Any] = {
        "kind": "update", "crm_object": proposal.crm_object, "crm_id": proposal.crm_id,
        "fields": {OPT_OUT_FIELD: True}, "field_confidence": {OPT_OUT_FIELD: 1.0}, "confidence": 1.0,
        "task_type": OPT_OUT_TASK_TYPE, "external_ref": f"unsubscribe:{proposal.pk}",
        "evidence": [{"source": "one-click unsubscribe (RFC 8058)",
                      "quote": f"The recipient of email #{proposal.pk} unsubscribed."}],
        "assumptions": [],
    }
    key = f"unsubscribe:{proposal.pk}:{proposal.crm_object}:{proposal.crm_id}"
    (submitted,) = proposals_submit(client=system_client(), kind=CrmChangeKind.value,
                                    submissions=[Submission(data, dict(data), key)], actor=actor)
    return submitted.proposal.pk
