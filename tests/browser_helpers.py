"""Debian's chromium driven by Playwright, shared by the browser tests.

``chromium()`` launches the browser once per test module; ``open_page`` opens a fresh context and
page on a URL, collects the page's JavaScript errors and fails the test on any of them when the
page closes, so every browser test checks that the page itself raised nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium (the Playwright Browser), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(browser: Any, url: str, ready: str, timeout_ms: int = 60_000) -> Iterator[Any]:
    """A page of a new 1280x900 context at ``url``, once the selector ``ready`` is attached."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector(ready, state="attached")
    yield page
    context.close()
    assert not errors, errors
