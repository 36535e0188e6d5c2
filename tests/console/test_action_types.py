"""Admins register outbound action types in the console: the form validates the schema and the
endpoint, the signing secret is shown once, and compliance may read but not change them."""

from __future__ import annotations

import json

import pytest

from reviews.models import CallbackHostRule, OutboundActionType
from tests.factories import reviewer

from .conftest import logged_in

pytestmark = pytest.mark.django_db

ADD = "/admin/hitlcrm_reviews/outboundactiontype/add/"
SCHEMA = {"type": "object", "properties": {"profile_url": {"type": "string", "format": "uri"}},
          "required": ["profile_url"]}


@pytest.fixture(autouse=True)
def allow_listed(db) -> None:
    CallbackHostRule.objects.create(host="actions.example.com")


def fields(**changes: str) -> dict[str, str]:
    return {"name": "linkedin.connect", "description": "Send a connection request.", "enabled": "on",
            "endpoint_url": "https://actions.example.com/linkedin", "stakes": "3", "audit_sample_rate": "0.1",
            "payload_schema": json.dumps(SCHEMA), **changes}


def test_an_admin_adds_a_type_and_sees_its_signing_secret_once(ada) -> None:
    client = logged_in(ada)
    page = client.get(ADD).content.decode()
    assert 'name="payload_schema"' in page and 'name="signing_secret"' not in page

    response = client.post(ADD, fields())

    assert response.status_code == 200, response.content.decode()[:2000]
    saved = OutboundActionType.objects.get(name="linkedin.connect")
    assert saved.signing_secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert saved.payload_schema == SCHEMA and saved.history.get().history_user == ada
    # The change page never shows it again.
    change = client.get(f"/admin/hitlcrm_reviews/outboundactiontype/{saved.pk}/change/").content.decode()
    assert saved.signing_secret not in change
    assert '&quot;required&quot;: [\n    &quot;profile_url&quot;\n  ]' in change  # the schema, indented


@pytest.mark.parametrize(("changes", "message"), [
    ({"payload_schema": '{"type": "object", "properties": {"x": {"type": "strin"}}}'},
     "schema.properties.x.type: &#x27;strin&#x27; is not valid under any of the given schemas"),
    ({"payload_schema": "{not json"}, "Enter a valid JSON."),
    ({"endpoint_url": "http://actions.example.com/linkedin"}, "the endpoint URL must be an https:// URL with a host"),
    ({"endpoint_url": "https://elsewhere.example.com/x"}, "elsewhere.example.com is not on the callback host allow-list"),
    ({"ungated": "on", "reversible": "on"}, "Ungated but logged is only for reversible, low-stakes action types"),
])
def test_the_form_refuses_a_type_that_breaks_a_rule(ada, changes, message) -> None:
    response = logged_in(ada).post(ADD, fields(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not OutboundActionType.objects.exists()


def test_rotating_the_secret_shows_the_new_one_once(ada) -> None:
    saved = OutboundActionType(name="linkedin.connect", endpoint_url="https://actions.example.com/linkedin")
    saved.save()
    old = saved.signing_secret
    response = logged_in(ada).post("/admin/hitlcrm_reviews/outboundactiontype/",
                                   {"action": "rotate_signing_secret", "_selected_action": [saved.pk]})
    saved.refresh_from_db()
    assert saved.signing_secret != old and saved.signing_secret in response.content.decode()
    assert old not in response.content.decode() and "no-store" in response["Cache-Control"]
    rotation = saved.history.first()  # who rotated it, and when
    assert (rotation.history_user, rotation.signing_secret_set_at) == (ada, saved.signing_secret_set_at)


def test_compliance_reads_action_types_but_cannot_change_them(db) -> None:
    saved = OutboundActionType(name="linkedin.connect", endpoint_url="https://actions.example.com/linkedin")
    saved.save()
    client = logged_in(reviewer("cora", role="compliance"))
    assert client.get(f"/admin/hitlcrm_reviews/outboundactiontype/{saved.pk}/change/").status_code == 200
    assert client.post(ADD, fields(name="crm.ticket")).status_code == 403
    assert client.get("/admin/hitlcrm_reviews/outboundactiontype/").status_code == 200
    assert not OutboundActionType.objects.filter(name="crm.ticket").exists()
    reviewer_client = logged_in(reviewer("rita"))
    assert reviewer_client.get("/admin/hitlcrm_reviews/outboundactiontype/").status_code == 403
