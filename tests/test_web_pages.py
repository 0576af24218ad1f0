"""Linked-data pages on a real server: 303 pattern, documents, escaping, language, browsing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pyoxigraph as ox
import pytest
from offline_jsonld import to_graph
from rdflib import Graph, URIRef

from villegraph.terms import to_rdflib

BASE = "https://w3id.org/villegraph/"
ADA = "/person/ada-test"


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/html", ".html"),
        ("text/turtle", ".ttl"),
        ("application/n-triples", ".nt"),
        ("application/ld+json", ".jsonld"),
        ("text/html;q=0.2, text/turtle", ".ttl"),
        (None, ".html"),
    ],
)
def test_303_by_accept(web_server: str, accept: str | None, suffix: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(web_server + ADA, headers=headers)
    assert response.status_code == 303
    assert response.headers["location"] == ADA + suffix
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize(
    ("suffix", "rdf_format"),
    [
        (".ttl", ox.RdfFormat.TURTLE),
        (".nt", ox.RdfFormat.N_TRIPLES),
        (".jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_documents_by_suffix(web_server: str, suffix: str, rdf_format: ox.RdfFormat) -> None:
    response = httpx.get(web_server + ADA + suffix)
    assert response.status_code == 200
    if rdf_format == ox.RdfFormat.JSON_LD:  # its @context is the published one, loaded offline
        graph = to_graph(response.json(), BASE)
    else:
        graph = Graph()
        for quad in ox.parse(response.content, format=rdf_format):
            graph.add(tuple(to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))
    names = {str(o) for o in graph.objects(URIRef(BASE + "person/ada-test"))}
    assert "Ada Test" in names
    incoming = set(graph.subjects(None, URIRef(BASE + "person/ada-test")))
    assert URIRef(BASE + "talk/t1") in incoming


def test_406_and_404(web_server: str) -> None:
    assert httpx.get(web_server + ADA, headers={"Accept": "image/png"}).status_code == 406
    missing = httpx.get(web_server + "/person/nobody", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text
    assert httpx.get(web_server + "/person/nobody.ttl").status_code == 404
    assert httpx.get(web_server + "/nokind/x").status_code == 404


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            loads = key == "src" or (key == "href" and tag == "link")
            if loads and value:
                self.urls.append(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_hostile_label_is_escaped(web_server: str) -> None:
    page = httpx.get(web_server + "/person/evil.html").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Evil &amp; Co" in page
    people = httpx.get(web_server + "/people").text
    assert "<script>alert" not in people


@pytest.mark.parametrize(
    "path",
    [
        "/person/<script>.html",
        "/person/%00x",
        "/talk/" + "a" * 5000,
        "/theme/x%20y.ttl",
        "/person/ada-test.html?lang=<b>",
    ],
)
def test_malformed_paths_never_break(web_server: str, path: str) -> None:
    response = httpx.get(web_server + path, headers={"Accept": "text/html"})
    assert response.status_code in (200, 404)
    assert "Traceback" not in response.text and "<b>" not in response.text


@pytest.mark.parametrize("accept", ["", "garbage", "*/*;q=abc", "text/html;;;", ",,,", "a/b/c"])
def test_odd_accept_headers(web_server: str, accept: str) -> None:
    response = httpx.get(web_server + ADA, headers={"Accept": accept})
    assert response.status_code in (303, 406)


def test_resource_page_content(web_server: str) -> None:
    page = httpx.get(web_server + ADA + ".html?lang=en").text
    assert "<h1>Ada Test</h1>" in page
    assert 'href="/talk/t1"' in page, "incoming link from the talk"
    assert "Ada Test, doctorante au laboratoire" in page, "source passage"
    assert "lines 10–11" in page
    assert "Derived facts and their evidence" in page and "citizen participation" in page
    assert "/graph/?focus=https%3A%2F%2Fw3id.org%2Fvillegraph%2Fperson%2Fada-test" in page
    assert "/derived/works-on/abc" not in page, "attributions show as derived facts, not links"


def test_a_one_line_passage_says_line(web_server: str) -> None:
    page = httpx.get(web_server + "/talk/t1.html?lang=en").text
    assert "line 12 ·" in page and "lines 12" not in page


def test_language_switch_with_fallback(web_server: str) -> None:
    english = httpx.get(web_server + "/org/lab.html?lang=en").text
    french = httpx.get(web_server + "/org/lab.html?lang=fr").text
    assert "<h1>Test lab</h1>" in english
    assert "<h1>Laboratoire d&#39;essai</h1>" in french
    talk = httpx.get(web_server + "/talk/t1.html?lang=en").text
    assert "<h1>Une communication</h1>" in talk, "falls back to French when no English label"
    by_header = httpx.get(web_server + "/org/lab.html", headers={"Accept-Language": "en-GB"})
    assert "<h1>Test lab</h1>" in by_header.text


def test_home_page(web_server: str) -> None:
    page = httpx.get(web_server + "/").text
    assert re.search(r'data-count="people">2<', page)
    assert re.search(r'data-count="talks">1<', page)
    assert "etalab.gouv.fr/licence-ouverte" in page
    for link in ("/query", "/dumps/", "/themes", "/people", "/organisations"):
        assert f'href="{link}"' in page


def test_theme_tree_rolls_up_narrower_themes(web_server: str) -> None:
    page = httpx.get(web_server + "/themes?lang=en").text
    top = page.index("smart city")
    narrower = page.index("citizen participation")
    assert top < narrower
    between = page[top:narrower]
    assert "Ada Test" in between and "Une communication" in between, "rolled up to the parent"


def test_ontology_page(web_server: str) -> None:
    page = httpx.get(web_server + "/def?lang=en").text
    assert 'id="Talk"' in page and "A talk given in a session." in page
    assert 'id="worksOn"' in page


def test_pages_load_nothing_external(web_server: str) -> None:
    for path in (
        "/",
        ADA + ".html",
        "/themes",
        "/def",
        "/people",
        "/query",
        "/dumps/",
        "/person/nobody",
    ):
        collector = _Collector()
        collector.feed(httpx.get(web_server + path, headers={"Accept": "text/html"}).text)
        external = [u for u in collector.urls if re.match(r"(https?:)?//", u)]
        assert external == [], (path, external)
    css = httpx.get(web_server + "/static/vendor/yasgui/yasgui.min.css").text
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert not re.search(r"@import", css)
    script = httpx.get(web_server + "/static/query.js").text
    assert "http" not in script


def test_vendored_editor_is_served(web_server: str) -> None:
    response = httpx.get(web_server + "/static/vendor/yasgui/yasgui.min.js")
    assert response.status_code == 200 and "Yasgui" in response.text
    assert "sourceMappingURL" not in response.text


def test_plain_query_form_without_javascript(web_server: str) -> None:
    query = "SELECT ?name WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name }"
    page = httpx.get(web_server + "/query", params={"query": query}).text
    assert '<td><span class="literal">Ada Test</span></td>' in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    bad = httpx.get(web_server + "/query", params={"query": "SELECT * {"})
    assert bad.status_code == 400 and "syntax" in bad.text.lower()


def test_documents_have_etags_and_answer_304(web_server: str) -> None:
    french = httpx.get(web_server + ADA + ".html?lang=fr")
    english = httpx.get(web_server + ADA + ".html?lang=en")
    turtle = httpx.get(web_server + ADA + ".ttl")
    tags = {r.headers.get("etag") for r in (french, english, turtle)}
    assert None not in tags and len(tags) == 3, "one validator per document and language"
    assert "accept-language" in french.headers["vary"].lower()
    again = httpx.get(
        web_server + ADA + ".html?lang=fr", headers={"If-None-Match": french.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == french.headers["etag"]
    stale = httpx.get(web_server + ADA + ".ttl", headers={"If-None-Match": 'W/"other-build"'})
    assert stale.status_code == 200 and stale.text == turtle.text
