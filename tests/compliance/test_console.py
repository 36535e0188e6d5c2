"""The console for compliance: the history with the API's filters and an export button, a
per-CRM-record timeline and the monthly report; read-only for everyone, superusers included."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import AuditEvent, Policy, Proposal
from reviews.services.checking import proposal_run_checks
from reviews.services.decisions import proposal_decide
from reviews.state_machine import Status
from tests.factories import UserFactory, policy

from .conftest import CONTACT_ID, append, person, submit

pytestmark = pytest.mark.django_db


def console(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def changelist(**params: str) -> str:
    from urllib.parse import urlencode

    return reverse("admin:hitlcrm_reviews_auditevent_changelist") + ("?" + urlencode(params) if params else "")


def test_compliance_filters_the_history_and_finds_the_export_button(carla) -> None:
    append(12)
    page = console(carla).get(changelist(action="approved", crm_object="Contact"))
    assert page.status_code == 200
    shown = list(page.context["cl"].result_list)
    assert {event.action for event in shown} == {"approved"} and len(shown) == 4
    html = page.content.decode()
    assert 'id="history-filter"' in html and 'id="export-csv"' in html and 'id="monthly-report"' in html
    export_url = reverse("admin:hitlcrm_reviews_auditevent_export") + "?crm_object=Contact&action=approved&format=csv"
    assert export_url.replace("&", "&amp;") in html
    rows = list(csv.DictReader(io.StringIO(b"".join(console(carla).get(export_url).streaming_content).decode())))
    assert [int(row["seq"]) for row in rows] == sorted(event.seq for event in shown)


def test_a_bad_filter_value_is_flagged_not_a_crash(carla) -> None:
    response = console(carla).get(changelist(since="next tuesday"))
    assert response.status_code == 302 and "e=1" in response["Location"]


@pytest.mark.parametrize("role", ["compliance", "admin", "superuser"])
def test_nobody_adds_changes_or_deletes_audit_events(role, carla) -> None:
    from tests.factories import reviewer

    user = carla if role == "compliance" else (
        reviewer("ann", role="admin") if role == "admin" else UserFactory(username="root", is_superuser=True))
    event = append(1)[0]
    browser = console(user)
    change_url = reverse("admin:hitlcrm_reviews_auditevent_change", args=[event.pk])
    page = browser.get(change_url)
    assert page.status_code == 200 and "Save" not in page.content.decode()  # a read-only view
    assert browser.post(change_url, {"actor": "mallory", "action": "approved"}).status_code == 403
    assert browser.get(reverse("admin:hitlcrm_reviews_auditevent_add")).status_code == 403
    delete_url = reverse("admin:hitlcrm_reviews_auditevent_delete", args=[event.pk])
    assert browser.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = browser.post(changelist(), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, actor=event.actor).exists()


def test_compliance_is_read_only_everywhere(api, carla) -> None:
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    browser = console(carla)
    review = browser.get(reverse("admin:hitlcrm_reviews_emaildraft_review", args=[proposal.pk]))
    assert review.status_code == 200
    assert browser.post(reverse("admin:hitlcrm_reviews_emaildraft_decide", args=[proposal.pk]),
                        {"action": "approve"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.NEEDS_REVIEW and proposal.claimed_by_id is None
    rule = policy("cold_email", mode="always_review")
    assert browser.post(reverse("admin:hitlcrm_reviews_policy_change", args=[rule.pk]),
                        {"mode": "log_only"}).status_code == 403
    assert Policy.objects.get(pk=rule.pk).mode == "always_review"
    assert browser.post("/api/v1/email-drafts/", {}, content_type="application/json").status_code == 403


def test_reviewers_do_not_see_the_history(rita) -> None:
    browser = console(rita)
    assert browser.get(changelist()).status_code == 403
    assert browser.get(reverse("admin:hitlcrm_reviews_auditevent_report")).status_code == 403
    assert browser.get(reverse("admin:hitlcrm_reviews_auditevent_timeline", args=["Contact", CONTACT_ID])).status_code == 403


def test_the_timeline_of_one_crm_record(api, rita, carla) -> None:
    first = submit(api)
    second = submit(api, "crm-changes")
    unrelated = submit(api, crm_id="0035g00000ZZZZZ")
    for proposal in (first, second, unrelated):
        proposal_run_checks(proposal_id=proposal.pk)
    proposal_decide(proposal_id=second.pk, actor=person(rita), action="reject", reason_code="wrong_target")
    page = console(carla).get(reverse("admin:hitlcrm_reviews_auditevent_timeline", args=["Contact", CONTACT_ID[:15]]))
    assert page.status_code == 200
    events = page.context["events"]
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert {e.proposal_id_ref for e in events} == {first.pk, second.pk}
    assert [p.pk for p, _url in page.context["proposals"]] == [first.pk, second.pk]
    html = page.content.decode()
    assert reverse("admin:hitlcrm_reviews_emaildraft_review", args=[first.pk]) in html
    assert reverse("admin:hitlcrm_reviews_crmchange_review", args=[second.pk]) in html
    assert "wrong_target" in html
    assert Proposal.objects.filter(pk=unrelated.pk).exists() and f"#{unrelated.pk}<" not in html


def test_the_monthly_report_page_and_its_csv(api, rita, carla) -> None:
    proposal = submit(api)
    proposal_run_checks(proposal_id=proposal.pk)
    proposal_decide(proposal_id=proposal.pk, actor=person(rita), action="reject", reason_code="tone")
    browser = console(carla)
    page = browser.get(reverse("admin:hitlcrm_reviews_auditevent_report"))
    html = page.content.decode()
    # Headers in words, the reasons in one column, rates as percentages; the CSV keeps machine names.
    assert page.status_code == 200 and "rejected_tone" not in html and "<th" in html
    assert '>Rejections by reason</th>' in html and ">tone 1</td>" in html and ">100.0%</td>" in html
    assert "“—” there: no decisions the month before" in html and html.count('class="num">—</td>') >= 1
    download = browser.get(reverse("admin:hitlcrm_reviews_auditevent_report") + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    mine = [row for row in rows if row["reviewer"] == "rita"]
    assert len(mine) == 1 and mine[0]["rejected_tone"] == "1" and mine[0]["error_rate"] == "1.0"
