"""A query worker holding a small build in memory (`worker.open_store`): the same quads and the
same answers as the on-disk store, and the on-disk store past the threshold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from villegraph.config import Settings
from villegraph.queries import Catalogue
from villegraph.store import load_build
from villegraph.web import worker
from villegraph.web.engine import WorkerPool

ANY_QUAD = ox.Quad(
    ox.NamedNode("http://example.org/s"),
    ox.NamedNode("http://example.org/p"),
    ox.Literal("o"),
    ox.NamedNode("urn:villegraph-test:probe"),
)
"""Written and taken back to tell an in-memory store from one opened read-only."""
EXTRA = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?b ?p ?o WHERE { ?b ?p ?o FILTER(isBlank(?b)) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a <http://xmlns.com/foaf/0.1/Person> }",
]


@pytest.fixture(scope="module")
def store_path(built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_build(built_dist, tmp_path_factory.mktemp("memory") / "store")


def _nquads(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


CONCATENATED = re.compile(
    r'GROUP_CONCAT\([^;]*;\s*separator\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.I
)
"""A GROUP_CONCAT's separator and variable: its parts come in the engine's order, which SPARQL
leaves open (the two engines differ), so they are compared as sets."""


def _is_memory(store: ox.Store) -> bool:
    """Only the copy in memory takes a write (the on-disk store is opened read-only)."""
    try:
        store.add(ANY_QUAD)
    except RuntimeError:  # "transactions are only possible on read-write instances"
        return False
    store.remove(ANY_QUAD)
    store.remove_graph(ANY_QUAD.graph_name)
    return True


def test_a_small_store_is_copied_whole(store_path: Path) -> None:
    disk = worker.open_store(str(store_path))
    size = len(_nquads(disk))
    memory = worker.open_store(str(store_path), size)
    assert not _is_memory(disk) and _is_memory(memory)
    assert _nquads(memory) == _nquads(disk)
    assert sorted(str(g) for g in memory.named_graphs()) == sorted(
        str(g) for g in disk.named_graphs()
    )
    assert not _is_memory(worker.open_store(str(store_path), size - 1))  # one quad too many


def test_empty_named_graphs_are_copied(tmp_path: Path) -> None:
    made = ox.Store(str(tmp_path / "s"))
    made.add(ox.Quad(*ANY_QUAD.triple, ox.NamedNode("http://example.org/g")))
    made.add_graph(ox.NamedNode("http://example.org/empty"))
    made.flush()
    del made
    memory = worker.open_store(str(tmp_path / "s"), 10)
    assert _is_memory(memory)
    assert {g.value for g in memory.named_graphs()} == {
        "http://example.org/g",
        "http://example.org/empty",
    }
    assert memory.query("ASK { GRAPH <http://example.org/empty> { } }")


def _rows(store: ox.Store, text: str) -> object:
    answer = worker.handle(
        store,
        {
            "op": "protocol",
            "query": text,
            "accept": "application/sparql-results+json",
            "max_rows": 100_000,
            "max_bytes": 10**8,
        },
    )
    assert answer["status"] == "ok", answer
    body = json.loads(answer["body"])
    if "boolean" in body:
        return body["boolean"]
    rows = body["results"]["bindings"]
    for separator, variable in CONCATENATED.findall(text):
        for row in rows:
            if variable in row:
                row[variable]["value"] = sorted(row[variable]["value"].split(separator))
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def test_every_canned_query_answers_the_same(store_path: Path, settings: Settings) -> None:
    disk = worker.open_store(str(store_path))
    memory = worker.open_store(str(store_path), 10**6)
    catalogue = Catalogue.load(settings.queries_dir, base_iri=settings.base_iri)
    texts = [catalogue[name].text for name in catalogue.names()] + EXTRA
    assert len(texts) > len(EXTRA) + 5
    found = 0
    for text in texts:
        expected = _rows(disk, text)
        assert _rows(memory, text) == expected, text
        found += bool(expected)
    assert found >= len(texts) // 2  # the comparison is not between empty answers


def test_the_pool_answers_from_memory(store_path: Path) -> None:
    query = {"op": "query", "query": EXTRA[2]}
    pools = [WorkerPool(store_path, 1, in_memory_quads=n) for n in (0, 10**6)]
    try:
        counts = [pool.call(query, 30)["rows"] for pool in pools]
    finally:
        for pool in pools:
            pool.close()
            pool.wait_closed(10)
    assert counts[0] == counts[1] and counts[0][0][0].value != "0"
