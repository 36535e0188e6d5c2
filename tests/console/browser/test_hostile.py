"""A proposal carrying script and HTML payloads runs nothing in the reviewer's browser."""

from __future__ import annotations

import pytest

from tests.console.conftest import PWN, hostile_proposals

from .conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hostile_proposal_runs_nothing(browser, live_server, agent, rita) -> None:
    email, change = hostile_proposals(agent[0])
    page = signed_in_page(browser, live_server, rita)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = f"{live_server.url}/admin/hitlcrm_reviews"
    for url in (f"{base}/emaildraft/", f"{base}/crmchange/", f"{base}/proposal/?status=all",
                f"{base}/crmchange/{change.pk}/review/", f"{base}/emaildraft/{email.pk}/review/"):
        page.goto(url)
        page.mouse.move(400, 300)
        page.mouse.move(200, 150)
        assert page.evaluate(f"typeof {PWN}") == "undefined", url

    # The text the agent wrote is there, as text.
    assert page.locator("#subject").inner_text() == f"<script>{PWN}='subject'</script>Hello"
    assert page.locator("#evidence").inner_text().count(f"<img src=x onerror=\"{PWN}='quote'\">") == 1
    assert page.locator("#assumptions").inner_text() == f"<svg onload=\"{PWN}='assumption'\">"
    # Only the https evidence link is a link; the javascript: one is shown as text.
    assert page.locator("#evidence a").evaluate_all("links => links.map(a => a.href)") == ["https://contoso.example/news"]
    # The HTML part renders in a frame without scripts: its script, handler and javascript: link stay inert.
    frame_element = page.locator("#body-html")
    assert frame_element.get_attribute("sandbox") == ""
    frame = page.frame_locator("#body-html")
    assert frame.locator("p").inner_text() == "Hi Ada"
    frame.locator("#lure").click()
    page.wait_for_timeout(200)
    assert page.evaluate(f"typeof {PWN}") == "undefined"
    policy = page.evaluate("() => fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in policy
    assert dialogs == []
