"""The store engine (villegraph.shacl) gives pyshacl's report: every fixture, a generated
network, the real build; and it refuses what it does not evaluate."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.resources import ONTOLOGY_DIR
from villegraph.shacl import UnsupportedShape, WrittenForms
from villegraph.validate import ValidationReport, load_shapes, validate

DATA = Path(__file__).resolve().parent / "data"
MINIMAL = DATA / "valid" / "minimal.ttl"
FIXTURES = sorted((DATA / "invalid").glob("*.ttl")) + sorted((DATA / "valid").glob("*.ttl"))
KEYS = (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.resultSeverity, SH.value,
        SH.sourceShape)  # fmt: skip


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings)


def _key(report: Graph, node: BNode | URIRef | Literal | None) -> str:
    """A node's text; a blank node by its description (pyshacl and the engine name them apart)."""
    if node is None:
        return ""
    if not isinstance(node, BNode):
        return node.n3()
    return "[" + "; ".join(sorted(f"{p.n3()} {_key(report, o)}"
                                  for p, o in report.predicate_objects(node))) + "]"  # fmt: skip


def results(report: ValidationReport) -> list[tuple[str, ...]]:
    """Each result as its compared parts, messages included, sorted."""
    graph = report.graph
    rows = []
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        parts = [_key(graph, graph.value(node, key)) for key in KEYS]
        messages = sorted(m.n3() for m in graph.objects(node, SH.resultMessage))
        rows.append((*parts, *messages))
    return sorted(rows)


def assert_same(data: Graph, shapes: Graph) -> ValidationReport:
    reference = validate(data, shapes, engine="pyshacl")
    ours = validate(data, shapes, engine="store")
    assert results(ours) == results(reference)
    assert ours.results == reference.results
    assert ours.conforms == reference.conforms
    return ours


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fixture_gives_pyshacls_report(path: Path, shapes: Graph) -> None:
    data = Graph().parse(MINIMAL)
    data.parse(path)
    report = assert_same(data, shapes)
    assert bool(report.results) == (path.parent.name == "invalid")


def test_a_generated_network_gives_pyshacls_report(tmp_path: Path, shapes: Graph) -> None:
    from villegraph.synth import generate

    root = Path(__file__).resolve().parents[1]
    generate(tmp_path, people=200, seed=3, themes_path=ONTOLOGY_DIR / "themes.ttl",
             roles_path=root / "data" / "roles.ttl")  # fmt: skip
    data = Graph()
    for path in [ONTOLOGY_DIR / "villegraph.ttl", ONTOLOGY_DIR / "themes.ttl",
                 *sorted(tmp_path.rglob("*.ttl"))]:  # fmt: skip
        data.parse(path)
    # Break a few things so that both engines have results to agree on.
    person = next(data.subjects(RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")))
    data.add((person, URIRef("http://xmlns.com/foaf/0.1/name"), Literal("Second name")))
    passage = next(data.subjects(RDF.type, URIRef("https://w3id.org/villegraph/def#Passage")))
    line = URIRef("https://w3id.org/villegraph/def#startLine")
    data.set((passage, line, Literal("999999", datatype=URIRef(XSD_INTEGER))))
    report = assert_same(data, shapes)
    assert {r.path for r in report.violations} >= {"foaf:name", "vg:startLine"}


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def test_the_real_build_gives_pyshacls_report(settings: Settings) -> None:
    from villegraph.build import prepare

    _, _, ours = prepare(settings)
    _, _, reference = prepare(settings, engine="pyshacl")
    assert results(ours) == results(reference)
    assert ours.results == reference.results
    assert [r.severity for r in ours.results] == ["Warning", "Warning"]


def test_literals_are_checked_as_written_not_as_stored(shapes: Graph) -> None:
    """The store keeps "3"^^xsd:positiveInteger as an xsd:integer; the check must not."""
    data = Graph().parse(MINIMAL)
    passage = URIRef("https://example.org/vg/source/announcement/l1")
    line = URIRef("https://w3id.org/villegraph/def#endLine")
    data.set((passage, line, Literal("1", datatype=URIRef(XSD_INTEGER))))
    report = assert_same(data, shapes)
    assert [(r.path, r.value) for r in report.violations] == [
        ("vg:endLine", Literal("1", datatype=URIRef(XSD_INTEGER)))
    ]


def test_written_forms_keep_only_what_the_store_changes() -> None:
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    kept = ox.Literal("5", datatype=ox.NamedNode(xsd + "integer"))
    retyped = ox.Literal("5", datatype=ox.NamedNode(xsd + "positiveInteger"))
    forms = WrittenForms.from_triples([(s, p, kept), (s, p, ox.Literal("text")), (s, p, retyped)])
    assert forms.predicates == {p}
    # The stored "5"^^xsd:integer stands for both triples as written.
    assert forms.written(s, p, kept) == [retyped, kept]
    assert forms.written(s, p, ox.Literal("text")) == [ox.Literal("text")]
    only = WrittenForms.from_triples([(s, p, kept), (s, p, ox.Literal("text"))])
    assert not only and only.written(s, p, kept) == [kept]


SHAPE_HEAD = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
"""


@pytest.mark.parametrize(
    ("body", "construct"),
    [
        ("sh:closed true .", "sh:closed"),
        ("sh:property [ sh:path ex:p ; sh:minInclusive 1 ] .", "sh:minInclusive"),
        ("sh:xone ( [ sh:datatype ex:t ] ) .", "sh:xone"),
        ('sh:sparql [ sh:select "SELECT $this WHERE { { SELECT $this WHERE {} } }" ] .',
         "sub-query"),
        ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o } LIMIT 1" ] .', "LIMIT"),
    ],
)  # fmt: skip
def test_unsupported_constructs_name_the_shape(body: str, construct: str) -> None:
    shapes = Graph().parse(data=SHAPE_HEAD + "    " + body, format="turtle")
    data = Graph().parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    with pytest.raises(UnsupportedShape, match=construct) as error:
        validate(data, shapes)
    assert "http://example.org/" in str(error.value)
    assert isinstance(error.value, InputError)


def test_sparql_constraints_are_batched_with_path_substituted() -> None:
    shapes = Graph().parse(
        data=SHAPE_HEAD.replace("sh:targetNode ex:a", "sh:targetNode ex:a, ex:b").replace(
            "ex:S a", "ex:S a"
        )
        + """    sh:property [ sh:path ex:p ; sh:sparql [ sh:message "{$this} has {?value}" ;
              sh:select '''SELECT $this ?value ?shape WHERE { $this $PATH ?value .
                         FILTER(?value > 1) }''' ] ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="@prefix ex: <http://example.org/> . ex:a ex:p 1, 2 . ex:b ex:p 3 .", format="turtle"
    )
    report = assert_same(data, shapes)
    assert sorted(r.message for r in report.results) == [
        "http://example.org/a has 2",
        "http://example.org/b has 3",
    ]


def test_value_constraints_checked_together_and_absent_paths_skipped() -> None:
    """One value breaking several value constraints gives one result for each; sh:minCount and
    sh:maxCount of one path; a path with no value anywhere still fails sh:minCount and
    sh:hasValue and nothing else; as pyshacl does."""
    shapes = Graph().parse(
        data=SHAPE_HEAD.replace("sh:targetNode ex:a", "sh:targetNode ex:a, ex:b")
        + """    sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ; sh:pattern "^z" ;
                  sh:datatype ex:t ; sh:minLength 3 ; sh:message "p" ] ;
    sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 1 ; sh:message "count" ] ;
    sh:property [ sh:path ex:absent ; sh:minCount 1 ; sh:maxCount 1 ; sh:hasValue ex:a ;
                  sh:class ex:C ; sh:uniqueLang true ; sh:message "absent" ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix ex: <http://example.org/> .
        ex:a ex:p "ab" , ex:zzz . ex:b ex:p ex:yy .""",
        format="turtle",
    )
    report = assert_same(data, shapes)
    found = [(row[0], row[1], row[2].rsplit("#", 1)[1], row[4]) for row in results(report)]
    a, b = "<http://example.org/a>", "<http://example.org/b>"
    absent, p = "<http://example.org/absent>", "<http://example.org/p>"
    assert [row for row in found if row[1] == absent] == [
        (a, absent, "HasValueConstraintComponent>", ""),
        (a, absent, "MinCountConstraintComponent>", ""),
        (b, absent, "HasValueConstraintComponent>", ""),
        (b, absent, "MinCountConstraintComponent>", ""),
    ]
    assert [row[2] for row in found if row[:2] == (a, p) and row[3] == '"ab"'] == [
        "DatatypeConstraintComponent>",
        "MinLengthConstraintComponent>",
        "NodeKindConstraintComponent>",
        "PatternConstraintComponent>",
    ]
    # ex:a has two values (more than 1), ex:b one (fewer than 2): counted once for both.
    counted = [(row[0], row[2]) for row in found if row[2].startswith(("Min", "Max"))]
    assert (a, "MaxCountConstraintComponent>") in counted
    assert (b, "MinCountConstraintComponent>") in counted
    assert len(found) == 14


VG_SHAPES = "https://w3id.org/villegraph/shapes#"
ATTRIBUTION = {
    "vg:agent": "<person/personne-a>",
    "vg:theme": "<theme/broad-theme>",
    "vg:evidence": "<talk/personne-a-talk>",
    "vg:derivedBy": "<def#rule-example>",
    "vg:evidenceLevel": "vg:OwnWork",
    "prov:wasDerivedFrom": "<talk/personne-a-talk>",
}
BROKEN_ATTRIBUTIONS = {
    # condition → (what changes in a valid attribution, the shape and path that must report it)
    "iri": ({"iri": "<derived/works-on/not-a-hash>"}, ("ThemeAttributionShape", None)),
    "no agent": ({"vg:agent": ""}, ("ThemeAttributionShape", "vg:agent")),
    "two agents": (
        {"vg:agent": "<person/personne-a>, <org/universite-a>"},
        ("ThemeAttributionShape", "vg:agent"),
    ),
    "agent not a person": (
        {"vg:agent": "<theme/narrow-theme>"},
        ("ThemeAttributionShape", "vg:agent"),
    ),
    "no theme": ({"vg:theme": ""}, ("ThemeAttributionShape", "vg:theme")),
    "two themes": (
        {"vg:theme": "<theme/broad-theme>, <theme/narrow-theme>"},
        ("ThemeAttributionShape", "vg:theme"),
    ),
    "theme not a theme IRI": (
        {"vg:theme": "<person/personne-a>"},
        ("ThemeAttributionShape", "vg:theme"),
    ),
    "no evidence": ({"vg:evidence": ""}, ("ThemeAttributionShape", "vg:evidence")),
    "literal evidence": ({"vg:evidence": '"a talk"'}, ("ThemeAttributionShape", "vg:evidence")),
    "no rule": ({"vg:derivedBy": ""}, ("ThemeAttributionShape", "vg:derivedBy")),
    "two rules": (
        {"vg:derivedBy": "<def#rule-example>, <def#rule-other>"},
        ("ThemeAttributionShape", "vg:derivedBy"),
    ),
    "untyped rule": (
        {"vg:derivedBy": "<def#rule-other>"},
        ("ThemeAttributionShape", "vg:derivedBy"),
    ),
    "no level": ({"vg:evidenceLevel": ""}, ("ThemeAttributionShape", "vg:evidenceLevel")),
    "two levels": (
        {"vg:evidenceLevel": "vg:OwnWork, vg:SessionContext"},
        ("ThemeAttributionShape", "vg:evidenceLevel"),
    ),
    "other level": (
        {"vg:evidenceLevel": "vg:Hearsay"},
        ("ThemeAttributionShape", "vg:evidenceLevel"),
    ),
    "two scores": ({"vg:score": "1, 2"}, ("ThemeAttributionShape", "vg:score")),
    "own work without the link": (
        {"vg:theme": "<theme/narrow-theme>"},
        ("ThemeAttributionClaimShape", None),
    ),
    "session context without the link": (
        {"vg:evidenceLevel": "vg:SessionContext"},
        ("ThemeAttributionClaimShape", None),
    ),
}


def _attribution(changes: dict[str, str], extra: str = "") -> Graph:
    """minimal.ttl with one more theme attribution, valid but for `changes`."""
    fields = {**ATTRIBUTION, **{k: v for k, v in changes.items() if k != "iri"}}
    iri = changes.get("iri", "<derived/works-on/fedcba9876543210fedcba9876543210>")
    body = " ;\n    ".join(f"{p} {o}" for p, o in fields.items() if o)
    text = MINIMAL.read_text(encoding="utf-8").split("\n# Derived facts")[0]  # prefixes
    prologue = "\n".join(line for line in text.splitlines() if line.startswith("@"))
    data = Graph().parse(MINIMAL)
    data.parse(data=f"{prologue}\n{iri} a vg:ThemeAttribution ;\n    {body} .\n{extra}",
               format="turtle")  # fmt: skip
    return data


@pytest.mark.parametrize("condition", sorted(BROKEN_ATTRIBUTIONS))
def test_each_broken_condition_of_an_attribution_is_reported(condition: str, shapes: Graph) -> None:
    """The SPARQL targets of the attribution shapes find every attribution that breaks one of
    their conditions, and both engines report it alike."""
    changes, (shape, path) = BROKEN_ATTRIBUTIONS[condition]
    report = assert_same(_attribution(changes), shapes)
    assert (URIRef(VG_SHAPES + shape), path) in {(r.shape, r.path) for r in report.results}


def test_a_valid_attribution_is_not_reported(shapes: Graph) -> None:
    """A valid attribution, of own work or of session context with its link, gives nothing."""
    assert assert_same(_attribution({}), shapes).results == []
    linked = "<person/personne-a> vg:sessionContextTheme <theme/broad-theme> ."
    data = _attribution({"vg:evidenceLevel": "vg:SessionContext"}, linked)
    assert assert_same(data, shapes).results == []


XSD = "http://www.w3.org/2001/XMLSchema#"
LEXICAL = ["0", "1", "12", "+3", "-0", "-4", "007", " 5", "5 ", "1_000", "٣", "1.0", "1e2", "", "x"]
INTEGER_TYPES = ["integer", "positiveInteger", "nonNegativeInteger", "negativeInteger",
                 "nonPositiveInteger", "int", "decimal", "string"]  # fmt: skip


def _literals() -> list[ox.Literal]:
    typed = [ox.Literal(text, datatype=ox.NamedNode(XSD + kind))
             for text in LEXICAL for kind in INTEGER_TYPES]  # fmt: skip
    return [*typed, ox.Literal("5"), ox.Literal("5", language="fr")]


def test_integer_checks_on_oxigraph_terms_agree_with_rdflib() -> None:
    """Where `oxeval` decides sh:datatype or sh:lessThanOrEquals without rdflib, it decides as
    `pyeval` does on rdflib terms (pyshacl's reading); elsewhere it leaves the answer open."""
    from villegraph.shacl import oxeval
    from villegraph.shacl.pyeval import _datatype, less_or_equal
    from villegraph.terms import to_rdflib

    literals = _literals()
    decided = 0
    for literal in [*literals, ox.NamedNode("http://example.org/a")]:
        for kind in INTEGER_TYPES:
            answer = oxeval.has_datatype(literal, XSD + kind)
            if answer is not None:
                decided += 1
                assert answer == _datatype(URIRef(XSD + kind), to_rdflib(literal)), (literal, kind)
    assert decided > 200
    compared = 0
    for left in literals:
        for right in literals:
            answer = oxeval.at_most(left, right)
            if answer is not None:
                compared += 1
                assert answer == less_or_equal(to_rdflib(left), to_rdflib(right)), (left, right)
    assert compared > 100


def test_scans_keep_focus_nodes_only_and_subclasses_are_listed() -> None:
    """A predicate read whole (few triples) reports only the focus nodes' values; class targets
    and sh:class reach subclasses, named or blank; pyshacl gives the same results."""
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:datatype ex:t ; sh:class ex:K ; sh:message "p" ] ;
    sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:maxCount 1 ; sh:message "q" ] .
ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:BlankNodeOrIRI ;
    sh:property [ sh:path ex:q ; sh:maxCount 1 ; sh:message "q again" ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub rdfs:subClassOf ex:C . _:blank rdfs:subClassOf ex:K . ex:SubK rdfs:subClassOf ex:K .
ex:a a ex:C ; ex:p ex:k1, ex:k2, ex:k3, "lit" ; ex:q 1, 2 .
ex:b a ex:Sub ; ex:p ex:none .
ex:k1 a ex:K . ex:k2 a ex:SubK . ex:k3 a _:blank .
ex:outside ex:p "not checked" ; ex:q 1, 2, 3 .""",
        format="turtle",
    )
    report = assert_same(data, shapes)
    focus = {str(r.focus) for r in report.results}
    assert focus == {"http://example.org/a", "http://example.org/b"}
    values = sorted(str(r.value) for r in report.results if r.message == "p")
    # "lit" fails both sh:datatype and sh:class; ex:k1..k3 pass sh:class, fail sh:datatype
    ex = "http://example.org/"
    assert values == [ex + "k1", ex + "k2", ex + "k3", ex + "none", ex + "none", "lit", "lit"]
    assert sorted(r.message for r in report.results if r.message.startswith("q")) == [
        "q",
        "q",
        "q again",
    ]


def test_shapes_on_several_threads_give_the_same_report_in_the_same_order(
    tmp_path: Path, shapes: Graph
) -> None:
    """Every shape of a broken generated network evaluated by four threads: the results of one
    thread, in the same order, and the same report graph."""
    from villegraph.shacl import engine as engine_module
    from villegraph.shacl.model import ShapesGraph
    from villegraph.synth import generate
    from villegraph.validate import validate_store

    root = Path(__file__).resolve().parents[1]
    generate(tmp_path, people=120, seed=5, themes_path=ONTOLOGY_DIR / "themes.ttl",
             roles_path=root / "data" / "roles.ttl")  # fmt: skip
    store = ox.Store()
    for path in [ONTOLOGY_DIR / "villegraph.ttl", ONTOLOGY_DIR / "themes.ttl",
                 *sorted(tmp_path.rglob("*.ttl"))]:  # fmt: skip
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    vg = "https://w3id.org/villegraph/def#"
    people = [row[0] for row in store.query(f"SELECT ?p WHERE {{ ?p a <{FOAF_PERSON}> }}")]
    for person in people[:5]:  # several results from several shapes
        store.add(ox.Quad(person, ox.NamedNode(FOAF_NAME), ox.Literal("Second name")))
    passages = [row[0] for row in store.query(f"SELECT ?p WHERE {{ ?p a <{vg}Passage> }}")]
    for passage in passages[:5]:
        store.add(ox.Quad(passage, ox.NamedNode(vg + "endLine"), ox.Literal("many")))
    written = WrittenForms.from_quads(store)

    one = validate_store(store, shapes, written, threads=1)
    names: set[str] = set()
    results_of = engine_module.StoreEngine._results_of

    def noting(self: engine_module.StoreEngine, shape: object) -> object:
        names.add(threading.current_thread().name)
        return results_of(self, shape)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine_module.StoreEngine, "_results_of", noting)
        four = validate_store(store, shapes, written, threads=4)
        raw_four = list(engine_module.StoreEngine(store, ShapesGraph(shapes), written, 4).run())
    raw_one = list(engine_module.StoreEngine(store, ShapesGraph(shapes), written, 1).run())
    assert len(names) > 1
    assert len(one.results) >= 10
    assert raw_four == raw_one
    assert len({result.shape.node for result in raw_one}) > 1
    assert four.results == one.results
    assert results(four) == results(one)
    assert four.graph.isomorphic(one.graph)


FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
