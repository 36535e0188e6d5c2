"""The execution log on the review page: every push of a CRM change to Salesforce, newest first, with
what Salesforce answered, escaped, in a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.kinds.crm_change import EXECUTION_LOG_SHOWN
from reviews.models import Execution, ExecutionAttempt, Proposal
from reviews.models.mail import MailDelivery
from tests.factories import ExecutionAttemptFactory

from .conftest import PWN, logged_in, queued

pytestmark = pytest.mark.django_db


def review_url(proposal: Proposal) -> str:
    return f"/admin/hitlcrm_reviews/{'emaildraft' if proposal.is_email else 'crmchange'}/{proposal.pk}/review/"


def executed(proposal: Proposal, *attempts: dict[str, Any], **execution: Any) -> Execution:
    """An execution of ``proposal`` with one log row per ``attempts`` entry, a minute apart, in order."""
    record = Execution.objects.create(proposal=proposal, attempts=len(attempts), **execution)
    start = timezone.now() - timedelta(minutes=len(attempts))
    for number, values in enumerate(attempts, start=1):
        ExecutionAttemptFactory(execution=record, number=number, started_at=start + timedelta(minutes=number),
                                **values)
    return record


def log_table(page: str) -> str:
    start = page.index('<table id="execution-log"')
    return page[start:page.index("</table>", start)]


def test_a_retried_then_written_push_shows_both_attempts_newest_first(api, rita) -> None:
    change = queued(api, 1, "crm")[0]
    executed(
        change,
        {"outcome": ExecutionAttempt.Outcome.RETRY, "error_code": "UNABLE_TO_LOCK_ROW",
         "error_message": "unable to obtain exclusive access to this record", "http_requests": 2,
         "api_usage_used": 14210, "api_usage_max": 15000},
        {"outcome": ExecutionAttempt.Outcome.WRITTEN, "request_kind": "upsert", "http_requests": 3,
         "api_usage_used": 14213, "api_usage_max": 15000},
        state="succeeded",
    )
    response = logged_in(rita).get(review_url(change))
    assert response.status_code == 200
    assert [row.number for row in response.context["execution_log"]["attempts"]] == [2, 1]
    table = log_table(response.content.decode())
    rows = table.split('<tr class="outcome-')[1:]
    assert [row.split('"')[0] for row in rows] == ["written", "retry"]
    written, retry = rows
    assert "Written" in written and "<code>upsert</code>" in written and "14213 / 15000" in written
    assert ">3<" in written and "UNABLE_TO_LOCK_ROW" not in written
    assert "Not written; retried later (transient error)" in retry and "<code>update</code>" in retry
    assert "<code>UNABLE_TO_LOCK_ROW</code> unable to obtain exclusive access to this record" in retry
    assert "14210 / 15000" in retry and ">2<" in retry
    assert 'id="execution-log-earlier"' not in response.content.decode()


def test_only_the_latest_attempts_are_listed_with_the_count_of_the_rest(api, rita) -> None:
    change = queued(api, 1, "crm")[0]
    total = EXECUTION_LOG_SHOWN + 3
    executed(change, *({"outcome": ExecutionAttempt.Outcome.RETRY, "error_code": "SERVER_UNAVAILABLE"}
                       for _ in range(total)), state="pending")
    response = logged_in(rita).get(review_url(change))
    shown = response.context["execution_log"]["attempts"]
    assert [row.number for row in shown] == list(range(total, 3, -1))
    assert "3 earlier attempts not shown." in response.content.decode()


def test_an_item_without_attempts_shows_no_log(api, rita) -> None:
    pushed = queued(api, 1, "crm")[0]
    executed(pushed, {"outcome": ExecutionAttempt.Outcome.WRITTEN}, state="succeeded")
    waiting = queued(api, 1, "crm")[0]  # never executed
    external = queued(api, 1, "crm")[0]  # executed by an external integration: no push of ours
    executed(external, state="succeeded")
    email = queued(api, 1)[0]  # emails are sent, not pushed: they have no push log
    executed(email, state="succeeded")
    client = logged_in(rita)
    assert 'id="execution-log"' in client.get(review_url(pushed)).content.decode()
    for proposal in (waiting, external, email):
        response = client.get(review_url(proposal))
        assert response.status_code == 200
        assert response.context["execution_log"] is None
        assert 'id="execution-log"' not in response.content.decode()


def test_an_email_shows_its_delivery_record_instead(api, rita) -> None:
    email = queued(api, 1)[0]
    executed(email, state="succeeded")
    moment = timezone.now()
    MailDelivery.objects.create(proposal=email, message_id="<hitlcrm-proposal-1@x>", sending_attempt=2,
                                sending_started_at=moment, sent_at=moment, provider="postmark",
                                provider_message_id="pm-42", crm_activity_state="failed", crm_activity_attempts=3,
                                crm_activity_error=f"<script>{PWN}='activity'</script>")
    page = logged_in(rita).get(review_url(email)).content.decode()
    assert 'id="execution-log"' not in page
    line = page[page.index('id="mail-delivery"'):]
    line = line[:line.index("</p>")]
    assert "attempt 2 called the provider" in line and "via postmark" in line and "pm-42" in line
    assert "CRM activity: Logging failed (3 attempts)" in line
    assert f"&lt;script&gt;{PWN}=&#x27;activity&#x27;&lt;/script&gt;" in line and "<script>" not in line


def test_a_salesforce_error_message_is_shown_as_text(api, rita) -> None:
    change = queued(api, 1, "crm")[0]
    executed(change, {"outcome": ExecutionAttempt.Outcome.FAILED, "error_code": f"<b>{PWN}</b>",
                      "error_message": f"Title: bad value '<script>{PWN}='sf'</script>'"}, state="failed")
    page = logged_in(rita).get(review_url(change)).content.decode()
    table = log_table(page)
    assert f"&lt;script&gt;{PWN}=&#x27;sf&#x27;&lt;/script&gt;" in table
    assert f"&lt;b&gt;{PWN}&lt;/b&gt;" in table
    assert "<script>window" not in page and f"<b>{PWN}" not in page


def test_the_log_costs_one_query_however_long_it_is(api, rita) -> None:
    waiting, empty, short, long = queued(api, 4, "crm")
    executed(empty, state="succeeded")
    executed(short, {"outcome": ExecutionAttempt.Outcome.WRITTEN}, state="succeeded")
    executed(long, *({"outcome": ExecutionAttempt.Outcome.RETRY} for _ in range(EXECUTION_LOG_SHOWN + 10)),
             state="pending")
    client = logged_in(rita)
    counts = {}
    for proposal in (waiting, empty, short, long):
        client.get(review_url(proposal))  # the first view claims the item; measure the steady state
        with CaptureQueriesContext(connection) as queries:
            client.get(review_url(proposal))
        counts[proposal.pk] = len(queries)
    assert counts[empty.pk] == counts[short.pk] == counts[long.pk] == counts[waiting.pk] + 1
