"""The second line of defence: query workers cannot open network connections at all."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_server import Listener

from villegraph.config import Settings
from villegraph.errors import StoreError
from villegraph.store import load_build
from villegraph.web.engine import WorkerPool

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.machine() not in ("x86_64", "aarch64"),
    reason="the sandbox is implemented for Linux on x86-64 and AArch64",
)

PROBE = """
import socket, sys
from villegraph.web.sandbox import deny_network
print("applied:", deny_network())
left, right = socket.socketpair()
left.sendall(b"unix ok"); print(right.recv(16).decode())
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    print("CONNECTED")
except OSError as error:
    print("refused:", error)
"""


def test_sandboxed_process_cannot_connect() -> None:
    listener = Listener()
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(listener.port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        listener.close()
    assert "seccomp socket filter" in done.stdout
    assert "unix ok" in done.stdout
    assert "refused:" in done.stdout and "CONNECTED" not in done.stdout
    assert listener.connections == 0


def test_worker_cannot_reach_a_service_even_past_the_guard(
    web_settings: Settings, tmp_path: Path
) -> None:
    """The query goes straight to a worker, as if the guard had been talked around."""
    store_path = load_build(web_settings.dist_dir, tmp_path / "store")
    pool = WorkerPool(store_path, size=1)
    listener = Listener()
    try:
        assert "seccomp socket filter" in pool.isolation
        query = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        # a client's SPARQL (op "protocol") is guarded in the worker itself
        protocol = {"query": query, "accept": None, "format": None}
        refused = pool.call(
            {"op": "protocol", **protocol, "max_rows": 10, "max_bytes": 10_000}, timeout=20
        )
        assert refused["status"] == "unsafe" and "SERVICE" in refused["message"]
        # the engine itself, past any guard (the op the server's own queries use)
        answer = pool.call({"op": "query", "query": query}, timeout=20)
        assert answer["status"] == "error"
        assert listener.connections == 0
        # the same worker still answers ordinary queries
        ok = pool.call({"op": "query", "query": "ASK { ?s ?p ?o }"}, timeout=20)
        assert ok == {"status": "ok", "kind": "ask", "value": True}
    except StoreError:
        raise
    finally:
        listener.close()
        pool.close()
        pool.wait_closed(10)
