"""The OpenAPI schema is served and matches what the API does: schemathesis generates requests
(valid and invalid) for every operation, as an agent, an integration and a compliance user (each
where it applies), runs them through the WSGI application, and checks there is no 5xx and every
answer is one the schema documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from hitlcrm.wsgi import application
from reviews.models import CallbackHostRule
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from tests.factories import reviewer

from .conftest import crm_payload, email_payload, token_client

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
SCHEMA.config.generation.update(max_examples=25)

NO_SERVER_ERROR = [schemathesis.checks.not_a_server_error]
CONFORMANCE = [
    *NO_SERVER_ERROR,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
# The submission API's operations must also answer only what the schema documents; the others
# (history, metrics, reports: another part of the code base) are held to "no 5xx" here.
SUBMISSION_API = ("/api/v1/email-drafts/", "/api/v1/crm-changes/", "/api/v1/webhook/", "/api/v1/feedback/")


def test_the_schema_documents_every_operation_of_the_api() -> None:
    operations = {(op.method.upper(), op.path) for op in (result.ok() for result in SCHEMA.get_all_operations())}
    for resource in ("email-drafts", "crm-changes"):
        base = f"/api/v1/{resource}/"
        assert {("GET", base), ("POST", base), ("GET", base + "{id}/"), ("POST", base + "{id}/withdraw/"),
                ("POST", base + "bulk/"), ("POST", base + "preflight/"), ("GET", base + "{id}/wait/")} <= operations
    assert ("POST", "/api/v1/crm-changes/{id}/executed/") in operations
    # Every kind's decision receipts (reviews/receipts.py).
    assert {("GET", f"/api/v1/{resource}/{{id}}/receipt/")
            for resource in ("email-drafts", "crm-changes", "outbound-actions")} <= operations
    assert {("GET", "/api/v1/webhook/"), ("PUT", "/api/v1/webhook/"), ("DELETE", "/api/v1/webhook/"),
            ("GET", "/api/v1/feedback/")} <= operations


@pytest.fixture
def in_process_requests(tokens) -> Iterator[None]:
    """Requests run through the WSGI application in this thread, inside the test's transaction;
    like Django's test client, keep the end of a request from closing that connection. (After the
    set-up's own test-client requests, which reconnect the handler when they finish.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def short_long_polls() -> Iterator[None]:
    """A generated long poll on an undecided record would hold its request for up to a minute."""
    with override_settings(HITLCRM_WAIT_MAX_SECONDS=0):
        yield


@pytest.fixture
def tokens(agent, integration) -> dict[str, str]:
    """Both kinds of client, and records in several states for the generated requests to find."""
    api = token_client(agent[1])
    rita = reviewer("rita")
    CallbackHostRule.objects.create(host="hooks.example.com")
    for payload, path in [(email_payload(), "email-drafts"), (crm_payload(), "crm-changes"),
                          (crm_payload(crm_object="Account", crm_id="0015g00000XyZ12AAF", fields={"Industry": "Retail"},
                                       field_confidence={}), "crm-changes")]:
        proposal_id = api.post(f"/api/v1/{path}/", payload, format="json").json()["id"]
        proposal_run_checks(proposal_id=proposal_id)
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    api.post("/api/v1/email-drafts/", email_payload(), format="json")
    staff = Client()
    staff.force_login(reviewer("carl", role="compliance"))  # the history, reports and metrics read as compliance
    return {"agent": agent[1], "integration": integration[1],
            "compliance": staff.cookies[django_settings.SESSION_COOKIE_NAME].value}


COMPLIANCE_API = ("/api/v1/history/", "/api/v1/timeline/", "/api/v1/reports/", "/api/v1/metrics/")


def roles_for(case: Any) -> list[str]:
    """Every operation as an agent; the integration's own operations (the feed, reading a change,
    reporting an execution) as the integration too; the compliance reads (history, timeline, reports,
    metrics) as a compliance user too, so their filters are fuzzed, not only refused."""
    path = case.operation.path
    if path.startswith("/api/v1/crm-changes/") and (case.method == "GET" or path.endswith("/executed/")):
        return ["agent", "integration"]
    if path.startswith(COMPLIANCE_API):
        return ["agent", "compliance"]
    return ["agent"]


def credentials(role: str, tokens: dict[str, str]) -> dict[str, str]:
    """The headers of a request as ``role``; a compliance user is identified by the session cookie."""
    if role == "compliance":
        return {"Authorization": ""}  # no token, in place of any the generator makes up: the session decides
    return {"Authorization": f"Token {tokens[role]}"}


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    case: Any, tokens: dict[str, str], in_process_requests: None, short_long_polls: None,
) -> None:
    checks = CONFORMANCE if case.operation.path.startswith(SUBMISSION_API) else NO_SERVER_ERROR
    for role in roles_for(case):
        if role == "compliance":  # the session cookie (a raw Cookie header is replaced by the WSGI client's jar)
            case.cookies = {**(case.cookies or {}), django_settings.SESSION_COOKIE_NAME: tokens[role]}
        case.call_and_validate(headers=credentials(role, tokens), checks=checks)


def test_every_view_annotation_builds_on_drf_spectaculars_schema_class() -> None:
    """drf-spectacular's own ``extend_schema`` builds a method's schema on the project's
    DEFAULT_SCHEMA_CLASS, which a host keeps as DRF's (on which the document fails to build); the
    API's modules use reviews.api.schema's, which names drf-spectacular's AutoSchema itself."""
    import re
    from pathlib import Path

    direct_import = re.compile(r"^from drf_spectacular\.utils import .*\bextend_schema\b(?!_)", re.MULTILINE)
    root = Path(__file__).resolve().parents[2]
    direct = [str(path.relative_to(root)) for folder in ("reviews", "integrations") for path in (root / folder).rglob("*.py")
              if path != root / "reviews/api/schema.py" and direct_import.search(path.read_text())]
    assert direct == []
