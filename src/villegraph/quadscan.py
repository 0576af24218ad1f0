"""An N-Quads file held as numbers: each distinct quad as a 128-bit key of its triple, the number
of its graph and of its subject, in sorted arrays (24 bytes a quad), so that two builds of
millions of quads are compared without holding their text.

A key is two 64-bit hashes of the triple's N-Triples forms, computed independently (Python's
keyed hash of the tuple of terms, and of the line they make): for two builds of ten million
quads each, the chance that two different quads of a graph share a key is about 2^-80. Graphs
and subjects are numbered by a `Terms` the scans of one comparison share, so equal numbers mean
equal texts. What a comparison must read
in words (labels, the quads of a few entities) it reads again: `quads_of` streams the quads of
some subjects only. `scan_store` makes the numbers of a store's dump from the store itself,
without keys, for a comparison with nothing.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from array import array
from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, NoReturn, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt
import pyoxigraph as ox

from villegraph.errors import InputError
from villegraph.shacl.written import WrittenForms

SERIALISER = f"pyoxigraph {ox.__version__}"
"""What writes a build's N-Quads dump (named in its build.json): a dump written by the same
serialiser is read as it is, any other first written again by it (see `scan`)."""
Quad = tuple[str, str, str, str]
"""Subject, predicate, object (N-Triples forms) and graph IRI ("" for the default graph)."""
Keys = npt.NDArray[np.int64]
Numbers = npt.NDArray[np.uint32]
Column: TypeAlias = "array[int] | Keys | Numbers"
"""A column of rows as read (`array`) or put together from parts (numpy)."""
T = TypeVar("T")
Kept = tuple[int, str, str, int]
"""A quad kept in words by a scan: subject number, predicate, object, graph number."""


class Anything:
    """The objects of a watched predicate when all of them are kept."""

    def __contains__(self, item: object) -> bool:
        return True


ANYTHING = Anything()


@dataclass
class Terms:
    """Numbers of graphs and subjects, shared by the scans of one comparison."""

    graphs: dict[str, int] = field(default_factory=dict)
    graph_names: list[str] = field(default_factory=list)
    subjects: dict[str, int] = field(default_factory=dict)
    subject_names: list[str] = field(default_factory=list)


@dataclass
class Scan:
    """The distinct quads of one file sorted by (graph, key), and the quads it was to keep."""

    path: Path | None
    graph: Numbers
    high: Keys
    low: Keys
    subject: Numbers
    triples: int
    """Distinct triples (the same triple in two graphs counts once)."""
    kept: list[Kept] = field(default_factory=list)
    reader: Callable[[Collection[str]], Iterator[Quad]] | None = None
    """Where the quads of some subjects are read again (`quads_of`) when not from `path`."""
    keyed: bool = True
    """Whether `high` and `low` hold the quads' keys (not so for `scan_store`)."""
    weight: npt.NDArray[np.int64] | None = None
    """How many quads each row stands for (`scan_store`: a row per graph and subject); None:
    one each."""

    @classmethod
    def empty(cls) -> Scan:
        """No quads (the side of a first build that has no previous one)."""
        none = np.zeros(0, dtype=np.int64)
        return cls(None, np.zeros(0, dtype=np.uint32), none, none, np.zeros(0, dtype=np.uint32), 0)

    def __len__(self) -> int:
        return len(self.graph)

    def tally(
        self, numbers: Numbers, size: int, rows: npt.NDArray[np.bool_] | None = None
    ) -> npt.NDArray[np.int64]:
        """How many quads have each of `size` numbers in `numbers` (a column of this scan),
        counting only `rows` when given."""
        weight = self.weight
        if rows is not None:
            numbers = numbers[rows]
            weight = weight[rows] if weight is not None else None
        if weight is None:
            return np.bincount(numbers, minlength=size)
        return np.bincount(numbers, weights=weight, minlength=size).astype(np.int64)

    def quads_of(self, subjects: Collection[str], processes: int = 1) -> Iterator[Quad]:
        """The quads of `subjects` (N-Triples forms), read again from where they were read."""
        if self.reader is not None:
            yield from self.reader(subjects)
        elif self.path is not None:
            yield from quads_of(self.path, subjects, processes)

    def missing_from(self, other: Scan) -> npt.NDArray[np.bool_]:
        """For each quad of this scan: True when `other` does not have it."""
        missing = np.ones(len(self), dtype=bool)
        for g in np.unique(self.graph):
            mine = _block(self.graph, int(g))
            theirs = _block(other.graph, int(g))
            if theirs.stop > theirs.start:
                if not (self.keyed and other.keyed):
                    raise ValueError("a scan made from a store has no keys to compare")
                missing[mine] = ~_found(
                    self.high[mine], self.low[mine], other.high[theirs], other.low[theirs]
                )
        return missing


def _block(graph: Numbers, g: int) -> slice:
    """The rows of graph number `g` in an array sorted by graph."""
    start, stop = np.searchsorted(graph, [g, g + 1])
    return slice(int(start), int(stop))


def _found(high: Keys, low: Keys, in_high: Keys, in_low: Keys) -> npt.NDArray[np.bool_]:
    """Which keys (high, low) are among (in_high, in_low); both sorted by (high, low)."""
    left = np.searchsorted(in_high, high, "left")
    right = np.searchsorted(in_high, high, "right")
    found = np.zeros(len(high), dtype=bool)
    one = right - left == 1
    found[one] = in_low[left[one]] == low[one]
    for row in np.flatnonzero(right - left > 1):  # two keys with the same high half: rare
        found[row] = bool(np.any(in_low[left[row] : right[row]] == low[row]))
    return found


def graph_name(graph: object) -> str:
    """The IRI of a quad's graph; "" for the default graph."""
    return graph.value if isinstance(graph, ox.NamedNode) else ""


def scan(
    path: Path,
    terms: Terms,
    watch: Mapping[str, Container[str]] | None = None,
    canonical: bool = False,
    part: tuple[int, int] | None = None,
) -> Scan:
    """Read an N-Quads file into a `Scan`. `watch` maps predicates (N-Triples forms) to the
    objects whose quads are also kept in words (`ANYTHING`: all of them).

    The file is read as lines, a block at a time: each block first written again by the store's
    serialiser (so that two spellings of a quad give the same line, whoever wrote the file),
    unless `canonical` says the file was written by it already (a build's dump, when its
    build.json names `SERIALISER`). A line is then read without being split when it has the
    subject and graph of the line before (most lines): its key is that of its text up to the
    graph's name."""
    watched = [(p.encode("utf-8") + b" ", objects) for p, objects in (watch or {}).items()]
    first, second = array("q"), array("q")
    subjects, graphs = array("I"), array("I")
    kept: list[Kept] = []
    numbers, names = terms.subjects, terms.subject_names
    graph_numbers, graph_names = terms.graphs, terms.graph_names
    last_subject, sid, last_graph, gid = b"", -1, b"", -1
    head, tail = b"\0", b"\0"
    """The start of a line of the last subject (`S `) and the end of one of the last graph
    (` <G> .`): most lines have both, and are read without being split."""
    add_first, add_second = first.append, second.append
    add_subject, add_graph = subjects.append, graphs.append
    for block in _blocks(path, canonical, part):
        for line in block.split(b"\n"):
            if line.startswith(head) and line.endswith(tail):
                triple = line[: -len(tail)]
                # three terms before the graph's: else the graph's IRI is this line's object
                if triple.find(b" ", len(head)) > 0:
                    add_first(hash(triple))
                    add_second(hash(b"\n" + triple))
                    add_subject(sid)
                    add_graph(gid)
                    for predicate, objects in watched:
                        if triple.startswith(predicate, len(head)):
                            _keep(triple, len(head) + len(predicate), objects, sid, gid, kept)
                    continue
            if not line:
                continue
            parts = _split(line)
            if parts is None:  # a quoted triple: read by the parser
                parts = _split_parsed(line, path)
                if parts is None:  # no quad on the line
                    continue
            s, graph, triple = parts
            if graph != last_graph or gid < 0:
                name = graph.decode("utf-8")
                if name not in graph_numbers:
                    graph_numbers[name] = len(graph_names)
                    graph_names.append(name)
                gid, last_graph = graph_numbers[name], graph
            if s != last_subject:
                subject = s.decode("utf-8")
                found = numbers.get(subject)
                if found is None:
                    found = numbers[subject] = len(names)
                    names.append(subject)
                sid, last_subject = found, s
            if line.startswith(triple) and len(line) - len(triple) > 2:  # not `triple .`
                head, tail = s + b" ", line[len(triple) :]
            else:  # the default graph, or a line the parser read: split the next one
                head, tail = b"\0", b"\0"
            add_first(hash(triple))
            add_second(hash(b"\n" + triple))
            add_subject(sid)
            add_graph(gid)
            for predicate, objects in watched:
                if triple.startswith(predicate, len(s) + 1):
                    _keep(triple, len(s) + 1 + len(predicate), objects, sid, gid, kept)
    columns: dict[str, Column] = {
        "high": first,
        "low": second,
        "subject": subjects,
        "graph": graphs,
    }
    del first, second, subjects, graphs
    return _sorted(path, columns, kept)


def _keep(
    triple: bytes, start: int, objects: Container[str], sid: int, gid: int, kept: list[Kept]
) -> None:
    """Keep the quad in words when its object (from `start` of `triple`, after a watched
    predicate) is one of `objects`."""
    value = triple[start:].decode("utf-8")
    if value in objects:
        predicate = triple[triple.index(b" ") + 1 : start - 1].decode("utf-8")
        kept.append((sid, predicate, value, gid))


BLOCK = 1 << 22
"""Bytes of N-Quads read at a time (whole lines)."""
Parts = tuple[bytes, bytes, bytes]
"""Subject, graph IRI (b"" for the default graph) and the triple's text (`S P O`)."""


def _blocks(path: Path, canonical: bool, part: tuple[int, int] | None = None) -> Iterator[bytes]:
    """The file (or the bytes `part` names, from a line start to a line start) in blocks of
    whole lines, each in the store serialiser's N-Quads unless `canonical` (one quad a line,
    single spaces, the serialiser's escapes)."""
    try:
        with open(path, "rb") as file:
            start, stop = part if part is not None else (0, None)
            file.seek(start)
            while block := file.read(BLOCK if stop is None else min(BLOCK, stop - file.tell())):
                if stop is None or file.tell() < stop:
                    block += file.readline()
                if canonical:
                    yield block
                    continue
                quads = ox.parse(block, format=ox.RdfFormat.N_QUADS)
                yield ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    except (SyntaxError, ValueError, OSError) as error:
        _not_nquads(error, path)


def _not_nquads(error: BaseException, path: Path) -> NoReturn:
    """The InputError for an unreadable file, naming the line of the file (a block's parser
    counts lines from the block: the file is parsed again from its start to say where)."""
    if isinstance(error, SyntaxError | ValueError):
        try:
            for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                pass
        except (SyntaxError, ValueError, OSError) as located:
            error = located
    message = str(error).splitlines()[0] if str(error) else "unreadable"
    raise InputError(f"not N-Quads: {message}", path) from None


def _split(line: bytes) -> Parts | None:
    """The terms of a line as the serialiser writes it: `S P O [G] .`; None for a line with a
    quoted triple (`<<`), whose terms hold spaces. Subjects, predicates, graph names and the
    IRIs and blank nodes that end a line hold none (nor a `"`); a literal object may."""
    if b"<<" in line or not line.endswith(b" ."):
        return None
    try:
        body = line[:-2]
        first = body.index(b" ")
        second = body.index(b" ", first + 1)
    except ValueError:  # not a line the serialiser writes: the parser says what is wrong
        return None
    cut = body.rindex(b" ")
    last = body[cut + 1 :]
    named = cut > second and last[:1] in (b"<", b"_") and b'"' not in last
    triple = body[:cut] if named else body
    graph = last[1:-1] if named and last[:1] == b"<" else b""
    return body[:first], graph, triple


def _split_parsed(line: bytes, path: Path) -> Parts | None:
    """`_split` for any line, by the parser (None: a line without a quad)."""
    try:
        quad = next(iter(ox.parse(line, format=ox.RdfFormat.N_QUADS)), None)
    except (SyntaxError, ValueError) as error:
        _not_nquads(error, path)
    if quad is None:
        return None
    terms = [str(term).encode("utf-8") for term in quad.triple]
    return terms[0], graph_name(quad.graph_name).encode("utf-8"), b" ".join(terms)


PART_BYTES = 64 << 20
"""`scan_files` reads a file in parts of about this many bytes, in other processes."""


def scan_files(
    files: Sequence[tuple[Path, bool]],
    watch: Mapping[str, Container[str]] | None = None,
    processes: int = 1,
    part_bytes: int | None = None,
) -> tuple[Terms, list[Scan]]:
    """`scan` of each (path, canonical) file, all numbered by one `Terms` as scanning them
    one after another would number them. With `processes` above one and a file larger than
    `part_bytes`, the files are cut into parts at line starts and the parts scanned by that many
    processes side by side (started with one hash seed, so that their keys agree), then put
    together here: the same numbers, rows, counts and kept quads as one scan of each file. An
    unreadable file raises the InputError naming it. Should a part's process end abruptly
    (killed, e.g. short of memory), the files are read again in this process, with the same
    result. `part_bytes`: `PART_BYTES` by default."""
    part_bytes = part_bytes or PART_BYTES
    terms = Terms()
    if processes <= 1 or all(path.stat().st_size <= part_bytes for path, _ in files):
        return terms, [scan(path, terms, watch, canonical) for path, canonical in files]
    jobs = [
        (path, canonical, part, watch)
        for path, canonical in files
        for part in _parts(path, part_bytes)
    ]
    done = _in_processes(_scan_part, jobs, processes)
    if done is None:
        return scan_files(files, watch)
    scans: list[Scan] = []
    for path, _ in files:
        parts = [found for job, found in zip(jobs, done, strict=True) if job[0] == path]
        scans.append(_joined(path, [_renumbered(found, part, terms) for found, part in parts]))
    return terms, scans


def _parts(path: Path, size: int) -> list[tuple[int, int]]:
    """(start, stop) byte ranges of about `size` cutting `path` at line starts."""
    total = path.stat().st_size
    starts = [0]
    with open(path, "rb") as file:
        while starts[-1] + size < total:
            file.seek(starts[-1] + size)
            file.readline()
            if file.tell() >= total:
                break
            starts.append(file.tell())
    return list(zip(starts, [*starts[1:], total], strict=True))


def _in_processes(
    function: Callable[..., T], jobs: Sequence[tuple[object, ...]], processes: int
) -> list[T] | None:
    """`function(*job)` of each job, by `processes` other processes side by side, in the jobs'
    order. The processes share one hash seed, so that the keys they compute agree. None when
    one of them ends abruptly (killed, e.g. short of memory): the caller reads here instead."""
    context = multiprocessing.get_context("spawn")
    seed = str(int.from_bytes(os.urandom(4), "big"))
    try:
        with _environment("PYTHONHASHSEED", seed), ProcessPoolExecutor(processes, context) as pool:
            return list(pool.map(function, *zip(*jobs, strict=True)))
    except BrokenProcessPool:
        return None


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` in this process's environment (for the processes it starts)."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def _scan_part(
    path: Path,
    canonical: bool,
    part: tuple[int, int],
    watch: Mapping[str, Container[str]] | None,
) -> tuple[Scan, Terms]:
    """One part of a file, numbered on its own (run in another process)."""
    terms = Terms()
    return scan(path, terms, watch, canonical, part), terms


def _renumbered(found: Scan, own: Terms, terms: Terms) -> Scan:
    """A part's scan numbered by `terms` (its subjects and graphs added in their order)."""
    subjects = np.array([_number(name, terms.subjects, terms.subject_names)
                         for name in own.subject_names], dtype=np.uint32)  # fmt: skip
    graphs = np.array([_number(name, terms.graphs, terms.graph_names)
                       for name in own.graph_names], dtype=np.uint32)  # fmt: skip
    kept = [(int(subjects[s]), p, o, int(graphs[g])) for s, p, o, g in found.kept]
    return Scan(
        found.path,
        graphs[found.graph] if len(found) else found.graph,
        found.high,
        found.low,
        subjects[found.subject] if len(found) else found.subject,
        found.triples,
        kept,
    )


def _number(name: str, numbers: dict[str, int], names: list[str]) -> int:
    found = numbers.get(name)
    if found is None:
        found = numbers[name] = len(names)
        names.append(name)
    return found


def _joined(path: Path, parts: list[Scan]) -> Scan:
    """The parts of one file as one scan of it (sorted again, duplicates dropped)."""
    columns: dict[str, Column] = {
        name: np.concatenate([getattr(found, name) for found in parts])
        for name in ("high", "low", "subject", "graph")
    }
    return _sorted(path, columns, [quad for found in parts for quad in found.kept])


def _sorted(path: Path, columns: dict[str, Column], kept: list[Kept]) -> Scan:
    """The rows sorted by (graph, key), duplicates dropped. Each column is copied in that
    order, then let go (the caller hands them over), so that the rows are held about twice at
    most."""
    kinds = {"high": np.int64, "low": np.int64, "subject": np.uint32, "graph": np.uint32}
    view = {name: np.frombuffer(columns[name], dtype=kind) for name, kind in kinds.items()}
    order = _order(view["graph"], view["high"], view["low"])
    del view
    sorted_columns = {}
    for name, kind in kinds.items():
        sorted_columns[name] = np.frombuffer(columns.pop(name), dtype=kind)[order]
    del order
    graph, high, low = sorted_columns["graph"], sorted_columns["high"], sorted_columns["low"]
    subject = sorted_columns["subject"]
    del sorted_columns
    if len(graph) > 1:
        same = (graph[1:] == graph[:-1]) & (high[1:] == high[:-1]) & (low[1:] == low[:-1])
        if same.any():
            keep = np.concatenate(([True], ~same))
            graph, high, low, subject = graph[keep], high[keep], low[keep], subject[keep]
        del same
    return Scan(path, graph, high, low, subject, _distinct_triples(high, low), kept)


def _order(graph: Numbers, high: Keys, low: Keys) -> npt.NDArray[np.intp]:
    """The order of the rows by (graph, high, low): by high, then (stable) by graph; by all
    three only when two rows of a graph share their high half (a quad written twice)."""
    order = np.argsort(high)
    order = order[np.argsort(graph[order], kind="stable")]
    g, h = graph[order], high[order]
    if np.any((g[1:] == g[:-1]) & (h[1:] == h[:-1])):
        return np.lexsort((low, high, graph))
    return order


def _distinct_triples(high: Keys, low: Keys) -> int:
    """How many distinct keys, whatever their graph: rows sharing their high half (the same
    triple in several graphs) are compared on both halves."""
    order = np.argsort(high)
    same = high[order[1:]] == high[order[:-1]]
    if not same.any():
        return len(high)
    shared = np.zeros(len(high), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    rows = order[shared]
    del order, same, shared
    h, lo = high[rows], low[rows]
    by_key = np.lexsort((lo, h))
    h, lo = h[by_key], lo[by_key]
    return len(high) - int(np.count_nonzero((h[1:] == h[:-1]) & (lo[1:] == lo[:-1])))


def scan_store(
    store: ox.Store,
    written: WrittenForms,
    terms: Terms,
    triples: int,
    watch: Mapping[str, Container[str]] | None = None,
) -> Scan:
    """What `scan` reads from the N-Quads dump of `store`'s named graphs (the literals as
    `written`), made from the store itself: a row per graph and subject, weighted by its quads,
    and the watched quads, with no keys (`Scan.keyed` is False), for a comparison with nothing
    (a first build's changes). One grouped count of the store, where reading the dump makes a key of
    every line. `triples`: the distinct triples of the union as written (the dumps count them).
    Its `quads_of` reads the store. The objects `watch` lists (unless `ANYTHING`) are IRIs."""
    graph_numbers, graph_names = terms.graphs, terms.graph_names
    numbers, names = terms.subjects, terms.subject_names
    extra: dict[tuple[object, object], int] = {}
    for (g, (s, _, _)), found in written.by_quad.items():
        if len(found) > 1:  # one stored literal written more than one way: a line each
            extra[g, s] = extra.get((g, s), 0) + len(found) - 1
    graphs, subjects, counts = array("I"), array("I"), array("q")
    query = "SELECT ?g ?s (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?s"
    for g, s, n in store.query(query):  # type: ignore[misc, union-attr]
        graphs.append(_number(graph_name(g), graph_numbers, graph_names))
        subjects.append(_number(str(s), numbers, names))
        counts.append(int(n.value) + extra.get((g, s), 0))
    kept: list[Kept] = []
    for predicate, objects in (watch or {}).items():
        found_quads = (
            store.quads_for_pattern(None, ox.NamedNode(predicate[1:-1]), None, None)
            if isinstance(objects, Anything)
            else (
                quad
                for name in sorted(o for o in objects if o.startswith("<"))  # type: ignore[attr-defined]
                for quad in store.quads_for_pattern(
                    None, ox.NamedNode(predicate[1:-1]), ox.NamedNode(name[1:-1]), None
                )
            )
        )
        for quad in written.quads(found_quads):
            value = str(quad.object)
            if value in objects and not isinstance(quad.graph_name, ox.DefaultGraph):
                sid = _number(str(quad.subject), numbers, names)
                gid = _number(graph_name(quad.graph_name), graph_numbers, graph_names)
                kept.append((sid, predicate, value, gid))
    graph = np.frombuffer(graphs, dtype=np.uint32)
    order = np.argsort(graph, kind="stable")
    none = np.broadcast_to(np.int64(0), (len(graph),))  # no keys: no memory for them
    return Scan(
        None,
        graph[order],
        none,
        none,
        np.frombuffer(subjects, dtype=np.uint32)[order],
        triples,
        kept,
        reader=partial(_store_quads, store, written),
        keyed=False,
        weight=np.frombuffer(counts, dtype=np.int64)[order],
    )


def _store_quads(
    store: ox.Store, written: WrittenForms, subjects: Collection[str]
) -> Iterator[Quad]:
    """The quads of `subjects` (N-Triples forms of IRIs and blank nodes) in `store`'s named
    graphs, as written."""
    for name in subjects:
        if name.startswith("<") and not name.startswith("<<"):
            term: ox.NamedNode | ox.BlankNode = ox.NamedNode(name[1:-1])
        elif name.startswith("_:"):
            term = ox.BlankNode(name[2:])
        else:
            continue
        for quad in written.quads(store.quads_for_pattern(term, None, None, None)):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                s, p, o = (str(t) for t in quad.triple)
                yield s, p, o, graph_name(quad.graph_name)


def quads_of(
    path: Path,
    subjects: Collection[str],
    processes: int = 1,
    part_bytes: int | None = None,
) -> Iterator[Quad]:
    """The quads of an N-Quads file whose subject (N-Triples form) is one of `subjects`, in the
    file's order.

    Only the lines that may hold one are parsed: a line whose subject is written as an IRI
    without escapes, or as a blank node when no blank node is wanted, is passed over when its
    text is not a wanted subject (N-Quads holds one statement a line; any other line is parsed).
    With `processes` above one and a file larger than `part_bytes` (`PART_BYTES` by default),
    its parts are read by that many processes side by side (should one end abruptly, the file is
    read here)."""
    part_bytes = part_bytes or PART_BYTES
    if processes > 1 and path.stat().st_size > part_bytes:
        wanted = frozenset(subjects)
        jobs = [(path, wanted, part) for part in _parts(path, part_bytes)]
        found = _in_processes(_quads_of_part, jobs, processes)
        if found is not None:
            for quads in found:
                yield from quads
            return
    yield from _quads_of(path, subjects)


def _quads_of_part(path: Path, subjects: frozenset[str], part: tuple[int, int]) -> list[Quad]:
    """`quads_of` one part of the file (run in another process)."""
    return list(_quads_of(path, subjects, part))


def _quads_of(
    path: Path, subjects: Collection[str], part: tuple[int, int] | None = None
) -> Iterator[Quad]:
    wanted = {s.encode("utf-8") for s in subjects}
    blank = any(s.startswith("_:") for s in subjects)
    lines: list[bytes] = []
    with open(path, "rb") as file:
        source: IO[bytes] = file
        if part is not None:  # from a line start to a line start
            file.seek(part[0])
            source = io.BytesIO(file.read(part[1] - part[0]))
        for line in source:
            if line[:1] == b"<" and line[:2] != b"<<" and b"\r" not in line:
                subject = line[: line.find(b">") + 1]
                if subject not in wanted and b"\\" not in subject:
                    continue
            elif line[:2] == b"_:" and not blank:
                continue
            lines.append(line)
            if len(lines) == 4096:
                yield from _quads_in(lines, subjects, path)
                lines = []
    yield from _quads_in(lines, subjects, path)


def _quads_in(lines: list[bytes], subjects: Collection[str], path: Path) -> Iterator[Quad]:
    try:
        for quad in ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS):
            s = str(quad.subject)
            if s in subjects:
                yield s, str(quad.predicate), str(quad.object), graph_name(quad.graph_name)
    except (SyntaxError, ValueError) as error:
        message = str(error).splitlines()[0] if str(error) else "unreadable"
        raise InputError(f"not N-Quads: {message}", path) from None


__all__ = [
    "ANYTHING",
    "SERIALISER",
    "Quad",
    "Scan",
    "Terms",
    "graph_name",
    "quads_of",
    "scan",
    "scan_files",
    "scan_store",
]
