"""The Store interface every consumer of the built graph goes through.

Two implementations stand behind it: the embedded on-disk Oxigraph store (the default) and a
remote SPARQL 1.1 endpoint reached over HTTP (`villegraph.remote`). Terms crossing this
interface are rdflib terms; bindings are applied by the store itself (pyoxigraph substitutions,
or a trailing VALUES clause for a remote endpoint), never by string formatting.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from rdflib import Graph
from rdflib.term import Identifier

from villegraph.config import Settings
from villegraph.indexes import IndexCache, LabelIndex, PairIndex, ReachIndex
from villegraph.publish import recover_if_missing

Bindings = Mapping[str, Identifier]


@dataclass(frozen=True)
class SelectResult:
    """The answer to a SELECT: variables in order, rows as tuples aligned with them."""

    variables: list[str]
    rows: list[tuple[Identifier | None, ...]]
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Identifier | None, ...]]:
        return iter(self.rows)

    def dicts(self) -> list[dict[str, Identifier]]:
        """Rows as {variable: term}, unbound variables left out."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def column(self, variable: str) -> list[Identifier | None]:
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]


@runtime_checkable
class Store(Protocol):
    """Read access to the built graph (and loading it, for stores that can be written)."""

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        """Run a SELECT; `max_rows` caps the rows and sets `truncated` when it cuts."""
        ...

    def ask(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> bool:
        """Run an ASK."""
        ...

    def construct(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE into an rdflib Graph."""
        ...

    def triple_count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in the whole dataset when `graph` is None."""
        ...

    def graphs(self) -> Sequence[str]:
        """IRIs of the named graphs."""
        ...

    def close(self) -> None:
        """Release files, connections and worker processes."""
        ...


T = TypeVar("T")


def _within(timeout: float | None, call: Callable[..., T], *args: Any) -> T:
    """`call(*args)`, or QueryTimeout once `timeout` seconds have passed.

    pyoxigraph cannot stop a running query, but it releases the GIL while it evaluates: the
    call runs in a daemon thread that is left to finish in the background past the deadline
    (the CLI exits at once; the server runs queries in worker processes it can kill instead).
    """
    if timeout is None:
        return call(*args)
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, call(*args)))
        except BaseException as error:  # handed to the caller's thread below
            outcome.append((False, error))

    worker = threading.Thread(target=run, daemon=True, name="villegraph-embedded-query")
    worker.start()
    worker.join(timeout)
    if not outcome:
        from villegraph.errors import QueryTimeout

        raise QueryTimeout(f"query ran past its {timeout:g} s deadline")
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


class EmbeddedStore:
    """The built graph in an Oxigraph store, on disk (`path`) or in memory (`path=None`).

    Queries honour their `timeout` (QueryTimeout past it), as the `Store` interface promises."""

    def __init__(self, path: str | None = None, *, read_only: bool = False) -> None:
        import pyoxigraph as ox

        if path is not None and read_only:
            self._store = ox.Store.read_only(str(path))
        else:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        self.path = path
        self._indexes: IndexCache | None = IndexCache() if read_only else None

    @classmethod
    def from_dist(cls, dist_dir: Path) -> EmbeddedStore:
        """An in-memory store holding the N-Quads dump of the build in `dist_dir`."""
        import pyoxigraph as ox

        from villegraph.errors import StoreError

        recover_if_missing(Path(dist_dir))
        dump = Path(dist_dir) / "villegraph.nq"
        if not dump.is_file():
            raise StoreError(f"no build in {dist_dir}: run `villegraph build` first")
        store = cls()
        store.oxigraph.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        store._indexes = IndexCache()
        return store

    def label_index(self, properties: tuple[str, ...], *, wait: bool = True) -> LabelIndex | None:
        """The labels of `properties` in a text index (`villegraph.indexes`), made on first use
        by a thread of its own; without `wait`, None until it is made. None for a store that
        may still change: only one opened read-only or loaded from a build has indexes."""
        if self._indexes is None:
            return None
        return self._indexes.get(LabelIndex, properties, self._index_labels, wait=wait)

    def pair_index(self, predicate: str, *, wait: bool = True) -> PairIndex | None:
        """The links of `predicate` in arrays, made on first use; None as for `label_index`."""
        if self._indexes is None:
            return None
        return self._indexes.get(PairIndex, (predicate,), self._index_pairs, wait=wait)

    def reach_index(self, text: str, over: str, *, wait: bool = True) -> ReachIndex | None:
        """The rows of the reach pass `text` (its other parameters bound) for every value of the
        parameter `over`, which it leaves unbound; made on first use, None as for `label_index`."""
        if self._indexes is None:
            return None
        return self._indexes.get(ReachIndex, (text, over), self._index_reach, wait=wait)

    def _index_reach(self, key: tuple[str, ...]) -> ReachIndex:
        text, over = key
        solutions = self._run(text, None)
        variables = [v.value for v in solutions.variables]
        return ReachIndex(variables, _converted(solutions), over)  # no list of all rows first

    def _index_pairs(self, key: tuple[str, ...]) -> PairIndex:
        import pyoxigraph as ox

        quads = self._store.quads_for_pattern(None, ox.NamedNode(key[0]), None)
        return PairIndex((str(quad.subject), str(quad.object)) for quad in quads)

    def _index_labels(self, properties: tuple[str, ...]) -> LabelIndex:
        import pyoxigraph as ox

        def labels() -> Iterator[tuple[str, str]]:
            for predicate in properties:
                for quad in self._store.quads_for_pattern(None, ox.NamedNode(predicate), None):
                    if isinstance(quad.object, ox.Literal):
                        yield str(quad.subject), quad.object.value

        return LabelIndex(labels())

    @property
    def oxigraph(self):
        """The underlying pyoxigraph Store, for bulk work (loading, native serialisation)."""
        return self._store

    def _run(self, query: str, bindings: Bindings | None):
        import pyoxigraph as ox

        from villegraph.errors import QueryError
        from villegraph.terms import to_oxigraph

        substitutions: dict[ox.Variable, Any] | None = (
            {ox.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
            if bindings
            else None
        )
        try:
            return self._store.query(
                query, substitutions=substitutions, use_default_graph_as_union=True
            )
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from None

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        return _within(timeout, self._select, query, bindings, max_rows)

    def _select(self, query: str, bindings: Bindings | None, max_rows: int | None) -> SelectResult:
        solutions = self._run(query, bindings)
        variables = [v.value for v in solutions.variables]
        rows: list[tuple[Identifier | None, ...]] = []
        truncated = False
        for row in _converted(solutions):
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(row)
        return SelectResult(variables, rows, truncated)

    def ask(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> bool:
        return _within(timeout, lambda: bool(self._run(query, bindings)))

    def construct(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> Graph:
        return _within(timeout, self._construct, query, bindings)

    def _construct(self, query: str, bindings: Bindings | None) -> Graph:
        from villegraph.terms import to_rdflib

        graph = Graph()
        for triple in self._run(query, bindings):
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def triple_count(self, graph: str | None = None) -> int:
        import pyoxigraph as ox

        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def graphs(self) -> Sequence[str]:
        return sorted(g.value for g in self._store.named_graphs() if hasattr(g, "value"))

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]


def _converted(solutions: Iterable[Any]) -> Iterator[tuple[Identifier | None, ...]]:
    """pyoxigraph solutions as rows of rdflib terms. A solution iterates over its values in
    variable order (None when unbound), much faster than indexing it by variable; terms repeat
    across rows, so each converts once (and the rows share it)."""
    from villegraph.terms import to_rdflib

    converted: dict[object, Identifier] = {}
    for solution in solutions:
        row: list[Identifier | None] = []
        for term in solution:
            if term is None:
                row.append(None)
                continue
            value = converted.get(term)
            if value is None:
                value = converted[term] = to_rdflib(term)
            row.append(value)
        yield tuple(row)


CURRENT_POINTER = "CURRENT"
"""Name of the file in the store folder that holds the name of the live store directory."""


def build_id_of(dist_dir: Path) -> str:
    """The build id in `dist_dir/build.json`, else a digest of the N-Quads dump."""
    from villegraph.errors import StoreError

    recover_if_missing(Path(dist_dir))
    info = Path(dist_dir) / "build.json"
    if info.is_file():
        try:
            build_id = str(json.loads(info.read_text(encoding="utf-8"))["build_id"])
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"{info}: unreadable build description ({error})") from None
        if build_id and all(c.isalnum() or c in "-_." for c in build_id):
            return build_id
        raise StoreError(f"{info}: build_id {build_id!r} is not a safe directory name")
    dump = Path(dist_dir) / "villegraph.nq"
    if not dump.is_file():
        raise StoreError(f"no build in {dist_dir}: run `villegraph build` first")
    digest = hashlib.sha256()
    with dump.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "nq-" + digest.hexdigest()[:16]


def current_store_path(store_dir: Path) -> Path | None:
    """The live on-disk store named by `store_dir/CURRENT`, or None when there is none."""
    pointer = Path(store_dir) / CURRENT_POINTER
    if not pointer.is_file():
        return None
    target = Path(store_dir) / pointer.read_text(encoding="utf-8").strip()
    return target if target.is_dir() else None


def load_build(dist_dir: Path, store_dir: Path) -> Path:
    """Make `store_dir/<build_id>/` from the build's N-Quads dump and make it the live store.

    The store is bulk-loaded into a fresh temporary directory, renamed into place, and only then
    named in `CURRENT` (written to a temporary file and renamed over the old one), so a reader
    always finds either the previous complete store or the new complete one. `dist_dir` is
    resolved once (it is a link flipped by each build), so build.json and the dump read here
    come from the same build.
    """
    import pyoxigraph as ox

    from villegraph.errors import StoreError

    store_dir = Path(store_dir)
    dist_dir = recover_if_missing(Path(dist_dir)) or Path(dist_dir)
    dump = Path(dist_dir) / "villegraph.nq"
    if not dump.is_file():
        raise StoreError(f"no build in {dist_dir}: run `villegraph build` first")
    build_id = build_id_of(dist_dir)
    target = store_dir / build_id
    store_dir.mkdir(parents=True, exist_ok=True)
    if not target.is_dir():
        scratch = store_dir / f".loading-{build_id}-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            store = ox.Store(str(scratch))
            store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            store.flush()
            del store
            os.replace(scratch, target)
        except (OSError, SyntaxError, ValueError) as error:
            shutil.rmtree(scratch, ignore_errors=True)
            raise StoreError(f"{dump}: cannot load into {target}: {error}") from None
    pointer = store_dir / CURRENT_POINTER
    temporary = store_dir / f".{CURRENT_POINTER}.{os.getpid()}"
    temporary.write_text(build_id + "\n", encoding="utf-8")
    os.replace(temporary, pointer)
    return target


def remove_old_stores(store_dir: Path, keep: Sequence[Path]) -> list[Path]:
    """Delete store directories under `store_dir` other than `keep`; returns what was removed."""
    kept = {Path(p).resolve() for p in keep}
    removed = []
    for child in Path(store_dir).iterdir():
        if child.is_dir() and child.resolve() not in kept and not child.name.startswith("."):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed


def open_store(settings: Settings) -> Store:
    """The store the settings name: a remote endpoint, or the last build in `dist_dir`."""
    if settings.endpoint:
        from villegraph.remote import RemoteStore

        return RemoteStore(
            settings.endpoint,
            timeout=settings.timeout,
            user=settings.user,
            password=settings.password,
            auth="basic" if settings.auth == "basic" else "digest",
            graph_prefix=settings.base_iri + "graph/",
        )
    return EmbeddedStore.from_dist(settings.dist_dir)


__all__ = [
    "CURRENT_POINTER",
    "Bindings",
    "EmbeddedStore",
    "SelectResult",
    "Store",
    "build_id_of",
    "current_store_path",
    "load_build",
    "open_store",
    "remove_old_stores",
]
