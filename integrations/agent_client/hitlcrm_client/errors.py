"""One exception root; each refusal of the API is a class of its own carrying what the API said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from .models import Proposal


class HitlcrmError(Exception):
    """Everything this client raises."""


class TransportError(HitlcrmError):
    """hitlcrm could not be reached (connection refused, timeout, TLS) after the retries."""


class ApiError(HitlcrmError):
    """The API refused the request. ``error`` is its code (``invalid``, ``conflict``, ...), ``detail``
    its sentence, ``fields`` its field errors (field name -> problems), ``body`` the whole answer."""

    status_code: int = 0

    def __init__(self, status_code: int, body: dict[str, Any], *, retry_after: float | None = None) -> None:
        self.status_code = status_code
        self.body = body
        self.error: str = str(body.get("error") or "error")
        self.detail: str | None = body.get("detail")
        self.fields: dict[str, list[str]] = flat_field_errors(body.get("fields") or {})
        self.retry_after = retry_after
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [f"hitlcrm answered {self.status_code} {self.error}"]
        if self.detail:
            parts.append(str(self.detail))
        if self.fields:
            parts.append("; ".join(f"{name}: {' '.join(map(str, problems))}" for name, problems in self.fields.items()))
        return ": ".join(parts)


class InvalidInput(ApiError):
    """400: the body or a parameter is invalid; ``fields`` names each field and its problems. Also raised
    before sending, with the same shape, when a value does not have the type the API expects."""


class AuthenticationFailed(ApiError):
    """401: the token is missing, wrong or revoked."""

    def _message(self) -> str:
        return (f"hitlcrm refused the token (401): {self.detail or 'invalid or revoked token'}. "
                "Check the token (HITLCRM_TOKEN); `manage.py create_agent NAME` issues one.")


class PermissionDenied(ApiError):
    """403: this client's role may not do this (e.g. an integration token submitting)."""


class NotFound(ApiError):
    """404: no such record among this agent's own."""


class Conflict(ApiError):
    """409: the record's state does not allow this (``status`` in ``body`` says where it is)."""


class IdempotencyConflict(Conflict):
    """409: the idempotency key was used before with another body; ``existing_id`` is that record."""

    @property
    def existing_id(self) -> int | None:
        return self.body.get("existing_id")


class PayloadTooLarge(ApiError):
    """413: the body is larger than the server's cap."""


class RateLimited(ApiError):
    """429 after the retries; ``retry_after`` is the server's Retry-After in seconds."""


class ServerError(ApiError):
    """5xx after the retries."""


class DecisionTimeout(HitlcrmError):
    """``wait_for_decision`` ran out of time; ``record`` is the record as it stood then."""

    def __init__(self, record: Proposal, timeout: float) -> None:
        self.record = record
        super().__init__(f"proposal {record.id} is still {record.status} after {timeout:g} s")


def flat_field_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """The API's field errors with nested ones (a list item, an evidence entry) named by dotted
    paths: ``{"to": {"0": ["Enter a valid email address."]}}`` -> ``{"to.0": [...]}``."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for name, problems in errors.items():
            flat.update(flat_field_errors(problems, f"{prefix}.{name}" if prefix else str(name)))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, item in enumerate(errors):
            if item:
                flat.update(flat_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    problems = errors if isinstance(errors, list) else [errors]
    return {prefix or "non_field_errors": [str(problem) for problem in problems]}


_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidInput, 401: AuthenticationFailed, 403: PermissionDenied, 404: NotFound, 409: Conflict,
    413: PayloadTooLarge, 429: RateLimited,
}


def error_from_response(response: httpx.Response, *, retry_after: float | None = None) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"error": "error", "detail": response.text[:500] or response.reason_phrase}
    if response.status_code == 409 and body.get("error") == "idempotency_conflict":
        cls: type[ApiError] = IdempotencyConflict
    elif response.status_code >= 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(response.status_code, ApiError)
    return cls(response.status_code, body, retry_after=retry_after)
