"""The query UI in headless Chromium: YASGUI starts offline, queries our /sparql, and no page
asks for anything outside the server."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures_browser import PageLog

pytestmark = pytest.mark.browser


def test_yasgui_runs_a_query_offline(web_server: str, page: Any, page_log: PageLog) -> None:
    page.goto(web_server + "/query")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table td", timeout=20_000)
    assert "Ada Test" in page.inner_text(".yasr")
    assert page_log.errors == []
    assert page_log.blocked == []


def test_pages_request_nothing_outside(web_server: str, page: Any, page_log: PageLog) -> None:
    for path in ("/", "/person/ada-test.html", "/person/evil.html", "/themes", "/def", "/dumps/"):
        page.goto(web_server + path)
        page.wait_for_load_state("networkidle")
    page.goto(web_server + "/person/evil.html")
    assert "<script>" in page.inner_text("h1"), "the label shows as text"
    assert page_log.dialogs == []
    assert page_log.blocked == []
