"""The queue's search finds a record by anything a reviewer remembers of it: a name, a company, a word
of the subject or body, an address, a field value, an id or a reference; the API's ``q`` is the same
search; and the record stays findable by its new content after a rescue."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from reviews.models import Proposal
from reviews.search import normalise, proposals_search, search_terms
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_rescue
from reviews.state_machine import Status
from tests.factories import policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db


def listed(client: Any, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return sorted(item.pk for item in response.context["cl"].result_list)


@pytest.fixture
def drafts(api: Any) -> dict[str, Proposal]:
    policy("cold_email", mode="always_review")
    policy("contact_update", mode="always_review")
    hamilton = queued(api, 1, to=["margaret.hamilton@fourthcoffee.example"], company_name="Fourth Coffee",
                      subject="Question about Fourth Coffee's RevOps",
                      body="Hi Margaret,\n\nFourth Coffee moved to Salesforce last quarter.\n\nWould a teardown help?\n\n"
                           "Sam", external_ref="corpus-20261121-16")[0]
    other = queued(api, 1, to=["ada@contoso.example"], subject="Idea for Contoso", external_ref="ref-contoso")[0]
    change = queued(api, 1, "crm", crm_id="003Em000000000yIAA",
                    fields={"FirstName": "Margaret", "LastName": "Hamilton", "Title": "Demand Generation Lead"},
                    field_confidence={}, external_ref="corpus-20261121-1")[0]
    return {"hamilton": hamilton, "other": other, "change": change}


def test_the_queue_finds_a_draft_by_name_company_subject_word_and_address(rita, drafts) -> None:
    client = logged_in(rita)
    hamilton, other = drafts["hamilton"].pk, drafts["other"].pk
    queue = "/admin/hitlcrm_reviews/emaildraft/?q="
    assert listed(client, queue + "Hamilton") == [hamilton]  # the recipient's address
    assert listed(client, queue + "Fourth+Coffee") == [hamilton]  # the company, two words
    assert listed(client, queue + "revops") == [hamilton]  # a subject word, any case
    assert listed(client, queue + "teardown") == [hamilton]  # a body word
    assert listed(client, queue + "ada%40contoso.example") == [other]  # an address
    assert listed(client, queue + "corpus-20261121-16") == [hamilton]  # the agent's reference
    assert listed(client, queue + f"{other}") == [other]  # the id
    assert listed(client, queue + "margaret+northwind") == []  # every word must match
    assert listed(client, queue + "%22coffee+moved%22") == [hamilton]  # a quoted phrase


def test_the_queue_finds_a_crm_change_by_the_values_it_writes_and_the_record_id(rita, drafts) -> None:
    client = logged_in(rita)
    change = drafts["change"].pk
    assert listed(client, "/admin/hitlcrm_reviews/crmchange/?q=hamilton") == [change]
    assert listed(client, "/admin/hitlcrm_reviews/crmchange/?q=demand+generation") == [change]
    assert listed(client, "/admin/hitlcrm_reviews/crmchange/?q=003Em000000000yIAA") == [change]
    assert listed(client, "/admin/hitlcrm_reviews/crmchange/?q=003Em000000000yI") == [change]  # the 15-character id
    # Every kind meets in the all-proposals queue, and the search spans them.
    assert listed(client, "/admin/hitlcrm_reviews/proposal/?q=margaret") == sorted([drafts["hamilton"].pk, change])


def test_short_terms_are_left_out_and_say_so(rita, drafts) -> None:
    response = logged_in(rita).get("/admin/hitlcrm_reviews/emaildraft/?q=hamilton+of")
    assert [item.pk for item in response.context["cl"].result_list] == [drafts["hamilton"].pk]
    assert "Left out of the search (under 3 characters, not an id): of." in response.content.decode()


def test_next_item_stays_inside_the_search(rita, drafts, api) -> None:
    more = queued(api, 1, to=["grace.hamilton@fourthcoffee.example"], subject="Hamilton again")[0]
    client = logged_in(rita)
    first = drafts["hamilton"].pk
    response = client.get(f"/admin/hitlcrm_reviews/emaildraft/{first}/step/?to=next&_changelist_filters=q%3Dhamilton",
                          follow=True)
    assert response.context["proposal"].pk == more.pk  # not the Contoso draft queued between them
    response = client.get(f"/admin/hitlcrm_reviews/emaildraft/{more.pk}/step/?to=next&_changelist_filters=q%3Dhamilton",
                          follow=True)
    assert response.context["proposal"].pk == more.pk  # no further Hamilton: it stays put


def test_the_api_lists_with_the_same_search(api, drafts) -> None:
    response = api.get("/api/v1/email-drafts/", {"q": "fourth coffee"})
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [drafts["hamilton"].pk]
    response = api.get("/api/v1/crm-changes/", {"q": "Hamilton"})
    assert [item["id"] for item in response.json()["results"]] == [drafts["change"].pk]


def test_a_rescued_draft_is_found_by_its_new_text(api, sam) -> None:
    policy("cold_email", mode="always_review")
    blocked = queued(api, 1, body="Hi {{first_name}}, Contoso is growing.\n\nSam")[0]
    assert blocked.status == Status.BLOCKED
    proposal_rescue(proposal_id=blocked.pk, actor=Actor.for_user(sam),
                    edits={"body": "Hi Ada, Contoso is growing like a beanstalk.\n\nSam"})
    assert list(proposals_search(Proposal.objects.all(), "beanstalk").values_list("pk", flat=True)) == [blocked.pk]


def test_terms_and_stored_text_are_normalised_alike() -> None:
    assert search_terms('  Fourth   COFFEE "Müller GmbH" coffee ') == ["fourth", "coffee", "müller gmbh"]
    assert normalise("Stra\u00dfe\n\tＡＢＣ") == "strasse abc"  # case-folded, NFKC, whitespace collapsed


@pytest.mark.postgres_only  # the trigram index exists on PostgreSQL only
def test_postgresql_answers_a_search_from_the_trigram_index(drafts) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a handful of rows: make the planner show it can use it
        plan = proposals_search(Proposal.objects.all(), "hamilton").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "proposal_search_trgm" in plan


def test_a_search_over_every_status_lists_its_matches_most_urgent_first_and_counts_them(rita, api) -> None:
    """A word many records hold, over every status: the page lists the matches in the queue's order
    (risk, SLA, age) whatever their status, and the count is every match."""
    from reviews.admin.queue import QUEUE_ORDER

    policy("cold_email", mode="always_review")
    drafts = queued(api, 6, body="Hi Ada,\n\nOur pipeline review found three leaks.\n\nSam")
    queued(api, 2, body="Hi Ada,\n\nNothing to see.\n\nSam")
    for number, draft in enumerate(drafts):  # risks and statuses mixed: the index order is not the insertion order
        Proposal.objects.filter(pk=draft.pk).update(risk=1 + number % 4,
                                                    status=Status.REJECTED if number % 2 else Status.NEEDS_REVIEW)
    expected = list(Proposal.objects.filter(pk__in=[d.pk for d in drafts]).order_by(*QUEUE_ORDER)
                    .values_list("pk", flat=True))
    response = logged_in(rita).get("/admin/hitlcrm_reviews/emaildraft/?status=all&q=pipeline")
    changelist = response.context["cl"]
    assert [item.pk for item in changelist.result_list] == expected
    assert changelist.result_count == 6 and not changelist.paginator.estimated


@pytest.mark.postgres_only  # the urgency index is what spares the sort at a million rows
def test_postgresql_pages_an_every_status_queue_through_the_urgency_index(drafts) -> None:
    from reviews.admin.queue import QUEUE_ORDER

    queryset = proposals_search(Proposal.objects.filter(kind="email_draft"), "hamilton").order_by(*QUEUE_ORDER)
    with connection.cursor() as cursor:  # a handful of rows: make the planner show it can walk the index in order
        cursor.execute("SET enable_sort = off")
        cursor.execute("SET enable_bitmapscan = off")
        plan = queryset.values_list("pk", flat=True)[:50].explain()
        cursor.execute("RESET enable_sort")
        cursor.execute("RESET enable_bitmapscan")
    assert "proposal_urgency" in plan and "Sort" not in plan


def test_a_term_tested_on_few_records_finds_what_the_trigram_lookup_finds(drafts, api) -> None:
    """A queue of few records tests each term on them (strpos) rather than through the trigram index
    (LIKE): the same records, wildcards of LIKE taken literally by both."""
    from reviews.search import _contains

    queued(api, 1, subject="50%_off for Fourth Coffee", external_ref="ref-percent")
    queued(api, 1, subject="50 off", external_ref="ref-plain")
    every = Proposal.objects.all()
    for term in ("hamilton", "fourth coffee", "50%", "%_o", "0_", "corpus-20261121-1", "003em000000000yi", "nowhere"):
        by_scan = set(every.filter(_contains(term, scan=True)).values_list("pk", flat=True))
        assert by_scan == set(every.filter(_contains(term, scan=False)).values_list("pk", flat=True)), term
    assert len(every.filter(_contains("50%", scan=True))) == 1


@pytest.mark.postgres_only  # the planner's estimate decides; SQLite always reads the rows the filters leave
def test_a_small_queue_is_searched_by_testing_its_records(drafts) -> None:
    waiting = Proposal.objects.filter(kind="email_draft", status__in=[Status.NEEDS_REVIEW])
    assert "strpos" in str(proposals_search(waiting, "hamilton").query).lower()
    assert "LIKE" in str(proposals_search(Proposal.objects.all(), "hamilton").query)  # no filter: the index
