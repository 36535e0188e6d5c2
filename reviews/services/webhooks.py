"""Decision webhooks: tell an agent about every status change of its records after submission.

A status change creates a :class:`WebhookDelivery` row in the same transaction (so a change that
rolls back tells nobody, and a committed one is never forgotten) and queues its delivery after
commit. The worker POSTs the record, signed with HMAC-SHA256 over the exact body with the agent's
secret, and retries transient failures with backoff; every attempt is logged on the row.
Delivery is at least once: a receiver drops repeats by ``X-Hitlcrm-Delivery``.

Only hosts on the admin-kept allow-list (:class:`CallbackHostRule`) are ever called, and a host
that resolves to a private, loopback or link-local address is refused unless its rule allows
it, so an agent cannot make hitlcrm call internal services; the delivery connects to the address
that was vetted. Redirects are never followed.
"""

from __future__ import annotations

import hmac
import json
import time
from datetime import timedelta

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrations.http import (
    CallbackRefused,
    HostUnresolvable,
    callback_host,
    refuse_private_literal,
    session_to,
    sign,
    vetted_address,
)

from ..audit_actions import AuditAction
from ..conf import hitlcrm_settings
from ..models import ApiClient, CallbackHostRule, GoldenItem, Proposal, WebhookDelivery, WebhookDeliveryState
from .queueing import publish

EVENT = "proposal.status_changed"
SIGNATURE_HEADER = "X-Hitlcrm-Signature"
TIMESTAMP_HEADER = "X-Hitlcrm-Timestamp"
DELIVERY_HEADER = "X-Hitlcrm-Delivery"
EVENT_HEADER = "X-Hitlcrm-Event"
# Responses worth trying again; any other non-2xx answer is final.
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class WebhookTransientError(Exception):
    """A delivery attempt failed in a way a later attempt may not (network error, 5xx, 429)."""


def callback_host_rule(url: str) -> CallbackHostRule:
    """The allow-list rule that admits ``url``; raises :class:`CallbackRefused` naming the problem."""
    return CallbackHostRule.objects.admitting(callback_host(url))


def callback_address(url: str, rule: CallbackHostRule) -> str:
    """The vetted address the delivery connects to (``integrations.http.vetted_address``)."""
    try:
        return vetted_address(url, allow_private_network=rule.allow_private_network)
    except HostUnresolvable as exc:
        raise WebhookTransientError(str(exc)) from exc


def webhook_register(*, client: ApiClient, url: str, rotate_secret: bool = False) -> tuple[ApiClient, str | None]:
    """Set (or clear, with an empty ``url``) the agent's callback URL. Returns the client and the
    signing secret when one was just made (shown once), else None."""
    new_secret = None
    if url:
        rule = callback_host_rule(url)
        refuse_private_literal(url, allow_private_network=rule.allow_private_network)
        if rotate_secret or not client.webhook_secret:
            new_secret = client.new_webhook_secret()
    client.webhook_url = url
    client.save(update_fields=["webhook_url", "webhook_secret"])
    return client, new_secret


def webhook_enqueue(proposal: Proposal, *, previous: str, target: str) -> WebhookDelivery | None:
    """Record a delivery of this status change for the submitting agent, if it has a callback,
    and queue it after commit. Runs inside the transition's transaction."""
    if Proposal.agent.is_cached(proposal):
        url = proposal.agent.webhook_url
    else:
        url = ApiClient.objects.filter(pk=proposal.agent_id).values_list("webhook_url", flat=True).first()
    if not url:
        return None
    if GoldenItem.objects.filter(proposal_id=proposal.pk).exists():
        return None  # a golden item is not the agent's output (reviews/services/golden.py): it hears nothing of it
    delivery = WebhookDelivery.objects.create(
        client_id=proposal.agent_id, proposal=proposal, event=EVENT, from_status=previous, to_status=target, url=url,
    )
    transaction.on_commit(lambda: _publish(delivery.pk))
    return delivery


def _publish(delivery_id: int) -> None:
    from ..tasks import webhook_deliver_task

    publish(webhook_deliver_task, (delivery_id,))


def webhook_body(delivery: WebhookDelivery) -> bytes:
    """The JSON sent: which change this is (``from``/``to``) and the record as the API shows it now."""
    from ..representation import proposal_as_api, proposal_queryset  # the API's one shape of a record

    record = proposal_as_api(proposal_queryset().get(pk=delivery.proposal_id))
    payload = {
        "delivery_id": str(delivery.delivery_id),
        "event": delivery.event,
        "occurred_at": delivery.created_at,
        "from": delivery.from_status,
        "to": delivery.to_status,
        "record": record,
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """One delivery attempt. Raises :class:`WebhookTransientError` when it should be retried;
    after ``HITLCRM_WEBHOOK_MAX_ATTEMPTS`` attempts the delivery is marked failed instead."""
    delivery = WebhookDelivery.objects.select_related("client").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != WebhookDeliveryState.PENDING:
        return delivery  # already delivered or given up: a redelivered message is harmless
    client = delivery.client
    if not client.webhook_url or not client.is_active:
        return _finish(delivery, WebhookDeliveryState.FAILED, error="the agent no longer has a callback URL")
    url = client.webhook_url
    try:
        address = callback_address(url, callback_host_rule(url))
    except CallbackRefused as exc:
        return _finish(delivery, WebhookDeliveryState.FAILED, error=f"refused: {exc}", url=url)
    except WebhookTransientError as exc:
        return _attempted(delivery, url=url, status_code=None, error=str(exc), elapsed_ms=0)

    if not delivery.body:
        delivery.body = webhook_body(delivery).decode()
        delivery.save(update_fields=["body"])
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "hitlcrm-webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.delivery_id),
        TIMESTAMP_HEADER: str(int(time.time())),
        SIGNATURE_HEADER: sign(client.webhook_secret, body),
    }
    started = time.monotonic()
    try:
        with session_to(url, address) as session:
            response = session.post(url, data=body, headers=headers, allow_redirects=False,
                                    timeout=(5, hitlcrm_settings.WEBHOOK_TIMEOUT_SECONDS), stream=True)
            response.close()  # the answer's body is not needed
    except requests.RequestException as exc:
        return _attempted(delivery, url=url, status_code=None, error=f"{type(exc).__name__}: {exc}",
                          elapsed_ms=_ms(started))
    if 200 <= response.status_code < 300:
        return _finish(delivery, WebhookDeliveryState.DELIVERED, status_code=response.status_code, url=url,
                       elapsed_ms=_ms(started))
    error = f"HTTP {response.status_code}"
    if response.status_code in RETRYABLE_STATUS:
        return _attempted(delivery, url=url, status_code=response.status_code, error=error, elapsed_ms=_ms(started))
    return _finish(delivery, WebhookDeliveryState.FAILED, status_code=response.status_code, error=error, url=url,
                   elapsed_ms=_ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _log(delivery: WebhookDelivery, *, url: str, status_code: int | None, error: str, elapsed_ms: int | None) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.url = url[:500]
    delivery.last_attempt_at = now
    delivery.last_status_code = status_code
    delivery.last_error = error[:2000]
    delivery.attempt_log = [*delivery.attempt_log, {"at": now.isoformat(), "status_code": status_code,
                                                    "error": error[:500], "ms": elapsed_ms}][-50:]


def _attempted(delivery: WebhookDelivery, *, url: str, status_code: int | None, error: str,
               elapsed_ms: int) -> WebhookDelivery:
    """A transient failure: log it, then retry (raise) or give up after the last attempt."""
    _log(delivery, url=url, status_code=status_code, error=error, elapsed_ms=elapsed_ms)
    if delivery.attempts >= hitlcrm_settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = WebhookDeliveryState.FAILED
        with transaction.atomic():
            delivery.save()
            _audit_delivery(delivery)
        return delivery
    delivery.save()
    raise WebhookTransientError(f"delivery {delivery.delivery_id} attempt {delivery.attempts}: {error}")


def _finish(delivery: WebhookDelivery, state: str, *, status_code: int | None = None, error: str = "",
            url: str = "", elapsed_ms: int | None = None) -> WebhookDelivery:
    _log(delivery, url=url or delivery.url, status_code=status_code, error=error, elapsed_ms=elapsed_ms)
    delivery.state = state
    if state == WebhookDeliveryState.DELIVERED:
        delivery.delivered_at = timezone.now()
    with transaction.atomic():
        delivery.save()
        _audit_delivery(delivery)
    return delivery


def _audit_delivery(delivery: WebhookDelivery) -> None:
    """The delivery's final outcome is an audit event of its proposal (attempts stay on the row)."""
    from .actors import Actor
    from .audit import audit_record

    delivered = delivery.state == WebhookDeliveryState.DELIVERED
    audit_record(action=AuditAction.WEBHOOK_DELIVERED if delivered else AuditAction.WEBHOOK_FAILED,
                 actor=Actor.system("webhooks"), proposal=delivery.proposal,
                 data={"delivery": str(delivery.delivery_id), "url": delivery.url, "to": delivery.to_status,
                       "status_code": delivery.last_status_code, "attempts": delivery.attempts,
                       "error": delivery.last_error})


def webhooks_requeue_stale(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Queue again pending deliveries nobody has touched for a while (a message lost with a broker
    outage, or retries that stopped with a worker). Returns how many were queued."""
    cutoff = timezone.now() - older_than
    stale = list(
        WebhookDelivery.objects.filter(state=WebhookDeliveryState.PENDING)
        .annotate(touched=Coalesce("last_attempt_at", "created_at"))
        .filter(Q(touched__lt=cutoff))
        .values_list("pk", flat=True)[:5000]
    )
    for delivery_id in stale:
        _publish(delivery_id)
    return len(stale)


def webhooks_retry(delivery_ids: list[int]) -> int:
    """An administrator's retry of given-up deliveries: a fresh round of attempts, same body."""
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update()
            .filter(pk__in=delivery_ids, state=WebhookDeliveryState.FAILED).values_list("pk", flat=True)
        )
        for delivery in WebhookDelivery.objects.filter(pk__in=ids):
            delivery.state, delivery.attempts = WebhookDeliveryState.PENDING, 0
            delivery.save(update_fields=["state", "attempts"])
            transaction.on_commit(lambda pk=delivery.pk: _publish(pk))
    return len(ids)


def webhook_signature_valid(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and tests): constant-time check of ``X-Hitlcrm-Signature``."""
    return hmac.compare_digest(sign(secret, body), header or "")


__all__ = [
    "CallbackRefused", "WebhookTransientError", "callback_host_rule", "sign", "webhook_deliver", "webhook_enqueue",
    "webhook_register", "webhook_signature_valid", "webhooks_requeue_stale", "webhooks_retry",
]
