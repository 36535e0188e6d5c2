"""Roles are Django groups; each sees and does only what its role may."""

from __future__ import annotations

import pytest

from reviews.models import Decision

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db

# url -> status codes for reviewer, senior_reviewer, compliance, admin
PAGES = {
    "/admin/hitlcrm_reviews/emaildraft/": (200, 200, 200, 200),
    "/admin/hitlcrm_reviews/crmchange/": (200, 200, 200, 200),
    "/admin/hitlcrm_reviews/proposal/?queue=mine": (200, 200, 200, 200),
    "/admin/hitlcrm_reviews/proposal/dashboard/": (200, 200, 200, 200),
    "/admin/hitlcrm_reviews/policy/": (403, 200, 200, 200),
    "/admin/hitlcrm_reviews/policy/add/": (403, 200, 403, 200),
    "/admin/hitlcrm_reviews/crmobjectrule/": (403, 200, 403, 200),
    "/admin/hitlcrm_reviews/emaildraft/add/": (403, 403, 403, 403),
}


@pytest.mark.parametrize("url", PAGES)
def test_each_role_reaches_only_its_pages(rita, sam, carl, ada, url) -> None:
    got = tuple(logged_in(user).get(url).status_code for user in (rita, sam, carl, ada))
    assert got == PAGES[url]


def test_compliance_reads_an_item_but_cannot_decide_or_claim_it(api, carl) -> None:
    proposal = queued(api, 1)[0]
    client = logged_in(carl)
    page = client.get(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/review/").content.decode()
    assert "Idea for Contoso" in page and 'id="decide-form"' not in page and 'id="reject-form"' not in page
    proposal.refresh_from_db()
    assert proposal.claimed_by is None
    response = client.post(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/decide/", {"action": "approve"})
    assert response.status_code == 403 and not Decision.objects.exists()


def test_the_index_lists_what_the_role_may_see(rita, sam) -> None:
    reviewer_index = logged_in(rita).get("/admin/").content.decode()
    senior_index = logged_in(sam).get("/admin/").content.decode()
    assert "Email drafts" in reviewer_index and "Policies" not in reviewer_index
    assert "Policies" in senior_index


def test_people_outside_the_roles_see_nothing(db) -> None:
    from tests.factories import UserFactory

    outsider = UserFactory(username="olga")
    assert logged_in(outsider).get("/admin/hitlcrm_reviews/emaildraft/").status_code == 403
    assert logged_in(outsider).get("/admin/hitlcrm_reviews/proposal/dashboard/").status_code == 403
