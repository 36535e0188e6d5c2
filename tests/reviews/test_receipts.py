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


# --- Ed25519: signed with the installation's private key, verified with its public key alone -------

def ed25519_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()).decode()


def public_pem_of(private_pem: str) -> str:
    from reviews.receipts import public_key_pem, signing_key_load

    return public_key_pem(signing_key_load(private_pem))


@pytest.mark.django_db
@pytest.mark.parametrize("given_as", ["pem", "path"])
def test_an_ed25519_receipt_verifies_offline_with_the_public_key_alone(api, rita, settings, tmp_path: Path,
                                                                       given_as: str) -> None:
    from reviews.receipts import key_id, signing_key_load

    private = ed25519_pem()
    key_file = tmp_path / "receipt-signing.pem"
    key_file.write_text(private)
    settings.HITLCRM_RECEIPT_SIGNING_KEY = private if given_as == "pem" else str(key_file)
    settings.HITLCRM_RECEIPT_KEY = ""  # the shared key is not needed (nor used) when a signing key is set
    proposal_id = submitted(api)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    approval = Decision.objects.get(proposal_id=proposal_id)

    response = api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/")

    assert response.status_code == 200, response.content
    receipt = response.json()
    assert receipt["signature"]["algorithm"] == "Ed25519"
    assert receipt["signature"]["key_id"] == key_id(signing_key_load(private))
    assert len(receipt["signature"]["value"]) == 128  # 64 bytes, hex
    assert receipt["digest"] == approval.payload_digest
    path = tmp_path / "receipt.json"
    path.write_text(response.content.decode())
    public = tmp_path / "receipt-signing.pub.pem"
    public.write_text(public_pem_of(private))
    # The public key is all the verifier holds: no private key, no shared key, no settings, no database.
    verified = offline("verify", str(path), "--public-key", str(public))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"valid: decision {approval.pk} (approve) of proposal {proposal_id} by rita")
    assert receipt_verify(json.loads(path.read_text()), public_key=public.read_text())["decision_id"] == approval.pk
    # The public key the installation gives its verifiers is printed by the command, from the private key.
    assert offline("public-key", str(key_file)).stdout == public.read_text()

    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps({**receipt, "decided_by": "mallory"}))
    tampered = offline("verify", str(changed), "--public-key", str(public))
    assert tampered.returncode == 1 and "invalid: the signature does not match" in tampered.stderr
    stranger = tmp_path / "stranger.pub.pem"
    stranger.write_text(public_pem_of(ed25519_pem()))
    other_key = offline("verify", str(path), "--public-key", str(stranger))
    assert other_key.returncode == 1 and f"signed with key {receipt['signature']['key_id']}" in other_key.stderr
    no_key = offline("verify", str(path), "--key", KEY)
    assert no_key.returncode == 1 and "signed with Ed25519: give the installation's public key" in no_key.stderr
    private_given = offline("verify", str(path), "--public-key", str(key_file))
    assert private_given.returncode == 1 and "is a private key: give the public key" in private_given.stderr
    # A key_id removed (it is not signed) changes nothing: the signature is checked all the same.
    unnamed = tmp_path / "unnamed.json"
    unnamed.write_text(json.dumps({**receipt, "signature": {k: v for k, v in receipt["signature"].items()
                                                            if k != "key_id"}}))
    assert offline("verify", str(unnamed), "--public-key", str(public)).returncode == 0


def test_a_generated_key_signs_and_an_hmac_receipt_still_needs_the_shared_key(tmp_path: Path) -> None:
    from reviews.receipts import receipt_sign_ed25519, signing_key_load

    generated = offline("generate-key")
    assert generated.returncode == 0 and generated.stdout.startswith("-----BEGIN PRIVATE KEY-----")
    key = signing_key_load(generated.stdout)
    body = {"format": "hitlcrm-receipt/1", "proposal_id": 1, "kind": "email_draft", "decision_id": 2,
            "decision": "approve", "decided_by": "rita", "decided_at": "2026-12-03T16:00:00Z", "digest": "ab" * 32,
            "digest_algorithm": "sha256-jcs", "policy": {"task_type": "cold_email", "version": 1}}
    assert receipt_verify(receipt_sign_ed25519(body, key), public_key=public_pem_of(generated.stdout)) == body
    with pytest.raises(ReceiptInvalid, match="signed with HMAC-SHA256: verifying it needs the installation's shared"):
        receipt_verify(receipt_sign(body, KEY), public_key=public_pem_of(generated.stdout))
    # An environment file's one-line PEM ("\n" written out) is read as its lines.
    assert signing_key_load(generated.stdout.strip().replace("\n", "\\n")).public_key() == key.public_key()


def other_private_keys(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Signing keys that cannot sign, and what the check must say of each."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ecdsa = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    from reviews.receipts import signing_key_load

    encrypted = signing_key_load(ed25519_pem()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase")).decode()
    return {
        "ecdsa": (ecdsa, "is an EC key, not an Ed25519 one"),
        "encrypted": (encrypted, "is an encrypted private key"),
        "public": (public_pem_of(ed25519_pem()), "is a public key: signing needs the private key"),
        "garbled": ("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", "is not a PEM private key"),
        "missing file": (str(tmp_path / "nowhere.pem"), f"cannot read {tmp_path / 'nowhere.pem'}: No such file"),
    }


@pytest.mark.django_db
def test_a_signing_key_that_cannot_sign_fails_the_checks_and_is_named_by_the_api(api, rita, keyed, settings,
                                                                                 tmp_path: Path) -> None:
    proposal_id = submitted(api)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    for name, (value, problem) in other_private_keys(tmp_path).items():
        settings.HITLCRM_RECEIPT_SIGNING_KEY = value
        (error,) = [message for message in run_checks(tags=["hitlcrm"]) if message.id == "hitlcrm.E012"]
        assert error.is_serious() and problem in error.msg, (name, error.msg)
        assert error.msg.startswith("HITLCRM_RECEIPT_SIGNING_KEY is ") and error.msg.endswith("cannot be signed")
        answer = api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/")
        assert answer.status_code == 503 and answer.json()["error"] == "receipt_key_invalid", name
        assert problem in answer.json()["detail"]
    settings.HITLCRM_RECEIPT_SIGNING_KEY = ed25519_pem()
    settings.HITLCRM_RECEIPT_KEY = ""
    # A usable signing key is enough for deployment: no shared key is needed beside it.
    assert not {"hitlcrm.E012", "hitlcrm.W005", "hitlcrm.E005"} & {
        message.id for message in run_checks(tags=["hitlcrm"], include_deployment_checks=True)}
    assert api.get(f"/api/v1/email-drafts/{proposal_id}/receipt/").json()["signature"]["algorithm"] == "Ed25519"
