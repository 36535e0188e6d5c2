"""The links of reviewer emails: signed, for one recipient, single-use and short-lived.

A link names a random nonce signed with Django's ``TimestampSigner`` (the project's SECRET_KEY, a salt
of its own); the database keeps only the nonce's hash, the recipient, the item and the expiry. Opening
it requires the recipient's console login: a link forwarded to someone else, opened a second time or
opened after ``HITLCRM_NOTIFICATION_LINK_SECONDS`` is refused. A mail scanner that fetches the link
without a session is sent to the login page and does not use it up.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..audit_actions import AuditAction
from ..conf import hitlcrm_settings
from ..models import Notification, NotificationLink, Proposal
from .actors import Actor
from .audit import audit_record

SALT = "hitlcrm.notification-link"


class LinkRefused(Exception):
    """The link cannot be used; ``http_status`` is the HTTP answer (400 forged, 403 someone else's,
    410 used or expired) and the message says why."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.http_status = status


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def notification_link_issue(*, recipient: Any, proposal: Proposal, notification: Notification | None = None) -> str:
    """A new link to ``proposal``'s review page for ``recipient``: its absolute URL."""
    nonce = secrets.token_urlsafe(24)
    lifetime = timedelta(seconds=int(hitlcrm_settings.NOTIFICATION_LINK_SECONDS))
    NotificationLink.objects.create(nonce_hash=_hash(nonce), recipient=recipient, proposal=proposal,
                                    notification=notification, expires_at=timezone.now() + lifetime)
    token = signing.TimestampSigner(salt=SALT).sign(nonce)
    return hitlcrm_settings.BASE_URL.rstrip("/") + reverse("notification-link", args=[token])


def notification_link_open(*, token: str, actor: Actor) -> Proposal:
    """Use a link: the item it opens, once, for its recipient (``actor.user``); LinkRefused otherwise."""
    lifetime = int(hitlcrm_settings.NOTIFICATION_LINK_SECONDS)
    try:
        nonce = signing.TimestampSigner(salt=SALT).unsign(token, max_age=lifetime)
    except signing.SignatureExpired as exc:
        raise LinkRefused("This link has expired. Open the item from the console's queue.", status=410) from exc
    except signing.BadSignature as exc:
        raise LinkRefused("This link is not valid.", status=400) from exc
    with transaction.atomic():
        link = (NotificationLink.objects.select_for_update().select_related("proposal")
                .filter(nonce_hash=_hash(nonce)).first())
        if link is None:
            raise LinkRefused("This link is not valid.", status=400)
        if link.recipient_id != actor.user.pk:
            raise LinkRefused("This link was sent to someone else; open the item from the console's queue.", status=403)
        if link.used_at is not None:
            raise LinkRefused("This link was used already; open the item from the console's queue.", status=410)
        if link.expires_at <= timezone.now():
            raise LinkRefused("This link has expired. Open the item from the console's queue.", status=410)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        audit_record(action=AuditAction.NOTIFICATION_LINK_OPENED, actor=actor, proposal=link.proposal,
                     data={"link": link.pk, "notification": link.notification_id})
        return link.proposal
