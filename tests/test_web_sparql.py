"""The /sparql endpoint on a real server: formats (SPARQLWrapper), safety, deadline, caps, CORS."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import socket
import sys
import time

import httpx
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

PEOPLE = "SELECT ?p ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; <http://xmlns.com/foaf/0.1/name> ?name } ORDER BY ?name"  # noqa: E501
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s }"  # noqa: E501


def wrapper(base: str, fmt: str, query: str = PEOPLE) -> SPARQLWrapper:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(web_server: str) -> None:
    rows = wrapper(web_server, JSON).queryAndConvert()["results"]["bindings"]
    names = [r["name"]["value"] for r in rows]
    assert "Ada Test" in names and len(names) == 2


def test_sparqlwrapper_xml(web_server: str) -> None:
    document = wrapper(web_server, XML).queryAndConvert()
    values = [n.firstChild.data for n in document.getElementsByTagName("literal")]
    assert "Ada Test" in values


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(web_server: str, fmt: str, delimiter: str) -> None:
    text = wrapper(web_server, fmt).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0] in (["p", "name"], ["?p", "?name"])
    assert any("Ada Test" in cell for row in rows[1:] for cell in row)


def test_sparqlwrapper_ask_and_construct(web_server: str) -> None:
    ask = wrapper(web_server, JSON, "ASK { ?s a <http://xmlns.com/foaf/0.1/Person> }")
    assert ask.queryAndConvert()["boolean"] is True
    construct = wrapper(web_server, "turtle", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5")
    construct.setReturnFormat("turtle")
    graph = construct.queryAndConvert()
    parsed = Graph().parse(data=graph, format="turtle") if isinstance(graph, bytes) else graph
    assert len(parsed) == 5


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (PEOPLE, "application/sparql-results+json", "application/sparql-results+json"),
        (PEOPLE, "application/sparql-results+xml", "application/sparql-results+xml"),
        (PEOPLE, "text/csv", "text/csv"),
        (PEOPLE, "text/tab-separated-values", "text/tab-separated-values"),
        (PEOPLE, "*/*", "application/sparql-results+json"),
        (
            PEOPLE,
            "text/csv;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples", "application/n-triples"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json", "application/ld+json"),
        ("DESCRIBE <https://w3id.org/villegraph/person/ada-test>", "text/turtle", "text/turtle"),
    ],
)
def test_content_negotiation(web_server: str, query: str, accept: str, expected: str) -> None:
    response = httpx.get(
        web_server + "/sparql", params={"query": query}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "accept" in response.headers["vary"].lower()


def test_unacceptable_type_is_406(web_server: str) -> None:
    response = httpx.get(
        web_server + "/sparql", params={"query": PEOPLE}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406


def test_format_parameter_for_browsers(web_server: str) -> None:
    response = httpx.get(
        web_server + "/sparql",
        params={"query": PEOPLE, "format": "csv"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200 and response.text.startswith("p,name")


def test_post_forms(web_server: str) -> None:
    form = httpx.post(web_server + "/sparql", data={"query": PEOPLE})
    direct = httpx.post(
        web_server + "/sparql",
        content=PEOPLE.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


def test_service_description(web_server: str) -> None:
    response = httpx.get(web_server + "/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert response.status_code == 200
    assert any(str(o) == sd + "Service" for o in graph.objects())


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("select * { service <http://10.0.0.1/> { ?s ?p ?o } }", "SERVICE"),
        ("LOAD <http://example.org/data.ttl>", "LOAD"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
        ("PREFIX x: <http://e/> DROP ALL", "read-only"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ],
)
def test_unsafe_queries_refused(web_server: str, query: str, fragment: str) -> None:
    response = httpx.get(web_server + "/sparql", params={"query": query})
    assert response.status_code == 400
    assert fragment in response.text


def test_keywords_inside_strings_and_iris_are_not_refused(web_server: str) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE LOAD INSERT" AS ?x) } # SERVICE in a comment'
    response = httpx.get(
        web_server + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200 and "SERVICE LOAD INSERT" in response.text


def test_dataset_params_outside_the_dataset_are_400(web_server: str) -> None:
    params = {"query": "ASK {}", "default-graph-uri": "http://example.org/elsewhere"}
    assert httpx.get(web_server + "/sparql", params=params).status_code == 400
    params = {"query": "ASK {}", "named-graph-uri": "https://w3id.org/villegraph/graph/people"}
    assert httpx.get(web_server + "/sparql", params=params).status_code == 200


def test_update_refused(web_server: str) -> None:
    by_form = httpx.post(web_server + "/sparql", data={"update": "CLEAR ALL"})
    direct = httpx.post(
        web_server + "/sparql",
        content=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert by_form.status_code == direct.status_code == 403


def test_no_outbound_connection(web_server: str) -> None:
    """An audit hook records every socket connect made by this process during the attempts."""
    seen: list[object] = []
    active = [True]

    def hook(event: str, args: tuple) -> None:
        if active[0] and event == "socket.connect":
            seen.append(args[1])

    sys.addaudithook(hook)
    try:
        for query in (
            "SELECT * { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
            "LOAD <http://192.0.2.1/x.ttl>",
            "SELECT * FROM <http://192.0.2.1/g> { ?s ?p ?o }",
        ):
            with httpx.Client() as client:
                assert (
                    client.get(web_server + "/sparql", params={"query": query}).status_code == 400
                )
    finally:
        active[0] = False
    outbound = [a for a in seen if isinstance(a, tuple) and a[0] not in ("127.0.0.1", "::1")]
    assert outbound == []
    assert seen, "the hook saw the client's own loopback connections"


def test_malformed_query_gets_parser_message(web_server: str) -> None:
    response = httpx.get(web_server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert response.status_code == 400
    assert "syntax" in response.text.lower() and "Traceback" not in response.text


def test_truncation_is_signalled(web_server: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 500"
    response = httpx.get(web_server + "/sparql", params={"query": query})
    body = response.json()
    assert response.headers["x-villegraph-truncated"] == "true"
    assert body["truncated"] is True and len(body["results"]["bindings"]) == 50


def test_huge_query_is_refused_cleanly(web_server: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000
    response = httpx.post(
        web_server + "/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


def test_cors(web_server: str) -> None:
    response = httpx.get(
        web_server + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        web_server + "/sparql",
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


@pytest.mark.slow
def test_runaway_query_stopped_while_others_are_served(web_server: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        runaway = pool.submit(
            httpx.get, web_server + "/sparql", params={"query": CROSS}, timeout=60
        )
        time.sleep(0.3)
        quick = httpx.get(web_server + "/sparql", params={"query": PEOPLE}, timeout=10)
        quick_done = time.monotonic() - started
        slow = runaway.result()
        slow_done = time.monotonic() - started
    assert quick.status_code == 200 and len(quick.json()["results"]["bindings"]) == 2
    assert quick_done < 2.5, "the other client waited for the runaway query"
    assert slow.status_code == 504 and "deadline" in slow.text
    assert slow_done < 10
    time.sleep(1.5)
    again = httpx.get(web_server + "/sparql", params={"query": PEOPLE}, timeout=10)
    assert again.status_code == 200, "a fresh worker replaced the killed one"


def test_results_are_valid_json(web_server: str) -> None:
    response = httpx.get(web_server + "/sparql", params={"query": PEOPLE})
    names = {b["name"]["value"] for b in json.loads(response.text)["results"]["bindings"]}
    assert "<script>alert('x')</script> Evil & Co" in names


def test_free_port_server_is_loopback(web_server: str) -> None:
    host = httpx.URL(web_server).host
    assert socket.gethostbyname(host) == "127.0.0.1"


def test_browser_get_without_query_shows_the_query_page(web_server: str) -> None:
    response = httpx.get(web_server + "/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and 'id="yasgui"' in response.text
    assert '<form class="plain" method="get" action="/query">' in response.text


def test_service_description_as_json_ld(web_server: str) -> None:
    response = httpx.get(web_server + "/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert "sparql-service-description" in response.text
    assert httpx.get(web_server + "/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_wrong_method_and_missing_query(web_server: str) -> None:
    assert httpx.put(web_server + "/sparql", content=b"ASK {}").status_code == 405
    assert httpx.post(web_server + "/sparql", data={"x": "1"}).status_code == 400
    assert httpx.get(web_server + "/sparql", params=[("query", "ASK {}")] * 2).status_code == 400


@pytest.mark.parametrize("path", ["/sparql", "/query"])
def test_huge_get_is_refused_cleanly(web_server: str, path: str) -> None:
    import http.client
    from urllib.parse import urlencode

    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 300_000
    connection = http.client.HTTPConnection("127.0.0.1", httpx.URL(web_server).port, timeout=30)
    try:
        connection.request("GET", path + "?" + urlencode({"query": query}))
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert 400 <= response.status < 500
    assert b"Traceback" not in body
    assert httpx.get(web_server + "/sparql", params={"query": "ASK {}"}).status_code == 200


class _BrokenStore:
    """A store with a bug: every read raises an unexpected exception."""

    def graphs(self) -> list[str]:
        return []

    def select(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internal detail")

    ask = construct = select


def test_a_bug_is_a_logged_500_not_a_400(caplog: pytest.LogCaptureFixture) -> None:
    from fixtures_server import ServerThread

    from villegraph.config import Settings
    from villegraph.web.app import create_app

    app = create_app(Settings(), _BrokenStore())  # type: ignore[arg-type]
    with ServerThread(app) as server, caplog.at_level("ERROR"):
        response = httpx.get(server.url + "/sparql", params={"query": "ASK {}"})
    assert response.status_code == 500
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    logged = [r for r in caplog.records if r.exc_info]
    assert any("secret internal detail" in str(r.exc_info[1]) for r in logged)
