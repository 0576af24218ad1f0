"""Dump files written as a stream: runs of terms serialised into several formats, and files
that hash and gzip their bytes on another thread as they are written.

pyoxigraph's Turtle and TriG serialisers write a run of triples cut between two subjects exactly
as they would within one call, but for the `@prefix` lines each call starts with, and, in TriG,
the graph block each call opens and closes: `TurtleRuns` and `TriGBlocks` leave those out, so
that runs give the bytes of one serialisation of all (`tests/test_dump.py` compares them).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

import pyoxigraph as ox
from zlib_ng import gzip_ng, zlib_ng

from villegraph.formats import TRIG, TURTLE, RdfFormat

GZIP_LEVEL = 5
"""zlib-ng's level 5: on the dumps of a 1M build, copies 1-2 % smaller than the standard
library's zlib at its usual level 6, in less than half its time (benchmarks/RESULTS.md, "gzip
copies by zlib-ng"); any gzip reader reads them."""
BLOCK = 1 << 20
"""Bytes handed on at a time to the files and the gzip thread."""
Write = Callable[[bytes], object]
"""Where bytes go."""


def gzip_file(fileobj: BinaryIO | HashingFile) -> gzip_ng.GzipFile:
    """A gzip stream written into `fileobj`, without name and time in its header (two builds of
    the same input give the same bytes)."""
    return gzip_ng.GzipFile(
        filename="", mode="wb", fileobj=fileobj, mtime=0, compresslevel=GZIP_LEVEL
    )


def gzip_compressor() -> zlib_ng._Compress:
    """A compressor giving the bytes of a gzip file (header and trailer) chunk by chunk."""
    return zlib_ng.compressobj(GZIP_LEVEL, zlib_ng.DEFLATED, 31)  # 31: gzip header and trailer


def serialize(
    items: list[ox.Triple] | list[ox.Quad],
    rdf_format: RdfFormat,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """pyoxigraph's serialisation of `items`."""
    text = ox.serialize(
        items, format=rdf_format.oxigraph, prefixes=dict(prefixes) if prefixes else None
    )
    assert text is not None
    return text


T = TypeVar("T")


def runs(items: Iterable[T], size: int, key: Callable[[T], object]) -> Iterator[list[T]]:
    """`items` in lists of at least `size` (but the last), each cut where `key` changes, so that
    no run of items with the same key is split between two lists."""
    source = iter(items)
    pending: list[T] = []
    while batch := pending + list(islice(source, size)):
        pending = []
        last = key(batch[-1])
        for item in source:
            if key(item) != last:
                pending = [item]
                break
            batch.append(item)
        yield batch


def subject_of(item: ox.Triple | ox.Quad) -> object:
    """The key of `runs` that cuts between subjects."""
    return item.subject


class Lines:
    """A file for `Store.dump` that hands on whole lines, `BLOCK` bytes or so at a time (the
    `@prefix` lines left out with `skip_prefixes`)."""

    def __init__(self, emit: Callable[[bytes], object], skip_prefixes: bool = False) -> None:
        self.emit = emit
        self.buffer = bytearray()
        self.skip_prefixes = skip_prefixes

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= BLOCK:
            cut = self.buffer.rfind(b"\n") + 1
            if cut:
                self._emit(bytes(self.buffer[:cut]))
                del self.buffer[:cut]
        return len(data)

    def flush(self) -> None:
        """Nothing: lines are handed on as they are complete, the rest at `close`."""

    def close(self) -> None:
        if self.buffer:
            self._emit(bytes(self.buffer))
            self.buffer.clear()

    def _emit(self, text: bytes) -> None:
        if self.skip_prefixes:
            text = text[len(prefix_lines(text)) :]
            self.skip_prefixes = False
        if text:
            self.emit(text)


class TurtleRuns:
    """Turtle written a run at a time, the bytes of one serialisation of all: runs cut between
    subjects (see `runs`) serialise independently, but for the prefixes, written once."""

    def __init__(self, out: Write, prefixes: Mapping[str, str]) -> None:
        self.out = out
        self.prefixes = dict(prefixes)
        self.started = False

    def write(self, triples: list[ox.Triple]) -> None:
        text = serialize(triples, TURTLE, self.prefixes)
        if self.started:
            text = without_prefixes(text)
        self.started = self.started or bool(text)
        self.out(text)


class TriGBlocks:
    """TriG written graph block after graph block, the bytes of one serialisation of all the
    quads: the prefixes once, each graph's block opened and closed once."""

    def __init__(self, out: Write, prefixes: Mapping[str, str]) -> None:
        self.out = out
        self.prefixes = dict(prefixes)
        self.graph: ox.NamedNode | None = None
        """The graph whose block is open."""

    def write(self, quads: list[ox.Quad]) -> None:
        """Quads of one graph, cut between subjects."""
        graph = quads[0].graph_name
        text = serialize(quads, TRIG, self.prefixes)
        text = text[len(prefix_lines(text)) :]
        self._open(graph, text[: text.index(b"\n") + 1])  # type: ignore[arg-type]
        assert text.endswith(_CLOSE)
        self.out(text[text.index(b"\n") + 1 : -len(_CLOSE)])

    def block(self, graph: ox.NamedNode) -> Callable[[bytes], None]:
        """Where the lines of `graph` in Turtle (its triples without the prefixes) go, to be
        written indented in its block."""
        opening = self._opening(graph)

        def write(text: bytes) -> None:
            self._open(graph, opening)
            # Every line break ends a line: the serialiser escapes those inside literals.
            self.out(b"\t" + text[:-1].replace(b"\n", b"\n\t") + b"\n")

        return write

    def _opening(self, graph: ox.NamedNode) -> bytes:
        sample = ox.Quad(_SAMPLE, _SAMPLE, _SAMPLE, graph)
        text = serialize([sample], TRIG, self.prefixes)
        text = text[len(prefix_lines(text)) :]
        return text[: text.index(b"\n") + 1]

    def _open(self, graph: ox.NamedNode, opening: bytes) -> None:
        if graph == self.graph:
            return
        if self.graph is not None:
            self.out(_CLOSE)
        else:
            sample = ox.Quad(_SAMPLE, _SAMPLE, _SAMPLE, graph)
            text = serialize([sample], TRIG, self.prefixes)
            self.out(prefix_lines(text))
        self.out(opening)
        self.graph = graph

    def close(self) -> None:
        """Close the last graph block."""
        if self.graph is not None:
            self.out(_CLOSE)
            self.graph = None


_SAMPLE = ox.NamedNode("urn:x-villegraph:sample")
_CLOSE = b"}\n"
"""How the TriG serialiser closes a graph block."""


def prefix_lines(text: bytes) -> bytes:
    """The `@prefix` lines a Turtle or TriG serialisation starts with."""
    end = 0
    while text.startswith(b"@prefix ", end):
        end = text.index(b"\n", end) + 1
    return text[:end]


def without_prefixes(text: bytes) -> bytes:
    return text[len(prefix_lines(text)) :]


class Packer:
    """One thread that compresses and hashes what the dumps' sinks hand it, in order, while the
    next run is serialised (zlib-ng and hashlib let go of the GIL on large buffers); at most
    `DEPTH` pieces wait, so the memory used stays bounded."""

    DEPTH = 8

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Callable[[], object], bool] | None] = queue.Queue(self.DEPTH)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="villegraph-gzip", daemon=True)

    def __enter__(self) -> Packer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error

    def put(self, job: Callable[[], object], always: bool = False) -> None:
        """Run `job` on the thread, after those put before; once a job failed, only those
        put `always` (closing files), and the writer gets the error at its next `put`."""
        if self.error is not None and not always:
            raise self.error
        self.jobs.put((job, always))

    def _run(self) -> None:
        while (item := self.jobs.get()) is not None:
            job, always = item
            if self.error is None or always:
                try:
                    job()
                except BaseException as error:  # raised again in the writer's thread
                    self.error = self.error or error


class Sink:
    """A dump being written: its bytes go to the file, and, on the packer's thread, to its
    SHA-256 and to its gzip copy (the bytes `villegraph.dump.write_gzip_copies` would write)."""

    def __init__(
        self, path: Path, packer: Packer, written: Callable[[int], object] | None = None
    ) -> None:
        self.path = path
        self.packer = packer
        self.written = written
        """Told the file's size each time bytes reach the file (a reader following it)."""
        self.size = 0
        self.pending: list[bytes] = []
        self.waiting = 0
        """Bytes in `pending`, handed on once they reach `BLOCK`."""
        self.digest = hashlib.sha256()
        self.packed = HashingFile(path.with_name(path.name + ".gz"))

    def __enter__(self) -> Sink:
        try:
            self.gzip = gzip_file(self.packed)
        except BaseException:
            self.packed.close()
            raise
        self.handle = self.path.open("wb")
        return self

    def write(self, data: bytes) -> None:
        self.pending.append(data)
        self.waiting += len(data)
        if self.waiting >= BLOCK:
            self._hand_on()

    def flush(self) -> None:
        """Hand on the bytes still waiting (as leaving the block does)."""
        if self.pending:
            self._hand_on()

    def _hand_on(self) -> None:
        data = b"".join(self.pending)
        self.pending.clear()
        self.waiting = 0
        self.handle.write(data)
        self.size += len(data)
        if self.written is not None:
            self.handle.flush()
            self.written(self.size)
        self.packer.put(partial(self._pack, data))

    def _pack(self, data: bytes) -> None:
        self.digest.update(data)
        self.gzip.write(data)

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self.flush()
        finally:
            self.handle.close()
            self.packer.put(self._finish, always=True)

    def _finish(self) -> None:
        try:
            self.gzip.close()
        except OSError:
            if self.packer.error is None:
                raise
        finally:
            self.packed.close()

    def sha256(self) -> str:
        """The file's SHA-256 (once the packer is done)."""
        return self.digest.hexdigest()


class HashingFile:
    """A file written once that counts and hashes its bytes (the gzip copy)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self.digest = hashlib.sha256()
        self.handle: BinaryIO | None = None

    def write(self, data: bytes) -> int:
        if self.handle is None:
            self.handle = self.path.open("wb")
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        if self.handle is not None:
            self.handle.flush()

    def close(self) -> None:
        if self.handle is None:
            self.handle = self.path.open("wb")
        self.handle.close()


__all__ = [
    "BLOCK",
    "GZIP_LEVEL",
    "HashingFile",
    "Lines",
    "Packer",
    "Sink",
    "TriGBlocks",
    "TurtleRuns",
    "Write",
    "gzip_compressor",
    "gzip_file",
    "prefix_lines",
    "runs",
    "serialize",
    "subject_of",
    "without_prefixes",
]
