"""The store layer: loading a build into its own directory, the CURRENT pointer, the swap."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from fixtures_server import SAMPLE_TRIG, ServerThread, write_dist
from rdflib import URIRef

from villegraph.config import Settings
from villegraph.errors import QueryError, QueryTimeout, StoreError
from villegraph.store import (
    EmbeddedStore,
    build_id_of,
    current_store_path,
    load_build,
    remove_old_stores,
)
from villegraph.web.engine import PooledStore
from villegraph.web.safety import UnsafeRequest, check_query

PERSON = "http://xmlns.com/foaf/0.1/Person"


def test_load_build_and_pointer(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "b1")
    assert build_id_of(dist) == "b1"
    path = load_build(dist, tmp_path / "store")
    assert path == tmp_path / "store" / "b1"
    assert current_store_path(tmp_path / "store") == path
    store = EmbeddedStore(str(path), read_only=True)
    assert store.triple_count() > 20
    assert "https://w3id.org/villegraph/graph/people" in store.graphs()


def test_missing_build_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no build"):
        load_build(tmp_path, tmp_path / "store")


def test_remove_old_stores_keeps_the_live_one(tmp_path: Path) -> None:
    first = load_build(write_dist(tmp_path / "d1", SAMPLE_TRIG, "b1"), tmp_path / "store")
    second = load_build(write_dist(tmp_path / "d2", SAMPLE_TRIG, "b2"), tmp_path / "store")
    assert current_store_path(tmp_path / "store") == second
    assert remove_old_stores(tmp_path / "store", [second]) == [first]
    assert not first.exists() and second.exists()


def test_pooled_store_implements_the_interface(tmp_path: Path) -> None:
    path = load_build(write_dist(tmp_path / "dist", SAMPLE_TRIG, "b1"), tmp_path / "store")
    store = PooledStore(path, workers=1, timeout=5)
    try:
        query = "SELECT ?c ?x WHERE { ?x a ?c }"
        found = store.select(query, {"c": URIRef(PERSON)})
        assert {str(r[1]) for r in found.rows} == {
            "https://w3id.org/villegraph/person/ada-test",
            "https://w3id.org/villegraph/person/evil",
        }
        assert store.ask("ASK { ?x a ?c }", {"c": URIRef(PERSON)})
        graph = store.construct("CONSTRUCT WHERE { ?x a ?c }", {"c": URIRef(PERSON)})
        assert len(graph) == 2
        capped = store.select("SELECT * WHERE { ?s ?p ?o }", max_rows=3)
        assert len(capped) == 3 and capped.truncated
        with pytest.raises(QueryError, match="syntax"):
            store.select("SELECT * {")
    finally:
        store.close()


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("SELECT * { ?s ?p ?o }", False),
        ('SELECT * { ?s ?p "SERVICE <x> {}" }', False),
        ("SELECT * { ?s <http://e/SERVICE> ?service }", False),
        ("SELECT * { ?s ex:load ?o }", False),
        ("SELECT * { SeRvIcE <http://e/> { ?s ?p ?o } }", True),
        ("PREFIX g: <http://e/> SELECT * FROM g:x { ?s ?p ?o }", True),
        (
            "PREFIX g: <https://w3id.org/villegraph/graph/> SELECT * FROM g:people { ?s ?p ?o }",
            False,
        ),
        ("WITH <http://e/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("# comment SERVICE\nASK {}", False),
    ],
)
def test_safety_checks_tokens_not_substrings(query: str, refused: bool) -> None:
    graphs = {"https://w3id.org/villegraph/graph/people"}
    if refused:
        with pytest.raises(UnsafeRequest):
            check_query(query, graphs)
    else:
        assert check_query(query, graphs) in ("SELECT", "ASK")


@pytest.mark.slow
def test_new_build_is_swapped_in(tmp_path: Path) -> None:
    from villegraph.web.app import serve_embedded

    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "b1")
    settings = Settings(dist_dir=dist, store_dir=tmp_path / "store", timeout=5)
    app = serve_embedded(settings, workers=1, interval=0.2)
    query = {"query": "ASK { <https://w3id.org/villegraph/person/new> ?p ?o }"}
    with ServerThread(app) as server:
        assert httpx.get(server.url + "/sparql", params=query).json()["boolean"] is False
        first_tag = httpx.get(server.url + "/person/ada-test.ttl").headers["etag"]
        extra = "<https://w3id.org/villegraph/graph/people> { <https://w3id.org/villegraph/person/new> a <http://xmlns.com/foaf/0.1/Person> . }"  # noqa: E501
        write_dist(tmp_path / "dist", SAMPLE_TRIG + extra, "b2")
        end = time.monotonic() + 20
        answers = []
        while time.monotonic() < end:
            response = httpx.get(server.url + "/sparql", params=query)
            assert response.status_code == 200, "no request fails during the swap"
            answers.append(response.json()["boolean"])
            if answers[-1]:
                break
            time.sleep(0.1)
        assert answers[-1] is True
        fresh = httpx.get(server.url + "/person/ada-test.ttl", headers={"If-None-Match": first_tag})
        assert fresh.status_code == 200, "a new build invalidates the validators"
        assert current_store_path(settings.store_dir) == settings.store_dir / "b2"
        time.sleep(1)
        assert not (settings.store_dir / "b1").exists(), "the old store was removed"


@pytest.mark.slow
def test_a_request_waiting_during_a_swap_is_answered_by_the_new_store(tmp_path: Path) -> None:
    import threading

    first = load_build(write_dist(tmp_path / "d1", SAMPLE_TRIG, "w1"), tmp_path / "store")
    extra = "<https://w3id.org/villegraph/graph/people> { <https://w3id.org/villegraph/person/new> a <http://xmlns.com/foaf/0.1/Person> . }"  # noqa: E501
    second = load_build(write_dist(tmp_path / "d2", SAMPLE_TRIG + extra, "w2"), tmp_path / "store")
    store = PooledStore(first, workers=1, site_workers=1, timeout=20)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    asked = "ASK { <https://w3id.org/villegraph/person/new> ?p ?o }"
    answers: dict[str, object] = {}

    def run(name: str, call: object) -> None:
        try:
            answers[name] = call()  # type: ignore[operator]
        except Exception as error:  # the assertion below names it
            answers[name] = error

    busy = threading.Thread(target=run, args=("busy", lambda: store.select(slow, timeout=4)))
    busy.start()
    time.sleep(0.3)  # the only worker is busy
    waiting = threading.Thread(target=run, args=("waiting", lambda: store.ask(asked)))
    waiting.start()
    time.sleep(0.3)  # the second request waits for a worker of the first store
    assert not answers, "both requests are still running"
    started = time.monotonic()
    store.swap(second, remove_old=False)
    waiting.join(20)
    assert answers["waiting"] is True, f"answered from the new store: {answers['waiting']!r}"
    assert time.monotonic() - started < 3, "without waiting for the busy worker's deadline"
    busy.join(20)
    assert isinstance(answers["busy"], QueryTimeout)
    store.close()
