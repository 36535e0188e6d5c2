"""The policy form is made of proper fields with help text: checks are ticked, lists typed one item a
line, a box per length limit and per tone category; nothing asks for JSON."""

from __future__ import annotations

import re

import pytest

from reviews.models import Policy

from .conftest import logged_in

pytestmark = pytest.mark.django_db
ADD = "/admin/hitlcrm_reviews/policy/add/"
BASE = {"task_type": "cold_email", "mode": "calibrated", "confidence_threshold": "0.9",
        "field_confidence_threshold": "0.8", "stakes": "2", "audit_sample_rate": "0.05", "required_approvals": "1",
        "sla_minutes": "240", "quiet_period_days": "14", "send_window_timezone": "UTC", "error_rate_target": "0.05",
        "cap_window_days": "30"}


def test_the_form_has_no_json_and_explains_both_thresholds(ada) -> None:
    page = logged_in(ada).get(ADD).content.decode()
    # No JSON textarea is left: every former JSON field has its own inputs.
    assert not re.search(r'<textarea name="(checks|length_limits|tone_lexicon)"', page)
    assert '{&quot;' not in page and "[&quot;" not in page  # no JSON examples in help texts either
    assert 'type="checkbox" name="checks" value="placeholders"' in page
    assert 'name="length_limits_first_line"' in page and "First line (default 120)" in page
    assert 'name="tone_lexicon_pushy"' in page
    # The two thresholds side by side each say what they are for.
    assert "the agent's overall confidence (0 to 1)" in page
    assert "each changed field" in page
    assert "When an item is approved without a person" in page


def test_a_policy_saved_from_form_fields(ada) -> None:
    response = logged_in(ada).post(ADD, {
        **BASE, "checks": ["placeholders", "tone", "confidence", "lawful_basis"], "four_eyes_fields": "Amount\nStageName",
        "length_limits_first_line": "90", "length_limits_subject": "", "tone_lexicon_pushy": "act within hours\nbuy now",
        "tone_allowed": "limited time", "lawful_basis_regions": "eea, gb", "_save": "Save"})

    assert response.status_code == 302, response.context_data["adminform"].form.errors
    saved = Policy.objects.get(task_type="cold_email")
    assert saved.checks == ["placeholders", "tone", "confidence", "lawful_basis"]
    assert saved.four_eyes_fields == ["Amount", "StageName"]
    assert saved.length_limits == {"first_line": 90}
    assert saved.tone_lexicon == {"pushy": ["act within hours", "buy now"]}
    assert saved.tone_allowed == ["limited time"]
    assert saved.lawful_basis_regions == ["EEA", "GB"]

    change = logged_in(ada).get(f"/admin/hitlcrm_reviews/policy/{saved.pk}/change/").content.decode()
    assert 'name="length_limits_first_line" value="90"' in change
    assert re.search(r'value="tone"[^>]*checked', change)


def test_bad_values_are_named_on_their_field(ada) -> None:
    page = logged_in(ada).post(ADD, {**BASE, "checks": ["no_such_check"], "length_limits_body": "-4",
                                     "lawful_basis_regions": "Narnia"}).content.decode()
    assert "Select a valid choice. no_such_check is not one of the available choices." in page
    assert "Ensure this value is greater than or equal to 1." in page
    assert "NARNIA" in page  # the region refused is named
    assert not Policy.objects.exists()
