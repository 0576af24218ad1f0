"""The quality graph: the SHACL report with stable IRIs and no blank nodes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from villegraph.config import Settings
from villegraph.namespaces import RDF, SH
from villegraph.quality import quality_graph, quality_iri, quality_quads, report_iri

BASE = "https://w3id.org/villegraph/"
SEANCE_1 = BASE + "event/seance-1"


def _report(path_is_blank: bool) -> Graph:
    """A pyshacl-like report: one result with blank nodes for itself, its path and constraint."""
    graph = Graph()
    report, result, constraint = BNode(), BNode(), BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(True)))
    graph.add((report, SH.result, result))
    graph.add((result, RDF.type, SH.ValidationResult))
    graph.add((result, SH.focusNode, URIRef(SEANCE_1)))
    graph.add((result, SH.resultSeverity, SH.Warning))
    graph.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    graph.add((result, SH.sourceShape, URIRef(BASE + "shapes#S")))
    graph.add((result, SH.sourceConstraint, constraint))
    graph.add((constraint, SH.select, Literal("SELECT $this WHERE {}")))
    graph.add((result, SH.resultMessage, Literal("a doubt", lang="en")))
    if path_is_blank:
        path = BNode()
        graph.add((path, SH.inversePath, URIRef("http://example.org/p")))
        graph.add((result, SH.resultPath, path))
    return graph


def test_no_blank_nodes_and_the_same_iris_every_time() -> None:
    first = quality_graph(_report(True), BASE)
    again = quality_graph(_report(True), BASE)
    assert not any(isinstance(t, BNode) for triple in first for t in triple)
    assert set(first) == set(again), "new blank-node labels, same IRIs"
    results = set(first.objects(URIRef(report_iri(BASE)), SH.result))
    assert len(results) == 1
    (result,) = results
    assert str(result).startswith(BASE + "quality/")
    path = first.value(result, SH.resultPath)
    assert isinstance(path, URIRef) and str(path).startswith(str(result) + "/path-")
    assert first.value(path, SH.inversePath) == URIRef("http://example.org/p")
    assert first.value(result, SH.sourceConstraint) is None, "the shapes' own nodes stay out"
    assert (URIRef(report_iri(BASE)), SH.conforms, Literal(True)) in first


def test_a_different_path_is_a_different_result() -> None:
    with_path = set(quality_graph(_report(True), BASE).objects(None, SH.result))
    without = set(quality_graph(_report(False), BASE).objects(None, SH.result))
    assert with_path != without


def test_quads_are_in_the_quality_graph() -> None:
    quads = quality_quads(_report(False), BASE)
    assert {q.graph_name for q in quads} == {ox.NamedNode(quality_iri(BASE))}


def test_real_build_publishes_its_two_warnings(built_dist: Path, settings: Settings) -> None:
    quads = list(ox.parse(path=str(built_dist / "villegraph.nq"), format=ox.RdfFormat.N_QUADS))
    quality = [q for q in quads if q.graph_name == ox.NamedNode(BASE + "graph/quality")]
    focus = [q.object.value for q in quality if q.predicate.value == str(SH.focusNode)]
    assert focus == [SEANCE_1, SEANCE_1]
    assert not any(isinstance(t, ox.BlankNode) for q in quality for t in q.triple)
    report = Graph().parse(built_dist / "shacl-report.ttl", format="turtle")
    assert {(str(s), str(p), str(o)) for s, p, o in report} == {
        (q.subject.value, q.predicate.value, q.object.value) for q in quality
    }, "shacl-report.ttl holds the quality graph"
    messages = {
        (m.language, str(m))
        for m in report.objects(None, SH.resultMessage)
        if isinstance(m, Literal)
    }
    assert ("fr", "La séance est datée du 2022-11-27, un dimanche : les webinaires ont lieu en "
            "semaine.") in messages  # fmt: skip
    assert any(lang == "en" and "Sunday" in text for lang, text in messages)


def test_a_rebuild_gives_the_same_quality_graph(built_dist: Path, settings: Settings) -> None:
    from villegraph.build import build

    again = build(settings, built_dist.parent / "again").out_dir
    first = (built_dist / "shacl-report.ttl").read_text(encoding="utf-8")
    assert (again / "shacl-report.ttl").read_text(encoding="utf-8") == first
