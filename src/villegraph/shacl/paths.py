"""The one writer of SHACL property paths as SPARQL property paths.

Used by the store engine (IRIs in full, inside queries) and by the validation report (prefixed
names, for people). Precedence is kept by parentheses: `(p)*`, `^(p/q)`, `(p|q)`; an inverse
of a plain IRI stays `^p`.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node


class NotAPath(ValueError):
    """The node is not a SHACL property path."""


def list_items(graph: Graph, head: Node) -> list[Node]:
    """The members of an RDF list (empty when `head` is not a list)."""
    if graph.value(head, RDF.first) is None:
        return []
    return list(graph.items(head))


def write_path(
    graph: Graph, path: Node, iri: Callable[[URIRef], str], *, outermost: bool = False
) -> str:
    """`path` in SPARQL syntax, each IRI written by `iri`; NotAPath when it is no SHACL path.

    With `outermost`, a top-level sequence is written without its parentheses (`p/q`)."""

    def inner(node: Node) -> str:
        return write_path(graph, node, iri)

    if isinstance(path, URIRef):
        return iri(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (iri(inverse) if isinstance(inverse, URIRef) else f"({inner(inverse)})")
    for prop, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        repeated = graph.value(path, prop)
        if repeated is not None:
            return f"({inner(repeated)}){suffix}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(inner(i) for i in list_items(graph, alternatives)) + ")"
    items = list_items(graph, path)
    if len(items) < 2:
        raise NotAPath(f"the property path {path.n3()} is not a SHACL path")
    sequence = "/".join(inner(i) for i in items)
    return sequence if outermost else f"({sequence})"


__all__ = ["NotAPath", "list_items", "write_path"]
