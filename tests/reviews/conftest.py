from __future__ import annotations

from typing import Any

import pytest

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


@pytest.fixture
def ada_admin(db) -> Any:
    """An admin (seeds golden items)."""
    from tests.factories import reviewer

    return reviewer("ada", role="admin")
