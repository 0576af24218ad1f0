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
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from villegraph.dumpfiles import (
    Lines,
    Packer,
    Sink,
    TriGBlocks,
    Write,
    gzip_file,
    runs,
    serialize,
    subject_of,
)
from villegraph.formats import JSONLD, NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat
from villegraph.jsonld import CONTEXT_NAME, context_bytes
from villegraph.load import LoadedDataset, group_by_subject
from villegraph.namespaces import prefixes_for
from villegraph.parallel import in_background, return_freed_memory
from villegraph.unionwriter import NAMES as UNION_NAMES
from villegraph.unionwriter import UnionFormats, UnionProcess, serialisation_prefixes

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SPDX = "http://spdx.org/rdf/terms#"
LICENCE = "https://spdx.org/licenses/etalab-2.0"
"""The one licence of the dataset, its distributions and the endpoint (as the ontology's)."""
LICENCE_TITLE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_PAGE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
PUBLISHER = "https://w3id.org/villegraph/def#villegraph"
"""The villegraph project, publisher of the dataset and creator of the ontology."""
DESCRIPTIONS = (
    ("A knowledge graph of a research network on the digital transition of cities.", "en"),
    (
        "Un graphe de connaissances d'un réseau de recherche sur la transition numérique "
        "des villes.",
        "fr",
    ),
)
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {
    "villegraph.ttl": "RDF_TURTLE",
    "villegraph.nt": "RDF_N_TRIPLES",
    "villegraph.jsonld": "JSON_LD",
    "villegraph.trig": "RDF_TRIG",
    "villegraph.nq": "RDF_N_QUADS",
}
"""Dump → its file type in the EU Publications Office's authority table (DCAT-AP's `format`)."""
SLUG = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")

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
    packed: FileRecord | None = field(default=None, compare=False, repr=False)
    """The record of its `.gz` copy, when written with it (the dumps)."""

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


CHUNK = 256
"""Triples or quads serialised at a time where Python hands them to the serialisers (at 100k
triples the union's pass took 1.49 s of CPU in runs of 256, 1.78 s in runs of 4,096: presumably
the terms of a short run are still in the processor's cache when the next format reads them)."""


APART_FROM = 500_000
"""From this many quads, Turtle and JSON-LD are written by a second process
(`villegraph.unionwriter`) while this one goes on: starting it costs a fraction of a second."""


def write_dumps(
    dataset: LoadedDataset,
    out_dir: Path,
    stats: StatisticsCounter | None = None,
    chunk: int = CHUNK,
    apart: bool | None = None,
) -> dict[str, FileRecord]:
    """Write the five RDF dumps and their `.gz` copies into `out_dir`, streaming, each dump's
    bytes written once and never read back:

    - N-Triples, Turtle and JSON-LD from one pass over the union, subject after subject,
      `chunk` triples at a time (`stats`, when given, counts them on the way, for VoID);
      Turtle and JSON-LD by a second process when `apart` (by default from `APART_FROM`
      quads), which follows the N-Triples file as it is written and goes on while the graphs
      are written;
    - N-Quads and TriG graph after graph: a graph none of whose literals the store rewrote is
      serialised by the store itself (N-Triples and Turtle, given their graph name and
      indentation here); the others quad by quad as written, `chunk` at a time (`stats`
      counts each graph's triples, and runs its store queries beside them).

    Returns their records by file name, each with the record of its gzip copy (compressed
    on another thread as the dump is written, see `write_gzip_copies`)."""
    if apart is None:
        apart = len(dataset.store) >= APART_FROM
    here = [name for name in DUMPS if not (apart and name in UNION_NAMES)]
    ntriples = "villegraph.nt"  # the file the second process follows
    with ExitStack() as held:
        child = (
            held.enter_context(
                UnionProcess(out_dir, dataset.base_iri, chunk, follow=out_dir / ntriples)
            )
            if apart
            else None
        )
        with Packer() as packer, ExitStack() as files:
            sink = {
                name: files.enter_context(
                    Sink(
                        out_dir / name,
                        packer,
                        child.written if child and name == ntriples else None,
                    )
                )
                for name in here
            }
            to = {name.removeprefix("villegraph."): sink[name].write for name in here}
            if child is None:
                write_union(dataset, to["nt"], to["ttl"], to["jsonld"], stats, chunk)
            else:
                write_union_ntriples(dataset, to["nt"], stats, chunk)
                sink[ntriples].flush()
                child.finish()  # it reads on while the graphs are written
            return_freed_memory()  # the union pass's, before the graphs and the store's counts
            if stats is not None:
                stats.query_store()
            write_graphs(dataset, to["nq"], to["trig"], chunk, stats)
        records = {name: _record(sink[name], DUMPS[name].media_type) for name in here}
        if child is not None:
            for name, found in child.close().items():
                records[name] = _child_record(found, DUMPS[name].media_type)
    return {name: records[name] for name in DUMPS}


def _record(sink: Sink, media_type: str) -> FileRecord:
    """A dump's record, with its gzip copy's."""
    packed = FileRecord(sink.packed.size, sink.packed.digest.hexdigest(), "application/gzip")
    return FileRecord(sink.size, sink.sha256(), media_type, packed)


def _child_record(found: Mapping[str, object], media_type: str) -> FileRecord:
    """A dump's record as `UnionProcess` reports it."""
    packed = FileRecord(
        int(cast(int, found["gz_bytes"])), str(found["gz_sha256"]), "application/gzip"
    )
    return FileRecord(int(cast(int, found["bytes"])), str(found["sha256"]), media_type, packed)


def _runs_of_union(
    dataset: LoadedDataset, stats: StatisticsCounter | None, chunk: int
) -> Iterator[list[ox.Triple]]:
    """The union in runs of `chunk` triples or so, cut between subjects, counted by `stats`."""
    union: Iterable[ox.Triple] = dataset.union()
    return runs(union if stats is None else stats.count(union), chunk, subject_of)


def write_union(
    dataset: LoadedDataset,
    ntriples: Write,
    turtle: Write,
    jsonld: Write,
    stats: StatisticsCounter | None = None,
    chunk: int = CHUNK,
) -> None:
    """The union, subject after subject, `chunk` triples at a time, as N-Triples, Turtle and
    JSON-LD (bytes handed to the three writers); counted by `stats` on the way."""
    formats = UnionFormats(turtle, jsonld, dataset.base_iri)
    for triples in _runs_of_union(dataset, stats, chunk):
        ntriples(serialize(triples, NTRIPLES))
        formats.write(triples)
    formats.close()


def write_union_ntriples(
    dataset: LoadedDataset,
    ntriples: Write,
    stats: StatisticsCounter | None = None,
    chunk: int = CHUNK,
) -> None:
    """`write_union` as N-Triples only (Turtle and JSON-LD are made from them by the second
    process, `UnionProcess`, which follows the file)."""
    for triples in _runs_of_union(dataset, stats, chunk):
        ntriples(serialize(triples, NTRIPLES))


def write_graphs(
    dataset: LoadedDataset,
    nquads: Write,
    trig: Write,
    chunk: int = CHUNK,
    stats: StatisticsCounter | None = None,
) -> None:
    """The named graphs in load order, as N-Quads and TriG (bytes handed to the two writers),
    each graph's triples counted into `stats.graphs`: see `write_dumps`."""
    blocks = TriGBlocks(trig, serialisation_prefixes(dataset.base_iri))
    counts = _write_graphs(dataset, nquads, blocks, chunk)
    blocks.close()
    if stats is not None:
        stats.graphs = {iri: count for iri, count in counts.items() if count}


def _write_graphs(
    dataset: LoadedDataset, nquads: Write, trig: TriGBlocks, chunk: int
) -> dict[str, int]:
    store = dataset.store
    rewritten = {graph for graph, _ in dataset.written.by_quad}
    counts: dict[str, int] = {}
    for iri in dataset._all_graphs():
        graph = ox.NamedNode(iri)
        counts[iri] = 0
        if graph in rewritten:
            quads = dataset.written.quads(store.quads_for_pattern(None, None, None, graph))
            for run in runs(quads, chunk, subject_of):
                nquads(serialize(run, NQUADS))
                trig.write(run)
                counts[iri] += len(run)
            continue
        # One triple a line, each ending in " .\n" (line breaks in literals are escaped).
        lines = Lines(partial(_in_graph, nquads, b" " + str(graph).encode() + b" .\n", counts, iri))
        store.dump(cast(IO[bytes], lines), NTRIPLES.oxigraph, from_graph=graph)
        lines.close()
        block = Lines(trig.block(graph), skip_prefixes=True)
        store.dump(
            cast(IO[bytes], block), TURTLE.oxigraph, from_graph=graph, prefixes=trig.prefixes
        )
        block.close()
    return counts


def _in_graph(nquads: Write, named: bytes, counts: dict[str, int], iri: str, text: bytes) -> None:
    """N-Triples lines as N-Quads lines of the graph (`named` ends each line), counted."""
    nquads(text.replace(b" .\n", named))
    counts[iri] += text.count(b"\n")


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
class Statistics:
    """VoID statistics of a set of triples: distinct terms and one partition per property."""

    distinct_subjects: int
    distinct_objects: int
    properties: Mapping[str, tuple[int, int, int]]
    """Property IRI → (triples, distinct subjects, distinct objects)."""

    @property
    def vocabularies(self) -> list[str]:
        """The namespaces of the properties used (the part up to the last `#` or `/`)."""
        return sorted({namespace_of(iri) for iri in self.properties})


def namespace_of(iri: str) -> str:
    """The namespace of a term: its IRI up to and including the last `#` or `/`."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


class StatisticsCounter:
    """Counts VoID statistics of the union while it streams by (grouped by subject, as
    `LoadedDataset.union` gives it); distinct objects come from the store, corrected for the
    literals it keeps in another form than written. `write_dumps` fills `graphs` too."""

    def __init__(self, dataset: LoadedDataset) -> None:
        self.dataset = dataset
        self.graphs: dict[str, int] = {}
        """Named graph IRI → its triples as written, in load order (as `graph_counts`)."""
        self._store_counts: Future[tuple[dict[str, int], int]] | None = None
        self.subjects = 0
        self.per_property: dict[str, list[int]] = {}
        """Property IRI → [triples, distinct subjects]."""
        self.rewritten: dict[str, set[ox.Literal]] = {}
        """Property some of whose literals the store rewrote → its objects as written."""
        self.behind: set[ox.Literal] = set()
        """Objects as written whose stored form stands for a rewritten literal."""
        self.standing: set[ox.Literal] = set()
        """Those stored forms."""

    def count(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """Pass `triples` through, counting them."""
        written = self.dataset.written
        rewritten = {p.value for p in written.predicates}
        canonical = written.canonical
        stored = written.stored
        subject: object = None
        properties: set[str] = set()
        for triple in triples:
            if triple.subject != subject:
                self._close(properties)
                subject, properties = triple.subject, set()
                self.subjects += 1
            predicate = triple.predicate.value
            properties.add(predicate)
            entry = self.per_property.get(predicate)
            if entry is None:
                entry = self.per_property[predicate] = [0, 0]
            entry[0] += 1
            obj = triple.object
            if predicate in rewritten:
                self.rewritten.setdefault(predicate, set()).add(obj)  # type: ignore[arg-type]
            if stored and type(obj) is ox.Literal:
                form = canonical(obj)
                if form in stored:
                    self.behind.add(obj)
                    self.standing.add(form)
            yield triple
        self._close(properties)

    def _close(self, properties: set[str]) -> None:
        for predicate in properties:
            self.per_property[predicate][1] += 1

    def query_store(self) -> None:
        """Start the counts the store answers (distinct objects, per property and in all) on a
        thread of their own: pyoxigraph answers them without holding Python's lock, so they run
        beside what the build does next (`write_dumps`: the named graphs)."""
        if self._store_counts is None:
            self._store_counts = in_background(partial(_distinct_objects, self.dataset.store))

    def result(self) -> Statistics:
        """The statistics, once the union has streamed by."""
        self.query_store()
        assert self._store_counts is not None
        objects, distinct = self._store_counts.result()
        for predicate, written in self.rewritten.items():
            objects[predicate] = len(written)
        # As written: each stored form standing for rewritten literals counts as those.
        distinct += len(self.behind) - len(self.standing)
        return Statistics(
            self.subjects,
            distinct,
            {
                p: (count, subjects, objects.get(p, 0))
                for p, (count, subjects) in sorted(self.per_property.items())
            },
        )

    @property
    def triples(self) -> int:
        """Triples of the union as written."""
        return sum(count for count, _ in self.per_property.values())


def _distinct_objects(store: ox.Store) -> tuple[dict[str, int], int]:
    """Distinct objects of the union by property IRI, and in all (in the store's forms)."""
    objects = {
        row["p"].value: int(row["n"].value)  # type: ignore[union-attr]
        for row in store.query(  # type: ignore[union-attr]
            "SELECT ?p (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
            use_default_graph_as_union=True,
        )
    }
    total = store.query(
        "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True
    )
    distinct = int(next(iter(total))["n"].value)  # type: ignore[arg-type, index, union-attr]
    return objects, distinct


def statistics(triples: Iterable[ox.Triple]) -> Statistics:
    """Distinct subjects and objects, and triples / distinct subjects / objects per property
    (of a small set of triples held in memory; a build counts with `StatisticsCounter`)."""
    subjects: set[object] = set()
    objects: set[object] = set()
    per_property: dict[str, tuple[list[int], set[object], set[object]]] = {}
    for triple in triples:
        subjects.add(triple.subject)
        objects.add(triple.object)
        count, subs, objs = per_property.setdefault(triple.predicate.value, ([0], set(), set()))
        count[0] += 1
        subs.add(triple.subject)
        objs.add(triple.object)
    return Statistics(
        len(subjects),
        len(objects),
        {p: (c[0], len(s), len(o)) for p, (c, s, o) in sorted(per_property.items())},
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
    """A further SPARQL endpoint holding the data (the configured store), besides `{base}sparql`."""
    stats: Statistics | None = None


def class_partitions(dataset: LoadedDataset) -> dict[str, int]:
    """Class IRI → number of distinct instances, over the union of all graphs."""
    query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
    rows = dataset.store.query(query, use_default_graph_as_union=True)
    found = {row["c"].value: int(row["n"].value) for row in rows}  # type: ignore[union-attr]
    return dict(sorted(found.items()))


def source_documents(dataset: LoadedDataset) -> list[str]:
    """IRIs of the source documents (`foaf:Document`) the data points back to."""
    query = f"SELECT DISTINCT ?d WHERE {{ ?d a <{FOAF}Document> FILTER(isIRI(?d)) }}"
    rows = dataset.store.query(query, use_default_graph_as_union=True)
    return sorted(row["d"].value for row in rows)  # type: ignore[union-attr]


def partition_fragment(kind: str, iri: str, base_iri: str) -> str:
    """A stable fragment for a class or property partition: `class-foaf-Person`.

    Made from the term's prefixed name (`vg:` terms, `prefix-local`), else from a digest of
    the IRI, so that the partition IRI does not change when other classes come or go."""
    for prefix, namespace in sorted(prefixes_for(base_iri).items(), key=lambda kv: -len(kv[1])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and SLUG.fullmatch(local):
            return f"{kind}-{prefix}-{local}"
    return f"{kind}-" + hashlib.sha256(iri.encode()).hexdigest()[:12]


def void_triples(info: VoidInput) -> list[ox.Triple]:
    """The VoID + DCAT-AP 3 description of the dataset at `{base}dataset`.

    One `dcat:Distribution` per dump (its IRI is its download URL), one licence, formats and
    media types as IRIs, the SPARQL endpoint as a `dcat:DataService`; class and property
    partitions are hash IRIs of `{base}dataset`, named after the term.
    """
    base = info.base_iri
    dataset = ox.NamedNode(base + "dataset")
    licence = ox.NamedNode(LICENCE)
    publisher = ox.NamedNode(PUBLISHER)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: object) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))  # type: ignore[arg-type]

    def typed(value: object, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))

    def a(s: ox.NamedNode | ox.BlankNode, cls: str) -> None:
        add(s, RDF_TYPE.value, ox.NamedNode(cls))

    modified = typed(info.modified.isoformat(), "dateTime")
    a(dataset, VOID + "Dataset")
    a(dataset, DCAT + "Dataset")
    add(dataset, DCTERMS + "title", ox.Literal("villegraph", language="en"))
    for text, language in DESCRIPTIONS:
        add(dataset, DCTERMS + "description", ox.Literal(text, language=language))
    add(dataset, DCTERMS + "modified", modified)
    add(dataset, DCTERMS + "license", licence)
    add(dataset, DCTERMS + "publisher", publisher)
    add(dataset, DCAT + "landingPage", ox.NamedNode(base))
    for source in info.sources:
        add(dataset, PROV + "wasDerivedFrom", ox.NamedNode(source))
    a(licence, DCTERMS + "LicenseDocument")
    add(licence, RDFS + "label", ox.Literal(LICENCE_TITLE, language="fr"))
    add(licence, RDFS + "seeAlso", ox.NamedNode(LICENCE_PAGE))
    a(publisher, FOAF + "Agent")
    add(publisher, FOAF + "name", ox.Literal("villegraph"))
    a(ox.NamedNode(base), FOAF + "Document")
    add(dataset, VOID + "triples", typed(info.triples, "integer"))
    add(dataset, VOID + "uriSpace", ox.Literal(base))
    add(dataset, VOID + "classes", typed(len(info.classes), "integer"))
    endpoints = [base + "sparql"] + ([info.endpoint] if info.endpoint else [])
    for endpoint in endpoints:
        add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint))
    service = ox.NamedNode(base + "sparql")
    a(service, DCAT + "DataService")
    add(service, DCTERMS + "title", ox.Literal("villegraph SPARQL endpoint", language="en"))
    add(service, DCAT + "endpointURL", service)
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCTERMS + "license", licence)
    if info.stats is not None:
        stats = info.stats
        add(dataset, VOID + "distinctSubjects", typed(stats.distinct_subjects, "integer"))
        add(dataset, VOID + "distinctObjects", typed(stats.distinct_objects, "integer"))
        add(dataset, VOID + "properties", typed(len(stats.properties), "integer"))
        for vocabulary in stats.vocabularies:
            add(dataset, VOID + "vocabulary", ox.NamedNode(vocabulary))
        for prop, (count, subjects, objects) in stats.properties.items():
            partition = ox.NamedNode(f"{base}dataset#{partition_fragment('property', prop, base)}")
            add(dataset, VOID + "propertyPartition", partition)
            add(partition, VOID + "property", ox.NamedNode(prop))
            add(partition, VOID + "triples", typed(count, "integer"))
            add(partition, VOID + "distinctSubjects", typed(subjects, "integer"))
            add(partition, VOID + "distinctObjects", typed(objects, "integer"))
    for graph, count in info.graphs.items():
        subset = ox.NamedNode(graph)
        add(dataset, VOID + "subset", subset)
        a(subset, VOID + "Dataset")
        add(subset, VOID + "triples", typed(count, "integer"))
    for cls, count in info.classes.items():
        partition = ox.NamedNode(f"{base}dataset#{partition_fragment('class', cls, base)}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", ox.NamedNode(cls))
        add(partition, VOID + "entities", typed(count, "integer"))
    for name, record in info.dumps.items():
        dump = ox.NamedNode(f"{base}dumps/{name}")
        add(dataset, VOID + "dataDump", dump)
        add(dataset, DCAT + "distribution", dump)
        a(dump, DCAT + "Distribution")
        add(dump, DCTERMS + "title", ox.Literal(f"villegraph ({DUMPS[name].name})", language="en"))
        add(dump, DCAT + "accessURL", ox.NamedNode(base + "dumps/"))
        add(dump, DCAT + "downloadURL", dump)
        media_type = ox.NamedNode(IANA + record.media_type.split(";")[0])
        add(dump, DCAT + "mediaType", media_type)
        a(media_type, DCTERMS + "MediaType")
        file_type = ox.NamedNode(FILE_TYPE + FILE_TYPES[name])
        add(dump, DCTERMS + "format", file_type)
        a(file_type, DCTERMS + "MediaTypeOrExtent")
        add(dump, DCAT + "byteSize", typed(record.bytes, "nonNegativeInteger"))
        checksum = ox.NamedNode(f"{base}dumps/{name}#sha256")
        add(dump, SPDX + "checksum", checksum)
        a(checksum, SPDX + "Checksum")
        add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", typed(record.sha256, "hexBinary"))
        add(dump, DCTERMS + "modified", modified)
        add(dump, DCTERMS + "license", licence)
        if name in KEEPS_GRAPHS:
            add(dump, DCTERMS + "description", ox.Literal("named graphs kept", language="en"))
    a(ox.NamedNode(SPDX + "checksumAlgorithm_sha256"), SPDX + "ChecksumAlgorithm")
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


def write_gzip_copies(
    folder: Path, files: Iterable[tuple[str, FileRecord]]
) -> dict[str, FileRecord]:
    """`NAME.gz` beside each file, written once at build time for the dumps page to send as is;
    their records, to list in build.json with the rest.

    Streamed in 1 MiB chunks; no name and time in the gzip header, so that two builds of the
    same input give the same bytes."""
    records: dict[str, FileRecord] = {}
    for name, record in files:
        path = folder / name
        if record.packed is not None:  # written with the file (`write_dumps`)
            records[path.name + ".gz"] = record.packed
            continue
        target = path.with_name(path.name + ".gz")
        with path.open("rb") as source, target.open("wb") as raw, gzip_file(raw) as packed:
            while chunk := source.read(1 << 20):
                packed.write(chunk)
        records[target.name] = file_record(target, "application/gzip")
    return records


def write_json(path: Path, data: object) -> None:
    """Write pretty, stable JSON."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


__all__ = [
    "APART_FROM",
    "CHUNK",
    "DUMPS",
    "KEEPS_GRAPHS",
    "FileRecord",
    "Statistics",
    "StatisticsCounter",
    "VoidInput",
    "class_partitions",
    "file_record",
    "runs",
    "serialisation_prefixes",
    "source_documents",
    "statistics",
    "void_triples",
    "write_context",
    "write_dumps",
    "write_graphs",
    "write_gzip_copies",
    "write_json",
    "write_rdf",
    "write_text",
    "write_union",
    "write_union_ntriples",
    "write_void",
]
