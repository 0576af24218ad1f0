"""Changes between two builds: entities added, removed and changed, triples per named graph,
SHACL results that appeared or went away.

A build is read from its N-Quads dump (`villegraph.nq`), given as a build folder (`dist/`, a
release folder) or as the file itself. An *entity* is an IRI that is the subject of a triple
outside the quality graph; it is *changed* when it is a subject in both builds with different
quads (a triple moved to another named graph counts). SHACL results are the
`sh:ValidationResult`s of the quality graph, whose IRIs are stable across builds
(`villegraph.quality`): a result whose IRI is new appeared, one whose IRI is gone went away.
Everything is sorted, so the same two builds always give the same text.

The dumps are never held as text: each is read once as numbers (`villegraph.quadscan`: a
128-bit key per distinct quad, its graph and subject numbers), the comparison is made on those
arrays, and the dumps are read again only for what the lists show, within the limit a build
gives (labels, the quads of the changed entities, the SHACL results listed). A first build, which
compares its store with nothing, counts its quads in the store instead (`scan_of_store`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox

from villegraph.errors import InputError
from villegraph.quadscan import (
    ANYTHING,
    SERIALISER,
    Quad,
    Scan,
    Terms,
    scan_files,
    scan_store,
)
from villegraph.shacl.written import WrittenForms

NQUADS_NAME = "villegraph.nq"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SH = "http://www.w3.org/ns/shacl#"
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
)
"""Label predicates, best first."""
DIFF = "https://w3id.org/villegraph/def/diff#"
"""The small vocabulary of `--format turtle`."""
DIFF_NAMES = ("changes.md", "changes.json")
"""The files a build writes beside its dumps: its changes against the previous build."""
LISTS = ("added", "removed", "changed", "appeared", "gone")
"""The lists of `Changes` a limit cuts, by attribute: entities, then SHACL results."""
CUT_NOTE = (
    "The lists are cut (VILLEGRAPH_CHANGES_LIMIT entries each; the quads of changed entities to "
    "as many in all); the counts are exact. The full lists: `villegraph diff OLD NEW` on the two "
    "builds (a release, releases/V/, or a copy of dist/ kept before building), or a build with "
    "VILLEGRAPH_CHANGES_LIMIT=0."
)
"""What changes.md and changes.json say when their lists are cut."""
DEFAULT_GRAPH = ""
"""The key of the default graph in the per-graph counts."""


@dataclass
class Build:
    """One build as read for a diff: where its N-Quads dump is and what build.json says."""

    source: str
    build_id: str
    modified: str
    nquads: Path
    serialiser: str = ""
    """What wrote the dump, as build.json names it ("" when it does not)."""

    @property
    def canonical(self) -> bool:
        """Whether the dump was written by the serialiser that reads it (`quadscan.scan`)."""
        return self.serialiser == SERIALISER


def read_build(path: Path) -> Build:
    """A build folder (its villegraph.nq and build.json) or an N-Quads file, to be compared
    (the dump is read by `diff`, an unreadable one being an InputError naming it)."""
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
    return Build(
        source=str(path),
        build_id=str(info.get("build_id", "")),
        modified=str(info.get("modified", "")),
        nquads=nquads,
        serialiser=str(info.get("serialiser", "")),
    )


def _iri(term: str) -> str | None:
    """The IRI of an N-Triples `<…>` term, or None."""
    return term[1:-1] if term.startswith("<") and term.endswith(">") else None


@dataclass
class EntityChange:
    """One entity added, removed or changed, with its label and the quads that differ."""

    iri: str
    label: str
    added: list[Quad] = field(default_factory=list)
    """For a changed entity: its quads that are new."""
    removed: list[Quad] = field(default_factory=list)
    """For a changed entity: its quads that are gone."""
    triples: int = 0
    """For an entity added or removed: its number of quads (they are in the dumps)."""
    added_triples: int = 0
    """For a changed entity: how many quads are new (all of them, even when `added` is cut)."""
    removed_triples: int = 0
    """For a changed entity: how many quads are gone."""

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "label": self.label,
            "triples": self.triples,
            "added_triples": self.added_triples,
            "removed_triples": self.removed_triples,
            "added": [list(q) for q in self.added],
            "removed": [list(q) for q in self.removed],
        }


@dataclass
class GraphCounts:
    """Triples of one named graph before and after."""

    graph: str
    before: int
    after: int
    added: int
    removed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "graph": self.graph,
            "before": self.before,
            "after": self.after,
            "added": self.added,
            "removed": self.removed,
        }


@dataclass
class ResultChange:
    """A SHACL result that appeared or went away."""

    iri: str
    severity: str
    focus: str
    focus_label: str
    path: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "severity": self.severity,
            "focus": self.focus,
            "focus_label": self.focus_label,
            "path": self.path,
            "message": self.message,
        }


@dataclass
class Changes:
    """What changed from `old` to `new` (old is None for a first build)."""

    old: dict[str, str] | None
    new: dict[str, str]
    triples_before: int = 0
    triples_after: int = 0
    added: list[EntityChange] = field(default_factory=list)
    removed: list[EntityChange] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)
    graphs: list[GraphCounts] = field(default_factory=list)
    appeared: list[ResultChange] = field(default_factory=list)
    gone: list[ResultChange] = field(default_factory=list)
    totals: dict[str, int] | None = None
    """Exact lengths of the lists when they are cut (see `cut`)."""
    limit: int = 0
    """The entries each list was cut to; 0 when nothing was left out."""

    @property
    def first_build(self) -> bool:
        return self.old is None

    def counts(self) -> dict[str, int]:
        """How many entities were added, removed, changed, results appeared, gone: exact."""
        if self.totals is not None:
            return dict(self.totals)
        return {name: len(getattr(self, name)) for name in LISTS}

    def cut(self, limit: int) -> Changes:
        """These changes with each list cut to `limit` entries and the quads listed for changed
        entities to `limit` in all (0: nothing cut); the counts stay exact."""
        if limit <= 0:
            return self
        counts = self.counts()
        lists: dict[str, Any] = {name: getattr(self, name)[:limit] for name in LISTS}
        budget = limit
        changed = []
        for entity in lists["changed"]:
            added, removed = entity.added[:budget], []
            budget -= len(added)
            removed = entity.removed[:budget]
            budget -= len(removed)
            changed.append(replace(entity, added=added, removed=removed))
        lists["changed"] = changed
        listed = sum(len(e.added) + len(e.removed) for e in changed)
        every = sum(len(e.added) + len(e.removed) for e in self.changed)
        if all(len(lists[n]) == counts[n] for n in LISTS) and listed == every:
            return self
        return replace(self, totals=counts, limit=limit, **lists)

    def to_json(self) -> dict[str, Any]:
        """The content of changes.json (and of `villegraph diff --format json`)."""
        return {
            "old": self.old,
            "new": self.new,
            "first_build": self.first_build,
            "triples": {"before": self.triples_before, "after": self.triples_after},
            "counts": self.counts(),
            "cut": {"limit": self.limit, "note": CUT_NOTE} if self.limit else None,
            "entities": {
                "added": [e.to_json() for e in self.added],
                "removed": [e.to_json() for e in self.removed],
                "changed": [e.to_json() for e in self.changed],
            },
            "graphs": [g.to_json() for g in self.graphs],
            "shacl": {
                "appeared": [r.to_json() for r in self.appeared],
                "gone": [r.to_json() for r in self.gone],
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Changes:
        """The inverse of `to_json` (to print a stored changes.json again)."""

        def entity(item: dict[str, Any]) -> EntityChange:
            return EntityChange(
                item["iri"],
                item["label"],
                [tuple(q) for q in item["added"]],  # type: ignore[misc]
                [tuple(q) for q in item["removed"]],  # type: ignore[misc]
                int(item.get("triples", 0)),
                int(item.get("added_triples", len(item["added"]))),
                int(item.get("removed_triples", len(item["removed"]))),
            )

        entities, shacl = data["entities"], data["shacl"]
        cut = data.get("cut")
        return cls(
            totals=dict(data["counts"]) if cut else None,
            limit=int(cut["limit"]) if cut else 0,
            old=data["old"],
            new=data["new"],
            triples_before=data["triples"]["before"],
            triples_after=data["triples"]["after"],
            added=[entity(e) for e in entities["added"]],
            removed=[entity(e) for e in entities["removed"]],
            changed=[entity(e) for e in entities["changed"]],
            graphs=[GraphCounts(**g) for g in data["graphs"]],
            appeared=[ResultChange(**r) for r in shacl["appeared"]],
            gone=[ResultChange(**r) for r in shacl["gone"]],
        )


def _describe(build: Build) -> dict[str, str]:
    return {"source": build.source, "build_id": build.build_id, "modified": build.modified}


def _best(values: list[str]) -> str:
    """One of several values, the same in every build: literals untagged or French first."""
    rank = {"": 0, "fr": 1, "en": 2}

    def key(term: str) -> tuple[int, str]:
        if not term.startswith('"'):
            return (0, term)
        tail = term.rsplit('"', 1)[1]
        lang = tail[1:] if tail.startswith("@") else ""
        return (rank.get(lang, 3), term)

    return min(values, key=key)


def _lexical(term: str) -> tuple[str, str]:
    """Lexical form and language of an N-Triples literal (("", "") if not a literal)."""
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


def label_of(quads: set[Quad] | None) -> str:
    """The best label among an entity's quads: the first label predicate that has one,
    untagged or French first, then English, then the rest; "" if none."""
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


RESULT_TYPE = (f"<{RDF_TYPE}>", f"<{SH}ValidationResult>")
REPORT_TYPE = (f"<{RDF_TYPE}>", f"<{SH}ValidationReport>")
FOCUS = f"<{SH}focusNode>"
WATCH: dict[str, Container[str]] = {
    f"<{RDF_TYPE}>": frozenset({RESULT_TYPE[1], REPORT_TYPE[1]}),
    FOCUS: ANYTHING,
}
"""The quads a scan keeps in words: what makes a quality graph, a SHACL result, its focus node."""
LABEL_PREDICATES = frozenset(f"<{p}>" for p in LABELS)


def diff(old: Build | None, new: Build, limit: int = 0, processes: int = 1) -> Changes:
    """The changes from `old` to `new` (everything added when `old` is None), each list cut at
    `limit` entries as `Changes.cut` cuts them (0: all); large dumps read by `processes`
    processes (`quadscan.scan_files`)."""
    files = [(new.nquads, new.canonical)]
    if old is not None:
        files.insert(0, (old.nquads, old.canonical))
    terms, scans = scan_files(files, WATCH, processes)
    before = scans[0] if old is not None else None
    return _compare(terms, old, before, new, scans[-1], limit, processes)


def has_dump(folder: Path | None) -> bool:
    """Whether `folder` is a build with an N-Quads dump (else a build after it is a first
    build)."""
    return folder is not None and (folder / NQUADS_NAME).is_file()


def changes_since(
    previous: Path | None,
    folder: Path,
    source: str,
    limit: int = 0,
    processes: int = 1,
    scanned: tuple[Terms, Scan] | None = None,
) -> Changes:
    """The changes of the build in `folder` against the build in `previous` (none, without a
    dump or unreadable: a first build), both named `source`, cut at `limit`; the dumps read by
    `processes` processes when large. `scanned`: the new build as `scan_of_store` made it from
    its store, which a first build compares instead of reading its dump."""
    new = read_build(folder)
    new.source = source
    new.serialiser = SERIALISER  # the new dump was just written by the store's serialiser
    if has_dump(previous):
        assert previous is not None
        try:
            old = read_build(previous)
            old.source = source
            return diff(old, new, limit, processes)
        except InputError as error:
            if error.path != previous / NQUADS_NAME:
                raise
    # a first build (or the previous dump cannot be read)
    if scanned is not None:
        terms, found = scanned
        return _compare(terms, None, None, new, found, limit, processes)
    return diff(None, new, limit, processes)


SCAN_STORE_UP_TO = 5_000_000
"""A first build of at most this many quads counts its changes in its store (`scan_of_store`),
which it still holds then; a larger one lets the store go first and reads its dump, as a rebuild
does: the store and the comparison's names of every subject are then never held together (at
10M triples, counting in the store took the build's peak from 11,480 to 11,845 MiB)."""


def scan_of_store(store: ox.Store, written: WrittenForms, triples: int) -> tuple[Terms, Scan]:
    """A build's quads for a comparison with nothing (`changes_since`), made from its store
    (its named graphs, the literals as `written`; `triples`: the union's, as the dumps counted
    them) rather than read from its N-Quads dump: see `quadscan.scan_store`."""
    terms = Terms()
    return terms, scan_store(store, written, terms, triples, WATCH)


def diff_paths(old: Path | None, new: Path, processes: int = 1) -> Changes:
    """`diff` of two builds read from folders or N-Quads files."""
    return diff(read_build(old) if old is not None else None, read_build(new), 0, processes)


@dataclass
class _Words:
    """What a second reading of one dump gives: the quads of some entities (outside the
    quality graph), the label quads of others, the SHACL properties of some results."""

    quads: dict[int, set[Quad]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[int, set[Quad]] = field(default_factory=lambda: defaultdict(set))
    shacl: dict[int, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def label(self, subject: int) -> str:
        return label_of(self.quads.get(subject, set()) | self.labels.get(subject, set()))


def _words(
    found: Scan,
    terms: Terms,
    skip: set[str],
    quads: set[int],
    labels: set[int],
    shacl: set[int],
    processes: int = 1,
) -> _Words:
    """Read `found`'s dump again for the subjects (numbers) whose quads, labels or SHACL
    properties are listed (a large dump by `processes` processes)."""
    words = _Words()
    names = terms.subject_names
    wanted = {names[i] for i in quads | labels | shacl}
    if not wanted:
        return words
    for quad in found.quads_of(wanted, processes):
        s, p, o, g = quad
        number = terms.subjects[s]
        if number in shacl and p.startswith(f"<{SH}"):
            words.shacl[number][p[len(SH) + 1 : -1]].append(o)
        if g in skip:
            continue
        if number in quads:
            words.quads[number].add(quad)
        elif number in labels and p in LABEL_PREDICATES:
            words.labels[number].add(quad)
    return words


def _compare(
    terms: Terms,
    old: Build | None,
    before: Scan | None,
    new: Build,
    after: Scan,
    limit: int,
    processes: int = 1,
) -> Changes:
    """The changes between two scans (the same `terms`), reading again only what is listed
    (by `processes` processes for a large dump)."""
    was = before if before is not None else Scan.empty()
    names, graph_names = terms.subject_names, terms.graph_names
    skip_numbers = {g for side in (was, after) for _, p, o, g in side.kept if (p, o) == REPORT_TYPE}
    skip = {graph_names[g] for g in skip_numbers}
    gained, lost = after.missing_from(was), was.missing_from(after)
    changes = Changes(
        old=_describe(old) if old is not None else None,
        new=_describe(new),
        triples_before=was.triples,
        triples_after=after.triples,
    )
    graphs = len(graph_names)
    counts = [
        side.tally(side.graph, graphs, rows)
        for side, rows in ((was, None), (after, None), (after, gained), (was, lost))
    ]
    for g in sorted(
        (g for g in range(graphs) if counts[0][g] or counts[1][g]), key=graph_names.__getitem__
    ):
        changes.graphs.append(GraphCounts(graph_names[g], *(int(c[g]) for c in counts)))

    subjects = len(names)
    entity = np.fromiter((_iri(n) is not None for n in names), dtype=bool, count=subjects)
    skipped = np.zeros(graphs, dtype=bool)
    skipped[list(skip_numbers)] = True

    def per_subject(side: Scan, rows: Any = None) -> Any:
        wanted = entity[side.subject] & ~skipped[side.graph]
        if rows is not None:
            wanted &= rows
        return side.tally(side.subject, subjects, wanted)

    old_count, new_count = per_subject(was), per_subject(after)
    more, fewer = per_subject(after, gained), per_subject(was, lost)
    del gained, lost

    def by_iri(rows: Any) -> list[tuple[str, int]]:
        return sorted((names[i][1:-1], int(i)) for i in np.flatnonzero(rows))

    added = by_iri((new_count > 0) & (old_count == 0))
    removed = by_iri((old_count > 0) & (new_count == 0))
    changed = by_iri((old_count > 0) & (new_count > 0) & ((more > 0) | (fewer > 0)))
    old_results, new_results = _results(was, names), _results(after, names)
    appeared = sorted(new_results.keys() - old_results.keys())
    gone = sorted(old_results.keys() - new_results.keys())
    take = limit if limit > 0 else None

    listed_changed = changed[:take]
    whole: set[int] = set()  # changed entities whose quads are listed (within the budget)
    budget = limit
    for _, i in listed_changed:
        if take is None or budget > 0:
            whole.add(i)
        budget -= min(int(more[i]), budget)
        budget -= min(int(fewer[i]), budget)

    def focus_of(side: Scan, keys: list[str], results: dict[str, int]) -> dict[str, int | None]:
        """The subject number of each listed result's focus node (None: not a subject)."""
        values: dict[int, list[str]] = defaultdict(list)
        wanted = {results[k] for k in keys}
        for s, p, o, _ in side.kept:
            if p == FOCUS and s in wanted:
                values[s].append(o)
        focus = {}
        for key in keys:
            term = _best(values[results[key]]) if values[results[key]] else ""
            focus[key] = terms.subjects.get(f"<{_iri(term) or term}>")
        return focus

    new_focus = focus_of(after, appeared[:take], new_results)
    old_focus = focus_of(was, gone[:take], old_results)
    new_labels = {i for _, i in added[:take]} | {i for _, i in listed_changed}
    old_labels = {i for _, i in removed[:take]} | {i for _, i in listed_changed}
    for focus in (*new_focus.values(), *old_focus.values()):
        if focus is not None and new_count[focus]:
            new_labels.add(focus)
        elif focus is not None and old_count[focus]:
            old_labels.add(focus)
    appeared_now = {new_results[k] for k in appeared[:take]}
    now = _words(after, terms, skip, whole, new_labels, appeared_now, processes)
    gone_then = {old_results[k] for k in gone[:take]}
    then = _words(was, terms, skip, whole, old_labels, gone_then, processes)

    for iri, i in added[:take]:
        changes.added.append(EntityChange(iri, now.label(i), triples=int(new_count[i])))
    for iri, i in removed[:take]:
        changes.removed.append(EntityChange(iri, then.label(i), triples=int(old_count[i])))
    budget = limit
    for iri, i in listed_changed:
        plus: list[Quad] = []
        minus: list[Quad] = []
        if i in whole:
            plus, minus = (
                _sorted(now.quads[i] - then.quads[i]),
                _sorted(then.quads[i] - now.quads[i]),
            )
        if take is not None:
            plus = plus[:budget]
            budget -= len(plus)
            minus = minus[:budget]
            budget -= len(minus)
        label = now.label(i) or then.label(i)
        changes.changed.append(
            EntityChange(iri, label, plus, minus, 0, int(more[i]), int(fewer[i]))
        )

    def focus_label(focus: int | None) -> str:
        if focus is not None and new_count[focus]:
            return now.label(focus)
        return then.label(focus) if focus is not None and old_count[focus] else ""

    for key in appeared[:take]:
        props = now.shacl[new_results[key]]
        changes.appeared.append(_result(key, props, focus_label(new_focus[key])))
    for key in gone[:take]:
        props = then.shacl[old_results[key]]
        changes.gone.append(_result(key, props, focus_label(old_focus[key])))

    totals = {
        "added": len(added),
        "removed": len(removed),
        "changed": len(changed),
        "appeared": len(appeared),
        "gone": len(gone),
    }
    listed = sum(len(e.added) + len(e.removed) for e in changes.changed)
    every = sum(int(more[i]) + int(fewer[i]) for _, i in changed)
    if take is not None and (
        any(len(getattr(changes, n)) != totals[n] for n in LISTS) or listed != every
    ):
        changes.totals, changes.limit = totals, limit
    return changes


def _results(side: Scan, names: list[str]) -> dict[str, int]:
    """The SHACL results of a scan: IRI (or blank node) → subject number."""
    return {_iri(names[s]) or names[s]: s for s, p, o, _ in side.kept if (p, o) == RESULT_TYPE}


def _result(iri: str, values: dict[str, list[str]], focus_label: str) -> ResultChange:
    props = {name: _best(found) for name, found in values.items()}
    severity = _iri(props.get("resultSeverity", "")) or ""
    focus_term = props.get("focusNode", "")
    return ResultChange(
        iri=iri,
        severity=severity.removeprefix(SH),
        focus=_iri(focus_term) or focus_term,
        focus_label=focus_label,
        path=_iri(props.get("resultPath", "")) or "",
        message=_lexical(props.get("resultMessage", ""))[0],
    )


def _named(entity: EntityChange) -> str:
    return f"<{entity.iri}>" + (f" {entity.label}" if entity.label else "")


def _build_line(side: dict[str, str] | None) -> str:
    if side is None:
        return "none (first build)"
    name = side["build_id"] or side["source"]
    return name + (f" ({side['modified']})" if side["modified"] else "")


def to_markdown(changes: Changes) -> str:
    """The readable summary (changes.md and the default output of `villegraph diff`)."""
    lines = ["# Changes", ""]
    lines.append(f"- old build: {_build_line(changes.old)}")
    lines.append(f"- new build: {_build_line(changes.new)}")
    if changes.first_build:
        lines += ["", f"First build: {changes.triples_after} triples, nothing to compare."]
    delta = changes.triples_after - changes.triples_before
    counts = changes.counts()
    lines += [
        "",
        "## Summary",
        "",
        f"- triples: {changes.triples_before} → {changes.triples_after} ({delta:+d})",
        f"- entities: {counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed",
        f"- SHACL results: {counts['appeared']} appeared, {counts['gone']} gone",
    ]
    if changes.limit:
        lines += ["", f"**Cut:** each list below shows at most {changes.limit} entries. {CUT_NOTE}"]
    if not changes.first_build:
        for title, entities in (
            ("Entities added", changes.added),
            ("Entities removed", changes.removed),
        ):
            if entities:
                lines += ["", f"## {title}", ""]
                lines += [f"- {_named(e)} ({e.triples} triples)" for e in entities]
    if changes.changed:
        lines += ["", "## Entities changed", ""]
        for entity in changes.changed:
            lines.append(
                f"- {_named(entity)} (+{entity.added_triples} −{entity.removed_triples} triples)"
            )
    lines += [
        "",
        "## Triples per named graph",
        "",
        "| graph | before | after | added | removed |",
        "|---|---:|---:|---:|---:|",
    ]
    for g in changes.graphs:
        name = f"<{g.graph}>" if g.graph else "(default graph)"
        lines.append(f"| {name} | {g.before} | {g.after} | +{g.added} | −{g.removed} |")
    for title, results in (
        ("SHACL results appeared", changes.appeared),
        ("SHACL results gone", changes.gone),
    ):
        if results:
            lines += ["", f"## {title}", ""]
            for r in results:
                focus = f"<{r.focus}>" + (f" {r.focus_label}" if r.focus_label else "")
                path = f" ({r.path})" if r.path else ""
                lines.append(f"- {r.severity}: {focus}{path}: {r.message}")
    return "\n".join(lines) + "\n"


def to_json_text(changes: Changes) -> str:
    """changes.json: the whole diff, for tools."""
    return json.dumps(changes.to_json(), indent=2, ensure_ascii=False) + "\n"


def to_turtle(changes: Changes) -> str:
    """The diff as RDF (vocabulary `diff:` = `https://w3id.org/villegraph/def/diff#`): one
    `diff:Changes` node with the entities added, removed and changed, per-graph counts and the
    SHACL results that appeared or went away; entities carry their labels (rdfs:label)."""
    quads: list[ox.Triple] = []
    labels: list[ox.Triple] = []
    node = ox.BlankNode("changes")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        quads.append(ox.Triple(s, ox.NamedNode(DIFF + p), o))

    def number(value: int) -> ox.Literal:
        return ox.Literal(
            str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        )

    quads.append(ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(DIFF + "Changes")))
    for side, key in (("oldBuild", changes.old), ("newBuild", changes.new)):
        if key is not None and key["build_id"]:
            add(node, side, ox.Literal(key["build_id"]))
    add(node, "triplesBefore", number(changes.triples_before))
    add(node, "triplesAfter", number(changes.triples_after))
    for kind, entities in (
        ("added", changes.added),
        ("removed", changes.removed),
        ("changed", changes.changed),
    ):
        for entity in entities:
            iri = ox.NamedNode(entity.iri)
            add(node, kind, iri)
            if entity.label:
                labels.append(ox.Triple(iri, rdfs_label, ox.Literal(entity.label)))
    for index, g in enumerate(changes.graphs):
        counts = ox.BlankNode(f"graph{index}")
        add(node, "graph", counts)
        if g.graph:
            add(counts, "namedGraph", ox.NamedNode(g.graph))
        for name, value in (
            ("triplesBefore", g.before),
            ("triplesAfter", g.after),
            ("triplesAdded", g.added),
            ("triplesRemoved", g.removed),
        ):
            add(counts, name, number(value))
    for kind, results in (("resultAppeared", changes.appeared), ("resultGone", changes.gone)):
        for index, r in enumerate(results):
            # a result without IRI (a blank node in hand-written N-Quads) stays a blank node
            named = r.iri and not r.iri.startswith("_:")
            add(node, kind, ox.NamedNode(r.iri) if named else ox.BlankNode(f"{kind}{index}"))
    prefixes = {"diff": DIFF, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    data = ox.serialize(quads + labels, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return data.decode("utf-8") if data else ""


FORMATS = {"text": to_markdown, "json": to_json_text, "turtle": to_turtle}
"""`villegraph diff --format` → writer."""


__all__ = [
    "DIFF_NAMES",
    "FORMATS",
    "SCAN_STORE_UP_TO",
    "Build",
    "Changes",
    "EntityChange",
    "GraphCounts",
    "ResultChange",
    "changes_since",
    "diff",
    "diff_paths",
    "has_dump",
    "label_of",
    "read_build",
    "scan_of_store",
    "to_json_text",
    "to_markdown",
    "to_turtle",
]
