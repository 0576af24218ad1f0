"""Connection-level bounds of the real server: oversized heads, stalled requests, bad bytes."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from villegraph.web import protocol


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=15)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture()
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT", 1.0)
    monkeypatch.setattr(protocol, "BODY_TIMEOUT", 1.0)


def test_too_many_headers_is_431_and_closed(web_server: str) -> None:
    with _connect(web_server) as sock:
        headers = "".join(f"X-Filler-{n}: x\r\n" for n in range(protocol.MAX_HEADERS + 5))
        sock.sendall(f"GET / HTTP/1.1\r\nHost: test\r\n{headers}\r\n".encode("ascii"))
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"header lines" in answer


def test_oversized_head_is_431_and_closed(web_server: str) -> None:
    with _connect(web_server) as sock:
        big = "x" * (protocol.MAX_HEAD_BYTES + 10)
        sock.sendall(f"GET / HTTP/1.1\r\nHost: test\r\nX-Big: {big}\r\n\r\n".encode("ascii"))
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert str(protocol.MAX_HEAD_BYTES).encode() in answer


def test_half_sent_head_is_closed_with_408(web_server: str, short_timeouts: None) -> None:
    with _connect(web_server) as sock:
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\nHost: te")
        answer = _read_all(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert waited < 10, "closed after the head deadline, not left open"


def test_silent_connection_is_closed(web_server: str, short_timeouts: None) -> None:
    with _connect(web_server) as sock:
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_stalled_body_is_closed_with_408(web_server: str, short_timeouts: None) -> None:
    with _connect(web_server) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK {"
        )
        answer = _read_all(sock)
    assert b"408 Request Timeout" in answer


def test_kept_alive_connection_still_serves_requests(web_server: str) -> None:
    with httpx.Client() as client:
        for _ in range(3):
            assert client.get(web_server + "/sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"query=%FF%FE", b"not UTF-8"),  # percent-escapes: refused by the endpoint
        (b"query=ASK%20%7B%7D&x=%C3", b"not UTF-8"),
        (b"query=ASK%20%7B%7D&x=\xff", b"Invalid HTTP request"),  # raw bytes: by the parser
    ],
)
def test_get_parameters_that_are_not_utf8_are_400(web_server: str, raw: bytes, says: bytes) -> None:
    with _connect(web_server) as sock:
        sock.sendall(b"GET /sparql?" + raw + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert says in answer
