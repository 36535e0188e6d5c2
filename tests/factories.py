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
    obj, _ = Policy.objects.update_or_create(task_type=task_type, defaults=values)
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
