"""Who a proposal is about: the CRM record's name, email, title, company and owner, and its link in
Salesforce, in the queue, on the review page and in the record's timeline; read for a whole queue
page at once (one SOQL query per object), cached, and the page still renders when the CRM is down.

Against the Salesforce emulator over HTTPS. The record's parents are read through relationships in
the same query (``Account.Name``, ``Owner.Name``), as SOQL documents:
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_and_polymorph_keys.htm
The link is Lightning's record page, ``/lightning/r/<Object>/<Id>/view`` on the org's instance:
https://developer.salesforce.com/docs/platform/lwc/guide/reference-page-reference-type.html
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.salesforce import client as client_module
from integrations.salesforce_emulator import EmulatorServer
from reviews.models import Proposal
from reviews.models.mail import MailDelivery
from tests.factories import policy, reviewer
from tests.integrations.salesforce.conftest import salesforce_settings

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
OWNER_ID = "005Em0000000009AAA"


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(port=0, cert_dir=tmp_path_factory.mktemp("sf-identity"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def salesforce(org: EmulatorServer) -> Iterator[EmulatorServer]:
    """The emulator, emptied, with the project's own (database) cache emptied too."""
    org.reset()
    org.set_owner(OWNER_ID, "Grace Owner", "grace.owner@example.com")
    client_module.reset_clients()
    cache.clear()
    with override_settings(**salesforce_settings(org)):
        yield org
    client_module.reset_clients()
    cache.clear()


def contacts(salesforce: EmulatorServer, n: int) -> list[str]:
    account = salesforce.create("Account", {"Name": "Woodgrove Bank"})
    return salesforce.seed("Contact", [
        {"FirstName": "Hamilton", "LastName": f"Vance {i}", "Email": f"h{i}@woodgrove.example", "Title": "VP Sales",
         "AccountId": account, "OwnerId": OWNER_ID}
        for i in range(n)
    ])


def soql_sent(salesforce: EmulatorServer) -> list[str]:
    return [entry["query"]["q"][0] for entry in salesforce.request_log if entry["kind"] in ("query", "query_all")]


def lightning(salesforce: EmulatorServer, crm_object: str, crm_id: str) -> str:
    return f"https://{salesforce.instance}/lightning/r/{crm_object}/{crm_id}/view"


def test_the_queue_shows_each_records_name_title_company_owner_and_link(api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    ids = contacts(salesforce, 3)
    for record_id in ids:
        queued(api, 1, "crm", crm_id=record_id)

    page = logged_in(rita).get("/admin/hitlcrm_reviews/crmchange/").content.decode()

    for i, record_id in enumerate(ids):
        assert f"Update Contact Hamilton Vance {i}" in page  # the name, not "Update Contact 003…"
        assert f'href="{lightning(salesforce, "Contact", record_id)}"' in page
    assert "VP Sales · Woodgrove Bank · owner Grace Owner" in page
    assert 'id="crm-unavailable"' not in page


def test_a_queue_page_of_many_rows_reads_the_crm_once_per_object_and_then_from_the_cache(api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    policy("cold_email", mode="always_review")
    ids = contacts(salesforce, 30)
    for record_id in ids:
        queued(api, 1, "crm", crm_id=record_id)
    for record_id in ids[:10]:
        queued(api, 1, crm_id=record_id, to=[f"x{record_id}@woodgrove.example"])
    lead = salesforce.create("Lead", {"LastName": "Hopper", "Company": "Fourth Coffee", "Title": "CTO"})
    queued(api, 1, "crm", crm_object="Lead", crm_id=lead, fields={"Title": "CEO"}, field_confidence={"Title": 0.9})
    client = logged_in(rita)
    salesforce.request_log.clear()

    response = client.get("/admin/hitlcrm_reviews/proposal/?status=all")

    rows = response.context["cl"].result_list
    assert len(rows) == 41
    sent = soql_sent(salesforce)
    identity_reads = [soql for soql in sent if "Owner.Name" in soql]
    # One query per object for the whole page: Contact (40 rows, 30 records) and Lead.
    assert len(identity_reads) == 2, sent
    assert sorted(soql.split(" FROM ")[1].split(" ")[0] for soql in identity_reads) == ["Contact", "Lead"]
    page = response.content.decode()
    assert "Hamilton Vance 29" in page and "Fourth Coffee" in page

    salesforce.request_log.clear()
    assert client.get("/admin/hitlcrm_reviews/proposal/?status=all").status_code == 200
    assert [soql for soql in soql_sent(salesforce) if "Owner.Name" in soql] == []  # cached


def test_the_queue_costs_the_same_database_queries_and_crm_requests_for_3_or_25_rows(api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    ids = contacts(salesforce, 25)
    for record_id in ids[:3]:
        queued(api, 1, "crm", crm_id=record_id)
    client = logged_in(rita)
    client.get("/admin/hitlcrm_reviews/crmchange/")  # warm the session, the permission cache and the describe

    def measured() -> tuple[int, int]:
        cache.clear()  # a cold page: the identities (and the describe) are read again
        client_module.reset_clients()
        salesforce.request_log.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/hitlcrm_reviews/crmchange/").status_code == 200
        return len(queries), len(salesforce.request_log)

    small = measured()
    for record_id in ids[3:]:
        queued(api, 1, "crm", crm_id=record_id)
    assert measured() == small


def identity_reads(salesforce: EmulatorServer) -> list[str]:
    return [soql for soql in soql_sent(salesforce) if "Owner.Name" in soql]


def test_a_review_page_opened_from_the_queue_asks_the_crm_nothing_more(api, rita, salesforce) -> None:
    """The queue's batch read leaves one cache entry per record: the review page of an email draft
    then costs no Salesforce request at all, and a CRM change's page only its read of the values now."""
    policy("contact_update", mode="always_review")
    policy("cold_email", mode="always_review")
    ids = contacts(salesforce, 4)
    changes = [queued(api, 1, "crm", crm_id=record_id)[0] for record_id in ids[:3]]
    draft = queued(api, 1, crm_id=ids[3], to=["h3@woodgrove.example"])[0]
    client = logged_in(rita)
    client.get(reverse("admin:hitlcrm_reviews_emaildraft_review", args=[draft.pk]))  # warm the session
    cache.clear()
    salesforce.request_log.clear()

    assert client.get("/admin/hitlcrm_reviews/proposal/?status=all").status_code == 200
    assert len(identity_reads(salesforce)) == 1  # the page's batch: one query for its four Contacts
    queue_requests = len(salesforce.request_log)

    page = client.get(reverse("admin:hitlcrm_reviews_emaildraft_review", args=[draft.pk])).content.decode()
    assert len(salesforce.request_log) == queue_requests  # the queue's batch only
    assert "Hamilton Vance 3" in page[page.index('id="recipient-crm"'):]

    page = client.get(reverse("admin:hitlcrm_reviews_crmchange_review", args=[changes[1].pk])).content.decode()
    assert len(identity_reads(salesforce)) == 1
    assert "Hamilton Vance 1" in page[page.index('id="crm-identity"'):]


def test_a_review_page_opened_first_reads_its_own_record_and_the_queue_then_reads_only_the_others(
        api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    ids = contacts(salesforce, 3)
    changes = [queued(api, 1, "crm", crm_id=record_id)[0] for record_id in ids]
    client = logged_in(rita)
    cache.clear()
    salesforce.request_log.clear()

    client.get(reverse("admin:hitlcrm_reviews_crmchange_review", args=[changes[0].pk]))
    (own,) = identity_reads(salesforce)
    assert ids[0] in own and ids[1] not in own  # one SOQL query, for its own record

    salesforce.request_log.clear()
    page = client.get("/admin/hitlcrm_reviews/crmchange/").content.decode()
    (others,) = identity_reads(salesforce)
    assert ids[0] not in others and ids[1] in others and ids[2] in others
    assert all(f"Hamilton Vance {i}" in page for i in range(3))


def test_a_record_the_crm_does_not_hold_is_not_asked_for_again_within_the_cache_time(api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    change = queued(api, 1, "crm", crm_id="003Em000000000yIAA")[0]  # no such Contact in the org
    client = logged_in(rita)
    cache.clear()
    salesforce.request_log.clear()

    for _ in range(2):
        page = client.get("/admin/hitlcrm_reviews/crmchange/").content.decode()
        assert "Update Contact 003Em000000000yIAA" in page
    review = client.get(reverse("admin:hitlcrm_reviews_crmchange_review", args=[change.pk])).content.decode()

    assert "was not found in the CRM" in review
    assert len(identity_reads(salesforce)) == 1


def test_when_the_crm_is_unreachable_the_queue_shows_raw_ids_and_says_so(api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    ids = contacts(salesforce, 2)
    for record_id in ids:
        queued(api, 1, "crm", crm_id=record_id)
    salesforce.inject_fault("SERVER_UNAVAILABLE", 503, count=0, kinds=["query"])
    client = logged_in(rita)

    response = client.get("/admin/hitlcrm_reviews/crmchange/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="crm-unavailable"' in page and "CRM unavailable" in page
    for record_id in ids:
        assert f"Update Contact {record_id}" in page
    # The next page does not wait for the CRM again meanwhile.
    salesforce.request_log.clear()
    assert "CRM unavailable" in client.get("/admin/hitlcrm_reviews/crmchange/").content.decode()
    assert [soql for soql in soql_sent(salesforce) if "Owner.Name" in soql] == []

    review = client.get(reverse("admin:hitlcrm_reviews_crmchange_review", args=[Proposal.objects.first().pk]))
    assert review.status_code == 200
    assert 'id="crm-problem"' in review.content.decode() and "CRM unavailable" in review.content.decode()


def test_the_review_page_of_a_crm_change_shows_who_the_record_is(api, rita, salesforce) -> None:
    policy("contact_update", mode="always_review")
    record_id = contacts(salesforce, 1)[0]
    change = queued(api, 1, "crm", crm_id=record_id)[0]

    page = logged_in(rita).get(reverse("admin:hitlcrm_reviews_crmchange_review", args=[change.pk])).content.decode()

    card = page[page.index('id="crm-identity"'):]
    card = card[:card.index("</p>")]
    for part in ("Hamilton Vance 0", "VP Sales", "Woodgrove Bank", "h0@woodgrove.example", "owner Grace Owner",
                 lightning(salesforce, "Contact", record_id)):
        assert part in card


def test_an_email_drafts_page_shows_the_recipients_crm_summary_and_the_last_email_sent(api, rita, salesforce) -> None:
    policy("cold_email", mode="always_review")
    account = salesforce.create("Account", {"Name": "Woodgrove Bank"})
    record_id = salesforce.create("Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@woodgrove.example",
                                              "Title": "VP Sales", "AccountId": account, "HasOptedOutOfEmail": True})
    earlier, draft = queued(api, 2, crm_id=record_id, to=["ada@woodgrove.example"])
    sent_at = timezone.now() - timedelta(days=3)
    MailDelivery.objects.create(proposal=earlier, sent_at=sent_at, provider="smtp")
    client = logged_in(rita)

    page = client.get(reverse("admin:hitlcrm_reviews_emaildraft_review", args=[draft.pk])).content.decode()

    summary = page[page.index('id="recipient-crm"'):]
    summary = summary[:summary.index("</dd>")]
    assert "Ada Lovelace" in summary and "VP Sales" in summary and "Woodgrove Bank" in summary
    assert 'id="recipient-opt-out">opted out of email' in summary
    assert f"last email from hitlcrm {sent_at:%Y-%m-%d %H:%M} UTC" in summary and "Idea for Contoso" in summary
    # The earlier one was the first: nothing was sent before it.
    page = client.get(reverse("admin:hitlcrm_reviews_emaildraft_review", args=[earlier.pk])).content.decode()
    assert "no earlier email from hitlcrm" in page


def test_the_timeline_of_a_record_names_it(api, salesforce) -> None:
    policy("contact_update", mode="always_review")
    record_id = contacts(salesforce, 1)[0]
    queued(api, 1, "crm", crm_id=record_id)
    carla = reviewer("carla", role="compliance")

    page = logged_in(carla).get(reverse("admin:hitlcrm_reviews_auditevent_timeline", args=["Contact", record_id]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Hamilton Vance 0" in text and "Woodgrove Bank" in text
    assert lightning(salesforce, "Contact", record_id) in text


def test_the_audit_history_names_each_record_read_once_for_the_page(api, salesforce) -> None:
    policy("contact_update", mode="always_review")
    ids = contacts(salesforce, 4)
    for record_id in ids:
        queued(api, 1, "crm", crm_id=record_id)
    carla = reviewer("carla", role="compliance")
    salesforce.request_log.clear()

    page = logged_in(carla).get(reverse("admin:hitlcrm_reviews_auditevent_changelist")).content.decode()

    for i, record_id in enumerate(ids):
        assert f'title="timeline of Contact {record_id}">Hamilton Vance {i}</a>' in page
    assert len([soql for soql in soql_sent(salesforce) if "Owner.Name" in soql]) == 1


def test_without_a_crm_the_console_reads_nothing_and_shows_the_raw_id(api, rita) -> None:
    policy("contact_update", mode="always_review")
    change = queued(api, 1, "crm")[0]
    client = logged_in(rita)
    page = client.get("/admin/hitlcrm_reviews/crmchange/").content.decode()
    assert f"Update Contact {change.crm_id}" in page and 'id="crm-unavailable"' not in page
    review = client.get(reverse("admin:hitlcrm_reviews_crmchange_review", args=[change.pk])).content.decode()
    assert change.crm_id in review and 'id="crm-identity"' not in review

