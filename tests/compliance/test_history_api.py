"""GET /api/v1/history/, the per-record timeline and the streaming exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.test import APIClient

from integrations.salesforce.ids import to_18
from reviews.models import AuditChainHead, AuditEvent
from reviews.services.actors import Actor
from reviews.services.audit import audit_record
from tests.factories import UserFactory, reviewer

from .conftest import append, session

pytestmark = pytest.mark.django_db


def pages(client: APIClient, url: str) -> list[dict]:
    """Every event, following the cursor links."""
    events: list[dict] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        events.extend(body["results"])
        url = body["next"]
    return events


def streamed(response: StreamingHttpResponse) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def test_compliance_reads_every_event_newest_first_through_the_cursor(carla) -> None:
    append(25)
    events = pages(session(carla), "/api/v1/history/?page_size=10")
    seqs = [event["seq"] for event in events]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    assert set(seqs) >= set(AuditEvent.objects.filter(action__in=["approved", "checks_run", "submitted"])
                             .values_list("seq", flat=True))
    first = events[-1]
    assert set(first) == {"id", "seq", "occurred_at", "action", "actor_type", "actor", "record", "crm_object",
                          "crm_id", "origin_ip", "user_agent", "data", "prev_hash", "hash"}
    assert first["occurred_at"].endswith("Z")


def test_filters_combine(carla) -> None:
    append(30)
    audit_record(action="rejected", actor=Actor("user", "rita", ip="203.0.113.7"), crm_object="Lead",
                 crm_id=to_18("00Q5g00000XYZ12"), data={"reason_code": "tone"})
    client = session(carla)

    def query(**params: str) -> list[dict]:
        return client.get("/api/v1/history/", params).json()["results"]

    assert {e["action"] for e in query(action="approved")} == {"approved"}
    assert len(query(action="approved")) == 10
    assert {e["actor"] for e in query(actor="rita")} == {"rita"}
    assert {e["actor_type"] for e in query(actor_type="agent")} == {"agent"}
    rita_rejects = query(actor="rita", action="rejected")
    assert len(rita_rejects) == 1 and rita_rejects[0]["data"] == {"reason_code": "tone"}
    # A 15-character id finds the record stored under its 18-character form.
    assert len(query(crm_object="Lead", crm_id="00Q5g00000XYZ12")) == 1
    assert query(crm_object="Contact", crm_id="0035g00000ABC007")  # not a Salesforce id: matched as given
    assert query(crm_object="Account") == []


def test_since_and_until_select_a_time_window(carla) -> None:
    earlier = append(5)
    AuditChainHead.objects.filter(pk=1).update(last_occurred_at=timezone.now() + timedelta(hours=1))
    later = append(3)  # an hour later
    client = session(carla)  # signing in is an event too (later still)
    middle = earlier[-1].occurred_at + timedelta(minutes=30)

    def seqs(**params: str) -> set[int]:
        return {e["seq"] for e in client.get("/api/v1/history/", params).json()["results"]}

    after = set(AuditEvent.objects.filter(occurred_at__gte=middle).values_list("seq", flat=True))
    assert {e.seq for e in later} <= after
    assert seqs(since=middle.isoformat()) == after
    assert seqs(until=middle.isoformat()) == set(AuditEvent.objects.values_list("seq", flat=True)) - after
    assert {e.seq for e in earlier} <= seqs(until=middle.isoformat())
    exact = later[0].occurred_at.isoformat().replace("+00:00", "Z")
    assert seqs(since=exact) == after
    assert seqs(since=earlier[0].occurred_at.isoformat(), until=exact) == {e.seq for e in earlier}
    assert seqs(since="2999-01-01") == set()


def test_any_offset_python_reads_is_a_window_and_the_ends_of_time_are_refused_by_name(carla) -> None:
    """PostgreSQL refuses UTC offsets beyond ±15:59, which ISO 8601 (and Python) allow up to ±23:59:
    the moments are compared in UTC (found by the schema fuzz as a 500 on PostgreSQL)."""
    append(3)
    client = session(carla)
    everything = set(AuditEvent.objects.values_list("seq", flat=True))
    assert {e["seq"] for e in client.get("/api/v1/history/", {"since": "2000-01-01T03:53:45-18:58"})
            .json()["results"]} == everything
    crm = client.get(f"/api/v1/timeline/Contact/{to_18('0035g00000ABCDe')}/", {"until": "2999-01-01T00:00:00+22:00"})
    assert crm.status_code == 200
    for name, value in (("until", "0001-01-01T00:00:00+22:00"), ("since", "9999-12-31T23:59:59-22:00")):
        refused = client.get("/api/v1/history/", {name: value})
        assert refused.status_code == 400
        assert refused.json()["fields"][name] == ["a date-time between the years 1 and 9999 (in UTC)"]


def test_filtering_by_proposal(carla, api) -> None:
    from .conftest import submit

    proposal = submit(api)
    submit(api, subject="Another idea")
    events = session(carla).get("/api/v1/history/", {"record": proposal.pk}).json()["results"]
    assert [e["action"] for e in events] == ["submitted"]
    assert events[0]["record"] == proposal.pk and events[0]["actor"] == "sdr-bot"


@pytest.mark.parametrize("params, field", [
    ({"since": "yesterday"}, "since"), ({"record": "abc"}, "record"), ({"actor_type": "robot"}, "actor_type"),
    ({"since": "2025-02-01", "until": "2025-01-01"}, "until"), ({"crm_id": "x" * 40}, "crm_id"),
    ({"format": "xml"}, "format"),
])
def test_bad_filters_are_400_naming_the_field(carla, params, field) -> None:
    response = session(carla).get("/api/v1/history/", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert field in body.get("fields", body)


def test_only_compliance_and_admin_read_history(agent, rita, carla) -> None:
    append(2)
    agent_client = APIClient()
    agent_client.credentials(HTTP_AUTHORIZATION=f"Token {agent[1]}")
    assert agent_client.get("/api/v1/history/").status_code == 403
    assert agent_client.get("/api/v1/history/?format=csv").status_code == 403
    assert session(rita).get("/api/v1/history/").status_code == 403
    assert APIClient().get("/api/v1/history/").status_code in (401, 403)
    assert session(carla).get("/api/v1/history/").status_code == 200
    assert session(reviewer("ann", role="admin")).get("/api/v1/history/").status_code == 200
    assert session(UserFactory(username="root", is_superuser=True)).get("/api/v1/history/").status_code == 200


def test_export_needs_the_export_permission(db) -> None:
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_history"))
    append(2)
    client = session(viewer)
    assert client.get("/api/v1/history/").status_code == 200
    refused = client.get("/api/v1/history/?format=csv")
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/json")
    assert client.get("/api/v1/reports/monthly/").status_code == 403


def test_csv_export_streams_every_matching_event(carla) -> None:
    append(3000, note="=HYPERLINK(\"http://evil.example\")")
    audit_record(action="login", actor=Actor("user", "-rita"))
    response = session(carla).get("/api/v1/history/", {"format": "csv", "crm_object": "Contact"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    head = AuditChainHead.objects.get(pk=1)
    assert response["X-Audit-Chain-Head"] == f"{head.last_seq} {head.last_hash}"
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    stored = list(AuditEvent.objects.filter(crm_object="Contact").order_by("seq"))
    assert len(rows) == len(stored) == 3000
    assert [int(row["seq"]) for row in rows] == [e.seq for e in stored]  # oldest first
    assert rows[7]["hash"] == stored[7].hash and rows[7]["actor"] == stored[7].actor
    assert json.loads(rows[7]["data"]) == stored[7].data  # data is JSON text, formulas inside it inert
    logins = list(csv.DictReader(io.StringIO(streamed(session(carla).get("/api/v1/history/?format=csv&action=login")))))
    assert "'-rita" in [row["actor"] for row in logins]  # a cell that would start a formula is quoted


def test_jsonl_export_keeps_every_value_verbatim_and_rehashes(carla) -> None:
    from reviews.services.history import event_from_dict

    append(50)
    response = session(carla).get("/api/v1/history/", {"format": "jsonl"})
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in streamed(response).splitlines()]
    assert len(lines) == AuditEvent.objects.count()
    # An exported event still hashes to its hash: a recipient can check the export against the chain.
    assert all(event_from_dict(line).compute_hash() == line["hash"] for line in lines)
    assert all(line["prev_hash"] == before["hash"] for before, line in zip(lines, lines[1:], strict=False))


def test_export_through_the_accept_header(carla) -> None:
    append(3)
    response = session(carla).get("/api/v1/history/", HTTP_ACCEPT="text/csv")
    assert isinstance(response, StreamingHttpResponse)


def test_timeline_of_one_crm_record_in_order(carla, api, rita) -> None:
    from reviews.services.checking import proposal_run_checks
    from reviews.services.decisions import proposal_decide

    from .conftest import CONTACT_ID, person, submit

    first = submit(api)
    second = submit(api, "crm-changes")
    other = submit(api, crm_id="0035g00000ZZZZZ")
    for proposal in (first, second, other):
        proposal_run_checks(proposal_id=proposal.pk)
    proposal_decide(proposal_id=first.pk, actor=person(rita), action="reject", reason_code="tone", note="too pushy")
    proposal_decide(proposal_id=second.pk, actor=person(rita), action="approve")
    client = session(carla)
    events = pages(client, f"/api/v1/timeline/Contact/{CONTACT_ID}/?page_size=2")
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)  # oldest first
    assert {e["record"] for e in events} == {first.pk, second.pk}
    steps = [(e["record"], e["action"]) for e in events if e["action"] != "claimed"]
    assert steps.index((first.pk, "submitted")) < steps.index((first.pk, "checks_run")) < steps.index(
        (first.pk, "rejected"))
    assert (second.pk, "approved") in steps
    assert all(e["crm_object"] == "Contact" and e["crm_id"] == CONTACT_ID for e in events)
    short = pages(client, f"/api/v1/timeline/Contact/{CONTACT_ID[:15]}/")
    assert [e["seq"] for e in short] == [e["seq"] for e in events]
    csv_rows = list(csv.DictReader(io.StringIO(streamed(client.get(f"/api/v1/timeline/Contact/{CONTACT_ID}/?format=csv")))))
    assert [int(row["seq"]) for row in csv_rows] == [e["seq"] for e in events]
    assert client.get(f"/api/v1/timeline/Contact/{CONTACT_ID}/?action=rejected").json()["results"][0][
        "data"]["note"] == "too pushy"
