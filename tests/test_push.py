"""`villegraph push`: the real build into real stores, idempotently, counts verified."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_stores import StoreServer, free_port

from villegraph.cli import main
from villegraph.remote import RemoteStore, read_quads_by_graph

pytestmark = pytest.mark.store

BASE = "https://w3id.org/villegraph/"


def _push(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["push", *args])
    return result.exit_code, result.output


def _expected(built_dist: Path) -> dict[str, int]:
    graphs = read_quads_by_graph(str(built_dist / "villegraph.nq"))
    return {name: len(set(triples)) for name, triples in graphs.items() if name}


def _counts(server: StoreServer) -> dict[str, int]:
    store = RemoteStore(server.query_url, timeout=30, graph_prefix=BASE + "graph/")
    return store.graph_counts()


def test_push_to_oxigraph_by_gsp_twice(built_dist: Path, oxigraph_server: StoreServer) -> None:
    args = ["--endpoint", oxigraph_server.query_url, "--gsp", oxigraph_server.gsp_url]
    args += ["--dist", str(built_dist)]
    for _ in range(2):  # idempotent: the second run leaves the same store
        code, output = _push(*args)
        assert code == 0, output
        assert _counts(oxigraph_server) == _expected(built_dist)
    assert f"{BASE}graph/people\t" in output and "verified" in output


def test_push_to_virtuoso_with_digest_auth(built_dist: Path, virtuoso: StoreServer) -> None:
    base = ["--endpoint", virtuoso.query_url, "--dist", str(built_dist)]
    base += ["--user", "dba", "--password", "dba"]
    code, output = _push(*base, "--gsp", virtuoso.gsp_url)
    assert code == 0, output
    assert _counts(virtuoso) == _expected(built_dist)
    # the same through SPARQL Update in small chunks
    code, output = _push(*base, "--update-endpoint", virtuoso.update_url, "--chunk-size", "100")
    assert code == 0, output
    assert _counts(virtuoso) == _expected(built_dist)


def test_push_one_graph_by_update(built_dist: Path, oxigraph_server: StoreServer) -> None:
    graph = BASE + "graph/talks"
    code, output = _push(
        "--endpoint", oxigraph_server.query_url, "--update-endpoint",
        oxigraph_server.update_url, "--graph", graph, "--dist", str(built_dist),
    )  # fmt: skip
    assert code == 0, output
    assert output.count("verified") == 1 and graph in output
    assert _counts(oxigraph_server)[graph] == _expected(built_dist)[graph]


def test_push_errors(built_dist: Path, virtuoso: StoreServer, tmp_path: Path) -> None:
    dist = ["--dist", str(built_dist)]
    code, output = _push("--endpoint", virtuoso.query_url, *dist)
    assert code == 2 and "exactly one of --gsp" in output
    code, output = _push(
        "--endpoint", virtuoso.query_url, "--gsp", virtuoso.gsp_url, "--graph", BASE + "nope", *dist
    )
    assert code == 2 and "not a named graph" in output
    code, output = _push(
        "--endpoint", virtuoso.query_url, "--gsp", virtuoso.gsp_url,
        "--user", "dba", "--password", "wrong", *dist,
    )  # fmt: skip
    assert code == 3 and "401" in output
    down = f"http://127.0.0.1:{free_port()}"
    code, output = _push("--endpoint", down + "/sparql", "--gsp", down + "/store", *dist)
    assert code == 3 and "unreachable" in output
    code, output = _push("--endpoint", down, "--gsp", down, "--dist", str(tmp_path))
    assert code == 2 and "no build" in output
