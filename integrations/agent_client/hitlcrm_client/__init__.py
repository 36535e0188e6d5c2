"""hitlcrm's agent-side client: typed requests and answers, sync and async, and an MCP server
(``hitlcrm_client.mcp_server``, with the ``mcp`` extra). Importable without Django."""

__version__ = "0.1.0"

from .client import AsyncHitlcrmClient, HitlcrmClient  # noqa: E402
from .errors import (  # noqa: E402
    ApiError,
    AuthenticationFailed,
    Conflict,
    DecisionTimeout,
    HitlcrmError,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
)
from .models import (  # noqa: E402
    BulkResult,
    Check,
    CrmChange,
    CrmEvidence,
    Decision,
    EmailDraft,
    Evidence,
    FeedbackEntry,
    LawfulBasis,
    PreflightResult,
    Proposal,
    Receipt,
)

__all__ = [
    "ApiError", "AsyncHitlcrmClient", "AuthenticationFailed", "BulkResult", "Check", "Conflict", "CrmChange",
    "CrmEvidence", "Decision", "DecisionTimeout", "EmailDraft", "Evidence", "FeedbackEntry", "HitlcrmClient",
    "HitlcrmError", "IdempotencyConflict", "InvalidInput", "LawfulBasis", "NotFound", "PayloadTooLarge", "PermissionDenied",
    "PreflightResult", "Proposal", "RateLimited", "Receipt", "ServerError", "TransportError",
]
