"""Results as a SHACL validation report graph laid out as pyshacl lays out its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from villegraph.namespaces import RDF, SH
from villegraph.shacl.engine import RawResult

Describe = Callable[[BNode], Iterable[tuple[Node, Node]]]


def report_graph(results: Iterable[RawResult], shapes: Graph, describe: Describe) -> Graph:
    """An `sh:ValidationReport` with one `sh:ValidationResult` per result; blank nodes of the
    shapes graph (inline shapes, paths, SPARQL constraints) and of the data (focus nodes and
    values, described by `describe`) are copied with their ids."""
    from pyshacl.rdfutil import clone_blank_node

    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, namespace)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    cloned: dict[Node, Node] = {}

    def copy(node: Node) -> Node:
        if not isinstance(node, BNode):
            return node
        if node not in cloned:
            cloned[node] = clone_blank_node(shapes, node, report, keepid=True)
        return cloned[node]

    def copy_data(node: Node) -> Node:
        pending = [node] if isinstance(node, BNode) and (node, "data") not in cloned else []
        while pending:
            current = pending.pop()
            cloned[(current, "data")] = current  # type: ignore[index]
            for prop, value in describe(current):  # type: ignore[arg-type]
                report.add((current, prop, value))
                if isinstance(value, BNode) and (value, "data") not in cloned:
                    pending.append(value)
        return node

    conforms = True
    for result in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.sourceConstraintComponent, result.component))
        report.add((node, SH.sourceShape, copy(result.shape.node)))
        report.add((node, SH.resultSeverity, result.shape.severity))
        report.add((node, SH.focusNode, copy_data(result.focus)))
        if result.value is not None:
            report.add((node, SH.value, copy_data(result.value)))
        if result.path is not None:
            report.add((node, SH.resultPath, copy(result.path)))
        if result.source_constraint is not None:
            report.add((node, SH.sourceConstraint, copy(result.source_constraint)))
        for message in result.messages:
            report.add((node, SH.resultMessage, message))
        conforms = conforms and result.shape.severity != SH.Violation
    report.add((root, SH.conforms, Literal(conforms)))
    return report


__all__ = ["report_graph"]
