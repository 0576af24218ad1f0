"""`villegraph serve` as a real subprocess, and the app over a store other than the pool."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fixtures_server import SAMPLE_TRIG, ServerThread, free_port, write_dist

from villegraph.config import Settings
from villegraph.store import EmbeddedStore
from villegraph.web.app import create_app


def test_serve_command_serves_the_build(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "cli-1")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "villegraph",
        "serve",
        "--port",
        str(port),
        "--dist",
        str(dist),
        "--store",
        str(tmp_path / "store"),
        "--timeout",
        "2",
        "--workers",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        end = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < end, "server did not start"
                time.sleep(0.2)
        assert response.json()["boolean"] is True
        assert (tmp_path / "store" / "cli-1").is_dir()
        assert (tmp_path / "store" / "CURRENT").read_text().strip() == "cli-1"
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_serve_without_build_is_a_one_line_error(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "villegraph",
        "serve",
        "--port",
        str(free_port()),
        "--dist",
        str(tmp_path / "nothing"),
        "--store",
        str(tmp_path / "store"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.strip().count("\n") == 0
    assert "no build" in done.stderr and "Traceback" not in done.stderr


def test_app_over_a_plain_store(tmp_path: Path) -> None:
    """The app only needs the Store interface: an in-memory EmbeddedStore serves it too."""
    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "plain-1")
    settings = Settings(dist_dir=dist, store_dir=tmp_path / "store", max_rows=3)
    app = create_app(settings, EmbeddedStore.from_dist(dist))
    with ServerThread(app) as server:
        select = httpx.get(server.url + "/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert len(select.json()["results"]["bindings"]) == 3
        assert select.headers["x-villegraph-truncated"] == "true"
        csv = httpx.get(
            server.url + "/sparql",
            params={"query": "SELECT ?x { BIND(1 AS ?x) }"},
            headers={"Accept": "text/csv"},
        )
        assert csv.text.split() == ["x", "1"]
        turtle = httpx.get(
            server.url + "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s a ?c } LIMIT 2"},
            headers={"Accept": "text/turtle"},
        )
        assert turtle.status_code == 200 and turtle.headers["content-type"].startswith(
            "text/turtle"
        )
        page = httpx.get(server.url + "/person/ada-test.html?lang=en")
        assert "<h1>Ada Test</h1>" in page.text
        assert httpx.get(server.url + "/themes").status_code == 200


@pytest.mark.store
def test_app_over_a_remote_endpoint(tmp_path: Path) -> None:
    """`serve --endpoint`: the same pages and protocol over an Oxigraph server via RemoteStore."""
    from fixtures_stores import oxigraph_binary, oxigraph_server

    from villegraph.remote import RemoteStore

    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "remote-1")
    data = tmp_path / "oxigraph"
    data.mkdir()
    load = [oxigraph_binary(), "load", "--location", str(data / "db"), "--file"]
    subprocess.run([*load, str(dist / "villegraph.nq")], check=True, capture_output=True)
    with oxigraph_server(data) as remote:
        settings = Settings(dist_dir=dist, store_dir=tmp_path / "store", endpoint=remote.query_url)
        app = create_app(settings, RemoteStore(remote.query_url, timeout=10))
        with ServerThread(app) as server:
            query = {"query": "SELECT ?n { ?p <http://xmlns.com/foaf/0.1/name> ?n } ORDER BY ?n"}
            names = httpx.get(server.url + "/sparql", params=query).json()
            values = [b["n"]["value"] for b in names["results"]["bindings"]]
            assert "Ada Test" in values
            page = httpx.get(server.url + "/person/ada-test.html?lang=en")
            assert "<h1>Ada Test</h1>" in page.text and 'href="/talk/t1"' in page.text
            refused = {"query": "SELECT * { SERVICE <http://192.0.2.1/> { ?s ?p ?o } }"}
            assert httpx.get(server.url + "/sparql", params=refused).status_code == 400


def test_serve_on_a_taken_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import socket

    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "cli-taken")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "villegraph", "serve", "--port", str(port)]
        command += ["--dist", str(dist), "--store", str(tmp_path / "store")]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"villegraph: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert not (tmp_path / "store").exists(), "nothing loaded before the address was checked"
