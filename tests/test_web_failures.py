"""One mapping from errors to HTTP answers: pages, canned queries and /sparql agree."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fixtures_server import ServerThread, free_port

from villegraph.config import Settings
from villegraph.errors import (
    ConfigError,
    QueryError,
    QueryTimeout,
    StoreError,
    UnknownResource,
    UsageError,
)
from villegraph.web.admission import Busy
from villegraph.web.engine import WorkerFailed, WorkerOutOfMemory
from villegraph.web.failures import NotFound, WebError, headers_of, message_of, status_of
from villegraph.web.safety import UnsafeRequest


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (UnknownResource("no theme x"), 404),
        (NotFound("no page"), 404),
        (UnsafeRequest("SERVICE is refused"), 400),
        (QueryError("bad"), 400),
        (UsageError("bad"), 400),
        (QueryTimeout("late"), 504),
        (WorkerFailed("bug"), 500),
        (WorkerOutOfMemory("too big"), 503),
        (StoreError("down"), 503),
        (ConfigError("bad setting"), 500),
        (Busy(429, "slow down", 2), 429),
        (WebError(415, "send UTF-8"), 415),
    ],
)
def test_status_table(error: Exception, status: int) -> None:
    assert status_of(error) == status


def test_messages_and_headers() -> None:
    assert message_of(QueryTimeout("stopped after 5 s")).endswith("add a LIMIT")
    assert message_of(WorkerFailed("KeyError: secret")) == "internal error while answering (logged)"
    assert message_of(StoreError("refused")) == "store unavailable: refused"
    assert headers_of(StoreError("refused")) == {"Retry-After": "5"}
    assert headers_of(Busy(429, "wait", 3)) == {"Retry-After": "3"}
    assert headers_of(QueryError("bad")) == {}


@pytest.fixture(scope="module")
def unreachable_store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a remote endpoint that refuses every connection (a closed loopback port)."""
    from villegraph.remote import RemoteStore
    from villegraph.web.app import create_app

    work = tmp_path_factory.mktemp("down")
    settings = Settings(dist_dir=work / "dist", store_dir=work / "store", timeout=3.0)
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", timeout=3.0)
    with ServerThread(create_app(settings, store)) as server:
        yield server.url


def test_a_store_failure_is_503_everywhere(unreachable_store_server: str) -> None:
    base = unreachable_store_server
    page = httpx.get(base + "/person/ada-test.html", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "store unavailable" in page.text and "<html" in page.text.lower()
    sparql = httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert sparql.status_code == 503
    assert sparql.text.startswith("store unavailable")
    text = httpx.get(base + "/person/ada-test.ttl")
    assert text.status_code == 503
    assert "Traceback" not in page.text + sparql.text + text.text
