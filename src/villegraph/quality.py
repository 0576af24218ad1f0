"""The build's doubts as data: the SHACL report as a named graph with stable IRIs.

A build that conforms may still have warnings (a date out of order, a session on a Sunday). They
are published with the data, in the named graph `{base}graph/quality`, as the SHACL validation
report: `{base}quality/report` (an `sh:ValidationReport`) and one `sh:ValidationResult` per
result, named `{base}quality/<hash>` where the hash is taken from the focus node, the path, the
constraint component, the source shape and the value. The same data gives the same
IRIs in every build, so links to a result survive rebuilds; pyshacl's blank nodes never leave
this module (complex result paths get IRIs below their result, `…/<hash>/path-<n>`; the shapes'
own nodes — `sh:sourceConstraint`, inline shapes — and blank values are left out).
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from villegraph.namespaces import RDF, SH
from villegraph.terms import to_oxigraph

QUALITY_GRAPH = "quality"
"""Name of the quality graph: `{base}graph/quality`."""
_LEFT_OUT = frozenset({SH.sourceConstraint, SH.sourceShape, SH.value})
"""Predicates copied only when their object is not a blank node."""


def quality_iri(base_iri: str) -> str:
    """The IRI of the quality graph."""
    return f"{base_iri}graph/{QUALITY_GRAPH}"


def report_iri(base_iri: str) -> str:
    """The IRI of the validation report."""
    return f"{base_iri}quality/report"


def result_iri(base_iri: str, report: Graph, node: Node) -> str:
    """A stable IRI for one result of `report`: a hash of what identifies it."""
    parts = []
    for prop in (
        SH.focusNode,
        SH.resultPath,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.value,
    ):
        found = report.value(node, prop)  # type: ignore[arg-type]
        parts.append(_key(report, found))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{base_iri}quality/{digest[:16]}"


def _key(graph: Graph, node: Node | None) -> str:
    """A text naming `node` independently of blank-node labels."""
    if node is None:
        return ""
    if not isinstance(node, BNode):
        return node.n3()  # type: ignore[no-any-return,attr-defined]
    pairs = sorted(
        f"{p.n3()} {_key(graph, o)}"  # type: ignore[attr-defined]
        for p, o in graph.predicate_objects(node)
    )
    return "[" + "; ".join(pairs) + "]"


def quality_graph(report: Graph, base_iri: str) -> Graph:
    """The report's triples with stable IRIs instead of blank nodes (see the module docstring)."""
    out = Graph()
    report_node = URIRef(report_iri(base_iri))
    out.add((report_node, RDF.type, SH.ValidationReport))
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    conforms = not any(report.value(r, SH.resultSeverity) == SH.Violation for r in results)  # type: ignore[arg-type]
    out.add((report_node, SH.conforms, Literal(conforms)))
    for node in results:
        iri = URIRef(result_iri(base_iri, report, node))
        out.add((report_node, SH.result, iri))
        _copy(report, node, iri, out)
    return out


def _copy(report: Graph, node: Node, iri: URIRef, out: Graph) -> None:
    """Copy the description of `node` as `iri`, naming nested blank nodes below `iri`."""
    minted: dict[Node, URIRef] = {node: iri}
    pending = [node]
    while pending:
        current = pending.pop(0)
        subject = minted[current]
        for prop, value in sorted(report.predicate_objects(current), key=_order):  # type: ignore[arg-type]
            if isinstance(value, BNode):
                if prop in _LEFT_OUT:
                    continue
                if value not in minted:
                    minted[value] = URIRef(f"{iri}/path-{len(minted)}")
                    pending.append(value)
                value = minted[value]
            out.add((subject, prop, value))


def _order(pair: tuple[Node, Node]) -> tuple[str, str]:
    prop, value = pair
    return (str(prop), "" if isinstance(value, BNode) else value.n3())  # type: ignore[attr-defined]


def quality_quads(report: Graph, base_iri: str) -> list[ox.Quad]:
    """The quality graph as quads in `{base}graph/quality`, in a stable order."""
    graph = ox.NamedNode(quality_iri(base_iri))
    triples = sorted(quality_graph(report, base_iri), key=lambda t: tuple(x.n3() for x in t))
    return [
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
        for s, p, o in triples
    ]


__all__ = [
    "QUALITY_GRAPH",
    "quality_graph",
    "quality_iri",
    "quality_quads",
    "report_iri",
    "result_iri",
]
