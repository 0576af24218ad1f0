"""Site-wide search: `/search?q=` without JavaScript and `/search.json` for suggestions,
accent- and case-insensitive, over names, labels, alternative labels and acronyms."""

from __future__ import annotations

import httpx
import pytest

from villegraph.folding import fold


def test_fold_ignores_accents_case_and_spacing() -> None:
    assert fold("  Numérique   ÉCOLE ") == "numerique ecole"
    assert fold("Île-de-France") == fold("ILE-DE-FRANCE")


def test_search_page_finds_and_links(web_server: str) -> None:
    page = httpx.get(web_server + "/search", params={"q": "ADA", "lang": "en"}).text
    assert '<a href="/person/ada-test"' in page and ">Ada Test</a>" in page
    assert "<td>person</td>" in page
    assert 'value="ADA"' in page, "the header box keeps the query"


def test_accents_and_language(web_server: str) -> None:
    french = httpx.get(web_server + "/search", params={"q": "laboratoire d'ESSAI", "lang": "fr"})
    assert 'href="/org/lab"' in french.text and "Laboratoire d&#39;essai" in french.text
    english = httpx.get(web_server + "/search", params={"q": "citoyenne", "lang": "en"}).text
    assert "citizen participation" in english, "shown in the page language"
    assert "participation citoyenne" in english, "with the label that matched"


def test_nothing_found_says_so_with_a_hint(web_server: str) -> None:
    page = httpx.get(web_server + "/search", params={"q": "zzzz", "lang": "en"}).text
    assert "No result for « zzzz »" in page and 'href="/themes"' in page
    french = httpx.get(web_server + "/search", params={"q": "zzzz", "lang": "fr"}).text
    assert "Aucun résultat pour « zzzz »" in french
    short = httpx.get(web_server + "/search", params={"q": "a", "lang": "en"}).text
    assert "Type at least two letters." in short
    empty = httpx.get(web_server + "/search")
    assert empty.status_code == 200 and "No result" not in empty.text


@pytest.mark.parametrize("query", ["script", "<script>", "evil & co"])
def test_data_and_query_are_escaped(web_server: str, query: str) -> None:
    page = httpx.get(web_server + "/search", params={"q": query}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<script>" not in page.replace('<script src="/static/search.js" defer></script>', "")


def test_suggestions_as_json(web_server: str) -> None:
    response = httpx.get(web_server + "/search.json", params={"q": "smart", "lang": "en"})
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert answer["results"][0] == {
        "label": "smart city",
        "kind": "theme",
        "href": "/theme/smart-city",
        "iri": "https://w3id.org/villegraph/theme/smart-city",
        "matched": None,
    }
    none = httpx.get(web_server + "/search.json", params={"q": "zzzz", "lang": "en"}).json()
    assert none["results"] == [] and none["empty"] == "No result for « zzzz »"


def test_real_data_acronyms_and_accents(live_server: str) -> None:
    puca = httpx.get(live_server + "/search.json", params={"q": "puca", "lang": "fr"}).json()
    first = puca["results"][0]
    assert first["href"] == "/org/puca" and first["matched"] == "PUCA"
    hits = httpx.get(live_server + "/search.json", params={"q": "numerique"}).json()["results"]
    assert any(h["href"] == "/theme/digital-city" for h in hits)
    assert len(hits) == 10, "suggestions are capped"


def test_header_has_a_plain_search_form(web_server: str) -> None:
    page = httpx.get(web_server + "/").text
    assert '<form class="search" role="search" method="get" action="/search">' in page
    assert '<script src="/static/search.js" defer></script>' in page
    script = httpx.get(web_server + "/static/search.js").text
    assert "innerHTML" not in script and "http" not in script


def test_more_matches_than_shown_are_counted_and_said() -> None:
    from rdflib import Literal

    from villegraph.web.pages import render
    from villegraph.web.search import PAGE_LIMIT, Entry, search

    entries = [
        Entry(
            f"https://w3id.org/villegraph/person/p{i}",
            f"/person/p{i}",
            "person",
            [Literal(f"Ville {i:04d}")],
            [(f"ville {i:04d}", f"Ville {i:04d}")],
        )
        for i in range(PAGE_LIMIT + 7)
    ]
    hits, total = search(entries, "ville", "en", PAGE_LIMIT)
    assert len(hits) == PAGE_LIMIT and total == PAGE_LIMIT + 7
    assert hits[0].label == "Ville 0000"
    page = bytes(
        render(
            "search.html", lang="en", search_query="ville", hits=hits, total=total, too_short=False
        ).body
    ).decode()
    assert f"{total} result(s) for « ville » — the best {PAGE_LIMIT} are shown" in page
    few, count = search(entries[:3], "ville", "en", PAGE_LIMIT)
    assert len(few) == count == 3
    page = bytes(
        render(
            "search.html", lang="en", search_query="ville", hits=few, total=3, too_short=False
        ).body
    )
    assert "the best" not in page.decode()


def test_suggestions_say_how_many_matched_and_link_to_all(web_server: str) -> None:
    answer = httpx.get(web_server + "/search.json", params={"q": "ville", "lang": "en"}).json()
    assert answer["total"] >= len(answer["results"]) > 0
    if answer["total"] > len(answer["results"]):
        assert answer["more"] == f"All {answer['total']} results"
    else:
        assert answer["more"] is None
    few = httpx.get(web_server + "/search.json", params={"q": "smart", "lang": "en"}).json()
    assert few["total"] == len(few["results"]) and few["more"] is None
