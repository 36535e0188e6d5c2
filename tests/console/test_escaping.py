"""Nothing an agent wrote is markup to the console: it is escaped, or shown in a sandboxed frame."""

from __future__ import annotations

import pytest

from .conftest import PWN, hostile_proposals, logged_in

pytestmark = pytest.mark.django_db


def test_ai_text_is_escaped_and_html_mail_is_sandboxed(agent, rita) -> None:
    email, change = hostile_proposals(agent[0])
    client = logged_in(rita)
    for url in (f"/admin/hitlcrm_reviews/emaildraft/{email.pk}/review/",
                f"/admin/hitlcrm_reviews/crmchange/{change.pk}/review/", "/admin/hitlcrm_reviews/emaildraft/",
                "/admin/hitlcrm_reviews/crmchange/", "/admin/hitlcrm_reviews/proposal/?status=all"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert "<script>window" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert 'href="javascript:' not in page
        assert "script-src 'self'" in response["Content-Security-Policy"]
    page = client.get(f"/admin/hitlcrm_reviews/emaildraft/{email.pk}/review/").content.decode()
    assert f"&lt;script&gt;{PWN}=&#x27;subject&#x27;&lt;/script&gt;Hello" in page
    assert '<iframe id="body-html" class="mail-html" sandbox=""' in page
    assert f'srcdoc="&lt;p&gt;Hi Ada&lt;/p&gt;&lt;script&gt;parent.{PWN}' in page
    assert 'href="https://contoso.example/news"' in page  # plain web links stay links
    assert "javascript:" in page  # shown as text, so the reviewer sees what the agent tried


def test_a_proposed_field_value_is_escaped_in_its_edit_box_too(agent, rita) -> None:
    _email, change = hostile_proposals(agent[0])
    page = logged_in(rita).get(f"/admin/hitlcrm_reviews/crmchange/{change.pk}/review/").content.decode()
    assert f'value="&lt;script&gt;{PWN}=&#x27;field&#x27;&lt;/script&gt;"' in page
