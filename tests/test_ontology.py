"""The ontology declares every vg: term the project uses; the thesauri are well-formed SKOS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS, XSD

from villegraph.namespaces import DEFAULT_BASE_IRI, ONTOLOGY_IRI, PROV, SCHEMA, VG
from villegraph.resources import ONTOLOGY_DIR, QUERIES_DIR

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = URIRef(ONTOLOGY_IRI)
VG_NS = str(VG._NS)
THEME_SCHEME = URIRef(DEFAULT_BASE_IRI + "theme/scheme")
ROLE_SCHEME = URIRef(DEFAULT_BASE_IRI + "role/scheme")
DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.NamedIndividual,
}
RULES = {
    "rule-person-talk-theme",
    "rule-person-role-theme",
    "rule-person-session-theme",
    "rule-org-member-theme",
    "rule-org-suborg-theme",
    "rule-theme-broader",
}


def _parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _parse(ONTOLOGY_DIR / "villegraph.ttl")


@pytest.fixture(scope="module")
def themes() -> Graph:
    return _parse(ONTOLOGY_DIR / "themes.ttl")


@pytest.fixture(scope="module")
def roles() -> Graph:
    return _parse(ROOT / "data" / "roles.ttl")


def _model_files() -> list[Path]:
    """Every Turtle file whose vg: terms must be declared (shapes only if present)."""
    files = [*sorted((ROOT / "data").glob("*.ttl")), ONTOLOGY_DIR / "themes.ttl"]
    shapes = ONTOLOGY_DIR / "shapes.ttl"
    return [*files, shapes] if shapes.exists() else files


def _vg_terms(graph: Graph) -> Iterator[URIRef]:
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(VG_NS):
                yield term


def _declared(ontology: Graph) -> set[URIRef]:
    return {
        s
        for s, o in ontology.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(s).startswith(VG_NS) and o in DECLARATION_TYPES
    }


def _namespace_terms() -> set[URIRef]:
    names = set(VG.__annotations__) | set(VG._extras)
    return {VG[name] for name in names}


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionInfo) is not None
    assert sorted(_langs(ontology, ONTOLOGY, DCTERMS.title)) == ["en", "fr"]
    assert sorted(_langs(ontology, ONTOLOGY, DCTERMS.description)) == ["en", "fr"]
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://spdx.org/licenses/etalab-2.0"
    )
    assert ontology.value(ONTOLOGY, DCTERMS.creator) is not None
    assert not list(ontology.triples((None, OWL.imports, None)))


@pytest.mark.parametrize("path", _model_files(), ids=lambda p: p.name)
def test_every_used_term_is_declared(path: Path, ontology: Graph) -> None:
    used = set(_vg_terms(_parse(path)))
    assert used <= _declared(ontology), sorted(used - _declared(ontology))


def test_rules_and_queries_use_only_declared_terms(ontology: Graph) -> None:
    files = [*(ONTOLOGY_DIR / "rules").glob("*.rq"), *QUERIES_DIR.glob("*.rq")]
    used = {
        URIRef(VG_NS + name)
        for path in files
        for name in re.findall(r"\bvg:([A-Za-z][\w-]*)", path.read_text(encoding="utf-8"))
    }
    assert used <= _declared(ontology), sorted(used - _declared(ontology))


def test_declared_terms_match_the_python_namespace(ontology: Graph) -> None:
    assert _declared(ontology) == _namespace_terms()
    assert set(_vg_terms(ontology)) <= _declared(ontology)


def test_every_term_has_labels_and_definitions_in_french_and_english(ontology: Graph) -> None:
    for term in sorted(_declared(ontology)):
        assert sorted(_langs(ontology, term, RDFS.label)) == ["en", "fr"], term
        assert sorted(_langs(ontology, term, SKOS.definition)) == ["en", "fr"], term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_properties_have_kind_domain_and_range(ontology: Graph) -> None:
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert len(properties) == 30  # vg:statedTheme added
    for prop in properties:
        assert ontology.value(prop, RDFS.domain) is not None, prop
        assert ontology.value(prop, RDFS.range) is not None, prop
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        assert str(ontology.value(prop, RDFS.range)).startswith((str(XSD), str(RDF), str(RDFS))), (
            prop
        )


def test_classes_specialise_reused_vocabularies(ontology: Graph) -> None:
    classes = [c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)]
    assert len(classes) == 15
    for cls in classes:
        parent = ontology.value(cls, RDFS.subClassOf)
        assert parent is not None and not str(parent).startswith(VG_NS), cls


PARENTS = {
    VG.ResearchUnit: ORG.OrganizationalUnit,
    VG.HigherEducationInstitution: ORG.Organization,
    VG.ResearchOrganisation: ORG.Organization,
    VG.Chair: ORG.OrganizationalUnit,
    VG.PublicAuthority: ORG.Organization,
    VG.WebinarSeries: SCHEMA.EventSeries,
    VG.Session: SCHEMA.Event,
    VG.Talk: SCHEMA.Event,
    VG.Programme: FOAF.Project,
    VG.Passage: PROV.Entity,
    VG.ThemeAttribution: PROV.Entity,
    VG.DerivationRule: PROV.Plan,
    VG.EvidenceLevel: SKOS.Concept,
    VG.SubjectStatement: PROV.Entity,
    VG.rolledUpFrom: PROV.wasDerivedFrom,
    VG.speaker: SCHEMA.performer,
    VG.presenter: SCHEMA.performer,
}


def test_terms_specialise_what_the_model_says(ontology: Graph) -> None:
    for term, parent in PARENTS.items():
        parents = set(ontology.objects(term, RDFS.subClassOf)) | set(
            ontology.objects(term, RDFS.subPropertyOf)
        )
        assert parent in parents, term


def test_derivation_rules_and_status_individual(ontology: Graph) -> None:
    rules = {str(s)[len(VG_NS) :] for s in ontology.subjects(RDF.type, VG.DerivationRule)}
    assert rules == RULES
    assert (VG.DateToBeAnnounced, RDF.type, SCHEMA.EventStatusType) in ontology
    assert (VG.DerivationRule, RDFS.subClassOf, PROV.Plan) in ontology
    # each evidence level names the agent → theme relation its attributions state
    assert (VG.OwnWork, VG.levelRelation, VG.worksOn) in ontology
    assert (VG.SessionContext, VG.levelRelation, VG.sessionContextTheme) in ontology


def test_partner_of_is_symmetric(ontology: Graph) -> None:
    assert (VG.partnerOf, RDF.type, OWL.SymmetricProperty) in ontology


def _concepts(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


@pytest.mark.parametrize(
    ("graph_name", "scheme", "minimum"),
    [("themes", THEME_SCHEME, 40), ("roles", ROLE_SCHEME, 4)],
)
def test_scheme_is_well_formed(
    graph_name: str, scheme: URIRef, minimum: int, request: pytest.FixtureRequest
) -> None:
    graph: Graph = request.getfixturevalue(graph_name)
    concepts = _concepts(graph)
    assert len(concepts) >= minimum
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    for concept in concepts:
        assert (concept, SKOS.inScheme, scheme) in graph, concept
        assert sorted(_langs(graph, concept, SKOS.prefLabel)) == ["en", "fr"], concept
        assert sorted(_langs(graph, concept, SKOS.definition)) == ["en", "fr"], concept
    tops = {c for c in concepts if graph.value(c, SKOS.broader) is None}
    assert tops == set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops == set(graph.subjects(SKOS.topConceptOf, scheme))


@pytest.mark.parametrize("graph_name", ["themes", "roles"])
def test_preferred_labels_are_unique_per_language(
    graph_name: str, request: pytest.FixtureRequest
) -> None:
    graph: Graph = request.getfixturevalue(graph_name)
    labels = [
        (o.language, str(o).casefold())
        for c in _concepts(graph)
        for o in graph.objects(c, SKOS.prefLabel)
        if isinstance(o, Literal)
    ]
    assert len(labels) == len(set(labels))
    for concept in _concepts(graph):
        pref = set(graph.objects(concept, SKOS.prefLabel))
        assert not pref & set(graph.objects(concept, SKOS.altLabel)), concept


@pytest.mark.parametrize("graph_name", ["themes", "roles"])
def test_broader_and_narrower_are_symmetric(
    graph_name: str, request: pytest.FixtureRequest
) -> None:
    graph: Graph = request.getfixturevalue(graph_name)
    broader = set(graph.subject_objects(SKOS.broader))
    narrower = {(o, s) for s, o in graph.subject_objects(SKOS.narrower)}
    assert broader
    assert broader == narrower
    concepts = _concepts(graph)
    assert all(a in concepts and b in concepts for a, b in broader)


@pytest.mark.parametrize("graph_name", ["themes", "roles"])
def test_hierarchy_has_no_cycle(graph_name: str, request: pytest.FixtureRequest) -> None:
    graph: Graph = request.getfixturevalue(graph_name)
    for concept in _concepts(graph):
        seen: set[URIRef] = set()
        frontier = {concept}
        while frontier:
            frontier = {b for c in frontier for b in graph.objects(c, SKOS.broader)}  # type: ignore[misc]
            assert concept not in frontier, f"{concept} is its own ancestor"
            frontier -= seen
            seen |= frontier


@pytest.mark.parametrize(
    ("slug", "label", "lang"),
    [
        ("smart-city", "ville intelligente", "fr"),
        ("smart-city", "smart city", "en"),
        ("smart-city", "smart city", "fr"),
        ("open-data", "données ouvertes", "fr"),
        ("open-data", "open data", "en"),
        ("open-data", "open data", "fr"),
        ("crowdsourcing", "recours contributif à la multitude", "fr"),
        ("smart-region", "Smart Région", "fr"),
        ("artificial-intelligence", "IA", "fr"),
    ],
)
def test_thesaurus_knows_the_source_vocabulary(
    themes: Graph, slug: str, label: str, lang: str
) -> None:
    concept = URIRef(f"{DEFAULT_BASE_IRI}theme/{slug}")
    labels = set(themes.objects(concept, SKOS.prefLabel)) | set(
        themes.objects(concept, SKOS.altLabel)
    )
    assert Literal(label, lang=lang) in labels


def test_smart_region_sits_under_smart_city(themes: Graph) -> None:
    theme = DEFAULT_BASE_IRI + "theme/"
    ancestors = set(themes.transitive_objects(URIRef(theme + "smart-region"), SKOS.broader))
    assert URIRef(theme + "smart-territory") in ancestors
    assert URIRef(theme + "smart-city") in ancestors
    assert URIRef(theme + "digital-city") in ancestors


def test_every_subject_in_the_data_is_a_theme(themes: Graph) -> None:
    data = _parse(*sorted((ROOT / "data").glob("*.ttl")))
    subjects = set(data.objects(None, DCTERMS.subject))
    assert len(subjects) > 20
    assert subjects <= _concepts(themes)
    assert all((s, SKOS.inScheme, THEME_SCHEME) in themes for s in subjects)
