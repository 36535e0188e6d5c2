"""Who may do what, through both doors: the HTTP API and the review console (Django admin).

One table, read by rows: every action through each door, for every role. A cell is the HTTP status
the request must get; ``ok(code)`` marks the cells where the action is allowed, and the test checks
it took effect (the record was stored, decided or changed; the data was returned). Every other cell
is a refusal, and the test checks nothing changed and no data came back: denied is denied.
``LOGIN`` is the console's answer to someone who is not a staff member: a redirect to its login page.

Roles: agents and integrations are API clients (a token; in the console, their service user's
session); reviewer, senior_reviewer, compliance and admin are console users (reviews/roles.py; in
the API, their session); anonymous has neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from reviews.models import ApiClient, Decision, Policy, Proposal
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.services.submission import proposal_submit
from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer
from tests.reviews.conftest import email_payload
from tests.support import form_submission

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ok:
    status: int


LOGIN = "login"
ROLES = ("anonymous", "agent", "integration", "reviewer", "senior_reviewer", "compliance", "admin")

# fmt: off
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    # action, door                     anonymous agent    integration reviewer senior_reviewer compliance admin
    ("submit", "api"):                 (401,     ok(201), 403,        403,     403,     403,     403),
    ("submit", "console"):             (LOGIN,   LOGIN,   LOGIN,      403,     403,     403,     403),
    ("view", "api"):                   (401,     ok(200), 403,        ok(200), ok(200), ok(200), ok(200)),
    ("view", "console"):               (LOGIN,   LOGIN,   LOGIN,      ok(200), ok(200), ok(200), ok(200)),
    ("decide", "api"):                 (401,     405,     403,        405,     405,     405,     405),
    ("decide", "console"):             (LOGIN,   LOGIN,   LOGIN,      ok(200), ok(200), 403,     ok(200)),
    ("second-approve", "api"):         (401,     405,     403,        405,     405,     405,     405),
    ("second-approve", "console"):     (LOGIN,   LOGIN,   LOGIN,      409,     ok(200), 403,     ok(200)),
    ("edit policy", "api"):            (404,     404,     404,        404,     404,     404,     404),
    ("edit policy", "console"):        (LOGIN,   LOGIN,   LOGIN,      403,     ok(302), 403,     ok(302)),
    ("read history", "api"):           (401,     403,     403,        403,     403,     ok(200), ok(200)),
    ("read history", "console"):       (LOGIN,   LOGIN,   LOGIN,      403,     403,     ok(200), ok(200)),
    ("export", "api"):                 (401,     403,     403,        403,     403,     ok(200), ok(200)),
    ("export", "console"):             (LOGIN,   LOGIN,   LOGIN,      403,     403,     ok(200), ok(200)),
    ("manage agents", "api"):          (404,     404,     404,        404,     404,     404,     404),
    ("manage agents", "console"):      (LOGIN,   LOGIN,   LOGIN,      403,     403,     403,     ok(302)),
}
# fmt: on


@dataclass
class World:
    agent: ApiClient
    tokens: dict[str, str]
    users: dict[str, Any]
    first: Any  # a reviewer who gives the first approval of four-eyes items

    def client(self, role: str, door: str) -> Client:
        if door == "api" and role in self.tokens:
            api = APIClient()
            api.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
            return api
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client

    def queued(self, **overrides: Any) -> Proposal:
        data = email_payload(**overrides)
        proposal, _ = proposal_submit(client=self.agent, kind="email_draft", data=data, payload=data,
                                      actor=Actor.for_client(self.agent))
        proposal_run_checks(proposal_id=proposal.pk)
        proposal.refresh_from_db()
        assert proposal.status == "needs_review"
        return proposal


@pytest.fixture
def world(db: Any) -> World:
    allow_crm_objects()
    policy("*", mode="always_review")
    agent, agent_token = agent_with_token("sdr-bot")
    integration, integration_token = agent_with_token("warehouse-sync", role="integration")
    users = {role: reviewer(role.replace("_", "-"), role=role)
             for role in ("reviewer", "senior_reviewer", "compliance", "admin")}
    users.update(agent=agent.user, integration=integration.user)
    return World(agent, {"agent": agent_token, "integration": integration_token}, users, reviewer("first"))


# --- the actions: each makes its request and says whether it took effect -----------------------

Outcome = tuple[Any, bool]  # (the response, whether the action took effect)


def submit(world: World, client: Client, door: str) -> Outcome:
    before = Proposal.objects.count()
    if door == "api":
        response = client.post("/api/v1/email-drafts/", email_payload(), content_type="application/json")
    else:
        response = client.post("/admin/hitlcrm_reviews/emaildraft/add/", {"subject": "x", "body": "y"})
    return response, Proposal.objects.count() > before


def view(world: World, client: Client, door: str) -> Outcome:
    proposal = world.queued(subject="Only for the eyes of those who may")
    url = (f"/api/v1/email-drafts/{proposal.pk}/" if door == "api"
           else f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/review/")
    response = client.get(url)
    return response, b"Only for the eyes of those who may" in response.content


def _decide(world: World, client: Client, door: str, proposal: Proposal) -> Outcome:
    if door == "api":  # there is no decision endpoint: the closest request, a change of the status
        response = client.patch(f"/api/v1/email-drafts/{proposal.pk}/", {"status": "approved"},
                                content_type="application/json")
    else:
        world.queued()  # a next item, so a successful decision answers with it (200)
        response = client.post(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/decide/", {"action": "approve"},
                               HTTP_X_CONSOLE_SWAP="1")
    return response, Proposal.objects.get(pk=proposal.pk).status == "approved"


def decide(world: World, client: Client, door: str) -> Outcome:
    return _decide(world, client, door, world.queued())


def second_approve(world: World, client: Client, door: str) -> Outcome:
    proposal = world.queued()
    Proposal.objects.filter(pk=proposal.pk).update(required_approvals=2)
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(world.first), action="approve")
    response, approved = _decide(world, client, door, proposal)
    assert approved or Decision.objects.filter(proposal=proposal).count() == 1
    return response, approved


def selected_options(html: str) -> list[tuple[str, str]]:
    """The selected option of each <select> (what a browser submits for it)."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.select: str | None = None
            self.found: list[tuple[str, str]] = []

        def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
            attrs = dict(attr_list)
            if tag == "select":
                self.select = attrs.get("name")
            elif tag == "option" and self.select and "selected" in attrs:
                self.found.append((self.select, attrs.get("value") or ""))

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None

    parser = Parser()
    parser.feed(html)
    return parser.found


def _admin_form(path: str, form_id: str, **changes: str) -> dict[str, Any]:
    """What the admin's own change form would post, with ``changes`` typed in (read as a superuser)."""
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@hitlcrm.example", "x")
    client = Client()
    client.force_login(root)
    html = client.get(path).content.decode()
    # The admin's forms post to their own page (no action attribute); say so for the form reader.
    _, fields = form_submission(html.replace(f'id="{form_id}"', f'id="{form_id}" action="{path}"'), form_id)
    data: dict[str, Any] = {}
    for name, value in [*fields, *selected_options(html)]:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    return data


def edit_policy(world: World, client: Client, door: str) -> Outcome:
    target = Policy.objects.get(task_type="*")
    if door == "api":
        response = client.patch("/api/v1/policies/%2A/", {"confidence_threshold": 0.5}, content_type="application/json")
    else:
        path = f"/admin/hitlcrm_reviews/policy/{target.pk}/change/"
        response = client.post(path, _admin_form(path, "policy_form", confidence_threshold="0.42"))
    target.refresh_from_db()
    return response, target.confidence_threshold == 0.42


def read_history(world: World, client: Client, door: str) -> Outcome:
    proposal = world.queued()
    response = client.get("/api/v1/history/" if door == "api" else "/admin/hitlcrm_reviews/auditevent/")
    return response, response.status_code == 200 and b"submitted" in response.content and str(proposal.pk).encode() in (
        response.content)


def export(world: World, client: Client, door: str) -> Outcome:
    world.queued()
    response = client.get("/api/v1/history/?format=csv" if door == "api"
                          else "/admin/hitlcrm_reviews/auditevent/export/?format=csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, response.status_code == 200 and b"submitted" in content and b"sdr-bot" in content


def manage_agents(world: World, client: Client, door: str) -> Outcome:
    if door == "api":
        response = client.patch(f"/api/v1/clients/{world.agent.pk}/", {"is_active": False},
                                content_type="application/json")
    else:
        path = f"/admin/hitlcrm_reviews/apiclient/{world.agent.pk}/change/"
        data = _admin_form(path, "apiclient_form")
        data.pop("is_active", None)  # the box unticked: the agent is deactivated
        response = client.post(path, data)
    return response, not ApiClient.objects.get(pk=world.agent.pk).is_active


ACTIONS: dict[str, Callable[[World, Client, str], Outcome]] = {
    "submit": submit, "view": view, "decide": decide, "second-approve": second_approve, "edit policy": edit_policy,
    "read history": read_history, "export": export, "manage agents": manage_agents,
}
CELLS = [(action, door, role, expected) for (action, door), row in MATRIX.items() for role, expected in zip(ROLES, row,
                                                                                                            strict=True)]


def test_the_matrix_covers_every_role_and_action_through_both_doors() -> None:
    assert {(action, door) for action, door in MATRIX} == {(action, door) for action in ACTIONS for door in
                                                          ("api", "console")}


@pytest.mark.parametrize(("action", "door", "role", "expected"), CELLS,
                         ids=[f"{action}-{door}-{role}" for action, door, role, _ in CELLS])
def test_permission(world, action: str, door: str, role: str, expected: Any) -> None:
    response, took_effect = ACTIONS[action](world, world.client(role, door), door)
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), response
    else:
        status = expected.status if isinstance(expected, ok) else expected
        assert response.status_code == status, response.content[:300]
    assert took_effect == isinstance(expected, ok), "allowed but without effect" if isinstance(expected, ok) else (
        "denied, but it took effect (or the data came back)")
