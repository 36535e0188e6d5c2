"""API views: thin adapters over the services. One viewset class serves every kind."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from ..conf import hitlcrm_settings
from ..kinds import Kind
from ..models import ApiClient, Proposal
from ..receipts import ReceiptKeyInvalid, ReceiptKeyMissing, proposal_receipt
from ..search import proposals_search
from ..services.actors import Actor
from ..services.decisions import proposal_withdraw
from ..services.feed import InvalidCursor, cursor_encode, feed_order, feed_visible, proposal_mark_executed
from ..services.feedback import feedback_pairs
from ..services.preflight import proposal_preflight
from ..services.submission import IdempotencyConflict, Submission, proposals_submit
from ..services.webhooks import CallbackRefused, webhook_register
from ..state_machine import Status
from .base import HitlcrmApiPolicy
from .parsers import LimitedJSONParser
from .permissions import CanReadProposals, IsAgent, IsIntegration, client_of
from .schema import extend_schema
from .serializers import (
    BulkEnvelopeSerializer,
    BulkResultSerializer,
    ErrorSerializer,
    ExecutedReportSerializer,
    FeedbackPageSerializer,
    FeedbackParamsSerializer,
    IdempotencyKeyField,
    ListParamsSerializer,
    Lookups,
    PreflightResultSerializer,
    ProposalPageSerializer,
    ProposalRecordSerializer,
    ReceiptParamsSerializer,
    ReceiptSerializer,
    WaitParamsSerializer,
    WebhookSettingsResultSerializer,
    WebhookSettingsSerializer,
    proposal_as_api,
    proposal_queryset,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="At most 200 printable characters. A retry with the same key and body returns the original "
                "record (200); the same key with another body is a 409.",
)
ERROR_TEXT = {
    400: "Invalid input: `fields` names each field and its problems (malformed JSON: `detail`).",
    401: "Missing, invalid or revoked token.",
    403: "The client's role may not do this.",
    404: "No such record among those this client may see.",
    409: "The record's state does not allow this; `detail` says why.",
    413: "The request body is larger than the cap.",
    415: "The body is not JSON.",
    429: "Too many requests for this client; retry after the time in Retry-After.",
    503: "The database failed during the request; nothing was stored. Retry after the time in Retry-After.",
}


# What a long poll waits for: the statuses that end it (see WaitParamsSerializer's `until`).
WAIT_UNTIL = {
    "decided": frozenset(Status.values) - {Status.CHECKING, Status.NEEDS_REVIEW},
    "executed": frozenset({Status.DONE, Status.FAILED, Status.CONFLICT, Status.REJECTED, Status.BLOCKED,
                           Status.EXPIRED, Status.WITHDRAWN}),
}
# How often a long poll looks at the record: one indexed read of one column.
WAIT_POLL_SECONDS = 0.25


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[code]) for code in (401, 429, *codes)}


class NewestFirstCursor(CursorPagination):
    ordering = "-pk"
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"


class ProposalViewSet(HitlcrmApiPolicy, viewsets.GenericViewSet):
    kind: str = ""
    submit_serializer_class: type[serializers.Serializer] = serializers.Serializer
    bulk_item_serializer_class: type[serializers.Serializer] = serializers.Serializer
    parser_classes = [LimitedJSONParser]
    pagination_class = NewestFirstCursor
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = ProposalRecordSerializer

    @property
    def max_body_bytes(self) -> int:
        """Read by LimitedJSONParser: bulk submissions get a larger cap than single ones."""
        if getattr(self, "action", None) == "bulk":
            return hitlcrm_settings.BULK_MAX_BODY_BYTES
        return hitlcrm_settings.MAX_BODY_BYTES

    def get_permissions(self) -> list[Any]:
        if self.action in ("create", "bulk", "withdraw", "preflight"):
            return [IsAgent()]
        if self.action == "executed":
            return [IsIntegration()]
        return [CanReadProposals()]

    def get_queryset(self) -> QuerySet[Proposal]:
        queryset = proposal_queryset().filter(kind=self.kind).order_by("-pk")
        client = client_of(self.request)
        if client is None:
            return queryset  # console staff (CanReadProposals let them in)
        if client.role == ApiClient.Role.INTEGRATION:
            return feed_visible(queryset)
        return queryset.filter(agent=client, golden_item__isnull=True)  # golden items: reviews/services/golden.py

    def _record(self, proposal_id: int) -> dict[str, Any]:
        return proposal_as_api(proposal_queryset().get(pk=proposal_id))

    @extend_schema(
        parameters=[ListParamsSerializer],
        responses={200: ProposalPageSerializer, **errors(400, 403, 404)},
        description="Agents: their own records, newest first (`cursor` pages). Integrations (CRM changes "
                    "only): the approved-changes feed of objects they execute, in approval order; pass the "
                    "`cursor` of a page as `after` to get what came after it. Console staff: every record.",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = ListParamsSerializer(data={k: v for k, v in request.query_params.items() if k != "format"})
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        queryset = self.get_queryset()
        for name in ("task_type", "external_ref"):
            if name in filters:
                queryset = queryset.filter(**{name: filters[name]})
        if "since" in filters:
            queryset = queryset.filter(submitted_at__gte=filters["since"])
        if filters.get("q"):
            queryset = proposals_search(queryset, filters["q"])  # the console's search (reviews/search.py)
        client = client_of(request)
        if client is not None and client.role == ApiClient.Role.INTEGRATION:
            return self._feed_page(request, queryset, filters)
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([proposal_as_api(p, detail=False) for p in page])

    def _feed_page(self, request: Request, queryset: QuerySet[Proposal], filters: dict[str, Any]) -> Response:
        size = filters.get("page_size", NewestFirstCursor.page_size)
        try:
            records = list(feed_order(queryset, status=filters.get("status"), after=filters.get("after"))[:size + 1])
        except InvalidCursor as exc:
            raise serializers.ValidationError({"after": [str(exc)]}) from exc
        more = len(records) > size
        records = records[:size]
        cursor = cursor_encode(records[-1].feed_seq) if records else filters.get("after")
        url = request.build_absolute_uri()
        return Response({
            "next": replace_query_param(url, "after", cursor) if more else None,
            "previous": None,
            "cursor": cursor,
            "results": [proposal_as_api(p) for p in records],
        })

    @extend_schema(responses={200: ProposalRecordSerializer, **errors(403, 404)})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(proposal_as_api(self.get_object()))

    @extend_schema(
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: OpenApiResponse(ProposalRecordSerializer, description="Stored; checks are queued."),
                   200: OpenApiResponse(ProposalRecordSerializer, description="A replay: the original record."),
                   **errors(400, 403, 409, 413, 415, 503)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = _idempotency_key(request)
        serializer = self.submit_serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        (outcome,) = proposals_submit(
            client=client_of(request), kind=self.kind, actor=Actor.from_request(request),
            submissions=[Submission(serializer.validated_data, request.data, key)],
        )
        if outcome.conflict:
            raise IdempotencyConflict(outcome.proposal)
        if outcome.created:  # nothing has happened to it yet: answered from memory, not read back
            record = proposal_as_api(outcome.proposal, new_field_changes=outcome.field_changes)
            return Response(record, status=status.HTTP_201_CREATED)
        return Response(self._record(outcome.proposal.pk), status=status.HTTP_200_OK)

    @extend_schema(
        responses={200: OpenApiResponse(BulkResultSerializer, description=(
            "Every item was validated; the valid ones were stored in one transaction. `results` has one entry "
            "per item, in order: created, existing (a replay by idempotency_key), invalid (with errors) or "
            "conflict (idempotency_key used before with another body).")),
                   **errors(400, 403, 413, 415, 503)},
        description=f"Submit up to 500 items (each like a single submission, plus an optional "
                    f"`idempotency_key`). The body may be up to {hitlcrm_settings.BULK_MAX_BODY_BYTES} bytes.",
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        if "Idempotency-Key" in request.headers:
            raise serializers.ValidationError(
                {"Idempotency-Key": ["A bulk submission takes an idempotency_key per item, not this header."]}
            )
        envelope = BulkEnvelopeSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        items = envelope.validated_data["items"]
        context = {**self.get_serializer_context(), "lookups": Lookups()}
        results: list[dict[str, Any] | None] = [None] * len(items)
        valid: list[tuple[int, Submission]] = []
        # One serializer validates every item: building one per item (DRF deep-copies its fields)
        # would cost more than the rest of the request.
        serializer = self.bulk_item_serializer_class(context=context)
        for index, item in enumerate(items):
            try:
                data = dict(serializer.run_validation(item))
            except serializers.ValidationError as exc:
                results[index] = {"index": index, "result": "invalid", "errors": as_serializer_error(exc)}
                continue
            key = data.pop("idempotency_key", None)
            payload = {name: value for name, value in item.items() if name != "idempotency_key"}
            valid.append((index, Submission(data, payload, key)))
        outcomes = proposals_submit(
            client=client_of(request), kind=self.kind, submissions=[s for _, s in valid],
            actor=Actor.from_request(request),
        ) if valid else []
        # Each item's id, status and review page; the full record is one GET away. Replays are
        # looked up, as they may have moved on since.
        replayed = [o.proposal.pk for o in outcomes if not o.created and not o.conflict]
        statuses = dict(Proposal.objects.filter(pk__in=replayed).values_list("pk", "status")) if replayed else {}
        for (index, _), outcome in zip(valid, outcomes, strict=True):
            proposal = outcome.proposal
            entry: dict[str, Any] = {"index": index, "id": proposal.pk}
            if outcome.conflict:
                entry["result"] = "conflict"
                entry["errors"] = {"idempotency_key": [f"Already used for proposal {proposal.pk} with a different body."]}
            else:
                entry["result"] = "created" if outcome.created else "existing"
                entry["status"] = statuses.get(proposal.pk, proposal.status)
                entry["review_url"] = proposal.review_url()
            results[index] = entry
        counts = {name: sum(1 for r in results if r and r["result"] == name)
                  for name in ("created", "existing", "invalid", "conflict")}
        return Response({**counts, "results": results})

    @extend_schema(request=None, responses={200: ProposalRecordSerializer, **errors(403, 404, 409)},
                   description="Withdraw a record not yet decided (checking or needs_review); afterwards a 409 "
                               "says why not.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        proposal_withdraw(proposal_id=proposal.pk, actor=Actor.from_request(request))
        return Response(self._record(proposal.pk))

    @extend_schema(
        parameters=[WaitParamsSerializer],
        responses={200: OpenApiResponse(ProposalRecordSerializer, description=(
            "The record, as soon as it reaches `until`, or as it stands when the timeout ends (compare its "
            "`status`).")), **errors(400, 403, 404)},
        description=f"Long poll: answers as soon as the record is decided (or executed), or after `timeout` seconds "
                    f"(at most {hitlcrm_settings.WAIT_MAX_SECONDS}, the server's cap). No transaction is held "
                    f"while waiting; the request holds one web thread.",
    )
    @action(detail=True, methods=["get"])
    def wait(self, request: Request, pk: str | None = None) -> Response:
        params = WaitParamsSerializer(data={k: v for k, v in request.query_params.items() if k != "format"})
        params.is_valid(raise_exception=True)
        proposal = self.get_object()  # visibility (an agent's own records) is checked once, up front
        targets = WAIT_UNTIL[params.validated_data["until"]]
        deadline = time.monotonic() + min(params.validated_data["timeout"], hitlcrm_settings.WAIT_MAX_SECONDS)
        status_now = proposal.status
        # Each look is its own autocommit read: nothing is held open between them, so a reviewer's
        # decision (another connection's commit) is seen at the next look.
        while status_now not in targets and time.monotonic() < deadline:
            time.sleep(min(WAIT_POLL_SECONDS, max(deadline - time.monotonic(), 0)))
            status_now = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first()
        return Response(self._record(proposal.pk))

    @extend_schema(
        responses={200: OpenApiResponse(PreflightResultSerializer, description=(
            "Valid: every check's result and where the gate would send it. Nothing was stored or sent.")),
                   **errors(400, 403, 413, 415)},
        description="Validate a payload (exactly as a submission), run every check on it and answer what the "
                    "policy would do, storing nothing and sending nothing: fix a draft before it costs a reviewer's "
                    "time. Throttled like submissions. A would-be auto-approval may still be drawn for audit "
                    "(`policy.audit_sample_rate`).",
    )
    @action(detail=False, methods=["post"])
    def preflight(self, request: Request) -> Response:
        serializer = self.submit_serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = proposal_preflight(client=client_of(request), kind=self.kind, data=serializer.validated_data,
                                    payload=request.data)
        policy = result.policy
        return Response({
            "outcome": result.outcome,
            "reason": result.reason,
            "checks": [{"name": r.name, "passed": r.passed, "severity": r.severity, "message": r.message}
                       for r in result.checks],
            "failed": [r.name for r in result.checks if not r.passed],
            "required_approvals": result.required_approvals,
            "policy": {"task_type": policy.task_type, "version": policy.version, "mode": policy.mode,
                       "audit_sample_rate": policy.audit_sample_rate},
        })

    @extend_schema(
        parameters=[ReceiptParamsSerializer],
        responses={200: OpenApiResponse(ReceiptSerializer, description=(
            "The signed receipt of the record's latest decision that still counts (or of `decision`). Verify it "
            "offline: `python -m reviews.receipts verify receipt.json --public-key PUBLIC.pem` (Ed25519) or "
            "`--key-file KEY` (HMAC-SHA256) (docs/agents.md).")),
                   **errors(400, 403, 404),
                   503: OpenApiResponse(ErrorSerializer, description="No receipt key is configured "
                                                                     "(HITLCRM_RECEIPT_SIGNING_KEY or "
                                                                     "HITLCRM_RECEIPT_KEY), or the signing key "
                                                                     "cannot be used: nothing can be signed.")},
        description="A decision's receipt, signed with Ed25519 (the installation's signing key) or HMAC-SHA256 (its "
                    "shared key): proposal, decision, who decided and when, the "
                    "policy, and for the approval that made the record approved the SHA-256 digest of the RFC 8785 "
                    "canonical form of exactly what the executor sends (approve A, execute A: an executor refuses a "
                    "payload whose digest differs).",
    )
    @action(detail=True, methods=["get"])
    def receipt(self, request: Request, pk: str | None = None) -> Response:
        params = ReceiptParamsSerializer(data={k: v for k, v in request.query_params.items() if k != "format"})
        params.is_valid(raise_exception=True)
        proposal = self.get_object()
        try:
            receipt = proposal_receipt(proposal, decision_id=params.validated_data.get("decision"))
        except LookupError as exc:
            raise NotFound(str(exc)) from exc
        except ReceiptKeyMissing as exc:
            return Response({"error": "receipt_key_missing", "detail": str(exc)},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except ReceiptKeyInvalid as exc:  # manage.py check says so at start (hitlcrm.E012)
            return Response({"error": "receipt_key_invalid", "detail": str(exc)},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(receipt)

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self}


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    try:
        return IdempotencyKeyField().run_validation(key)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({"Idempotency-Key": exc.detail}) from exc


# The action of kinds an external integration may execute (``Kind.externally_executable``): ``POST
# <id>/executed/``, its report of what it did with a record of the feed. (No docstring: the OpenAPI
# document would take it as the description of every operation of the kind.)
class ExecutedReportActions:
    @extend_schema(
        request=ExecutedReportSerializer,
        responses={200: ProposalRecordSerializer, **errors(400, 403, 404, 409)},
        description="Integrations: report the result of executing an approved change. It moves approved → "
                    "executing → done (success) or failed. Repeating the same report is harmless; a different "
                    "result for a change already reported is a 409.",
    )
    @action(detail=True, methods=["post"])
    def executed(self, request: Request, pk: str | None = None) -> Response:
        report = ExecutedReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        proposal = self.get_object()
        proposal_mark_executed(
            proposal_id=proposal.pk, actor=Actor.from_request(request), success=report.validated_data["success"],
            external_id=report.validated_data.get("external_id", ""), error=report.validated_data.get("error", ""),
        )
        return Response(self._record(proposal.pk))


def kind_viewset(kind: Kind) -> type[ProposalViewSet]:
    """The API of one kind: every kind's actions with its own serializers (its OpenAPI request bodies
    too), and its own actions (``Kind.api_actions``)."""
    submit = kind.submit_serializer_class()
    viewset = type(f"{kind.model.__name__}ViewSet", (*kind.api_action_classes(), ProposalViewSet), {
        "__module__": __name__,
        "kind": kind.value,
        "submit_serializer_class": submit,
        "bulk_item_serializer_class": kind.bulk_item_serializer_class(),
    })
    return extend_schema_view(create=extend_schema(request=submit), preflight=extend_schema(request=submit),
                              bulk=extend_schema(request=kind.bulk_doc_serializer_class()))(viewset)


class FeedbackView(HitlcrmApiPolicy, APIView):
    """The calling agent's outputs that reviewers rejected or edited: what to learn from."""

    permission_classes = [IsAgent]

    @extend_schema(
        parameters=[FeedbackParamsSerializer],
        responses={200: FeedbackPageSerializer, **errors(400, 403)},
        description="This agent's records a person rejected (with the reason code and note) or edited before "
                    "approving (with the final output, the edits and a diff), oldest first; `since` filters by "
                    "decision time, `after` (a page's `cursor`) continues a listing. The same records as "
                    "`manage.py export_feedback --include-rejections`, for this agent only.",
    )
    def get(self, request: Request) -> Response:
        params = FeedbackParamsSerializer(data={k: v for k, v in request.query_params.items() if k != "format"})
        params.is_valid(raise_exception=True)
        size = params.validated_data["page_size"]
        entries = []
        for entry in feedback_pairs(agent=client_of(request), include_rejections=True,
                                    since=params.validated_data.get("since"),
                                    after_id=params.validated_data.get("after")):
            entries.append(entry)
            if len(entries) > size:
                break
        more = len(entries) > size
        entries = entries[:size]
        cursor = str(entries[-1]["proposal_id"]) if entries else None
        url = request.build_absolute_uri()
        return Response({"next": replace_query_param(url, "after", cursor) if more else None,
                         "cursor": cursor or (str(params.validated_data["after"])
                                              if "after" in params.validated_data else None),
                         "results": entries})


class WebhookView(HitlcrmApiPolicy, APIView):
    """The calling agent's decision webhook."""

    permission_classes = [IsAgent]
    parser_classes = [LimitedJSONParser]

    @extend_schema(responses={200: WebhookSettingsResultSerializer, **errors(403)})
    def get(self, request: Request) -> Response:
        return Response(_webhook_settings(client_of(request)))

    @extend_schema(
        request=WebhookSettingsSerializer,
        responses={200: WebhookSettingsResultSerializer, **errors(400, 403, 413, 415)},
        description=(
            "Register the URL hitlcrm POSTs to on every status change of this agent's records after submission. "
            "The host must be on the administrators' callback allow-list (and may resolve to a private address "
            "only if its entry allows that); redirects are not followed. The signing secret is returned once, "
            "when it is made (first registration, or `rotate_secret`).\n\n"
            "Each delivery: `POST` with JSON `{delivery_id, event: \"proposal.status_changed\", occurred_at, from, "
            "to, record}` (`record` as `GET .../{id}/` shows it when the delivery is first attempted) and the "
            "headers `X-Hitlcrm-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`, "
            "`X-Hitlcrm-Timestamp` (Unix time of the attempt), `X-Hitlcrm-Delivery` (the same on every retry: "
            "deliveries are at least once) and `X-Hitlcrm-Event`. Answer 2xx; a network error, 408, 425, 429 or "
            "5xx is retried with exponential backoff, any other answer ends the delivery."
        ),
    )
    def put(self, request: Request) -> Response:
        serializer = WebhookSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            client, secret = webhook_register(client=client_of(request), url=serializer.validated_data["url"],
                                              rotate_secret=serializer.validated_data["rotate_secret"])
        except CallbackRefused as exc:
            raise serializers.ValidationError({"url": [str(exc)]}) from exc
        return Response(_webhook_settings(client, secret))

    @extend_schema(request=None, responses={204: OpenApiResponse(description="The webhook is removed."), **errors(403)})
    def delete(self, request: Request) -> Response:
        webhook_register(client=client_of(request), url="")
        return Response(status=status.HTTP_204_NO_CONTENT)


def _webhook_settings(client: ApiClient, secret: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"url": client.webhook_url, "has_secret": bool(client.webhook_secret)}
    if secret:
        data["secret"] = secret
    return data
