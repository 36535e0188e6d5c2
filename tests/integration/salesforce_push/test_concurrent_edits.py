"""An approved change is never written over a value someone entered in Salesforce after hitlcrm read the
record, when the object's CRM object rule asks for strict writes: the edit goes back to a person as a
conflict with the new value shown.

- Conditional requests (If-Unmodified-Since, 412):
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
- Composite subrequests (``httpHeaders``, up to 25):
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/requests_composite.htm
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reviews.models import CrmFieldChange, CrmObjectRule, Execution, Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.execution import proposals_execute
from reviews.state_machine import Status

from .conftest import seed

pytestmark = [pytest.mark.integration]


@pytest.mark.django_db
def test_a_strict_field_edited_between_the_read_and_the_write_comes_back_as_a_conflict(
        org, changes, always_review, rita) -> None:
    CrmObjectRule.objects.filter(crm_object="Contact").update(strict_writes="fields", strict_fields=["Title"])
    (contact,) = seed(org, "Contact", 1, Title="Engineer", LastModifiedDate="2020-01-01T00:00:00.000+0000")
    (proposal_id,) = changes.submit([("Contact", contact, {"Title": "CTO"})])
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")
    org.edit_before(["composite"], "Contact", contact, {"Title": "Head of Engineering"})

    proposals_execute(proposal_ids=[proposal_id])

    assert Proposal.objects.get(pk=proposal_id).status == Status.CONFLICT
    assert org.get("Contact", contact)["Title"] == "Head of Engineering"
    assert CrmFieldChange.objects.get(proposal_id=proposal_id, field="Title").conflict_value == "Head of Engineering"
    assert "412" in Execution.objects.get(proposal_id=proposal_id).last_error
    assert org.calls("collections_update") == 0


@pytest.mark.django_db
def test_fields_outside_the_strict_list_are_written_200_a_request(org, changes, always_review, rita) -> None:
    CrmObjectRule.objects.filter(crm_object="Contact").update(strict_writes="fields", strict_fields=["Title"])
    (contact,) = seed(org, "Contact", 1, Department="R&D")
    (proposal_id,) = changes.submit([("Contact", contact, {"Department": "Sales"})])
    proposal_decide(proposal_id=proposal_id, actor=Actor.for_user(rita), action="approve")

    proposals_execute(proposal_ids=[proposal_id])

    assert Proposal.objects.get(pk=proposal_id).status == Status.DONE
    assert (org.calls("collections_update"), org.calls("composite")) == (1, 0)


@pytest.mark.django_db
def test_strict_fields_must_be_allowed_fields() -> None:
    rule = CrmObjectRule(crm_object="Contact", allowed_fields=["Title"], strict_writes="fields",
                         strict_fields=["Titel"])
    with pytest.raises(ValidationError, match="Not among the allowed fields: Titel"):
        rule.full_clean()
    rule.strict_fields = []
    with pytest.raises(ValidationError, match="Name at least one field"):
        rule.full_clean()
