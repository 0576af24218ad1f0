"""Browsing pages: home, ontology (`/def`), theme tree (`/themes`), people and organisations."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from rdflib import Literal, URIRef
from starlette.requests import Request
from starlette.responses import Response

from villegraph.formats import negotiate
from villegraph.namespaces import ONTOLOGY_IRI, prefixes_for
from villegraph.store import Store
from villegraph.web.capping import capped
from villegraph.web.pages import (
    LABEL_PATH,
    Linker,
    Term,
    chosen_language,
    pick_label,
    render,
)
from villegraph.web.sparql import RDF_OFFER, rdf_response

PREFIX = f"""PREFIX vg: <{ONTOLOGY_IRI}#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
COUNTS = {
    "people": "http://xmlns.com/foaf/0.1/Person",
    "organisations": "http://www.w3.org/ns/org#Organization",
    "sessions": ONTOLOGY_IRI + "#Session",
    "talks": ONTOLOGY_IRI + "#Talk",
}
Q_COUNT = PREFIX + "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class"
Q_COUNT_THEMES = (
    PREFIX + "SELECT ?scheme (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x skos:inScheme ?scheme }"
    " GROUP BY ?scheme"
)
Q_LICENCE = PREFIX + "SELECT ?licence WHERE { ?d dcterms:license ?licence } LIMIT 1"
LIST_ROWS = 5000
"""Rows (a resource and one of its labels) a list page shows; the query asks for one more."""
Q_MEMBERS = (
    PREFIX
    + f"""SELECT ?class ?x ?label WHERE {{ ?x a ?class OPTIONAL {{ ?x {LABEL_PATH} ?label }} }}
LIMIT {LIST_ROWS + 1}"""
)


def _labelled(rows: list[tuple], linker: Linker, language: str) -> list[Term]:
    labels: dict[str, list[Literal]] = defaultdict(list)
    for x, label in rows:
        labels[str(x)]
        if isinstance(label, Literal):
            labels[str(x)].append(label)
    terms = [
        Term(pick_label(found, language) or linker.curie(x), linker.href(x), x)
        for x, found in labels.items()
    ]
    return sorted(terms, key=lambda t: t.text.lower())


def _home_context(store: Store, settings: Any, language: str) -> dict[str, Any]:
    counts = {"triples": store.triple_count()}
    for name, class_iri in COUNTS.items():
        rows = store.select(Q_COUNT, {"class": URIRef(class_iri)}).rows
        counts[name] = int(rows[0][1]) if rows and rows[0][1] is not None else 0
    scheme = URIRef(settings.base_iri + "theme/scheme")
    rows = store.select(Q_COUNT_THEMES, {"scheme": scheme}).rows
    counts["themes"] = int(rows[0][1]) if rows and rows[0][1] is not None else 0
    licence = None
    build = settings.dist_dir / "build.json"
    modified = None
    if build.is_file():
        modified = json.loads(build.read_text(encoding="utf-8")).get("modified")
    rows = store.select(Q_LICENCE).rows
    if rows and rows[0][0] is not None:
        licence = str(rows[0][0])
    return {"counts": counts, "licence": licence, "modified": modified}


async def home(request: Request) -> Response:
    """What the dataset is, its counts, its licence and where to go next."""
    language = chosen_language(request)
    state = request.app.state
    context = await anyio.to_thread.run_sync(_home_context, state.store, state.settings, language)
    return render("home.html", lang=language, path="/", **context)


LISTS = {
    "people": ("http://xmlns.com/foaf/0.1/Person", {"fr": "Personnes", "en": "People"}),
    "organisations": (
        "http://www.w3.org/ns/org#Organization",
        {"fr": "Organisations", "en": "Organisations"},
    ),
}


async def listing(request: Request) -> Response:
    """`/people` and `/organisations`: every member of the class, linked."""
    name = request.url.path.strip("/")
    class_iri, titles = LISTS[name]
    language = chosen_language(request)
    state = request.app.state
    linker = Linker(state.settings.base_iri)
    rows = await anyio.to_thread.run_sync(
        lambda: state.store.select(Q_MEMBERS, {"class": URIRef(class_iri)}).rows
    )
    cut: list[str] = []
    rows = capped(rows, LIST_ROWS, name, cut)
    items = _labelled([row[1:] for row in rows], linker, language)
    return render(
        "list.html", lang=language, path="/" + name, title=titles[language], items=items, cut=cut
    )


Q_ONTOLOGY = (
    PREFIX
    + """SELECT ?term ?kind ?label ?definition ?parent WHERE {
  ?term a ?kind .
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                 owl:SymmetricProperty rdf:Property owl:NamedIndividual }
  FILTER(STRSTARTS(STR(?term), STR(vg:)))
  OPTIONAL { ?term rdfs:label ?label }
  OPTIONAL { ?term skos:definition ?definition }
  OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?parent FILTER(isIRI(?parent)) }
}"""
)


Q_ONTOLOGY_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
VARY = {"Vary": "Accept"}


KIND_OF_TYPE: defaultdict[str, str] = defaultdict(
    lambda: "property", {"Class": "class", "NamedIndividual": "individual"}
)
"""The section of `/def` a term's type puts it in: classes, properties, individuals."""


@dataclass
class OntologyTerm:
    iri: str
    anchor: str
    kind: str
    labels: list[Literal] = field(default_factory=list)
    definitions: list[Literal] = field(default_factory=list)
    parents: set[str] = field(default_factory=set)


def _ontology(store: Store) -> list[OntologyTerm]:
    terms: dict[str, OntologyTerm] = {}
    query = Q_ONTOLOGY.replace(
        "PREFIX vg:", "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX vg:"
    )
    for row in store.select(query).dicts():
        iri = str(row["term"])
        kind = KIND_OF_TYPE[str(row["kind"]).rpartition("#")[2]]
        term = terms.setdefault(iri, OntologyTerm(iri, iri.rpartition("#")[2], kind))
        if kind != "individual":
            term.kind = kind  # a term typed both ways is listed with its class or property
        for key, bucket in (("label", term.labels), ("definition", term.definitions)):
            found = row.get(key)
            if isinstance(found, Literal) and found not in bucket:
                bucket.append(found)
        if "parent" in row:
            term.parents.add(str(row["parent"]))
    return sorted(terms.values(), key=lambda t: (t.kind, t.anchor.lower()))


async def ontology(request: Request) -> Response:
    """`/def`: the classes and properties of the villegraph ontology."""
    state = request.app.state
    chosen = negotiate(request.headers.get("accept"), ["text/html", *RDF_OFFER])
    if chosen is None:
        return Response("not acceptable\n", 406, media_type="text/plain", headers=VARY)
    if chosen != "text/html":
        graph_iri = URIRef(state.settings.base_iri + "graph/ontology")
        graph = await anyio.to_thread.run_sync(
            lambda: state.store.construct(Q_ONTOLOGY_GRAPH, {"g": graph_iri})
        )
        for prefix, namespace in prefixes_for(state.settings.base_iri).items():
            graph.bind(prefix, namespace)
        return rdf_response(graph, chosen)
    language = chosen_language(request)
    terms = await anyio.to_thread.run_sync(_ontology, state.store)
    linker = Linker(state.settings.base_iri)
    return render(
        "ontology.html",
        lang=language,
        path="/def",
        classes=[t for t in terms if t.kind == "class"],
        properties=[t for t in terms if t.kind == "property"],
        individuals=[t for t in terms if t.kind == "individual"],
        pick=pick_label,
        linker=linker,
        ontology_iri=ONTOLOGY_IRI,
    )


Q_THEMES = (
    PREFIX
    + f"""SELECT ?scheme ?t ?label ?broader WHERE {{
  ?t skos:inScheme ?scheme .
  OPTIONAL {{ ?t {LABEL_PATH} ?label }}
  OPTIONAL {{ ?t skos:broader ?broader }}
}}"""
)
Q_THEME_AGENTS = (
    PREFIX
    + f"""SELECT ?t ?x ?label ?kind WHERE {{
  ?x vg:worksOn ?t .
  BIND(IF(EXISTS {{ ?x a foaf:Person }}, "person", "organisation") AS ?kind)
  OPTIONAL {{ ?x {LABEL_PATH} ?label }}
}}"""
)
Q_THEME_TALKS = (
    PREFIX
    + f"""SELECT ?t ?x ?label WHERE {{
  ?x a vg:Talk ; dcterms:subject ?t .
  OPTIONAL {{ ?x {LABEL_PATH} ?label }}
}}"""
)


@dataclass
class ThemeNode:
    term: Term
    children: list[ThemeNode] = field(default_factory=list)
    people: list[Term] = field(default_factory=list)
    organisations: list[Term] = field(default_factory=list)
    talks: list[Term] = field(default_factory=list)


def _theme_tree(store: Store, base_iri: str, language: str) -> list[ThemeNode]:
    linker = Linker(base_iri)
    scheme = {"scheme": URIRef(base_iri + "theme/scheme")}
    labels: dict[str, list[Literal]] = defaultdict(list)
    broader: dict[str, set[str]] = defaultdict(set)
    for row in store.select(Q_THEMES, scheme).dicts():
        theme = str(row["t"])
        labels[theme]
        label = row.get("label")
        if isinstance(label, Literal) and label not in labels[theme]:
            labels[theme].append(label)
        if "broader" in row:
            broader[theme].add(str(row["broader"]))
    direct: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    for query, fixed in ((Q_THEME_AGENTS, None), (Q_THEME_TALKS, "talk")):
        for row in store.select(query).dicts():
            kind = fixed or str(row["kind"])
            found = direct[str(row["t"])][kind].setdefault(str(row["x"]), [])
            if isinstance(row.get("label"), Literal):
                found.append(row["label"])
    children: dict[str, list[str]] = defaultdict(list)
    for theme, parents in broader.items():
        for parent in parents:
            if parent in labels:
                children[parent].append(theme)

    def term(iri: str, found: list[Literal]) -> Term:
        return Term(pick_label(found, language) or linker.curie(iri), linker.href(iri), iri)

    def build(theme: str, seen: frozenset[str]) -> ThemeNode:
        node = ThemeNode(term(theme, labels[theme]))
        kids = [c for c in children.get(theme, []) if c not in seen]
        node.children = sorted(
            (build(c, seen | {c}) for c in kids), key=lambda n: n.term.text.lower()
        )
        rolled: dict[str, dict[str, list]] = defaultdict(dict)
        for kind, members in direct[theme].items():
            rolled[kind].update(members)
        for child in node.children:
            for kind, bucket in (
                ("person", child.people),
                ("organisation", child.organisations),
                ("talk", child.talks),
            ):
                for member in bucket:
                    if member.iri is not None:
                        rolled[kind].setdefault(member.iri, [Literal(member.text)])
        node.people = sorted((term(i, f) for i, f in rolled["person"].items()), key=_text)
        node.organisations = sorted(
            (term(i, f) for i, f in rolled["organisation"].items()), key=_text
        )
        node.talks = sorted((term(i, f) for i, f in rolled["talk"].items()), key=_text)
        return node

    roots = [t for t in labels if not (broader.get(t, set()) & labels.keys())]
    return sorted((build(r, frozenset({r})) for r in roots), key=lambda n: n.term.text.lower())


def _text(term: Term) -> str:
    return term.text.lower()


async def themes(request: Request) -> Response:
    """`/themes`: the theme thesaurus as a tree; each theme lists who and what works on it."""
    language = chosen_language(request)
    state = request.app.state
    tree = await anyio.to_thread.run_sync(
        _theme_tree, state.store, state.settings.base_iri, language
    )
    return render("themes.html", lang=language, path="/themes", tree=tree)


__all__ = ["home", "listing", "ontology", "themes"]
