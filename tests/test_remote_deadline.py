"""A total deadline for every remote request, against real loopback servers that answer too slowly.

Each slow server is a plain TCP server in a thread: it reads the request, then trickles the
answer (one byte every half second, or its headers themselves that way), stalls halfway through
the body, or never answers. Without a total deadline the trickle alone would take minutes; with
it, each call ends a little after its deadline.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures_server import SAMPLE_TRIG, ServerThread, free_port, write_dist

from villegraph.cli import main
from villegraph.config import Settings
from villegraph.errors import QueryTimeout
from villegraph.remote import Deadline, RemoteStore

INTERVAL = 0.5
"""Seconds between two bytes of a trickled answer."""
BODY_BYTES = 400
"""Length of a slow answer's body: 400 bytes at one per 0.5 s take 200 s to arrive."""
LIFETIME = 120.0
"""No server thread lives longer than this, whatever the client does."""
UPPER_BOUND = 10.0
"""A call with a 1-2 s deadline must end within this, even on a loaded 2-core machine."""
MODES = ["trickle", "headers", "stall", "silent"]
ASK_TRUE = b'{"head": {}, "boolean": true}'


@dataclass
class SlowServer:
    """A misbehaving HTTP server on 127.0.0.1 and the request lines it has read."""

    url: str
    seen: list[str] = field(default_factory=list)


def _read_request(conn: socket.socket) -> str:
    """Read one HTTP request (headers and a Content-Length body); its request line."""
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 1 << 16:
        chunk = conn.recv(4096)
        if not chunk:
            return ""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        body += chunk
    return head.split(b"\r\n", 1)[0].decode("latin-1")


@contextlib.contextmanager
def slow_endpoint(
    mode: str, *, interval: float = INTERVAL, body: bytes | None = None
) -> Iterator[SlowServer]:
    """Serve answers too slowly on a free loopback port until the block ends.

    trickle: status line and headers at once, then the body one byte every `interval` s;
    headers: the status line and headers themselves one byte at a time, then the body so;
    stall: headers and half the body at once, then nothing; silent: never a byte.
    Every loop stops when the block ends, when the client goes away, or after LIFETIME.
    """
    payload = body if body is not None else ASK_TRUE.ljust(BODY_BYTES)
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    server = SlowServer(f"http://127.0.0.1:{listener.getsockname()[1]}/sparql")
    threads: list[threading.Thread] = []

    def drip(conn: socket.socket, data: bytes) -> None:
        for index in range(len(data)):
            if stop.wait(interval):
                return
            conn.sendall(data[index : index + 1])

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                server.seen.append(_read_request(conn))
                if mode == "trickle":
                    conn.sendall(head)
                    drip(conn, payload)
                elif mode == "headers":
                    drip(conn, head + payload)
                elif mode == "stall":
                    conn.sendall(head + payload[: len(payload) // 2])
                    stop.wait(LIFETIME)
                else:
                    stop.wait(LIFETIME)
            except OSError:  # the client gave up and closed the connection
                return

    def accept() -> None:
        end = time.monotonic() + LIFETIME
        while not stop.is_set() and time.monotonic() < end:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=answer, args=(conn,), daemon=True)
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(5)
        listener.close()
        for thread in threads:
            thread.join(5)


def _timed(call) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    try:
        outcome: object = call()
    except QueryTimeout as error:
        outcome = error
    return time.monotonic() - start, outcome


def test_the_slow_answers_would_take_minutes() -> None:
    assert BODY_BYTES * INTERVAL > 60


def test_deadline_counts_down() -> None:
    deadline = Deadline(0.2)
    assert 0 < deadline.left() <= 0.2
    time.sleep(0.25)
    with pytest.raises(TimeoutError, match=r"0\.2 s deadline"):
        deadline.left()


def test_a_slow_but_timely_answer_is_read_whole() -> None:
    """Many small reads through the deadline-bound socket add up to the right answer."""
    with slow_endpoint("trickle", interval=0.01, body=ASK_TRUE) as server:
        store = RemoteStore(server.url, timeout=20)
        elapsed, answer = _timed(lambda: store.ask("ASK {}"))
    assert answer is True
    assert elapsed >= len(ASK_TRUE) * 0.01
    assert server.seen == ["POST /sparql HTTP/1.1"]


@pytest.mark.parametrize("mode", MODES)
def test_select_ends_at_its_deadline(mode: str) -> None:
    with slow_endpoint(mode) as server:
        store = RemoteStore(server.url, timeout=1.5)
        elapsed, outcome = _timed(lambda: store.select("SELECT * WHERE { ?s ?p ?o }"))
    assert isinstance(outcome, QueryTimeout), outcome
    assert str(outcome) == f"{server.url}: no complete answer within the 1.5 s deadline"
    assert 1.4 <= elapsed < UPPER_BOUND


@pytest.mark.parametrize(
    "operation", ["ask", "construct", "graphs", "triple_count", "per-call timeout", "update", "gsp"]
)
def test_every_remote_call_ends_at_its_deadline(operation: str) -> None:
    with slow_endpoint("trickle") as server:
        store = RemoteStore(
            server.url, timeout=1, update_endpoint=server.url, gsp_endpoint=server.url
        )
        triples = [
            ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"))
        ]
        calls = {
            "ask": lambda: store.ask("ASK {}"),
            "construct": lambda: store.construct("CONSTRUCT WHERE { ?s ?p ?o }"),
            "graphs": store.graphs,
            "triple_count": lambda: store.triple_count("http://e/g"),
            "per-call timeout": lambda: store.select("SELECT * {}", timeout=1.5),
            "update": lambda: store.update("DROP SILENT GRAPH <http://e/g>"),
            "gsp": lambda: store.replace_graph("http://e/g", triples),
        }
        elapsed, outcome = _timed(calls[operation])
    assert isinstance(outcome, QueryTimeout), outcome
    assert 0.9 <= elapsed < UPPER_BOUND
    assert server.seen, "the request reached the server"


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("mode", MODES)
def test_query_command_ends_at_its_deadline(mode: str) -> None:
    with slow_endpoint(mode) as server:
        command = ["query", "search", "text=données", "--endpoint", server.url]
        start = time.monotonic()
        result = CliRunner().invoke(main, command, env={"VILLEGRAPH_TIMEOUT": "2"})
        elapsed = time.monotonic() - start
    assert result.exit_code == 3, result.output
    line = _one_line(result.stderr)
    assert line == f"villegraph: error: {server.url}: no complete answer within the 2 s deadline"
    assert elapsed < UPPER_BOUND


@pytest.mark.parametrize("how", ["--gsp", "--update-endpoint"])
@pytest.mark.parametrize("mode", ["trickle", "silent"])
def test_push_ends_at_its_deadline(tmp_path: Path, how: str, mode: str) -> None:
    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "deadline-1")
    with slow_endpoint(mode) as server:
        command = ["push", "--endpoint", server.url, how, server.url, "--timeout", "2"]
        start = time.monotonic()
        result = CliRunner().invoke(main, [*command, "--dist", str(dist)])
        elapsed = time.monotonic() - start
    assert result.exit_code == 3, result.output
    assert "no complete answer within the 2 s deadline" in _one_line(result.stderr)
    assert elapsed < UPPER_BOUND
    assert len(server.seen) == 1  # the first request failed; the push stopped there


def test_serve_endpoint_ends_at_its_deadline_at_start() -> None:
    with slow_endpoint("trickle") as server:
        command = ["serve", "--endpoint", server.url, "--timeout", "2", "--port", str(free_port())]
        start = time.monotonic()
        result = CliRunner().invoke(main, command)
        elapsed = time.monotonic() - start
    assert result.exit_code == 3, result.output
    assert "within the 2 s deadline" in _one_line(result.stderr)
    assert elapsed < UPPER_BOUND


def test_web_answers_504_past_the_deadline(tmp_path: Path) -> None:
    """`serve --endpoint` once running: a trickling endpoint is a 504 after the deadline."""
    dist = write_dist(tmp_path / "dist", SAMPLE_TRIG, "deadline-web")
    with slow_endpoint("trickle") as server:
        settings = Settings(
            dist_dir=dist, store_dir=tmp_path / "store", endpoint=server.url, timeout=2
        )
        app_store = RemoteStore(server.url, timeout=2)
        from villegraph.web.app import create_app

        with ServerThread(create_app(settings, app_store)) as web:
            start = time.monotonic()
            answer = httpx.get(
                web.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60
            )
            elapsed = time.monotonic() - start
    assert answer.status_code == 504
    assert "within the 2 s deadline" in answer.text
    assert elapsed < UPPER_BOUND
