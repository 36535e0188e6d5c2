"""Email drafts: an outbound email an agent wrote, sent by the mail executor once approved.

A reviewer may edit the subject, the body and the HTML body; recipients and sender stay as the
agent gave them (a different recipient is a different email, to be submitted as such).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings

from ..checks.text import email_parts
from ..models.mail import MailDelivery
from ..models.proposals import ProposalKind
from ..text_diff import word_diff_html
from . import register
from .base import EditRefused, Kind

EMAIL_EDITABLE = ("subject", "body", "body_html")
# A subject is one header line: no line break of any kind (CR, LF, NEL, U+2028/9) and no other
# control character may reach it. Tabs are folding white space, allowed in headers.
_NOT_IN_SUBJECT = {"Cc", "Zl", "Zp"}


def email_text_problem(name: str, value: Any) -> str:
    """Why ``value`` cannot be an email's ``subject`` or ``body`` ("" when it can). The API's
    validation and reviewers' edits both ask here, so both doors hold the same rules."""
    if not isinstance(value, str) or not value.strip():
        return "This field may not be blank."
    if name == "subject" and any(unicodedata.category(ch) in _NOT_IN_SUBJECT and ch != "\t" for ch in value):
        return "A subject cannot contain line breaks or control characters."
    return ""


def _texts_typed(post: Any) -> dict[str, str]:
    # Browsers send textarea line breaks as CRLF; the AI's text uses LF.
    return {name: post[name].replace("\r\n", "\n") for name in EMAIL_EDITABLE if name in post}


BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|tr|blockquote|pre)\s*>|<br\s*/?>|<hr\b", re.I)
TAG = re.compile(r"<[^>]*>")


def html_height_em(html: str) -> float:
    """About how tall the HTML part renders, in em: the sandboxed frame that shows it runs no script,
    so the page cannot measure it. A short message gets a short frame instead of 44 % of the screen
    left blank; a long one is capped by the stylesheet and scrolls inside the frame."""
    if not html:
        return 0
    text = TAG.sub("", BLOCK_END.sub("\n", html))
    lines = sum(max(1, -(-len(line.strip()) // 75)) for line in text.splitlines() if line.strip())
    blocks = len(BLOCK_END.findall(html))
    return round(2 + 1.5 * lines + 0.8 * blocks, 1)


@register
class EmailDraftKind(Kind):
    value = ProposalKind.EMAIL_DRAFT.value
    label = ProposalKind.EMAIL_DRAFT.label
    plural_label = "Email drafts"
    model_name = "emaildraft"
    executor = "mail"
    sends_email = True

    api_prefix = "email-drafts"
    api_basename = "email-draft"
    submit_serializer = "reviews.api.serializers.EmailDraftSubmitSerializer"
    bulk_item_serializer = "reviews.api.serializers.EmailDraftBulkItemSerializer"
    bulk_doc_serializer = "reviews.api.serializers.EmailDraftBulkDoc"

    review_output_template = "admin/reviews/kinds/email_draft/output.html"

    # --- submission ---------------------------------------------------------------------------
    def default_task_type(self, data: Mapping[str, Any]) -> str:
        return data.get("task_type") or "cold_email"

    def payload_store(self, proposal: Any, data: Mapping[str, Any], *, now: datetime) -> list[Any]:
        proposal.recipients = list(data["to"])
        proposal.subject = data["subject"]
        proposal.body = data["body"]
        proposal.body_html = data.get("body_html") or ""
        proposal.from_email = data.get("from_email") or ""
        return []

    # --- checks and the gate ------------------------------------------------------------------
    def readable_parts(self, proposal: Any, field_changes: list[Any]) -> list[tuple[str, str]]:
        return email_parts(proposal)

    def search_parts(self, proposal: Any, field_changes: list[Any]) -> list[str]:
        # Recipients and sender first: they survive the length cap of a very long body.
        return [*map(str, proposal.recipients or []), proposal.from_email or "",
                *super().search_parts(proposal, field_changes)]

    def auto_approval_hold(self, proposal: Any) -> str:
        # The complaint and bounce circuit breaker (services/sender_health.py).
        from ..services.sender_health import sender_pause_reason

        return sender_pause_reason(proposal.from_email)

    def as_edited(self, proposal: Any, edits: Mapping[str, Any], *,
                  fields: Collection[str] | None = None) -> tuple[Any, list[Any]]:
        view = copy.copy(proposal)
        for name in EMAIL_EDITABLE:
            if name in edits:
                setattr(view, name, edits[name])
        return view, []

    # --- decisions ----------------------------------------------------------------------------
    def golden_edits_problem(self, source: Any, edits: Mapping[str, Any]) -> str:
        unknown = set(edits) - set(EMAIL_EDITABLE)
        if unknown:
            return f"the source has no {', '.join(sorted(unknown))} to edit"
        for name in ("subject", "body"):
            problem = email_text_problem(name, edits[name]) if name in edits else ""
            if problem:
                return f"the {name}: {problem}"
        return ""

    def golden_copy_apply(self, source: Any, copy_: Any, edits: Mapping[str, Any], *, now: datetime) -> None:
        for name in EMAIL_EDITABLE:
            if name in edits:
                setattr(copy_, name, edits[name])
        if edits and isinstance(copy_.original_output, dict):
            copy_.original_output = {**copy_.original_output, **edits}

    def editable_fields(self, proposal: Any) -> list[str]:
        return list(EMAIL_EDITABLE)

    def edits_of(self, proposal: Any, edits: Mapping[str, Any]) -> dict[str, list[Any]]:
        unknown = set(edits) - set(EMAIL_EDITABLE)
        if unknown:
            raise EditRefused(f"cannot edit {', '.join(sorted(unknown))} of an email draft")
        changed: dict[str, list[Any]] = {}
        for name, value in edits.items():
            problem = email_text_problem(name, value) if name in ("subject", "body") else ""
            if problem:
                raise EditRefused(f"the edited {name} cannot be sent: {problem}")
            if value != getattr(proposal, name):
                changed[name] = [getattr(proposal, name), value]
        return changed

    def approved_before(self, proposal: Any) -> tuple[dict[str, Any], dict[str, bool] | None]:
        approved = proposal.final_output or {}
        return {name: approved[name] for name in EMAIL_EDITABLE
                if name in approved and approved[name] != getattr(proposal, name)}, None

    def final_output(self, proposal: Any, edits: Mapping[str, Any] | None) -> dict[str, Any]:
        edits = edits or {}
        return {
            "to": list(proposal.recipients),
            "from_email": proposal.from_email,
            **{name: edits.get(name, getattr(proposal, name)) for name in EMAIL_EDITABLE},
        }

    def execution_payload(self, proposal: Any) -> dict[str, Any]:
        """The message as approved, after edits: recipients, sender, subject, text and HTML bodies, as
        the mail executor renders it (``sending.final_email``). The footer and the unsubscribe headers
        the gate adds to every email at send time (with a fresh signed link) are not the reviewer's
        content and are added after the executor's check."""
        from ..services.sending import final_email

        return final_email(proposal)

    def rescue_apply(self, proposal: Any, final: Mapping[str, Any]) -> list[str]:
        from ..checks.outreach import outreach_keys_record

        for name, value in final.items():
            setattr(proposal, name, value)
        outreach_keys_record([proposal])  # the duplicate check knows the draft by its new text too
        return list(final)

    def output_edits(self, original: Mapping[str, Any], final: Mapping[str, Any]) -> dict[str, list[Any]]:
        return {name: [original.get(name) or "", final.get(name) or ""] for name in EMAIL_EDITABLE
                if (original.get(name) or "") != (final.get(name) or "")}

    # --- the console --------------------------------------------------------------------------
    def queue_item(self, proposal: Any, identity: Any = None) -> tuple[str, str]:
        more = f" +{len(proposal.recipients) - 1}" if len(proposal.recipients) > 1 else ""
        title = proposal.subject or "(no subject)"
        who = proposal.company_name or proposal.crm_id or "—"
        if identity is not None and identity.record is not None:
            # The recipient as the CRM knows them: the person, and whether they opted out of email.
            who = " · ".join(part for part in (identity.label, identity.summary) if part)
            if identity.record.opted_out:
                who += " · opted out of email"
        about = f"to {proposal.recipients[0] if proposal.recipients else '—'}{more} · {who}"
        return title, about

    def review_context(self, proposal: Any, *, user: Any, typed_in: Mapping[str, Any],
                       approved_fields: Collection[str] | None, policy: Any, evidence: Mapping[int, Any],
                       decisions: list[Any], now: datetime) -> dict[str, Any]:
        """The email as it is (or will be) sent: the approved texts once approved, the AI's before;
        when a reviewer edited it, a word-level diff of each edited part from the AI's text to the
        approved one; and the last email hitlcrm sent to the same CRM record."""
        approved = proposal.final_output or {}
        sent = {name: approved.get(name, getattr(proposal, name)) if approved else getattr(proposal, name)
                for name in EMAIL_EDITABLE}
        edits = self.output_edits(proposal.original_output or {}, approved) if approved else {}
        diffs = [{"name": name, "label": {"subject": "Subject", "body": "Body", "body_html": "HTML"}[name],
                  "html": word_diff_html(str(before or ""), str(after or ""))}
                 for name, (before, after) in edits.items()]
        return {
            "inputs": {name: typed_in.get(name, sent[name]) for name in EMAIL_EDITABLE},
            "sent": sent,
            "edited": bool(edits),
            "text_diffs": diffs,
            "last_sent": self.last_sent_to(proposal),
            # The address it goes out from: its own, else the project's DEFAULT_FROM_EMAIL (as the mail
            # executor sends it), so the reviewer reads the real sender, not a placeholder.
            "sender": proposal.from_email or settings.DEFAULT_FROM_EMAIL,
            "html_height_em": html_height_em(sent["body_html"] or ""),
        }

    def last_sent_to(self, proposal: Any) -> Any:
        """The latest email hitlcrm sent to the proposal's CRM record before this one (its
        ``MailDelivery``, with the proposal's subject), in one query; None when none was sent."""
        if not (proposal.crm_object and proposal.crm_id):
            return None
        return (MailDelivery.objects.filter(proposal__crm_object=proposal.crm_object, proposal__crm_id=proposal.crm_id,
                                            sent_at__isnull=False)
                .exclude(proposal_id=proposal.pk).select_related("proposal")
                .only("sent_at", "proposal_id", "proposal__subject", "proposal__final_output")
                .order_by("-sent_at").first())

    def form_edits(self, post: Any, proposal: Any) -> dict[str, Any]:
        return _texts_typed(post)

    def form_typed_back(self, post: Any) -> tuple[dict[str, Any], set[str] | None]:
        return _texts_typed(post), None

    def execution_log(self, proposal: Any) -> dict[str, Any] | None:
        """No push log exists for an email: its ``MailDelivery`` keeps the attempt that called the
        provider and what followed."""
        delivery = MailDelivery.objects.filter(proposal_id=proposal.pk).first()
        return {"delivery": delivery} if delivery is not None else None
