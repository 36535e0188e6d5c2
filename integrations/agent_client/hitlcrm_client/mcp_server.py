"""hitlcrm as MCP tools, for agents whose framework mounts MCP servers (``pip install 'hitlcrm-client[mcp]'``).

A thin adapter over :class:`~hitlcrm_client.AsyncHitlcrmClient`: it runs on the agent's machine and
reaches hitlcrm by URL and token (``HITLCRM_URL``, ``HITLCRM_TOKEN``), over stdio (the default, for
an MCP host that starts it) or streamable HTTP. The tools submit, look, wait, preflight, read
feedback and fetch a decision's signed receipt; none approves anything, since approving is a
person's job in the review console.

Every tool answers the record plus ``next_step``, one sentence telling the model what to do now.
Refusals (a bad token, invalid input) come back as tool errors whose text names the problem and
the fields, so the model can fix its call; they never surface as tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from .client import AsyncHitlcrmClient
from .errors import DecisionTimeout, HitlcrmError
from .models import CrmChange, EmailDraft, Proposal

T = TypeVar("T")
MAX_WAIT_SECONDS = 600

INSTRUCTIONS = """\
hitlcrm is the approval gate in front of outbound email and the CRM: nothing you submit reaches a
prospect or Salesforce until its checks pass and a person (or a policy a person set) approves it.
Typical loop: `preflight` a draft and fix what fails; `submit_email_draft` or `propose_crm_change`;
`wait_for_decision` until it is decided; if it was rejected, read `reason_code` and `note`, revise,
and submit the revised version (a new submission); if it was edited, learn from `decision.diff`.
`list_feedback` shows past rejections and edits to learn from. `get_receipt` fetches a decision's signed
receipt, proof of what was approved, to keep. You cannot approve anything yourself.
"""

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
SUBMIT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True)

ProposalId = Annotated[int, Field(description="The proposal's id, as submit_email_draft or propose_crm_change "
                                              "answered it.", ge=1)]


def next_step(record: Proposal) -> str:
    """What the model should do with the record now, in one sentence."""
    decision = record.decision
    if record.status == "checking":
        return "Its automated checks are running: call wait_for_decision with this id."
    if record.status == "needs_review":
        failing = ", ".join(check.name for check in record.failed_checks)
        return ("A person will review it" + (f" (failing checks: {failing})" if failing else "")
                + ": call wait_for_decision with this id; do not submit it again.")
    if record.status == "blocked":
        failing = "; ".join(f"{c.name}: {c.message}" for c in record.failed_checks if c.severity == "hard")
        return f"Blocked by a hard check ({failing}). Fix that and submit a corrected version."
    if record.status == "rejected":
        reason = decision.reason_code if decision else None
        note = f" The reviewer wrote: {decision.note}" if decision and decision.note else ""
        return (f"Rejected by a reviewer (reason: {reason or 'not given'}).{note} Revise it accordingly and submit "
                "the revised version; do not resubmit it unchanged.")
    if record.status in ("approved", "executing", "done"):
        edited = bool(decision and decision.edits)
        return ("Approved" + (" after the reviewer edited it (see decision.diff; learn from it)" if edited else "")
                + (". It has been executed." if record.status == "done" else
                   ". It will be executed; nothing more to do."))
    if record.status in ("failed", "conflict"):
        return "Execution did not go through; a person is looking at it. Nothing to do now."
    return f"It is {record.status}; it will not be executed."


def _view(record: Proposal, **extra: Any) -> dict[str, Any]:
    return {**record.model_dump(mode="json", exclude_none=True), **extra, "next_step": next_step(record)}


async def _answer(call: Awaitable[T]) -> T:
    """The client's result, or its error as a tool error the model can read and act on."""
    try:
        return await call
    except HitlcrmError as exc:
        raise ToolError(str(exc)) from exc


def build_server(client: AsyncHitlcrmClient) -> MCPServer:
    """The MCP server whose tools call hitlcrm through ``client``."""
    server = MCPServer("hitlcrm", title="hitlcrm approval gate", instructions=INSTRUCTIONS)

    @server.tool(annotations=SUBMIT)
    async def submit_email_draft(
        draft: Annotated[EmailDraft, Field(description="The email, with the evidence and assumptions behind it.")],
        idempotency_key: Annotated[str | None, Field(description="Leave empty: a key derived from the draft makes a "
                                                                 "retry return the first record.")] = None,
    ) -> dict[str, Any]:
        """Submit an outbound email draft for review. It is not sent until a person (or a policy) approves it.
        Give the prospect's CRM record (crm_object + crm_id), company_name, confidence (0..1) and evidence
        (source plus url or quote) so checks and the reviewer can verify it. Answers the record (id, status,
        review_url) and next_step."""
        return _view(await _answer(client.submit_email_draft(draft, idempotency_key=idempotency_key)))

    @server.tool(annotations=SUBMIT)
    async def propose_crm_change(
        change: Annotated[CrmChange, Field(description="The CRM record, the proposed field values and the evidence.")],
        idempotency_key: Annotated[str | None, Field(description="Leave empty: a key derived from the change makes "
                                                                 "a retry return the first record.")] = None,
    ) -> dict[str, Any]:
        """Propose field values for one CRM record (kind 'update' or 'enrichment'). Nothing is written to the
        CRM until it is approved. Give field_confidence per field and evidence naming the fields it backs.
        Answers the record (id, status, review_url) and next_step."""
        return _view(await _answer(client.propose_crm_change(change, idempotency_key=idempotency_key)))

    @server.tool(annotations=READ)
    async def get_proposal(id: ProposalId) -> dict[str, Any]:  # noqa: A002  (the model's natural name)
        """Look at a proposal now: status, check results, the decision (reason_code, note, edits, diff),
        what was approved (final) and its execution. Does not wait."""
        return _view(await _answer(client.get(id)))

    @server.tool(annotations=READ)
    async def wait_for_decision(
        id: ProposalId,  # noqa: A002
        timeout_seconds: Annotated[int, Field(ge=0, le=MAX_WAIT_SECONDS,
                                              description="How long to wait at most.")] = 50,
        until: Annotated[Literal["decided", "executed"], Field(
            description="decided: approved, rejected or blocked. executed: also sent or written (or failed).",
        )] = "decided",
    ) -> dict[str, Any]:
        """Wait until a person (or the policy) decides the proposal, then answer it with the decision:
        for a rejection the reason_code and the reviewer's note, for an edit the final text and a diff.
        If the time runs out first it answers decided=false: call it again."""
        try:
            record = await client.wait_for_decision(id, timeout=timeout_seconds, until=until)
        except DecisionTimeout as timeout:
            return _view(timeout.record, decided=False)
        except HitlcrmError as exc:
            raise ToolError(str(exc)) from exc
        return _view(record, decided=True)

    @server.tool(annotations=READ)
    async def preflight(
        email_draft: Annotated[EmailDraft | None, Field(description="An email draft to try (or give crm_change).")]
        = None,
        crm_change: Annotated[CrmChange | None, Field(description="A CRM change to try (or give email_draft).")]
        = None,
    ) -> dict[str, Any]:
        """Dry run: validate a draft or CRM change and run every automated check and the policy on it,
        storing and sending nothing. Answers outcome (approved, needs_review or blocked), the reason and each
        check's result: fix what fails before submitting, so a reviewer's time goes to judgment."""
        if (email_draft is None) == (crm_change is None):
            raise ToolError("Give exactly one of email_draft or crm_change.")
        result = await _answer(client.preflight(email_draft or crm_change))
        failing = [f"{check.name}: {check.message}" for check in result.failed_checks]
        advice = ("Fix these before submitting: " + "; ".join(failing)) if failing else (
            "Every check passes; submit it." if result.outcome != "blocked" else "Submit it once fixed.")
        return {**result.model_dump(mode="json"), "next_step": advice}

    @server.tool(annotations=READ)
    async def get_receipt(
        id: ProposalId,  # noqa: A002
        decision_id: Annotated[int | None, Field(ge=1, description="One of the proposal's decisions; leave empty for "
                                                                   "its latest decision that still counts.")] = None,
    ) -> dict[str, Any]:
        """Fetch the signed receipt of a decided proposal's decision: who decided what and when, the policy,
        and for an approval the SHA-256 digest of exactly what will be sent or written. Keep `receipt` unchanged
        (it is signed as it is) as proof; it verifies offline with `python -m reviews.receipts verify`. Fails
        with a 404 while nothing has been decided: call wait_for_decision first."""
        receipt = await _answer(client.receipt(id, decision_id=decision_id))
        algorithm = receipt.signature.algorithm
        how = ("--public-key with the installation's public key" if algorithm == "Ed25519"
               else "--key-file with the installation's shared receipt key")
        return {"receipt": receipt.received, "next_step": (
            f"Keep this receipt unchanged as proof of the {receipt.decision} decision; anyone can check it offline "
            f"with `python -m reviews.receipts verify receipt.json` and {how}.")}

    @server.tool(annotations=READ)
    async def list_feedback(
        since: Annotated[str | None, Field(description="Only decisions at or after this ISO 8601 time.")] = None,
        limit: Annotated[int, Field(ge=1, le=500, description="At most this many, oldest first.")] = 50,
    ) -> dict[str, Any]:
        """Past outputs of this agent that reviewers rejected (reason_code, note) or edited before approving
        (final, edits, diff): what to learn from before drafting the next ones."""
        entries = await _answer(client.feedback(since, limit=limit))
        return {"feedback": [entry.model_dump(mode="json") for entry in entries], "count": len(entries)}

    return server


def main(argv: list[str] | None = None) -> int:
    """``hitlcrm-mcp``: the MCP server over stdio (default) or streamable HTTP."""
    parser = argparse.ArgumentParser(prog="hitlcrm-mcp", description="hitlcrm's approval gate as MCP tools. "
                                     "Reads HITLCRM_URL and HITLCRM_TOKEN.")
    parser.add_argument("--transport", choices=["stdio", "streamable-http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1", help="streamable-http: address to listen on.")
    parser.add_argument("--port", type=int, default=8765, help="streamable-http: port to listen on.")
    options = parser.parse_args(argv)
    try:
        client = AsyncHitlcrmClient.from_env()
    except (HitlcrmError, ValueError) as exc:
        print(f"hitlcrm-mcp: {exc}", file=sys.stderr)
        return 2
    server = build_server(client)
    if options.transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=options.host, port=options.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
