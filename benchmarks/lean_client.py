"""A lean HTTP/1.1 client for load runs on loopback: one kept-alive connection per client,
requests written as prepared bytes, answers read by Content-Length or chunks.

On a two-core machine the load generator shares the processors with the server it measures.
httpx costs about 1.5 ms of CPU a request in one process, so sixteen httpx clients top out near
300 requests a second whatever the server does, and the ratio of two servers' throughputs is
pulled towards 1. This client spends a few tens of microseconds a request, so the figures are
the servers'.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import quote_plus


def get_request(host: str, path: str, query: str, accept: str) -> bytes:
    """The bytes of `GET path?query=…` with `accept`, kept alive."""
    return (
        f"GET {path}?query={quote_plus(query)} HTTP/1.1\r\nHost: {host}\r\n"
        f"Accept: {accept}\r\nConnection: keep-alive\r\n\r\n"
    ).encode("ascii")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: bytes
    """The header block, lower-cased."""
    body: bytes


class Connection:
    """One kept-alive connection to `host:port`, opened again after a failure."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, request: bytes, timeout: float) -> Answer:
        """Send `request` and read its answer; TimeoutError past `timeout` seconds, OSError or
        asyncio.IncompleteReadError when the connection broke (it is reopened next time)."""
        try:
            return await asyncio.wait_for(self._exchange(request), timeout)
        except BaseException:
            self.close()
            raise

    async def _exchange(self, request: bytes) -> Answer:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(request)
        head = (await reader.readuntil(b"\r\n\r\n")).lower()
        status = int(head[9:12])
        length = _header(head, b"content-length")
        if length is not None:
            body = await reader.readexactly(int(length))
        elif _header(head, b"transfer-encoding") == b"chunked":
            body = await _chunks(reader)
        else:  # read to the end: the server closes the connection
            body = await reader.read()
            self.close()
        if _header(head, b"connection") == b"close":
            self.close()
        return Answer(status, head, body)

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


def _header(head: bytes, name: bytes) -> bytes | None:
    start = head.find(b"\r\n" + name + b":")
    if start < 0:
        return None
    start += len(name) + 3
    return head[start : head.index(b"\r\n", start)].strip()


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers are sent by either server
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
