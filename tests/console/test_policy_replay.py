"""The policy form's what-if replay: "Preview impact" shows what the values typed would have done to
the latest human-decided proposals, saves nothing, and the save records the same figures in its
audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict

from reviews.models import AuditEvent, Policy
from tests.factories import decided, policy

from .conftest import logged_in

pytestmark = pytest.mark.django_db
PASSING = (("placeholders", "soft", True), ("confidence", "soft", True))
TONE_FAILED = (("placeholders", "soft", True), ("tone", "soft", False), ("confidence", "soft", True))
LIST_FIELDS = {"four_eyes_fields", "tone_allowed", "lawful_basis_regions"}


def form_data(saved: Policy | None, **typed: Any) -> dict[str, Any]:
    """What the change form posts for ``saved`` with ``typed`` changed (booleans unticked are left out):
    checks as ticked boxes, lists one item a line, a box per length limit and per tone category."""
    values = {**(model_to_dict(saved, exclude=["id", "version", "updated_at"]) if saved else {}), **typed}
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name == "checks":
            data[name] = list(value or [])
        elif name in LIST_FIELDS:
            data[name] = "\n".join(value or [])
        elif name in ("length_limits", "tone_lexicon"):
            for key, item in (value or {}).items():
                data[f"{name}_{key}"] = "\n".join(item) if isinstance(item, list) else item
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


@pytest.fixture
def history(agent, rita) -> Policy:
    """cold_email under review: 60 decided, 12 of them errors; 20 with a tone failure (10 rejected)."""
    saved = policy("cold_email", mode="always_review", confidence_threshold=0.9, audit_sample_rate=0.0)
    decided(agent[0], "cold_email", 38, reviewer=rita, checks=PASSING)
    decided(agent[0], "cold_email", 2, reviewer=rita, action="reject", checks=PASSING)
    decided(agent[0], "cold_email", 10, reviewer=rita, checks=TONE_FAILED)
    decided(agent[0], "cold_email", 10, reviewer=rita, action="reject", checks=TONE_FAILED)
    return saved


def change_url(saved: Policy) -> str:
    return f"/admin/hitlcrm_reviews/policy/{saved.pk}/change/"


def test_preview_shows_the_replay_of_the_typed_values_and_saves_nothing(history, sam) -> None:
    client = logged_in(sam)
    page = client.get(change_url(history)).content.decode()
    assert 'name="_preview"' in page and "Preview impact" in page and 'id="replay"' not in page

    response = client.post(change_url(history), {**form_data(history, mode="log_only", reversible=True),
                                                 "_preview": "Preview impact"})
    assert response.status_code == 200
    replay = response.context["replay"]["replay"]
    assert replay.decisions == 60 and replay.errors == 12
    assert replay.candidate.auto_approved == 60 and replay.candidate.errors_let_through == 12
    assert replay.candidate.caught_by == {"tone": 10}
    assert replay.saved.auto_approved == 0
    page = response.content.decode()
    assert 'id="replay"' in page and "60 (100.0%)" in page and "12 (20.0%)" in page
    assert "<code>tone</code> failed on 10" in page and "over the target" in page
    assert "Please correct" not in page
    # The form keeps what was typed; nothing was saved or recorded.
    assert 'value="log_only" selected' in page
    current = Policy.objects.get(pk=history.pk)
    assert (current.mode, current.version) == ("always_review", history.version)
    assert not AuditEvent.objects.filter(action="policy_changed").exists()


def test_saving_records_the_replay_in_the_audit_event(history, sam) -> None:
    response = logged_in(sam).post(change_url(history), {
        **form_data(history, mode="calibrated", checks=["placeholders", "confidence"]), "_save": "Save"})
    assert response.status_code == 302
    saved = Policy.objects.get(pk=history.pk)
    assert (saved.mode, saved.version) == ("calibrated", history.version + 1)
    event = AuditEvent.objects.get(action="policy_changed")
    assert event.actor == "sam" and event.data["task_type"] == "cold_email" and event.data["version"] == saved.version
    assert event.data["changes"] == {"mode": ["always_review", "calibrated"],
                                     "checks": [[], ["placeholders", "confidence"]]}
    replay = event.data["replay"]
    assert replay["decisions"] == 60
    # The tone check left out: the 20 tone failures go through, 10 of which a reviewer rejected.
    assert replay["candidate"]["auto_approved"] == 60 and replay["candidate"]["errors_let_through"] == 12
    assert replay["candidate"]["caught_by"] == {"tone": 10}
    assert replay["saved"]["auto_approved"] == 0
    assert saved.history.first().history_user == sam  # simple-history keeps the version too


def test_a_new_policy_is_previewed_and_audited_too(history, sam) -> None:
    client = logged_in(sam)
    new = {**form_data(history, task_type="follow_up", mode="calibrated"), "_preview": "Preview impact"}
    page = client.post("/admin/hitlcrm_reviews/policy/add/", new).content.decode()
    assert 'id="replay-empty"' in page and not Policy.objects.filter(task_type="follow_up").exists()
    new.pop("_preview")
    assert client.post("/admin/hitlcrm_reviews/policy/add/", new).status_code == 302
    event = AuditEvent.objects.get(action="policy_changed")
    assert event.data["created"] and event.data["replay"]["decisions"] == 0 and event.data["replay"]["saved"] is None


def test_an_invalid_form_shows_its_errors_and_no_replay(history, sam) -> None:
    response = logged_in(sam).post(change_url(history), {**form_data(history, mode="log_only", reversible=False),
                                                         "_preview": "Preview impact"})
    page = response.content.decode()
    assert "Log only is for reversible actions" in page and 'id="replay"' not in page


def test_a_policy_for_a_prompt_version_is_previewed_on_its_outputs_and_audited_with_its_scope(agent, rita, sam,
                                                                                              settings) -> None:
    settings.HITLCRM_VERSION_GATE = False  # the policies alone decide here
    generic = policy("cold_email", mode="always_review", audit_sample_rate=0.0)
    decided(agent[0], "cold_email", 30, reviewer=rita, checks=PASSING, version=("2.3.1", "v7", "gpt-4o"))
    decided(agent[0], "cold_email", 20, reviewer=rita, checks=PASSING, version=("2.3.1", "v6", "gpt-4o"))
    client = logged_in(sam)
    form = client.get("/admin/hitlcrm_reviews/policy/add/").content.decode()
    # The scope's fields, each saying what it does, under a heading that says how the gate chooses.
    for name in ("agent_version", "prompt_version", "agent_model"):
        assert f'name="{name}"' in form
    assert "Only the outputs naming this prompt version (e.g. v7)" in form
    assert "Versions it governs" in form and "the most specific of the task type's policies" in form

    new = {**form_data(generic, prompt_version="v7", mode="calibrated"), "_preview": "Preview impact"}
    response = client.post("/admin/hitlcrm_reviews/policy/add/", new)
    replay = response.context["replay"]["replay"]
    assert replay.decisions == 30 and replay.candidate.auto_approved == 30  # v7's outputs alone
    assert '<strong id="replay-governs">cold_email, prompt v7</strong>' in response.content.decode()

    new.pop("_preview")
    assert client.post("/admin/hitlcrm_reviews/policy/add/", new).status_code == 302
    scoped = Policy.objects.get(task_type="cold_email", prompt_version="v7")
    event = AuditEvent.objects.get(action="policy_changed")
    assert event.data["scope"] == {"agent_version": None, "prompt_version": "v7", "model": None}
    assert event.data["changes"]["prompt_version"] == [None, "v7"]
    assert event.data["replay"]["scope"] == event.data["scope"] and event.data["replay"]["decisions"] == 30
    assert event.data["version"] == scoped.version == generic.version + 1
    # The generic policy now governs v6's outputs only; a second policy for v7 is refused, naming why.
    page = client.get(change_url(generic)).content.decode()
    assert "Preview impact" in page
    again = client.post("/admin/hitlcrm_reviews/policy/add/", {**form_data(generic, prompt_version="v7"),
                                                              "_save": "Save"}).content.decode()
    assert "This task type has a policy with this scope already: edit that one." in again
    listing = client.get("/admin/hitlcrm_reviews/policy/").content.decode()
    assert "prompt v7" in listing and "any version" in listing
