"""The one writer of SPARQL results, over pyoxigraph terms, with row and byte caps.

One writer per result format (JSON, XML, CSV, TSV for SELECT; JSON and XML for ASK); RDF graphs
go through pyoxigraph's own serialisers. A cap cuts the output at a row boundary and says so:
`Serialized.truncated` is then true and the caller signals it to the client.

The endpoint, the canned-query downloads and the CLI (`villegraph query --format csv|tsv|json`)
all write with it. (pyoxigraph's `QuerySolutions.serialize` writes a whole result and cannot
stop at a cap or take rows converted from another store, hence these few lines per format.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from villegraph.formats import (
    BY_MEDIA_TYPE,
    CSV,
    JSONLD,
    NTRIPLES,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    TURTLE,
    negotiate,
)
from villegraph.namespaces import XSD_STRING

SELECT_TYPES = [SPARQL_JSON, SPARQL_XML, CSV, TSV, "application/json"]
ASK_TYPES = [SPARQL_JSON, SPARQL_XML, "application/json"]
GRAPH_TYPES = [
    TURTLE.media_type,
    NTRIPLES.media_type,
    JSONLD.media_type,
    "text/plain",
    "application/json",
]

FORMAT_PARAMETER = {
    "json": SPARQL_JSON,
    "xml": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE.media_type,
    "ttl": TURTLE.media_type,
    "ntriples": NTRIPLES.media_type,
    "nt": NTRIPLES.media_type,
    "jsonld": JSONLD.media_type,
    "json-ld": JSONLD.media_type,
}
"""Values of the `format` request parameter (for browsers) and the media type each stands for."""


@dataclass(frozen=True)
class Serialized:
    """A serialised answer: body, media type, rows written and whether a cap cut it."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool = False


def choose(kind: str, accept: str | None, format_parameter: str | None) -> str | None:
    """The media type for a result of `kind` ("select", "ask", "graph"), or None (406)."""
    offered = {"select": SELECT_TYPES, "ask": ASK_TYPES, "graph": GRAPH_TYPES}[kind]
    if format_parameter:
        wanted = FORMAT_PARAMETER.get(format_parameter.strip().lower(), format_parameter.strip())
        return wanted if wanted in offered else None
    return negotiate(accept, offered)


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            attr = quoteattr(term.datatype.value)
            return f"<literal datatype={attr}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _csv_field(term: object) -> str:
    if term is None:
        return ""
    value = term.value if hasattr(term, "value") else str(term)
    if isinstance(term, ox.BlankNode):
        value = "_:" + value
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(term: object) -> str:
    return "" if term is None else str(term).replace("\t", "\\t").replace("\n", "\\n")


def select(
    variables: Sequence[str],
    rows: Iterable[Sequence[object | None]],
    media_type: str,
    *,
    max_rows: int,
    max_bytes: int,
) -> Serialized:
    """Serialise SELECT rows as `media_type`, stopping at `max_rows` rows or `max_bytes` bytes."""
    pieces: list[str] = []
    size = 0
    count = 0
    truncated = False
    if media_type in (SPARQL_JSON, "application/json"):
        row_text = _json_row
    elif media_type == SPARQL_XML:
        row_text = _xml_row
    elif media_type == CSV:
        row_text = _csv_row
    else:
        row_text = _tsv_row
    for row in rows:
        if count >= max_rows:
            truncated = True
            break
        text = row_text(variables, row)
        size += len(text.encode("utf-8"))
        if size > max_bytes:
            truncated = True
            break
        pieces.append(text)
        count += 1
    return Serialized(_wrap(variables, pieces, media_type, truncated), media_type, count, truncated)


_JSON = json.JSONEncoder(ensure_ascii=False)
"""`json.dumps(..., ensure_ascii=False)` made once: `dumps` makes an encoder on every call when
an option is given, which costs more than a row."""


def _json_row(variables: Sequence[str], row: Sequence[object | None]) -> str:
    binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
    return _JSON.encode(binding)


def _xml_row(variables: Sequence[str], row: Sequence[object | None]) -> str:
    cells = "".join(
        f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
        for v, t in zip(variables, row, strict=True)
        if t is not None
    )
    return f"<result>{cells}</result>\n"


def _csv_row(variables: Sequence[str], row: Sequence[object | None]) -> str:
    return ",".join(_csv_field(t) for t in row) + "\r\n"


def _tsv_row(variables: Sequence[str], row: Sequence[object | None]) -> str:
    return "\t".join(_tsv_field(t) for t in row) + "\n"


def _wrap(variables: Sequence[str], pieces: list[str], media_type: str, truncated: bool) -> bytes:
    if media_type in (SPARQL_JSON, "application/json"):
        head = _JSON.encode({"vars": list(variables)})
        note = ', "truncated": true' if truncated else ""
        text = '{"head": ' + head + ', "results": {"bindings": [' + ",\n".join(pieces) + "]}"
        return (text + note + "}\n").encode("utf-8")
    if media_type == SPARQL_XML:
        heads = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        comment = (
            "<!-- truncated: the result was cut at the server's cap -->\n" if truncated else ""
        )
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head>{heads}</head>\n{comment}<results>\n"
            + "".join(pieces)
            + "</results>\n</sparql>\n"
        )
        return text.encode("utf-8")
    if media_type == CSV:
        return (",".join(variables) + "\r\n" + "".join(pieces)).encode("utf-8")
    return ("\t".join("?" + v for v in variables) + "\n" + "".join(pieces)).encode("utf-8")


def boolean(value: bool, media_type: str) -> Serialized:
    """Serialise an ASK answer."""
    if media_type == SPARQL_XML:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        )
    else:
        body = json.dumps({"head": {}, "boolean": value}) + "\n"
    return Serialized(body.encode("utf-8"), media_type, 1)


def graph(
    triples: Iterable[ox.Triple],
    media_type: str,
    *,
    max_rows: int,
    max_bytes: int,
    prefixes: dict[str, str] | None = None,
) -> Serialized:
    """Serialise CONSTRUCT/DESCRIBE triples; caps cut whole triples and set `truncated`."""
    kept: list[ox.Triple] = []
    truncated = False
    for triple in triples:
        if len(kept) >= max_rows:
            truncated = True
            break
        kept.append(triple)
    rdf_format = BY_MEDIA_TYPE.get(media_type, NTRIPLES)
    if media_type == "application/json":
        rdf_format = JSONLD
    chosen_prefixes = prefixes if prefixes and rdf_format is TURTLE else None

    def serialise(items: list[ox.Triple]) -> bytes:
        return ox.serialize(items, format=rdf_format.oxigraph, prefixes=chosen_prefixes) or b""

    body = serialise(kept)
    while len(body) > max_bytes and kept:
        truncated = True
        kept = kept[: len(kept) * max_bytes // len(body)]
        body = serialise(kept)
    return Serialized(body, media_type, len(kept), truncated)


__all__ = [
    "ASK_TYPES",
    "CSV",
    "FORMAT_PARAMETER",
    "GRAPH_TYPES",
    "SELECT_TYPES",
    "SPARQL_JSON",
    "SPARQL_XML",
    "TSV",
    "Serialized",
    "boolean",
    "choose",
    "graph",
    "select",
]
