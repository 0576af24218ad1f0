"""Query execution for the server: a pool of worker processes over the on-disk store.

`WorkerPool` keeps N processes (`villegraph.web.worker`), each with the store opened read-only.
A request waits for an idle worker and its answer within one deadline; past it the worker is
killed (pyoxigraph cannot cancel a running query) and a fresh one started in the background, so
other clients keep being served. `PooledStore` puts the `Store` interface on top of a pool and
can switch, atomically, to a newer store directory: requests already running finish on the old
pool, new ones go to the new one, and the old directory is removed once its workers have left.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from villegraph.errors import QueryError, QueryTimeout, StoreError
from villegraph.store import Bindings, SelectResult
from villegraph.terms import to_oxigraph, to_rdflib
from villegraph.web import worker

LOG = logging.getLogger("villegraph.web")
_CONTEXT = multiprocessing.get_context("spawn")
READY_TIMEOUT = 60.0
CLOSED_POLL = 0.1
"""Seconds between checks, while waiting for a worker, that the pool has not been replaced."""


class PoolClosed(StoreError):
    """The pool was closed (a new build replaced its store) before a worker became free."""


class WorkerFailed(StoreError):
    """A worker answered with an unexpected error (a bug, logged and answered with 500)."""


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any


class WorkerPool:
    """N worker processes over one store directory."""

    def __init__(self, path: Path, size: int = 2) -> None:
        self.path = Path(path)
        self.size = max(1, size)
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
            target=worker.main, args=(str(self.path), child), daemon=True, name="villegraph-query"
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
            if self._closed:
                self._stop(taken)
                raise PoolClosed(f"the store {self.path} was replaced")
            return taken

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send `request` to an idle worker and return its answer, within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        taken = self._take(deadline, timeout)
        try:
            taken.conn.send(request)
            if not taken.conn.poll(max(0.0, deadline - time.monotonic())):
                self._kill(taken)
                self._replace_later()
                raise QueryTimeout(f"query stopped after its {timeout:g} s deadline")
            answer = taken.conn.recv()
        except (EOFError, OSError) as error:
            self._kill(taken)
            self._replace_later()
            raise StoreError(f"query worker failed: {error}") from None
        self._release(taken)
        return answer

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


def _check(answer: dict[str, Any]) -> dict[str, Any]:
    if answer["status"] == "syntax":
        raise QueryError(f"SPARQL syntax error: {answer['message']}")
    if answer["status"] == "error":
        raise WorkerFailed(answer["message"])
    return answer


class PooledStore:
    """The `Store` interface over a worker pool on an on-disk Oxigraph store."""

    def __init__(
        self,
        path: Path,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        on_retired: Callable[[Path], None] | None = None,
    ) -> None:
        self.timeout = timeout
        self.workers = workers
        self._pool = WorkerPool(path, workers)
        self._on_retired = on_retired
        self._graphs: list[str] | None = None

    @property
    def path(self) -> Path:
        return self._pool.path

    @property
    def pool(self) -> WorkerPool:
        return self._pool

    def swap(self, path: Path, *, remove_old: bool = True) -> None:
        """Serve from `path` from now on; retire (and by default delete) the previous store."""
        fresh = WorkerPool(path, self.workers)
        old, self._pool = self._pool, fresh
        self._graphs = None
        old.close()

        def retire() -> None:
            old.wait_closed()
            if remove_old and old.path.resolve() != Path(path).resolve():
                shutil.rmtree(old.path, ignore_errors=True)
            if self._on_retired is not None:
                self._on_retired(old.path)

        threading.Thread(target=retire, daemon=True).start()

    def call(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run `request` on the current pool; one waiting while a new build swaps in moves on."""
        limit = timeout or self.timeout
        deadline = time.monotonic() + limit
        while True:
            pool = self._pool
            try:
                return pool.call(request, max(0.001, deadline - time.monotonic()))
            except PoolClosed:
                if pool is self._pool:
                    raise StoreError("the query workers were stopped") from None

    def protocol(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run a SPARQL protocol request; answers carry the serialised body."""
        return _check(self.call({"op": "protocol", **request}, timeout))

    def _query(
        self, query: str, bindings: Bindings | None, timeout: float | None, **extra: Any
    ) -> dict[str, Any]:
        oxi = {k: to_oxigraph(v) for k, v in (bindings or {}).items()}
        return _check(self.call({"op": "query", "query": query, "bindings": oxi, **extra}, timeout))

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
        return int(_check(self.call({"op": "count", "graph": graph}))["count"])

    def known_graphs(self) -> Sequence[str] | None:
        """The named graphs if already fetched (no call to a worker), else None."""
        return self._graphs

    def graphs(self) -> Sequence[str]:
        if self._graphs is None:
            self._graphs = list(_check(self.call({"op": "graphs"}))["graphs"])
        return self._graphs

    def close(self) -> None:
        self._pool.close()
        self._pool.wait_closed(10)


__all__ = ["PooledStore", "WorkerFailed", "WorkerPool"]
