"""Script and HTML in every field an agent writes never run in a staff member's browser, on every
page that shows them. tests/console/browser/test_hostile.py covers the queue and review pages for
the text a reviewer reads; this covers the rest: recipients, sender, reference, task type, check
messages, and the pages beyond the review page (search results, dashboard, audit history and an
event's detail with the original output, a CRM record's timeline, the monthly report).

The records go in through the service, not the API, so the pages are tested even against content
the API's validation would have refused (an import, a future API version, a bug)."""

from __future__ import annotations

from typing import Any

import pytest

from reviews.models import AuditEvent
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.submission import proposal_submit
from tests.console.browser.conftest import browser, signed_in_page  # noqa: F401  (shared fixtures)
from tests.factories import agent_with_token, allow_crm_objects, policy, reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PWN = "window.__pwned"
CONTACT = "0035g00000ABCDeAAP"


# Elements of the page (not of a sandboxed frame's document) that came from the hostile markup.
PLANTED = """() => [...document.querySelectorAll('*')].filter(element =>
    (element.tagName === 'SCRIPT' && element.textContent.includes('__pwned'))
    || [...element.attributes].some(a => a.value.includes('__pwned')
        && (a.name.startsWith('on') || a.value.trim().toLowerCase().startsWith('javascript:')))
).map(element => element.outerHTML.slice(0, 120))"""


def hostile(where: str) -> str:
    """Markup that runs script if rendered as HTML (a tag, an attribute break-out, a handler)."""
    return (f"<script>{PWN}='{where}'</script>\"'><img src=x onerror=\"{PWN}='{where}'\">"
            f"<svg onload=\"{PWN}='{where}'\"></svg><a href=\"javascript:{PWN}='{where}'\">x</a>")


def submit(client: Any, kind: str, data: dict[str, Any]) -> int:
    proposal, _ = proposal_submit(client=client, kind=kind, data=data, payload=data, actor=Actor.for_client(client))
    proposal_run_checks(proposal_id=proposal.pk)
    return proposal.pk


@pytest.fixture
def records(db: Any) -> dict[str, int]:
    allow_crm_objects()
    policy("*", mode="always_review")
    client, _ = agent_with_token("sdr-bot")
    common = {"crm_object": "Contact", "crm_id": CONTACT, "confidence": 0.9,
              "evidence": [{"source": hostile("source"), "url": f"javascript:{PWN}='url'", "quote": hostile("quote")}],
              "assumptions": [hostile("assumption")]}
    email = {**common, "to": [f"ada@contoso.example{hostile('to')}"], "from_email": f"sam{hostile('from')}@x.example",
             "subject": hostile("subject"), "body": hostile("body"), "body_html": hostile("html"),
             "company_name": hostile("company"), "external_ref": hostile("ref"),
             "task_type": f"<img src=x onerror=\"{PWN}='task'\">"}  # its column holds 100 characters
    change = {**common, "kind": "update", "fields": {"Title": hostile("field"), "Description": hostile("value")},
              "field_confidence": {"Title": 0.5}, "external_ref": hostile("ref2"), "task_type": "contact_update"}
    return {"email": submit(client, "email_draft", email), "change": submit(client, "crm_change", change)}


def test_no_page_runs_what_an_agent_wrote(browser, live_server, records) -> None:  # noqa: F811
    admin = reviewer("ada", role="admin")  # every page: queues, review, history, reports
    page = signed_in_page(browser, live_server, admin)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    event = AuditEvent.objects.filter(proposal_id_ref=records["email"], action="submitted").get()
    base = f"{live_server.url}/admin/hitlcrm_reviews"
    pages = [
        f"{base}/emaildraft/?status=all", f"{base}/crmchange/?status=all",
        f"{base}/proposal/?status=all&q={records['email']}",
        f"{base}/emaildraft/{records['email']}/review/", f"{base}/crmchange/{records['change']}/review/",
        f"{base}/proposal/dashboard/", f"{base}/auditevent/", f"{base}/auditevent/?record={records['email']}",
        f"{base}/auditevent/{event.pk}/change/", f"{base}/auditevent/timeline/Contact/{CONTACT}/",
        f"{base}/auditevent/report/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status < 400, f"{url}: {response.status}"
        page.mouse.move(300, 300)
        page.mouse.move(100, 120)
        assert page.evaluate(f"typeof {PWN}") == "undefined", url
        # Not merely blocked by the Content-Security-Policy: never made into markup in the first place.
        assert page.evaluate(PLANTED) == [], url

    # Shown as text where a person needs to read it: the review page and the event's original output.
    page.goto(f"{base}/emaildraft/{records['email']}/review/")
    assert hostile("to") in page.locator("body").inner_text()
    page.goto(f"{base}/auditevent/{event.pk}/change/")
    assert hostile("subject").replace('"', '\\"') in page.locator("body").inner_text()
    assert dialogs == []
