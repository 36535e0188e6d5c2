"""Fixtures of the API tests: agents, an integration, console staff, and the "nothing left
behind" check every refused request must pass."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from reviews.models import AuditEvent, CrmFieldChange, CrmObjectRule, Proposal
from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer, token_client  # noqa: F401
from tests.reviews.conftest import CONTACT_ID, crm_payload, email_payload  # noqa: F401  (re-exported)

# Audit events that record who knocked (token use, refusals), not what a request changed.
SECURITY_ACTIONS = ("token_used", "token_rejected", "permission_denied", "login", "login_failed")


@pytest.fixture
def other_api(agent) -> APIClient:
    return token_client(agent_with_token("other-bot")[1])


@pytest.fixture
def integration(agent) -> tuple[Any, str]:
    """An integration client; Account changes are executed by it (the approved-changes feed)."""
    CrmObjectRule.objects.update_or_create(
        crm_object="Account",
        defaults={"allowed_fields": ["Industry", "NumberOfEmployees", "Website", "Description"],
                  "executor": CrmObjectRule.Executor.EXTERNAL},
    )
    return agent_with_token("warehouse-sync", role="integration")


@pytest.fixture
def integration_api(integration) -> APIClient:
    return token_client(integration[1])


def state_counts() -> dict[str, int]:
    return {
        "proposals": Proposal.objects.count(),
        "proposal_history": Proposal.history.count(),
        "field_changes": CrmFieldChange.objects.count(),
        "audit_events": AuditEvent.objects.exclude(action__in=SECURITY_ACTIONS).count(),
    }


@contextlib.contextmanager
def nothing_left_behind() -> Iterator[None]:
    """Asserts the block stored no record, field row, history row or (non-security) audit event."""
    before = state_counts()
    yield
    assert state_counts() == before


_cache_names = itertools.count()


@pytest.fixture
def private_cache() -> Iterator[None]:
    """A fresh in-memory cache (throttle counters, describe metadata) for tests that count on it."""
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": f"api-tests-{next(_cache_names)}"}}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(scope="session")
def salesforce_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from integrations.salesforce_emulator import EmulatorServer

    server = EmulatorServer(port=0, cert_dir=tmp_path_factory.mktemp("api-salesforce-emulator"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def salesforce(salesforce_server, private_cache) -> Iterator[Any]:
    """The local Salesforce emulator, emptied, with hitlcrm configured to use it."""
    from integrations.salesforce import client as client_module
    from tests.integrations.salesforce.conftest import salesforce_settings

    salesforce_server.reset()
    client_module.reset_clients()
    with override_settings(**salesforce_settings(salesforce_server)):
        yield salesforce_server
    client_module.reset_clients()
