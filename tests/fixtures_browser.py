"""Fixtures: headless Debian Chromium driven by playwright, with every non-local request blocked.

`browser` (session): Chromium at /usr/bin/chromium. `page`: a fresh page whose context lets
through only `http://127.0.0.1:*` and `file://` requests; everything else is aborted and recorded
in `page_log.blocked`. Dialogs (alert, confirm, prompt) are dismissed and recorded in
`page_log.dialogs`; uncaught script errors and console errors go to `page_log.errors`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = os.environ.get("VILLEGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def allowed_url(url: str) -> bool:
    """Loopback over HTTP, local files and inline data only."""
    return url.startswith(("http://127.0.0.1:", "http://127.0.0.1/", "file://", "data:", "blob:"))


@dataclass
class PageLog:
    """What a page did that a test may want to assert never happened."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's), shared by the session."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_log() -> PageLog:
    """The record of blocked requests, dialogs and script errors of `page`."""
    return PageLog()


@pytest.fixture
def page(browser: Any, page_log: PageLog) -> Iterator[Any]:
    """A page in a fresh context that aborts (and records) every non-local request."""
    context = browser.new_context(service_workers="block")

    def route(route: Any) -> None:
        url = route.request.url
        if allowed_url(url):
            route.continue_()
        else:
            page_log.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()

    def on_dialog(dialog: Any) -> None:
        page_log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: page_log.errors.append(str(error)))
    page.on(
        "console",
        lambda message: page_log.errors.append(message.text) if message.type == "error" else None,
    )
    yield page
    context.close()
