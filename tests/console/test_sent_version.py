"""What was actually sent: an edited email's review page shows the approved (sent) text as the main
view, with a word-level diff from the AI's draft (line breaks kept, everything escaped); the API
record and the audit export carry both the AI's text and the approved one."""

from __future__ import annotations

import json

import pytest

from reviews.models import Proposal
from reviews.services.actors import Actor
from reviews.services.decisions import proposal_decide
from reviews.text_diff import word_diff_html, word_tokens
from tests.factories import policy

from .conftest import logged_in, queued

pytestmark = pytest.mark.django_db

EDITED_BODY = ("Hi Ada,\n\nFourth Coffee just opened a Berlin office; teams like yours keep <b>pipeline</b> data clean "
               "with us.\n\nWorth a chat next week?\n\nSam")


def edited(api, rita) -> Proposal:
    policy("cold_email", mode="always_review")
    proposal = queued(api, 1)[0]
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="edit_approve",
                    edits={"subject": "A thought for Contoso", "body": EDITED_BODY})
    return Proposal.objects.get(pk=proposal.pk)


def test_word_tokens_keep_every_character_and_line_break() -> None:
    text = "Hi Ada,\n\n  two  spaces\tand a tab\n"
    assert "".join(word_tokens(text)) == text
    assert "\n\n  " in word_tokens(text)


def test_the_word_diff_marks_removed_and_added_words_and_escapes_them() -> None:
    html = word_diff_html("Open to a chat?\n\nSam", "Open to a <b>call</b>?\n\nSam")
    assert html == "Open to a <del>chat?</del><ins>&lt;b&gt;call&lt;/b&gt;?</ins>\n\nSam"
    assert word_diff_html("same text", "same text") == "same text"
    assert word_diff_html("", "new") == "<ins>new</ins>"


def test_an_edited_emails_page_shows_the_approved_text_first_and_the_diff_from_the_draft(api, rita) -> None:
    proposal = edited(api, rita)
    assert proposal.subject == "Idea for Contoso"  # the AI's output stays on the record

    page = logged_in(rita).get(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/review/").content.decode()

    assert 'id="sent-version"' in page
    subject = page[page.index('id="subject"'):]
    assert subject[subject.index(">") + 1:].startswith("A thought for Contoso</dd>")
    body = page[page.index('<pre id="body"'):]
    body = body[body.index(">") + 1:body.index("</pre>")]
    assert body.startswith("Hi Ada,\n\nFourth Coffee just opened") and "&lt;b&gt;pipeline&lt;/b&gt;" in body
    diff = page[page.index('id="diff-body"'):]
    diff = diff[diff.index(">") + 1:diff.index("</pre>")]
    assert "<del>Contoso</del><ins>Fourth Coffee</ins> just opened" in diff
    assert "<del>pipeline</del><ins>&lt;b&gt;pipeline&lt;/b&gt;</ins>" in diff  # the edit's markup is text
    assert "\n\n<del>Open to</del><ins>Worth</ins> a <del>chat?</del><ins>chat next week?</ins>\n\nSam" in diff
    assert "<b>" not in diff
    assert '<del>Idea</del><ins>A thought</ins> for Contoso' in page  # the subject's diff


def test_an_email_approved_as_written_shows_no_diff(api, rita) -> None:
    policy("cold_email", mode="always_review")
    proposal = queued(api, 1)[0]
    proposal_decide(proposal_id=proposal.pk, actor=Actor.for_user(rita), action="approve")
    page = logged_in(rita).get(f"/admin/hitlcrm_reviews/emaildraft/{proposal.pk}/review/").content.decode()
    assert 'id="sent-version"' not in page and 'id="text-diffs"' not in page
    assert "Idea for Contoso" in page


def test_the_api_record_and_the_audit_export_carry_the_drafts_text_and_the_approved_one(api, rita) -> None:
    from tests.factories import reviewer

    proposal = edited(api, rita)
    record = api.get(f"/api/v1/email-drafts/{proposal.pk}/").json()
    assert record["original"]["subject"] == "Idea for Contoso"
    assert record["original"]["body"].startswith("Hi Ada,\n\nContoso")
    assert record["final"]["subject"] == "A thought for Contoso" and record["final"]["body"] == EDITED_BODY
    assert record["decision"]["edits"]["body"] == [proposal.body, EDITED_BODY]

    carla = reviewer("carla", role="compliance")
    export = logged_in(carla).get(f"/admin/hitlcrm_reviews/auditevent/export/?format=jsonl&record={proposal.pk}")
    events = [json.loads(line) for line in b"".join(export.streaming_content).decode().splitlines()]
    approval = next(event for event in events if event["action"] == "edited_and_approved")
    assert approval["data"]["edits"]["body"] == [proposal.body, EDITED_BODY]
    assert approval["data"]["final_output"]["body"] == EDITED_BODY
    assert approval["data"]["final_output"]["subject"] == "A thought for Contoso"
