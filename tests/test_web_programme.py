"""`/programme` on the real server: the cycle in printed order, in French and English."""

from __future__ import annotations

import re

import httpx

BASE = "https://w3id.org/villegraph/"


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-session="([^"]+)">(.*?)</tr>', page, flags=re.S)


def test_sessions_in_printed_order_with_dates_and_doubts(live_server: str) -> None:
    page = httpx.get(live_server + "/programme?lang=fr").text
    rows = _rows(page)
    assert [iri for iri, _ in rows] == [f"{BASE}event/seance-{n}" for n in range(1, 7)]
    first = rows[0][1]
    assert "<td>27/11/22</td>" in first and 'datetime="2022-11-27"' in first
    assert "un dimanche" in first and "Séance introductive" in first
    assert all('<td class="doubt"></td>' in row for _, row in rows[1:]), "one doubtful session"
    last = rows[5][1]
    assert "A PRÉCISER" in last and "date à venir" in last


def test_speakers_and_talks_are_linked(live_server: str) -> None:
    page = httpx.get(live_server + "/programme?lang=en").text
    fifth = dict(_rows(page))[BASE + "event/seance-5"]
    assert 'href="/person/carole-anne-tisserand"' in fifth
    assert 'href="/talk/tisserand-participation-smart-territoire"' in fifth
    assert "<td>5</td>" in fifth, "the printed session number"


def test_translations_are_marked_in_english_only(live_server: str) -> None:
    english = httpx.get(live_server + "/programme?lang=en").text
    french = httpx.get(live_server + "/programme?lang=fr").text
    assert "Introductory session" in english and "(translation)" in english
    assert "(traduction)" not in french
    assert "a Sunday" in english


def test_home_links_to_the_programme(live_server: str) -> None:
    for language in ("fr", "en"):
        assert 'href="/programme"' in httpx.get(f"{live_server}/?lang={language}").text


def test_no_cycle_says_so(web_server: str) -> None:
    page = httpx.get(web_server + "/programme?lang=en")
    assert page.status_code == 200 and "No webinar cycle in the graph." in page.text
