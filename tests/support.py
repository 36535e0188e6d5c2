"""Helpers shared by the test suite: service requirements, real processes, polling."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest


def services_required() -> bool:
    return os.environ.get("HITLCRM_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip with a stated reason, or fail when HITLCRM_REQUIRE_SERVICES=1 (CI)."""
    if services_required():
        pytest.fail(f"required service unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.1,
             what: str | Callable[[], str] = "") -> Any:
    """Poll ``predicate`` until it is truthy; ``what`` (or what it returns, computed only on a
    timeout) says what was awaited, in the failure message."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    described = what() if callable(what) else what
    raise AssertionError(f"timed out after {timeout}s waiting for {described or predicate}; last value: {last!r}")


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


PRODUCTION_SECRET_KEY = "k3y-" + "Zq8Xw2Rt6Yp0Lm4Nb7Vc1" * 3


def production_environment(**variables: str | None) -> dict[str, str]:
    """The environment of a production process with only what production requires set, plus
    ``variables`` (None removes one). Nothing else is inherited from this process (its mail,
    Salesforce or database settings), so a test sees what production alone does."""
    import os

    keep = {"PATH", "HOME", "LANG", "HITLCRM_TEST_RUN_ID"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(DJANGO_SETTINGS_MODULE="hitlcrm.settings.production", SECRET_KEY=PRODUCTION_SECRET_KEY,
               ALLOWED_HOSTS="hitlcrm.example", HITLCRM_BASE_URL="https://hitlcrm.example",
               CELERY_BROKER_URL="memory://")
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env
