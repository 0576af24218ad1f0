"""The research network as read from a store: kinds of node, relations, and the reading itself.

Five SELECT queries (nodes, labels, links, memberships, doubts) through the `Store` protocol, so
the same code runs on the embedded store and on a remote SPARQL endpoint; a result the store cut
short is an error, not a smaller network.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import Literal, URIRef

from villegraph.errors import StoreError, UsageError
from villegraph.queries import resolve_iri
from villegraph.store import Store

PREFIXES = """\
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX vg: <https://w3id.org/villegraph/def#>
"""

VG = "https://w3id.org/villegraph/def#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"

KINDS: tuple[str, ...] = ("person", "org", "event", "talk", "theme", "place", "programme")
"""Kinds of node, in legend order."""

KIND_LABELS: dict[str, tuple[str, str]] = {
    "person": ("personne", "person"),
    "org": ("organisation", "organisation"),
    "event": ("cycle ou séance", "cycle or session"),
    "talk": ("intervention", "talk"),
    "theme": ("thème", "theme"),
    "place": ("lieu", "place"),
    "programme": ("programme", "programme"),
}
"""Kind → (French, English) name."""

KIND_OF_TYPE: dict[str, str] = {
    "http://xmlns.com/foaf/0.1/Person": "person",
    ORG + "Organization": "org",
    VG + "WebinarSeries": "event",
    VG + "Session": "event",
    VG + "Talk": "talk",
    SCHEMA + "Place": "place",
    VG + "Programme": "programme",
    SKOS + "Concept": "theme",
}
"""rdf:type → kind. A `skos:Concept` that is also an `org:Role` is a role, not a theme."""

SUBTYPES: dict[str, str] = {
    VG + "ResearchUnit": "research unit",
    VG + "HigherEducationInstitution": "higher education institution",
    VG + "ResearchOrganisation": "research organisation",
    VG + "Chair": "chair",
    VG + "PublicAuthority": "public authority",
    VG + "WebinarSeries": "webinar series",
    VG + "Session": "session",
}

RELATIONS: dict[str, tuple[str | None, str, str]] = {
    "member-of": (None, "membre de", "member of"),
    "sub-org-of": (ORG + "subOrganizationOf", "sous-organisation de", "sub-organisation of"),
    "partner-of": (VG + "partnerOf", "partenaire de", "partner of"),
    "organiser": (SCHEMA + "organizer", "organisé par", "organised by"),
    "part-of": (SCHEMA + "superEvent", "fait partie de", "part of"),
    "speaker": (VG + "speaker", "intervenant·e", "speaker"),
    "presenter": (VG + "presenter", "présenté par", "presented by"),
    "subject": ("http://purl.org/dc/terms/subject", "sujet", "subject"),
    "studies": (VG + "studies", "étudie", "studies"),
    "location": (SCHEMA + "location", "lieu", "located in"),
    "area-served": (SCHEMA + "areaServed", "territoire", "area served"),
    "broader": (SKOS + "broader", "thème plus large", "broader theme"),
}
"""Edge relation → (RDF property or None, French label, English label)."""

_RELATION_OF_PROPERTY = {prop: key for key, (prop, _, _) in RELATIONS.items() if prop}

PROJECTIONS: dict[str, str] = {
    "full": "people, organisations, events, talks, themes, places and programmes",
    "person-theme": "people and the themes of their talks and sessions (bipartite)",
    "person-person": "people, weighted by shared themes and shared sessions",
    "org-hierarchy": "organisations and their sub-organisations",
}

NODES_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?node ?type WHERE {
  VALUES ?type { foaf:Person org:Organization vg:WebinarSeries vg:Session vg:Talk schema:Place
                 vg:Programme skos:Concept org:Role vg:ResearchUnit vg:HigherEducationInstitution
                 vg:ResearchOrganisation vg:Chair vg:PublicAuthority }
  ?node rdf:type ?type .
  FILTER(isIRI(?node))
}"""
)

LABELS_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?node ?property ?label WHERE {
  VALUES ?type { foaf:Person org:Organization vg:WebinarSeries vg:Session vg:Talk schema:Place
                 vg:Programme skos:Concept }
  VALUES ?property { skos:prefLabel rdfs:label foaf:name dcterms:title skos:altLabel }
  ?node rdf:type ?type ; ?property ?label .
  FILTER(isLiteral(?label))
}"""
)

EDGES_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { org:subOrganizationOf vg:partnerOf schema:organizer schema:superEvent vg:speaker
              vg:presenter dcterms:subject vg:studies schema:location schema:areaServed
              skos:broader }
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
}"""
)

DOUBTS_QUERY = """SELECT ?node ?result ?message WHERE {
  ?result <http://www.w3.org/ns/shacl#focusNode> ?node ;
    <http://www.w3.org/ns/shacl#resultSeverity> <http://www.w3.org/ns/shacl#Warning> ;
    <http://www.w3.org/ns/shacl#resultMessage> ?message .
}"""
"""The build's warnings (its quality graph, see villegraph.quality), per focus node."""

MEMBERSHIPS_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?person ?org ?role ?title WHERE {
  ?membership org:member ?person ; org:organization ?org .
  OPTIONAL { ?membership org:role ?role }
  OPTIONAL { ?membership vg:printedTitle ?title }
}"""
)


@dataclass
class NodeInfo:
    """One node: its kind, labels by language ("" for language-less) and a finer type."""

    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    subtype: str = ""
    doubts: dict[str, list[str]] = field(default_factory=dict)
    """Language → the build's validation warnings about this node (from the quality graph)."""

    def label(self, lang: str = "fr") -> str:
        """The label in `lang`, else a language-less one, else any, else the IRI's last part."""
        for key in (lang, "", "fr", "en"):
            if self.labels.get(key):
                return self.labels[key]
        if self.labels:
            return next(iter(self.labels.values()))
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Link:
    """One edge as read from RDF: subject, relation key, object, extra attributes."""

    source: str
    relation: str
    target: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass
class ResearchNetwork:
    """The research network read from a store: nodes by IRI and the links between them."""

    nodes: dict[str, NodeInfo]
    links: list[Link]

    def of_kind(self, kind: str) -> list[str]:
        return sorted(iri for iri, info in self.nodes.items() if info.kind == kind)

    def targets(self, source: str, relation: str) -> list[str]:
        return [
            link.target
            for link in self.links
            if link.source == source and link.relation == relation
        ]


# -- reading ------------------------------------------------------------------------------------


def _select(store: Store, query: str) -> list[tuple[Any, ...]]:
    """All rows of a SELECT; a result the store cut short is an error, not a smaller network."""
    result = store.select(query)
    if result.truncated:
        raise StoreError(f"the store cut the network query short at {len(result.rows)} rows")
    return list(result.rows)


def load_network(store: Store) -> ResearchNetwork:
    """Read nodes, labels, links and doubts from `store` (five SELECT queries)."""
    types: dict[str, set[str]] = defaultdict(set)
    for node, type_ in _select(store, NODES_QUERY):
        types[str(node)].add(str(type_))
    nodes: dict[str, NodeInfo] = {}
    for iri, its_types in types.items():
        kind = _kind_of(its_types)
        if kind is not None:
            subtype = next((SUBTYPES[t] for t in sorted(its_types) if t in SUBTYPES), "")
            nodes[iri] = NodeInfo(iri, kind, subtype=subtype)
    _read_labels(store, nodes)
    _read_doubts(store, nodes)
    links: list[Link] = []
    for s, p, o in _select(store, EDGES_QUERY):
        source, target = str(s), str(o)
        relation = _RELATION_OF_PROPERTY.get(str(p))
        if relation and source in nodes and target in nodes and source != target:
            links.append(Link(source, relation, target))
    for person, org_, role, title in _select(store, MEMBERSHIPS_QUERY):
        if str(person) in nodes and str(org_) in nodes:
            attrs = []
            if role is not None:
                attrs.append(("role", str(role)))
            if title is not None:
                attrs.append(("title", str(title)))
            links.append(Link(str(person), "member-of", str(org_), tuple(attrs)))
    links.sort(key=lambda link: (link.source, link.relation, link.target, link.attrs))
    return ResearchNetwork(nodes, _dedupe(links))


def kind_of(types: set[str]) -> str | None:
    """The kind of node a resource with these rdf:types is, or None when it is not a node of
    the network (roles, memberships, passages, concept schemes, contact points…)."""
    return _kind_of(types)


def _kind_of(types: set[str]) -> str | None:
    if ORG + "Role" in types:
        return None
    for type_iri, kind in KIND_OF_TYPE.items():
        if type_iri in types:
            return kind
    return None


def _read_labels(store: Store, nodes: dict[str, NodeInfo]) -> None:
    """Fill labels: per language, skos:prefLabel before rdfs:label, foaf:name, dcterms:title."""
    rank = {"prefLabel": 0, "label": 1, "name": 2, "title": 3, "altLabel": 4}
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for node, prop, label in _select(store, LABELS_QUERY):
        iri = str(node)
        if iri not in nodes or not isinstance(label, Literal):
            continue
        local = str(prop).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        key = (iri, label.language or "")
        candidate = (rank.get(local, 9), str(label))
        if key not in best or candidate < best[key]:
            best[key] = candidate
    for (iri, lang), (_, text) in best.items():
        nodes[iri].labels[lang] = " ".join(text.split())


def _read_doubts(store: Store, nodes: dict[str, NodeInfo]) -> None:
    """Fill doubts: per result, its message in French and in English (else English, else any)."""
    messages: dict[tuple[str, str], list[Literal]] = defaultdict(list)
    for node, result, message in _select(store, DOUBTS_QUERY):
        if str(node) in nodes and isinstance(message, Literal):
            messages[(str(node), str(result))].append(message)
    for (iri, _), found in sorted(messages.items()):
        for lang in ("fr", "en"):
            chosen = next(
                (m for wanted in (lang, "en") for m in found if m.language == wanted), found[0]
            )
            nodes[iri].doubts.setdefault(lang, []).append(str(chosen))


def _dedupe(links: list[Link]) -> list[Link]:
    seen: set[Link] = set()
    out = []
    for link in links:
        if link not in seen:
            seen.add(link)
            out.append(link)
    return out


def relation_label(relation: str, lang: str = "fr") -> str:
    """The French or English name of an edge relation."""
    extra = {
        "works-on": ("travaille sur", "works on"),
        "shares": ("thèmes ou séances en commun", "shared themes or sessions"),
    }
    if relation in RELATIONS:
        _, fr, en = RELATIONS[relation]
    else:
        fr, en = extra.get(relation, (relation, relation))
    return en if lang == "en" else fr


def parse_iri(value: str, what: str) -> str:
    """Check that `value` looks like an absolute http(s) IRI."""
    if not value.startswith(("http://", "https://")) or any(c in value for c in ' <>"{}|\\^`'):
        raise UsageError(f"{what} {value!r} is not an absolute http(s) IRI")
    return str(URIRef(value))


def node_iri(value: str, base_iri: str, what: str) -> str:
    """An http(s) IRI from the forms a query's IRI parameter takes: full, prefixed or a path."""
    return parse_iri(str(resolve_iri(value, base_iri, what)), what)


def counts_by_kind(graph: nx.Graph) -> Mapping[str, int]:
    """How many nodes of each kind."""
    return Counter(data.get("kind", "") for _, data in graph.nodes(data=True))
