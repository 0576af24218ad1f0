"""RemoteStore against real Virtuoso and Oxigraph servers on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fixtures_stores import StoreServer, basic_auth_proxy, free_port
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from villegraph.errors import QueryError, QueryTimeout, ResultTruncated, StoreError, UsageError
from villegraph.remote import RemoteStore, chunk_triples, json_to_term
from villegraph.store import Store

pytestmark = pytest.mark.store

EX = "http://example.org/vg-test/"
GRAPH = EX + "graph/one"


def _triples(count: int) -> list[ox.Triple]:
    p = ox.NamedNode(EX + "p")
    triples = [ox.Triple(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(f"v{i}")) for i in range(count)]
    blank = ox.BlankNode("b1")
    decimal = ox.NamedNode(str(XSD.decimal))
    triples += [
        ox.Triple(blank, p, ox.Literal("1.50", datatype=decimal)),
        ox.Triple(ox.NamedNode(EX + "s0"), ox.NamedNode(EX + "q"), blank),
        ox.Triple(
            ox.NamedNode(EX + "s0"), ox.NamedNode(EX + "label"), ox.Literal("été", language="fr")
        ),
    ]
    return triples


def _store(server: StoreServer, mode: str = "gsp", timeout: float = 30) -> RemoteStore:
    return RemoteStore(
        server.query_url,
        timeout=timeout,
        user=server.user,
        password=server.password,
        gsp_endpoint=server.gsp_url if mode == "gsp" else None,
        update_endpoint=server.update_url if mode == "update" else None,
        graph_prefix=EX,
    )


@pytest.fixture(params=["virtuoso", "oxigraph_server"])
def server(request: pytest.FixtureRequest) -> Iterator[StoreServer]:
    """Each real store in turn; the test graph is dropped afterwards (the servers are shared)."""
    server = request.getfixturevalue(request.param)
    yield server
    _store(server, "update").update(f"DROP SILENT GRAPH <{GRAPH}>")


@pytest.mark.parametrize("mode", ["gsp", "update"])
def test_replace_graph_is_idempotent_and_counted(server: StoreServer, mode: str) -> None:
    store = _store(server, mode)
    triples = _triples(1200)
    assert store.replace_graph(GRAPH, triples, chunk_size=500) == 1203
    # loading again replaces rather than adds, and a smaller graph shrinks it
    assert store.replace_graph(GRAPH, triples, chunk_size=500) == 1203
    assert store.replace_graph(GRAPH, triples[:10], chunk_size=4) == 10
    assert store.triple_count(GRAPH) == 10
    assert store.replace_graph(GRAPH, triples, chunk_size=700) == 1203
    assert GRAPH in store.graphs()
    assert store.graph_counts()[GRAPH] == 1203
    # the blank node kept one identity across the two triples that share it
    assert store.ask(f"ASK {{ <{EX}s0> <{EX}q> ?b . ?b <{EX}p> ?v }}")


def test_select_ask_construct_terms_and_bindings(server: StoreServer) -> None:
    store = _store(server)
    store.replace_graph(GRAPH, _triples(50))
    assert isinstance(store, Store)
    result = store.select(f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}", {"s": URIRef(EX + "s7")})
    assert result.variables == ["s", "o"]
    assert result.rows == [(URIRef(EX + "s7"), Literal("v7"))]
    label = store.select(f"SELECT ?l WHERE {{ <{EX}s0> <{EX}label> ?l }}")
    assert label.rows == [(Literal("été", lang="fr"),)]
    assert store.ask(f"ASK {{ <{EX}s1> ?p ?o }}") is True
    assert store.ask(f"ASK {{ <{EX}nothing> ?p ?o }}") is False
    graph = store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o FILTER(isBlank(?s)) }} }}"
    )
    (triple,) = list(graph)
    assert isinstance(triple[0], BNode)
    assert triple[2] == Literal("1.5", datatype=XSD.decimal)  # both stores canonicalise decimals
    capped = store.select(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}", max_rows=5)
    assert len(capped) == 5 and capped.truncated


def test_virtuoso_row_cap_is_detected(virtuoso: StoreServer) -> None:
    store = RemoteStore(virtuoso.query_url, timeout=60)
    assert virtuoso.max_rows is not None
    with pytest.raises(ResultTruncated, match="X-SPARQL-MaxRows"):
        store.select(
            "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y } LIMIT " + str(virtuoso.max_rows + 10)
        )


def test_bad_query_is_a_query_error(server: StoreServer) -> None:
    with pytest.raises(QueryError, match="rejected the query"):
        _store(server).select("SELECT ?a WHERE { ?a ?b }")


def test_wrong_password_is_refused(virtuoso: StoreServer) -> None:
    store = RemoteStore(
        virtuoso.query_url, timeout=10, user="dba", password="wrong", gsp_endpoint=virtuoso.gsp_url
    )
    with pytest.raises(StoreError, match="401"):
        store.replace_graph(GRAPH, _triples(3))


def test_digest_upload_larger_than_socket_buffers(virtuoso: StoreServer) -> None:
    """Regression: a big Graph Store chunk is signed up front, or Virtuoso resets the upload.

    A correctness test, not a timing one: Virtuoso may take long to ingest the chunk on a
    loaded machine, so the deadline is generous."""
    store = _store(virtuoso, timeout=180)
    try:
        assert store.replace_graph(GRAPH, _triples(60_000), chunk_size=60_000) == 60_003
    finally:
        _store(virtuoso, "update", timeout=180).update(f"DROP SILENT GRAPH <{GRAPH}>")


def test_unreachable_endpoint() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", timeout=2)
    with pytest.raises(StoreError, match="unreachable"):
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_silent_endpoint_times_out() -> None:
    import socket

    with socket.socket() as listener:  # accepts the connection, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        store = RemoteStore(f"http://127.0.0.1:{port}/sparql", timeout=1)
        with pytest.raises(QueryTimeout, match="no complete answer within the 1 s deadline"):
            store.ask("ASK {}")


def test_not_an_http_endpoint_and_no_write_target() -> None:
    with pytest.raises(UsageError):
        RemoteStore("ftp://example.org/sparql", timeout=1)
    with pytest.raises(UsageError, match="no way to write"):
        RemoteStore("http://127.0.0.1:1/sparql", timeout=1).replace_graph(GRAPH, [])


def test_chunks_are_bounded_and_keep_blank_nodes_together() -> None:
    triples = _triples(10)
    chunks = list(chunk_triples(triples, 4))
    assert [len(c) for c in chunks] == [4, 4, 3, 2]
    assert all(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
        for t in chunks[-1]
    )
    with pytest.raises(UsageError):
        list(chunk_triples(triples, 0))


def test_json_terms() -> None:
    assert json_to_term({"type": "uri", "value": EX}) == URIRef(EX)
    assert json_to_term({"type": "typed-literal", "datatype": str(XSD.integer), "value": "3"}) == (
        Literal("3", datatype=XSD.integer)
    )
    plain = json_to_term({"type": "literal", "datatype": str(XSD.string), "value": "x"})
    assert plain == Literal("x") and plain.datatype is None
    with pytest.raises(StoreError):
        json_to_term({"type": "triple", "value": ""})


def test_basic_auth_in_front_of_a_real_store(oxigraph_server: StoreServer) -> None:
    target = oxigraph_server.query_url.rsplit("/", 1)[0]
    with basic_auth_proxy(target, "reader", "pa:ss wörd") as proxy:
        store = RemoteStore(
            proxy.base + "/query",
            timeout=30,
            user="reader",
            password="pa:ss wörd",
            auth="basic",
            gsp_endpoint=proxy.base + "/store",
            graph_prefix=EX,
        )
        assert store.replace_graph(GRAPH, _triples(5), chunk_size=3) == 8
        assert store.ask(f"ASK {{ GRAPH <{GRAPH}> {{ <{EX}s4> ?p ?o }} }}") is True
        assert proxy.seen and all(header.startswith("Basic ") for header in proxy.seen[-3:])

        wrong = RemoteStore(
            proxy.base + "/query", timeout=10, user="reader", password="x", auth="basic"
        )
        with pytest.raises(StoreError, match="401"):
            wrong.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        anonymous = RemoteStore(proxy.base + "/query", timeout=10)
        with pytest.raises(StoreError, match="401"):
            anonymous.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")

        from click.testing import CliRunner

        from villegraph.cli import main

        command = ["query", "search", "text=été", "--endpoint", proxy.base + "/query"]
        refused = CliRunner().invoke(main, command)
        assert refused.exit_code == 3 and "401" in refused.output
        env = {"VILLEGRAPH_USER": "reader", "VILLEGRAPH_PASSWORD": "pa:ss wörd"}
        answered = CliRunner().invoke(main, [*command, "--auth", "basic"], env=env)
        assert answered.exit_code == 0, answered.output
        assert proxy.seen[-1].startswith("Basic ")
    _store(oxigraph_server, "update").update(f"DROP SILENT GRAPH <{GRAPH}>")
