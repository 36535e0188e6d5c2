"""Interactive work batches too: CRM changes submitted one request at a time share their check-time
"before" read, and changes approved one after another in the console share one push, with a real
worker. The windows are scaled down (seconds instead of tens of seconds); `make bench` measures the
production ones against the one-by-one baseline."""

from __future__ import annotations

import time

import pytest

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from tests.reviews.conftest import crm_payload
from tests.support import wait_for

from .conftest import statuses

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
CHANGES = 20


def test_single_submissions_and_approvals_one_after_another_share_reads_and_pushes(
        api, rita, salesforce, worker_factory, broker, settings) -> None:
    """Each approved change is checked against the CRM before it is written: a SOQL read, then an
    sObject Collections PATCH, each of which takes up to 200 records
    (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm)
    and counts as one API request against the org's allocation
    (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm).
    So 20 changes approved within the coalescing window cost at most 10 requests, reads included,
    not 40; and 20 single submissions' "before" reads a few, not 20."""
    windows = {"SALESFORCE_CHECK_COALESCE_SECONDS": "3", "HITLCRM_UNDO_GRACE_SECONDS": "1",
               "SALESFORCE_PUSH_COALESCE_SECONDS": "4"}
    for name, value in windows.items():  # the same settings in this process (the API, the console) ...
        setattr(settings, name, float(value))
    worker = worker_factory({**salesforce.env, **windows})  # ... and in the worker
    contacts = salesforce.seed("Contact", [{"LastName": f"Person {n}", "Title": "Engineer"} for n in range(CHANGES)])

    before = salesforce.calls("api")
    proposals = []
    for n, contact_id in enumerate(contacts):  # one request each, as an agent working record by record
        response = api.post("/api/v1/crm-changes/", crm_payload(crm_id=contact_id, fields={"Title": f"VP {n}"},
                                                                field_confidence={"Title": 0.9}), format="json")
        assert response.status_code == 201, response.content
        proposals.append(response.json()["id"])
    wait_for(lambda: "checking" not in statuses(proposals), timeout=60,
             what=lambda: f"the checks to run: {statuses(proposals)}; worker log:\n{worker.log_tail(60)}")
    check_calls = salesforce.calls("api") - before
    assert statuses(proposals) == {"needs_review": CHANGES}
    assert check_calls <= 4, f"{check_calls} API calls for {CHANGES} single submissions' checks"

    before = salesforce.calls("api")
    for proposal_id in proposals:  # a reviewer approving one after another
        proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
        time.sleep(0.25)
    wait_for(lambda: statuses(proposals) == {"done": CHANGES}, timeout=90,
             what=lambda: f"every change to be written: {statuses(proposals)}; worker log:\n{worker.log_tail(80)}")
    push_calls = salesforce.calls("api") - before
    assert push_calls <= 10, f"{push_calls} API calls for {CHANGES} approvals (conflict reads included)"
    assert [salesforce.get("Contact", contact)["Title"] for contact in contacts] == [
        f"VP {n}" for n in range(CHANGES)]
    assert Proposal.objects.filter(pk__in=proposals, execution__attempts=1).count() == CHANGES
