"""The server on the real build: every person and organisation dereferences, pages hold."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from rdflib import Graph, Literal, URIRef

from villegraph.store import EmbeddedStore

pytestmark = pytest.mark.slow


def test_every_listed_resource_dereferences(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        paths = []
        for listing in ("/people", "/organisations"):
            paths += re.findall(r'href="(/(?:person|org)/[a-z0-9-]+)"', client.get(listing).text)
        assert paths
        for path in paths:
            redirect = client.get(path, headers={"Accept": "text/turtle"})
            assert redirect.status_code == 303
            turtle = client.get(redirect.headers["location"])
            graph = Graph().parse(data=turtle.text, format="turtle")
            assert (URIRef("https://w3id.org/villegraph" + path), None, None) in graph
            html = client.get(path + ".html")
            assert html.status_code == 200 and "<h1>" in html.text


def test_home_counts_match_the_store(live_server: str, built_store: EmbeddedStore) -> None:
    page = httpx.get(live_server + "/").text
    triples = int(re.search(r'data-count="triples">(\d+)<', page).group(1))
    assert triples == built_store.triple_count()


def test_canned_queries_render(live_server: str) -> None:
    index = httpx.get(live_server + "/queries/").text
    names = re.findall(r'href="/queries/([a-z0-9-]+)"', index)
    assert names
    for name in names:
        response = httpx.get(f"{live_server}/queries/{name}", timeout=30)
        assert response.status_code == 200, name
        assert "Traceback" not in response.text


def test_who_works_on_has_choices_and_csv(live_server: str) -> None:
    page = httpx.get(live_server + "/queries/who-works-on").text
    themes = re.findall(r'<option value="(https://w3id.org/villegraph/theme/[^"]+)"', page)
    assert themes
    result = httpx.get(live_server + "/queries/who-works-on", params={"theme": themes[0]})
    assert result.status_code == 200
    csv = httpx.get(live_server + "/queries/who-works-on.csv", params={"theme": themes[0]})
    # label columns first
    assert csv.status_code == 200
    assert csv.text.splitlines()[0].startswith("personLabel,levelLabel,viaThemeLabel,")


def test_language_switch_keeps_the_query_parameters(live_server: str) -> None:
    theme = "https://w3id.org/villegraph/theme/citizen-participation"
    french = httpx.get(live_server + "/queries/who-works-on", params={"theme": theme}).text
    switch = re.search(r'<a href="([^"]*lang=en)"', french)
    assert switch, "the page offers an English switch"
    target = html.unescape(switch.group(1))
    assert target.startswith("/queries/who-works-on?theme=https%3A%2F%2Fw3id.org%2F")
    english = httpx.get(live_server + target).text
    # theme labels switch language; the quotes stay the French words of the source
    assert re.search(r">\s*citizen participation\s*<", english)
    assert not re.search(r">\s*participation citoyenne\s*<", english)
    assert "Quelles reconfigurations de la participation citoyenne" in english


def test_every_kind_of_minted_iri_dereferences(
    live_server: str, built_store: EmbeddedStore
) -> None:
    base = "https://w3id.org/villegraph/"
    found = built_store.select(
        "SELECT DISTINCT ?base ?s WHERE { ?s ?p ?o"
        " FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base)) }",
        {"base": Literal(base)},
    ).column("s")
    by_kind: dict[str, list[str]] = {}
    for iri in sorted(str(s) for s in found):
        by_kind.setdefault(iri[len(base) :].split("/")[0], []).append(iri)
    assert {"person", "org", "event", "talk", "theme", "source"} <= by_kind.keys()
    ontology = [k for k in by_kind if k.startswith("def")]
    assert ontology, "ontology terms are hash IRIs under {base}def"
    with httpx.Client(base_url=live_server, timeout=30) as client:
        assert client.get("/def").status_code == 200
        turtle = client.get("/def", headers={"Accept": "text/turtle"})
        assert turtle.headers["content-type"].startswith("text/turtle")
        assert "owl:Class" in turtle.text
        for kind in ontology:
            del by_kind[kind]
        for iris in by_kind.values():
            for iri in iris[:15]:
                path = "/" + iri[len(base) :]
                assert client.get(path).status_code == 303, path
                page = client.get(path + ".html")
                assert page.status_code == 200, path
                assert "Traceback" not in page.text
