"""The SHACL shapes: one invalid fixture per shape fires that shape only; valid data conforms.

Each file in tests/data/invalid/ starts with `# expect: <Severity> <shape> [<path>]` and adds one
broken node to the valid world of tests/data/valid/minimal.ttl. The real ontology and data
conform and show exactly the warnings the source itself calls for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SH

from villegraph.config import Settings
from villegraph.resources import ONTOLOGY_DIR
from villegraph.validate import SHAPES_NS, ValidationReport, load_shapes, validate

DATA = Path(__file__).resolve().parent / "data"
VALID_BASE = DATA / "valid" / "minimal.ttl"
INVALID = sorted((DATA / "invalid").glob("*.ttl"))
VALID = sorted((DATA / "valid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (Violation|Warning|Info) vg-shapes:(\w+)(?: (\S+))?\s*$")
SEVERITY = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
REAL_BASE = "https://w3id.org/villegraph/"


def _expectation(path: Path) -> tuple[str, URIRef, str | None]:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first_line)
    assert match, f"{path.name}: first line must be '# expect: <Severity> vg-shapes:<Shape> [path]'"
    severity, shape, result_path = match.groups()
    return severity, URIRef(SHAPES_NS + shape), result_path


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings)


@pytest.fixture(scope="module")
def valid_base() -> Graph:
    return Graph().parse(VALID_BASE)


def _with_base(valid_base: Graph, path: Path) -> Graph:
    graph = Graph()
    for triple in valid_base:
        graph.add(triple)
    graph.parse(path)
    return graph


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms_without_any_result(
    path: Path, valid_base: Graph, shapes: Graph
) -> None:
    report = validate(_with_base(valid_base, path), shapes)
    assert report.conforms
    assert report.results == [], report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_exactly_its_shape(
    path: Path, valid_base: Graph, shapes: Graph
) -> None:
    severity, shape, result_path = _expectation(path)
    report = validate(_with_base(valid_base, path), shapes)
    assert report.results, f"{path.name}: no result at all"
    for result in report.results:
        assert (result.severity, result.shape) == (severity, shape), report.to_text()
        if result_path is not None:
            assert result.path == result_path, report.to_text()
        assert result.message and not result.message.startswith("fails "), result
    assert report.conforms is (severity != "Violation")


def test_every_named_shape_has_an_invalid_fixture(shapes: Graph) -> None:
    named = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    covered = {_expectation(path)[1] for path in INVALID}
    assert named, "no named shapes found"
    assert named - covered == set(), "shapes without an invalid fixture"
    assert covered - named == set(), "fixtures naming shapes that do not exist"


NOT_CONSTRAINTS = {
    RDF.type,
    SH.name,
    SH.message,
    SH.severity,
    SH.property,
    SH.sparql,
    SH.target,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
}


def test_every_shape_and_property_shape_reads_well(shapes: Graph) -> None:
    """Every shape has an sh:name; every constraint it holds comes with an English message."""
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.objects(None, SH.property)
    )
    for shape in shape_nodes:
        assert shapes.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        for constraint in shapes.objects(shape, SH.sparql):
            message = shapes.value(constraint, SH.message)
            assert isinstance(message, Literal) and message.language == "en", constraint
        own = {p for p in shapes.predicates(shape) if p not in NOT_CONSTRAINTS}
        if own - {SH.path}:
            messages = list(shapes.objects(shape, SH.message))
            assert any(isinstance(m, Literal) and m.language == "en" for m in messages), shape


def test_shapes_use_no_javascript_and_no_imports(shapes: Graph) -> None:
    assert not list(shapes.triples((None, OWL.imports, None)))
    js = Namespace(str(SH))
    for term in (js.js, js.JSConstraint, js.JSTarget, js.JSRule, js.jsFunctionName):
        assert not list(shapes.triples((None, term, None)))
        assert not list(shapes.triples((None, RDF.type, term)))


def _real_report(project_root: Path, shapes: Graph) -> ValidationReport:
    data = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if path.name != "shapes.ttl":
            data.parse(path)
    for path in sorted((project_root / "data").glob("*.ttl")):
        data.parse(path)
    return validate(data, shapes)


@pytest.fixture(scope="module")
def real_report(project_root: Path, shapes: Graph) -> ValidationReport:
    return _real_report(project_root, shapes)


def test_real_data_conforms(real_report: ValidationReport) -> None:
    assert real_report.conforms, real_report.to_text()
    assert real_report.violations == []


def test_real_data_shows_exactly_the_expected_warnings(real_report: ValidationReport) -> None:
    seance_1 = URIRef(REAL_BASE + "event/seance-1")
    seance_2 = URIRef(REAL_BASE + "event/seance-2")
    found = {
        (r.severity, r.shape, r.focus, r.value)
        for r in real_report.results
        if r.severity != "Violation"
    }
    assert found == {
        # The introductory session (position 1) is dated 27/11/22, after position 2 (17/03/22).
        ("Warning", URIRef(SHAPES_NS + "SessionOrderShape"), seance_1, seance_2),
        # 27 November 2022 is a Sunday.
        ("Warning", URIRef(SHAPES_NS + "WeekendSessionShape"), seance_1, Literal("2022-11-27")),
    }, real_report.to_text()
    assert len(real_report.results) == 2


def test_real_warning_messages_name_the_dates(real_report: ValidationReport) -> None:
    text = real_report.to_text()
    assert "position 1 is dated 2022-11-27" in text
    assert "dated 2022-03-17" in text
    assert "a Sunday" in text


def test_shapes_conform_to_shacl_shacl(shapes: Graph) -> None:
    """pyshacl checks the shapes graph against the SHACL-for-SHACL shapes first."""
    from pyshacl import validate as pyshacl_validate

    conforms, _, text = pyshacl_validate(
        Graph().parse(VALID_BASE), shacl_graph=shapes, meta_shacl=True, advanced=True
    )
    assert conforms, text
