"""Changes between two builds: entities added, removed and changed, triples per named graph,
SHACL results that appeared or went away.

A build is read from its N-Quads dump (`villegraph.nq`), given as a build folder (`dist/`, a
release folder) or as the file itself. An *entity* is an IRI that is the subject of a triple
outside the quality graph; it is *changed* when it is a subject in both builds with different
quads (a triple moved to another named graph counts). SHACL results are the
`sh:ValidationResult`s of the quality graph, whose IRIs are stable across builds
(`villegraph.quality`): a result whose IRI is new appeared, one whose IRI is gone went away.
Everything is sorted, so the same two builds always give the same text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from villegraph.errors import InputError

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

Quad = tuple[str, str, str, str]
"""Subject, predicate, object (N-Triples forms) and graph IRI ("" for the default graph)."""


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
    """The quads of an N-Quads file, each term's text kept once (subjects, predicates, graphs
    and many objects repeat: at a million triples this halves the memory a build takes)."""
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


def _results(quads: set[Quad]) -> dict[str, dict[str, str]]:
    """The SHACL results of a build: IRI → predicate local name → N-Triples object."""
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
    """One of several values, the same in every build: literals untagged or French first."""
    rank = {"": 0, "fr": 1, "en": 2}

    def key(term: str) -> tuple[int, str]:
        if not term.startswith('"'):
            return (0, term)
        tail = term.rsplit('"', 1)[1]
        lang = tail[1:] if tail.startswith("@") else ""
        return (rank.get(lang, 3), term)

    return min(values, key=key)


def _quality_graphs(quads: set[Quad]) -> set[str]:
    """The graphs holding SHACL validation reports (the quality graph)."""
    return {g for s, p, o, g in quads if p == f"<{RDF_TYPE}>" and o == f"<{SH}ValidationReport>"}


def _by_subject(quads: set[Quad], skip: set[str]) -> dict[str, set[Quad]]:
    grouped: dict[str, set[Quad]] = defaultdict(set)
    for quad in quads:
        iri = _iri(quad[0])
        if iri is not None and quad[3] not in skip:
            grouped[iri].add(quad)
    return grouped


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
        for r in results:
            add(node, kind, ox.NamedNode(r.iri))
    prefixes = {"diff": DIFF, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    data = ox.serialize(quads + labels, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return data.decode("utf-8") if data else ""


FORMATS = {"text": to_markdown, "json": to_json_text, "turtle": to_turtle}
"""`villegraph diff --format` → writer."""


__all__ = [
    "DIFF_NAMES",
    "FORMATS",
    "Build",
    "Changes",
    "EntityChange",
    "GraphCounts",
    "ResultChange",
    "diff",
    "diff_paths",
    "label_of",
    "read_build",
    "to_json_text",
    "to_markdown",
    "to_turtle",
]
