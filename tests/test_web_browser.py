"""The query UI in headless Chromium: YASGUI starts offline, queries our /sparql, and no page
asks for anything outside the server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture()
def page_and_requests(web_server: str) -> Iterator[tuple[object, list[str]]]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_page()

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            host = urlparse(url).hostname
            if url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()  # type: ignore[attr-defined]
            else:
                outside.append(url)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        try:
            yield page, outside
        finally:
            browser.close()


def test_yasgui_runs_a_query_offline(web_server: str, page_and_requests: tuple) -> None:
    page, outside = page_and_requests
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(web_server + "/query")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table td", timeout=20_000)
    assert "Ada Test" in page.inner_text(".yasr")
    assert errors == []
    assert outside == []


def test_pages_request_nothing_outside(web_server: str, page_and_requests: tuple) -> None:
    page, outside = page_and_requests
    for path in ("/", "/person/ada-test.html", "/person/evil.html", "/themes", "/def", "/dumps/"):
        page.goto(web_server + path)
        page.wait_for_load_state("networkidle")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(web_server + "/person/evil.html")
    assert "<script>" in page.inner_text("h1"), "the label shows as text"
    assert dialogs == [] and outside == []
