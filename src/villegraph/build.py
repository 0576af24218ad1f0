"""The build pipeline: load → infer → validate → dump, published atomically as `dist/`.

`dist` is a symbolic link to a versioned folder `.dist.v-<build_id>/` beside it. Everything is
first written into a temporary folder there (same file system), renamed to its version name and
published by renaming a new link over `dist` (one atomic step); the previous version is deleted
afterwards (`villegraph.publish`). Invariant: once built, `dist` always names a complete build,
the previous or the new one, even if the process is killed at any instant. Any failure (bad
input, data that does not conform, an exception, Ctrl-C) leaves the previous build published.

Each build also writes `changes.md` and `changes.json` beside its dumps: what changed against the
build it replaces (`villegraph.diff`), or "first build" when there is none.

A build holds the lock `.dist.lock` from start to end (a second build of the same folder waits);
holding it, it first recovers a missing `dist` and deletes what killed builds left beside it.
"""

from __future__ import annotations

import errno
import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph

from villegraph.config import Settings, absolute
from villegraph.diff import (
    DIFF_NAMES,
    SCAN_STORE_UP_TO,
    changes_since,
    has_dump,
    scan_of_store,
    to_json_text,
    to_markdown,
)
from villegraph.dump import (
    FileRecord,
    StatisticsCounter,
    VoidInput,
    class_partitions,
    file_record,
    serialisation_prefixes,
    source_documents,
    write_context,
    write_dumps,
    write_gzip_copies,
    write_json,
    write_rdf,
    write_text,
    write_void,
)
from villegraph.errors import InputError, ValidationFailed
from villegraph.formats import TURTLE
from villegraph.infer import InferenceReport, infer, load_rules
from villegraph.jsonld import CONTEXT_NAME
from villegraph.load import LoadedDataset, graph_iri, load_dataset, to_rdflib_graph
from villegraph.parallel import build_threads
from villegraph.publish import build_lock, clean, crash_point, current_version, publishing, recover
from villegraph.quadscan import SERIALISER, Scan, Terms
from villegraph.quality import quality_quads
from villegraph.records.unreviewed import as_warnings, draft_subjects
from villegraph.sources import write_sources
from villegraph.validate import load_shapes, validate, validate_store

STAGES = ("load", "infer", "validate", "dump", "changes")
"""The stages of a build, timed in build.json: `changes` is changes.md/.json against the
previous build (`villegraph.diff`)."""


@dataclass(frozen=True)
class ProgressEvent:
    """One finished stage of a build."""

    stage: str
    seconds: float
    detail: str


Progress = Callable[[ProgressEvent], None]


@dataclass
class BuildReport:
    """The outcome of a build."""

    out_dir: Path
    build_id: str
    modified: datetime
    base_iri: str
    triples: int
    graphs: dict[str, int]
    derived: int
    conforms: bool
    report: Any
    """The `villegraph.validate.ValidationReport`."""
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    """The process's peak resident memory (MiB) at the end of each stage."""
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    """The process's CPU time (user + system) in each stage: on a shared machine, the figure
    that does not depend on what else runs."""

    @property
    def violations(self) -> int:
        return len(self.report.violations)

    @property
    def warnings(self) -> int:
        return len(self.report.warnings)

    def to_json(self) -> dict[str, object]:
        """The content of build.json."""
        return {
            "build_id": self.build_id,
            "modified": self.modified.isoformat(),
            "base_iri": self.base_iri,
            "triples": self.triples,
            "graphs": self.graphs,
            "derived": self.derived,
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "peak_rss_mb": {k: round(v, 1) for k, v in self.peak_rss_mb.items()},
            "cpu_seconds": {k: round(v, 2) for k, v in self.cpu_seconds.items()},
            "serialiser": SERIALISER,
            "files": {name: record.to_json() for name, record in self.files.items()},
        }


class _Stages:
    """Times each stage, notes the peak memory after it, and reports it to the progress
    callback."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self._cpu = cpu_seconds()

    @contextmanager
    def stage(self, name: str, detail: list[str]) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.record(name, time.perf_counter() - start, detail[0] if detail else "")

    def record(self, name: str, seconds: float, detail: str) -> None:
        """Note a finished stage."""
        self.timings[name] = seconds
        self.peak_rss_mb[name] = peak_rss_mb()
        cpu = cpu_seconds()
        self.cpu_seconds[name], self._cpu = cpu - self._cpu, cpu
        if self.progress is not None:
            self.progress(ProgressEvent(name, seconds, detail))


def prepare(
    settings: Settings,
    stages: _Stages | None = None,
    *,
    engine: str = "store",
    include_drafts: bool = False,
) -> tuple[LoadedDataset, InferenceReport, Any]:
    """Load (curation drafts too with `include_drafts`), infer and validate (with the SHACL
    `engine`, store or pyshacl), without writing anything; returns the dataset and reports."""
    with _no_cyclic_gc():
        return _prepare(settings, stages or _Stages(None), engine, include_drafts)


def _prepare(
    settings: Settings, stages: _Stages, engine: str = "store", include_drafts: bool = False
) -> tuple[LoadedDataset, InferenceReport, Any]:
    detail: list[str] = []
    with stages.stage("load", detail):
        dataset = load_dataset(settings, include_drafts=include_drafts)
        detail.append(f"{len(dataset.store)} triples from {len(dataset.files)} files")
    detail = []
    with stages.stage("infer", detail):
        assert settings.ontology_dir is not None
        rules = load_rules(settings.ontology_dir / "rules")
        inference = infer(dataset, rules, threads=build_threads(settings.build_threads))
        detail.append(f"{inference.triples} derived triples in {inference.passes} passes")
    detail = []
    with stages.stage("validate", detail):
        if engine == "pyshacl":
            start = time.perf_counter()
            data = to_rdflib_graph(dataset)
            converted = f" ({time.perf_counter() - start:.2f} s of it to make the rdflib graph)"
            report = validate_graph(data, dataset, settings)
        else:
            converted = ""
            report = validate_dataset(dataset, settings)
        if include_drafts:  # a draft's violations are warnings until it is reviewed
            report = as_warnings(report, draft_subjects(dataset.file_quads()))
        detail.append(
            f"{len(report.violations)} violations, {len(report.warnings)} warnings{converted}"
        )
    return dataset, inference, report


SHAPES_APART_BELOW = 5_000_000
"""Quads up to which the shapes are evaluated side by side by default: above, one at a time,
so that one query's working memory is held beside the store, not two (at 10M, two shapes at a
time raised the build's peak by 377 MiB to 11,477 MiB; benchmarks/RESULTS.md)."""


def validate_dataset(dataset: LoadedDataset, settings: Settings) -> Any:
    """SHACL-validate the dataset on its own Oxigraph store (the store engine): no copy of the
    data, the literals as written taken from the dataset's quads; the shapes evaluated by the
    build's threads (by default, below `SHAPES_APART_BELOW` quads only)."""
    threads = build_threads(settings.build_threads)
    if not settings.build_threads and len(dataset.store) >= SHAPES_APART_BELOW:
        threads = 1
    return validate_store(dataset.store, load_shapes(settings), dataset.written, threads)


def validate_graph(data: Graph, dataset: LoadedDataset, settings: Settings) -> Any:
    """SHACL-validate `data` (the union of all graphs of `dataset`) against the project's shapes,
    with the ontology graph for the class hierarchy."""
    ontology = to_rdflib_graph(dataset, [graph_iri(dataset.base_iri, "ontology")])
    return validate(data, load_shapes(settings), ontology, sparql_store=dataset.store)


def build(
    settings: Settings,
    out_dir: Path | None = None,
    *,
    progress: Progress | None = None,
    include_drafts: bool = False,
) -> BuildReport:
    """Run the whole pipeline and write the dist folder atomically; see the module docstring.
    Curation drafts are left out unless `include_drafts` (their graphs are typed vg:Unreviewed).

    Raises ValidationFailed (nothing written) when the data has any sh:Violation.
    """
    with _no_cyclic_gc():
        target = absolute(out_dir or settings.dist_dir or "dist")
        return _build(settings, target, progress, include_drafts)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: the pipeline makes millions of small acyclic
    objects (terms, quads, rdflib triples) and the collector's repeated full scans of them
    cost about a third of the time at 100k triples (measured). Memory is reclaimed after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    settings: Settings, target: Path, progress: Progress | None, include_drafts: bool = False
) -> BuildReport:
    with ExitStack() as held:
        with _writing(target):
            held.enter_context(build_lock(target))
            if target.exists() and not target.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder")
            recover(target)
            clean(target)
        stages = _Stages(progress)
        dataset, inference, report = prepare(settings, stages, include_drafts=include_drafts)
        if not report.conforms:
            raise ValidationFailed(
                f"the data does not conform to the shapes: {len(report.violations)} violation(s)",
                report,
            )
        with _writing(target):
            return _write(settings, target, stages, dataset, inference, report)


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn an OSError of the block into the one-line InputError about `target`."""
    try:
        yield
    except OSError as error:
        raise InputError(f"cannot write the build: {error.strerror or error}", target) from None


def _write(
    settings: Settings,
    target: Path,
    stages: _Stages,
    dataset: LoadedDataset,
    inference: InferenceReport,
    report: Any,
) -> BuildReport:
    modified = datetime.now(UTC).replace(microsecond=0)
    dump_start = time.perf_counter()
    with publishing(target) as publication:
        tmp = publication.folder
        quality = quality_quads(report.graph, dataset.base_iri)
        dataset.add(quality)
        counter = StatisticsCounter(dataset)
        files = write_dumps(dataset, tmp, counter)
        crash_point("dump")
        graphs = counter.graphs
        triples = counter.triples
        files["void.ttl"] = write_void(
            tmp / "void.ttl",
            VoidInput(
                base_iri=dataset.base_iri,
                modified=modified,
                triples=triples,
                graphs=graphs,
                classes=class_partitions(dataset),
                sources=source_documents(dataset),
                dumps=dict(files),
                endpoint=settings.endpoint,
                stats=counter.result(),
            ),
        )
        sources = write_sources(dataset, settings.root, settings.data_dir, tmp)
        previous = current_version(target)
        # A first build compares its store with nothing: counted there, not read from its dump.
        in_store = not has_dump(previous) and sum(graphs.values()) <= SCAN_STORE_UP_TO
        if not in_store:
            dataset.close()  # not read again: its memory goes back before the changes are read
        files[CONTEXT_NAME] = write_context(tmp, dataset.base_iri)
        path = tmp / "shacl-report.ttl"
        write_rdf(
            path, [q.triple for q in quality], TURTLE, serialisation_prefixes(dataset.base_iri)
        )
        files["shacl-report.ttl"] = file_record(path, TURTLE.media_type)
        files["shacl-report.txt"] = write_text(
            tmp / "shacl-report.txt", report.to_text(), "text/plain; charset=utf-8"
        )
        build_id = _build_id(modified, files["villegraph.nq"])
        files.update(write_gzip_copies(tmp, list(files.items())))
        files.update(sources)  # copies of the source texts, sent as they are
        stages.record("dump", time.perf_counter() - dump_start, f"{len(files)} files")
        changes_start = time.perf_counter()
        scanned = scan_of_store(dataset.store, dataset.written, triples) if in_store else None
        dataset.close()  # what `scanned` reads the listed entries' words from goes with it
        changes = write_changes(
            target,
            tmp,
            settings.changes_limit,
            build_threads(settings.build_threads),
            previous,
            scanned,
        )
        del scanned
        changes.update(write_gzip_copies(tmp, list(changes.items())))
        files.update(changes)
        result = BuildReport(
            out_dir=target,
            build_id=build_id,
            modified=modified,
            base_iri=dataset.base_iri,
            triples=triples,
            graphs=graphs,
            derived=inference.triples,
            conforms=report.conforms,
            report=report,
            timings=stages.timings,
            files=files,
            peak_rss_mb=stages.peak_rss_mb,
            cpu_seconds=stages.cpu_seconds,
        )
        stages.record("changes", time.perf_counter() - changes_start, f"{len(changes)} files")
        write_json(tmp / "build.json", result.to_json())
        publication.version = build_id
    result.timings = dict(stages.timings)
    result.peak_rss_mb = dict(stages.peak_rss_mb)
    result.cpu_seconds = dict(stages.cpu_seconds)
    return result


def write_changes(
    target: Path,
    folder: Path,
    limit: int = 0,
    processes: int = 1,
    previous: Path | None = None,
    scanned: tuple[Terms, Scan] | None = None,
) -> dict[str, FileRecord]:
    """Write changes.md and changes.json into `folder` (the build being written): its changes
    against `previous`, by default the build `target` publishes now (the outgoing one), or a
    first build when there is none or it cannot be read; each list cut at `limit` entries (0:
    all), counts exact; large dumps read by `processes` processes; `scanned`: see
    `changes_since`."""
    previous = previous if previous is not None else current_version(target)
    # both named after the target: the build's id and time are in its build.json, so these
    # files stay byte-identical across builds of the same input from the same previous build
    changes = changes_since(previous, folder, target.name, limit, processes, scanned)
    md, js = DIFF_NAMES
    return {
        md: write_text(folder / md, to_markdown(changes), "text/markdown; charset=utf-8"),
        js: write_text(folder / js, to_json_text(changes), "application/json"),
    }


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of the processes it waited for (the
    dump stage's second process, `villegraph.unionwriter`)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (ru_maxrss is KiB on Linux)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _build_id(modified: datetime, nquads: FileRecord) -> str:
    stamp = modified.strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{nquads.sha256[:12]}"


__all__ = [
    "STAGES",
    "BuildReport",
    "Progress",
    "ProgressEvent",
    "build",
    "cpu_seconds",
    "peak_rss_mb",
    "prepare",
    "validate_dataset",
    "validate_graph",
]
