"""The kind registry serves a kind it did not know: registering one module's kind is enough for the
shared code (submission, checks, review URLs, the API's viewset) to treat its records."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse
from rest_framework import serializers

from reviews.api.serializers import CommonSubmitSerializer
from reviews.api.views import kind_viewset
from reviews.checks import CheckContext
from reviews.kinds import EditRefused, Kind, kind_of, kind_values, kinds_with, register, registered_kinds, unregister
from reviews.kinds.crm_change import CrmChangeKind
from reviews.kinds.email_draft import EmailDraftKind
from reviews.kinds.outbound_action import OutboundActionKind
from reviews.models import Policy, Proposal
from reviews.services.checking import proposal_checks_evaluate
from reviews.services.submission import proposal_build
from tests.factories import agent_with_token


class WebhookCallSubmitSerializer(CommonSubmitSerializer):
    action_type = serializers.RegexField(r"^[a-z][a-z0-9_]{0,49}$")
    target = serializers.CharField(max_length=200)
    payload = serializers.DictField()


class WebhookCallKind(Kind):
    """A throwaway kind: an action posted to a webhook, its payload kept as submitted."""

    value = "webhook_call"
    label = "Webhook call"
    plural_label = "Webhook calls"
    model_name = "proposal"  # the all-kinds queue stands in for a proxy model of its own
    executor = "webhook"
    api_prefix = "webhook-calls"
    api_basename = "webhook-call"
    submit_serializer = bulk_item_serializer = bulk_doc_serializer = f"{__name__}.WebhookCallSubmitSerializer"

    def default_task_type(self, data: Mapping[str, Any]) -> str:
        return data.get("task_type") or f"action_{data['action_type']}"

    def payload_store(self, proposal: Any, data: Mapping[str, Any], *, now: datetime) -> list[Any]:
        return []  # the payload is the original output, kept as submitted

    def readable_parts(self, proposal: Any, field_changes: list[Any]) -> list[tuple[str, str]]:
        return [(f"payload.{name}", value) for name, value in proposal.original_output["payload"].items()
                if isinstance(value, str)]

    def editable_fields(self, proposal: Any) -> list[str]:
        return []

    def edits_of(self, proposal: Any, edits: Mapping[str, Any]) -> dict[str, list[Any]]:
        raise EditRefused("a webhook call is approved or rejected as submitted")

    def final_output(self, proposal: Any, edits: Mapping[str, Any] | None) -> dict[str, Any]:
        return {name: proposal.original_output[name] for name in ("action_type", "target", "payload")}


@pytest.fixture
def webhook_kind() -> Iterator[Kind]:
    register(WebhookCallKind)
    yield kind_of(WebhookCallKind.value)
    unregister(WebhookCallKind.value)


def test_the_built_in_kinds_are_registered_in_order() -> None:
    assert [type(kind) for kind in registered_kinds()] == [EmailDraftKind, CrmChangeKind, OutboundActionKind]
    assert kind_values(sends_email=True) == ["email_draft"] and kind_values(writes_crm_fields=True) == ["crm_change"]
    assert kind_of(Proposal(kind="crm_change")) is kind_of("crm_change")


def test_the_registry_serves_a_kind_registered_later(webhook_kind: Kind) -> None:
    assert isinstance(webhook_kind, WebhookCallKind)
    assert kind_of(Proposal(kind="webhook_call")) is webhook_kind
    assert [kind.value for kind in registered_kinds()] == ["email_draft", "crm_change", "outbound_action",
                                                           "webhook_call"]
    assert kinds_with(executor="webhook") == [kind_of("outbound_action"), webhook_kind]
    assert "webhook_call" not in kind_values(sends_email=True) + kind_values(writes_crm_fields=True)


def test_a_new_kinds_review_url_and_api_come_from_its_declarations(webhook_kind: Kind, settings) -> None:
    settings.HITLCRM_BASE_URL = "https://hitlcrm.example/"
    record = Proposal(kind="webhook_call", pk=7)
    assert record.admin_url() == reverse("admin:hitlcrm_reviews_proposal_review", args=[7])
    assert record.review_url() == "https://hitlcrm.example" + reverse("admin:hitlcrm_reviews_proposal_review", args=[7])
    viewset = kind_viewset(webhook_kind)
    assert viewset.kind == "webhook_call"
    assert viewset.submit_serializer_class is WebhookCallSubmitSerializer is webhook_kind.submit_serializer_class()


@pytest.mark.django_db
def test_submission_and_the_checks_treat_a_new_kinds_record_through_its_hooks(webhook_kind: Kind) -> None:
    agent, _ = agent_with_token("ops-agent")
    payload = {"action_type": "refund", "target": "order 1234", "payload": {"note": "refund to card 4111 1111 1111 1111"},
               "confidence": 0.9, "evidence": [{"source": "ticket 88", "quote": "refund order 1234"}]}
    serializer = webhook_kind.submit_serializer_class()(data=payload)
    serializer.is_valid(raise_exception=True)
    proposal, rows = proposal_build(client=agent, kind="webhook_call", data=serializer.validated_data,
                                    payload=payload, idempotency_key=None)
    assert (proposal.kind, proposal.task_type, rows) == ("webhook_call", "action_refund", [])

    results = {result.name: result for result in
               proposal_checks_evaluate(proposal, CheckContext(policy=Policy(task_type="*")))}
    # The checks of every kind run; those declared for emails or CRM changes do not.
    assert {"evidence", "confidence", "personal_data"} <= set(results)
    assert not {"placeholders", "do_not_contact", "field_validity"} & set(results)
    # The content checks read what the kind says leaves hitlcrm as text.
    assert not results["personal_data"].passed and "payload.note" in results["personal_data"].message


def test_a_taken_kind_value_cannot_be_registered_again_and_an_unknown_one_is_not_guessed() -> None:
    class Impostor(WebhookCallKind):
        value = "email_draft"

    with pytest.raises(ValueError, match="already registered"):
        register(Impostor)
    assert register(EmailDraftKind) is EmailDraftKind  # the same class again is harmless
    with pytest.raises(LookupError, match="no kind 'webhook_call'"):
        kind_of("webhook_call")
