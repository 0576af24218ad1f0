"""villegraph.validate: the report object, its renderings, and validating files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.validate import (
    SHAPES_NS,
    ValidationReport,
    ValidationResult,
    load_shapes,
    validate,
    validate_files,
)

DATA = Path(__file__).resolve().parent / "data"
MINIMAL = DATA / "valid" / "minimal.ttl"
BASE = "https://example.org/vg/"

BROKEN = """
@base <https://example.org/vg/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix vg: <https://w3id.org/villegraph/def#> .
@prefix schema: <https://schema.org/> .

# A person with two names (a violation) and a Sunday session (a warning).
<person/personne-b> a foaf:Person, schema:Person ;
    foaf:name "Personne B", "B. Personne" ;
    prov:wasDerivedFrom <source/announcement/l1> ;
    dcterms:source <source/announcement> .

<event/seance-dimanche> a vg:Session, schema:Event ;
    dcterms:title "Séance du dimanche"@fr ;
    schema:startDate "2022-11-27"^^xsd:date ;
    schema:superEvent <event/cycle-a> ;
    prov:wasDerivedFrom <source/announcement/l1> ;
    dcterms:source <source/announcement> .
"""


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings)


@pytest.fixture(scope="module")
def report(shapes: Graph) -> ValidationReport:
    data = Graph().parse(MINIMAL)
    data.parse(data=BROKEN, format="turtle")
    return validate(data, shapes)


def test_report_splits_results_by_severity(report: ValidationReport) -> None:
    assert not report.conforms
    assert [r.severity for r in report.results] == ["Violation", "Warning"]
    (violation,) = report.violations
    (warning,) = report.warnings
    assert report.infos == []
    assert violation.focus == URIRef(BASE + "person/personne-b")
    assert violation.focus_label == "Personne B" or violation.focus_label == "B. Personne"
    assert violation.path == "foaf:name"
    assert violation.shape == URIRef(SHAPES_NS + "PrintedName")
    assert warning.shape == URIRef(SHAPES_NS + "WeekendSessionShape")
    assert warning.value == Literal("2022-11-27")
    assert warning.focus_label == "Séance du dimanche"


def test_warnings_alone_conform(shapes: Graph) -> None:
    data = Graph().parse(MINIMAL)
    data.parse(data=BROKEN.replace(', "B. Personne"', ""), format="turtle")
    result = validate(data, shapes)
    assert result.conforms
    assert len(result.warnings) == 1 and result.violations == []


def test_to_text_names_label_path_message_and_value(report: ValidationReport) -> None:
    text = report.to_text()
    lines = text.splitlines()
    assert lines[0] == "SHACL validation: does not conform (1 violations, 1 warnings, 0 infos)"
    assert text.index("Violations (1):") < text.index("Warnings (1):")
    assert "[Violation] " in text and "<https://example.org/vg/person/personne-b>" in text
    assert "path:    foaf:name" in text
    assert "Exactly one name as printed" in text
    assert "Séance du dimanche" in text
    assert 'value:   "2022-11-27"' in text
    assert "a Sunday" in text
    assert "shape:   vg-shapes:WeekendSessionShape" in text


def test_to_json_round_trips(report: ValidationReport) -> None:
    encoded = json.dumps(report.to_json())
    decoded = [ValidationResult.from_dict(item) for item in json.loads(encoded)]
    assert decoded == report.results
    first = json.loads(encoded)[0]
    assert set(first) == {"severity", "focus", "focus_label", "path", "value", "message", "shape"}
    assert first["focus"] == "<https://example.org/vg/person/personne-b>"


def test_to_turtle_is_the_pyshacl_report(report: ValidationReport) -> None:
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
    assert (None, SH.conforms, Literal(False)) in graph


def test_validation_leaves_the_data_graph_untouched(shapes: Graph) -> None:
    data = Graph().parse(MINIMAL)
    before = set(data)
    ontology = Graph()
    ontology.add(
        (
            URIRef(BASE + "A"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            URIRef(BASE + "B"),
        )
    )
    validate(data, shapes)
    validate(data, shapes, ontology)
    assert set(data) == before


def test_focus_label_prefers_a_plain_label_then_english() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:theme, ex:person ;
            sh:property [ sh:path ex:missing ; sh:name "missing" ; sh:minCount 1 ;
                          sh:message "needs ex:missing"@en ] .
        """,
        format="turtle",
    )
    data = Graph().parse(
        data="""
        @prefix ex: <http://example.org/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        ex:theme skos:prefLabel "ville intelligente"@fr, "smart city"@en .
        ex:person foaf:name "Personne C" .
        """,
        format="turtle",
    )
    labels = {r.focus_label for r in validate(data, shapes).results}
    assert labels == {"smart city", "Personne C"}


def test_complex_paths_are_written_as_sparql_paths() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:property [ sh:path [ sh:inversePath org:member ] ; sh:minCount 1 ] ,
                        [ sh:path ( org:hasMembership org:organization ) ; sh:minCount 1 ] ,
                        [ sh:path [ sh:oneOrMorePath org:subOrganizationOf ] ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    paths = {r.path for r in validate(data, shapes).results}
    assert paths == {
        "^org:member",
        "org:hasMembership/org:organization",
        "(org:subOrganizationOf)+",
    }


def test_bad_shapes_become_input_errors() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .
        """,
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    with pytest.raises(InputError, match="SPARQL query of the shapes does not parse"):
        validate(data, shapes)


def test_load_shapes_names_the_file_and_line(tmp_path: Path, settings: Settings) -> None:
    missing = settings.with_(ontology_dir=tmp_path)
    with pytest.raises(InputError, match="shapes file not found") as error:
        load_shapes(missing)
    assert error.value.path == tmp_path / "shapes.ttl"
    (tmp_path / "shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\nsh:a sh:b\n"
    )
    with pytest.raises(InputError) as error:
        load_shapes(missing)
    assert error.value.path == tmp_path / "shapes.ttl"
    assert error.value.line == 3
    assert str(error.value).startswith(f"{tmp_path / 'shapes.ttl'}:3:")


def test_validate_files_adds_the_ontology_and_themes(settings: Settings) -> None:
    report = validate_files([MINIMAL], settings)
    assert report.conforms, report.to_text()
    assert report.results == []


def test_validate_files_reports_violations_of_a_file(tmp_path: Path, settings: Settings) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(MINIMAL.read_text("utf-8") + BROKEN, encoding="utf-8")
    report = validate_files([broken], settings)
    assert not report.conforms
    assert [r.shape for r in report.violations] == [URIRef(SHAPES_NS + "PrintedName")]


def test_validate_files_syntax_error_names_file_line_column(
    tmp_path: Path, settings: Settings
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e undeclared:f .\n"
    )
    with pytest.raises(InputError) as error:
        validate_files([bad], settings)
    assert error.value.path is not None and error.value.path.name == "bad.ttl"
    assert error.value.line == 3
    assert error.value.column is not None
    assert "\n" not in str(error.value)


def test_validate_files_missing_file(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InputError, match="not found"):
        validate_files([tmp_path / "nowhere.ttl"], settings)


def test_a_dataset_is_validated_as_the_union_of_its_graphs(shapes: Graph) -> None:
    dataset = Dataset()
    dataset.graph(URIRef("urn:example:base")).parse(MINIMAL)
    dataset.graph(URIRef("urn:example:broken")).parse(data=BROKEN, format="turtle")
    report = validate(dataset, shapes)
    assert [r.shape for r in report.results] == [
        URIRef(SHAPES_NS + "PrintedName"),
        URIRef(SHAPES_NS + "WeekendSessionShape"),
    ]


SPARQL_FIXTURES = [
    "session-order",
    "weekend",
    "printed-weekday",
    "talk-outside-session",
    "event-chronology",
    "session-undated",
    "session-tba-dated",
    "planned-session-count",
    "passage-lines",
    "theme-cycle",
    "theme-hierarchy",
    "theme-attribution-claim",
    "works-on-evidence",
    "theme-attribution-theme",
]


@pytest.mark.parametrize("name", SPARQL_FIXTURES)
def test_oxigraph_answers_the_shapes_sparql_as_rdflib_does(name: str, shapes: Graph) -> None:
    """validate() runs the shapes' SPARQL in Oxigraph; pyshacl alone runs it in rdflib."""
    from pyshacl import validate as pyshacl_validate

    data = Graph().parse(MINIMAL)
    data.parse(DATA / "invalid" / f"{name}.ttl")
    _, direct, _ = pyshacl_validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True, allow_infos=True
    )

    def key(report: Graph) -> set[tuple[object, ...]]:
        return {
            (
                report.value(r, SH.sourceShape),
                report.value(r, SH.focusNode),
                report.value(r, SH.value),
                str(report.value(r, SH.resultMessage)),
            )
            for r in report.subjects(RDF.type, SH.ValidationResult)
        }

    ours = validate(data, shapes, engine="pyshacl").graph
    assert key(ours) == key(direct)
    assert key(ours), "the fixture should produce results"


def test_batched_property_shapes_patch_is_active() -> None:
    """The comparison below is between two code paths: the patch must really be installed."""
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    from villegraph.validate import _batched_property_shapes

    original = PropertyConstraintComponent._evaluate_property_shape
    with _batched_property_shapes():
        assert PropertyConstraintComponent._evaluate_property_shape is not original
    assert PropertyConstraintComponent._evaluate_property_shape is original


@pytest.mark.parametrize("path", sorted((DATA / "invalid").glob("*.ttl")), ids=lambda p: p.stem)
def test_batched_property_shapes_give_pyshacls_own_results(path: Path, shapes: Graph) -> None:
    """validate() has pyshacl check a property shape once for all its value nodes."""
    from pyshacl import validate as pyshacl_validate

    from villegraph.validate import _oxigraph_copy, _OxigraphSparqlView

    data = Graph().parse(MINIMAL)
    data.parse(path)
    _, plain, _ = pyshacl_validate(
        _OxigraphSparqlView(data, _oxigraph_copy(data)),
        shacl_graph=shapes,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )

    def key(report: Graph) -> list[tuple[object, ...]]:
        rows = [
            (
                report.value(r, SH.sourceShape),
                report.value(r, SH.focusNode),
                report.value(r, SH.resultPath),
                report.value(r, SH.value),
                report.value(r, SH.sourceConstraintComponent),
                report.value(r, SH.resultSeverity),
            )
            for r in report.subjects(RDF.type, SH.ValidationResult)
        ]
        return sorted(rows, key=repr)

    assert key(validate(data, shapes, engine="pyshacl").graph) == key(plain)
