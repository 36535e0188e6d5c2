"""The typed client, sync (:class:`HitlcrmClient`) and async (:class:`AsyncHitlcrmClient`).

Both run the same operations (``_operations.py``); they differ only in how a call is sent and how
the client sleeps between retries. Every call is safe to repeat: submissions carry an idempotency
key (derived from the payload unless given), reads change nothing, and a repeated withdrawal is
recognised as done.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import httpx

from . import __version__
from ._operations import Call, Operation, Operations, RetryPolicy, retry_after_seconds
from .errors import ApiError, HitlcrmError, TransportError, error_from_response
from .models import BulkResult, CrmChange, EmailDraft, FeedbackEntry, PreflightResult, Proposal, Receipt, Until

T = TypeVar("T")
DEFAULT_TIMEOUT = 30.0


def _base_url(url: str) -> str:
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the hitlcrm URL must start with http:// or https://, not {url!r}")
    return url if url.endswith("/api/v1") else f"{url}/api/v1"


def _settings_from_env(url: str | None, token: str | None) -> tuple[str, str]:
    url = url or os.environ.get("HITLCRM_URL", "")
    token = token or os.environ.get("HITLCRM_TOKEN", "")
    missing = [name for name, value in (("HITLCRM_URL", url), ("HITLCRM_TOKEN", token)) if not value]
    if missing:
        raise HitlcrmError(f"set {' and '.join(missing)} (the hitlcrm URL and the agent's API token, "
                           "from `manage.py create_agent NAME`), or pass url= and token=")
    return url, token


class _Base:
    def __init__(self, url: str, token: str, *, max_retries: int, backoff: float) -> None:
        if not token:
            raise ValueError("a token is required (`manage.py create_agent NAME` prints one)")
        self.base_url = _base_url(url)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json",
                        "User-Agent": f"hitlcrm-client/{__version__}"}
        self.retry = RetryPolicy(max_retries=max_retries, backoff=backoff)
        self.ops = Operations()

    @staticmethod
    def _item(item: Any, fields: dict[str, Any]) -> Any:
        if item is not None and fields:
            raise TypeError("give the item or its fields as keywords, not both")
        return item if item is not None else fields

    def _request(self, call: Call) -> dict[str, Any]:
        return {"method": call.method, "url": f"{self.base_url}/{call.path}", "json": call.json,
                "params": call.params, "headers": call.headers,
                **({"timeout": call.timeout} if call.timeout is not None else {})}

    def _retry_delay(self, response: httpx.Response | None, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when this outcome is final."""
        if response is not None and response.status_code < 400:
            return None
        return self.retry.delay(attempt, response)

    @staticmethod
    def _final(response: httpx.Response | None, error: Exception | None) -> httpx.Response:
        if response is None:
            raise TransportError(f"could not reach hitlcrm: {error}") from error
        if response.status_code >= 400:
            raise error_from_response(response, retry_after=retry_after_seconds(response))
        return response


class HitlcrmClient(_Base):
    """The hitlcrm API for an agent, blocking::

        client = HitlcrmClient("https://hitlcrm.example.com", token)
        record = client.submit_email_draft(to=["ada@contoso.example"], subject="...", body="...")
        decided = client.wait_for_decision(record.id, timeout=3600)
    """

    def __init__(self, url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 4,
                 backoff: float = 0.5, http_client: httpx.Client | None = None) -> None:
        super().__init__(url, token, max_retries=max_retries, backoff=backoff)
        self.http = http_client or httpx.Client(timeout=timeout)
        self.http.headers.update(self.headers)

    @classmethod
    def from_env(cls, url: str | None = None, token: str | None = None, **options: Any) -> HitlcrmClient:
        """From ``HITLCRM_URL`` and ``HITLCRM_TOKEN`` (arguments win)."""
        return cls(*_settings_from_env(url, token), **options)

    def __enter__(self) -> HitlcrmClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _send(self, call: Call) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            response, error = None, None
            try:
                response = self.http.request(**self._request(call))
            except httpx.TransportError as exc:
                error = exc
            delay = self._retry_delay(response, attempt)
            if delay is None:
                return self._final(response, error)
            time.sleep(delay)

    def _run(self, operation: Operation[T]) -> T:
        try:
            call = next(operation)
            while True:
                try:
                    response = self._send(call)
                except ApiError as exc:
                    call = operation.throw(exc)
                else:
                    call = operation.send(response)
        except StopIteration as done:
            return done.value

    def submit_email_draft(self, draft: EmailDraft | Mapping[str, Any] | None = None, /, *,
                           idempotency_key: str | None = None, **fields: Any) -> Proposal:
        """Submit an email draft (an :class:`EmailDraft`, a dict, or its fields as keywords)."""
        return self._run(self.ops.submit("email_draft", self._item(draft, fields), idempotency_key))

    def propose_crm_change(self, change: CrmChange | Mapping[str, Any] | None = None, /, *,
                           idempotency_key: str | None = None, **fields: Any) -> Proposal:
        """Propose field values for one CRM record (a :class:`CrmChange`, a dict, or keywords)."""
        return self._run(self.ops.submit("crm_change", self._item(change, fields), idempotency_key))

    def submit_email_drafts(self, drafts: Iterable[EmailDraft | Mapping[str, Any]]) -> BulkResult:
        """Bulk: up to 500 drafts in one request, each with its own result."""
        return self._run(self.ops.submit_bulk("email_draft", drafts))

    def propose_crm_changes(self, changes: Iterable[CrmChange | Mapping[str, Any]]) -> BulkResult:
        """Bulk: up to 500 CRM changes in one request, each with its own result."""
        return self._run(self.ops.submit_bulk("crm_change", changes))

    def preflight(self, item: EmailDraft | CrmChange) -> PreflightResult:
        """Validation, every check and the policy's verdict for a payload; nothing is stored or sent."""
        return self._run(self.ops.preflight(item))

    def get(self, proposal_id: int, *, kind: str | None = None) -> Proposal:
        return self._run(self.ops.get(proposal_id, kind))

    def withdraw(self, proposal_id: int, *, kind: str | None = None) -> Proposal:
        return self._run(self.ops.withdraw(proposal_id, kind))

    def wait_for_decision(self, proposal_id: int, timeout: float | None = 300, *, until: Until = "decided",
                          kind: str | None = None) -> Proposal:
        """Block until the record is decided (or, ``until="executed"``, executed or settled otherwise),
        by long polls; raises :class:`DecisionTimeout` (with the record) after ``timeout`` seconds
        (None: no limit)."""
        return self._run(self.ops.wait(proposal_id, timeout, until, kind))

    def feedback(self, since: datetime | str | None = None, *, limit: int | None = None) -> list[FeedbackEntry]:
        """This agent's outputs a reviewer rejected or edited, decided at or after ``since``, oldest first."""
        return self._run(self.ops.feedback(since, limit))

    def receipt(self, proposal_id: int, *, decision_id: int | None = None, kind: str | None = None) -> Receipt:
        """The signed receipt of the record's latest decision that still counts (or of ``decision_id``):
        keep :meth:`Receipt.to_json` and verify it offline (``python -m reviews.receipts verify``).
        :class:`NotFound` while nothing was decided."""
        return self._run(self.ops.receipt(proposal_id, decision_id, kind))


class AsyncHitlcrmClient(_Base):
    """The same API for asyncio agents; every method is a coroutine."""

    def __init__(self, url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 4,
                 backoff: float = 0.5, http_client: httpx.AsyncClient | None = None) -> None:
        super().__init__(url, token, max_retries=max_retries, backoff=backoff)
        self.http = http_client or httpx.AsyncClient(timeout=timeout)
        self.http.headers.update(self.headers)

    @classmethod
    def from_env(cls, url: str | None = None, token: str | None = None, **options: Any) -> AsyncHitlcrmClient:
        return cls(*_settings_from_env(url, token), **options)

    async def __aenter__(self) -> AsyncHitlcrmClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _send(self, call: Call) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            response, error = None, None
            try:
                response = await self.http.request(**self._request(call))
            except httpx.TransportError as exc:
                error = exc
            delay = self._retry_delay(response, attempt)
            if delay is None:
                return self._final(response, error)
            await asyncio.sleep(delay)

    async def _run(self, operation: Operation[T]) -> T:
        try:
            call = next(operation)
            while True:
                try:
                    response = await self._send(call)
                except ApiError as exc:
                    call = operation.throw(exc)
                else:
                    call = operation.send(response)
        except StopIteration as done:
            return done.value

    async def submit_email_draft(self, draft: EmailDraft | Mapping[str, Any] | None = None, /, *,
                                 idempotency_key: str | None = None, **fields: Any) -> Proposal:
        return await self._run(self.ops.submit("email_draft", self._item(draft, fields), idempotency_key))

    async def propose_crm_change(self, change: CrmChange | Mapping[str, Any] | None = None, /, *,
                                 idempotency_key: str | None = None, **fields: Any) -> Proposal:
        return await self._run(self.ops.submit("crm_change", self._item(change, fields), idempotency_key))

    async def submit_email_drafts(self, drafts: Iterable[EmailDraft | Mapping[str, Any]]) -> BulkResult:
        return await self._run(self.ops.submit_bulk("email_draft", drafts))

    async def propose_crm_changes(self, changes: Iterable[CrmChange | Mapping[str, Any]]) -> BulkResult:
        return await self._run(self.ops.submit_bulk("crm_change", changes))

    async def preflight(self, item: EmailDraft | CrmChange) -> PreflightResult:
        return await self._run(self.ops.preflight(item))

    async def get(self, proposal_id: int, *, kind: str | None = None) -> Proposal:
        return await self._run(self.ops.get(proposal_id, kind))

    async def withdraw(self, proposal_id: int, *, kind: str | None = None) -> Proposal:
        return await self._run(self.ops.withdraw(proposal_id, kind))

    async def wait_for_decision(self, proposal_id: int, timeout: float | None = 300, *, until: Until = "decided",
                                kind: str | None = None) -> Proposal:
        return await self._run(self.ops.wait(proposal_id, timeout, until, kind))

    async def feedback(self, since: datetime | str | None = None, *, limit: int | None = None) -> list[FeedbackEntry]:
        return await self._run(self.ops.feedback(since, limit))

    async def receipt(self, proposal_id: int, *, decision_id: int | None = None, kind: str | None = None) -> Receipt:
        return await self._run(self.ops.receipt(proposal_id, decision_id, kind))


__all__ = ["AsyncHitlcrmClient", "HitlcrmClient"]
