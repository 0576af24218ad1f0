"""Resource pages and profiles never cut a list silently: a longer list is shortened and noted,
and the page says so."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from villegraph.config import Settings
from villegraph.store import EmbeddedStore
from villegraph.web.capping import capped
from villegraph.web.i18n import message
from villegraph.web.pages import IN_ROWS, Linker, describe
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
    assert f"{message('cut_notice', 'fr')} {message('people', 'fr')} — " in text
    assert 'href="/sparql"' in text
    whole = render("list.html", lang="en", path="/people", title="People", items=[], cut=[])
    assert message("cut_notice", "en") not in bytes(whole.body).decode()


SH = "http://www.w3.org/ns/shacl#"
QUALITY = ox.NamedNode(BASE + "graph/quality")


def _store_with_warnings(count: int) -> EmbeddedStore:
    store = EmbeddedStore()
    focus = ox.NamedNode(BASE + "event/seance-1")
    quads = []
    for i in range(count):
        result = ox.NamedNode(f"{BASE}quality/result-{i}")
        quads += [
            ox.Quad(result, ox.NamedNode(SH + "focusNode"), focus, QUALITY),
            ox.Quad(
                result, ox.NamedNode(SH + "resultSeverity"), ox.NamedNode(SH + "Warning"), QUALITY
            ),
            ox.Quad(
                result,
                ox.NamedNode(SH + "resultMessage"),
                ox.Literal(f"doubt {i}", language="en"),
                QUALITY,
            ),
        ]
    store.oxigraph.extend(quads)
    return store


def test_more_doubts_than_read_are_noted_as_cut() -> None:
    from villegraph.web.doubts import DOUBT_ROWS, doubts

    cut: list[str] = []
    found = doubts(_store_with_warnings(DOUBT_ROWS + 1), "en", cut=cut)
    assert sum(len(messages) for messages in found.values()) == DOUBT_ROWS
    assert cut == ["doubts"]
    whole: list[str] = []
    found = doubts(_store_with_warnings(3), "en", cut=whole)
    assert sorted(found[BASE + "event/seance-1"]) == ["doubt 0", "doubt 1", "doubt 2"]
    assert whole == []


def _store_with_sessions(count: int) -> EmbeddedStore:
    vg, schema = "https://w3id.org/villegraph/def#", "https://schema.org/"
    cycle = ox.NamedNode(BASE + "event/cycle")
    quads = [ox.Quad(cycle, ox.NamedNode(RDF_TYPE), ox.NamedNode(vg + "WebinarSeries"), GRAPH)]
    for i in range(count):
        session = ox.NamedNode(f"{BASE}event/s{i}")
        quads += [
            ox.Quad(session, ox.NamedNode(schema + "superEvent"), cycle, GRAPH),
            ox.Quad(
                session,
                ox.NamedNode(vg + "programmePosition"),
                ox.Literal(str(i + 1), datatype=ox.NamedNode(XSD_INTEGER)),
                GRAPH,
            ),
        ]
    store = EmbeddedStore()
    store.oxigraph.extend(quads)
    return store


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def test_programme_with_more_sessions_than_read_names_the_cut_list() -> None:
    from villegraph.web.pages import render
    from villegraph.web.programme import PROGRAMME_ROWS, programme

    cut: list[str] = []
    cycles = programme(_store_with_sessions(PROGRAMME_ROWS + 1), BASE, "en", cut)
    assert len(cycles) == 1 and len(cycles[0].sessions) == PROGRAMME_ROWS
    assert cut == ["sessions"]
    page = bytes(render("programme.html", lang="en", cycles=[], cut=cut).body).decode()
    assert f"{message('cut_notice', 'en')} {message('sessions', 'en')} — " in page
    small: list[str] = []
    cycles = programme(_store_with_sessions(3), BASE, "en", small)
    assert [s.position for s in cycles[0].sessions] == [1, 2, 3] and small == []


def test_parameter_choices_cut_offer_free_input_and_say_so() -> None:
    from types import SimpleNamespace

    from villegraph.web.pages import render
    from villegraph.web.querypages import CHOICE_ROWS, _choices

    person = SimpleNamespace(name="person", kind="iri")
    store = EmbeddedStore()
    name = ox.NamedNode("http://xmlns.com/foaf/0.1/name")
    kind = ox.NamedNode("http://xmlns.com/foaf/0.1/Person")
    store.oxigraph.extend(
        q
        for i in range(CHOICE_ROWS + 1)
        for q in (
            ox.Quad(ox.NamedNode(f"{BASE}person/p{i:05d}"), ox.NamedNode(RDF_TYPE), kind, GRAPH),
            ox.Quad(
                ox.NamedNode(f"{BASE}person/p{i:05d}"), name, ox.Literal(f"Person {i:05d}"), GRAPH
            ),
        )
    )
    offered = _choices(store, person, "en")
    assert offered.cut and len(offered.values) == CHOICE_ROWS
    assert offered.values[0] == (f"{BASE}person/p00000", "Person 00000")
    context = {
        "q": SimpleNamespace(name="members", text=""),
        "shown": {"title": "t", "title_lang": "en", "description": "", "description_lang": "en"},
        "params": [person],
        "raw": {"person": ""},
        "choices": {"person": offered},
        "table": None,
        "variables": [],
        "error": None,
        "links": [],
        "truncated": False,
        "page": None,
    }
    page = bytes(render("canned.html", lang="en", **context).body).decode()
    assert '<input id="p-person" name="person" value="" list="c-person"' in page
    assert "<select" not in page
    assert f"Only the first {CHOICE_ROWS} (by name) are offered" in page
    store.oxigraph.remove(
        ox.Quad(ox.NamedNode(f"{BASE}person/p01000"), ox.NamedNode(RDF_TYPE), kind, GRAPH)
    )
    whole = _choices(store, person, "en")
    assert not whole.cut and len(whole.values) == CHOICE_ROWS
    context["choices"] = {"person": whole}
    page = bytes(render("canned.html", lang="en", **context).body).decode()
    assert '<select id="p-person" name="person">' in page and "Only the first" not in page
