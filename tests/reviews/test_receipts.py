"""Signed decision receipts: an agent fetches one per decision through the API and verifies it
offline with the documented command, which needs no database and no Django settings; a receipt
changed in any member, or checked with another key, fails; a missing key is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks

from reviews.canonical import payload_digest
from reviews.models import Decision, Proposal
from reviews.receipts import ReceiptInvalid, receipt_sign, receipt_verify
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.sending import final_email
from tests.factories import agent_with_token, policy, token_client

from .conftest import email_payload

ROOT = Path(__file__).resolve().parents[2]
KEY = "receipt-key-for-tests-" + "0123456789abcdef" * 2


def offline(*args: str, key_in_environment: str | None = None) -> subprocess.CompletedProcess:
    """``python -m reviews.receipts ...`` as an agent runs it: no Django settings, no database."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("DJANGO_", "DATABASE_", "HITLCRM_"))}
    if key_in_environment is not None:
        environment["HITLCRM_RECEIPT_KEY"] = key_in_environment
    return subprocess.run([sys.executable, "-m", "reviews.receipts", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def keyed(settings: Any) -> str:
    settings.HITLCRM_RECEIPT_KEY = KEY
    return KEY


def draft() -> dict[str, Any]:
    """An email draft naming no CRM record (nothing to read in a CRM that is not configured here)."""
    return {name: value for name, value in email_payload().items() if name not in ("crm_object", "crm_id")}


def submitted(api: Any) -> int:
    response = api.post("/api/v1/email-drafts/", draft(), format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return response.json()["id"]


@pytest.mark.django_db
def test_an_agent_fetches_its_approvals_receipt_and_verifies_it_offline(api, rita, keyed, tmp_path: Path) -> None:
    proposal_id = submitted(api)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"subject": "A thought for Contoso"})
    approval = Decision.objects.get(proposal_id=proposal_id)
    proposal = Proposal.objects.get(pk=proposal_id)

    response = api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/")

    assert response.status_code == 200, response.content
    receipt = response.json()
    signature = receipt.pop("signature")
    assert receipt == {
        "format": "hitlcrm-receipt/1", "proposal_id": proposal_id, "kind": "email_draft", "decision_id": approval.pk,
        "decision": "edit_approve", "decided_by": "rita",
        "decided_at": approval.created_at.isoformat().replace("+00:00", "Z"),
        "digest": approval.payload_digest, "digest_algorithm": "sha256-jcs",
        # The policy that routed it: here the catch-all one (the test sets no policy for cold_email).
        "policy": {"task_type": "*", "version": proposal.policy_version},
    }
    # The digest is that of the email the executor will send, as the approval recorded it.
    assert receipt["digest"] == payload_digest(final_email(proposal))
    assert signature["algorithm"] == "HMAC-SHA256" and len(signature["value"]) == 64

    path = tmp_path / "receipt.json"
    path.write_text(response.content.decode())
    key_file = tmp_path / "receipt.key"
    key_file.write_text(KEY + "\n")
    verified = offline("verify", str(path), "--key-file", str(key_file))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"valid: decision {approval.pk} (edit_approve) of proposal {proposal_id} by rita")
    # The key may come from the environment, and what was sent can be checked against the receipt too.
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps(final_email(proposal), indent=2))
    assert offline("verify", str(path), "--payload", str(sent), key_in_environment=KEY).returncode == 0
    assert offline("digest", str(sent)).stdout.strip() == approval.payload_digest


@pytest.mark.django_db
def test_a_modified_receipt_or_another_key_fails_offline_verification(api, rita, keyed, tmp_path: Path) -> None:
    proposal_id = submitted(api)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    receipt = api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/").json()

    for member, value in [("decision", "reject"), ("digest", "0" * 64), ("decided_by", "mallory"),
                          ("policy", {"task_type": "cold_email", "version": 99})]:
        path = tmp_path / f"changed-{member}.json"
        path.write_text(json.dumps({**receipt, member: value}))
        result = offline("verify", str(path), "--key", KEY)
        assert result.returncode == 1, member
        assert "invalid: the signature does not match" in result.stderr

    original = tmp_path / "receipt.json"
    original.write_text(json.dumps(receipt))
    assert offline("verify", str(original), "--key", "another key").returncode == 1
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"to": ["eve@evil.example"]}))
    wrong_payload = offline("verify", str(original), "--key", KEY, "--payload", str(other))
    assert wrong_payload.returncode == 1 and "is not the receipt's" in wrong_payload.stderr
    no_key = offline("verify", str(original))
    assert no_key.returncode == 1 and "no key: give --key or --key-file, or set HITLCRM_RECEIPT_KEY" in no_key.stderr


def test_verification_names_what_is_wrong_without_django() -> None:
    body = {"format": "hitlcrm-receipt/1", "proposal_id": 1, "kind": "email_draft", "decision_id": 2,
            "decision": "approve", "decided_by": "rita", "decided_at": "2026-12-03T16:00:00Z", "digest": "ab" * 32,
            "digest_algorithm": "sha256-jcs", "policy": {"task_type": "cold_email", "version": 1}}
    signed = receipt_sign(body, KEY)
    assert receipt_verify(json.loads(json.dumps(signed)), KEY) == body
    with pytest.raises(ReceiptInvalid, match="the receipt has no digest"):
        receipt_verify({name: value for name, value in signed.items() if name != "digest"}, KEY)
    with pytest.raises(ReceiptInvalid, match="unknown receipt format"):
        receipt_verify({**signed, "format": "other/9"}, KEY)
    with pytest.raises(ReceiptInvalid, match="a receipt is a JSON object"):
        receipt_verify([signed], KEY)


@pytest.mark.django_db
def test_a_rejection_and_an_auto_approval_have_receipts_too(api, rita, keyed) -> None:
    rejected = submitted(api)
    proposal_decide(proposal_id=rejected, actor=Actor.for_user(rita), action="reject", reason_code="tone")
    receipt = api.get(f"/api/v1/email-drafts/{rejected}/receipt/").json()
    assert (receipt["decision"], receipt["digest"]) == ("reject", None)  # nothing will be sent
    assert receipt_verify(receipt, KEY)["decided_by"] == "rita"

    auto = policy("cold_email", mode="calibrated", confidence_threshold=0.5, audit_sample_rate=0, checks=["confidence"])
    proposal_id = api.post("/api/v1/email-drafts/", draft(), format="json").json()["id"]
    proposal = proposal_run_checks(proposal_id=proposal_id)
    assert proposal.status == "approved"
    receipt = receipt_verify(api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/").json(), KEY)
    assert receipt["decision"] == "auto_approve" and receipt["decided_by"] == f"policy:cold_email@v{auto.version}"
    assert receipt["digest"] == payload_digest(final_email(proposal))


@pytest.mark.django_db
def test_receipts_are_the_agents_own_and_named_problems_come_back(api, rita, keyed, settings) -> None:
    proposal_id = submitted(api)
    assert api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/").json() == {
        "error": "not_found", "detail": f"proposal {proposal_id} has no decision yet (its status is needs_review)"}
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    decision = Decision.objects.get(proposal_id=proposal_id)
    assert api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/?decision={decision.pk}").status_code == 200
    assert api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/?decision={decision.pk + 1}").status_code == 404
    assert api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/?decision=x").json()["fields"] == {
        "decision": ["A valid integer is required."]}
    other = token_client(agent_with_token("other-bot")[1])
    assert other.get(f"/api/v1/email-drafts/{proposal_id}/receipt/").status_code == 404

    settings.HITLCRM_RECEIPT_KEY = ""
    missing = api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/")
    assert missing.status_code == 503
    assert missing.json()["error"] == "receipt_key_missing" and "HITLCRM_RECEIPT_KEY is not set" in missing.json()["detail"]


def test_a_missing_receipt_key_is_a_warning_and_an_error_for_deployment(settings) -> None:
    settings.HITLCRM_RECEIPT_KEY = ""
    assert "hitlcrm.W005" in {message.id for message in run_checks(tags=["hitlcrm"])}
    deploy = {message.id: message for message in run_checks(tags=["hitlcrm"], include_deployment_checks=True)}
    assert deploy["hitlcrm.E005"].is_serious() and "HITLCRM_RECEIPT_KEY" in deploy["hitlcrm.E005"].msg
    settings.HITLCRM_RECEIPT_KEY = KEY
    assert not {"hitlcrm.W005", "hitlcrm.E005"} & {message.id for message in
                                                   run_checks(tags=["hitlcrm"], include_deployment_checks=True)}
