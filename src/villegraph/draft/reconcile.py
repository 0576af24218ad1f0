"""Reconciliation: people and organisations the graph already has, found by name or acronym in
the project's data/ files (Turtle and curation files). One candidate is proposed; several are
listed for the curator, never merged."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from villegraph.draft.text import fold
from villegraph.terms import value_of

FOAF = "http://xmlns.com/foaf/0.1/"
KINDS = {
    "person": FOAF + "Person",
    "org": "http://www.w3.org/ns/org#Organization",
    "role": "http://www.w3.org/ns/org#Role",
}
NAMES = [
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    FOAF + "name",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
]
DEFAULT_BASE = "https://w3id.org/villegraph/"


@dataclass(frozen=True)
class Candidate:
    """A resource of the graph a drafted record may be: its IRI, slug, name and file."""

    iri: str
    slug: str
    name: str
    file: str


@dataclass
class Index:
    """Known people and organisations by folded name: kind → key → candidates."""

    entries: dict[str, dict[str, dict[str, Candidate]]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )

    def add(self, kind: str, label: str, candidate: Candidate) -> None:
        """Record that `label` names `candidate`."""
        if fold(label):
            self.entries[kind].setdefault(fold(label), {})[candidate.iri] = candidate

    def lookup(self, kind: str, names: list[str]) -> list[Candidate]:
        """Every known resource of `kind` one of `names` names, in a stable order."""
        found: dict[str, Candidate] = {}
        for name in names:
            found.update(self.entries[kind].get(fold(name), {}))
        return sorted(found.values(), key=lambda candidate: candidate.iri)


def load_index(
    data_dir: Path | None, base: str = DEFAULT_BASE, *, skip: Path | None = None
) -> Index:
    """The people and organisations of every Turtle and curation file under `data_dir`, but
    `skip` (the file the draft replaces: a draft is not reconciled with itself)."""
    index = Index()
    if data_dir is None or not data_dir.is_dir():
        return index
    for path in sorted(data_dir.rglob("*.ttl")):
        _turtle(index, path, data_dir)
    for path in sorted([*data_dir.rglob("*.yaml"), *data_dir.rglob("*.yml")]):
        if skip is not None and path.resolve() == skip.resolve():
            continue
        _curation(index, path, data_dir, base)
    return index


def _turtle(index: Index, path: Path, data_dir: Path) -> None:
    store = ox.Store()
    try:
        store.load(path.read_bytes(), ox.RdfFormat.TURTLE, base_iri=DEFAULT_BASE)
    except (SyntaxError, OSError, ValueError):
        return
    shown = str(path.relative_to(data_dir.parent))
    for kind, rdf_type in KINDS.items():
        type_node = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        for typed in store.quads_for_pattern(None, type_node, ox.NamedNode(rdf_type), None):
            iri = value_of(typed.subject)
            slug = iri.rstrip("/").rsplit("/", 1)[-1]
            labels = [
                value_of(quad.object)
                for predicate in NAMES
                for quad in store.quads_for_pattern(typed.subject, ox.NamedNode(predicate), None)
            ]
            for label in labels:
                index.add(kind, label, Candidate(iri, slug, labels[0], shown))


def _curation(index: Index, path: Path, data_dir: Path, base: str) -> None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return
    if not isinstance(data, dict) or data.get("status") == "draft":
        return
    shown = str(path.relative_to(data_dir.parent))
    for kind, section in (("person", "people"), ("org", "organisations")):
        for record in data.get(section) or []:
            if not isinstance(record, dict) or "id" not in record or "name" not in record:
                continue
            candidate = Candidate(
                f"{base}{kind}/{record['id']}", str(record["id"]), str(record["name"]), shown
            )
            names = [record["name"], record.get("acronym"), *(record.get("other_names") or [])]
            for name in names:
                if isinstance(name, str):
                    index.add(kind, name, candidate)


__all__ = ["Candidate", "Index", "load_index"]
