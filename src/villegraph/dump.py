"""Serialise the built dataset: RDF dumps, the VoID/DCAT description and file records.

Every RDF dump but JSON-LD is written by pyoxigraph's serialisers from the quads exactly as
loaded. Turtle, N-Triples and JSON-LD hold the union of all named graphs; TriG and N-Quads keep
every named graph. JSON-LD is compacted under the published context (`villegraph.jsonld`): one
node object per subject in `@graph`, short keys, language maps for labels; the context itself is
written beside the dumps as `context.jsonld`. The `vgr:` prefix
is left out of the prefix map on purpose: the serialiser would have to escape the `/` of every
local name (`vgr:person\\/ada`), so minted resources are written as full IRIs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from villegraph.formats import JSONLD, NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat
from villegraph.jsonld import CONTEXT_NAME, compact_bytes, context_bytes
from villegraph.load import LoadedDataset, group_by_subject
from villegraph.namespaces import prefixes_for

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
LICENCES = (
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "https://spdx.org/licenses/etalab-2.0",
)

IANA = "https://www.iana.org/assignments/media-types/"

DUMPS: dict[str, RdfFormat] = {
    "villegraph.ttl": TURTLE,
    "villegraph.nt": NTRIPLES,
    "villegraph.jsonld": JSONLD,
    "villegraph.trig": TRIG,
    "villegraph.nq": NQUADS,
}
"""Dump file name → format; quad formats keep the named graphs."""
KEEPS_GRAPHS = frozenset({"villegraph.trig", "villegraph.nq"})


@dataclass(frozen=True)
class FileRecord:
    """A written file, as listed in build.json."""

    bytes: int
    sha256: str
    media_type: str

    def to_json(self) -> dict[str, object]:
        return {"bytes": self.bytes, "sha256": self.sha256, "media_type": self.media_type}


def file_record(path: Path, media_type: str) -> FileRecord:
    """Size and SHA-256 of a written file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return FileRecord(size, digest.hexdigest(), media_type)


def serialisation_prefixes(base_iri: str) -> dict[str, str]:
    """The prefix map for serialisers (without `vgr:`, see the module docstring)."""
    prefixes = prefixes_for(base_iri)
    del prefixes["vgr"]
    return prefixes


def write_dumps(
    dataset: LoadedDataset, out_dir: Path, union: Sequence[ox.Triple] | None = None
) -> dict[str, FileRecord]:
    """Write the five RDF dumps into `out_dir`; returns their records by file name.

    `union` is `dataset.triples()` when the caller already has it."""
    prefixes = serialisation_prefixes(dataset.base_iri)
    triples = dataset.triples() if union is None else union
    quads = dataset.quads
    records: dict[str, FileRecord] = {}
    for name, rdf_format in DUMPS.items():
        path = out_dir / name
        items: Sequence[ox.Triple] | Sequence[ox.Quad] = quads if name in KEEPS_GRAPHS else triples
        if rdf_format is JSONLD:
            path.write_bytes(compact_bytes(triples, dataset.base_iri))
        else:
            write_rdf(path, items, rdf_format, prefixes)
        records[name] = file_record(path, rdf_format.media_type)
    return records


def write_rdf(
    path: Path,
    items: Iterable[ox.Triple] | Iterable[ox.Quad],
    rdf_format: RdfFormat,
    prefixes: Mapping[str, str] | None = None,
) -> None:
    """Serialise triples or quads to `path` with pyoxigraph."""
    supports_prefixes = rdf_format in (TURTLE, TRIG)
    with path.open("wb") as handle:
        ox.serialize(
            items,
            handle,
            rdf_format.oxigraph,
            prefixes=dict(prefixes) if prefixes and supports_prefixes else None,
        )


@dataclass(frozen=True)
class VoidInput:
    """What the VoID/DCAT description states about one build."""

    base_iri: str
    modified: datetime
    triples: int
    graphs: Mapping[str, int]
    classes: Mapping[str, int]
    sources: Sequence[str]
    dumps: Mapping[str, FileRecord]
    endpoint: str | None = None


def class_partitions(dataset: LoadedDataset) -> dict[str, int]:
    """Class IRI → number of distinct instances, over the union of all graphs."""
    counts: dict[str, set[object]] = {}
    for quad in dataset.quads:
        if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            counts.setdefault(quad.object.value, set()).add(quad.subject)
    return {cls: len(members) for cls, members in sorted(counts.items())}


def source_documents(dataset: LoadedDataset) -> list[str]:
    """IRIs of the source documents (`foaf:Document`) the data points back to."""
    document = ox.NamedNode(FOAF + "Document")
    return sorted(
        {
            q.subject.value
            for q in dataset.quads
            if q.predicate == RDF_TYPE and q.object == document
            if isinstance(q.subject, ox.NamedNode)
        }
    )


def void_triples(info: VoidInput) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset at `{base}dataset`."""
    base = info.base_iri
    dataset = ox.NamedNode(base + "dataset")
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: object) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))  # type: ignore[arg-type]

    def typed(value: object, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))

    add(dataset, str(RDF_TYPE.value), ox.NamedNode(VOID + "Dataset"))
    add(dataset, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", ox.Literal("villegraph", language="en"))
    add(
        dataset,
        DCTERMS + "description",
        ox.Literal(
            "A knowledge graph of a research network on the digital transition of cities.",
            language="en",
        ),
    )
    add(
        dataset,
        DCTERMS + "description",
        ox.Literal(
            "Un graphe de connaissances d'un réseau de recherche sur la transition numérique "
            "des villes.",
            language="fr",
        ),
    )
    add(dataset, DCTERMS + "modified", typed(info.modified.isoformat(), "dateTime"))
    for licence in LICENCES:
        add(dataset, DCTERMS + "license", ox.NamedNode(licence))
    for source in info.sources:
        add(dataset, DCTERMS + "source", ox.NamedNode(source))
    add(dataset, VOID + "triples", typed(info.triples, "integer"))
    add(dataset, VOID + "uriSpace", ox.Literal(base))
    add(dataset, VOID + "classes", typed(len(info.classes), "integer"))
    if info.endpoint:
        add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(info.endpoint))
    for graph, count in info.graphs.items():
        subset = ox.NamedNode(graph)
        add(dataset, VOID + "subset", subset)
        add(subset, str(RDF_TYPE.value), ox.NamedNode(VOID + "Dataset"))
        add(subset, VOID + "triples", typed(count, "integer"))
    for index, (cls, count) in enumerate(info.classes.items()):
        partition = ox.NamedNode(f"{base}dataset/class/{index + 1}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", ox.NamedNode(cls))
        add(partition, VOID + "entities", typed(count, "integer"))
    for name, record in info.dumps.items():
        dump = ox.NamedNode(f"{base}dumps/{name}")
        add(dataset, VOID + "dataDump", dump)
        add(dataset, DCAT + "distribution", dump)
        add(dump, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Distribution"))
        add(dump, DCAT + "downloadURL", dump)
        add(
            dump,
            DCAT + "mediaType",
            ox.NamedNode(f"https://www.iana.org/assignments/media-types/{record.media_type}"),
        )
        add(dump, DCAT + "byteSize", typed(record.bytes, "nonNegativeInteger"))
        add(dump, DCTERMS + "format", ox.Literal(record.media_type))
        add(dump, DCTERMS + "modified", typed(info.modified.isoformat(), "dateTime"))
        for licence in LICENCES:
            add(dump, DCTERMS + "license", ox.NamedNode(licence))
        if name in KEEPS_GRAPHS:
            add(dump, DCTERMS + "description", ox.Literal("named graphs kept", language="en"))
    return group_by_subject(out)


def write_void(path: Path, info: VoidInput) -> FileRecord:
    """Write void.ttl."""
    write_rdf(path, void_triples(info), TURTLE, serialisation_prefixes(info.base_iri))
    return file_record(path, TURTLE.media_type)


def write_context(out_dir: Path, base_iri: str) -> FileRecord:
    """Write the JSON-LD context the JSON-LD dump refers to (`context.jsonld`)."""
    path = out_dir / CONTEXT_NAME
    path.write_bytes(context_bytes(base_iri))
    return file_record(path, JSONLD.media_type)


def write_text(path: Path, text: str, media_type: str) -> FileRecord:
    """Write a UTF-8 text file and return its record."""
    path.write_text(text, encoding="utf-8")
    return file_record(path, media_type)


def write_json(path: Path, data: object) -> None:
    """Write pretty, stable JSON."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


__all__ = [
    "DUMPS",
    "KEEPS_GRAPHS",
    "FileRecord",
    "VoidInput",
    "class_partitions",
    "file_record",
    "serialisation_prefixes",
    "source_documents",
    "void_triples",
    "write_context",
    "write_dumps",
    "write_json",
    "write_rdf",
    "write_text",
    "write_void",
]
