"""Formatting SELECT results: an aligned text table, and SPARQL 1.1 CSV, TSV and JSON.

Pure functions over a `SelectResult` (rdflib terms); nothing here prints.
- CSV: SPARQL 1.1 Query Results CSV — IRIs and literals as bare lexical values, CRLF lines.
- TSV: SPARQL 1.1 Query Results TSV — terms in N-Triples/Turtle syntax, `?var` header.
- JSON: SPARQL 1.1 Query Results JSON (`head.vars`, `results.bindings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from villegraph.errors import UsageError
from villegraph.formats import CSV, SPARQL_JSON, TSV
from villegraph.terms import escape_string

if TYPE_CHECKING:
    from villegraph.store import SelectResult

FORMATS = ("table", "csv", "tsv", "json")
MEDIA_TYPES = {
    "csv": CSV + "; charset=utf-8",
    "tsv": TSV + "; charset=utf-8",
    "json": SPARQL_JSON,
    "table": "text/plain; charset=utf-8",
}
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-./]*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def compact(term: Identifier | None, prefixes: Mapping[str, str] | None = None) -> str:
    """A short human label: a prefixed name for an IRI, the lexical form for a literal."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        matches = [
            (len(namespace), prefix, iri[len(namespace) :])
            for prefix, namespace in (prefixes or {}).items()
            if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace) :])
        ]
        if matches:
            _, prefix, local = max(matches)
            return f"{prefix}:{local}"
        return f"<{iri}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_table(
    result: SelectResult,
    prefixes: Mapping[str, str] | None = None,
    *,
    max_width: int | None = 80,
) -> str:
    """An aligned plain-text table; cells longer than `max_width` end with `…`."""
    header = list(result.variables)
    cells = [[_cell(compact(term, prefixes), max_width) for term in row] for row in result.rows]
    widths = [len(name) for name in header]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [
        "  ".join(name.ljust(w) for name, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    count = len(result.rows)
    lines.append(
        f"({count} row{'s' if count != 1 else ''}{', truncated' if result.truncated else ''})"
    )
    return "\n".join(lines) + "\n"


def _cell(text: str, max_width: int | None) -> str:
    text = _CONTROL.sub(" ", text)
    if max_width is not None and len(text) > max_width:
        return text[: max_width - 1] + "…"
    return text


def _written(result: SelectResult, media_type: str) -> str:
    """The rows through the one SPARQL results writer (`villegraph.writers`), without caps."""
    from villegraph.terms import to_oxigraph
    from villegraph.writers import select

    rows = ([None if t is None else to_oxigraph(t) for t in row] for row in result.rows)
    out = select(result.variables, rows, media_type, max_rows=len(result.rows), max_bytes=2**62)
    return out.body.decode("utf-8")


def to_csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: header of variable names, plain values, CRLF line ends."""
    return _written(result, CSV)


def to_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 TSV: `?var` header, terms in N-Triples syntax, LF line ends."""
    return _written(result, TSV)


def ntriples(term: Identifier) -> str:
    """A term in N-Triples syntax (literals escaped so a value stays on one line)."""
    if isinstance(term, URIRef):
        return f"<{_escape_iri(str(term))}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = escape_string(str(term))
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^<{_escape_iri(str(term.datatype))}>'
        return f'"{lexical}"'
    raise TypeError(f"not an RDF term: {term!r}")


def _escape_iri(iri: str) -> str:
    return re.sub(r'[\x00-\x20<>"{}|^`\\]', lambda m: f"\\u{ord(m.group()):04X}", iri)


def to_json(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    return _written(result, SPARQL_JSON)


def render(result: SelectResult, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The result in one of FORMATS."""
    if fmt == "table":
        return to_table(result, prefixes)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        return to_json(result)
    raise UsageError(f"unknown result format {fmt!r} (formats: {', '.join(FORMATS)})")


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "compact",
    "ntriples",
    "render",
    "to_csv",
    "to_json",
    "to_table",
    "to_tsv",
]
