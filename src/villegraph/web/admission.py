"""Admission control: who may run a query now, who waits, and who is told to come back later.

Every request that reads the store passes through a `Lane` before it takes a worker thread:

- **Two lanes.** `open` serves arbitrary SPARQL (`/sparql`, `/query?query=`); `site` serves pages,
  canned queries and the network view, on worker processes of its own: a page never waits behind
  someone's SPARQL. Dumps and static files take no lane at all.
- **Bounded queues.** A client address may have `per_client` requests running or waiting in a
  lane; one more is answered at once with 429 and `Retry-After`. At most `max_waiting` requests
  wait in a lane; one more gets 503 and `Retry-After`. A request that waited `max_wait` seconds
  without a worker gets 503 too: nobody waits out a whole deadline in a queue.
- **Heavy requests and the reserve.** A client whose query ran longer than `fast` seconds is
  *heavy* for `heavy_window` seconds, and so is that query's text (its tokens, comments and
  spacing aside: many clients looping one expensive query are recognised after its first run).
  Heavy requests share the `general` workers only; the `reserve` workers serve the others, with
  `fast` as their deadline. So clients looping deadline-long queries occupy the general workers,
  and cheap queries still find a worker; an unknown long query costs the reserve at most `fast`
  seconds, after which its client and its text are heavy (it is answered 503 "retry", and may
  run again on a general worker).

Everything here runs on the event loop (no locks); the grant's `deadline` is what the caller
passes on to the worker pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_MARKS = 10_000
"""Heavy marks kept before expired ones are swept."""


class Busy(Exception):
    """The lane cannot take the request now: answer `status` with `Retry-After`."""

    def __init__(self, status: int, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Grant:
    """Permission to run: on a reserve worker or not, and the deadline to run under."""

    reserve: bool
    deadline: float


@dataclass
class _Waiter:
    client: str
    heavy: bool
    future: asyncio.Future[Grant] = field(repr=False)


@dataclass
class LaneLimits:
    """The numbers of one lane (see the module docstring)."""

    general: int
    reserve: int = 0
    per_client: int = 4
    max_waiting: int = 32
    max_wait: float = 10.0
    deadline: float = 10.0
    fast: float = 1.0
    heavy_window: float = 60.0


class Lane:
    """Admission to one lane's workers."""

    def __init__(self, name: str, limits: LaneLimits) -> None:
        self.name = name
        self.limits = limits
        self._running_general = 0
        self._running_reserve = 0
        self._per_client: dict[str, int] = {}
        self._heavy_until: dict[str, float] = {}
        """Heavy clients and heavy query texts (keys `client:…` and `query:…`) → until when."""
        self._waiting: deque[_Waiter] = deque()

    def _marked(self, key: str) -> bool:
        until = self._heavy_until.get(key)
        if until is None:
            return False
        if until < time.monotonic():
            del self._heavy_until[key]
            return False
        return True

    def is_heavy(self, client: str, query_key: str | None = None) -> bool:
        """True while `client`, or the query text `query_key`, is within its heavy window."""
        if self._marked("client:" + client):
            return True
        return query_key is not None and self._marked("query:" + query_key)

    def _mark(self, client: str, query_key: str | None) -> None:
        if len(self._heavy_until) > MAX_MARKS:
            now = time.monotonic()
            self._heavy_until = {k: u for k, u in self._heavy_until.items() if u >= now}
        until = time.monotonic() + self.limits.heavy_window
        self._heavy_until["client:" + client] = until
        if query_key is not None:
            self._heavy_until["query:" + query_key] = until

    def _try_grant(self, heavy: bool) -> Grant | None:
        limits = self.limits
        if self._running_general < limits.general:
            self._running_general += 1
            return Grant(reserve=False, deadline=limits.deadline)
        if not heavy and self._running_reserve < limits.reserve:
            self._running_reserve += 1
            return Grant(reserve=True, deadline=min(limits.fast, limits.deadline))
        return None

    async def acquire(self, client: str, query_key: str | None = None) -> Grant:
        """A grant for `client`, at once or after a bounded wait; Busy if it cannot be had."""
        limits = self.limits
        if self._per_client.get(client, 0) >= limits.per_client:
            raise Busy(
                429,
                f"too many requests from {client} at once in the {self.name} lane "
                f"(at most {limits.per_client}); wait for an answer before sending more",
                math.ceil(limits.fast),
            )
        heavy = self.is_heavy(client, query_key)
        # Waiters are woken whenever a worker frees, so any that remain cannot use a free one.
        grant = self._try_grant(heavy)
        if grant is None:
            grant = await self._wait(client, heavy)
        self._per_client[client] = self._per_client.get(client, 0) + 1
        return grant

    async def _wait(self, client: str, heavy: bool) -> Grant:
        limits = self.limits
        if len(self._waiting) >= limits.max_waiting:
            raise Busy(
                503,
                f"the server is busy: {len(self._waiting)} requests already wait "
                f"in the {self.name} lane",
                self._retry_after(),
            )
        waiter = _Waiter(client, heavy, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        self._per_client[client] = self._per_client.get(client, 0) + 1
        taken = False
        try:
            try:
                grant = await asyncio.wait_for(asyncio.shield(waiter.future), limits.max_wait)
            except TimeoutError:
                if not waiter.future.done() or waiter.future.cancelled():
                    raise Busy(
                        503,
                        f"no worker of the {self.name} lane became free "
                        f"within {limits.max_wait:g} s",
                        self._retry_after(),
                    ) from None
                grant = waiter.future.result()
            taken = True
            return grant
        finally:
            self._per_client[client] -= 1
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            if not waiter.future.done():
                waiter.future.cancel()
            elif not taken and not waiter.future.cancelled():
                self._give_back(waiter.future.result())  # granted while the caller left

    def _retry_after(self) -> int:
        return max(1, math.ceil(self.limits.deadline / 2))

    def _give_back(self, grant: Grant) -> None:
        if grant.reserve:
            self._running_reserve -= 1
        else:
            self._running_general -= 1
        self._wake()

    def release(
        self, client: str, grant: Grant, elapsed: float, query_key: str | None = None
    ) -> None:
        """Give the worker back; a query that ran past `fast` makes its client (and text) heavy."""
        left = self._per_client.get(client, 1) - 1
        if left:
            self._per_client[client] = left
        else:
            self._per_client.pop(client, None)
        if elapsed >= self.limits.fast and self.limits.heavy_window > 0:
            self._mark(client, query_key)
        self._give_back(grant)

    def _wake(self) -> None:
        for waiter in list(self._waiting):
            if waiter.future.done():
                continue
            grant = self._try_grant(waiter.heavy)
            if grant is None:
                if self._running_general >= self.limits.general and (
                    self._running_reserve >= self.limits.reserve
                ):
                    return
                continue
            self._waiting.remove(waiter)
            waiter.future.set_result(grant)

    def snapshot(self) -> dict[str, int]:
        """Counters for logs and tests."""
        return {
            "running_general": self._running_general,
            "running_reserve": self._running_reserve,
            "waiting": len(self._waiting),
            "heavy_clients": sum(
                1 for k in list(self._heavy_until) if k.startswith("client:") and self._marked(k)
            ),
        }


@dataclass
class Admission:
    """A grant held for a block. `query_key` names the query text when known; the block may
    set it once it is learnt (the query worker reads the text), so that a long run marks it."""

    grant: Grant
    query_key: str | None = None


@contextlib.asynccontextmanager
async def admitted(
    lane: Lane, client: str, query_key: str | None = None
) -> AsyncIterator[Admission]:
    """Hold a grant of `lane` for the body of the block; Busy if none can be had."""
    admission = Admission(await lane.acquire(client, query_key), query_key)
    started = time.monotonic()
    try:
        yield admission
    finally:
        elapsed = time.monotonic() - started
        lane.release(client, admission.grant, elapsed, admission.query_key)


def client_of(scope: Scope) -> str:
    """The client's address (the peer of the connection)."""
    return str((scope.get("client") or ("unknown", 0))[0])


# --- the ASGI side ---------------------------------------------------------------------------

NO_LANE_PREFIXES = ("/static/", "/dumps/", "/.well-known/", "/robots.txt", "/favicon")


def lane_for(path: str, query_string: bytes) -> str | None:
    """The lane of a request: `open` for arbitrary SPARQL, None for files, else `site`.

    The `open` lane is entered by the handlers themselves, with the query text's key when it
    is known (its text is part of what makes a request heavy); the middleware enters the
    `site` lane.
    """
    if path in ("/sparql", "/sparql/"):
        return "open"
    if path == "/query" and b"query=" in query_string:
        return "open"
    if path.startswith(NO_LANE_PREFIXES):
        return None
    return "site"


def limits_for(settings: Any) -> dict[str, LaneLimits]:
    """The two lanes' numbers from the settings."""
    common = {
        "deadline": settings.timeout,
        "fast": settings.fast_query,
        "max_wait": settings.timeout,
    }
    return {
        "open": LaneLimits(
            general=settings.workers,
            reserve=settings.reserve_workers,
            per_client=settings.per_client,
            max_waiting=8 * (settings.workers + settings.reserve_workers),
            **common,
        ),
        "site": LaneLimits(
            general=settings.site_workers,
            per_client=8 * settings.per_client,
            max_waiting=64 * settings.site_workers,
            heavy_window=0.0,
            **common,
        ),
    }


class AdmissionControl:
    """ASGI middleware: takes a grant of the `site` lane, or answers 429/503 at once.

    The grant is in `request.state.grant` for the handler; the time until the response starts
    is what counts towards making a client heavy.
    """

    def __init__(self, app: ASGIApp, lanes: dict[str, Lane]) -> None:
        self.app = app
        self.lanes = lanes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = lane_for(scope["path"], scope.get("query_string", b""))
        if name != "site":
            await self.app(scope, receive, send)
            return
        lane = self.lanes[name]
        client = client_of(scope)
        try:
            grant = await lane.acquire(client)
        except Busy as busy:
            response = PlainTextResponse(
                f"{busy}\n", busy.status, headers={"Retry-After": str(busy.retry_after)}
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["grant"] = grant
        started = time.monotonic()
        answered: list[float] = []

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not answered:
                answered.append(time.monotonic())
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            elapsed = (answered[0] if answered else time.monotonic()) - started
            lane.release(client, grant, elapsed)


__all__ = [
    "Admission",
    "AdmissionControl",
    "Busy",
    "Grant",
    "Lane",
    "LaneLimits",
    "admitted",
    "client_of",
    "lane_for",
    "limits_for",
]
