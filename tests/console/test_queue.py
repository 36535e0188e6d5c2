"""The queues: what they list, in which order, their filters, and a query budget that does not grow
with the page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.admin.queue import QUEUE_ORDER, QueuePaginator, keyset_beyond
from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_claim, proposal_decide
from reviews.state_machine import Status
from tests.factories import agent_with_token, policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db
QUEUE = "/admin/hitlcrm_reviews/emaildraft/"


def listed(client: Any, url: str = QUEUE) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return [item.pk for item in response.context["cl"].result_list]


def test_the_queue_shows_waiting_items_most_urgent_first(api, rita) -> None:
    policy("cold_email", mode="always_review", stakes=2, reversible=True)
    routine = queued(api, 2)  # risk 2
    policy("cold_email", mode="always_review", stakes=3, reversible=False)
    urgent = queued(api, 1)  # risk 4
    Proposal.objects.filter(pk=routine[1].pk).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    decided = queued(api, 1)[0]
    proposal_decide(proposal_id=decided.pk, actor=Actor.for_user(rita), action="reject", reason_code="tone")

    assert listed(logged_in(rita)) == [urgent[0].pk, routine[1].pk, routine[0].pk]


def test_each_kind_has_its_own_queue_and_all_kinds_meet_in_the_proposals_queue(api, rita) -> None:
    email, change = queued(api, 1)[0], queued(api, 1, "crm")[0]
    client = logged_in(rita)
    assert listed(client) == [email.pk]
    assert listed(client, "/admin/hitlcrm_reviews/crmchange/") == [change.pk]
    assert sorted(listed(client, "/admin/hitlcrm_reviews/proposal/")) == [email.pk, change.pk]


def test_filters_narrow_the_queue(api, rita, sam) -> None:
    policy("cold_email", mode="always_review", stakes=1, reversible=True)
    low = queued(api, 1)[0]  # risk 1
    policy("cold_email", mode="always_review", stakes=3, reversible=False)
    placeholder = queued(api, 1, body="Hi {{first_name}}, Contoso is growing.")[0]  # blocked: a hard check failed
    other_task = queued(api, 1, task_type="follow_up")[0]
    other_agent_client, raw = agent_with_token("enrich-bot")
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    by_other_agent = queued(api, 1)[0]
    Proposal.objects.filter(pk=low.pk).update(submitted_at=timezone.now() - timedelta(days=2),
                                              sla_due_at=timezone.now() - timedelta(days=1))
    client = logged_in(rita)

    assert placeholder.pk not in listed(client)  # blocked: not waiting for a person
    assert listed(client, QUEUE + "?status=blocked") == [placeholder.pk]
    assert placeholder.pk in listed(client, QUEUE + "?status=all")
    assert listed(client, QUEUE + "?task_type=follow_up") == [other_task.pk]
    assert listed(client, QUEUE + "?risk=1") == [low.pk]
    assert listed(client, QUEUE + "?status=all&failed_check=placeholders") == [placeholder.pk]
    assert listed(client, QUEUE + f"?agent={other_agent_client.pk}") == [by_other_agent.pk]
    assert listed(client, QUEUE + "?age=old") == [low.pk]
    assert listed(client, QUEUE + "?age=overdue") == [low.pk]
    assert low.pk not in listed(client, QUEUE + "?age=1h")
    assert listed(client, QUEUE + "?failed_check=none") == []  # without a CRM, do_not_contact cannot pass
    policy("cold_email", mode="always_review", checks=["placeholders", "tone"])
    clean = queued(api, 1)[0]
    assert listed(client, QUEUE + "?failed_check=none") == [clean.pk]


def test_my_queue_holds_my_claims_and_the_second_approvals_i_may_give(api, rita, sam) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    mine, theirs = queued(api, 2)
    four_eyes = queued(api, 1, "crm")[0]
    proposal_claim(proposal_id=mine.pk, actor=Actor.for_user(rita))
    proposal_claim(proposal_id=theirs.pk, actor=Actor.for_user(sam))
    proposal_decide(proposal_id=four_eyes.pk, actor=Actor.for_user(rita), action="approve")

    assert listed(logged_in(rita), "/admin/hitlcrm_reviews/proposal/?queue=mine") == [mine.pk]
    assert listed(logged_in(sam), "/admin/hitlcrm_reviews/proposal/?queue=mine") == sorted([theirs.pk, four_eyes.pk])


def test_the_queue_row_shows_failing_checks_approvals_and_who_holds_it(api, rita, sam) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    email = queued(api, 1)[0]
    change = queued(api, 1, "crm")[0]
    proposal_claim(proposal_id=email.pk, actor=Actor.for_user(sam))
    proposal_decide(proposal_id=change.pk, actor=Actor.for_user(rita), action="approve")
    client = logged_in(rita)

    page = client.get(QUEUE).content.decode()
    assert "do_not_contact" in page and "Idea for Contoso" in page
    assert '<td class="field-holder">sam</td>' in page
    page = client.get("/admin/hitlcrm_reviews/crmchange/").content.decode()
    assert "1 of 2" in page and "Title, Department" in page


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("queue_url", [QUEUE, "/admin/hitlcrm_reviews/crmchange/",
                                       "/admin/hitlcrm_reviews/proposal/?status=all"])
def test_the_queue_costs_the_same_queries_for_3_or_25_rows(api, rita, queue_url, django_assert_max_num_queries) -> None:
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    queued(api, 3)
    queued(api, 3, "crm")
    client = logged_in(rita)
    client.get(queue_url)  # warm the session and the permission cache alike for both measurements
    small = queries(client, queue_url)
    queued(api, 22)
    queued(api, 22, "crm")
    with django_assert_max_num_queries(small):
        response = client.get(queue_url)
    assert len(response.context["cl"].result_list) >= 25
    assert queries(client, queue_url) == small


@pytest.mark.parametrize("who", ["ruth", "sam"])
def test_my_queue_costs_the_same_queries_for_3_or_25_rows(api, rita, ruth, sam, who,
                                                          django_assert_max_num_queries) -> None:
    """Mine: items I hold, and (for a senior reviewer) four-eyes items waiting for my second approval."""
    me = {"ruth": ruth, "sam": sam}[who]
    policy("contact_update", mode="always_review", four_eyes_fields=["Title"])
    url = "/admin/hitlcrm_reviews/proposal/?queue=mine"

    def add(emails: int, changes: int) -> None:
        for item in queued(api, emails):
            proposal_claim(proposal_id=item.pk, actor=Actor.for_user(me))
        for item in queued(api, changes, "crm"):
            proposal_decide(proposal_id=item.pk, actor=Actor.for_user(rita), action="approve")  # 1 of 2
            if me == ruth:  # a senior reviewer finds these in his queue without holding them
                proposal_claim(proposal_id=item.pk, actor=Actor.for_user(me))

    add(3, 3)
    client = logged_in(me)
    client.get(url)  # warm the session and the permission cache alike for both measurements
    small = queries(client, url)
    add(22, 22)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 50  # both kinds, a full page
    assert queries(client, url) == small


def test_counts_are_capped_and_estimated_past_the_cap(api, rita) -> None:
    items = queued(api, 5)
    paginator = QueuePaginator(Proposal.objects.filter(pk__in=[item.pk for item in items]).order_by("pk"), 2)
    paginator.cap = 3
    # Past the cap it stops counting: the planner's estimate on PostgreSQL, the capped count elsewhere,
    # and never less than what it counted.
    assert paginator.count >= 4 and paginator.estimated
    exact = QueuePaginator(Proposal.objects.order_by("pk"), 2)
    assert exact.count == 5 and not exact.estimated


def test_neighbours_follow_the_queue_order_with_and_without_an_sla(api) -> None:
    items = queued(api, 4)
    Proposal.objects.filter(pk__in=[items[1].pk, items[3].pk]).update(sla_due_at=None)
    ordered = list(Proposal.objects.filter(status=Status.NEEDS_REVIEW).order_by(*QUEUE_ORDER).values_list("pk", flat=True))
    for index, pk in enumerate(ordered):
        item = Proposal.objects.get(pk=pk)
        after = set(Proposal.objects.filter(keyset_beyond(item, forward=True)).values_list("pk", flat=True))
        before = set(Proposal.objects.filter(keyset_beyond(item, forward=False)).values_list("pk", flat=True))
        assert after == set(ordered[index + 1:]) and before == set(ordered[:index])


def test_later_pages_continue_the_queue_order(api, rita, monkeypatch) -> None:
    from reviews.admin.console import ProposalAdmin

    monkeypatch.setattr(ProposalAdmin, "list_per_page", 4)
    items = queued(api, 10)
    client = logged_in(rita)
    pages = [listed(client, QUEUE + f"?p={number}") for number in (1, 2, 3)]
    assert pages == [[item.pk for item in items[start:start + 4]] for start in (0, 4, 8)]
    assert client.get(QUEUE).context["cl"].result_count == 10
