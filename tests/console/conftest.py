"""Console fixtures: reviewers of every role and queued proposals made through the API and the checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reviews.models import Proposal
from reviews.services.checking import proposal_run_checks
from tests.factories import reviewer
from tests.reviews.conftest import crm_payload, email_payload

PATHS = {"email": "email-drafts", "crm": "crm-changes"}


def queued(api: Any, n: int = 1, kind: str = "email", **overrides: Any) -> list[Proposal]:
    """``n`` proposals submitted by the agent and checked, oldest first."""
    payload = email_payload(**overrides) if kind == "email" else crm_payload(**overrides)
    ids = []
    for _ in range(n):
        response = api.post(f"/api/v1/{PATHS[kind]}/", payload, format="json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
        proposal_run_checks(proposal_id=ids[-1])
    return list(Proposal.objects.filter(pk__in=ids).order_by("pk"))


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ada(db) -> Any:
    return reviewer("ada", role="admin")


# Payloads an attacker could slip into a proposal. They go in through the service, not the API, so
# the console is tested even against content the API's validation would have stopped.
PWN = "window.__pwned"


def hostile_proposals(client: Any) -> tuple[Proposal, Proposal]:
    """An email draft and a CRM change whose every AI-written text tries to run script."""
    from reviews.services.actors import Actor
    from reviews.services.submission import proposal_submit

    evidence = [
        {"source": f"<script>{PWN}='source'</script>", "url": f"javascript:{PWN}='url'",
         "quote": f"<img src=x onerror=\"{PWN}='quote'\">"},
        {"source": "press release", "url": "https://contoso.example/news", "quote": "opened Berlin"},
    ]
    email = {
        "to": ["ada@contoso.example"], "subject": f"<script>{PWN}='subject'</script>Hello",
        "body": f"<img src=x onerror=\"{PWN}='body'\">\nHi Ada",
        "body_html": (f"<p>Hi Ada</p><script>parent.{PWN}='html'</script><img src=x onerror=\"parent.{PWN}='img'\">"
                      f"<a id=lure href=\"javascript:parent.{PWN}='link'\">read more</a>"),
        "crm_object": "Contact", "crm_id": "0035g00000ABCDeAAP", "task_type": "cold_email", "confidence": 0.9,
        "company_name": f"<b onmouseover=\"{PWN}='company'\">Contoso</b>", "evidence": evidence,
        "assumptions": [f"<svg onload=\"{PWN}='assumption'\">"],
    }
    change = {
        "kind": "update", "crm_object": "Contact", "crm_id": "0035g00000ABCDeAAP", "task_type": "contact_update",
        "fields": {"Title": f"<script>{PWN}='field'</script>", "Description": f"<img src=x onerror=\"{PWN}='value'\">"},
        "field_confidence": {"Title": 0.9}, "confidence": 0.9, "evidence": evidence, "assumptions": [],
    }
    made = []
    for kind, data in (("email_draft", email), ("crm_change", change)):
        proposal, _ = proposal_submit(client=client, kind=kind, data=data, payload=data, actor=Actor.for_client(client))
        proposal_run_checks(proposal_id=proposal.pk)
        made.append(Proposal.objects.get(pk=proposal.pk))
    return made[0], made[1]
