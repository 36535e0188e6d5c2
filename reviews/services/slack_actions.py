"""Decisions from Slack: a click on Approve or on a reason of "Reject with a reason…".

The click is a door like the console's: it ends in ``decisions.proposal_decide`` with the reviewer
as the actor, so four-eyes, segregation of duties, the row lock (two clicks, one decision) and every
refusal are the service's. Before that, this module decides whether the click may be taken at all:

1. the request carries Slack's valid signature and a timestamp within five minutes (else 401);
2. it was not seen before (a replay is refused with 409 and changes nothing);
3. the Slack user is linked to an active hitlcrm reviewer holding ``hitlcrm_reviews.decide_proposal``;
4. the item may be decided outside the console (one approver, no per-field decision), and nobody
   else holds a live claim on it in the console.

Whatever is refused is told to the clicking user only (an ephemeral message) and recorded in the
audit history; the channel's message changes only when a decision was recorded (the status change
queues its update, see ``notifications``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.slack.blocks import APPROVE_ACTION, REJECT_ACTION
from integrations.slack.signing import SIGNATURE_HEADER, request_signed_by_slack

from ..apps import perm
from ..audit_actions import AuditAction
from ..conf import hitlcrm_settings
from ..models import Decision, Proposal, ReasonCode, ReviewerNotificationProfile, SlackRequest
from ..state_machine import DECIDABLE, IllegalTransition
from .actors import Actor
from .audit import audit_record
from .decisions import DecisionRefused, proposal_decide
from .notification_content import console_only_reason
from .notifications import notification_ephemeral

SLACK = Actor.system("slack")
NOT_ALLOWED = ("You are not allowed to decide in hitlcrm from Slack: your Slack account is not linked to an active "
               "reviewer. Ask an administrator to link it (console → Reviewer notification profiles). Nothing changed.")


@dataclass(frozen=True)
class SlackAnswer:
    """What the endpoint answers Slack (``status``), and what the clicking user was told."""

    status: int
    told: str = ""
    decided: bool = False


@dataclass(frozen=True)
class Click:
    team: str
    user: str
    channel: str
    message_ts: str
    action: str  # approve | reject
    proposal_id: int
    reason_code: str = ""


def slack_interaction(*, body: bytes, headers: Mapping[str, str], remote_addr: str | None = None) -> SlackAnswer:
    """Handle one interactive request from Slack (the raw body and its headers)."""
    origin = dataclasses.replace(SLACK, ip=remote_addr, user_agent="Slack")
    if not request_signed_by_slack(secret=hitlcrm_settings.SLACK_SIGNING_SECRET, body=body, headers=headers):
        audit_record(action=AuditAction.SLACK_REQUEST_REFUSED, actor=origin,
                     data={"reason": "signature or timestamp not valid (forged, altered or older than five minutes)"})
        return SlackAnswer(status=401)
    if not _first_sight(headers):
        audit_record(action=AuditAction.SLACK_REQUEST_REFUSED, actor=origin,
                     data={"reason": "replayed: this request was seen"})
        return SlackAnswer(status=409)
    click = _click_of(body)
    if click is None:
        return SlackAnswer(status=200)  # "Open in console" (a link) and anything else: nothing to do
    return _decide(click, remote_addr=remote_addr)


def _first_sight(headers: Mapping[str, str]) -> bool:
    """Record the request as seen; False when it was seen before. Its own transaction: a replay is
    refused even when the first request's decision is still being made."""
    signature = {key.lower(): value for key, value in headers.items()}.get(SIGNATURE_HEADER.lower(), "")
    try:
        with transaction.atomic():
            SlackRequest.objects.create(signature_hash=hashlib.sha256(signature.encode()).hexdigest())
    except IntegrityError:
        return False
    return True


def _click_of(body: bytes) -> Click | None:
    """The decision a ``block_actions`` payload asks for, or None (not a decision, or malformed)."""
    try:
        form = parse_qs(body.decode("utf-8"), strict_parsing=False)
        payload = json.loads(form.get("payload", ["{}"])[0])
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return None
    actions = payload.get("actions") or []
    action = actions[0] if actions and isinstance(actions[0], dict) else {}
    user = payload.get("user") or {}
    team = (payload.get("team") or {}).get("id") or user.get("team_id") or ""
    channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id") or ""
    message_ts = (payload.get("container") or {}).get("message_ts") or ""
    action_id = action.get("action_id")
    try:
        if action_id == APPROVE_ACTION:
            return Click(team, user.get("id", ""), channel, message_ts, "approve", int(action.get("value", "")))
        if action_id == REJECT_ACTION:
            proposal_id, _, reason = str((action.get("selected_option") or {}).get("value", "")).partition(":")
            return Click(team, user.get("id", ""), channel, message_ts, "reject", int(proposal_id), reason)
    except ValueError:
        return None
    return None  # OPEN_ACTION (a link button: Slack reports the click, the browser does the rest) and others


def _reviewer(click: Click) -> Any:
    """The active reviewer linked to this Slack user who may decide, or None."""
    profile = (ReviewerNotificationProfile.objects.select_related("user")
               .filter(slack_team_id=click.team, slack_user_id=click.user).exclude(slack_user_id="").first())
    if profile is None or not profile.user.is_active or not profile.user.has_perm(perm("decide_proposal")):
        return None
    return profile.user


def _refuse(click: Click, told: str, *, why: str, actor: Actor, proposal: Proposal | None = None) -> SlackAnswer:
    with transaction.atomic():
        audit_record(action=AuditAction.SLACK_ACTION_REFUSED, actor=actor, proposal=proposal,
                     data={**_about(click), "reason": why, "told": told})
        if click.channel and click.user:
            notification_ephemeral(channel=click.channel, slack_user=click.user, text=told)
    return SlackAnswer(status=200, told=told)


def _about(click: Click) -> dict[str, Any]:
    return {"slack_team": click.team, "slack_user": click.user, "slack_channel": click.channel,
            "slack_message_ts": click.message_ts, "action": click.action, "proposal": click.proposal_id,
            "reason_code": click.reason_code}


def _decide(click: Click, *, remote_addr: str | None) -> SlackAnswer:
    anonymous = dataclasses.replace(SLACK, ip=remote_addr, user_agent=f"Slack {click.team}/{click.user}")
    user = _reviewer(click)
    if user is None:
        return _refuse(click, NOT_ALLOWED, why="not a linked, active reviewer", actor=anonymous)
    actor = dataclasses.replace(Actor.for_user(user), ip=remote_addr, user_agent=f"Slack {click.team}/{click.user}")
    proposal = Proposal.objects.filter(pk=click.proposal_id).select_related("claimed_by", "decided_by").first()
    if proposal is None:
        return _refuse(click, "That item does not exist any more; nothing changed.", why="no such item", actor=actor)
    label = f"{proposal.get_kind_display()} #{proposal.pk}"
    if click.action == "reject" and click.reason_code not in ReasonCode.values:
        return _refuse(click, f"{label}: choose a reason to reject it; nothing changed.", why="no reason code",
                       actor=actor, proposal=proposal)
    if proposal.status not in DECIDABLE:
        who = f" by {proposal.decided_by.get_username()}" if proposal.decided_by_id else ""
        return _refuse(click, f"{label} is already {proposal.get_status_display().lower()}{who}; nothing changed.",
                       why=f"already {proposal.status}", actor=actor, proposal=proposal)
    reason = console_only_reason(proposal)
    if reason:
        return _refuse(click, f"{label} cannot be decided from Slack: {reason}. Open it in the console: "
                              f"{proposal.review_url()}", why=reason, actor=actor, proposal=proposal)
    now = timezone.now()
    if (proposal.claimed_by_id and proposal.claimed_by_id != user.pk and proposal.claimed_until
            and proposal.claimed_until > now):
        holder = proposal.claimed_by.get_username()
        return _refuse(click, f"{holder} is reviewing {label} in the console right now; nothing changed.",
                       why=f"claimed by {holder}", actor=actor, proposal=proposal)
    action = Decision.Action.APPROVE if click.action == "approve" else Decision.Action.REJECT
    try:
        decided = proposal_decide(proposal_id=proposal.pk, actor=actor, action=action,
                                  reason_code=click.reason_code if action == Decision.Action.REJECT else "")
    except (DecisionRefused, IllegalTransition) as exc:
        return _refuse(click, f"{label}: {exc}", why=str(exc), actor=actor, proposal=proposal)
    audit_record(action=AuditAction.SLACK_DECIDED, actor=actor, proposal=decided,
                 data={**_about(click), "status": decided.status})
    return SlackAnswer(status=200, decided=True)
