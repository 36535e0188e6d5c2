"""The MCP server, driven through the MCP SDK's own client session over stdio (``hitlcrm-mcp`` as a
subprocess, as an MCP host starts it), against a live hitlcrm with a real worker and a reviewer
deciding in the console."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from reviews.models import Proposal

from .conftest import payload, stored_rows

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOOLS = {"submit_email_draft", "propose_crm_change", "get_proposal", "wait_for_decision", "preflight", "list_feedback",
         "get_receipt"}


def with_session(url: str, token: str, steps: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    """Start ``hitlcrm-mcp`` over stdio and run ``steps`` in an initialised session."""
    server = StdioServerParameters(command=sys.executable, args=["-m", "hitlcrm_client.mcp_server"],
                                   env={"HITLCRM_URL": url, "HITLCRM_TOKEN": token})

    async def run() -> Any:
        async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await steps(session)

    return anyio.run(run)


def answer(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error, result.structured_content
    return " ".join(block.text for block in result.content)


def test_the_tools_have_schemas_and_descriptions_and_none_approves(gate) -> None:
    async def steps(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    tools = {tool.name: tool for tool in with_session(gate.url, gate.token, steps)}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert len(tool.description) > 80 and tool.input_schema["type"] == "object"
        assert "approve" not in tool.name
    draft = tools["submit_email_draft"].input_schema
    assert draft["required"] == ["draft"]
    assert set(draft["$defs"]["EmailDraft"]["required"]) == {"to", "subject", "body"}
    assert tools["get_proposal"].annotations.read_only_hint is True


def test_submit_then_a_console_rejection_reaches_wait_for_decision(gate, reviewer_soon) -> None:
    async def steps(session: ClientSession) -> Any:
        submitted = answer(await session.call_tool("submit_email_draft", {"draft": payload()}))
        reviewer_soon(submitted["id"], "reject", reason_code="compliance", note="No claims about competitors")
        waited = answer(await session.call_tool("wait_for_decision", {"id": submitted["id"], "timeout_seconds": 90}))
        looked = answer(await session.call_tool("get_proposal", {"id": submitted["id"]}))
        feedback = answer(await session.call_tool("list_feedback", {}))
        return submitted, waited, looked, feedback

    submitted, waited, looked, feedback = with_session(gate.url, gate.token, steps)
    assert submitted["status"] == "checking" and "wait_for_decision" in submitted["next_step"]
    assert waited["decided"] is True and waited["status"] == "rejected"
    assert (waited["decision"]["reason_code"], waited["decision"]["note"]) == ("compliance",
                                                                               "No claims about competitors")
    assert "No claims about competitors" in waited["next_step"] and "Revise" in waited["next_step"]
    assert looked["id"] == submitted["id"] and looked["status"] == "rejected"
    assert [entry["proposal_id"] for entry in feedback["feedback"]] == [submitted["id"]]


def test_get_receipt_answers_a_decisions_signed_receipt_to_keep(gate, reviewer_soon, tmp_path) -> None:
    from tests.reviews.test_receipts import offline

    async def steps(session: ClientSession) -> Any:
        submitted = answer(await session.call_tool("submit_email_draft", {"draft": payload()}))
        early = error_text(await session.call_tool("get_receipt", {"id": submitted["id"]}))
        reviewer_soon(submitted["id"], "reject", reason_code="tone", note="Too pushy", delay=0)
        await session.call_tool("wait_for_decision", {"id": submitted["id"], "timeout_seconds": 90})
        return submitted, early, answer(await session.call_tool("get_receipt", {"id": submitted["id"]}))

    submitted, early, receipt = with_session(gate.url, gate.token, steps)
    assert "404" in early and "no decision yet" in early
    kept = receipt["receipt"]
    assert (kept["proposal_id"], kept["decision"], kept["decided_by"], kept["digest"]) == (
        submitted["id"], "reject", "rita", None)
    assert "Keep this receipt unchanged" in receipt["next_step"] and "python -m reviews.receipts verify" in \
        receipt["next_step"]
    # Kept as the tool answered it, it verifies offline (here with the installation's shared key).
    from django.conf import settings

    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(kept))
    assert offline("verify", str(path), "--key", settings.HITLCRM_RECEIPT_KEY).returncode == 0


def test_preflight_names_the_failing_check_and_leaves_no_row(gate) -> None:
    before = stored_rows()

    async def steps(session: ClientSession) -> Any:
        flawed = payload(body="Hi {first_name},\n\nQuick idea for Contoso.\n\nSam")
        result = answer(await session.call_tool("preflight", {"email_draft": flawed}))
        neither = error_text(await session.call_tool("preflight", {}))
        return result, neither

    result, neither = with_session(gate.url, gate.token, steps)
    assert "placeholders" in result["failed"] and "placeholders" in result["next_step"]
    assert "exactly one of email_draft or crm_change" in neither
    assert stored_rows() == before


def test_a_bad_token_and_bad_input_are_tool_errors_that_say_what_is_wrong(gate) -> None:
    async def with_bad_token(session: ClientSession) -> Any:
        return error_text(await session.call_tool("submit_email_draft", {"draft": payload()}))

    refused = with_session(gate.url, "hcrm_wrong", with_bad_token)
    assert "refused the token (401)" in refused and "HITLCRM_TOKEN" in refused
    assert "Traceback" not in refused

    async def with_bad_input(session: ClientSession) -> Any:
        server_side = error_text(await session.call_tool("submit_email_draft",
                                                         {"draft": payload(to=["not an address"])}))
        schema_side = error_text(await session.call_tool("submit_email_draft", {"draft": {"subject": "Hi"}}))
        missing = error_text(await session.call_tool("get_proposal", {"id": 999999}))
        return server_side, schema_side, missing

    server_side, schema_side, missing = with_session(gate.url, gate.token, with_bad_input)
    assert "to.0: Enter a valid email address." in server_side
    assert "to" in schema_side and "body" in schema_side and "Traceback" not in schema_side
    assert "404" in missing and "999999" in missing
    assert Proposal.objects.count() == 0


def test_hitlcrm_mcp_without_its_settings_says_which_are_missing() -> None:
    result = subprocess.run([sys.executable, "-m", "hitlcrm_client.mcp_server"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"}, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "HITLCRM_URL and HITLCRM_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_the_readme_and_docs_mcp_config_snippets_name_the_console_script() -> None:
    """The snippet users paste into their MCP host starts the installed entry point with both settings."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    for document in (root / "README.md", root / "docs" / "agents.md"):
        text = document.read_text()
        start = text.index('{\n  "mcpServers"')
        config = json.loads(text[start:text.index("\n```", start)])
        server = config["mcpServers"]["hitlcrm"]
        assert server["command"] == "hitlcrm-mcp" and set(server["env"]) == {"HITLCRM_URL", "HITLCRM_TOKEN"}


def test_the_streamable_http_transport_serves_the_same_tools(gate) -> None:
    from mcp import Client

    from tests.support import free_port, wait_for

    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HITLCRM_URL": gate.url, "HITLCRM_TOKEN": gate.token}
    server = subprocess.Popen([sys.executable, "-m", "hitlcrm_client.mcp_server", "--transport", "streamable-http",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def listening() -> bool:
        import socket

        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    async def steps() -> Any:
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            tools = await client.list_tools()
            flawed = payload(body="Hi {first_name},\n\nQuick idea for Contoso.\n\nSam")
            return tools, await client.call_tool("preflight", {"email_draft": flawed})

    try:
        wait_for(lambda: listening() or server.poll() is not None, timeout=30, what="hitlcrm-mcp to listen")
        assert server.poll() is None, server.stderr.read().decode()
        tools, result = anyio.run(steps)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert {tool.name for tool in tools.tools} == TOOLS
    assert "placeholders" in answer(result)["failed"]
