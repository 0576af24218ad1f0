"""Query execution for the server: a pool of worker processes over the on-disk store.

`WorkerPool` keeps N processes (`villegraph.web.worker`), each with the store opened read-only.
A request waits for an idle worker and its answer within one deadline; past it the worker is
killed (pyoxigraph cannot cancel a running query) and a fresh one started in the background, so
other clients keep being served. `PooledStore` puts the `Store` interface on top of a pool and
can switch, atomically, to a newer store directory: requests already running finish on the old
pool, new ones go to the new one, and the old directory is removed once its workers have left.
Its answers are kept in a per-build `ResultCache` (`villegraph.web.cache`), emptied by the swap.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import multiprocessing
import pickle
import queue
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from villegraph.errors import QueryError, QueryTimeout, StoreError
from villegraph.indexes import LabelIndex, PairIndex, ReachIndex
from villegraph.store import Bindings, EmbeddedStore, SelectResult
from villegraph.terms import to_oxigraph, to_rdflib
from villegraph.web import worker
from villegraph.web.cache import Entry, ResultCache
from villegraph.web.safety import UnsafeRequest

LOG = logging.getLogger("villegraph.web")
_CONTEXT = multiprocessing.get_context("spawn")
READY_TIMEOUT = 60.0
CLOSED_POLL = 0.1
"""Seconds between checks, while waiting for a worker, that the pool has not been replaced."""


class PoolClosed(StoreError):
    """The pool was closed (a new build replaced its store) before a worker became free."""


class WorkerOutOfMemory(StoreError):
    """A query needed more memory than a worker may use; the worker was replaced."""


class WorkerFailed(StoreError):
    """A worker answered with an unexpected error (a bug, logged and answered with 500)."""


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any


class WorkerPool:
    """N worker processes over one store directory."""

    def __init__(
        self,
        path: Path,
        size: int = 2,
        *,
        memory_mb: int | None = None,
        in_memory_quads: int = 0,
        nice: int = 0,
    ) -> None:
        self.path = Path(path)
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self.in_memory_quads = in_memory_quads
        """Workers copy a store of at most this many quads into memory (`worker.open_store`)."""
        self.nice = nice
        """Workers run below the server by this much (`worker.run_below_the_server`)."""
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.isolation: list[str] = []
        """What cuts the workers off the network (see `villegraph.web.sandbox`)."""
        for _ in range(self.size):
            self._idle.put(self._start())
        if self.isolation:
            LOG.info("query workers have no network: %s", ", ".join(self.isolation))
        else:
            LOG.warning(
                "query workers could not be cut off the network on this platform: "
                "the SPARQL guard is the only defence against SERVICE"
            )

    def _start(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=worker.main,
            args=(str(self.path), child, self.memory_mb, self.in_memory_quads, self.nice),
            daemon=True,
            name="villegraph-query",
        )
        process.start()
        child.close()
        if not parent.poll(READY_TIMEOUT):
            process.kill()
            raise StoreError(f"query worker for {self.path} did not start")
        try:
            ready = parent.recv()
        except EOFError:
            raise StoreError(f"query worker could not open the store {self.path}") from None
        self.isolation = list(ready.get("isolation", []))
        started = _Worker(process, parent)
        with self._lock:
            self._workers.add(started)
        return started

    def _kill(self, dead: _Worker) -> None:
        dead.process.kill()
        dead.process.join(5)
        dead.conn.close()
        with self._lock:
            self._workers.discard(dead)

    def _replace_later(self) -> None:
        def start() -> None:
            if self._closed:
                return
            try:
                self._idle.put(self._start())
            except StoreError:
                LOG.exception("could not restart a query worker")

        threading.Thread(target=start, daemon=True).start()

    def _take(self, deadline: float, timeout: float) -> _Worker:
        """An idle worker; PoolClosed as soon as the pool closes (a new build took over)."""
        while True:
            if self._closed:
                raise PoolClosed(f"the store {self.path} was replaced")
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeout(f"no query worker became free within {timeout:g} s")
            try:
                taken = self._idle.get(timeout=min(left, CLOSED_POLL))
            except queue.Empty:
                continue
            return self._usable(taken)

    def _usable(self, taken: _Worker) -> _Worker:
        """`taken`, unless the pool closed meanwhile: then it is stopped, PoolClosed."""
        if self._closed:
            self._stop(taken)
            raise PoolClosed(f"the store {self.path} was replaced")
        return taken

    def call(self, request: dict[str, Any], timeout: float, *, raw: bool = False) -> dict[str, Any]:
        """Send `request` to an idle worker and return its answer, within `timeout` seconds.

        With `raw`, the answer also holds the bytes it arrived in (`wire`), for the cache.
        """
        deadline = time.monotonic() + timeout
        taken = self._take(deadline, timeout)
        try:
            taken.conn.send(request)
            answered = taken.conn.poll(max(0.0, deadline - time.monotonic()))
            data = taken.conn.recv_bytes() if answered else None
        except (EOFError, OSError):
            raise self._broken(taken) from None
        return self._answer(taken, data, timeout, raw)

    async def call_async(
        self, request: dict[str, Any], timeout: float, *, raw: bool = False
    ) -> dict[str, Any]:
        """`call` for the event loop: no thread and no task while the worker answers. The
        request is sent, and the loop's callbacks read the answer (or kill the worker at the
        deadline) and give the worker back, whether the caller still waits or not: a client
        that leaves never costs a worker."""
        deadline = time.monotonic() + timeout
        try:
            taken = self._usable(self._idle.get_nowait())
        except queue.Empty:
            taking = asyncio.ensure_future(asyncio.to_thread(self._take, deadline, timeout))
            try:
                taken = await asyncio.shield(taking)
            except asyncio.CancelledError:
                taking.add_done_callback(self._give_back_untouched)
                raise
        answered: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        answered.add_done_callback(_retrieved)
        self._send_and_watch(taken, request, deadline, timeout, raw, answered)
        return await answered

    def _give_back_untouched(self, taking: asyncio.Future[_Worker]) -> None:
        """A worker taken for a request whose caller left before it was sent anything."""
        if not taking.cancelled() and taking.exception() is None:
            self._release(taking.result())

    def _send_and_watch(
        self,
        taken: _Worker,
        request: dict[str, Any],
        deadline: float,
        timeout: float,
        raw: bool,
        answered: asyncio.Future[dict[str, Any]],
    ) -> None:
        """Send `request` to `taken`; its answer, or the deadline, settles `answered` (unless
        the caller has cancelled it) and frees or replaces the worker in any case."""
        try:
            taken.conn.send(request)
        except (EOFError, OSError):
            raise self._broken(taken) from None
        loop = asyncio.get_running_loop()
        descriptor = taken.conn.fileno()
        settled = False

        def settle(data: bytes | None, broken: bool = False) -> None:
            nonlocal settled
            if settled:
                return
            settled = True
            loop.remove_reader(descriptor)
            timer.cancel()
            try:
                if broken:
                    raise self._broken(taken)
                answer = self._answer(taken, data, timeout, raw)
            # deliberately broad: whatever ends the exchange is handed to its caller, which
            # raises it as `call` would have; nothing is swallowed here
            except Exception as ended:
                if not answered.done():
                    answered.set_exception(ended)
                return
            if not answered.done():
                answered.set_result(answer)

        def readable() -> None:
            try:
                data = taken.conn.recv_bytes()
            except (EOFError, OSError):
                settle(None, broken=True)
                return
            settle(data)

        timer = loop.call_later(max(0.0, deadline - time.monotonic()), settle, None)
        loop.add_reader(descriptor, readable)

    def _broken(self, taken: _Worker) -> StoreError:
        """The error for a worker whose pipe broke: it is replaced."""
        taken.process.join(1)
        code = taken.process.exitcode
        self._kill(taken)
        self._replace_later()
        return self._crashed(code)

    def _answer(
        self, taken: _Worker, data: bytes | None, timeout: float, raw: bool
    ) -> dict[str, Any]:
        """The answer in `data`, `taken` released; None: past the deadline, `taken` killed."""
        if data is None:
            self._kill(taken)
            self._replace_later()
            raise QueryTimeout(f"query stopped after its {timeout:g} s deadline")
        answer = pickle.loads(data)
        if raw:
            answer["wire"] = data
        if answer.get("status") == "memory":
            self._kill(taken)  # its heap may be fragmented past the limit: start afresh
            self._replace_later()
            raise WorkerOutOfMemory(self._memory_message())
        self._release(taken)
        return answer

    def _memory_message(self) -> str:
        limit = f" (limit {self.memory_mb} MiB a worker)" if self.memory_mb else ""
        return f"the query needed more memory than a query worker may use{limit}"

    def _crashed(self, code: int | None) -> StoreError:
        """The error for a worker that died while answering; logged, since it is never normal."""
        if code == -signal.SIGABRT and self.memory_mb:
            LOG.warning("a query worker ran out of memory and stopped (exit code %s)", code)
            return WorkerOutOfMemory(self._memory_message())
        LOG.warning("a query worker stopped while answering (exit code %s)", code)
        return StoreError(f"query worker stopped while answering (exit code {code})")

    def _release(self, done: _Worker) -> None:
        if self._closed:
            self._stop(done)
        else:
            self._idle.put(done)

    def _stop(self, done: _Worker) -> None:
        with contextlib.suppress(OSError):
            done.conn.send(None)
        done.process.join(5)
        if done.process.is_alive():
            done.process.kill()
        done.conn.close()
        with self._lock:
            self._workers.discard(done)

    def close(self) -> None:
        """Stop idle workers now; busy ones stop when they finish."""
        self._closed = True
        while True:
            try:
                self._stop(self._idle.get_nowait())
            except queue.Empty:
                break

    def wait_closed(self, timeout: float = 60.0) -> bool:
        """Wait until every worker has stopped."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._workers:
                    return True
            time.sleep(0.05)
        return False

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers]


def _retrieved(done: asyncio.Future[Any]) -> None:
    """Mark an outcome as seen: its caller may have left in the very turn it was settled."""
    if not done.cancelled():
        done.exception()


def _check(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer, or the error it stands for: refused by the guard in the worker (the same
    errors as the guard raises in this process), a syntax error, a failure."""
    if answer["status"] == "unsafe":
        raise UnsafeRequest(answer["message"], update=answer["update"])
    if answer["status"] == "refused":
        raise QueryError(answer["message"])
    if answer["status"] == "syntax":
        raise QueryError(f"SPARQL syntax error: {answer['message']}")
    if answer["status"] == "error":
        raise WorkerFailed(answer["message"])
    return answer


LANES = ("site", "open")
"""`site`: pages, canned queries, the network view; `open`: arbitrary SPARQL from clients."""


@dataclass(eq=False)
class _Pools:
    """The pools of every lane, shared by a store and its lane views (a swap updates both)."""

    by_lane: dict[str, WorkerPool]
    graphs: list[str] | None = None
    cache: ResultCache | None = None
    reader: EmbeddedStore | None = None
    """The served store opened read-only by this process, for its indexes (made on first use)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


class PooledStore:
    """The `Store` interface over worker pools on an on-disk Oxigraph store, one per lane.

    Each lane has worker processes of its own, so that arbitrary SPARQL never delays a page.
    The store answers on the `site` lane; `in_lane("open")` gives a view on the other one.
    With `cache_bytes`, answers are kept per build in a `ResultCache` shared by every lane
    (entries over `cache_entry_bytes` are not kept); 0 keeps none.
    """

    def __init__(
        self,
        path: Path,
        *,
        workers: int = 2,
        site_workers: int = 2,
        timeout: float = 10.0,
        memory_mb: int | None = None,
        in_memory_quads: int = 0,
        nice: int = 0,
        on_retired: Callable[[Path], None] | None = None,
        cache_bytes: int = 0,
        cache_entry_bytes: int | None = None,
    ) -> None:
        self.timeout = timeout
        self.sizes = {"open": workers, "site": site_workers}
        self.memory_mb = memory_mb
        self.in_memory_quads = in_memory_quads
        self.nice = nice
        self.lane = "site"
        cache = (
            ResultCache(cache_bytes, cache_entry_bytes, build=Path(path).name)
            if cache_bytes > 0
            else None
        )
        self._shared = _Pools({lane: self._pool_for(path, lane) for lane in LANES}, cache=cache)
        self._on_retired = on_retired

    def _pool_for(self, path: Path, lane: str) -> WorkerPool:
        return WorkerPool(
            path,
            self.sizes[lane],
            memory_mb=self.memory_mb,
            in_memory_quads=self.in_memory_quads,
            nice=self.nice,
        )

    def in_lane(self, lane: str) -> PooledStore:
        """A view of this store whose queries run on the workers of `lane`."""
        if lane not in LANES:
            raise ValueError(f"no lane {lane!r}")
        view = copy.copy(self)
        view.lane = lane
        return view

    @property
    def path(self) -> Path:
        return self.pool.path

    @property
    def pool(self) -> WorkerPool:
        """The worker pool of this view's lane."""
        return self._shared.by_lane[self.lane]

    @property
    def cache(self) -> ResultCache | None:
        """The per-build result cache shared by every lane (None when caching is off)."""
        return self._shared.cache

    @property
    def build(self) -> str:
        """The id of the build served now (its store folder's name)."""
        return self.path.name

    @property
    def isolation(self) -> list[str]:
        """What cuts the workers off the network."""
        return self.pool.isolation

    def swap(self, path: Path, *, remove_old: bool = True) -> None:
        """Serve from `path` from now on; retire (and by default delete) the previous store."""
        fresh = {lane: self._pool_for(path, lane) for lane in LANES}
        old = dict(self._shared.by_lane)
        if self._shared.cache is not None:
            # emptied before the new workers take requests: until then, answers (of the old
            # build) are refused by `put`, and none of the old build is left to be found
            self._shared.cache.reset(Path(path).name)
        self._shared.by_lane.update(fresh)
        self._shared.graphs = None
        with self._shared.lock:
            self._shared.reader = None  # the new build's indexes are made on first use
        for pool in old.values():
            pool.close()
        old_path = old["site"].path

        def retire() -> None:
            for pool in old.values():
                pool.wait_closed()
            if remove_old and old_path.resolve() != Path(path).resolve():
                shutil.rmtree(old_path, ignore_errors=True)
            if self._on_retired is not None:
                self._on_retired(old_path)

        threading.Thread(target=retire, daemon=True).start()

    def call(
        self, request: dict[str, Any], timeout: float | None = None, *, raw: bool = False
    ) -> dict[str, Any]:
        """Run `request` on the lane's current pool; one waiting while a new build swaps in
        moves on to the new pool. The answer names the build that gave it (`build`)."""
        for pool, left in self._attempts(timeout):
            try:
                answer = pool.call(request, left, raw=raw)
            except PoolClosed:
                continue
            answer["build"] = pool.path.name
            return answer
        raise AssertionError("unreachable: _attempts ends by raising")  # pragma: no cover

    def _attempts(self, timeout: float | None) -> Iterator[tuple[WorkerPool, float]]:
        """The lane's current pool and the seconds left; again when a swap closed the pool
        tried, StoreError when the pool that closed is still the current one."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            pool = self.pool
            yield pool, max(0.001, deadline - time.monotonic())
            if pool is self.pool:
                raise StoreError("the query workers were stopped")

    def protocol(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run a SPARQL protocol request; answers carry the serialised body."""
        return _check(self.call({"op": "protocol", **request}, timeout))

    async def call_async(
        self, request: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """`call` for the event loop (`WorkerPool.call_async`)."""
        for pool, left in self._attempts(timeout):
            try:
                answer = await pool.call_async(request, left)
            except PoolClosed:
                continue
            answer["build"] = pool.path.name
            return answer
        raise AssertionError("unreachable: _attempts ends by raising")  # pragma: no cover

    async def protocol_async(
        self, request: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """`protocol` for the event loop."""
        return _check(await self.call_async({"op": "protocol", **request}, timeout))

    def _cached(
        self, key: tuple[Any, ...], request: dict[str, Any], timeout: float | None
    ) -> dict[str, Any]:
        """The answer to `request`, from the cache when it holds one for `key`."""
        cache = self._shared.cache
        if cache is None:
            return _check(self.call(request, timeout))
        kept = cache.get(key)
        if kept is not None:
            answer: dict[str, Any] = pickle.loads(kept.body)
            return answer
        answer = _check(self.call(request, timeout, raw=True))
        cache.put(key, Entry(answer.pop("wire"), answer["build"]))
        return answer

    def _query(
        self, query: str, bindings: Bindings | None, timeout: float | None, **extra: Any
    ) -> dict[str, Any]:
        oxi = {k: to_oxigraph(v) for k, v in (bindings or {}).items()}
        key = (
            "query",
            query,
            tuple(sorted((k, str(v)) for k, v in oxi.items())),
            *sorted(extra.items()),
        )
        return self._cached(key, {"op": "query", "query": query, "bindings": oxi, **extra}, timeout)

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        answer = self._query(query, bindings, timeout, max_rows=max_rows)
        if answer["kind"] != "select":
            raise QueryError("not a SELECT query")
        rows = [tuple(None if t is None else to_rdflib(t) for t in row) for row in answer["rows"]]
        return SelectResult(answer["variables"], rows, answer["truncated"])

    def ask(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> bool:
        answer = self._query(query, bindings, timeout)
        if answer["kind"] != "ask":
            raise QueryError("not an ASK query")
        return bool(answer["value"])

    def construct(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> Graph:
        answer = self._query(query, bindings, timeout)
        if answer["kind"] != "graph":
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for t in answer["triples"]:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    def triple_count(self, graph: str | None = None) -> int:
        request = {"op": "count", "graph": graph}
        return int(self._cached(("count", graph), request, None)["count"])

    def graphs(self) -> Sequence[str]:
        if self._shared.graphs is None:
            self._shared.graphs = list(_check(self.call({"op": "graphs"}))["graphs"])
        return self._shared.graphs

    def label_index(self, properties: tuple[str, ...], *, wait: bool = True) -> LabelIndex | None:
        """The served build's label index (`EmbeddedStore.label_index`), made in this process
        from the store folder opened read-only; the narrowed queries still go to the workers."""
        return self._reader().label_index(properties, wait=wait)

    def pair_index(self, predicate: str, *, wait: bool = True) -> PairIndex | None:
        """The served build's index of `predicate`'s links, as `label_index`."""
        return self._reader().pair_index(predicate, wait=wait)

    def reach_index(self, text: str, over: str, *, wait: bool = True) -> ReachIndex | None:
        """The served build's rows of a reach pass for every value of `over`, as `label_index`."""
        return self._reader().reach_index(text, over, wait=wait)

    def _reader(self) -> EmbeddedStore:
        path = self.path
        with self._shared.lock:
            reader = self._shared.reader
            if reader is None or reader.path != str(path):
                reader = self._shared.reader = EmbeddedStore(str(path), read_only=True)
            return reader

    def close(self) -> None:
        pools = list(self._shared.by_lane.values())
        for pool in pools:
            pool.close()
        for pool in pools:
            pool.wait_closed(10)


__all__ = ["LANES", "PooledStore", "WorkerFailed", "WorkerOutOfMemory", "WorkerPool"]
