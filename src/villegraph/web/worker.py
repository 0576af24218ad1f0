"""The query worker: a process that opens the on-disk store read-only (a small one copied into
memory) and answers requests.

Runs in a child process started by `villegraph.web.engine.WorkerPool`; a query that runs past
its deadline is stopped by killing the whole process, which pyoxigraph cannot do from inside.
Each request is a dict; each answer a dict with `status` "ok", "syntax", "not_acceptable",
"unsafe" or "refused" (a client's query the guard refused here, before the engine read it), or
"error" (an unexpected failure, reported with its type and message, and logged by the server).
"""

from __future__ import annotations

import contextlib
import os
import resource
from collections.abc import Collection
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from villegraph import writers as results
from villegraph.errors import QueryError
from villegraph.web import sandbox
from villegraph.web.safety import UnsafeRequest, check_and_fingerprint


def _dataset_options(request: dict[str, Any]) -> dict[str, Any]:
    default_graphs = request.get("default_graphs") or []
    named_graphs = request.get("named_graphs") or []
    if not default_graphs and not named_graphs:
        return {"use_default_graph_as_union": request.get("union", True)}
    return {
        "default_graph": [ox.NamedNode(g) for g in default_graphs] or [ox.DefaultGraph()],
        "named_graphs": [ox.NamedNode(g) for g in named_graphs],
    }


def graph_names(store: ox.Store) -> frozenset[str]:
    """The IRIs of the store's named graphs: the dataset the guard lets a query name."""
    return frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def _protocol(store: ox.Store, request: dict[str, Any], graphs: Collection[str]) -> dict[str, Any]:
    # the guard (`villegraph.web.safety`) reads the client's text before the engine sees it
    try:
        _, key = check_and_fingerprint(
            request["query"],
            graphs,
            default_graph_uris=request.get("default_graphs") or (),
            named_graph_uris=request.get("named_graphs") or (),
        )
    except UnsafeRequest as refused:
        return {"status": "unsafe", "message": str(refused), "update": refused.update}
    except QueryError as refused:
        return {"status": "refused", "message": str(refused)}
    answer = store.query(
        request["query"], base_iri=request.get("base_iri"), **_dataset_options(request)
    )
    if isinstance(answer, ox.QueryBoolean):
        kind = "ask"
    elif isinstance(answer, ox.QuerySolutions):
        kind = "select"
    else:
        kind = "graph"
    media_type = results.choose(kind, request.get("accept"), request.get("format"))
    if media_type is None:
        return {"status": "not_acceptable", "key": key, "kind": kind}
    caps = {"max_rows": request["max_rows"], "max_bytes": request["max_bytes"]}
    if isinstance(answer, ox.QueryBoolean):
        out = results.boolean(bool(answer), media_type)
    elif isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = ([s[v] for v in variables] for s in answer)
        out = results.select(variables, rows, media_type, **caps)
    else:
        out = results.graph(answer, media_type, prefixes=request.get("prefixes"), **caps)
    return {
        "status": "ok",
        "key": key,
        "kind": kind,
        "media_type": out.media_type,
        "body": out.body,
        "rows": out.rows,
        "truncated": out.truncated,
    }


def _terms(store: ox.Store, request: dict[str, Any]) -> dict[str, Any]:
    substitutions = {ox.Variable(k): v for k, v in (request.get("bindings") or {}).items()}
    answer = store.query(
        request["query"], use_default_graph_as_union=True, substitutions=substitutions or None
    )
    if isinstance(answer, ox.QueryBoolean):
        return {"status": "ok", "kind": "ask", "value": bool(answer)}
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[tuple[Any, ...]] = []
        truncated = False
        limit = request.get("max_rows")
        for solution in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(solution[v] for v in variables))
        return {
            "status": "ok",
            "kind": "select",
            "variables": variables,
            "rows": rows,
            "truncated": truncated,
        }
    return {"status": "ok", "kind": "graph", "triples": list(answer)}


def _meta(store: ox.Store, request: dict[str, Any]) -> dict[str, Any]:
    if request["op"] == "graphs":
        return {"status": "ok", "graphs": sorted(graph_names(store))}
    graph = request.get("graph")
    if graph is None:
        return {"status": "ok", "count": len(store)}
    count = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    return {"status": "ok", "count": count}


def handle(
    store: ox.Store, request: dict[str, Any], graphs: Collection[str] | None = None
) -> dict[str, Any]:
    """Answer one request; never raises. A protocol request (a client's SPARQL) is guarded
    first, against the store's named graphs (`graphs`, read from the store when not given);
    its answer carries the query's fingerprint (`key`), or it is refused."""
    try:
        if request["op"] == "protocol":
            return _protocol(store, request, graph_names(store) if graphs is None else graphs)
        if request["op"] == "query":
            return _terms(store, request)
        if request["op"] == "ping":
            return {"status": "ok"}
        return _meta(store, request)
    except SyntaxError as error:
        return {"status": "syntax", "message": str(error)}
    except MemoryError:
        return {"status": "memory"}
    # Deliberately broad: whatever fails inside the worker is sent back as an "error" answer
    # so that the server logs it and answers 500, instead of the worker dying silently.
    except Exception as error:
        return {"status": "error", "message": f"{type(error).__name__}: {error}"}


def _limit_memory(budget_mb: int | None) -> None:
    """Cap this process's address space at what it uses now plus `budget_mb` MiB."""
    if not budget_mb:
        return
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    now = pages * resource.getpagesize()
    limit = now + budget_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def run_below_the_server(nice: int) -> None:
    """Give the serving process the processors first: with `nice` > 0 this worker is scheduled
    as a batch task (Linux `SCHED_BATCH`: woken by a request, it does not preempt the server
    that sent it, which goes on dispatching and answering) and niced by `nice`, so the server
    is never left waiting behind the queries it hands out. 0 leaves the worker as it is."""
    if nice <= 0:
        return
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_BATCH"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    with contextlib.suppress(OSError):
        os.nice(nice)


def open_store(path: str, in_memory_quads: int = 0) -> ox.Store:
    """The store folder `path` opened read-only; copied into an in-memory store when it holds
    at most `in_memory_quads` quads (the same quads, blank nodes and empty named graphs
    included; on pyoxigraph's
    in-memory engine a page query takes about 60 % of its time on the on-disk one)."""
    disk = ox.Store.read_only(path)
    if in_memory_quads <= 0:
        return disk
    first = list(islice(disk.quads_for_pattern(None, None, None, None), in_memory_quads + 1))
    if len(first) > in_memory_quads:
        return disk
    memory = ox.Store()
    memory.bulk_extend(first)
    for graph in disk.named_graphs():  # empty ones too: a query may name them
        memory.add_graph(graph)
    return memory


def main(
    path: str,
    conn: Connection,
    memory_mb: int | None = None,
    in_memory_quads: int = 0,
    nice: int = 0,
) -> None:
    """Serve requests from `conn` until it closes; no network is reachable from here.

    With `in_memory_quads`, a small store is queried from memory (`open_store`); with `nice`,
    the worker runs below the server (`run_below_the_server`).
    With `memory_mb`, the worker may grow by that much at most once the store is open: an
    allocation past it fails (a MemoryError here, an abort inside the engine), which the pool
    reports as a 503 and a log line, and the worker is replaced.
    """
    isolation = sandbox.deny_network()
    run_below_the_server(nice)
    store = open_store(path, in_memory_quads)
    _limit_memory(memory_mb)
    graphs = graph_names(store)
    conn.send({"status": "ready", "isolation": isolation})
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        conn.send(handle(store, request, graphs))


__all__ = ["graph_names", "handle", "main", "open_store", "run_below_the_server"]
