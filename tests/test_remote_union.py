"""An endpoint whose default graph leaves out the named graphs is never a silent empty answer.

Real Oxigraph servers on loopback, one started without `--union-default-graph` (Oxigraph's own
default: queries without GRAPH see only the default graph, which villegraph never writes) and one
with it; and the shared Virtuoso, whose default graph is the union of all graphs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures_server import SAMPLE_TRIG, free_port, write_dist
from fixtures_stores import StoreServer, oxigraph_server
from rdflib import URIRef

from villegraph.cli import main
from villegraph.errors import StoreError
from villegraph.remote import RemoteStore

pytestmark = pytest.mark.store

BASE = "https://w3id.org/villegraph/"
ADA = URIRef(BASE + "person/ada-test")
FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")
ADVICE = "--union-default-graph"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small build whose named graphs are under the villegraph base IRI."""
    return write_dist(tmp_path_factory.mktemp("union") / "dist", SAMPLE_TRIG, "union-1")


@pytest.fixture(scope="module")
def separate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """An Oxigraph server started without --union-default-graph."""
    with oxigraph_server(tmp_path_factory.mktemp("oxi-separate"), union_default_graph=False) as s:
        yield s


@pytest.fixture(scope="module")
def union(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """An Oxigraph server started with --union-default-graph, empty at first."""
    with oxigraph_server(tmp_path_factory.mktemp("oxi-union")) as server:
        yield server


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _push(server: StoreServer, dist: Path) -> tuple[int, str, str]:
    return _run(
        "push", "--endpoint", server.query_url, "--gsp", server.gsp_url, "--dist", str(dist)
    )


def _store(server: StoreServer) -> RemoteStore:
    return RemoteStore(server.query_url, timeout=10, graph_prefix=BASE + "graph/")


def test_nothing_to_tell_on_an_empty_endpoint(union: StoreServer) -> None:
    store = _store(union)
    if store.graphs():
        pytest.skip("the server already holds data")
    assert store.default_graph_is_union() is None
    store.check_default_graph()  # no villegraph graph: nothing to refuse


def test_push_into_separate_default_graph_warns(separate: StoreServer, dist: Path) -> None:
    code, out, err = _push(separate, dist)
    assert code == 0, err
    assert out.count("verified") == 4  # the data are in place and counted
    warning = err.strip().splitlines()[-1]
    assert warning.startswith("villegraph: warning: " + separate.query_url)
    assert "does not include the named graphs" in warning
    assert ADVICE in warning and "tdb2:unionDefaultGraph true" in warning
    assert "Virtuoso" in warning


def test_query_refuses_separate_default_graph(separate: StoreServer, dist: Path) -> None:
    _push(separate, dist)
    # what the check guards against: the named graph holds the fact, the default graph does not
    store = _store(separate)
    assert store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"s": ADA, "p": FOAF_NAME})
    assert not store.ask("ASK { ?s ?p ?o }", {"s": ADA, "p": FOAF_NAME})
    assert store.default_graph_is_union() is False
    assert store.default_graph_is_union((ADA, FOAF_NAME)) is False
    with pytest.raises(StoreError, match=ADVICE):
        store.check_default_graph()

    code, out, err = _run("query", "search", "text=Ada", "--endpoint", separate.query_url)
    assert code == 3 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(f"villegraph: error: {separate.query_url}: the default graph")
    assert ADVICE in line


def test_serve_refuses_separate_default_graph(separate: StoreServer, dist: Path) -> None:
    _push(separate, dist)
    start = time.monotonic()
    code, _, err = _run(
        "serve", "--endpoint", separate.query_url, "--port", str(free_port()), "--timeout", "5"
    )
    assert code == 3
    (line,) = err.strip().splitlines()
    assert ADVICE in line
    assert time.monotonic() - start < 30


def test_union_default_graph_pushes_and_answers(union: StoreServer, dist: Path) -> None:
    code, out, err = _push(union, dist)
    assert code == 0, err
    assert "warning" not in err
    store = _store(union)
    assert store.default_graph_is_union() is True
    store.check_default_graph()
    code, out, err = _run("query", "search", "text=Ada", "--endpoint", union.query_url)
    assert code == 0, err
    assert "Ada Test" in out


def test_virtuoso_default_graph_is_the_union(virtuoso: StoreServer) -> None:
    graph = BASE + "graph/union-check"
    store = RemoteStore(
        virtuoso.query_url,
        timeout=30,
        user=virtuoso.user,
        password=virtuoso.password,
        gsp_endpoint=virtuoso.gsp_url,
        update_endpoint=virtuoso.update_url,
        graph_prefix=graph,
    )
    triple = ox.Triple(ox.NamedNode(str(ADA)), ox.NamedNode(str(FOAF_NAME)), ox.Literal("Ada"))
    try:
        store.replace_graph(graph, [triple])
        start = time.monotonic()
        assert store.default_graph_is_union() is True
        elapsed = time.monotonic() - start
        assert elapsed < 5, f"the check took {elapsed:.1f} s"
    finally:
        store.update(f"DROP SILENT GRAPH <{graph}>")
