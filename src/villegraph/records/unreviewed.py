"""What drafts contribute is unreviewed: their shapes' violations are warnings until review.

A draft (`status: draft`, read with `--include-drafts`) proposes records a curator has not checked
yet and leaves out what it could not find (its `TODO` fields: a membership's role, a cycle's
organisers). So that a project can be built with its drafts and looked at, a SHACL violation
whose focus node only a draft describes (every triple about it is in a `vg:Unreviewed` graph) is
reported as a warning, its message starting `unreviewed draft:`. Once the file says
`status: reviewed`, its TODOs are errors and its violations violations again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from villegraph.namespaces import SH
from villegraph.records.terms import A, term

PREFIX = "unreviewed draft: "


def draft_subjects(quads: Iterable[ox.Quad]) -> set[str]:
    """The IRIs only `vg:Unreviewed` graphs describe (as subjects), among `quads` (the files'
    graphs: derived facts about a draft's records do not make them reviewed)."""
    quads = list(quads)
    unreviewed = {
        quad.graph_name
        for quad in quads
        if quad.predicate == A and quad.object == term("vg:Unreviewed")
        and quad.subject == quad.graph_name
    }  # fmt: skip
    if not unreviewed:
        return set()
    inside: set[str] = set()
    outside: set[str] = set()
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode):
            (inside if quad.graph_name in unreviewed else outside).add(quad.subject.value)
    return inside - outside


def as_warnings(report: Any, subjects: set[str]) -> Any:
    """`report` with the violations about `subjects` made warnings (`unreviewed draft: …`), in
    its results and in its report graph (the build's quality graph is made from the latter)."""
    if not subjects:
        return report
    results = []
    changed: set[URIRef] = set()
    for result in report.results:
        if result.severity == "Violation" and str(result.focus) in subjects:
            result = dataclasses.replace(
                result, severity="Warning", message=PREFIX + result.message
            )
            changed.add(URIRef(str(result.focus)))
        results.append(result)
    if not changed:
        return report
    graph = report.graph
    for node in list(graph.subjects(SH.resultSeverity, SH.Violation)):
        if graph.value(node, SH.focusNode) not in changed:
            continue
        graph.set((node, SH.resultSeverity, SH.Warning))
        for message in list(graph.objects(node, SH.resultMessage)):
            graph.remove((node, SH.resultMessage, message))
            language = message.language if isinstance(message, Literal) else None
            graph.add((node, SH.resultMessage, Literal(PREFIX + str(message), lang=language)))
    conforms = not any(result.severity == "Violation" for result in results)
    for node in list(graph.subjects(SH.conforms, None)):
        graph.set((node, SH.conforms, Literal(conforms)))
    return dataclasses.replace(report, conforms=conforms, results=results)


__all__ = ["PREFIX", "as_warnings", "draft_subjects"]
