"""The optional AI reviewer: a second model reads the draft the first one wrote.

It calls an OpenAI-compatible chat-completions endpoint (``POST {HITLCRM_AI_REVIEWER_URL}/chat/completions``:
hosted providers and local servers such as vLLM, llama.cpp or Ollama alike) and asks for a strict
JSON verdict::

    {"verdict": "pass" | "fail", "reasons": ["..."], "spans": [{"field": "subject" | "body", "text": "..."}]}

Its result is always soft: a "fail" sends the draft to a person, never blocks it. Anything else
fails soft too and is never taken for a pass: an answer that is not exactly that shape ("could not
be read"), a timeout, an HTTP or network error, an unconfigured check a policy names, and a used-up
daily budget. A compliance user expects a configured reviewer either to have looked or to say it
did not: an item it did not look at must not be auto-approved as though it had, so an exhausted
budget routes drafts to people (raise the budget, or drop the check from the policy, to choose
otherwise).

The call happens before the record's row lock is taken (:meth:`AiReviewerCheck.gather`), so a slow
model holds no lock. The budget (calls per UTC day, ``HITLCRM_AI_REVIEWER_DAILY_BUDGET``) is a
database row shared by every worker process (:class:`reviews.models.CheckBudget`).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC
from typing import Any

import requests
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from ..conf import hitlcrm_settings
from .base import SOFT, Check, CheckContext, CheckOutcome, Span, registry
from .text import email_parts

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = """You review cold sales emails an AI wrote before a person approves them.
Fail a draft that has any of: an unfilled template placeholder; pushy, hype, guilt-tripping,
apologetic or presumptuous tone; a claim the evidence does not support; personal data that should
not be there; an error of fact about the recipient's company. Otherwise pass it.
Answer with one JSON object and nothing else:
{"verdict": "pass" or "fail", "reasons": [short strings, at least one when failing],
 "spans": [{"field": "subject" or "body", "text": "the exact offending words, copied from the draft"}]}"""

UNREADABLE = "The AI reviewer's answer could not be read; review by hand"
FIELDS = {"subject", "body"}


class AiReviewerAnswerError(ValueError):
    """The model's answer is not the verdict asked for."""


def configured() -> bool:
    return bool(hitlcrm_settings.AI_REVIEWER_URL)


def budget_reserve(check_name: str, limit: int) -> bool:
    """Take one call from today's (UTC) budget; False when it is used up. One conditional UPDATE,
    so concurrent workers never overspend."""
    from ..models import CheckBudget

    today = timezone.now().astimezone(UTC).date()
    try:
        CheckBudget.objects.get_or_create(check_name=check_name, day=today)
    except IntegrityError:  # another process created today's row first
        pass
    return CheckBudget.objects.filter(check_name=check_name, day=today, used__lt=limit).update(
        used=F("used") + 1) == 1


def parse_verdict(content: Any) -> dict[str, Any]:
    """The verdict in the model's message content, or :class:`AiReviewerAnswerError`. Strict:
    one JSON object (no prose, no code fence), ``verdict`` exactly "pass" or "fail", ``reasons`` a
    list of strings (at least one for a fail), ``spans`` (optional) objects of ``field`` and
    ``text``. Other keys are ignored."""
    if not isinstance(content, str):
        raise AiReviewerAnswerError("the message has no text content")
    try:
        answer = json.loads(content)
    except ValueError as exc:
        raise AiReviewerAnswerError("the answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise AiReviewerAnswerError("the answer is not a JSON object")
    verdict, reasons, spans = answer.get("verdict"), answer.get("reasons", []), answer.get("spans", [])
    if verdict not in ("pass", "fail"):
        raise AiReviewerAnswerError(f"verdict is {verdict!r}, not 'pass' or 'fail'")
    if not isinstance(reasons, list) or not all(isinstance(r, str) and r.strip() for r in reasons):
        raise AiReviewerAnswerError("reasons is not a list of strings")
    if verdict == "fail" and not reasons:
        raise AiReviewerAnswerError("a fail gives no reason")
    if not isinstance(spans, list) or not all(
            isinstance(s, dict) and s.get("field") in FIELDS and isinstance(s.get("text"), str) and s["text"]
            for s in spans):
        raise AiReviewerAnswerError("spans is not a list of {field, text}")
    return {"verdict": verdict, "reasons": [r.strip() for r in reasons],
            "spans": [{"field": s["field"], "text": s["text"]} for s in spans]}


def _draft_message(proposal: Any) -> str:
    evidence = [{"source": e.get("source"), "quote": e.get("quote")} for e in proposal.evidence or []
                if isinstance(e, dict)]
    return json.dumps({"company": proposal.company_name, "subject": proposal.subject, "body": proposal.body,
                       "evidence": evidence, "assumptions": proposal.assumptions or []}, ensure_ascii=False)


def ai_review(proposal: Any) -> dict[str, Any]:
    """Ask the configured model. Returns ``{"state": ...}``: ``verdict`` (with the parsed answer),
    ``unconfigured``, ``budget``, ``timeout``, ``error`` or ``unreadable`` (with ``problem``)."""
    if not configured():
        return {"state": "unconfigured"}
    if not budget_reserve(AiReviewerCheck.name, hitlcrm_settings.AI_REVIEWER_DAILY_BUDGET):
        return {"state": "budget"}
    headers = {"Content-Type": "application/json"}
    if hitlcrm_settings.AI_REVIEWER_API_KEY:
        headers["Authorization"] = f"Bearer {hitlcrm_settings.AI_REVIEWER_API_KEY}"
    payload = {
        "model": hitlcrm_settings.AI_REVIEWER_MODEL,
        "temperature": 0,
        "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                     {"role": "user", "content": _draft_message(proposal)}],
    }
    timeout = hitlcrm_settings.AI_REVIEWER_TIMEOUT_SECONDS
    try:
        response = requests.post(f"{hitlcrm_settings.AI_REVIEWER_URL.rstrip('/')}/chat/completions", json=payload,
                                 headers=headers, timeout=(min(5.0, timeout), timeout))
    except requests.Timeout:
        return {"state": "timeout"}
    except requests.RequestException as exc:
        return {"state": "error", "problem": type(exc).__name__}
    if response.status_code != 200:
        return {"state": "error", "problem": f"HTTP {response.status_code}"}
    try:
        body = response.json()
        content = body["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return {"state": "unreadable", "problem": "not a chat-completions response"}
    try:
        return {"state": "verdict", **parse_verdict(content)}
    except AiReviewerAnswerError as exc:
        logger.warning("AI reviewer answer unreadable for proposal %s: %s", proposal.pk, exc)
        return {"state": "unreadable", "problem": str(exc)}


def _spans(proposal: Any, quoted: list[dict[str, str]]) -> list[dict[str, object]]:
    """The model's quoted words located in the draft (words it quoted that are not there are kept
    without offsets: the reviewer still sees them)."""
    parts = dict(email_parts(proposal))
    located = []
    for span in quoted:
        text = parts.get(span["field"], "")
        start = text.find(span["text"])
        if start >= 0:
            located.append(Span(start, start + len(span["text"]), span["text"], span["field"]).as_dict())
        else:
            located.append({"field": span["field"], "text": span["text"], "start": None, "end": None})
    return located


@registry.register
class AiReviewerCheck(Check):
    """A second model reads the draft (see the module). Soft; a default check only when
    ``HITLCRM_AI_REVIEWER_URL`` is set."""

    name = "ai_reviewer"
    severity = SOFT
    kinds = frozenset({"email_draft"})

    @property
    def default(self) -> bool:  # type: ignore[override]  (follows the setting, read at each resolve)
        return configured()

    def gather(self, proposal: Any, policy: Any) -> dict[str, Any]:
        return ai_review(proposal)

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        answer = context.extra.get(self.name) or self.gather(proposal, context.policy)
        state = answer["state"]
        if state == "verdict":
            details = {"verdict": answer["verdict"], "reasons": answer["reasons"],
                       "spans": _spans(proposal, answer["spans"]), "model": hitlcrm_settings.AI_REVIEWER_MODEL}
            if answer["verdict"] == "pass":
                return CheckOutcome(True, "The AI reviewer found nothing to fix", details)
            return CheckOutcome(False, f"The AI reviewer objects: {'; '.join(answer['reasons'][:3])}", details)
        messages = {
            "unconfigured": "The AI reviewer is not configured (HITLCRM_AI_REVIEWER_URL); review by hand",
            "budget": (f"The AI reviewer's daily budget is used up ({hitlcrm_settings.AI_REVIEWER_DAILY_BUDGET} "
                       "calls); review by hand"),
            "timeout": (f"The AI reviewer did not answer within {hitlcrm_settings.AI_REVIEWER_TIMEOUT_SECONDS:g} "
                        "seconds; review by hand"),
            "error": f"The AI reviewer could not be reached ({answer.get('problem', '')}); review by hand",
            "unreadable": UNREADABLE,
        }
        return CheckOutcome(False, messages[state], {"state": state, "problem": answer.get("problem", "")})
