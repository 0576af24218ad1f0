"""Doubts published with the data, on the real server: the SHACL report among the dumps, the
quality graph in the store, the warnings on the session page and in the programme query."""

from __future__ import annotations

import httpx
from rdflib import BNode, Graph, Literal

from villegraph.config import Settings
from villegraph.queries import Catalogue, run_canned
from villegraph.store import EmbeddedStore

BASE = "https://w3id.org/villegraph/"


def test_the_report_is_a_listed_dump(live_server: str) -> None:
    for language, heading in (("fr", "Rapport de validation"), ("en", "Validation report")):
        page = httpx.get(f"{live_server}/dumps/?lang={language}").text
        assert 'href="/dumps/shacl-report.ttl"' in page and heading in page
    response = httpx.get(live_server + "/dumps/shacl-report.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 0
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)
    text = httpx.get(live_server + "/dumps/shacl-report.txt")
    assert text.status_code == 200 and "2 warnings" in text.text
    assert httpx.get(live_server + "/dumps/shacl-report.ttl.gz").status_code == 200


def test_the_store_holds_the_quality_graph(live_server: str) -> None:
    query = f"""SELECT (COUNT(?r) AS ?n) WHERE {{ GRAPH <{BASE}graph/quality> {{
      ?r a <http://www.w3.org/ns/shacl#ValidationResult> ;
         <http://www.w3.org/ns/shacl#focusNode> <{BASE}event/seance-1> }} }}"""
    answer = httpx.get(live_server + "/sparql", params={"query": query, "format": "json"}).json()
    assert answer["results"]["bindings"][0]["n"]["value"] == "2"


def test_the_session_page_shows_its_doubts(live_server: str) -> None:
    french = httpx.get(live_server + "/event/seance-1.html?lang=fr").text
    assert "date imprimée <strong>27/11/22</strong> — douteux" in french
    assert "un dimanche" in french and "après la séance datée suivante" in french
    english = httpx.get(live_server + "/event/seance-1.html?lang=en").text
    assert "date as printed <strong>27/11/22</strong> — doubtful" in english
    assert "a Sunday" in english and "after the next dated session" in english
    other = httpx.get(live_server + "/event/seance-2.html?lang=en").text
    assert "doubtful" not in other


def test_programme_query_has_a_doubts_column(
    settings: Settings, built_store: EmbeddedStore
) -> None:
    catalogue = Catalogue.load(settings.queries_dir, base_iri=settings.base_iri)
    for language, word in (("fr", "dimanche"), ("en", "Sunday")):
        result = run_canned(built_store, catalogue["programme"], {"lang": language})
        assert "doubts" in result.variables
        doubts = {str(row["session"]): row.get("doubts") for row in result.dicts()}
        assert len(doubts) == 6
        first = doubts.pop(BASE + "event/seance-1")
        assert isinstance(first, Literal) and word in str(first)
        assert ("2022-03-17") in str(first), "both warnings"
        assert all(str(d) == "" for d in doubts.values()), "empty when none"


def test_the_programme_query_page_shows_the_doubts(live_server: str) -> None:
    page = httpx.get(live_server + "/queries/programme?cycle=&lang=en").text
    assert "?doubts" in page and "a Sunday" in page


def test_the_network_details_carry_the_doubt(live_server: str) -> None:
    english = httpx.get(live_server + "/graph/?focus=event/seance-1&lang=en").text
    assert '"de": "The session is dated 2022-11-27, a Sunday' in english.replace('":"', '": "')
    french = httpx.get(live_server + "/graph/?focus=event/seance-1&lang=fr").text
    assert "un dimanche" in french
    cycle = httpx.get(live_server + "/graph/?focus=event/seance-2&lang=en").text
    assert "a Sunday" not in cycle, "only the doubtful session carries it"
