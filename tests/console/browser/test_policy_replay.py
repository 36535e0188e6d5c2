"""In Chromium: an admin edits a policy, presses "Preview impact", reads what the new values would have
done to the latest human-decided proposals (on the edit page, before saving), then saves; the
dashboard shows reviewer quality beside the error rate. Screenshots go to the test's output folder
(printed), and to HITLCRM_TEST_SCREENSHOTS when set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from reviews.models import AuditEvent, GoldenExpectation, Policy
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.services.golden import golden_items_seed
from tests.factories import decided, policy

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HITLCRM_TEST_SCREENSHOTS")
PASSING = (("placeholders", "soft", True), ("tone", "soft", True), ("confidence", "soft", True))
TONE_FAILED = (("placeholders", "soft", True), ("tone", "soft", False), ("confidence", "soft", True))


def shot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
    return path


def test_preview_impact_on_the_policy_edit_page(browser, live_server, agent, rita, ruth, sam, tmp_path) -> None:
    saved = policy("cold_email", mode="always_review", confidence_threshold=0.9, audit_sample_rate=0.05,
                   error_rate_target=0.05)
    decided(agent[0], "cold_email", 700, reviewer=rita, checks=PASSING)
    decided(agent[0], "cold_email", 6, reviewer=rita, action="reject", checks=PASSING)
    decided(agent[0], "cold_email", 150, reviewer=ruth, checks=TONE_FAILED)
    decided(agent[0], "cold_email", 40, reviewer=ruth, action="reject", checks=TONE_FAILED)
    decided(agent[0], "cold_email", 60, reviewer=ruth, confidence=0.8,
            checks=(("placeholders", "soft", True), ("tone", "soft", True), ("confidence", "soft", False)))

    page = signed_in_page(browser, live_server, sam)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/policy/{saved.pk}/change/")
    page.select_option("#id_mode", "calibrated")
    page.fill("#id_audit_sample_rate", "0.02")
    page.click("#preview-impact")
    page.wait_for_selector("#replay")

    figures = page.inner_text("#replay-figures")
    assert "Would have auto-approved" in figures and "95% upper bound" in figures
    assert page.locator("#replay").is_visible()
    # The replay shows at the top of the form, in view without scrolling.
    assert page.evaluate("() => document.querySelector('#replay').getBoundingClientRect().top < window.innerHeight")
    verdict = page.inner_text("#replay-verdict")
    assert "under the target" in verdict
    assert page.input_value("#id_audit_sample_rate") == "0.02"  # what was typed is kept
    assert Policy.objects.get(pk=saved.pk).mode == "always_review"  # nothing saved
    assert "Always review" in page.inner_text("#content h2")  # the title names the policy as saved
    print(shot(page, tmp_path, "policy-preview-calibrated"))
    page.locator("#replay").screenshot(path=str(tmp_path / "replay-panel.png"))

    # Dropping the tone check: the preview names what it was catching.
    for name in ("placeholders", "confidence"):  # only these two ticked: tone is dropped
        page.check(f"input[name=checks][value={name}]")
    page.click("#preview-impact")
    page.wait_for_selector("#replay-caught")
    assert re.search(r"tone failed on \d+", page.inner_text("#replay-caught"))  # 40, less the audit sample's
    assert "over the target" in page.inner_text("#replay-verdict")
    print(shot(page, tmp_path, "policy-preview-tone-dropped"))
    page.locator("#replay").screenshot(path=str(tmp_path / "replay-panel-tone-dropped.png"))

    for name in ("placeholders", "confidence"):
        page.uncheck(f"input[name=checks][value={name}]")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    event = AuditEvent.objects.get(action="policy_changed")
    assert event.data["replay"]["decisions"] == 956 and event.data["changes"]["mode"] == ["always_review", "calibrated"]


def test_reviewer_quality_on_the_dashboard(browser, live_server, agent, rita, ruth, sam, tmp_path, settings) -> None:
    from tests.console.conftest import queued
    from tests.factories import reviewer, token_client

    settings.HITLCRM_REVIEWER_MIN_GOLDEN = 2
    policy("cold_email", mode="always_review")
    api = token_client(agent[1])
    source = queued(api, 1)[0]
    admin = reviewer("ada", role="admin")
    copies = golden_items_seed(source_id=source.pk, expected=GoldenExpectation.CATCH, actor=Actor.for_user(admin),
                               copies=4)
    for copy, person, action in zip(copies, (rita, rita, ruth, ruth), ("reject", "reject", "approve", "approve"),
                                    strict=True):
        proposal_decide(proposal_id=copy.proposal_id, actor=Actor.for_user(person), action=action, reason_code="tone")
    decided(agent[0], "cold_email", 300, reviewer=rita)
    decided(agent[0], "cold_email", 8, reviewer=rita, action="reject")
    decided(agent[0], "cold_email", 250, reviewer=ruth)

    page = signed_in_page(browser, live_server, sam)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/proposal/dashboard/")
    page.wait_for_selector("#reviewers")
    ruth_row = page.inner_text('#reviewers tr[data-reviewer="ruth"]')
    assert "left out" in ruth_row and "golden-item accuracy 0%" in ruth_row
    assert "counted" in page.inner_text('#reviewers tr[data-reviewer="rita"]')
    page.locator("#quality").scroll_into_view_if_needed()
    print(shot(page, tmp_path, "dashboard-reviewer-quality"))


def test_a_policy_for_a_new_prompt_is_previewed_on_that_prompts_outputs(browser, live_server, agent, rita, sam,
                                                                        tmp_path) -> None:
    """The admin gives prompt v7 rules of its own: the form says what the scope fields do, the preview
    replays v7's outputs alone and shows which the version rule would still have held for a person."""
    policy("cold_email", mode="always_review", audit_sample_rate=0.0)
    decided(agent[0], "cold_email", 120, reviewer=rita, checks=PASSING, version=("2.3.1", "v7", "gpt-4o"))
    decided(agent[0], "cold_email", 300, reviewer=rita, checks=PASSING, version=("2.3.1", "v6", "gpt-4o"))

    page = signed_in_page(browser, live_server, sam)
    page.goto(f"{live_server.url}/admin/hitlcrm_reviews/policy/add/")
    scope = page.inner_text("fieldset:has(#id_prompt_version)")
    assert "Versions it governs" in scope and "the most specific of the task type's policies" in scope
    assert "Only the outputs naming this prompt version" in scope
    page.fill("#id_task_type", "cold_email")
    page.fill("#id_prompt_version", "v7")
    page.select_option("#id_mode", "calibrated")
    page.fill("#id_audit_sample_rate", "0")
    page.click("#preview-impact")
    page.wait_for_selector("#replay")
    assert page.inner_text("#replay-governs") == "cold_email, prompt v7"
    figures = page.inner_text("#replay-figures")
    assert "120" in figures and "Held for a person by the version rule" in figures  # none of v7's was earned yet
    assert "as it stood when each item was submitted" in page.inner_text("#replay-version-rule")
    print(shot(page, tmp_path, "policy-preview-scoped"))
    page.locator("#replay").screenshot(path=str(tmp_path / "replay-panel-scoped.png"))
    page.locator("fieldset:has(#id_prompt_version)").screenshot(path=str(tmp_path / "policy-scope-fields.png"))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert AuditEvent.objects.get(action="policy_changed").data["scope"]["prompt_version"] == "v7"
    assert Policy.objects.get(task_type="cold_email", prompt_version="v7").mode == "calibrated"
