"""The one table of RDF formats: media type ↔ rdflib name ↔ pyoxigraph format ↔ suffix.

Also the small pure functions around it: guessing a file's format and choosing a response type
from an HTTP `Accept` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation."""

    name: str
    media_type: str
    suffix: str
    rdflib: str
    oxigraph: ox.RdfFormat
    quads: bool = False
    alt_media_types: tuple[str, ...] = ()


TURTLE = RdfFormat("turtle", "text/turtle", ".ttl", "turtle", ox.RdfFormat.TURTLE)
NTRIPLES = RdfFormat(
    "ntriples",
    "application/n-triples",
    ".nt",
    "nt",
    ox.RdfFormat.N_TRIPLES,
    alt_media_types=("text/plain",),
)
JSONLD = RdfFormat(
    "jsonld", "application/ld+json", ".jsonld", "json-ld", ox.RdfFormat.JSON_LD, quads=True
)
TRIG = RdfFormat("trig", "application/trig", ".trig", "trig", ox.RdfFormat.TRIG, quads=True)
NQUADS = RdfFormat("nquads", "application/n-quads", ".nq", "nquads", ox.RdfFormat.N_QUADS, True)
RDFXML = RdfFormat("rdfxml", "application/rdf+xml", ".rdf", "xml", ox.RdfFormat.RDF_XML)

RDF_FORMATS: tuple[RdfFormat, ...] = (TURTLE, NTRIPLES, JSONLD, TRIG, NQUADS, RDFXML)
BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS} | {".owl": RDFXML, ".n3": TURTLE}
BY_NAME = {f.name: f for f in RDF_FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in RDF_FORMATS} | {
    t: f for f in RDF_FORMATS for t in f.alt_media_types if "/" in t
}


SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
RESULT_MEDIA_TYPES = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV}
"""The SPARQL 1.1 query results formats, by short name."""


TEXT_MEDIA_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}
"""Other files a build publishes (source texts, reports), by suffix."""


def file_media_type(path: Path | str) -> str:
    """The media type of a published file by its suffix: an RDF format's, else a text one's,
    else `application/octet-stream`."""
    suffix = Path(path).suffix.lower()
    rdf = BY_SUFFIX.get(suffix)
    if rdf is not None:
        return rdf.media_type
    return TEXT_MEDIA_TYPES.get(suffix, "application/octet-stream")


def guess_format(path: Path | str) -> RdfFormat | None:
    """The RDF format of a file by its suffix, or None if the suffix is not an RDF one."""
    return BY_SUFFIX.get(Path(path).suffix.lower())


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, never an error."""
    if not header:
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media, params = pieces[0].lower(), pieces[1:]
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        if not main or not sub:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q, order))
    return ranges


def negotiate(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers most, or None when none is acceptable.

    Ties go to the order of `offered` (the server's preference).
    """
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, media_type in enumerate(offered):
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        most_specific = max(matching, key=lambda r: (r.specificity, -r.order))
        if most_specific.q <= 0:
            continue
        key = (most_specific.q, most_specific.specificity, -index)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


__all__ = [
    "BY_MEDIA_TYPE",
    "BY_NAME",
    "BY_SUFFIX",
    "JSONLD",
    "NQUADS",
    "NTRIPLES",
    "RDFXML",
    "RDF_FORMATS",
    "TEXT_MEDIA_TYPES",
    "TRIG",
    "TURTLE",
    "MediaRange",
    "RdfFormat",
    "file_media_type",
    "guess_format",
    "negotiate",
]
