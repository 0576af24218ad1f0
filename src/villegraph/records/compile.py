"""A curation file → its triples: read it, check it against the schema, find its source, make
the RDF. References to resources other files define are returned for the loader to resolve."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from villegraph.errors import InputError
from villegraph.records.problems import field_error
from villegraph.records.quotes import SourceText
from villegraph.records.rdf import Made, Maker
from villegraph.records.reading import YamlDocument, read_yaml
from villegraph.records.schema import check_schema
from villegraph.records.terms import A, term
from villegraph.records.todo import drop_todos, refuse_todos

YAML_SUFFIXES = frozenset({".yaml", ".yml"})
DRAFT = "draft"


@dataclass
class CurationFile:
    """A curation file read and checked, not yet made into triples."""

    path: Path
    shown: Path | str
    document: YamlDocument

    @property
    def status(self) -> str:
        return str(self.document.data["status"])

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT


def read_curation(
    path: Path, shown: Path | str | None = None, *, include_drafts: bool = True
) -> CurationFile | None:
    """Read and schema-check one curation file (InputError `file:line: field: message`).
    A draft is None without `include_drafts`, checked no further than its `status: draft`;
    its `TODO` fields are left out, where a reviewed file's are errors (see `todo`)."""
    shown = shown if shown is not None else path
    document = read_yaml(path, shown)
    if not isinstance(document.data, dict):
        raise InputError("a curation file is a mapping (status:, source:, people:, …)", shown, 1)
    is_draft = document.data.get("status") == DRAFT
    if is_draft and not include_drafts:
        return None
    if is_draft:
        drop_todos(document)
    else:
        refuse_todos(document, shown)
    check_schema(document, shown)
    return CurationFile(path, shown, document)


def make_triples(
    curation: CurationFile, base_iri: str, root: Path, data_dir: Path | None = None
) -> Made:
    """The triples of a checked file. The source's `file` is read from `root` (the project
    folder), else from `data_dir` for a path `data/sources/…`. A draft also types its graph
    vg:Unreviewed: see `mark_unreviewed`."""
    source = _source_text(curation, root, data_dir)
    return Maker(curation.document, curation.shown, base_iri, source).make()


def mark_unreviewed(graph: str) -> ox.Triple:
    """`<graph> a vg:Unreviewed`: what a draft contributes has not been reviewed yet."""
    return ox.Triple(ox.NamedNode(graph), A, term("vg:Unreviewed"))


def _source_text(curation: CurationFile, root: Path, data_dir: Path | None) -> SourceText:
    name: str = curation.document.data["source"]["file"]
    candidates = [root / name]
    if data_dir is not None:
        candidates.append(data_dir / name.removeprefix("data/"))
    path = ("source", "file")
    for candidate in candidates:
        if candidate.is_file():
            try:
                return SourceText(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                reason = getattr(error, "strerror", None) or str(error)
                raise field_error(
                    curation.shown, curation.document.line(path), path, f"cannot read: {reason}"
                ) from None
    raise field_error(
        curation.shown, curation.document.line(path), path, f"{name!r}: no such source file"
    )


__all__ = [
    "DRAFT",
    "YAML_SUFFIXES",
    "CurationFile",
    "make_triples",
    "mark_unreviewed",
    "read_curation",
]
