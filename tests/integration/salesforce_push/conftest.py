"""Pushing approved CRM changes to Salesforce: the local emulator over HTTPS, hitlcrm through
simple-salesforce, the real services (and, where it matters, a real Celery worker)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from reviews.models import CrmObjectRule, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposals_run_checks
from reviews.services.submission import Submission, proposals_submit
from tests.factories import CONTACT_FIELDS, agent_with_token, allow_crm_objects, policy

ACCOUNT_FIELDS = ["Name", "Industry", "Website", "Phone", "NumberOfEmployees", "AnnualRevenue", "Description",
                  "BillingCity", "External_Id__c"]


@pytest.fixture
def org(salesforce) -> Iterator[Any]:
    """The emulator, emptied, with hitlcrm configured for it; no API usage figure or cached metadata
    left by an earlier test (the database cache outlives transactional tests)."""
    cache.clear()
    allow_crm_objects()
    for crm_object, fields in (("Contact", [*CONTACT_FIELDS, "External_Id__c"]), ("Account", ACCOUNT_FIELDS)):
        CrmObjectRule.objects.update_or_create(crm_object=crm_object, defaults={"allowed_fields": fields})
    yield salesforce
    cache.clear()


@dataclass
class Changes:
    """Submits CRM changes as an agent and runs their checks (which snapshot the "before" values)."""

    client: Any

    def submit(self, specs: list[tuple[str, str, dict[str, Any]]], **extra: Any) -> list[int]:
        """``specs``: (crm_object, crm_id, fields) per change; returns the proposal ids, checked."""
        submissions = []
        for crm_object, crm_id, fields in specs:
            data = {"kind": "update", "crm_object": crm_object, "crm_id": crm_id, "fields": fields,
                    "task_type": "crm_update", "confidence": 0.99, **extra}
            submissions.append(Submission(data=data, payload=dict(data)))
        done = proposals_submit(client=self.client, kind="crm_change", submissions=submissions,
                                actor=Actor.for_client(self.client))
        ids = [outcome.proposal.pk for outcome in done]
        proposals_run_checks(proposal_ids=ids)
        return ids


@pytest.fixture
def changes(db) -> Changes:
    client, _token = agent_with_token("enrichment-bot")
    return Changes(client)


@pytest.fixture
def auto_approve(db) -> None:
    """Checked changes that pass field validation are approved by policy (never sampled): due at once."""
    policy("*", mode="calibrated", checks=["field_validity"], confidence_threshold=0.5, field_confidence_threshold=0,
           audit_sample_rate=0)


@pytest.fixture
def always_review(db) -> None:
    policy("*", mode="always_review")


def seed(org: Any, crm_object: str, count: int, **values: Any) -> list[str]:
    """``count`` records of ``crm_object`` (no API call counted); their ids."""
    required = {"Contact": {"LastName": "Person"}, "Lead": {"LastName": "Person", "Company": "Contoso"},
                "Account": {"Name": "Contoso"}}[crm_object]
    return org.seed(crm_object, [{**required, **values, } for _ in range(count)])


def statuses(ids: list[int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for status in Proposal.objects.filter(pk__in=ids).values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found
