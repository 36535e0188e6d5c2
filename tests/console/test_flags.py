"""The review page highlights the passages failing checks point at, escaped like the rest of the
draft, and only where a check failed."""

from __future__ import annotations

import pytest

from reviews.templatetags.check_flags import check_flags, flagged
from tests.factories import policy

from .conftest import logged_in, queued
from .test_review import review_url

pytestmark = pytest.mark.django_db


def test_the_pushy_phrase_and_the_card_number_are_marked_in_the_body(api, rita) -> None:
    policy("cold_email", mode="always_review")
    item = queued(api, 1, body="Hi Ada,\n\nLast chance - 100% free, no risk!!! Act now, "
                               "or pay with 4111 1111 1111 1111.\n\nSam")[0]
    page = logged_in(rita).get(review_url(item)).content.decode()
    body = page[page.index('<pre id="body"'):]
    body = body[:body.index("</pre>")]
    assert '<mark class="flag soft" data-checks="tone"' in body
    assert '<mark class="flag hard" data-checks="personal_data"' in body and ">4111 1111 1111 1111</mark>" in body
    assert "<kbd>f</kbd>/<kbd>F</kbd> flagged passages" in page


def test_a_draft_no_check_flags_has_no_marks_nor_the_key_hint(api, rita) -> None:
    item = queued(api, 1)[0]
    page = logged_in(rita).get(review_url(item)).content.decode()
    assert "<mark" not in page and "flagged passages" not in page


def test_marks_escape_the_text_they_wrap_and_the_text_around_them() -> None:
    class Result:
        passed, severity, name, message = False, "soft", "tone", 'Pushy "phrasing" <b>'
        details = {"spans": [{"start": 3, "end": 19, "field": "body", "text": "x"},
                             {"start": 10, "end": 15, "field": "body", "text": "y"},  # overlaps: joins the first
                             {"start": 2, "end": 99, "field": "body", "text": "z"},  # past the end: not shown
                             {"start": None, "end": None, "field": "body", "text": "unlocated"}]}

    text = "<i><script>alert(1)</script> & more"
    html = flagged(text, check_flags([Result()]), "body")
    assert "<script>" not in html and "<i>" not in html
    assert html.count("<mark") == 1
    assert '<mark class="flag soft" data-checks="tone" title="tone: Pushy &quot;phrasing&quot; &lt;b&gt;" ' in html
    assert ">&lt;script&gt;alert(1)</mark>" in html
    assert flagged(text, {}, "body") == "&lt;i&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"


def test_a_passing_check_marks_nothing() -> None:
    class Passed:
        passed, severity, name, message = True, "soft", "tone", "fine"
        details = {"spans": [{"start": 0, "end": 2, "field": "body", "text": "Hi"}]}

    assert check_flags([Passed()]) == {}
