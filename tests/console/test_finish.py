"""What the trial of the console saw, each fixed: the SLA with its date and zone, the real sender, a
finished CRM change's decisions in a column of their own, a kind's task-type filter listing only its
own task types, the policy list's columns, the policy's two thresholds explained."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from tests.factories import policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db


def review(client, proposal: Proposal) -> str:
    model = "emaildraft" if proposal.is_email else "crmchange"
    return client.get(f"/admin/hitlcrm_reviews/{model}/{proposal.pk}/review/").content.decode()


def test_the_sla_shows_its_date_and_time_zone(api, rita, settings) -> None:
    settings.TIME_ZONE = "Europe/Berlin"
    email = queued(api, 1)[0]
    due = timezone.now() + timedelta(days=2)
    Proposal.objects.filter(pk=email.pk).update(sla_due_at=due)
    local = timezone.localtime(due, timezone.get_current_timezone())
    page = review(logged_in(rita), email)
    assert f"SLA {local:%b} {local.day}, {local:%H:%M} {local.tzname()}" in page


def test_the_sender_is_the_address_it_goes_out_from(api, rita, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "outreach@contoso.example"
    email = queued(api, 1)[0]
    page = review(logged_in(rita), email)
    assert "(default sender)" not in page
    assert re.search(r'<dd id="sender">outreach@contoso.example <span class="muted">· the default sender', page)
    Proposal.objects.filter(pk=email.pk).update(from_email="sam@contoso.example")
    assert '<dd id="sender">sam@contoso.example</dd>' in review(logged_in(rita), email)


def test_a_finished_crm_change_shows_each_fields_decision_in_its_own_column(api, rita) -> None:
    change = queued(api, 1, "crm", fields={"Title": "VP Sales", "Department": "Sales"},
                    field_confidence={"Title": 0.9, "Department": 0.9})[0]
    proposal_decide(proposal_id=change.pk, actor=Actor.for_user(rita), action="approve",
                    field_decisions={"Title": True, "Department": False})
    page = review(logged_in(rita), change)
    # Not squeezed into the 1.4 rem checkbox column (the words ran over the field names).
    assert '<th class="col-verdict">Decision</th>' in page and 'class="narrow col-check"' not in page
    assert '<span class="decision-approved">approved</span>' in page
    assert '<span class="decision-rejected">rejected</span>' in page


def test_a_kinds_task_type_filter_lists_only_its_own_task_types(api, rita) -> None:
    queued(api, 1, task_type="cold_email")
    queued(api, 1, "crm", task_type="contact_update")
    client = logged_in(rita)
    emails = client.get("/admin/hitlcrm_reviews/emaildraft/").content.decode()
    changes = client.get("/admin/hitlcrm_reviews/crmchange/").content.decode()
    every = client.get("/admin/hitlcrm_reviews/proposal/").content.decode()
    assert "task_type=cold_email" in emails and "task_type=contact_update" not in emails
    assert "task_type=contact_update" in changes and "task_type=cold_email" not in changes
    assert "task_type=cold_email" in every and "task_type=contact_update" in every


def gate_section(page: str) -> str:
    section = page[page.index('<section id="gate"'):]
    return section[:section.index("</section>")]


def threshold(section: str, key: str) -> tuple[str, str]:
    """The threshold's label (with its tooltip) and what the page says of it."""
    label = re.search(rf'<dt id="threshold-{key}" title="([^"]+)">([^<]+)<strong>([^<]+)</strong></dt>', section)
    said = re.search(rf'<dd data-threshold="{key}"><span class="applied (\w+)">([^<]+)</span> '
                     rf'<span class="does">([^<]+)', section)
    assert label and said, section
    assert label.group(1) == said.group(3)  # the tooltip and the help line say the same
    return f"{label.group(2).strip()} {label.group(3)}", f"{said.group(1)}: {said.group(2)} | {said.group(3)}"


def test_a_crm_changes_two_thresholds_are_named_explained_and_say_how_they_applied(api, rita) -> None:
    policy("contact_update", mode="calibrated", confidence_threshold=0.9, field_confidence_threshold=0.8)
    change = queued(api, 1, "crm", confidence=0.96, fields={"Title": "VP Sales", "Department": "Sales"},
                    field_confidence={"Title": 0.97, "Department": 0.6})[0]

    section = gate_section(review(logged_in(rita), change))

    assert ('policy contact_update v1 · <span title="Calibrated (auto-approve when checks pass and confidence clears)">'
            'Calibrated</span>') in section
    label, said = threshold(section, "confidence")
    assert label == "Auto-approval threshold 0.90"
    assert said.startswith("clears: This item&#x27;s 0.96 reaches it. | Calibrated mode: an item passing every check")
    label, said = threshold(section, "field_confidence")
    assert label == "Field threshold 0.80"
    assert said.startswith("under: Under it: Department 0.60: a person decides. | Each changed field&#x27;s own confidence")
    assert 'id="gate-routed">Routed: check failed: confidence' in section  # the gate's own words


def test_an_emails_threshold_under_an_always_review_policy_says_it_is_not_used(api, rita) -> None:
    policy("cold_email", mode="always_review", confidence_threshold=0.95)
    email = queued(api, 1, confidence=0.9)[0]

    page = review(logged_in(rita), email)
    section = gate_section(page)

    label, said = threshold(section, "confidence")
    assert label == "Auto-approval threshold 0.95"
    assert said.startswith("off: Off here: this policy sends every item to a person.")
    assert 'id="threshold-field_confidence"' not in section  # an email has no fields of its own confidence
    assert "field confidence threshold" not in page


def test_an_item_under_the_threshold_of_a_calibrated_policy_says_a_person_decides(api, rita) -> None:
    policy("cold_email", mode="calibrated", confidence_threshold=0.95)
    email = queued(api, 1, confidence=0.9)[0]

    section = gate_section(review(logged_in(rita), email))

    assert threshold(section, "confidence")[1].startswith("under: This item&#x27;s 0.90 is under it: a person decides.")


def test_the_policy_lists_mode_is_its_short_name_with_the_explanation_in_its_tooltip(ada) -> None:
    policy("cold_email", mode="calibrated")
    page = logged_in(ada).get("/admin/hitlcrm_reviews/policy/").content.decode()
    cell = re.search(r'<td class="field-mode_column">(.*?)</td>', page).group(1)
    # The whole label squeezed the column to a word a line at 1366 px.
    assert cell == '<span title="Calibrated (auto-approve when checks pass and confidence clears)">Calibrated</span>'
