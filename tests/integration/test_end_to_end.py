"""One complete path through real components (issue: foundation).

An agent POSTs a CRM change and an email draft over HTTP; a real Celery worker process runs the
checks; a reviewer approves each in the admin over HTTP; the worker writes the change to the local
Salesforce emulator through simple-salesforce over HTTPS and sends the email to a real SMTP server;
the API then shows `done`, the emulator holds the new value, the SMTP server got the message, and
each record's history shows every step with who did it.
"""

from __future__ import annotations

import re

import pytest
import requests

from reviews.models import AuditEvent, Proposal
from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer
from tests.support import form_submission, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def login(live_server, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{live_server.url}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{live_server.url}/admin/login/?next=/admin/",
        data={"username": username, "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}/admin/login/"},
    )
    assert response.ok and "Log out" in response.text, "reviewer could not log in"
    return session


def approve_in_admin(session: requests.Session, review_url: str) -> None:
    page = session.get(review_url)
    assert page.status_code == 200
    action, fields = form_submission(page.text, "decide-form")
    response = session.post(requests.compat.urljoin(review_url, action), data=[*fields, ("action", "approve")],
                            headers={"Referer": review_url})
    assert response.ok, response.text[:500]


def test_submit_check_approve_execute_end_to_end(live_server, salesforce, smtp_sink, worker_factory, broker,
                                                 settings) -> None:
    settings.HITLCRM_BASE_URL = live_server.url
    allow_crm_objects()
    policy("*", mode="always_review")
    reviewer("rita")
    _, token = agent_with_token("sdr-bot")
    contact_id = salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Title": "Engineer",
                                               "Email": "ada@contoso.example", "HasOptedOutOfEmail": False})
    worker_factory({**salesforce.env, "EMAIL_HOST": smtp_sink.host, "EMAIL_PORT": str(smtp_sink.port),
                    "HITLCRM_BASE_URL": live_server.url})
    smtp_sink.clear()

    agent = requests.Session()
    agent.headers["Authorization"] = f"Token {token}"
    change = agent.post(f"{live_server.url}/api/v1/crm-changes/", json={
        "kind": "update", "crm_object": "Contact", "crm_id": contact_id, "fields": {"Title": "CTO"},
        "field_confidence": {"Title": 0.9}, "task_type": "contact_update", "confidence": 0.9,
        "evidence": [{"source": "LinkedIn", "url": "https://linkedin.example/in/ada", "quote": "CTO at Contoso"}],
    })
    assert change.status_code == 201, change.text
    email = agent.post(f"{live_server.url}/api/v1/email-drafts/", json={
        "to": ["ada@contoso.example"], "subject": "Idea for Contoso", "crm_object": "Contact", "crm_id": contact_id,
        "body": "Hi Ada,\n\nContoso's new Berlin office caught my eye.\n\nBest,\nSam", "company_name": "Contoso",
        "confidence": 0.9, "evidence": [{"source": "press", "url": "https://contoso.example/b", "quote": "Berlin"}],
    })
    assert email.status_code == 201, email.text
    records = [change.json(), email.json()]
    assert all(record["status"] == "checking" for record in records)

    def status_of(record: dict) -> str:
        return agent.get(f"{live_server.url}/api/v1/{'crm-changes' if record['kind'] == 'crm_change' else 'email-drafts'}"
                         f"/{record['id']}/").json()["status"]

    for record in records:
        wait_for(lambda r=record: status_of(r) == "needs_review", timeout=60, what=f"checks of {record['id']}")
    detail = agent.get(f"{live_server.url}/api/v1/crm-changes/{records[0]['id']}/").json()
    assert detail["checks"], "the worker stored no check results"
    assert detail["fields"][0]["before"] == "Engineer", "the worker did not snapshot the CRM's current value"

    session = login(live_server, "rita")
    for record in records:
        approve_in_admin(session, record["review_url"])
    for record in records:
        wait_for(lambda r=record: status_of(r) == "done", timeout=60, what=f"execution of {record['id']}")

    assert salesforce.get("Contact", contact_id)["Title"] == "CTO"
    messages = wait_for(smtp_sink.received, timeout=10, what="the email at the SMTP server")
    assert len(messages) == 1
    assert messages[0]["rcpt"] == ["ada@contoso.example"]
    assert messages[0]["message"]["Subject"] == "Idea for Contoso"
    assert messages[0]["message"]["Message-ID"] == f"<hitlcrm-proposal-{records[1]['id']}@hitlcrm.example>"

    # The sent email is logged on the Contact as a Task right after the batch's sends.
    wait_for(lambda: AuditEvent.objects.filter(proposal_id_ref=records[1]["id"], action="crm_activity_logged").exists(),
             timeout=30, what="the sent email logged on the CRM record")
    for record in records:
        proposal = Proposal.objects.get(pk=record["id"])
        steps = list(AuditEvent.objects.filter(proposal_id_ref=proposal.pk).order_by("seq")
                     .values_list("action", "actor"))
        expected = ["submitted", "checks_run", "approved", "executing", "executed"]
        if proposal.is_email:
            expected.insert(4, "email_sending")  # the send's audit record: recipients, lawful basis, rules
            expected.append("crm_activity_logged")  # the sent email, logged as a Task on the Contact
        assert [action for action, _ in steps if action != "claimed"] == expected, steps
        assert dict(steps)["submitted"] == "sdr-bot"
        assert dict(steps)["approved"] == "rita"
        history = list(proposal.history.order_by("history_date", "history_id").values_list("status", flat=True))
        assert history == ["checking", "needs_review", "approved", "executing", "done"]
        assert proposal.history.filter(status="approved").get().history_user.username == "rita"
