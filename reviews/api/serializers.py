"""Validation of what agents and integrations send, and the documentation of what the API returns
(the record's one JSON shape is built by ``reviews.representation``).

Every refusal names the field and the problem. Checks that need the database (the CRM allow-list)
or Salesforce (describe metadata) read through ``self.context["lookups"]``, a per-request cache,
so a bulk submission of 500 items looks each object up once.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.validators import validate_email
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from .. import crm, versions
from ..conf import hitlcrm_settings
from ..kinds.email_draft import email_text_problem
from ..models import CheckResult, CrmObjectRule, OutboundActionType
from ..models.crm import FieldDecision
from ..models.proposals import CrmChangeKind, ProposalKind
from ..representation import proposal_as_api, proposal_queryset  # noqa: F401  (the views import them from here)
from ..state_machine import Status

MAX_LIST = 50
MAX_FIELDS = 100
MAX_TEXT = 100_000
MAX_BULK_ITEMS = 500
# "$" (not "\Z", which OpenAPI's regex dialect lacks) is safe here: CharField strips whitespace first.
API_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,79}$"


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, naming them, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class StrictSerializerSchema(OpenApiSerializerExtension):
    """In the schema, strict bodies say so: ``additionalProperties: false``."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):  # noqa: ANN001, ANN201
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema


class Lookups:
    """Per-request cache of the allow-list and of describe metadata."""

    def __init__(self) -> None:
        self.rules: dict[str, CrmObjectRule | None] = {}
        self.describes: dict[str, Any] = {}

    def rule(self, crm_object: str) -> CrmObjectRule | None:
        if crm_object not in self.rules:
            self.rules[crm_object] = CrmObjectRule.objects.filter(crm_object=crm_object, enabled=True).first()
        return self.rules[crm_object]

    def describe(self, crm_object: str) -> Any:
        """The object's describe metadata, or None when Salesforce is not configured or cannot be
        read right now (the field-validity check in the worker then catches what this misses)."""
        if crm_object not in self.describes:
            self.describes[crm_object] = _read_describe(crm_object)
        return self.describes[crm_object]


def _read_describe(crm_object: str) -> Any:
    if not crm.crm_configured():
        return None
    try:
        return crm.describe_object(crm_object)
    except crm.CrmError:
        return None


def lookups_of(serializer: serializers.Serializer) -> Lookups:
    return serializer.context.setdefault("lookups", Lookups())


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 1})
class ConfidenceField(serializers.FloatField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0.0, max_value=1.0, **kwargs)

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError("Must be a number between 0 and 1.")
        if not math.isfinite(data):
            raise serializers.ValidationError("Must be a finite number between 0 and 1.")
        return super().to_internal_value(data)


class EvidenceSerializer(StrictSerializer):
    """Where the agent found what it claims."""

    source = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True)
    quote = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and "fields" in data and "fields" not in self.fields:
            raise serializers.ValidationError({"fields": [
                "Only a CRM change's evidence names the fields it backs; an email draft has no fields."]})
        return super().to_internal_value(data)


class CrmEvidenceSerializer(EvidenceSerializer):
    """Where the agent found what it claims, and which of the proposed CRM fields it backs."""

    fields = serializers.ListField(
        child=serializers.RegexField(API_NAME, error_messages={"invalid": "Not a CRM field API name."}),
        required=False, min_length=1, max_length=MAX_FIELDS,
        help_text="The proposed fields (API names, case-insensitive as in Salesforce) this entry backs. "
                  "Without it, the entry backs the fields whose proposed value its quote contains.",
    )


def evidence_field_errors(evidence: list[dict[str, Any]], proposed: list[str]) -> dict[str, list[str]]:
    """Refusals of evidence entries naming a field that is not one of the proposed ones, keyed
    ``evidence.<index>.fields``. Names are matched as Salesforce does, case-insensitively, and
    rewritten in place to the proposed field's spelling (once each), so the record names every
    field one way."""
    errors: dict[str, list[str]] = {}
    spelling = {name.lower(): name for name in proposed}
    for index, item in enumerate(evidence):
        if "fields" not in item:
            continue
        unknown = [name for name in item["fields"] if name.lower() not in spelling]
        if unknown:
            errors[f"evidence.{index}.fields"] = [
                f"{name} is not one of the proposed fields ({', '.join(proposed)})." for name in unknown]
        else:
            item["fields"] = list(dict.fromkeys(spelling[name.lower()] for name in item["fields"]))
    return errors


class SalesforceIdField(serializers.CharField):
    """A 15- or 18-character Salesforce id (the 18-character checksum is checked), stored in the
    18-character form so one record always has one spelling."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=15, max_length=18, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not crm.is_valid_id(value):
            raise serializers.ValidationError(
                "Not a Salesforce id: 15 letters and digits, or 18 whose last 3 are the checksum of the first 15."
            )
        return crm.normalise_id(value)


# An agent, prompt or model version (reviews/versions.py says what may be in one).
VERSION_NAME, VERSION_PROBLEM = versions.VERSION_NAME, versions.VERSION_PROBLEM


class VersionField(serializers.RegexField):
    """An agent, prompt or model version: a string (a JSON number would lose its form: 1.10 is 1.1)."""

    def __init__(self, example: str) -> None:
        super().__init__(
            VERSION_NAME, max_length=100, required=False, allow_blank=True,
            error_messages={"invalid": VERSION_PROBLEM, "max_length": VERSION_PROBLEM},
            help_text=f"{example} Auto-approval follows each (agent_version, prompt_version, model) combination's "
                      f"own record of reviewed outputs: a new one starts under review (docs/gate.md).",
        )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Give the version as a string (a number such as 1.10 would read as 1.1).")
        return super().to_internal_value(data)


class CommonSubmitSerializer(StrictSerializer):
    """What every submission may carry."""

    task_type = serializers.RegexField(r"^[a-z0-9][a-z0-9_.-]{0,99}$", required=False,
                                       error_messages={"invalid": "Use lowercase letters, digits, '_', '.', '-'."})
    confidence = ConfidenceField(required=False, allow_null=True)
    evidence = EvidenceSerializer(many=True, required=False, max_length=MAX_LIST)
    assumptions = serializers.ListField(child=serializers.CharField(max_length=1000), required=False,
                                        max_length=MAX_LIST)
    external_ref = serializers.CharField(max_length=200, required=False, allow_blank=True)
    crm_object = serializers.RegexField(API_NAME, required=False,
                                        error_messages={"invalid": "Not a CRM object API name."})
    crm_id = SalesforceIdField(required=False)
    agent_version = VersionField("The agent's version that produced this output, e.g. 2.3.1.")
    prompt_version = VersionField("The prompt's version, e.g. v7.")
    model = VersionField("The model, with its version, e.g. gpt-4o-2024-08-06.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("crm_object")) != bool(attrs.get("crm_id")):
            missing = "crm_id" if attrs.get("crm_object") else "crm_object"
            raise serializers.ValidationError({missing: ["crm_object and crm_id go together."]})
        if attrs.get("crm_object") and lookups_of(self).rule(attrs["crm_object"]) is None:
            raise serializers.ValidationError({"crm_object": [f"{attrs['crm_object']} is not an allowed CRM object."]})
        return attrs


class EmailAddressField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=254, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if any(ch in value for ch in "\r\n\0") or not value.isprintable():
            raise serializers.ValidationError("An email address cannot contain control characters.")
        validate_email(value)
        # Django's validator accepts some non-ASCII domains that IDNA cannot encode; such an address
        # could never be put in a message header, so it is refused here rather than at send time.
        domain = value.rpartition("@")[2]
        try:
            domain.encode("idna")
        except UnicodeError as exc:
            raise serializers.ValidationError(f"The domain {domain!r} is not a valid international domain name.") from exc
        return value


class LawfulBasisSerializer(StrictSerializer):
    """The recorded lawful basis for one recipient (GDPR art. 6, CASL): consent with where and when
    it was given, or legitimate interest with a note of the assessment."""

    basis = serializers.ChoiceField(choices=["consent", "legitimate_interest"])
    source = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                   help_text="Consent: where it was given (form, event, ...).")
    date = serializers.DateField(required=False, help_text="Consent: when it was given (YYYY-MM-DD).")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                 help_text="Legitimate interest: the note of the assessment.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needed = ["source", "date"] if attrs["basis"] == "consent" else ["note"]
        missing = {name: [f"Required for {attrs['basis'].replace('_', ' ')}."] for name in needed if not attrs.get(name)}
        if missing:
            raise serializers.ValidationError(missing)
        if attrs.get("date") is not None:
            attrs["date"] = attrs["date"].isoformat()
        return attrs


class EmailDraftSubmitSerializer(CommonSubmitSerializer):
    """An outbound email an agent drafted. Unknown keys are refused."""

    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False,
                                     help_text="The recipients' country (ISO 3166-1 alpha-2), for the lawful-basis rule.",
                                     error_messages={"invalid": "Use a two-letter ISO 3166-1 country code, e.g. DE."})
    lawful_basis = LawfulBasisSerializer(many=True, required=False, max_length=MAX_LIST,
                                         help_text="One entry per address in `to`, in the same order.")

    to = serializers.ListField(child=EmailAddressField(), min_length=1, max_length=MAX_LIST)
    subject = serializers.CharField(max_length=998, trim_whitespace=False)
    body = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    body_html = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, trim_whitespace=False)
    from_email = EmailAddressField(required=False, allow_blank=True)
    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate_subject(self, value: str) -> str:
        problem = email_text_problem("subject", value)  # the rules reviewers' edits follow too
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_body(self, value: str) -> str:
        problem = email_text_problem("body", value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # Each recipient's basis errors named by position and field: "lawful_basis.0.date".
            detail = exc.detail
            items = detail.get("lawful_basis") if isinstance(detail, dict) else None
            # DRF reports a list's item errors as a list, or as {index: errors} (ListField style).
            pairs = list(enumerate(items)) if isinstance(items, list) else list(items.items()) \
                if isinstance(items, dict) else []
            if any(isinstance(item, dict) for _, item in pairs):
                flat = {key: value for key, value in detail.items() if key != "lawful_basis"}
                for index, item in pairs:
                    for name, errors in (item.items() if isinstance(item, dict) else []):
                        flat[f"lawful_basis.{index}.{name}"] = errors
                raise serializers.ValidationError(flat) from exc
            raise

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "lawful_basis" in attrs and len(attrs["lawful_basis"]) != len(attrs.get("to") or []):
            raise serializers.ValidationError({"lawful_basis": [
                f"Give one entry per address in to ({len(attrs.get('to') or [])}), in the same order."]})
        return attrs


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
                      "nullable": True, "description": "A scalar value for the CRM field."})
class FieldValueField(serializers.JSONField):
    pass


class CrmChangeSubmitSerializer(CommonSubmitSerializer):
    """Field values an agent proposes for one CRM record (object and fields must be allow-listed).
    Unknown keys are refused."""

    kind = serializers.ChoiceField(choices=CrmChangeKind.choices)
    evidence = CrmEvidenceSerializer(many=True, required=False, max_length=MAX_LIST)
    fields = serializers.DictField(child=FieldValueField(), allow_empty=False,
                                   help_text=f"Field API name -> proposed value (at most {MAX_FIELDS}).")
    field_confidence = serializers.DictField(child=ConfidenceField(), required=False)
    external_id_field = serializers.RegexField(API_NAME, required=False)

    def validate_fields(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_FIELDS:
            raise serializers.ValidationError(f"At most {MAX_FIELDS} fields per change.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for required in ("crm_object", "crm_id"):
            if not attrs.get(required):
                raise serializers.ValidationError({required: ["This field is required."]})
        attrs = super().validate(attrs)
        lookups = lookups_of(self)
        crm_object = attrs["crm_object"]
        allowed = set(lookups.rule(crm_object).allowed_fields or [])
        errors: dict[str, list[str]] = {}
        for name, value in attrs["fields"].items():
            if name not in allowed:
                errors[f"fields.{name}"] = [f"{name} is not an allowed field of {crm_object}."]
            elif isinstance(value, dict | list):
                errors[f"fields.{name}"] = ["A field value must be a string, number, boolean or null."]
        for name in attrs.get("field_confidence", {}):
            if name not in attrs["fields"]:
                errors[f"field_confidence.{name}"] = ["Names a field that is not proposed."]
        errors.update(evidence_field_errors(attrs.get("evidence") or [], list(attrs["fields"])))
        if not errors:
            errors.update(_describe_errors(lookups.describe(crm_object), attrs["fields"]))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _describe_errors(description: Any, fields: dict[str, Any]) -> dict[str, list[str]]:
    """Type and length against the CRM's (cached) describe metadata, when it could be read."""
    if description is None:
        return {}
    errors = {}
    for name, value in fields.items():
        problem = crm.validate_field_value(description, name, value)
        if problem:
            errors[f"fields.{name}"] = [problem]
    return errors


class IdempotencyKeyField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value.isprintable():
            raise serializers.ValidationError("Use at most 200 printable characters.")
        return value


class EmailDraftBulkItemSerializer(EmailDraftSubmitSerializer):
    """One email draft of a bulk submission."""

    idempotency_key = IdempotencyKeyField(required=False, help_text="This item's Idempotency-Key.")


class CrmChangeBulkItemSerializer(CrmChangeSubmitSerializer):
    """One CRM change of a bulk submission."""

    idempotency_key = IdempotencyKeyField(required=False, help_text="This item's Idempotency-Key.")


class EmailDraftBulkDoc(serializers.Serializer):
    """Documents the bulk body of email drafts (validation goes item by item, see the view)."""

    items = serializers.ListField(child=EmailDraftBulkItemSerializer(), min_length=1, max_length=MAX_BULK_ITEMS)


class CrmChangeBulkDoc(serializers.Serializer):
    """Documents the bulk body of CRM changes."""

    items = serializers.ListField(child=CrmChangeBulkItemSerializer(), min_length=1, max_length=MAX_BULK_ITEMS)


# --- outbound actions (reviews/kinds/outbound_action.py) --------------------------------------------

def action_type_problem(name: str) -> tuple[OutboundActionType | None, str]:
    """The enabled action type called ``name``, or why an agent may not submit actions of it."""
    action_type = OutboundActionType.objects.filter(name=name).first()
    if action_type is None:
        return None, f"No action type named {name!r} is registered; an administrator registers action types."
    if not action_type.enabled:
        return None, f"The action type {name!r} is disabled: actions of it are not accepted now."
    return action_type, ""


def payload_errors_by_path(action_type: OutboundActionType, payload: Any) -> dict[str, list[str]]:
    """The payload's schema problems keyed by their JSON path (``payload.budget``), each message
    naming the path too, as the CRM fields' errors are keyed (``fields.Name``)."""
    errors: dict[str, list[str]] = {}
    for problem in action_type.payload_errors(payload):
        errors.setdefault(problem.partition(": ")[0], []).append(problem)
    return errors


class OutboundActionSubmitSerializer(CommonSubmitSerializer):
    """An action an agent asks hitlcrm to carry out elsewhere: a registered action type, what it acts
    on, and a payload that meets the type's JSON Schema. Unknown keys are refused."""

    action_type = serializers.CharField(max_length=100,
                                        help_text="A registered, enabled action type, e.g. ads.budget_change.")
    target = serializers.CharField(max_length=500, help_text="What the action acts on (a campaign id, a profile URL).")
    payload = serializers.JSONField(help_text="The action's parameters: a JSON object meeting the action type's schema.")
    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        action_type, problem = action_type_problem(attrs["action_type"])
        if action_type is None:
            raise serializers.ValidationError({"action_type": [problem]})
        errors = payload_errors_by_path(action_type, attrs["payload"])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OutboundActionBulkItemSerializer(OutboundActionSubmitSerializer):
    """One outbound action of a bulk submission."""

    idempotency_key = IdempotencyKeyField(required=False, help_text="This item's Idempotency-Key.")


class OutboundActionBulkDoc(serializers.Serializer):
    """Documents the bulk body of outbound actions."""

    items = serializers.ListField(child=OutboundActionBulkItemSerializer(), min_length=1, max_length=MAX_BULK_ITEMS)


class BulkEnvelopeSerializer(StrictSerializer):
    """Only the envelope: items are validated one by one so each gets its own result."""

    items = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=MAX_BULK_ITEMS)


class ExecutedReportSerializer(StrictSerializer):
    """An integration's result of executing an approved change."""

    success = serializers.BooleanField(help_text="Whether the integration wrote the change.")
    external_id = serializers.CharField(max_length=255, required=False, allow_blank=True,
                                        help_text="The id of what the integration wrote, in its system.")
    error = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                  help_text="Why it failed (when success is false).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["success"] and attrs.get("error"):
            raise serializers.ValidationError({"error": ["Give an error only when success is false."]})
        return attrs


class WebhookSettingsSerializer(StrictSerializer):
    """The agent's decision webhook."""

    url = serializers.URLField(max_length=500, allow_blank=True,
                               help_text="Where to POST status changes; empty removes the webhook.")
    rotate_secret = serializers.BooleanField(required=False, default=False,
                                             help_text="Make a new signing secret (shown once in the answer).")


class ListParamsSerializer(StrictSerializer):
    """Query parameters of the list endpoints, validated like a body so a typo is a 400, not a
    silently unfiltered list."""

    status = serializers.ChoiceField(choices=Status.values, required=False)
    task_type = serializers.CharField(max_length=100, required=False)
    external_ref = serializers.CharField(max_length=200, required=False)
    since = serializers.DateTimeField(required=False, help_text="Submitted at or after this time (ISO 8601).")
    q = serializers.CharField(max_length=200, required=False, trim_whitespace=True,
                              help_text="Search, as the console's queue: every word must occur in the record's "
                                        "subject, body, recipients, company, fields and values, ids or references "
                                        "(\"quoted words\" as one term; a number also finds the record of that id).")
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False)
    after = serializers.CharField(max_length=100, required=False,
                                  help_text="Integrations' feed: the `cursor` of the last page seen.")


# --- What the API returns ---------------------------------------------------------------------------
# The record's shape is built in ``reviews.representation`` (decision webhooks carry it too).

# Response documentation (the shapes ``proposal_as_api`` builds), for the OpenAPI schema.

@extend_schema_field({"nullable": True, "description": "Any JSON value."})
class AnyValue(serializers.JSONField):
    pass


class CheckDoc(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    severity = serializers.ChoiceField(choices=CheckResult.Severity.values)
    message = serializers.CharField()


class DecisionDoc(serializers.Serializer):
    action = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    by = serializers.CharField(allow_null=True, help_text="The reviewer's username; null for a policy.")
    reason_code = serializers.CharField(allow_null=True, help_text="A rejection's reason code.")
    note = serializers.CharField(allow_null=True, help_text="The reviewer's note.")
    edits = serializers.DictField(
        child=serializers.ListField(child=AnyValue(), min_length=2, max_length=2),
        help_text="Field -> [proposed, approved] for each value a reviewer changed (CRM: or did not approve).")
    diff = serializers.CharField(allow_blank=True, help_text="The edits as a unified diff (empty without edits).")


class ExecutionDoc(serializers.Serializer):
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField(allow_null=True)
    error_code = serializers.CharField(allow_null=True)
    provider_id = serializers.CharField(allow_null=True)


class FieldChangeDoc(serializers.Serializer):
    field = serializers.CharField()
    proposed = AnyValue()
    before = AnyValue()
    approved = AnyValue()
    decision = serializers.ChoiceField(choices=FieldDecision.values)
    confidence = serializers.FloatField(allow_null=True)


class ProposalRecordSerializer(serializers.Serializer):
    """A record; ``original``, ``final``, ``execution`` and (for CRM changes) ``fields`` are in
    the single-record answers, not in list pages."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ProposalKind.choices)
    status = serializers.ChoiceField(choices=Status.values)
    task_type = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    external_ref = serializers.CharField(allow_blank=True)
    crm_object = serializers.CharField(allow_null=True)
    crm_id = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    # Not required, so a client reading a server from before versions still reads its records.
    agent_version = serializers.CharField(required=False, allow_null=True, help_text="As submitted; null if not given.")
    prompt_version = serializers.CharField(required=False, allow_null=True, help_text="As submitted; null if not given.")
    model = serializers.CharField(required=False, allow_null=True, help_text="As submitted; null if not given.")
    checks = CheckDoc(many=True)
    decision = DecisionDoc(allow_null=True)
    review_url = serializers.URLField()
    original = serializers.DictField(required=False, help_text="The submission exactly as received.")
    final = serializers.DictField(required=False, allow_null=True, help_text="What was approved, after edits.")
    execution = ExecutionDoc(required=False, allow_null=True)
    fields = FieldChangeDoc(many=True, required=False)


@extend_schema_serializer(many=False)  # already a page: not to be wrapped in another
class ProposalPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True, required=False)
    cursor = serializers.CharField(
        required=False, allow_null=True,
        help_text="Integrations' feed only: pass as `after` to continue after the last record of this page.",
    )
    results = ProposalRecordSerializer(many=True)


class BulkItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the item in `items`.")
    result = serializers.ChoiceField(
        choices=["created", "existing", "invalid", "conflict"],
        help_text="created: stored now; existing: a replay of an earlier item with the same idempotency_key; "
                  "invalid: refused (see errors); conflict: idempotency_key already used with another body.",
    )
    id = serializers.IntegerField(required=False, help_text="The record (for conflict: the one the key names).")
    status = serializers.ChoiceField(choices=Status.values, required=False, help_text="created and existing only.")
    review_url = serializers.URLField(required=False, help_text="created and existing only.")
    errors = serializers.DictField(required=False, help_text="invalid and conflict only: field -> problems.")


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    invalid = serializers.IntegerField()
    conflict = serializers.IntegerField()
    results = BulkItemResultSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="invalid, conflict, idempotency_conflict, not_found, ...")
    detail = serializers.CharField(required=False)
    fields = serializers.DictField(required=False, help_text="Field name -> problems (400 only).")
    status = serializers.CharField(required=False, help_text="The record's status (409 only).")
    existing_id = serializers.IntegerField(required=False)


class WebhookSettingsResultSerializer(serializers.Serializer):
    url = serializers.CharField(allow_blank=True)
    secret = serializers.CharField(
        required=False, help_text="The signing secret; only in the answer that made it. Verify "
                                  "X-Hitlcrm-Signature: sha256=<hex HMAC-SHA256 of the raw body>.")
    has_secret = serializers.BooleanField()


class WaitParamsSerializer(StrictSerializer):
    """Query parameters of the long poll."""

    timeout = serializers.IntegerField(
        min_value=0, required=False, default=30,
        help_text=f"Seconds to wait at most (cut to the server's cap, {hitlcrm_settings.WAIT_MAX_SECONDS} by default).")
    until = serializers.ChoiceField(
        choices=["decided", "executed"], required=False, default="decided",
        help_text="decided: no longer checking or waiting for a reviewer. executed: done, or settled without "
                  "executing (failed, conflict, rejected, blocked, expired, withdrawn).")


class ReceiptParamsSerializer(StrictSerializer):
    """Query parameters of a record's receipt."""

    decision = serializers.IntegerField(
        min_value=1, required=False,
        help_text="The id of one of the record's decisions (default: its latest decision that still counts).")


class ReceiptPolicySerializer(serializers.Serializer):
    task_type = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)


class ReceiptSignatureSerializer(serializers.Serializer):
    algorithm = serializers.ChoiceField(choices=["Ed25519", "HMAC-SHA256"], help_text=(
        "Ed25519 when the installation signs with a private key (verify with its public key), HMAC-SHA256 when "
        "it signs with a shared key."))
    key_id = serializers.CharField(required=False, help_text=(
        "Ed25519: the first 16 hex digits of the SHA-256 of the raw public key, naming the key that signed."))
    value = serializers.CharField(help_text="Hex signature (Ed25519: 64 bytes; HMAC-SHA256: 32 bytes) of the RFC "
                                            "8785 canonical JSON of every other member of the receipt.")


class ReceiptSerializer(serializers.Serializer):
    """A signed receipt of one decision (reviews/receipts.py): verify it offline with
    ``python -m reviews.receipts verify receipt.json --public-key PUBLIC.pem`` (or ``--key-file KEY``)."""

    format = serializers.ChoiceField(choices=["hitlcrm-receipt/1"])
    proposal_id = serializers.IntegerField()
    kind = serializers.CharField()
    decision_id = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=["approve", "edit_approve", "reject", "auto_approve"])
    decided_by = serializers.CharField(help_text="The reviewer's username, or policy:<task type>@v<version>.")
    decided_at = serializers.DateTimeField()
    digest = serializers.CharField(
        allow_null=True, help_text="On the approval that made the record approved: the hex SHA-256 of the RFC 8785 "
                                   "canonical JSON of the exact payload the executor sends (null otherwise).")
    digest_algorithm = serializers.ChoiceField(choices=["sha256-jcs"])
    policy = ReceiptPolicySerializer()
    signature = ReceiptSignatureSerializer()


class PolicySummarySerializer(serializers.Serializer):
    task_type = serializers.CharField(help_text="The policy that applies: a task type, or '*'.")
    version = serializers.IntegerField(allow_null=True)
    mode = serializers.CharField(help_text="calibrated, always_review or log_only.")
    audit_sample_rate = serializers.FloatField(help_text="Share of would-be auto-approvals still sent to a person.")


class PreflightResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Status.APPROVED, Status.NEEDS_REVIEW, Status.BLOCKED],
                                      help_text="Where the gate would send the submission now.")
    reason = serializers.CharField(help_text="Why, in the gate's words (e.g. 'check failed: placeholders').")
    checks = CheckDoc(many=True, help_text="Every check's result, failing first (hard before soft).")
    failed = serializers.ListField(child=serializers.CharField(), help_text="The failing checks' names.")
    required_approvals = serializers.IntegerField()
    policy = PolicySummarySerializer()


class FeedbackParamsSerializer(StrictSerializer):
    since = serializers.DateTimeField(required=False, help_text="Decided at or after this time (ISO 8601).")
    after = serializers.IntegerField(min_value=0, required=False,
                                     help_text="The `cursor` of the last page seen: what came after it.")
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False, default=100)


class FeedbackEntrySerializer(serializers.Serializer):
    proposal_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ProposalKind.choices)
    task_type = serializers.CharField()
    agent = serializers.CharField()
    external_ref = serializers.CharField(allow_null=True)
    agent_version = serializers.CharField(required=False, allow_null=True)
    prompt_version = serializers.CharField(required=False, allow_null=True)
    model = serializers.CharField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=["rejected", "edited_and_approved"])
    original = serializers.DictField(help_text="The submission exactly as received.")
    final = serializers.DictField(allow_null=True, help_text="What was approved (null when rejected).")
    edits = serializers.DictField(help_text="Field -> [proposed, approved] for each value a reviewer changed.")
    diff = serializers.CharField(allow_blank=True, help_text="The edits as a unified diff.")
    material = serializers.BooleanField(help_text="Counted as an error of the AI (rejected or materially edited).")
    reason_code = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)
    reviewers = serializers.ListField(child=serializers.CharField())
    decided_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(many=False)
class FeedbackPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    cursor = serializers.CharField(allow_null=True, help_text="Pass as `after` to continue after this page.")
    results = FeedbackEntrySerializer(many=True)
