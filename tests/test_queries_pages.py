"""Canned queries that answer at scale and say how: pages ("rows 1 to 100, more follow"), the
header in two languages, parameters bound inside a leading sub-SELECT, a theme parameter that
refuses a role concept, shared themes compared on stated own work, and session-context quotes
cut to the sentence that names the theme."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import URIRef

from villegraph import lexer
from villegraph.config import Settings
from villegraph.errors import QueryError, UnknownResource
from villegraph.namespaces import DEFAULT_BASE_IRI
from villegraph.queries import CannedQuery, Catalogue, bind_values, run_canned
from villegraph.store import EmbeddedStore

B = DEFAULT_BASE_IRI
PAGED = """#+ title: Things
#+ title@fr: Choses
#+ description: Every thing.
#+ description@fr: Chaque
#+ description@fr: chose.
#+ empty: nothing
#+ empty@fr: rien
#+ page: 2
SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 2
"""


@pytest.fixture(scope="module")
def catalogue(settings: Settings) -> Catalogue:
    return Catalogue.load(settings.queries_dir)


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- the header: languages and pages ------------------------------------------------------------


def test_header_lines_carry_a_language() -> None:
    lines = lexer.header("#+ title: A\n#+ title@FR: B\nSELECT * {}")
    assert [(h.key, h.lang, h.value) for h in lines] == [("title", "", "A"), ("title", "fr", "B")]
    with pytest.raises(lexer.HeaderError, match="language tag"):
        lexer.header("#+ title@1: B\n")


def test_a_query_has_its_title_description_and_empty_note_in_french() -> None:
    query = CannedQuery.from_text("things", PAGED)
    assert query.title_in("fr") == ("Choses", "fr")
    assert query.description_in("fr") == ("Chaque chose.", "fr")
    assert query.title_in("en") == ("Things", "en")
    assert query.title_in("de") == ("Things", "en")  # no German: the English one, said so
    assert (query.empty, query.empty_in("fr")) == ("nothing", "rien")
    with pytest.raises(QueryError, match="only title, description and empty"):
        CannedQuery.from_text("x", "#+ param@fr: s (iri) x\nSELECT ?s {}")


def test_a_paged_query_gets_limit_and_offset_and_says_when_more_follow() -> None:
    query = CannedQuery.from_text("things", PAGED)
    assert query.page == 2
    assert query.signature() == "[limit=2] [offset=0]"
    store = EmbeddedStore()
    for n in range(5):
        store.oxigraph.add(
            ox.Quad(ox.NamedNode(f"http://e/{n}"), ox.NamedNode("http://e/p"), ox.Literal("o"))
        )
    first = run_canned(store, query, {})
    assert [str(r[0]) for r in first.rows] == ["http://e/0", "http://e/1"]
    assert (first.more, first.next_offset, first.page) == (True, 2, 2)
    assert first.notes == ["rows 1-2 shown, more follow: next page with offset=2 (limit=2)"]
    last = run_canned(store, query, {"offset": "4"})
    assert [str(r[0]) for r in last.rows] == ["http://e/4"]
    assert (last.more, last.next_offset, last.notes) == (False, None, [])
    beyond = run_canned(store, query, {"offset": "9"})
    assert beyond.notes == ["no rows from offset=9: the answer has fewer rows"]
    with pytest.raises(QueryError, match="'limit' must be 1 to"):
        run_canned(store, query, {"limit": "0"})


def test_a_paged_query_needs_its_one_limit() -> None:
    with pytest.raises(QueryError, match="exactly one 'LIMIT 2'"):
        CannedQuery.from_text("x", "#+ page: 2\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
    with pytest.raises(QueryError, match="positive number"):
        CannedQuery.from_text("x", "#+ page: none\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 3")


def test_parameters_are_bound_in_the_innermost_leading_subselect() -> None:
    text = (
        "SELECT ?s ?label ?x WHERE {\n"
        "  { SELECT ?s ?x WHERE { { SELECT ?s ?x WHERE { ?s ?p ?x } } ?s ?q ?o } LIMIT 5 }\n"
        "  OPTIONAL { ?s <http://e/label> ?label }\n"
        "}"
    )
    bound = bind_values(text, {"x": URIRef("http://e/x")})
    assert "{ SELECT ?s ?x WHERE { VALUES (?x) { (<http://e/x>) } ?s ?p ?x } }" in bound
    ox.Store().query(bound)  # valid SPARQL
    plain = bind_values("SELECT ?s WHERE { ?s ?p ?x }", {"x": URIRef("http://e/x")})
    assert plain.startswith("SELECT ?s WHERE { VALUES (?x)")


# --- on the real build ------------------------------------------------------------------------


def test_who_works_on_pages_add_up_to_the_whole_answer(catalogue, built_store) -> None:
    query = catalogue["who-works-on"]
    whole = run_canned(built_store, query, {"theme": "theme/data", "limit": "1000"})
    assert len(whole) > 4 and not whole.more
    pages, offset = [], 0
    while True:
        page = run_canned(
            built_store, query, {"theme": "theme/data", "limit": "4", "offset": str(offset)}
        )
        pages += page.rows
        if page.next_offset is None:
            break
        assert page.notes[-1].startswith(f"rows {offset + 1}-{offset + 4} shown, more follow")
        offset = page.next_offset
    assert pages == whole.rows


def test_a_role_concept_is_not_a_theme(catalogue, built_store) -> None:
    with pytest.raises(UnknownResource, match=r"no theme role/doctoral-student") as refused:
        run_canned(built_store, catalogue["who-works-on"], {"theme": "role/doctoral-student"})
    assert all("/theme/" in iri for iri, _ in refused.value.suggestions)
    # a role's label does not name a theme either
    with pytest.raises(UnknownResource):
        run_canned(built_store, catalogue["who-works-on"], {"theme": "doctorant"})
    # a theme still resolves, by IRI and by label
    found = run_canned(built_store, catalogue["who-works-on"], {"theme": "open data"})
    assert {str(r[0]) for r in found.rows} == {"Jean-Baptiste Chambon"}


def test_session_context_quotes_the_sentence_that_names_the_theme(
    catalogue, built_store, source_lines
) -> None:
    found = run_canned(
        built_store,
        catalogue["who-works-on"],
        {"theme": "theme/artificial-intelligence", "context": "true"},
    ).dicts()
    quotes = {str(r["quote"]) for r in found}
    line = source_lines[37]  # line 38: the session's description names artificial intelligence
    assert len(quotes) == 1
    quote = quotes.pop()
    assert quote in line and len(quote) < len(line)
    assert "intelligence artificielle" in quote
    assert quote.startswith("Les programmes de l'*open data*")
    assert quote.endswith("modernisation des administrations publiques.")


def test_shared_themes_compare_stated_themes_not_roll_ups(
    pipeline_settings: Settings, catalogue: Catalogue
) -> None:
    """Ada's talk and Bob's (added here) both state open data, a narrower theme of data and of
    digital: they share one theme, open data, not three."""
    from villegraph.build import build

    extra = pipeline_settings.data_dir / "bob-talk.ttl"
    extra.write_text(
        "@base <https://w3id.org/villegraph/> .\n"
        "@prefix vg: <https://w3id.org/villegraph/def#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        '<talk/bob-talk> a vg:Talk ; dcterms:title "Bob\'s talk"@en ;\n'
        "    schema:superEvent <event/session-1> ; vg:presenter <person/bob> ;\n"
        "    dcterms:subject <theme/open-data>, <theme/participation> .\n",
        encoding="utf-8",
    )
    report = build(pipeline_settings)
    store = EmbeddedStore.from_dist(report.out_dir)
    try:
        query = catalogue["shared-themes"]
        ada = run_canned(store, query, {"person": "person/ada"}).dicts()
        assert [(str(r["otherLabel"]), int(r["count"]), str(r["themes"])) for r in ada] == [
            ("Bob Test", 1, "données ouvertes")
        ]
        bob = run_canned(store, query, {"person": "person/bob"}).dicts()
        both_ways = [*ada, *bob]
        assert {(str(r["person"]), str(r["other"])) for r in both_ways} == {
            (B + "person/ada", B + "person/bob"),
            (B + "person/bob", B + "person/ada"),
        }
        assert run_canned(store, query, {"person": "person/ada", "min": "2"}).rows == []
    finally:
        store.close()


# --- CLI and HTTP -----------------------------------------------------------------------------


def _cli(built_dist: Path, project_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(built_dist), "VILLEGRAPH_ENDPOINT": ""}
    command = [sys.executable, "-m", "villegraph", "--root", str(project_root), "query", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_cli_says_a_page_is_cut_and_where_the_next_starts(
    built_dist: Path, project_root: Path
) -> None:
    result = _cli(built_dist, project_root, "who-works-on", "theme=theme/data", "limit=3")
    assert result.returncode == 0, result.stderr
    assert "villegraph: note: rows 1-3 shown, more follow: next page with offset=3" in (
        result.stderr
    )
    role = _cli(built_dist, project_root, "who-works-on", "theme=role/researcher")
    assert role.returncode == 2
    assert role.stderr.startswith("villegraph: error: parameter 'theme': no theme role/researcher")


def test_http_pages_link_the_next_page(live_server: str) -> None:
    params = {"theme": "theme/data", "limit": "3", "lang": "en"}
    page = httpx.get(live_server + "/queries/who-works-on", params=params, timeout=30)
    assert page.status_code == 200
    assert "rows 1 to 3" in page.text and "Result cut short: more rows follow." in page.text
    assert 'rel="next"' in page.text and "offset=3" in page.text
    french = httpx.get(
        live_server + "/queries/who-works-on", params={**params, "lang": "fr"}, timeout=30
    )
    assert "lignes 1 à 3" in french.text and "Page suivante" in french.text
    data = httpx.get(live_server + "/queries/who-works-on.csv", params=params, timeout=30)
    assert len(_csv(data.text)) == 3
    assert data.headers["X-Villegraph-Next-Offset"] == "3"
    assert "offset=3" in data.headers["Link"] and 'rel="next"' in data.headers["Link"]
    last = httpx.get(
        live_server + "/queries/who-works-on.csv", params={**params, "limit": "1000"}, timeout=30
    )
    assert "Link" not in last.headers


def test_http_role_concept_as_theme_is_404(live_server: str) -> None:
    params = {"theme": "role/doctoral-student"}
    page = httpx.get(live_server + "/queries/who-works-on", params=params, timeout=30)
    assert page.status_code == 404
    assert "no theme role/doctoral-student" in page.text


def test_http_queries_page_speaks_the_page_language(live_server: str) -> None:
    french = httpx.get(live_server + "/queries/", params={"lang": "fr"}, timeout=30)
    assert "Qui travaille sur un thème" in french.text
    assert "Who works on a theme" not in french.text
    english = httpx.get(live_server + "/queries/", params={"lang": "en"}, timeout=30)
    assert "Who works on a theme" in english.text
    assert "Qui travaille sur un thème" not in english.text
    one = httpx.get(live_server + "/queries/shared-themes", params={"lang": "fr"}, timeout=30)
    assert "<h1>Personnes qui partagent des thèmes</h1>" in one.text
