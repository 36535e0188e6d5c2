"""Request and response models of the hitlcrm API (``/api/v1/schema/``).

Written by hand, checked against the server's OpenAPI schema by a test (field names and which are
required), so they cannot drift. Requests refuse unknown keys, as the server does; responses keep
keys a newer server adds (``extra="allow"``) so an older client goes on working.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

STATUSES = ("checking", "needs_review", "approved", "blocked", "rejected", "expired", "withdrawn", "executing",
            "done", "failed", "conflict")
# Statuses in which nobody has decided yet: the record waits for its checks or for a reviewer.
UNDECIDED = frozenset({"checking", "needs_review"})
# Statuses after which nothing more will be executed (failed and conflict go back to a person, who
# may approve them again: waiting "until executed" ends there, telling the agent it did not go out).
EXECUTION_SETTLED = frozenset({"done", "failed", "conflict", "rejected", "blocked", "expired", "withdrawn"})
APPROVED = frozenset({"approved", "executing", "done"})
Until = Literal["decided", "executed"]
Kind = Literal["email_draft", "crm_change"]
FieldValue = str | int | float | bool | None


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def payload(self) -> dict[str, Any]:
        """The JSON body: only the fields that were given (the server tells "absent" from null)."""
        return self.model_dump(mode="json", exclude_unset=True)


class _Response(BaseModel):
    model_config = ConfigDict(extra="allow")


class Evidence(_Request):
    """Where the agent found what it claims: a source, and a link or a quote to check it by."""

    source: str = Field(description="Where it was found, e.g. 'LinkedIn', 'press release'.")
    url: str | None = Field(default=None, description="A link to the source.")
    quote: str | None = Field(default=None, description="The words in the source that back the claim.")


class CrmEvidence(Evidence):
    """Evidence for a CRM change, optionally naming the proposed fields it backs."""

    fields: list[str] | None = Field(default=None, description="API names of the proposed fields this entry backs.")


class LawfulBasis(_Request):
    """The recorded lawful basis for one recipient: consent (where and when it was given) or
    legitimate interest (the note of the assessment)."""

    basis: Literal["consent", "legitimate_interest"]
    source: str | None = Field(default=None, description="Consent: where it was given (form, event, ...).")
    date: str | None = Field(default=None, description="Consent: when it was given (YYYY-MM-DD).")
    note: str | None = Field(default=None, description="Legitimate interest: the note of the assessment.")


class _Submission(_Request):
    task_type: str | None = Field(default=None, description="The task type whose policy gates this (lowercase).")
    confidence: float | None = Field(default=None, ge=0, le=1, description="The agent's confidence, 0..1.")
    assumptions: list[str] | None = Field(default=None, description="What the agent assumed.")
    external_ref: str | None = Field(default=None, description="The agent's own reference (run, item).")
    crm_object: str | None = Field(default=None, description="The CRM object API name, e.g. Contact, Lead.")
    crm_id: str | None = Field(default=None, description="The 15- or 18-character Salesforce record id.")
    # Auto-approval follows each (agent_version, prompt_version, model) combination's own record: a new
    # prompt or model starts under review until enough of its outputs were reviewed.
    agent_version: str | None = Field(default=None, max_length=100, description="Your agent's version, e.g. 2.3.1.")
    prompt_version: str | None = Field(default=None, max_length=100, description="The prompt's version, e.g. v7.")
    model: str | None = Field(default=None, max_length=100, description="The model with its version, e.g. "
                                                                        "gpt-4o-2024-08-06.")


class EmailDraft(_Submission):
    """An outbound email an agent drafted (``POST /api/v1/email-drafts/``)."""

    to: list[str] = Field(description="Recipient addresses.")
    subject: str
    body: str = Field(description="Plain-text body.")
    body_html: str | None = None
    from_email: str | None = None
    company_name: str | None = None
    evidence: list[Evidence] | None = None
    country: str | None = Field(default=None, description="The recipients' country (ISO 3166-1 alpha-2), for the "
                                                          "lawful-basis rule.")
    lawful_basis: list[LawfulBasis] | None = Field(default=None, description="One entry per address in `to`, in the "
                                                                              "same order.")


class CrmChange(_Submission):
    """Field values an agent proposes for one CRM record (``POST /api/v1/crm-changes/``)."""

    kind: Literal["enrichment", "update"]
    fields: dict[str, FieldValue] = Field(description="Field API name -> proposed value.")
    field_confidence: dict[str, float] | None = Field(default=None, description="Field -> confidence 0..1.")
    external_id_field: str | None = None
    evidence: list[CrmEvidence] | None = None


# --- answers ---------------------------------------------------------------------------------------

class Check(_Response):
    name: str
    passed: bool
    severity: str = Field(description="hard (blocks) or soft (sends to a person).")
    message: str


class Decision(_Response):
    action: str = Field(description="approve, edit_approve, reject, auto_approve, ...")
    at: datetime | None
    by: str | None = Field(description="The reviewer's username; null for a policy.")
    reason_code: str | None = Field(description="A rejection's reason: factual_error, tone, compliance, "
                                                "wrong_target, other.")
    note: str | None = Field(description="The reviewer's note.")
    edits: dict[str, list[Any]] = Field(description="Field -> [what the agent proposed, what was approved], for "
                                                    "each value the reviewer changed or (CRM) rejected.")
    diff: str = Field(description="The edits as a unified diff, line by line.")


class Execution(_Response):
    state: str
    attempts: int
    last_error: str | None
    error_code: str | None
    provider_id: str | None


class FieldChange(_Response):
    field: str
    proposed: Any
    before: Any
    approved: Any
    decision: str
    confidence: float | None


class Proposal(_Response):
    """A record as the API shows it. ``original``, ``final``, ``execution`` and (CRM changes)
    ``fields`` are in single-record answers, not in list pages."""

    id: int
    kind: Kind
    status: str
    task_type: str
    confidence: float | None
    external_ref: str
    crm_object: str | None
    crm_id: str | None
    submitted_at: datetime
    agent_version: str | None = None
    prompt_version: str | None = None
    model: str | None = None
    checks: list[Check]
    decision: Decision | None
    review_url: str
    original: dict[str, Any] | None = None
    final: dict[str, Any] | None = None
    execution: Execution | None = None
    fields: list[FieldChange] | None = None

    @property
    def decided(self) -> bool:
        return self.status not in UNDECIDED

    @property
    def approved(self) -> bool:
        return self.status in APPROVED

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    def reached(self, until: Until) -> bool:
        return self.status in EXECUTION_SETTLED if until == "executed" else self.decided


class BulkItemResult(_Response):
    index: int
    result: Literal["created", "existing", "invalid", "conflict"]
    id: int | None = None
    status: str | None = None
    review_url: str | None = None
    errors: dict[str, Any] | None = None


class BulkResult(_Response):
    created: int
    existing: int
    invalid: int
    conflict: int
    results: list[BulkItemResult]


class PolicySummary(_Response):
    task_type: str = Field(description="The policy that applies (a task type, or '*').")
    version: int | None
    mode: str = Field(description="calibrated, always_review or log_only.")
    audit_sample_rate: float = Field(description="Share of would-be auto-approvals still sent to a person.")


class PreflightResult(_Response):
    """What a submission of this payload would meet, with nothing stored or sent."""

    outcome: Literal["approved", "needs_review", "blocked"]
    reason: str
    checks: list[Check]
    failed: list[str] = Field(description="Names of the checks that failed, hard ones first.")
    required_approvals: int
    policy: PolicySummary

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


class FeedbackEntry(_Response):
    """A reviewed output a person rejected or edited before approving."""

    proposal_id: int
    kind: Kind
    task_type: str
    agent: str
    external_ref: str | None
    agent_version: str | None = None
    prompt_version: str | None = None
    model: str | None = None
    outcome: Literal["rejected", "edited_and_approved"]
    original: dict[str, Any]
    final: dict[str, Any] | None
    edits: dict[str, list[Any]]
    diff: str
    material: bool
    reason_code: str | None
    note: str | None
    reviewers: list[str]
    decided_at: datetime | None


class FeedbackPage(_Response):
    next: str | None
    cursor: str | None
    results: list[FeedbackEntry]


class ReceiptPolicy(_Response):
    task_type: str = Field(description="The task type of the policy that routed the record (or '*').")
    version: int | None = Field(description="Its version: with the task type, it names one set of rules.")


class ReceiptSignature(_Response):
    algorithm: str = Field(description="Ed25519: verify with the installation's public key; HMAC-SHA256: with "
                                       "its shared key.")
    key_id: str | None = Field(default=None, description="Ed25519: which key signed (16 hex digits).")
    value: str = Field(description="The hex signature of the RFC 8785 form of every other member.")


class Receipt(_Response):
    """A decision's signed receipt (``GET /api/v1/<kind>/<id>/receipt/``): proof of what was decided,
    and for an approval the digest of exactly what the executor sends. Keep it as received
    (:meth:`to_json`) and verify it offline: ``python -m reviews.receipts verify receipt.json
    --public-key PUBLIC.pem`` (or ``--key-file KEY`` for an HMAC-signed one)."""

    format: str
    proposal_id: int
    kind: str
    decision_id: int
    decision: str = Field(description="approve, edit_approve, reject or auto_approve.")
    decided_by: str = Field(description="The reviewer's username, or policy:<task type>@v<version>.")
    decided_at: str = Field(description="When (ISO 8601, UTC), exactly as signed.")
    digest: str | None = Field(description="On the approval that made the record approved: the SHA-256 of the "
                                           "RFC 8785 form of exactly what the executor sends; null otherwise.")
    digest_algorithm: str
    policy: ReceiptPolicy
    signature: ReceiptSignature
    _received: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_answer(cls, body: dict[str, Any]) -> Receipt:
        receipt = cls.model_validate(body)
        receipt._received = body
        return receipt

    @property
    def received(self) -> dict[str, Any]:
        """The receipt's JSON exactly as hitlcrm sent it: what the signature is over, members and all."""
        return self._received or self.model_dump(mode="json")

    def to_json(self) -> str:
        """The receipt as JSON, to store and to verify (``python -m reviews.receipts verify``)."""
        return json.dumps(self.received, ensure_ascii=False, indent=2)


class ErrorBody(_Response):
    error: str
    detail: str | None = None
    fields: dict[str, Any] | None = None
    status: str | None = None
    existing_id: int | None = None
