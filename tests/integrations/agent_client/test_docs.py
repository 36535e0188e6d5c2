"""docs/agents.md is true: its Python blocks run, in order, in one fresh interpreter (without Django),
against a live hitlcrm with a worker, while a reviewer decides in the console: pushy drafts ("today!")
are rejected for tone with a note, the others approved. No model is called."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviews.models import Proposal

from .conftest import decide_in_console

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DOC = Path(__file__).resolve().parents[3] / "docs" / "agents.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOTE = "Too pushy: no deadlines in a first email"


@pytest.fixture
def reviewer_at_work(console) -> Iterator[None]:
    """Decides every item that waits for review until the test ends."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def work() -> None:
        from django.db import connection

        try:
            while not stop.is_set():
                for proposal in Proposal.objects.filter(status="needs_review").order_by("pk"):
                    if "today!" in proposal.body:
                        decide_in_console(console, proposal.review_url(), "reject", reason_code="tone", note=NOTE)
                    else:
                        decide_in_console(console, proposal.review_url(), "approve")
                stop.wait(0.3)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)
    if failures:
        raise failures[0]


def test_every_python_block_of_the_agents_guide_runs_against_a_live_server(gate, reviewer_at_work, tmp_path,
                                                                         settings) -> None:
    blocks = PYTHON_BLOCK.findall(DOC.read_text())
    assert len(blocks) >= 5
    script = tmp_path / "agents_md.py"
    script.write_text("\n\n".join(blocks))
    env = {"PATH": "/usr/bin:/bin", "HITLCRM_URL": gate.url, "HITLCRM_TOKEN": gate.token}
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("preflight: needs_review") for line in lines), lines
    graph = [line for line in lines if line.startswith("graph:")]
    assert graph == [f"graph: rejected tone {NOTE}", "graph: approved  "], graph
    assert "receipt: approve rita HMAC-SHA256 True" in lines  # the graph's approval, its receipt kept
    (kept,) = tmp_path.glob("receipt-*.json")
    from reviews.receipts import receipt_verify

    assert receipt_verify(json.loads(kept.read_text()), settings.HITLCRM_RECEIPT_KEY)["decision"] == "approve"
    assert f"tool: Not sent: a reviewer rejected it (tone): {NOTE}. Revise it and call send_email again." in lines
    assert "bulk: 2 created, 0 invalid" in lines and "bulk approved: [True, True]" in lines
    assert lines.count(f"feedback: rejected tone {NOTE}") == 2  # the graph's first draft and the tool's
