"""Search as you type in headless Chromium: suggestions come from /search.json, data shows as
text, nothing outside the server is requested, and the form works without the script."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures_browser import PageLog

pytestmark = pytest.mark.browser


def test_suggestions_appear_as_you_type(web_server: str, page: Any, page_log: PageLog) -> None:
    page.goto(web_server + "/?lang=en")
    page.fill("#search-q", "")
    page.type("#search-q", "citoy", delay=30)
    page.wait_for_selector("#search-suggestions:not([hidden]) a", timeout=10_000)
    links = page.eval_on_selector_all(
        "#search-suggestions a", "els => els.map(e => [e.getAttribute('href'), e.textContent])"
    )
    assert links[0][0] == "/theme/participation"
    assert links[0][1].startswith("citizen participation")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/theme/participation.html*")
    assert "citizen participation" in page.inner_text("h1")
    assert page_log.errors == [] and page_log.blocked == []


def test_hostile_labels_stay_text(web_server: str, page: Any, page_log: PageLog) -> None:
    page.goto(web_server + "/")
    page.type("#search-q", "evil", delay=30)
    page.wait_for_selector("#search-suggestions:not([hidden]) a", timeout=10_000)
    assert "<script>alert('x')</script>" in page.inner_text("#search-suggestions")
    assert page_log.dialogs == [] and page_log.blocked == []


def test_no_result_and_the_plain_form(web_server: str, page: Any, page_log: PageLog) -> None:
    page.goto(web_server + "/?lang=fr")
    page.type("#search-q", "zzzz", delay=30)
    page.wait_for_selector("#search-suggestions li.none", timeout=10_000)
    assert "Aucun résultat" in page.inner_text("#search-suggestions")
    page.keyboard.press("Escape")
    assert page.is_hidden("#search-suggestions")
    page.fill("#search-q", "ada")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search?q=ada*")
    assert "Ada Test" in page.inner_text("main")
    assert page_log.errors == [] and page_log.blocked == []
