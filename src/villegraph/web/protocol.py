"""The HTTP/1.1 connection handling of `villegraph serve`: uvicorn's httptools protocol with
bounds on what a client may send and how slowly.

- The request line and headers together are at most `MAX_HEAD_BYTES`, in at most
  `MAX_HEADERS` header lines: past either, **431** and the connection is closed (an unbounded
  header list is memory anyone can take).
- A connection must deliver its request head within `HEAD_TIMEOUT` seconds of opening (or of its
  first byte, for a later request on a kept-alive connection), and its body within
  `BODY_TIMEOUT` seconds of the head: past either, **408** and the connection is closed, so that
  half-sent requests do not hold connections open forever.
- At most `MAX_CONNECTIONS` connections and requests at once; more get uvicorn's 503.

`uvicorn_options()` gives the server options that go with it; the CLI and the tests' servers use
the same ones.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 32 * 1024
MAX_HEADERS = 100
HEAD_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0
KEEP_ALIVE = 5.0
MAX_CONNECTIONS = 1000

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """httptools' protocol that refuses oversized heads and closes stalled requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._header_count = 0
        self._refusal: tuple[int, str] | None = None
        self._timer: asyncio.TimerHandle | None = None

    # --- timers

    def _arm(self, seconds: float, message: str) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, self._expired, message)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self, message: str) -> None:
        self._timer = None
        if not self.transport.is_closing():
            self._answer_and_close(408, message)

    # --- refusals

    def _answer_and_close(self, status: int, message: str) -> None:
        body = (message + "\n").encode("ascii", "replace")
        head = b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])
        self.transport.write(
            head
            + b"content-type: text/plain; charset=utf-8\r\n"
            + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
            + body
        )
        self.transport.close()

    def _count(self, size: int, header: bool) -> None:
        self._head_bytes += size
        self._header_count += header
        if self._head_bytes > MAX_HEAD_BYTES:
            self._refusal = (431, f"request line and headers over {MAX_HEAD_BYTES} bytes")
        elif self._header_count > MAX_HEADERS:
            self._refusal = (431, f"more than {MAX_HEADERS} header lines")
        if self._refusal is not None:
            raise ValueError(self._refusal[1])  # stops the parser: see send_400_response

    def send_400_response(self, msg: str) -> None:
        """The parser stopped: answer the refusal that stopped it, if any, else uvicorn's 400."""
        if self._refusal is not None:
            self._answer_and_close(*self._refusal)
        else:
            super().send_400_response(msg)

    # --- connection and parser callbacks

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(HEAD_TIMEOUT, f"no complete request head within {HEAD_TIMEOUT:g} s")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refusal is not None or self.transport.is_closing():
            return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._header_count = 0
        self._arm(HEAD_TIMEOUT, f"no complete request head within {HEAD_TIMEOUT:g} s")

    def on_url(self, url: bytes) -> None:
        self._count(len(url), header=False)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4, header=True)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._arm(BODY_TIMEOUT, f"the request body did not arrive within {BODY_TIMEOUT:g} s")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()


def uvicorn_options() -> dict[str, Any]:
    """uvicorn settings for a public server: the bounded protocol and its limits."""
    return {
        "http": BoundedHttpToolsProtocol,
        "timeout_keep_alive": KEEP_ALIVE,
        "limit_concurrency": MAX_CONNECTIONS,
    }


__all__ = ["BoundedHttpToolsProtocol", "uvicorn_options"]
