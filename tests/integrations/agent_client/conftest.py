"""A live hitlcrm for the agent-side client: pytest-django's live server, a real Celery worker for
the checks, an agent's token, and a reviewer who decides in the console over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from reviews.models import AuditEvent, CheckResult, Proposal
from tests.integration.test_end_to_end import login
from tests.support import form_submission

SECURITY_ACTIONS = ("token_used", "token_rejected", "permission_denied", "login", "login_failed")


@dataclass
class Gate:
    url: str
    token: str


@pytest.fixture
def gate(live_server, agent, worker_factory, settings) -> Gate:
    """hitlcrm at ``url`` with a worker running the checks; ``token`` is the agent sdr-bot's. Every
    task type is reviewed by a person (the ``agent`` fixture's policy). An approval waits out a
    grace period longer than any test before it executes, so a record the agent is told is approved
    stays approved while the test looks at it (no CRM here: the send would stop at its opt-out check)."""
    settings.HITLCRM_BASE_URL = live_server.url
    settings.HITLCRM_UNDO_GRACE_SECONDS = 300
    worker_factory({"HITLCRM_BASE_URL": live_server.url})
    return Gate(live_server.url, agent[1])


def decide_in_console(session: requests.Session, review_url: str, action: str, **fields: str) -> None:
    """What a reviewer's click does: the review page's decide form, posted with ``action``."""
    page = session.get(review_url)
    assert page.status_code == 200, page.text[:300]
    target, values = form_submission(page.text, "decide-form")
    values = [(name, value) for name, value in values if name not in fields]
    response = session.post(requests.compat.urljoin(review_url, target),
                            data=[*values, *fields.items(), ("action", action)], headers={"Referer": review_url})
    assert response.ok, response.text[:500]


@pytest.fixture
def console(live_server, rita) -> requests.Session:
    """Rita, logged in to the review console."""
    return login(live_server, "rita")


@pytest.fixture
def reviewer_soon(console) -> Iterator[Callable[..., None]]:
    """Decides a record in the console from another thread, once it waits for review: a person
    acting while the agent waits."""
    threads: list[threading.Thread] = []
    failures: list[BaseException] = []

    def decide(proposal_id: int, action: str, *, delay: float = 1.0, **fields: str) -> None:
        def run() -> None:
            import time

            from django.db import connection

            try:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    proposal = Proposal.objects.filter(pk=proposal_id).first()
                    if proposal is not None and proposal.status == "needs_review":
                        break
                    time.sleep(0.2)
                else:
                    raise AssertionError(f"proposal {proposal_id} never waited for review")
                time.sleep(delay)
                decide_in_console(console, proposal.review_url(), action, **fields)
            except BaseException as exc:  # reported when the test ends, not lost with the thread
                failures.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)

    yield decide
    for thread in threads:
        thread.join(timeout=90)
    if failures:
        raise failures[0]


def stored_rows() -> dict[str, int]:
    return {"proposals": Proposal.objects.count(), "check_results": CheckResult.objects.count(),
            "audit_events": AuditEvent.objects.exclude(action__in=SECURITY_ACTIONS).count()}


def payload(**overrides: Any) -> dict[str, Any]:
    from tests.reviews.conftest import email_payload

    return email_payload(**overrides)
