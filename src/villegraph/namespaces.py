"""The project's namespaces and the prefix map used by every serialiser and query."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

DEFAULT_BASE_IRI = "https://w3id.org/villegraph/"
"""Base of every IRI the data mints; `{base}{kind}/{slug}` (see ontology/README.md)."""

ONTOLOGY_IRI = "https://w3id.org/villegraph/def"


class VG(DefinedNamespace):
    """villegraph ontology terms; a misspelt term raises AttributeError."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")
    # derivation rules (vg:DerivationRule individuals); names with '-': use VG["rule-…"]
    _extras = (
        "rule-person-talk-theme",
        "rule-person-role-theme",
        "rule-person-session-theme",
        "rule-org-member-theme",
        "rule-org-suborg-theme",
        "rule-theme-broader",
    )

    # classes
    ResearchUnit: URIRef
    HigherEducationInstitution: URIRef
    ResearchOrganisation: URIRef
    Chair: URIRef
    PublicAuthority: URIRef
    WebinarSeries: URIRef
    Session: URIRef
    Talk: URIRef
    Programme: URIRef
    Passage: URIRef
    ThemeAttribution: URIRef
    DerivationRule: URIRef
    EvidenceLevel: URIRef
    SubjectStatement: URIRef
    Unreviewed: URIRef
    # individuals
    DateToBeAnnounced: URIRef
    OwnWork: URIRef
    SessionContext: URIRef
    villegraph: URIRef  # the project: publisher and creator
    # properties
    printedTitle: URIRef
    attestedOn: URIRef
    partnerOf: URIRef
    printedDate: URIRef
    printedWeekday: URIRef
    sessionNumber: URIRef
    programmePosition: URIRef
    speaker: URIRef
    presenter: URIRef
    plannedSessionCount: URIRef
    registrationPage: URIRef
    studies: URIRef
    startLine: URIRef
    endLine: URIRef
    localCopy: URIRef
    worksOn: URIRef
    statedTheme: URIRef
    agent: URIRef
    theme: URIRef
    evidence: URIRef
    derivedBy: URIRef
    sessionContextTheme: URIRef
    evidenceLevel: URIRef
    levelRelation: URIRef
    rolledUpFrom: URIRef
    quote: URIRef
    score: URIRef
    memberCount: URIRef
    talkCount: URIRef
    subjectStatement: URIRef


SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "vg": str(VG._NS),
    "vgr": DEFAULT_BASE_IRI,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sh": str(SH),
}
"""Prefix → namespace IRI, for serialisers, queries and pages."""


XSD_NS = str(XSD)
XSD_STRING = str(XSD.string)
RDF_TYPE = str(RDF.type)
RDF_LANGSTRING = str(RDF.langString)
"""Plain-string forms of the IRIs compared against pyoxigraph terms' `.value`."""


def sparql_prefixes(*names: str) -> str:
    """`PREFIX name: <iri>` lines for SPARQL text written in Python (all prefixes if none named)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in chosen)


def prefixes_for(base_iri: str) -> dict[str, str]:
    """The prefix map with `vgr:` pointing at the configured base IRI."""
    return {**PREFIXES, "vgr": base_iri}


__all__ = [
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE_IRI",
    "FOAF",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RDF_LANGSTRING",
    "RDF_TYPE",
    "SCHEMA",
    "SH",
    "SKOS",
    "VG",
    "VOID",
    "XSD",
    "XSD_NS",
    "XSD_STRING",
    "prefixes_for",
    "sparql_prefixes",
]
