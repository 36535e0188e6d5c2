"""What a browser submits for a form, read from the page with the standard library only (the CI
smoke test of a production install, .ci/smoke_install.py, uses it without the test packages)."""

from __future__ import annotations


def form_submission(html: str, form_id: str) -> tuple[str, list[tuple[str, str]]]:
    """What a browser would submit for form ``form_id``: (action, fields). Follows the HTML rules
    that matter here: inputs inside the form or naming it with ``form=``, checked boxes only,
    textarea content; submit buttons are left out (the caller adds the one it "clicks")."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.action = ""
            self.fields: list[tuple[str, str]] = []
            self.inside = False
            self.textarea: tuple[str, list[str]] | None = None

        def _belongs(self, attrs: dict[str, str | None]) -> bool:
            return attrs.get("form") == form_id or (self.inside and not attrs.get("form"))

        def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
            attrs = dict(attr_list)
            if tag == "form" and attrs.get("id") == form_id:
                self.inside, self.action = True, attrs.get("action") or ""
            elif tag == "input" and attrs.get("name") and self._belongs(attrs):
                kind = (attrs.get("type") or "text").lower()
                if kind in {"submit", "button", "image", "reset"}:
                    return
                if kind in {"checkbox", "radio"} and "checked" not in attrs:
                    return
                self.fields.append((attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else "")))
            elif tag == "textarea" and attrs.get("name") and self._belongs(attrs):
                self.textarea = (attrs["name"], [])

        def handle_data(self, data: str) -> None:
            if self.textarea is not None:
                self.textarea[1].append(data)

        def handle_endtag(self, tag: str) -> None:
            if tag == "form" and self.inside:
                self.inside = False
            elif tag == "textarea" and self.textarea is not None:
                name, parts = self.textarea
                text = "".join(parts)
                self.fields.append((name, text[1:] if text.startswith("\n") else text))
                self.textarea = None

    parser = Parser()
    parser.feed(html)
    if not parser.action:
        raise AssertionError(f"no form #{form_id} on the page")
    return parser.action, parser.fields
