"""Policies are kept per version: a policy scoped to an agent version, a prompt version and/or a model
governs the outputs that name them, before its task type's generic policy; the most specific policy
covering an output wins, and a task type has one policy per scope, so the choice is never a tie."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings

from reviews.models import AuditEvent, Policy, Proposal
from reviews.selectors import policies_by_task_type, policy_find, policy_for, policy_pick
from reviews.services.checking import proposal_run_checks
from reviews.services.metrics import gate_metrics
from reviews.services.sla import proposals_escalate_overdue
from reviews.state_machine import Status
from reviews.versions import UNVERSIONED, scope_precedence
from tests.factories import decided, policy, reviewer

from .conftest import email_payload

pytestmark = pytest.mark.django_db

FEW = override_settings(HITLCRM_MIN_REVIEWS_TO_NARROW=40)
V7 = ("2.3.1", "v7", "gpt-4o")
V6 = ("2.3.1", "v6", "gpt-4o")


@pytest.fixture
def scoped(agent) -> dict[str, Policy]:
    """cold_email: a generic policy, and policies for prompt v7, for the model gpt-4o, and for both."""
    return {
        "generic": policy("cold_email", mode="always_review"),
        "prompt": policy("cold_email", prompt_version="v7", mode="calibrated"),
        "model": policy("cold_email", agent_model="gpt-4o", mode="calibrated", confidence_threshold=0.8),
        "both": policy("cold_email", prompt_version="v7", agent_model="gpt-4o", mode="log_only", reversible=True),
        "default": Policy.objects.get(task_type="*"),
        "default_for_mini": policy("*", agent_model="gpt-4o-mini", mode="always_review", sla_minutes=30),
    }


def test_the_most_specific_policy_covering_the_version_governs(scoped) -> None:
    cases = [
        (("2.3.1", "v7", "gpt-4o"), "both"),  # names two parts: before those naming one
        (("2.3.1", "v7", "claude"), "prompt"),
        (("2.3.1", "v6", "gpt-4o"), "model"),
        (("2.3.1", "v6", "claude"), "generic"),
        (UNVERSIONED, "generic"),  # an output naming no version: the generic policy, as before scopes
        (("", "v7", ""), "prompt"),
    ]
    loaded = policies_by_task_type()
    for version, expected in cases:
        assert policy_find("cold_email", version) == scoped[expected], version
        assert policy_pick(loaded, "cold_email", version=version) == scoped[expected], version
    # A task type without policies of its own: the default policies, the most specific first.
    assert policy_for("follow_up", ("1", "v1", "gpt-4o-mini")) == scoped["default_for_mini"]
    assert policy_for("follow_up", ("1", "v1", "gpt-4o")) == scoped["default"]
    # The task type's own policies come first, whatever the default's scope.
    assert policy_for("cold_email", ("1", "v1", "gpt-4o-mini")) == scoped["generic"]


def test_a_tie_of_specificity_is_broken_by_the_prompt_then_the_model(agent) -> None:
    prompt = policy("cold_email", prompt_version="v7")
    model = policy("cold_email", agent_model="gpt-4o")
    agent_release = policy("cold_email", agent_version="2.3.1")
    assert policy_find("cold_email", V7) == prompt
    prompt.delete()
    assert policy_find("cold_email", V7) == model
    model.delete()
    assert policy_find("cold_email", V7) == agent_release
    # The order itself: parts named first, then prompt, model, agent version.
    assert scope_precedence(("2.3.1", "", "gpt-4o")) > scope_precedence(("", "v7", "")) > \
        scope_precedence(("", "", "gpt-4o")) > scope_precedence(("2.3.1", "", "")) > scope_precedence(UNVERSIONED)


def test_a_task_type_has_one_policy_per_scope(scoped) -> None:
    with pytest.raises(ValidationError, match="This task type has a policy with this scope already"):
        Policy(task_type="cold_email", prompt_version="v7").full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Policy.objects.create(task_type="cold_email", prompt_version="v7")
    # The same scope under another task type, or another scope, is another policy.
    Policy(task_type="follow_up", prompt_version="v7").full_clean()
    Policy(task_type="cold_email", prompt_version="v8").full_clean()


def test_a_scope_names_versions_as_the_agents_do(agent) -> None:
    with pytest.raises(ValidationError) as refused:
        Policy(task_type="cold_email", prompt_version="v 7", agent_model="gpt<4>").full_clean()
    assert set(refused.value.message_dict) == {"prompt_version", "agent_model"}
    assert "Use letters, digits and . _ - + : / @ (no spaces)" in refused.value.message_dict["prompt_version"][0]


def test_versions_count_every_save_of_the_task_types_policies(agent) -> None:
    """A task type and a version name one set of rules, whatever its scope: what an auto-approval's
    actor (``policy:cold_email@v3``) and a receipt name."""
    generic = policy("cold_email", mode="always_review")
    assert generic.version == 1
    scoped_one = policy("cold_email", prompt_version="v7", mode="calibrated")
    assert scoped_one.version == 2
    generic.mode = "calibrated"
    generic.save()
    assert generic.version == 3
    scoped_one.delete()
    assert policy("cold_email", prompt_version="v8").version == 4  # a deleted policy's versions are not reused
    assert policy("follow_up").version == 1  # another task type counts its own


# --- through the worker's use case -------------------------------------------------------------------

def submit(api: Any, version: tuple[str, str, str] = UNVERSIONED, **overrides: Any) -> Proposal:
    named = dict(zip(("agent_version", "prompt_version", "model"), version, strict=True))
    response = api.post("/api/v1/email-drafts/", email_payload(**{k: v for k, v in named.items() if v}, **overrides),
                        format="json")
    assert response.status_code == 201, response.content
    proposal_run_checks(proposal_id=response.json()["id"])
    return Proposal.objects.get(pk=response.json()["id"])


@FEW
def test_the_gate_follows_the_policy_scoped_to_the_outputs_version(api, agent) -> None:
    policy("cold_email", mode="always_review", checks=["placeholders", "confidence"])
    prompt_v7 = policy("cold_email", prompt_version="v7", mode="calibrated", audit_sample_rate=0,
                       checks=["placeholders", "confidence"], error_rate_target=0.1)
    decided(agent[0], "cold_email", 45, reviewer=reviewer("rita"), version=V7)  # v7 has earned its own record

    new = submit(api, V7)
    assert new.status == Status.APPROVED
    assert new.gate_reason == f"auto-approved by policy cold_email v{prompt_v7.version} (prompt v7)"
    event = AuditEvent.objects.get(proposal_id_ref=new.pk, action="auto_approved")
    assert event.data["policy_scope"] == {"agent_version": None, "prompt_version": "v7", "model": None}
    assert event.actor == f"policy:cold_email@v{prompt_v7.version}"
    # Another prompt, or no version at all, goes by the generic policy.
    assert submit(api, V6).gate_reason == "policy always requires review"
    assert submit(api).gate_reason == "policy always requires review"
    held = AuditEvent.objects.filter(action="checks_run").order_by("pk").last()
    assert "policy_scope" not in held.data  # the generic policy has none to name


@FEW
def test_a_scoped_policy_can_hold_a_new_model_under_review(api, agent) -> None:
    policy("cold_email", mode="calibrated", audit_sample_rate=0, checks=["placeholders", "confidence"],
           error_rate_target=0.1)
    policy("cold_email", agent_model="gpt-5-preview", mode="always_review")
    decided(agent[0], "cold_email", 45, reviewer=reviewer("rita"), version=("2.3.1", "v7", "gpt-5-preview"))
    decided(agent[0], "cold_email", 45, reviewer=reviewer("rita"), version=V7)
    assert submit(api, V7).status == Status.APPROVED
    held = submit(api, ("2.3.1", "v7", "gpt-5-preview"))
    assert held.status == Status.NEEDS_REVIEW and held.gate_reason == "policy always requires review"


def test_the_preflight_answers_with_the_scoped_policy(api, agent) -> None:
    scoped_one = policy("cold_email", prompt_version="v7", mode="always_review")
    policy("cold_email", mode="calibrated")
    answer = api.post("/api/v1/email-drafts/preflight/", email_payload(prompt_version="v7"), format="json").json()
    assert answer["policy"]["version"] == scoped_one.version and answer["reason"] == "policy always requires review"


def test_the_sla_expires_by_the_scoped_policy(api, agent) -> None:
    policy("cold_email", mode="always_review", sla_minutes=60, expire_after_minutes=None)
    policy("cold_email", prompt_version="v7", mode="always_review", sla_minutes=30, expire_after_minutes=120)
    policy("cold_email", prompt_version="v8", mode="always_review", sla_minutes=60, expire_after_minutes=600)
    v7, v6, v8 = submit(api, V7), submit(api, V6), submit(api, ("2.3.1", "v8", "gpt-4o"))
    # The SLA is set at submission by the policy governing the output's version.
    assert (v7.sla_due_at - v7.submitted_at, v6.sla_due_at - v6.submitted_at) == (timedelta(minutes=30),
                                                                                 timedelta(minutes=60))

    result = proposals_escalate_overdue(now=v7.submitted_at + timedelta(minutes=121))
    assert result == {"escalated": 3, "expired": 1}
    assert [Proposal.objects.get(pk=p.pk).status for p in (v7, v6, v8)] == [Status.EXPIRED, Status.NEEDS_REVIEW,
                                                                          Status.NEEDS_REVIEW]
    expired = AuditEvent.objects.get(proposal_id_ref=v7.pk, action="expired")
    assert expired.data["scope"] == {"agent_version": None, "prompt_version": "v7", "model": None}
    assert proposals_escalate_overdue(now=v7.submitted_at + timedelta(minutes=601))["expired"] == 1
    assert Proposal.objects.get(pk=v8.pk).status == Status.EXPIRED


@FEW
def test_each_versions_verdict_is_against_the_target_of_the_policy_governing_it(agent) -> None:
    policy("cold_email", error_rate_target=0.05)
    strict = policy("cold_email", prompt_version="v7", error_rate_target=0.01)
    people = reviewer("rita")
    decided(agent[0], "cold_email", 100, reviewer=people, version=V7)
    decided(agent[0], "cold_email", 100, reviewer=people, version=V6)
    (cold,) = gate_metrics()["task_types"]
    rows = {row["prompt_version"]: row for row in cold["versions"]}
    # The same record, 0 errors in 100 (a 95% upper bound of 3.7%): under the generic policy's 5%, not
    # under the 1% of the policy scoped to v7, which is the one its outputs are gated by.
    assert (rows["v6"]["may_narrow"], rows["v6"]["held_for_review"]) == (True, False)
    assert (rows["v7"]["may_narrow"], rows["v7"]["held_for_review"]) == (False, True)
    assert rows["v7"]["policy"] == {"task_type": "cold_email", "version": strict.version,
                                    "scope": {"agent_version": None, "prompt_version": "v7", "model": None},
                                    "error_rate_target": 0.01}
    assert rows["v6"]["policy"]["error_rate_target"] == 0.05 and rows["v6"]["policy"]["scope"] == {
        "agent_version": None, "prompt_version": None, "model": None}
    assert "not under the target 1.0%" in rows["v7"]["gate"]


def test_each_item_of_a_bulk_submission_follows_its_own_versions_policy(api, agent) -> None:
    policy("cold_email", mode="always_review", sla_minutes=60)
    policy("cold_email", prompt_version="v7", mode="always_review", sla_minutes=15)
    items = [email_payload(prompt_version="v7", idempotency_key="a"), email_payload(idempotency_key="b"),
             email_payload(prompt_version="v7", to=["bo@contoso.example"], idempotency_key="c")]
    response = api.post("/api/v1/email-drafts/bulk/", {"items": items}, format="json")
    assert response.status_code in (200, 201, 207), response.content
    minutes = [int((p.sla_due_at - p.submitted_at).total_seconds() // 60)
               for p in Proposal.objects.order_by("pk")]
    assert minutes == [15, 60, 15]
