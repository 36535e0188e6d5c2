"""What each client method does, written once for the sync and the async client.

An operation is a generator: it yields the HTTP calls it needs (:class:`Call`) and receives each
answer (or has the API's refusal thrown into it), and returns the result. The sync client drives it
with ``httpx.Client``, the async one with ``httpx.AsyncClient``; neither knows what the steps are.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import math
import random
import time
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import httpx
import pydantic

from .errors import Conflict, DecisionTimeout, InvalidInput, NotFound
from .models import (
    BulkResult,
    CrmChange,
    EmailDraft,
    FeedbackEntry,
    FeedbackPage,
    PreflightResult,
    Proposal,
    Receipt,
    Until,
)

T = TypeVar("T")
Operation = Generator["Call", httpx.Response, T]

PATHS = {"email_draft": "email-drafts", "crm_change": "crm-changes"}
MODELS: dict[str, type[EmailDraft] | type[CrmChange]] = {"email_draft": EmailDraft, "crm_change": CrmChange}
# The server answers a long poll after at most its own cap (HITLCRM_WAIT_MAX_SECONDS, 60 by
# default); asking for more is harmless (it answers at its cap and the client asks again).
WAIT_CHUNK_SECONDS = 60
# Beyond the wait itself, how long the client gives the server to answer a long poll.
WAIT_SLACK_SECONDS = 15.0
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None  # None: the client's default


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of 429, 5xx and connection errors: exponential backoff with jitter, or the server's
    ``Retry-After`` when it gives one (capped, so a bad header cannot park an agent for hours)."""

    max_retries: int = 4
    backoff: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry ``attempt`` (1-based), or None to stop retrying."""
        if attempt > self.max_retries:
            return None
        if response is not None:
            if response.status_code not in RETRYABLE_STATUS:
                return None
            hinted = retry_after_seconds(response)
            if hinted is not None:
                return min(hinted, self.max_delay)
        return min(self.backoff * 2 ** (attempt - 1), self.max_delay) * random.uniform(0.5, 1.0)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (RFC 9110 section 10.2.3)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def idempotency_key_for(kind: str, payload: Mapping[str, Any]) -> str:
    """A key derived from the payload: resending the same submission (a retry after a lost answer,
    a restarted agent run) returns the record made the first time instead of a second one."""
    canonical = json.dumps({"kind": kind, "payload": payload}, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return "auto-" + hashlib.sha256(canonical.encode()).hexdigest()[:59]


def as_model(kind: str, item: EmailDraft | CrmChange | Mapping[str, Any]) -> EmailDraft | CrmChange:
    """The request model of ``kind``; a type error becomes :class:`InvalidInput` naming the field,
    as the API would name it."""
    model = MODELS[kind]
    if isinstance(item, model):
        return item
    if isinstance(item, EmailDraft | CrmChange):
        raise TypeError(f"expected {model.__name__}, got {type(item).__name__}")
    try:
        return model.model_validate(dict(item))
    except pydantic.ValidationError as exc:
        raise InvalidInput(400, {"error": "invalid", "fields": field_errors(exc)}) from None


def field_errors(exc: pydantic.ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "non_field_errors"
        message = "Unknown field." if error["type"] == "extra_forbidden" else error["msg"]
        errors.setdefault(name, []).append(message)
    return errors


class Operations:
    """The steps of every method. ``kinds`` remembers each record's kind (its URL), learned from answers."""

    def __init__(self) -> None:
        self.kinds: dict[int, str] = {}

    def _remember(self, record: Proposal) -> Proposal:
        self.kinds[record.id] = record.kind
        return record

    def submit(self, kind: str, item: EmailDraft | CrmChange | Mapping[str, Any],
               idempotency_key: str | None) -> Operation[Proposal]:
        payload = as_model(kind, item).payload()
        key = idempotency_key or idempotency_key_for(kind, payload)
        response = yield Call("POST", f"{PATHS[kind]}/", json=payload, headers={"Idempotency-Key": key})
        return self._remember(Proposal.model_validate(response.json()))

    def submit_bulk(self, kind: str, items: Iterable[EmailDraft | CrmChange | Mapping[str, Any]]) -> Operation[BulkResult]:
        body = []
        for item in items:
            given = item.get("idempotency_key") if isinstance(item, Mapping) else None
            fields = {k: v for k, v in item.items() if k != "idempotency_key"} if isinstance(item, Mapping) else item
            payload = as_model(kind, fields).payload()
            body.append({**payload, "idempotency_key": given or idempotency_key_for(kind, payload)})
        response = yield Call("POST", f"{PATHS[kind]}/bulk/", json={"items": body})
        result = BulkResult.model_validate(response.json())
        for entry in result.results:
            if entry.id is not None and entry.result in ("created", "existing"):
                self.kinds[entry.id] = kind
        return result

    def preflight(self, item: EmailDraft | CrmChange) -> Operation[PreflightResult]:
        if not isinstance(item, EmailDraft | CrmChange):
            raise TypeError("preflight takes an EmailDraft or a CrmChange")
        kind = "email_draft" if isinstance(item, EmailDraft) else "crm_change"
        response = yield Call("POST", f"{PATHS[kind]}/preflight/", json=item.payload())
        return PreflightResult.model_validate(response.json())

    def _kind_of(self, proposal_id: int, kind: str | None) -> Operation[str]:
        """The record's kind: given, remembered, or found by asking (ids are unique across kinds)."""
        if kind:
            if kind not in PATHS:
                raise ValueError(f"kind must be one of {', '.join(PATHS)}, not {kind!r}")
            return kind
        if proposal_id in self.kinds:
            return self.kinds[proposal_id]
        for candidate in PATHS:
            try:
                response = yield Call("GET", f"{PATHS[candidate]}/{int(proposal_id)}/")
            except NotFound:
                continue
            return self._remember(Proposal.model_validate(response.json())).kind
        raise NotFound(404, {"error": "not_found", "detail": f"No proposal {proposal_id} among this agent's records."})

    def get(self, proposal_id: int, kind: str | None) -> Operation[Proposal]:
        kind = yield from self._kind_of(proposal_id, kind)
        response = yield Call("GET", f"{PATHS[kind]}/{int(proposal_id)}/")
        return self._remember(Proposal.model_validate(response.json()))

    def withdraw(self, proposal_id: int, kind: str | None) -> Operation[Proposal]:
        kind = yield from self._kind_of(proposal_id, kind)
        try:
            response = yield Call("POST", f"{PATHS[kind]}/{int(proposal_id)}/withdraw/")
        except Conflict as exc:
            # A retry of a withdrawal whose answer was lost finds it withdrawn already: that is success.
            if exc.body.get("status") != "withdrawn":
                raise
            return (yield from self.get(proposal_id, kind))
        return self._remember(Proposal.model_validate(response.json()))

    def wait(self, proposal_id: int, timeout: float | None, until: Until, kind: str | None) -> Operation[Proposal]:
        if until not in ("decided", "executed"):
            raise ValueError(f"until must be 'decided' or 'executed', not {until!r}")
        kind = yield from self._kind_of(proposal_id, kind)
        deadline = None if timeout is None else time.monotonic() + max(timeout, 0)
        while True:
            remaining = WAIT_CHUNK_SECONDS if deadline is None else max(deadline - time.monotonic(), 0)
            chunk = min(math.ceil(remaining), WAIT_CHUNK_SECONDS)
            response = yield Call("GET", f"{PATHS[kind]}/{int(proposal_id)}/wait/",
                                  params={"timeout": chunk, "until": until}, timeout=chunk + WAIT_SLACK_SECONDS)
            record = self._remember(Proposal.model_validate(response.json()))
            if record.reached(until):
                return record
            if deadline is not None and time.monotonic() >= deadline:
                raise DecisionTimeout(record, timeout or 0)

    def receipt(self, proposal_id: int, decision_id: int | None, kind: str | None) -> Operation[Receipt]:
        kind = yield from self._kind_of(proposal_id, kind)
        params = {"decision": int(decision_id)} if decision_id is not None else None
        response = yield Call("GET", f"{PATHS[kind]}/{int(proposal_id)}/receipt/", params=params)
        return Receipt.from_answer(response.json())

    def feedback(self, since: datetime | str | None, limit: int | None) -> Operation[list[FeedbackEntry]]:
        params: dict[str, Any] = {}
        if since is not None:
            params["since"] = since.isoformat() if isinstance(since, datetime) else since
        entries: list[FeedbackEntry] = []
        while True:
            response = yield Call("GET", "feedback/", params=params)
            page = FeedbackPage.model_validate(response.json())
            entries.extend(page.results)
            if limit is not None and len(entries) >= limit:
                return entries[:limit]
            if not page.next or not page.cursor:
                return entries
            params = {**params, "after": page.cursor}
