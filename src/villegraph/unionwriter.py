"""Turtle and JSON-LD of the union, written from its N-Triples, here or by a second process.

The dump stage writes the union of all graphs subject after subject (`villegraph.dump`); Turtle
and JSON-LD are made from the same runs of triples. On a large build that work (the JSON-LD
compaction is pure Python) goes to a second Python process, `UnionProcess`, which follows the
N-Triples dump as the build writes it (the build tells it through a pipe how far the file is
written, so the build never waits for it), and writes the two dumps and their `.gz` copies on
the machine's other core. The bytes are those written in one process: the N-Triples hold the
terms as written, and parsing them back gives the same triples in the same order
(`tests/test_dump.py` compares both ways with the reference writer).

    python -m villegraph.cli.union_process OUT_DIR BASE_IRI CHUNK < villegraph.nt
    python -m villegraph.cli.union_process OUT_DIR BASE_IRI CHUNK --follow FILE < sizes

(the process's entry point, `PROCESS`) writes OUT_DIR/villegraph.ttl and
OUT_DIR/villegraph.jsonld with their `.gz` copies from the N-Triples on its input, or from FILE
as far as the sizes on its input (decimal, one a line) say it is written, and prints their
records (JSON, one line); on error it prints one line to stderr and exits with 1.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, NoReturn

import pyoxigraph as ox

from villegraph.dumpfiles import Packer, Sink, TurtleRuns, Write, runs, subject_of
from villegraph.errors import VillegraphError
from villegraph.jsonld import CompactWriter
from villegraph.namespaces import prefixes_for

TURTLE_NAME = "villegraph.ttl"
JSONLD_NAME = "villegraph.jsonld"
NAMES = (TURTLE_NAME, JSONLD_NAME)
"""The dumps made from the union's N-Triples."""
PROCESS = "villegraph.cli.union_process"
"""The module the second process runs."""
PIPE_BYTES = 1 << 20
"""The pipe's capacity asked for (Linux's default limit for a user): the build goes on
serialising while the other process catches up."""


def serialisation_prefixes(base_iri: str) -> dict[str, str]:
    """The prefix map for serialisers, without `vgr:` (its local names hold `/`, which the
    serialiser would have to escape: minted resources are written as full IRIs)."""
    prefixes = prefixes_for(base_iri)
    del prefixes["vgr"]
    return prefixes


class UnionFormats:
    """Turtle and JSON-LD of runs of the union (triples grouped by subject)."""

    def __init__(self, turtle: Write, jsonld: Write, base_iri: str) -> None:
        self.turtle = TurtleRuns(turtle, serialisation_prefixes(base_iri))
        self.jsonld = CompactWriter(base_iri, jsonld)

    def write(self, triples: list[ox.Triple]) -> None:
        self.turtle.write(triples)
        self.jsonld.write(triples)

    def close(self) -> None:
        self.jsonld.close()


Record = dict[str, Any]
"""A dump's record as the process reports it: bytes and sha256 of the file and its copy."""


def write_formats(
    triples: Iterable[ox.Triple], out_dir: Path, base_iri: str, chunk: int
) -> dict[str, Record]:
    """Write Turtle and JSON-LD (and `.gz` copies) of `triples`, grouped by subject, into
    `out_dir`; their records by file name."""
    with (
        Packer() as packer,
        Sink(out_dir / TURTLE_NAME, packer) as ttl,
        Sink(out_dir / JSONLD_NAME, packer) as jsonld,
    ):
        formats = UnionFormats(ttl.write, jsonld.write, base_iri)
        for run in runs(triples, chunk, subject_of):
            formats.write(run)
        formats.close()
    return {name: _record(sink) for name, sink in ((TURTLE_NAME, ttl), (JSONLD_NAME, jsonld))}


def _record(sink: Sink) -> Record:
    return {
        "bytes": sink.size,
        "sha256": sink.sha256(),
        "gz_bytes": sink.packed.size,
        "gz_sha256": sink.packed.digest.hexdigest(),
    }


class FollowedFile(io.RawIOBase):
    """A file another process is writing, read as far as `sizes` says it is written (decimal
    sizes, one a line, never decreasing); it ends where the last size said, once `sizes` ends."""

    def __init__(self, path: Path, sizes: IO[bytes]) -> None:
        self.path = path
        self.sizes = sizes
        self.handle: IO[bytes] | None = None  # opened once a size is known: the file exists
        self.known = 0
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.position >= self.known:
            line = self.sizes.readline()
            if not line:
                return 0
            self.known = int(line)
        if self.handle is None:
            self.handle = self.path.open("rb")
        view = memoryview(buffer)[: min(len(buffer), self.known - self.position)]
        count = self.handle.readinto(view)  # type: ignore[attr-defined]
        if not count:
            raise OSError(f"{self.path} ends before {self.known} bytes")
        self.position += count
        return int(count)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        super().close()


def followed(path: Path, sizes: IO[bytes]) -> IO[bytes]:
    """`FollowedFile`, read a MiB at a time."""
    return io.BufferedReader(FollowedFile(path, sizes), PIPE_BYTES)


class UnionProcess:
    """A second process writing Turtle and JSON-LD from N-Triples: those handed to `write`, or
    the file `follow` as far as `written` says (then `finish` when it is whole); `close` waits
    for it and returns the records. Leaving the block on an error stops it."""

    def __init__(
        self, out_dir: Path, base_iri: str, chunk: int, follow: Path | None = None
    ) -> None:
        self.out_dir = out_dir
        self.command = [sys.executable, "-m", PROCESS, str(out_dir), base_iri, str(chunk)]
        if follow is not None:
            self.command += ["--follow", str(follow)]
        self.records: dict[str, Record] = {}

    def __enter__(self) -> UnionProcess:
        self.errors = tempfile.TemporaryFile()  # closed by __exit__
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            bufsize=PIPE_BYTES,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        with contextlib.suppress(OSError, AttributeError):  # a bigger pipe where allowed
            fcntl.fcntl(self.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        return self

    def write(self, data: bytes) -> None:
        try:
            self.stdin.write(data)
        except BrokenPipeError:
            self._failed()

    def written(self, size: int) -> None:
        """Tell the process following the file how far it is written."""
        try:
            self.stdin.write(b"%d\n" % size)
            self.stdin.flush()
        except BrokenPipeError:
            self._failed()

    def finish(self) -> None:
        """End the input: the N-Triples are whole."""
        try:
            self.stdin.close()
        except BrokenPipeError:
            self._failed()

    def close(self) -> dict[str, Record]:
        """End the input, wait for the process; its records by file name."""
        self.finish()
        out = self.stdout.read()
        if self.process.wait() != 0:
            self._failed()
        self.records = json.loads(out)
        return self.records

    def _failed(self) -> NoReturn:
        self.process.kill()
        self.process.wait()
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else f"exit status {self.process.returncode}"
        raise VillegraphError(f"writing {' and '.join(NAMES)} failed: {reason}")

    def __exit__(self, *exc: object) -> None:
        if self.process.returncode is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.stdin, self.stdout, self.errors):
            with contextlib.suppress(OSError):
                stream.close()


__all__ = [
    "NAMES",
    "PROCESS",
    "FollowedFile",
    "UnionFormats",
    "UnionProcess",
    "followed",
    "serialisation_prefixes",
    "write_formats",
]
