"""The diff of two builds as `villegraph.diff` computed it before it streamed the dumps (every
quad of both builds held in Python sets), kept as the reference of `tests/test_diff_same.py`
and of `benchmarks/bench_changes.py`. It produces the same `Changes` the module's writers print.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from villegraph.diff import (
    RDF_TYPE,
    SH,
    Changes,
    EntityChange,
    GraphCounts,
    ResultChange,
)
from villegraph.errors import InputError

NQUADS_NAME = "villegraph.nq"
DEFAULT_GRAPH = ""
Quad = tuple[str, str, str, str]


@dataclass
class Build:
    """One build as read for a diff: its quads and what build.json says about it."""

    source: str
    build_id: str
    modified: str
    quads: set[Quad]


def read_build(path: Path) -> Build:
    """Read a build folder (its villegraph.nq and build.json) or an N-Quads file."""
    path = Path(path)
    folder = path if path.is_dir() else None
    nquads = path / NQUADS_NAME if folder is not None else path
    info: dict[str, Any] = {}
    if folder is not None and (folder / "build.json").is_file():
        try:
            info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
    if not nquads.is_file():
        raise InputError("no N-Quads dump here (a build folder or a .nq file)", nquads)
    try:
        quads = _read_quads(nquads)
    except (SyntaxError, ValueError, OSError) as error:
        message = str(error).splitlines()[0] if str(error) else "unreadable"
        raise InputError(f"not N-Quads: {message}", nquads) from None
    return Build(
        source=str(path),
        build_id=str(info.get("build_id", "")),
        modified=str(info.get("modified", "")),
        quads=quads,
    )


def _read_quads(path: Path) -> set[Quad]:
    terms: dict[str, str] = {}
    one = terms.setdefault
    quads: set[Quad] = set()
    add = quads.add
    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        s, p, o, g = str(q.subject), str(q.predicate), str(q.object), _graph_name(q.graph_name)
        add((one(s, s), one(p, p), one(o, o), one(g, g)))
    return quads


def _graph_name(graph: object) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else DEFAULT_GRAPH


def _iri(term: str) -> str | None:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else None


def _describe(build: Build) -> dict[str, str]:
    return {"source": build.source, "build_id": build.build_id, "modified": build.modified}


def _results(quads: set[Quad]) -> dict[str, dict[str, str]]:
    results = {s for s, p, o, _ in quads if p == f"<{RDF_TYPE}>" and o == f"<{SH}ValidationResult>"}
    found: dict[str, dict[str, list[str]]] = {s: defaultdict(list) for s in results}
    for s, p, o, _ in quads:
        if s in found and p.startswith(f"<{SH}"):
            found[s][p[len(SH) + 1 : -1]].append(o)
    return {
        _iri(s) or s: {name: _best(values) for name, values in props.items()}
        for s, props in found.items()
    }


def _best(values: list[str]) -> str:
    rank = {"": 0, "fr": 1, "en": 2}

    def key(term: str) -> tuple[int, str]:
        if not term.startswith('"'):
            return (0, term)
        tail = term.rsplit('"', 1)[1]
        lang = tail[1:] if tail.startswith("@") else ""
        return (rank.get(lang, 3), term)

    return min(values, key=key)


def _quality_graphs(quads: set[Quad]) -> set[str]:
    return {g for s, p, o, g in quads if p == f"<{RDF_TYPE}>" and o == f"<{SH}ValidationReport>"}


def _by_subject(quads: set[Quad], skip: set[str]) -> dict[str, set[Quad]]:
    grouped: dict[str, set[Quad]] = defaultdict(set)
    for quad in quads:
        iri = _iri(quad[0])
        if iri is not None and quad[3] not in skip:
            grouped[iri].add(quad)
    return grouped


def _lexical(term: str) -> tuple[str, str]:
    if not term.startswith('"'):
        return "", ""
    try:
        quad = next(iter(ox.parse(f"<x:s> <x:p> {term} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    except (SyntaxError, ValueError, StopIteration):
        return term, ""
    literal = quad.object
    if not isinstance(literal, ox.Literal):
        return "", ""
    return literal.value, literal.language or ""


LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
)


def label_of(quads: set[Quad] | None) -> str:
    if not quads:
        return ""
    rank = {"": 0, "fr": 1, "en": 2}
    for predicate in LABELS:
        found = [_lexical(o) for _, p, o, _ in quads if p == f"<{predicate}>"]
        found = [(text, lang) for text, lang in found if text]
        if found:
            return min(found, key=lambda tl: (rank.get(tl[1], 3), tl[1], tl[0]))[0]
    return ""


def _sorted(quads: set[Quad]) -> list[Quad]:
    return sorted(quads, key=lambda q: (q[3], q[0], q[1], q[2]))


def diff(old: Build | None, new: Build) -> Changes:
    """The changes from `old` to `new` (everything added when `old` is None)."""
    before = old.quads if old is not None else set()
    skip = _quality_graphs(before) | _quality_graphs(new.quads)
    old_subjects = _by_subject(before, skip)
    new_subjects = _by_subject(new.quads, skip)
    changes = Changes(
        old=_describe(old) if old is not None else None,
        new=_describe(new),
        triples_before=len({q[:3] for q in before}),
        triples_after=len({q[:3] for q in new.quads}),
    )
    for iri in sorted(new_subjects.keys() - old_subjects.keys()):
        quads = new_subjects[iri]
        changes.added.append(EntityChange(iri, label_of(quads), triples=len(quads)))
    for iri in sorted(old_subjects.keys() - new_subjects.keys()):
        quads = old_subjects[iri]
        changes.removed.append(EntityChange(iri, label_of(quads), triples=len(quads)))
    for iri in sorted(old_subjects.keys() & new_subjects.keys()):
        was, now = old_subjects[iri], new_subjects[iri]
        if was != now:
            label = label_of(now) or label_of(was)
            added, removed = _sorted(now - was), _sorted(was - now)
            changes.changed.append(
                EntityChange(iri, label, added, removed, 0, len(added), len(removed))
            )
    old_graphs, new_graphs = _per_graph(before), _per_graph(new.quads)
    for graph in sorted(old_graphs.keys() | new_graphs.keys()):
        was, now = old_graphs.get(graph, set()), new_graphs.get(graph, set())
        changes.graphs.append(
            GraphCounts(graph, len(was), len(now), len(now - was), len(was - now))
        )
    old_results, new_results = _results(before), _results(new.quads)
    labels = {**old_subjects, **new_subjects}
    for iri in sorted(new_results.keys() - old_results.keys()):
        changes.appeared.append(_result(iri, new_results[iri], labels))
    for iri in sorted(old_results.keys() - new_results.keys()):
        changes.gone.append(_result(iri, old_results[iri], labels))
    return changes


def _per_graph(quads: set[Quad]) -> dict[str, set[Quad]]:
    grouped: dict[str, set[Quad]] = defaultdict(set)
    for quad in quads:
        grouped[quad[3]].add(quad)
    return grouped


def _result(iri: str, props: dict[str, str], labels: dict[str, set[Quad]]) -> ResultChange:
    severity = _iri(props.get("resultSeverity", "")) or ""
    focus_term = props.get("focusNode", "")
    focus = _iri(focus_term) or focus_term
    return ResultChange(
        iri=iri,
        severity=severity.removeprefix(SH),
        focus=focus,
        focus_label=label_of(labels.get(focus)),
        path=_iri(props.get("resultPath", "")) or "",
        message=_lexical(props.get("resultMessage", ""))[0],
    )


def diff_paths(old: Path | None, new: Path) -> Changes:
    """`diff` of two builds read from folders or N-Quads files."""
    return diff(read_build(old) if old is not None else None, read_build(new))


def build_changes(previous: Path | None, folder: Path, source: str, limit: int) -> Changes:
    """What `villegraph.build.write_changes` computed: `folder` (the build being written)
    against `previous` (None, missing or unreadable: a first build), cut at `limit`."""
    new = read_build(folder)
    new.source = source
    old = None
    if previous is not None and (previous / NQUADS_NAME).is_file():
        try:
            old = read_build(previous)
            old.source = source
        except InputError:
            old = None
    return diff(old, new).cut(limit)
