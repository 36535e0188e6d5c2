"""Test data, in one place."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews.models import ApiClient, ApiToken, CrmObjectRule, ExecutionAttempt, Policy
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


def token_client(raw: str) -> Any:
    """An API client that sends ``raw`` as its token."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client
