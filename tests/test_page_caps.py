"""Resource pages and profiles never cut a list silently: a longer list is shortened and noted,
and the page says so."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from villegraph.config import Settings
from villegraph.store import EmbeddedStore
from villegraph.web.i18n import message
from villegraph.web.pages import IN_ROWS, Linker, capped, describe
from villegraph.web.profiles import ANSWER_ROWS, Runner

BASE = "https://w3id.org/villegraph/"
GRAPH = ox.NamedNode(BASE + "graph/data")
KNOWS = ox.NamedNode("http://xmlns.com/foaf/0.1/knows")


def _store_with_links(target: str, count: int) -> EmbeddedStore:
    store = EmbeddedStore()
    store.oxigraph.extend(
        ox.Quad(ox.NamedNode(f"{BASE}person/p{i}"), KNOWS, ox.NamedNode(target), GRAPH)
        for i in range(count)
    )
    return store


def test_capped_notes_a_longer_list_once() -> None:
    cut: list[str] = []
    assert capped([1, 2, 3], 3, "incoming", cut) == [1, 2, 3] and cut == []
    assert capped([1, 2, 3, 4], 3, "incoming", cut) == [1, 2, 3]
    assert capped(list(range(9)), 3, "incoming", cut) == [0, 1, 2]
    assert cut == ["incoming"]


def test_page_with_more_incoming_links_than_shown_says_so() -> None:
    target = BASE + "person/popular"
    store = _store_with_links(target, IN_ROWS + 5)
    found = describe(store, target, Linker(BASE), "en")
    assert found is not None
    assert len(found.incoming) == IN_ROWS
    assert found.cut == ["incoming"]
    exact = describe(_store_with_links(target, IN_ROWS), target, Linker(BASE), "en")
    assert exact is not None and len(exact.incoming) == IN_ROWS and exact.cut == []


def test_profile_query_with_more_rows_than_shown_says_so(tmp_path: Path) -> None:
    target = BASE + "person/popular"
    store = _store_with_links(target, ANSWER_ROWS + 1)
    run = Runner(store, Settings(dist_dir=tmp_path / "dist"), Linker(BASE), "fr")
    text = f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {ANSWER_ROWS + 1}"
    assert len(run.small(text)) == ANSWER_ROWS
    assert run.cut == ["profile_answers"]
    assert message("cut_notice", "fr").startswith("Listes coupées")



def test_list_page_says_which_list_is_cut() -> None:
    from villegraph.web.pages import render

    page = render(
        "list.html", lang="fr", path="/people", title="Personnes", items=[], cut=["people"]
    )
    text = bytes(page.body).decode()
    assert f'{message("cut_notice", "fr")} {message("people", "fr")} — ' in text
    assert 'href="/sparql"' in text
    whole = render("list.html", lang="en", path="/people", title="People", items=[], cut=[])
    assert message("cut_notice", "en") not in bytes(whole.body).decode()
