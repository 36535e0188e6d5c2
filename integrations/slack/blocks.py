"""Block Kit messages, built from plain views (no database here).

What an agent wrote (a draft's subject and body, proposed values, evidence) goes into ``plain_text``
objects, never ``mrkdwn``: Slack renders no mention (``<!channel>``), link (``<https://x|y>``) or
formatting from plain text, so AI-written text cannot ping a channel or dress up a link. Our own
labels are ``mrkdwn`` with the three characters Slack reserves escaped.

Interactive elements carry the record's id; the endpoint looks the record up again and decides
through the decision service, so nothing in a message is trusted beyond "this person clicked this".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

APPROVE_ACTION = "hitlcrm_approve"
REJECT_ACTION = "hitlcrm_reject"
OPEN_ACTION = "hitlcrm_open"
# Slack's limits: section text 3000 characters, a field 2000, a button's text 75, an option's text 75.
SECTION_LIMIT = 2900
FIELD_LIMIT = 1900
FIELDS_PER_SECTION = 10
BODY_SHOWN = 1500
DIFF_SHOWN = 10


def escape(text: Any) -> str:
    """Text for a ``mrkdwn`` object: Slack's control characters escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: Any, limit: int) -> str:
    text = str(text if text is not None else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: Any, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit) or " ", "emoji": False}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(text, SECTION_LIMIT) or " "}


@dataclass(frozen=True)
class FieldDiff:
    field: str
    before: str
    proposed: str


@dataclass(frozen=True)
class FailingCheck:
    name: str
    severity: str
    message: str


@dataclass(frozen=True)
class ItemView:
    """One record as a message shows it."""

    proposal_id: int
    title: str  # "Email draft #12"
    task_type: str
    risk: int
    review_url: str
    identity: list[tuple[str, str]] = field(default_factory=list)  # ("Record", "Contact 003..."), ("To", ...)
    subject: str = ""
    body: str = ""
    diff: list[FieldDiff] = field(default_factory=list)
    other: list[tuple[str, str]] = field(default_factory=list)  # what else the record proposes
    failing_checks: list[FailingCheck] = field(default_factory=list)
    waiting: str = ""  # "waiting 12 min"
    sla: str = ""  # "due in 3 h", "overdue by 20 min"
    # While it waits: whether Approve and Reject are offered, or why only the console can decide it.
    decidable: bool = False
    console_reason: str = ""
    reasons: list[tuple[str, str]] = field(default_factory=list)  # reason codes (value, label)
    # Once it left the queue: what happened (from what hitlcrm recorded), "" while it waits.
    outcome: str = ""
    heading: str = ""  # above everything: "Waiting past its SLA"
    mentions: list[str] = field(default_factory=list)  # Slack user ids to mention with the heading


@dataclass(frozen=True)
class DigestItem:
    title: str
    detail: str
    url: str
    sla: str = ""


@dataclass(frozen=True)
class DigestQueue:
    label: str
    waiting: int
    overdue: int
    due_soon: int
    items: list[DigestItem] = field(default_factory=list)
    url: str = ""


@dataclass(frozen=True)
class DigestView:
    title: str
    queues: list[DigestQueue]


def item_text(view: ItemView) -> str:
    """The notification's plain text (what a phone's notification and a screen reader say)."""
    state = view.outcome or ("waits for review" + (f", {view.sla}" if view.sla else ""))
    return cut(f"{view.heading + ': ' if view.heading else ''}{view.title} ({view.task_type}) {state}", 300)


def item_message(view: ItemView) -> tuple[str, list[dict[str, Any]]]:
    """(text, blocks) of a record's message: what it proposes, the failing checks, the record's
    identity, then the buttons while it waits, or what happened once it has left the queue."""
    blocks: list[dict[str, Any]] = []
    if view.heading:
        who = " ".join(f"<@{escape(user)}>" for user in view.mentions)
        blocks.append({"type": "section", "text": mrkdwn(f":alarm_clock: *{escape(view.heading)}* {who}".strip())})
    summary = f"*{escape(view.title)}* · {escape(view.task_type)} · risk {view.risk}"
    when = " · ".join(part for part in (view.waiting, view.sla) if part)
    blocks.append({"type": "section", "text": mrkdwn(summary + (f"\n{escape(when)}" if when else ""))})
    if view.identity:
        blocks.append({"type": "context", "elements": [
            mrkdwn(" · ".join(f"{escape(label)}: {escape(cut(value, 200))}" for label, value in view.identity))]})
    if view.subject:
        blocks.append({"type": "section", "text": plain(f"Subject: {view.subject}")})
    if view.body:
        body = view.body if len(view.body) <= BODY_SHOWN else view.body[:BODY_SHOWN] + "… (the rest in the console)"
        blocks.append({"type": "section", "text": plain(body)})
    if view.diff:
        rows = [plain(f"{change.field}: {change.before or '(empty)'} → {change.proposed or '(empty)'}", FIELD_LIMIT)
                for change in view.diff[:DIFF_SHOWN]]
        for start in range(0, len(rows), FIELDS_PER_SECTION):
            blocks.append({"type": "section", "fields": rows[start:start + FIELDS_PER_SECTION]})
        if len(view.diff) > DIFF_SHOWN:
            blocks.append({"type": "context", "elements": [
                mrkdwn(f"and {len(view.diff) - DIFF_SHOWN} more field(s) in the console")]})
    if view.other:
        rows = [plain(f"{label}: {value}", FIELD_LIMIT) for label, value in view.other[:FIELDS_PER_SECTION]]
        blocks.append({"type": "section", "fields": rows})
    if view.failing_checks:
        lines = [f"• {escape(check.name)} ({escape(check.severity)})" for check in view.failing_checks[:8]]
        blocks.append({"type": "section", "text": mrkdwn(":warning: *Failing checks*\n" + "\n".join(lines))})
        blocks.append({"type": "context", "elements": [
            plain("; ".join(f"{check.name}: {check.message}" for check in view.failing_checks[:8]), 2000)]})
    if view.outcome:
        blocks.append({"type": "section", "text": plain(view.outcome)})
        blocks.append({"type": "actions", "block_id": f"hitlcrm-item-{view.proposal_id}",
                       "elements": [_open_button(view)]})
        return item_text(view), blocks
    elements: list[dict[str, Any]] = []
    if view.decidable:
        elements.append({
            "type": "button", "action_id": APPROVE_ACTION, "value": str(view.proposal_id), "style": "primary",
            "text": plain("Approve", 75),
            "confirm": {"title": plain("Approve?", 100), "text": plain(f"Approve {view.title} as shown?", 300),
                        "confirm": plain("Approve", 30), "deny": plain("Cancel", 30)},
        })
        elements.append({
            "type": "static_select", "action_id": REJECT_ACTION, "placeholder": plain("Reject with a reason…", 150),
            "options": [{"text": plain(label, 75), "value": f"{view.proposal_id}:{value}"}
                        for value, label in view.reasons],
        })
    elements.append(_open_button(view))
    blocks.append({"type": "actions", "block_id": f"hitlcrm-item-{view.proposal_id}", "elements": elements})
    if not view.decidable and view.console_reason:
        blocks.append({"type": "context", "elements": [mrkdwn(f"Decide in the console: {escape(view.console_reason)}")]})
    return item_text(view), blocks


def _open_button(view: ItemView) -> dict[str, Any]:
    return {"type": "button", "action_id": OPEN_ACTION, "text": plain("Open in console", 75), "url": view.review_url,
            "value": str(view.proposal_id)}


def digest_message(view: DigestView) -> tuple[str, list[dict[str, Any]]]:
    """(text, blocks) of a digest: per queue, how many wait, how many are overdue or due soon, and
    the most urgent ones with links to their review pages."""
    total = sum(queue.waiting for queue in view.queues)
    overdue = sum(queue.overdue for queue in view.queues)
    text = f"{view.title}: {total} waiting" + (f", {overdue} overdue" if overdue else "")
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain(view.title, 150)}]
    for queue in view.queues:
        counts = f"*{escape(queue.label)}*: {queue.waiting} waiting"
        if queue.overdue:
            counts += f" · :alarm_clock: {queue.overdue} overdue"
        if queue.due_soon:
            counts += f" · {queue.due_soon} due within the hour"
        if queue.url:
            counts += f" · <{queue.url}|open the queue>"
        blocks.append({"type": "section", "text": mrkdwn(counts)})
        lines = [f"• <{item.url}|{escape(cut(item.title, 120))}> {escape(cut(item.detail, 150))}"
                 + (f" · {escape(item.sla)}" if item.sla else "") for item in queue.items]
        if lines:
            blocks.append({"type": "section", "text": mrkdwn("\n".join(lines))})
    return cut(text, 300), blocks[:50]
