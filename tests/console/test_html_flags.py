"""The passages checks flagged in an HTML body are marked in the markup the sandboxed frame shows:
a span indexes the body's visible text (as the checks read it), and its mark wraps the text that
text came from, never a tag, a character reference, a comment or a raw-text element."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

from reviews.checks.text import html_text_origins, html_to_text, normalise
from reviews.templatetags.check_flags import FRAME_MARK_STYLE, mark_html
from tests.factories import policy

from .conftest import logged_in, queued
from .test_review import review_url


def span(markup: str, phrase: str, *, check: str = "tone", severity: str = "soft", nth: int = 0) -> dict:
    """The span a check would give for ``phrase`` in the body's visible text."""
    text = normalise(html_to_text(markup))
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return {"start": start, "end": start + len(phrase), "check": check, "severity": severity,
            "message": f"{check} found {phrase!r}"}


def marked_texts(markup: str) -> list[str]:
    """The text inside each <mark class="hitlcrm-flag">, as a browser's parser reads it."""

    class Marks(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.depth, self.found = 0, []

        def handle_starttag(self, tag, attrs) -> None:
            if tag == "mark" and "hitlcrm-flag" in (dict(attrs).get("class") or ""):
                self.depth += 1
                self.found.append("")

        def handle_endtag(self, tag) -> None:
            if tag == "mark" and self.depth:
                self.depth -= 1

        def handle_data(self, data) -> None:
            if self.depth:
                self.found[-1] += data

    parser = Marks()
    parser.feed(markup)
    return parser.found


def unmarked(markup: str) -> str:
    """The markup with the marks and their styles taken out again."""
    markup = markup.replace(FRAME_MARK_STYLE, "")
    return re.sub(r"<mark class=\"hitlcrm-flag [^\"]*\"[^>]*>|</mark>", "", markup)


def test_the_visible_text_maps_back_to_the_markup_it_comes_from() -> None:
    markup = "<p>Hi <b>Ada</b> &amp; co,</p><p>act&nbsp;now</p>"
    text, origins = html_text_origins(markup)
    assert text == html_to_text(markup) == "Hi Ada & co,\nact\xa0now\n"
    assert markup[slice(*origins[text.index("A")])] == "A"
    assert markup[slice(*origins[text.index("&")])] == "&amp;"  # a character reference, whole
    assert markup[slice(*origins[text.index("\xa0")])] == "&nbsp;"
    assert origins[text.index("\n")] is None  # the end of a paragraph: no text to mark


def test_a_phrase_inside_one_element_gets_one_mark_with_the_stops_id() -> None:
    markup = "<p>Hi Ada,</p><p>Last chance, act now!</p>"
    marked, stops = mark_html(markup, [span(markup, "act now")])
    assert '<p>Last chance, <mark class="hitlcrm-flag soft" id="hitlcrm-flag-1" data-checks="tone"' in marked
    assert marked_texts(marked) == ["act now"]
    assert stops == [{"id": "hitlcrm-flag-1", "title": "tone: tone found 'act now'", "severity": "soft",
                      "checks": "tone"}]
    assert unmarked(marked) == markup


def test_a_span_across_nested_elements_is_marked_in_each_without_breaking_them() -> None:
    markup = '<div><p>Please <a href="https://x.example/?a=1&amp;b=2"><b>act</b> now</a>, really</p></div>'
    marked, stops = mark_html(markup, [span(markup, "act now, really")])
    assert marked_texts(marked) == ["act", " now", ", really"]
    assert marked.count('id="hitlcrm-flag-1"') == 1 and len(stops) == 1  # one stop, its first mark
    assert '<a href="https://x.example/?a=1&amp;b=2">' in marked and "<b><mark" in marked
    assert unmarked(marked) == markup


def test_character_references_are_marked_whole() -> None:
    markup = "<p>Fees &amp; charges &#8211; act&nbsp;now &eacute;t&#xE9;</p>"
    marked, _ = mark_html(markup, [span(markup, "& charges - act now")])  # the checks read "–" as "-"
    assert marked_texts(marked) == ["& charges \u2013 act\xa0now"]
    assert ">&amp; charges &#8211; act&nbsp;now</mark>" in marked
    marked, _ = mark_html(markup, [span(markup, "ét")])
    assert ">&eacute;t</mark>&#xE9;" in marked


def test_a_span_over_a_line_break_marks_the_text_on_either_side() -> None:
    markup = "<p>act</p><p>now</p>"
    marked, _ = mark_html(markup, [span(markup, "act\nnow")])
    assert marked_texts(marked) == ["act", "now"] and unmarked(marked) == markup


def test_no_mark_goes_into_a_tag_a_comment_or_a_raw_text_element() -> None:
    markup = ('<html><head><title>act now</title><style>p { color: red }</style></head><body>'
              '<!-- a > act now --><p title="a>b">act now</p><textarea>act now</textarea><p>act now</p></body></html>')
    text = normalise(html_to_text(markup))
    spans = [span(markup, "act now", nth=n) for n in range(text.count("act now"))]
    marked, stops = mark_html(markup, spans)
    # The title, the comment's tail (the checks read "act now -->" as text) and the textarea stay as
    # they were; the two paragraphs, text by every reading, are marked, the ">" in the attribute kept.
    assert "<title>act now</title>" in marked and "<!-- a > act now -->" in marked
    assert "<textarea>act now</textarea>" in marked
    assert re.search(r'<p title="a>b"><mark [^>]*>act now</mark></p>', marked)
    assert marked_texts(marked) == ["act now", "act now"] and len(stops) == 2
    assert unmarked(marked) == markup


def test_a_span_the_checks_read_inside_a_quoted_attribute_is_left_unmarked() -> None:
    markup = '<p><a title="x>act now">read</a> more</p>'  # the checks' reading ends the tag at the first ">"
    assert "act now" in html_to_text(markup)
    assert mark_html(markup, [span(markup, "act now")]) == (markup, [])


def test_overlapping_spans_join_and_the_tooltip_names_every_check_escaped() -> None:
    markup = "<p>Last chance, act now!!!</p>"
    first = span(markup, "Last chance, act now")
    second = {**span(markup, "now!!!", check="shouting", severity="hard"), "message": 'too many "!" <3'}
    marked, stops = mark_html(markup, [first, second])
    assert marked_texts(marked) == ["Last chance, act now!!!"]
    assert stops[0]["severity"] == "hard" and stops[0]["checks"] == "tone shouting"
    assert 'title="tone: tone found &#x27;Last chance, act now&#x27;; shouting: too many &quot;!&quot; &lt;3"' in marked


def test_the_marks_styles_go_after_a_doctype_and_nothing_is_marked_past_the_text() -> None:
    markup = "<!DOCTYPE html>\n<html><body><p>act now</p></body></html>"
    marked, _ = mark_html(markup, [span(markup, "act now")])
    assert marked.startswith("<!DOCTYPE html>" + FRAME_MARK_STYLE)  # before it, the frame renders in quirks mode
    past = {"start": 2, "end": 400, "check": "tone", "severity": "soft", "message": "edited since"}
    assert mark_html(markup, [past]) == (markup, [])
    assert mark_html(markup, []) == (markup, [])


HTML_BODY = ("<!DOCTYPE html><html><body><p>Hi Ada,</p><p>Contoso just opened Berlin: "
             "<b>last chance</b> &mdash; <em>act&nbsp;now</em>!</p><p>Sam</p></body></html>")


@pytest.mark.django_db
def test_the_review_page_marks_the_flagged_phrase_of_the_html_part_in_its_frame(api, rita) -> None:
    policy("cold_email", mode="always_review")
    item = queued(api, 1, body="Hi Ada,\n\nContoso just opened Berlin.\n\nSam", body_html=HTML_BODY)[0]
    tone = item.check_results.get(name="tone")
    assert not tone.passed and {s["field"] for s in tone.details["spans"]} == {"body_html"}  # the checks' own span

    page = logged_in(rita).get(review_url(item)).content.decode()

    frame = re.search(r'<iframe id="body-html" class="mail-html" sandbox=""[^>]*>', page).group(0)
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert marked_texts(srcdoc) == ["last chance", "act\xa0now"]
    assert unmarked(srcdoc) == HTML_BODY
    stops = json.loads(html.unescape(re.search(r'data-flags="([^"]*)"', frame).group(1)))
    assert [stop["id"] for stop in stops] == ["hitlcrm-flag-1", "hitlcrm-flag-2"]
    assert all(stop["checks"] == "tone" for stop in stops)
    assert "<kbd>f</kbd>/<kbd>F</kbd> flagged passages" in page


@pytest.mark.django_db
def test_an_edited_html_part_is_shown_as_approved_without_the_originals_marks(api, rita) -> None:
    from reviews.models import Proposal

    policy("cold_email", mode="always_review")
    item = queued(api, 1, body_html=HTML_BODY)[0]
    edited = "<p>Hi Ada, a calmer note.</p>"
    Proposal.objects.filter(pk=item.pk).update(final_output={**item.original_output, "body_html": edited},
                                                status="approved")
    page = logged_in(rita).get(review_url(item)).content.decode()
    frame = re.search(r'<iframe id="body-html"[^>]*>', page).group(0)
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1)) == edited
    assert "data-flags" not in frame
