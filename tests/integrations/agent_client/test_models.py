"""The client's models cannot drift from the API: every model is compared with its component of the
OpenAPI schema the server serves (field names, which are required, which may be null). And the
client is a distribution of its own that imports without Django."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import pytest
from hitlcrm_client import models
from pydantic import BaseModel

from tests.support import build_wheel

ROOT = Path(__file__).resolve().parents[3]
CLIENT = ROOT / "integrations" / "agent_client"

# model -> its component in /api/v1/schema/ (requests are split from responses: "...Request").
COMPONENTS: list[tuple[type[BaseModel], str]] = [
    (models.EmailDraft, "EmailDraftSubmitRequest"),
    (models.CrmChange, "CrmChangeSubmitRequest"),
    (models.Evidence, "EvidenceRequest"),
    (models.CrmEvidence, "CrmEvidenceRequest"),
    (models.LawfulBasis, "LawfulBasisRequest"),
    (models.Proposal, "ProposalRecord"),
    (models.Check, "CheckDoc"),
    (models.Decision, "DecisionDoc"),
    (models.Execution, "ExecutionDoc"),
    (models.FieldChange, "FieldChangeDoc"),
    (models.BulkResult, "BulkResult"),
    (models.BulkItemResult, "BulkItemResult"),
    (models.PreflightResult, "PreflightResult"),
    (models.PolicySummary, "PolicySummary"),
    (models.FeedbackEntry, "FeedbackEntry"),
    (models.FeedbackPage, "FeedbackPage"),
    (models.Receipt, "Receipt"),
    (models.ReceiptPolicy, "ReceiptPolicy"),
    (models.ReceiptSignature, "ReceiptSignature"),
    (models.ErrorBody, "Error"),
]


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


def allows_none(annotation: Any) -> bool:
    if annotation is Any or annotation is None or annotation is NoneType:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return any(allows_none(arg) for arg in get_args(annotation))
    return False


@pytest.mark.parametrize(("model", "component"), COMPONENTS, ids=[name for _, name in COMPONENTS])
def test_each_model_has_the_fields_of_its_schema_component(schema, model, component) -> None:
    spec = schema[component]
    properties = spec["properties"]
    assert set(model.model_fields) == set(properties), f"{model.__name__} vs {component}"
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required == set(spec.get("required", [])), f"required fields of {model.__name__} vs {component}"
    for name, field in model.model_fields.items():
        if properties[name].get("nullable"):
            assert allows_none(field.annotation), f"{component}.{name} may be null; {model.__name__}.{name} refuses it"


def test_every_component_the_client_reads_or_sends_is_compared(schema) -> None:
    """The bulk items are the submissions plus their idempotency key; nothing else of the agent's
    operations goes uncompared."""
    for kind in ("EmailDraft", "CrmChange"):
        item = set(schema[f"{kind}BulkItemRequest"]["properties"])
        assert item == set(schema[f"{kind}SubmitRequest"]["properties"]) | {"idempotency_key"}


BLOCK_DJANGO = """
import sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"django", "rest_framework", "reviews", "hitlcrm", "integrations"}:
            raise ImportError(f"the client imported {name}")

sys.meta_path.insert(0, Refuse())
import hitlcrm_client, hitlcrm_client.mcp_server
from hitlcrm_client import HitlcrmClient, AsyncHitlcrmClient, EmailDraft
HitlcrmClient("https://hitlcrm.example", "hcrm_x").close()
print("imported", hitlcrm_client.__version__)
"""


def test_the_client_and_the_mcp_server_import_without_django(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-c", BLOCK_DJANGO], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported 0.1.0"


def test_the_client_is_a_distribution_of_its_own_and_not_part_of_the_servers(tmp_path) -> None:
    client_wheel, server_wheel = build_wheel(CLIENT, tmp_path), build_wheel(ROOT, tmp_path)
    with zipfile.ZipFile(client_wheel) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith("METADATA"))).decode()
        entry_points = wheel.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert {name.split("/")[0] for name in names if not name.startswith("hitlcrm_client-")} == {"hitlcrm_client"}
    assert "hitlcrm-mcp = hitlcrm_client.mcp_server:main" in entry_points
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert not any("django" in line.lower() for line in requires) and any("mcp" in line for line in requires)
    with zipfile.ZipFile(server_wheel) as wheel:
        assert not [name for name in wheel.namelist() if "agent_client" in name or "hitlcrm_client" in name]
