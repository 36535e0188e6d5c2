"""The AI reviewer check against a local fake OpenAI-compatible endpoint: verdicts, garbage,
timeouts, errors, the daily budget shared through the database, off unless configured; and its
precision as reviewers judge it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from reviews.checks import registry
from reviews.checks.ai_reviewer import UNREADABLE
from reviews.models import CheckBudget, CheckResult, Policy, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.metrics import check_precision
from reviews.services.submission import proposal_submit
from reviews.state_machine import Status
from tests.factories import History, policy
from tests.reviews.conftest import email_payload

from .support import email, run

pytestmark = pytest.mark.django_db


class FakeChatServer:
    """A chat-completions endpoint on 127.0.0.1 that answers from a script: each entry is
    (status, body text, delay in seconds); the last one repeats. Records every request."""

    def __init__(self) -> None:
        self.script: list[tuple[int, str, float]] = []
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                status, text, delay = server.script[min(len(server.requests), len(server.script)) - 1]
                time.sleep(delay)
                payload = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def answer(self, content: Any, *, status: int = 200, delay: float = 0.0) -> None:
        """The model's message content (a JSON string when given an object)."""
        text = content if isinstance(content, str) else json.dumps(content)
        self.script.append((status, json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}),
                            delay))

    def raw(self, body: str, *, status: int = 200) -> None:
        self.script.append((status, body, 0.0))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def chat() -> Iterator[FakeChatServer]:
    server = FakeChatServer()
    with override_settings(HITLCRM_AI_REVIEWER_URL=server.url, HITLCRM_AI_REVIEWER_MODEL="reviewer-small",
                           HITLCRM_AI_REVIEWER_API_KEY="sk-test", HITLCRM_AI_REVIEWER_TIMEOUT_SECONDS=2.0,
                           HITLCRM_AI_REVIEWER_DAILY_BUDGET=100):
        yield server
    server.close()


def test_off_unless_configured_and_a_default_check_once_it_is() -> None:
    assert "ai_reviewer" not in {c.name for c in registry.for_proposal("email_draft", [])}
    outcome = run("ai_reviewer", email())
    assert not outcome.passed and "not configured (HITLCRM_AI_REVIEWER_URL)" in outcome.message
    with override_settings(HITLCRM_AI_REVIEWER_URL="http://127.0.0.1:9/v1"):
        assert "ai_reviewer" in {c.name for c in registry.for_proposal("email_draft", [])}
        assert "ai_reviewer" not in {c.name for c in registry.for_proposal("crm_change", [])}


def test_a_pass_verdict_passes_and_the_request_is_a_strict_json_chat_completion(chat: FakeChatServer) -> None:
    chat.answer({"verdict": "pass", "reasons": []})
    proposal = email()
    outcome = run("ai_reviewer", proposal)
    assert outcome.passed and outcome.details["verdict"] == "pass"
    [request] = chat.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    sent = request["json"]
    assert sent["model"] == "reviewer-small" and sent["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert '"verdict"' in sent["messages"][0]["content"]
    assert json.loads(sent["messages"][1]["content"])["body"] == proposal.body


def test_a_fail_verdict_fails_soft_with_its_reasons_and_spans(chat: FakeChatServer) -> None:
    proposal = email(body="Hi Ada,\n\nContoso should sign today or regret it.\n\nSam")
    chat.answer({"verdict": "fail", "reasons": ["pushy deadline"],
                 "spans": [{"field": "body", "text": "sign today or regret it"},
                           {"field": "subject", "text": "not in the subject"}]})
    outcome = run("ai_reviewer", proposal)
    assert not outcome.passed and outcome.severity is None and registry.get("ai_reviewer").severity == "soft"
    assert outcome.message == "The AI reviewer objects: pushy deadline"
    located, missing = outcome.details["spans"]
    assert proposal.body[located["start"]:located["end"]] == "sign today or regret it"
    assert missing == {"field": "subject", "text": "not in the subject", "start": None, "end": None}


@pytest.mark.parametrize("content", [
    "Looks fine to me!",
    '```json\n{"verdict": "pass", "reasons": []}\n```',
    {"verdict": "maybe", "reasons": ["unsure"]},
    {"verdict": "PASS", "reasons": []},
    {"verdict": "fail", "reasons": []},
    {"verdict": "pass", "reasons": "fine"},
    {"verdict": "fail", "reasons": ["x"], "spans": ["body"]},
    ["pass"],
    None,
])
def test_an_answer_that_is_not_the_verdict_asked_for_is_never_a_pass(chat: FakeChatServer, content: Any) -> None:
    chat.script.append((200, json.dumps({"choices": [{"message": {"content": content if isinstance(content, str)
                                                                   or content is None else json.dumps(content)}}]}),
                        0.0))
    outcome = run("ai_reviewer", email())
    assert not outcome.passed and outcome.message == UNREADABLE


@pytest.mark.parametrize("body", ["<html>Bad gateway</html>", '{"error": "overloaded"}', '{"choices": []}'])
def test_a_response_that_is_not_a_chat_completion_is_unreadable(chat: FakeChatServer, body: str) -> None:
    chat.raw(body)
    outcome = run("ai_reviewer", email())
    assert not outcome.passed and outcome.message == UNREADABLE


def test_a_timeout_and_an_http_error_fail_soft_saying_so(chat: FakeChatServer) -> None:
    chat.answer({"verdict": "pass", "reasons": []}, delay=1.0)
    with override_settings(HITLCRM_AI_REVIEWER_TIMEOUT_SECONDS=0.2):
        outcome = run("ai_reviewer", email())
    assert not outcome.passed and outcome.message == "The AI reviewer did not answer within 0.2 seconds; review by hand"
    chat.script[:] = [(500, '{"error": "boom"}', 0.0)]
    outcome = run("ai_reviewer", email())
    assert not outcome.passed and "could not be reached (HTTP 500)" in outcome.message


def test_the_daily_budget_is_counted_in_the_database_and_exhaustion_fails_soft(chat: FakeChatServer) -> None:
    chat.answer({"verdict": "pass", "reasons": []})
    yesterday = timezone.now().astimezone(UTC).date() - timedelta(days=1)
    CheckBudget.objects.create(check_name="ai_reviewer", day=yesterday, used=2)  # yesterday's calls do not count
    with override_settings(HITLCRM_AI_REVIEWER_DAILY_BUDGET=2):
        assert run("ai_reviewer", email()).passed and run("ai_reviewer", email()).passed
        outcome = run("ai_reviewer", email())
    assert not outcome.passed and outcome.message == "The AI reviewer's daily budget is used up (2 calls); review by hand"
    assert len(chat.requests) == 2  # the third draft never reached the endpoint
    today = CheckBudget.objects.get(check_name="ai_reviewer", day=yesterday + timedelta(days=1))
    assert today.used == 2


def test_a_submitted_draft_is_reviewed_once_before_the_lock_and_a_fail_sends_it_to_a_person(
        agent, chat: FakeChatServer) -> None:
    chat.answer({"verdict": "fail", "reasons": ["claims a partnership the evidence does not show"]})
    policy("cold_email", mode="calibrated", confidence_threshold=0.9, audit_sample_rate=0,
           checks=["placeholders", "tone", "ai_reviewer"])
    client = agent[0]
    data = email_payload(confidence=0.99)
    proposal, _created = proposal_submit(client=client, kind="email_draft", data=data, payload=data,
                                         actor=Actor.for_client(client))
    proposal = proposal_run_checks(proposal_id=proposal.pk)
    assert proposal.status == Status.NEEDS_REVIEW
    stored = CheckResult.objects.get(proposal=proposal, name="ai_reviewer")
    assert not stored.passed and stored.severity == "soft" and "partnership" in stored.message
    assert len(chat.requests) == 1


def test_the_checks_precision_is_the_share_of_its_failures_reviewers_rejected_or_edited(agent) -> None:
    month = datetime(2026, 3, 10, tzinfo=UTC)
    h = History(agent[0])
    h.add("rejected", month, 6, Status.REJECTED, actions=("reject",), reason_code="tone")
    h.add("edited", month, 2, Status.DONE, actions=("edit_approve",), material=True)
    h.add("approved", month, 2, Status.DONE, actions=("approve",))
    h.add("waiting", month, 3, Status.NEEDS_REVIEW)
    h.add("passed_rejected", month, 4, Status.REJECTED, actions=("reject",), reason_code="other")
    h.save()
    for proposal in Proposal.objects.all():
        CheckResult.objects.create(proposal=proposal, name="ai_reviewer", passed=proposal.task_type == "passed_rejected",
                                   severity="soft", message="m")
    figures = check_precision(check="ai_reviewer")
    assert (figures["failed"], figures["failed_reviewed"], figures["confirmed"]) == (13, 10, 8)
    assert figures["precision"] == 0.8
    assert figures["precision_lower_95"] < 0.8 < figures["precision_upper_95"]
    assert check_precision(check="tone")["precision"] is None  # failed nothing: no figure, not 0
    assert check_precision(check="ai_reviewer", since=datetime(2026, 4, 1, tzinfo=UTC))["failed"] == 0


def test_policy_naming_it_stays_valid() -> None:
    Policy(task_type="x", checks=["ai_reviewer"]).clean()
