"""Chromium (Debian's) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.support import unavailable

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LAPTOP = {"width": 1366, "height": 768}
ALLOW_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = shutil.which("chromium")
    if not path:
        unavailable("chromium not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread while the browser is
    # open. Django sees that loop and refuses ORM calls from the test body (SynchronousOnlyOperation),
    # although the test body is ordinary synchronous code that shares no connection with async code.
    # So, only while the browser is open, tell Django the thread is safe.
    previous = os.environ.get(ALLOW_ASYNC_UNSAFE)
    os.environ[ALLOW_ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ALLOW_ASYNC_UNSAFE, None)
        else:
            os.environ[ALLOW_ASYNC_UNSAFE] = previous


def signed_in_page(browser: Any, live_server: Any, user: Any) -> Any:
    """A page in a fresh browser context whose session belongs to ``user``."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=LAPTOP)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    return context.new_page()
