from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer


@pytest.fixture
def agent(db) -> tuple[Any, str]:  # noqa: ANN001
    allow_crm_objects()
    policy("*", mode="always_review")
    return agent_with_token("sdr-bot")


@pytest.fixture
def api(agent) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {agent[1]}")
    return client


@pytest.fixture
def rita(db) -> Any:  # noqa: ANN001
    return reviewer("rita")


@pytest.fixture
def sam(db) -> Any:  # noqa: ANN001
    return reviewer("sam", role="senior_reviewer")


CONTACT_ID = "0035g00000ABCDeAAP"


def email_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "to": ["ada@contoso.example"],
        "subject": "Idea for Contoso",
        "body": "Hi Ada,\n\nContoso just opened a Berlin office; teams like yours keep pipeline data clean with us.\n\n"
                "Open to a chat?\n\nSam",
        "crm_object": "Contact",
        "crm_id": CONTACT_ID,
        "company_name": "Contoso",
        "task_type": "cold_email",
        "confidence": 0.95,
        "evidence": [{"source": "press release", "url": "https://contoso.example/news", "quote": "opened Berlin"}],
        "assumptions": ["Ada still works at Contoso"],
        **overrides,
    }


def crm_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "update",
        "crm_object": "Contact",
        "crm_id": CONTACT_ID,
        "fields": {"Title": "VP Sales", "Department": "Sales"},
        "field_confidence": {"Title": 0.97, "Department": 0.95},
        "task_type": "contact_update",
        "confidence": 0.96,
        "evidence": [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "VP Sales"}],
        **overrides,
    }
