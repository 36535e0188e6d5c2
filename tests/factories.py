"""Test data, in one place."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews.models import ApiClient, ApiToken, CrmObjectRule, Decision, ExecutionAttempt, Policy, Proposal
from reviews.roles import ensure_roles

CONTACT_FIELDS = ["FirstName", "LastName", "Email", "Title", "Department", "Phone", "MobilePhone",
                  "Description", "LeadSource", "MailingCity", "LinkedIn_URL__c", "HasOptedOutOfEmail", "DoNotCall"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


def reviewer(username: str = "rita", role: str = "reviewer") -> Any:
    user = UserFactory(username=username)
    user.groups.set([ensure_roles()[role]])
    return user


class ApiClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiClient

    name = factory.Sequence(lambda n: f"agent-{n}")
    user = factory.SubFactory(UserFactory, is_staff=False, username=factory.Sequence(lambda n: f"api:agent-{n}"))


def agent_with_token(name: str | None = None, role: str = "agent") -> tuple[ApiClient, str]:
    client = ApiClientFactory(**({"name": name} if name else {}), role=role)
    _, raw = ApiToken.issue(client)
    return client, raw


def allow_crm_objects() -> None:
    """The allow-list the demo ships with: Contact and Lead fields agents may propose."""
    CrmObjectRule.objects.update_or_create(crm_object="Contact", defaults={"allowed_fields": CONTACT_FIELDS})
    CrmObjectRule.objects.update_or_create(
        crm_object="Lead", defaults={"allowed_fields": [*CONTACT_FIELDS, "Company", "Status"]}
    )


def policy(task_type: str = "*", **values: Any) -> Policy:
    """The task type's policy with ``values``, made or updated; naming ``agent_version``, ``prompt_version``
    or ``agent_model`` makes (or updates) the policy scoped to them."""
    scope = {name: values.pop(name, "") for name in ("agent_version", "prompt_version", "agent_model")}
    obj, _ = Policy.objects.update_or_create(task_type=task_type, **scope, defaults=values)
    return obj


class ExecutionAttemptFactory(factory.django.DjangoModelFactory):
    """One row of the execution log: one record in one push to Salesforce (pass ``execution``)."""

    class Meta:
        model = ExecutionAttempt

    proposal = factory.SelfAttribute("execution.proposal")
    batch = factory.LazyFunction(uuid.uuid4)
    number = 1
    request_kind = "update"
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda attempt: attempt.started_at + timedelta(milliseconds=400))
    http_requests = 1
    outcome = ExecutionAttempt.Outcome.WRITTEN


class History:
    """Seeds proposals and decisions in bulk, the way the services leave them (for the metrics)."""

    def __init__(self, agent: ApiClient) -> None:
        self.agent = agent
        self.people = [reviewer("rita"), reviewer("sam", role="senior_reviewer")]
        self.decisions: list[Decision] = []

    def add(self, task_type: str, month: Any, count: int, status: str, *, actions: tuple[str, ...] = (),
            reason_code: str = "", material: bool = False, sampled: bool = False, revoked: bool = False) -> None:
        proposals = Proposal.objects.bulk_create([
            Proposal(kind="email_draft", task_type=task_type, status=status, submitted_at=month, agent=self.agent,
                     original_output={"subject": "s", "body": "b"}, final_output={"subject": "s", "body": "edited"},
                     materially_edited=material, reason_code=reason_code, sampled_for_audit=sampled)
            for _ in range(count)
        ])
        for proposal in proposals:
            for number, action in enumerate(actions):
                human = action != Decision.Action.AUTO_APPROVE
                self.decisions.append(Decision(
                    proposal=proposal, submitted_by=self.agent.user, action=action,
                    reviewer=self.people[number % 2] if human else None,
                    reason_code=reason_code if action == Decision.Action.REJECT else "",
                    revoked_at=month if revoked else None,
                ))

    def save(self) -> None:
        Decision.objects.bulk_create(self.decisions)
        self.decisions = []


def token_client(raw: str) -> Any:
    """An API client that sends ``raw`` as its token."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def decided(agent: ApiClient, task_type: str, count: int, *, reviewer: Any, action: str = "approve",
            confidence: float | None = 0.95, checks: tuple[tuple[str, str, bool], ...] = (("placeholders", "soft", True),),
            material: bool = False, submitted_at: Any = None, kind: str = "email_draft",
            fields: dict[str, float | None] | None = None, version: tuple[str, str, str] = ("", "", "")
            ) -> list[Proposal]:
    """``count`` proposals a person decided (``action``), as the services leave them, each with the
    stored check results ``checks`` ((name, severity, passed) as they ran) and, for a CRM change, the
    ``fields`` {name: confidence}: what the what-if replay and the gate metrics read. ``version``:
    (agent_version, prompt_version, model) of the agent's output."""
    from reviews.models import CheckResult, CrmFieldChange

    submitted_at = submitted_at or timezone.now()
    rejected = action == Decision.Action.REJECT
    proposals = Proposal.objects.bulk_create([
        Proposal(kind=kind, task_type=task_type, status="rejected" if rejected else "done", submitted_at=submitted_at,
                 agent=agent, confidence=confidence, original_output={"subject": "s", "body": "b"},
                 change_kind="update" if kind == "crm_change" else "", crm_object="Contact" if kind == "crm_change" else "",
                 materially_edited=material, reason_code="factual_error" if rejected else "",
                 decided_by=reviewer, decided_at=submitted_at, decision_action=action,
                 agent_version=version[0], prompt_version=version[1], agent_model=version[2])
        for _ in range(count)
    ])
    Decision.objects.bulk_create([
        Decision(proposal=proposal, reviewer=reviewer, submitted_by=agent.user, action=action,
                 reason_code="factual_error" if rejected else "", created_at=submitted_at)
        for proposal in proposals
    ])
    CheckResult.objects.bulk_create([
        CheckResult(proposal=proposal, name=name, severity=severity, passed=passed, message=name)
        for proposal in proposals for name, severity, passed in checks
    ])
    CrmFieldChange.objects.bulk_create([
        CrmFieldChange(proposal=proposal, field=name, proposed_value="x", confidence=field_confidence)
        for proposal in proposals for name, field_confidence in (fields or {}).items()
    ])
    return proposals
