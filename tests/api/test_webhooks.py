"""Decision webhooks: registration against the allow-list, signed deliveries to a real local HTTP
server, retries, the delivery log; and one delivery by a real worker process."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.test import override_settings

from reviews.models import ApiClient, CallbackHostRule, Proposal, WebhookDelivery
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.transitions import proposal_lock, proposal_transition
from reviews.services.webhooks import WebhookTransientError, webhook_deliver
from reviews.state_machine import Status
from tests.support import wait_for

from .callback_server import CallbackServer
from .conftest import email_payload, nothing_left_behind

pytestmark = pytest.mark.django_db


@pytest.fixture
def callback() -> Iterator[CallbackServer]:
    server = CallbackServer().start()
    yield server
    server.stop()


@pytest.fixture
def registered(db, api, callback) -> CallbackServer:
    """The agent's webhook points at the local server (127.0.0.1 explicitly allowed as private)."""
    CallbackHostRule.objects.create(host="127.0.0.1", allow_private_network=True, note="tests")
    response = api.put("/api/v1/webhook/", {"url": callback.url}, format="json")
    assert response.status_code == 200, response.content
    callback.secret = response.json()["secret"]
    return callback


def submit(api) -> int:
    return api.post("/api/v1/email-drafts/", email_payload(), format="json").json()["id"]


# --- registration ---------------------------------------------------------------------------------

def test_a_host_off_the_allow_list_is_refused(api, agent) -> None:
    response = api.put("/api/v1/webhook/", {"url": "https://hooks.example.com/x"}, format="json")
    assert response.status_code == 400
    assert "not on the callback host allow-list" in response.json()["fields"]["url"][0]
    assert ApiClient.objects.get(pk=agent[0].pk).webhook_url == ""


@pytest.mark.parametrize(("url", "host"), [("http://127.0.0.1:9/x", "127.0.0.1"), ("http://10.0.0.7/x", "10.0.0.7"),
                                         ("http://[::1]/x", "::1")])
def test_a_private_address_needs_an_explicit_allowance(api, url, host) -> None:
    CallbackHostRule.objects.create(host=host)
    response = api.put("/api/v1/webhook/", {"url": url}, format="json")
    assert response.status_code == 400 and "private or local" in response.json()["fields"]["url"][0]


@pytest.mark.parametrize(("url", "problem"), [("ftp://hooks.example.com/x", "http:// or https://"),
                                              ("https://user:pw@hooks.example.com/x", "credentials")])
def test_a_malformed_callback_is_refused(api, url, problem) -> None:
    CallbackHostRule.objects.create(host="hooks.example.com")
    response = api.put("/api/v1/webhook/", {"url": url}, format="json")
    assert response.status_code == 400 and problem in str(response.json()["fields"]["url"])


def test_the_secret_is_shown_once_and_can_be_rotated(api) -> None:
    CallbackHostRule.objects.create(host="hooks.example.com")
    first = api.put("/api/v1/webhook/", {"url": "https://hooks.example.com/a"}, format="json").json()
    assert first["secret"].startswith("whsec_") and first["has_secret"]
    again = api.put("/api/v1/webhook/", {"url": "https://hooks.example.com/b"}, format="json").json()
    assert "secret" not in again and again["url"] == "https://hooks.example.com/b"
    assert api.get("/api/v1/webhook/").json() == {"url": "https://hooks.example.com/b", "has_secret": True}
    rotated = api.put("/api/v1/webhook/", {"url": "https://hooks.example.com/b", "rotate_secret": True},
                      format="json").json()
    assert rotated["secret"] != first["secret"]
    assert api.delete("/api/v1/webhook/").status_code == 204
    assert api.get("/api/v1/webhook/").json()["url"] == ""


def test_only_agents_have_webhooks(integration_api) -> None:
    assert integration_api.get("/api/v1/webhook/").status_code == 403


# --- deliveries -----------------------------------------------------------------------------------

def test_every_status_change_after_submission_makes_a_delivery(api, registered, rita) -> None:
    proposal_id = submit(api)
    assert not WebhookDelivery.objects.exists()  # the submission itself is the agent's own act
    proposal_run_checks(proposal_id=proposal_id)
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    deliveries = WebhookDelivery.objects.filter(proposal_id=proposal_id).order_by("pk")
    assert [(d.from_status, d.to_status) for d in deliveries] == [("checking", "needs_review"),
                                                                  ("needs_review", "approved")]


def test_a_delivery_is_signed_and_logged(api, registered) -> None:
    proposal_id = submit(api)
    proposal_run_checks(proposal_id=proposal_id)
    delivery = WebhookDelivery.objects.get()
    webhook_deliver(delivery_id=delivery.pk)

    (received,) = registered.requests()
    assert received.signature_valid
    assert received.headers["X-Hitlcrm-Delivery"] == str(delivery.delivery_id)
    assert received.headers["X-Hitlcrm-Event"] == "proposal.status_changed"
    assert received.headers["X-Hitlcrm-Timestamp"].isdigit()
    body = received.json
    assert (body["from"], body["to"]) == ("checking", "needs_review")
    assert body["record"]["id"] == proposal_id and body["record"]["status"] == "needs_review"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.body.encode() == received.body and delivery.delivered_at is not None
    # A redelivered task message does not send again.
    webhook_deliver(delivery_id=delivery.pk)
    assert len(registered.requests()) == 1


def test_a_transient_failure_is_retried_with_the_same_body(api, registered) -> None:
    registered.script.extend([503, 429])
    proposal_run_checks(proposal_id=submit(api))
    delivery = WebhookDelivery.objects.get()
    for _ in range(2):
        with pytest.raises(WebhookTransientError):
            webhook_deliver(delivery_id=delivery.pk)
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 3
    assert [a["status_code"] for a in delivery.attempt_log] == [503, 429, 200]
    bodies = {r.body for r in registered.requests()}
    assert len(bodies) == 1 and all(r.signature_valid for r in registered.requests())


def test_delivery_gives_up_after_the_last_attempt(api, registered) -> None:
    registered.script.extend([500] * 5)
    proposal_run_checks(proposal_id=submit(api))
    delivery = WebhookDelivery.objects.get()
    with override_settings(HITLCRM_WEBHOOK_MAX_ATTEMPTS=3):
        for _ in range(2):
            with pytest.raises(WebhookTransientError):
                webhook_deliver(delivery_id=delivery.pk)
        webhook_deliver(delivery_id=delivery.pk)  # the last attempt: logged, not raised
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("failed", 3, "HTTP 500")



def test_each_retry_of_a_delivery_waits_longer_than_the_last(api, registered, monkeypatch) -> None:
    """The worker does not hammer a receiver that is down: every transient failure schedules the next
    attempt with a countdown whose bound doubles (2, 4, 8, … s, at most 600 s) — full jitter picks a
    wait below the bound, so that many agents' retries do not arrive together. The task is run as a
    worker runs it (autoretry, request with ``retries``), and the retry message it publishes is
    captured instead of sent."""
    import celery.utils.time

    from reviews.tasks import webhook_deliver_task

    registered.script.extend([503] * 13)
    proposal_run_checks(proposal_id=submit(api))
    delivery = WebhookDelivery.objects.get()
    published: list[dict] = []
    monkeypatch.setattr(webhook_deliver_task, "apply_async",
                        lambda args=None, kwargs=None, **options: published.append({"args": args, **options}))

    def attempt(retries: int) -> dict:
        """One attempt as the worker's ``retries``-th retry; returns the retry it scheduled."""
        webhook_deliver_task.push_request(id=f"delivery-{retries}", args=[delivery.pk], kwargs={}, retries=retries,
                                          called_directly=False, is_eager=False)
        try:
            with pytest.raises(Retry), override_settings(HITLCRM_WEBHOOK_MAX_ATTEMPTS=20):
                webhook_deliver_task.run(delivery.pk)
        finally:
            webhook_deliver_task.pop_request()
        return published[-1]

    # The jitter's upper end: the longest wait each retry may be given.
    with monkeypatch.context() as jitter:
        jitter.setattr(celery.utils.time.random, "randrange", lambda stop: stop - 1)
        longest = [attempt(retries)["countdown"] for retries in range(10)]
    assert longest == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600]
    assert all(list(p["args"]) == [delivery.pk] for p in published)  # the same delivery, again
    assert [p["retries"] for p in published] == list(range(1, 11))

    # With real jitter every wait stays within its bound.
    for retries, bound in ((0, 2), (5, 64), (9, 600)):
        assert 0 <= attempt(retries)["countdown"] <= bound
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 13
    assert len(registered.requests()) == 13

@pytest.mark.parametrize(("status", "error"), [(400, "HTTP 400"), (302, "HTTP 302")])
def test_a_client_error_or_redirect_is_final(api, registered, status, error) -> None:
    registered.script.append(status)
    proposal_run_checks(proposal_id=submit(api))
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("failed", 1, error)
    assert len(registered.requests()) == 1  # the redirect to an internal address was not followed


def test_an_unreachable_receiver_is_a_transient_failure(api, registered) -> None:
    registered.stop()
    proposal_run_checks(proposal_id=submit(api))
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(WebhookTransientError):
        webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "pending" and "ConnectionError" in delivery.last_error


def test_a_host_that_resolves_to_loopback_is_refused_without_the_allowance(api, callback) -> None:
    CallbackHostRule.objects.create(host="localhost")  # allow-listed by name, but not as a private address
    url = callback.url.replace("127.0.0.1", "localhost")
    assert api.put("/api/v1/webhook/", {"url": url}, format="json").status_code == 200
    proposal_run_checks(proposal_id=submit(api))
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert delivery.state == "failed" and "private or local address" in delivery.last_error
    assert callback.requests() == []


def test_the_delivery_goes_to_the_address_that_was_vetted_whatever_dns_says_next(
        api, callback, monkeypatch) -> None:
    """DNS rebinding: the host's first answer passes the check, a later one points elsewhere. The
    delivery connects to the vetted address and still names the host (the Host header)."""
    CallbackHostRule.objects.create(host="hooks.customer.example", allow_private_network=True)
    url = callback.url.replace("127.0.0.1", "hooks.customer.example")
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["127.0.0.1"])  # the vetted answer, then nothing that leads to the receiver

    def rebinding(host, port, *args, **kwargs):
        if host == "hooks.customer.example":
            return real_getaddrinfo(next(answers, "127.0.0.2"), port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert api.put("/api/v1/webhook/", {"url": url}, format="json").status_code == 200
    answers = iter(["127.0.0.1"])  # registration may have looked it up: the delivery's check gets the good answer
    proposal_run_checks(proposal_id=submit(api))
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert delivery.state == "delivered", delivery.last_error
    [received] = callback.requests()
    assert received.headers["X-Hitlcrm-Delivery"] == str(delivery.delivery_id)
    assert received.headers["Host"] == f"hooks.customer.example:{urlsplit(callback.url).port}"


def test_a_host_removed_from_the_allow_list_is_no_longer_called(api, registered) -> None:
    proposal_run_checks(proposal_id=submit(api))
    CallbackHostRule.objects.all().delete()
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert delivery.state == "failed" and "allow-list" in delivery.last_error
    assert registered.requests() == []


def test_a_status_change_that_rolls_back_tells_nobody(api, registered) -> None:
    proposal_id = submit(api)
    with nothing_left_behind(), pytest.raises(RuntimeError), transaction.atomic():
        proposal_transition(proposal_lock(proposal_id), Status.NEEDS_REVIEW, actor=Actor.system())
        raise RuntimeError("the use case failed after the transition")
    assert not WebhookDelivery.objects.exists()


# --- a real worker --------------------------------------------------------------------------------

@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_the_decision_and_retries_a_failure(broker, worker_factory, callback) -> None:
    from tests.factories import agent_with_token, allow_crm_objects, policy

    from .conftest import token_client

    allow_crm_objects()
    policy("*", mode="always_review")
    CallbackHostRule.objects.create(host="127.0.0.1", allow_private_network=True)
    api = token_client(agent_with_token("webhook-bot")[1])
    callback.secret = api.put("/api/v1/webhook/", {"url": callback.url}, format="json").json()["secret"]
    callback.script.append(503)  # the first attempt fails; the worker retries with backoff
    worker_factory()

    proposal_id = submit(api)  # the worker runs the checks: checking -> needs_review
    wait_for(lambda: WebhookDelivery.objects.filter(state="delivered").exists(), timeout=120,
             what="the webhook delivery")
    received = callback.requests()
    assert [r.signature_valid for r in received] == [True, True]
    assert received[0].body == received[1].body
    body = received[-1].json
    assert (body["record"]["id"], body["from"], body["to"]) == (proposal_id, "checking", "needs_review")
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 2 and [a["status_code"] for a in delivery.attempt_log] == [503, 200]
    assert Proposal.objects.get(pk=proposal_id).status == Status.NEEDS_REVIEW
