"""Linked-data pages: every minted IRI dereferences here, as HTML or RDF.

Pattern (303, for slash IRIs): `GET /{kind}/{slug}` answers `303 See Other` to the document
`/{kind}/{slug}.html`, `.ttl`, `.nt` or `.jsonld` chosen by `Accept` (`Vary: Accept`; 406 when
none fits); the documents answer 200 directly. Ontology terms (`vg:` hash IRIs) are described on
`/def`. JSON-LD documents are compacted under the published context (`/context.jsonld`).
Every page reads the graph through the `Store` interface only, so it works on a remote
endpoint too; every value from the data reaches the page through autoescaped templates.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
import jinja2
import pyoxigraph as ox
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from villegraph.formats import JSONLD, NTRIPLES, TURTLE, negotiate
from villegraph.jsonld import compact_bytes
from villegraph.namespaces import ONTOLOGY_IRI, prefixes_for
from villegraph.network import kind_of
from villegraph.store import Store
from villegraph.terms import to_oxigraph
from villegraph.web import conventions
from villegraph.web.capping import capped
from villegraph.web.doubts import doubts
from villegraph.web.i18n import LANGUAGES, chosen_language, message, translator
from villegraph.web.sparql import FORMAT_BY_TYPE

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("villegraph.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
KINDS = (
    "person",
    "org",
    "event",
    "talk",
    "membership",
    "role",
    "place",
    "programme",
    "theme",
    "source",
    "contact",
    "graph",
    "derived",
    "quality",
)
DOCUMENT_SUFFIXES = {
    ".html": "text/html",
    ".ttl": TURTLE.media_type,
    ".nt": NTRIPLES.media_type,
    ".jsonld": JSONLD.media_type,
}
SUFFIX_BY_TYPE = {v: k for k, v in DOCUMENT_SUFFIXES.items()}
SAFE_PATH = re.compile(r"[A-Za-z0-9._~\-]+(/[A-Za-z0-9._~\-]+)*")
"""Paths that can name a minted resource; anything else is a 404 without touching the store."""
LABEL_PATH = (
    "<http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label>"
    "|<http://xmlns.com/foaf/0.1/name>|<http://purl.org/dc/terms/title>"
)


HTML_VARY = "Accept, Accept-Language, Cookie"
"""HTML pages vary by type and by language (`Accept-Language`, the `lang` cookie)."""


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template (autoescaped) into an HTML response; `_` gives the page's words."""
    context.setdefault("keep", "")  # query parameters the language switch keeps
    context.setdefault("lang", "fr")
    context.setdefault("search_query", "")
    context["_"] = translator(context["lang"])
    html = TEMPLATES.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={"Vary": HTML_VARY})


def kept_parameters(request: Request) -> str:
    """The request's query string without `lang`, for the language switch to keep."""
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])


def pick_label(labels: list[Literal], language: str) -> str | None:
    """The label in `language`, else the other page language, else language-less, else any."""
    if not labels:
        return None
    order = [language, *(code for code in LANGUAGES if code != language), None]
    for wanted in order:
        for label in labels:
            if (label.language or None) == wanted:
                return str(label)
    return str(labels[0])


class Linker:
    """Maps IRIs of the graph to this server's paths and to short display names."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri
        self.prefixes = sorted(prefixes_for(base_iri).items(), key=lambda kv: -len(kv[1]))

    def href(self, iri: str) -> str | None:
        if iri.startswith(ONTOLOGY_IRI + "#") or iri == ONTOLOGY_IRI:
            return "/def" + iri[len(ONTOLOGY_IRI) :]
        if iri.startswith(self.base):
            local = iri[len(self.base) :]
            kind, _, rest = local.partition("/")
            if kind in KINDS and SAFE_PATH.fullmatch(rest):
                return "/" + local
        return None

    def curie(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def iri_for_path(self, path: str) -> str:
        return self.base + path.lstrip("/")


@dataclass
class Term:
    """A term ready for a template: text, optional link, and the raw IRI/literal details."""

    text: str
    href: str | None = None
    iri: str | None = None
    language: str | None = None
    datatype: str | None = None


@dataclass
class Description:
    """What a resource page shows."""

    iri: str
    label: str
    labels: list[Literal] = field(default_factory=list)
    types: list[Term] = field(default_factory=list)
    outgoing: list[tuple[Term, Term]] = field(default_factory=list)
    incoming: list[tuple[Term, Term]] = field(default_factory=list)
    evidence: list[dict[str, Term | None]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    translated: bool = False
    """The label shown is villegraph's translation of the printed text (see `is_translation`)."""
    in_network: bool = False
    """The network view has this resource as a node."""
    printed_date: str | None = None
    doubts: list[str] = field(default_factory=list)
    """The build's validation warnings about this resource, in the page language."""
    cut: list[str] = field(default_factory=list)
    """The lists shown shorter than they are (message keys): the page says so."""


OUT_ROWS, IN_ROWS, EVIDENCE_ROWS, PASSAGE_ROWS = 5000, 2000, 1000, 100
"""How many rows each list of a resource page shows; each query asks for one more, to know."""


Q_OUT = f"""SELECT ?s ?p ?o ?label WHERE {{ ?s ?p ?o OPTIONAL {{ ?o {LABEL_PATH} ?label }} }}
LIMIT {OUT_ROWS + 1}"""
Q_IN = f"""SELECT ?s ?x ?p ?label WHERE {{
  ?x ?p ?s
  FILTER NOT EXISTS {{ ?x a <{ONTOLOGY_IRI}#ThemeAttribution> }}
  OPTIONAL {{ ?x {LABEL_PATH} ?label }}
}} LIMIT {IN_ROWS + 1}"""
"""Incoming links; theme attributions are left out, the page lists them as derived facts."""
Q_PLABEL = """SELECT ?s ?p ?label WHERE {
  { SELECT DISTINCT ?s ?p WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } } }
  ?p <http://www.w3.org/2000/01/rdf-schema#label> ?label }"""
Q_EVIDENCE = f"""PREFIX vg: <{ONTOLOGY_IRI}#>
SELECT ?s ?theme ?evidence ?rule ?tlabel ?elabel ?level ?llabel WHERE {{
  ?a vg:agent ?s ; vg:theme ?theme ; vg:evidence ?evidence .
  OPTIONAL {{ ?a vg:derivedBy ?rule }}
  OPTIONAL {{ ?a vg:evidenceLevel ?level OPTIONAL {{ ?level {LABEL_PATH} ?llabel }} }}
  OPTIONAL {{ ?theme {LABEL_PATH} ?tlabel }}
  OPTIONAL {{ ?evidence {LABEL_PATH} ?elabel }}
}} LIMIT {EVIDENCE_ROWS + 1}"""
Q_PASSAGES = f"""PREFIX vg: <{ONTOLOGY_IRI}#>
SELECT ?s ?passage ?text ?start ?end ?path WHERE {{
  ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?passage .
  ?passage <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?text .
  OPTIONAL {{ ?passage vg:startLine ?start }} OPTIONAL {{ ?passage vg:endLine ?end }}
  OPTIONAL {{ ?passage <http://purl.org/dc/terms/isPartOf>/vg:localCopy ?path }}
}} ORDER BY ?start LIMIT {PASSAGE_ROWS + 1}"""
Q_EXISTS = "ASK { { ?s ?p ?o } UNION { ?o ?p ?s } }"
Q_SOURCE_LANGUAGE = """SELECT DISTINCT ?s ?language WHERE {
  ?s <http://purl.org/dc/terms/source>/<http://purl.org/dc/terms/language> ?language
}"""
"""The language of the source documents a resource comes from."""
PRINTED_DATE = ONTOLOGY_IRI + "#printedDate"


def is_translation(labels: list[Literal], language: str, source_languages: set[str]) -> bool:
    """Whether the label shown in `language` is villegraph's translation, not the printed text.

    The data says which language its sources are in (`dcterms:source` → `dcterms:language`);
    a resource from a French source that also has an English label has it as a translation
    (the data files say so, e.g. data/events.ttl). A label that reads the same in both
    languages (a place name) is not marked.
    """
    shown = pick_label(labels, language)
    if shown is None or language in source_languages:
        return False
    printed = {str(label) for label in labels if label.language in source_languages}
    own = [label for label in labels if label.language == language and str(label) == shown]
    return bool(printed) and bool(own) and shown not in printed


def _term(node: Identifier, labels: list[Literal], linker: Linker, language: str) -> Term:
    if isinstance(node, URIRef):
        iri = str(node)
        return Term(pick_label(labels, language) or linker.curie(iri), linker.href(iri), iri)
    if isinstance(node, Literal):
        datatype = linker.curie(str(node.datatype)) if node.datatype else None
        return Term(str(node), None, None, node.language, datatype)
    return Term(f"_:{node}", None, None)


def _grouped(rows: list[tuple], language: str, linker: Linker) -> list[tuple[Any, ...]]:
    """Rows (key..., node, label) with one entry per (key..., node), labels gathered."""
    labels: dict[tuple, list[Literal]] = defaultdict(list)
    for row in rows:
        key = tuple(row[:-1])
        labels.setdefault(key, [])
        if isinstance(row[-1], Literal):
            labels[key].append(row[-1])
    return [(*key, labels[key]) for key in labels]


def describe(store: Store, iri: str, linker: Linker, language: str) -> Description | None:
    """Gather a resource's description, or None when the graph does not mention it."""
    subject = {"s": URIRef(iri)}
    if not store.ask(Q_EXISTS, subject):
        return None
    plabels: dict[str, list[Literal]] = defaultdict(list)
    for _, p, label in store.select(Q_PLABEL, subject).rows:
        if isinstance(label, Literal):
            plabels[str(p)].append(label)

    def prop(p: Identifier) -> Term:
        return _term(p, plabels.get(str(p), []), linker, language)

    found = Description(iri, linker.curie(iri))
    out_rows = [row[1:] for row in store.select(Q_OUT, subject).rows]
    out_rows = capped(out_rows, OUT_ROWS, "properties", found.cut)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    label_props = {str(x) for x in LABEL_PATH.replace("<", "").replace(">", "").split("|")}
    for p, o, labels in _grouped(out_rows, language, linker):
        if str(p) in label_props and isinstance(o, Literal) and o not in found.labels:
            found.labels.append(o)  # a name given as label and title shows once
        if str(p) == rdf_type:
            found.types.append(_term(o, labels, linker, language))
        else:
            found.outgoing.append((prop(p), _term(o, labels, linker, language)))
    in_rows = [row[1:] for row in store.select(Q_IN, subject).rows]
    in_rows = capped(in_rows, IN_ROWS, "incoming", found.cut)
    for x, p, labels in _grouped([(r[0], r[1], r[2]) for r in in_rows], language, linker):
        found.incoming.append((_term(x, labels, linker, language), prop(p)))
    found.label = pick_label(found.labels, language) or linker.curie(iri)
    source_languages = {str(row[1]) for row in store.select(Q_SOURCE_LANGUAGE, subject).rows}
    found.translated = is_translation(found.labels, language, source_languages)
    found.in_network = kind_of({t.iri for t in found.types if t.iri}) is not None
    found.printed_date = next((o.text for p, o in found.outgoing if p.iri == PRINTED_DATE), None)
    found.doubts = doubts(store, language, iri, found.cut).get(iri, [])
    facts: dict[tuple, tuple[list[Literal], list[Literal], list[Literal]]] = {}
    evidence_rows = store.select(Q_EVIDENCE, subject).dicts()
    for row in capped(evidence_rows, EVIDENCE_ROWS, "derived_facts", found.cut):
        key = (row["theme"], row["evidence"], row.get("rule"), row.get("level"))
        buckets = facts.setdefault(key, ([], [], []))
        for name, bucket in zip(("tlabel", "elabel", "llabel"), buckets, strict=True):
            label = row.get(name)
            if isinstance(label, Literal) and label not in bucket:
                bucket.append(label)
    for (theme, evidence, rule, level), (tlabels, elabels, llabels) in facts.items():
        found.evidence.append(
            {
                "theme": _term(theme, tlabels, linker, language),
                "evidence": _term(evidence, elabels, linker, language),
                "rule": _term(rule, [], linker, language) if rule is not None else None,
                "level": _term(level, llabels, linker, language) if level is not None else None,
            }
        )

    def text(term: Term | None) -> str:
        return term.text if term is not None else ""

    found.evidence.sort(
        key=lambda e: (
            (e["level"].iri or "") if e["level"] else "",
            text(e["theme"]),
            text(e["evidence"]),
        )
    )
    passage_rows = store.select(Q_PASSAGES, subject).dicts()
    for row in capped(passage_rows, PASSAGE_ROWS, "source", found.cut):
        found.passages.append(
            {
                "passage": _term(row["passage"], [], linker, language),
                "text": str(row["text"]),
                "start": str(row.get("start", "")),
                "end": str(row.get("end", "")),
                "path": str(row.get("path", "")),
            }
        )
    found.outgoing.sort(key=lambda pair: (pair[0].text, pair[1].text))
    found.incoming.sort(key=lambda pair: (pair[1].text, pair[0].text))
    return found


Q_DOC_OUT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
Q_DOC_IN = "CONSTRUCT { ?x ?p ?s } WHERE { ?x ?p ?s }"
Q_DOC_BNODES = "CONSTRUCT { ?b ?q ?v } WHERE { ?s ?p ?b FILTER(isBlank(?b)) ?b ?q ?v }"


def document_graph(store: Store, iri: str, base_iri: str) -> Graph:
    """The RDF document about `iri`: its outgoing and incoming triples, blank nodes expanded."""
    graph = Graph()
    for prefix, namespace in prefixes_for(base_iri).items():
        graph.bind(prefix, namespace)
    subject = {"s": URIRef(iri)}
    for query in (Q_DOC_OUT, Q_DOC_IN, Q_DOC_BNODES):
        for triple in store.construct(query, subject):
            graph.add(triple)
    return graph


def compact_document(graph: Graph, base_iri: str) -> bytes:
    """The JSON-LD document of `graph` under the published context, triples in sorted order."""
    triples = sorted(graph, key=lambda triple: tuple(term.n3() for term in triple))
    return compact_bytes(
        (
            ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
            for s, p, o in triples
        ),
        base_iri,
    )


def not_found(request: Request, what: str) -> Response:
    """The 404 page (HTML for browsers, one line of text otherwise)."""
    if negotiate(request.headers.get("accept"), ["text/html", "text/plain"]) == "text/html":
        language = chosen_language(request)
        title = message("not_found", language)
        return render("error.html", 404, title=title, message=what, lang=language)
    return Response(f"not found: {what}\n", status_code=404, media_type="text/plain")


async def resource(request: Request) -> Response:
    """`/{kind}/{slug}` (303 to a document) and `/{kind}/{slug}.{html,ttl,nt,jsonld}`."""
    kind = request.path_params["kind"]
    rest = request.path_params["rest"]
    settings = request.app.state.settings
    store: Store = request.app.state.store
    linker = Linker(settings.base_iri)
    suffix = Path(rest).suffix
    if kind not in KINDS or not SAFE_PATH.fullmatch(rest):
        return not_found(request, request.url.path)
    if suffix in DOCUMENT_SUFFIXES:
        slug, media_type = rest[: -len(suffix)], DOCUMENT_SUFFIXES[suffix]
    else:
        slug, media_type = rest, None
    iri = linker.iri_for_path(f"{kind}/{slug}")
    language = chosen_language(request)
    etag = (
        _document_etag(store, rest, language if media_type == "text/html" else "")
        if media_type
        else None
    )
    if etag and etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag, "Vary": DOCUMENT_VARY})
    exists = await anyio.to_thread.run_sync(store.ask, Q_EXISTS, {"s": URIRef(iri)})
    if not exists:
        return not_found(request, iri)
    if media_type is None:
        chosen = negotiate(request.headers.get("accept"), list(DOCUMENT_SUFFIXES.values()))
        if chosen is None:
            offered = ", ".join(DOCUMENT_SUFFIXES.values())
            return Response(
                f"not acceptable; offered: {offered}\n",
                406,
                media_type="text/plain",
                headers={"Vary": "Accept"},
            )
        location = f"/{kind}/{slug}{SUFFIX_BY_TYPE[chosen]}"
        if chosen == "text/html" and request.query_params.get("lang") in LANGUAGES:
            location += "?" + urlencode({"lang": request.query_params["lang"]})
        headers = {"Vary": "Accept", **conventions.see_other_headers(f"/{kind}/{slug}")}
        return RedirectResponse(location, status_code=303, headers=headers)
    validators = {"ETag": etag} if etag else {}
    validators.update(conventions.document_headers(f"/{kind}/{slug}", suffix))
    if media_type != "text/html":
        graph = await anyio.to_thread.run_sync(document_graph, store, iri, settings.base_iri)
        if media_type == JSONLD.media_type:
            body = compact_document(graph, settings.base_iri)
        else:
            body = graph.serialize(format=FORMAT_BY_TYPE[media_type].rdflib, encoding="utf-8")
        return Response(body, media_type=media_type, headers=validators)
    found = await anyio.to_thread.run_sync(describe, store, iri, linker, language)
    if found is None:
        return not_found(request, iri)
    # Imported here: the profiles module builds on this module's Linker and Term.
    from villegraph.web.profiles import profile_of

    types = {t.iri for t in found.types if t.iri}
    profile = await anyio.to_thread.run_sync(
        profile_of, store, settings, linker, iri, types, language
    )
    page = render(
        "resource.html",
        r=found,
        profile=profile,
        lang=language,
        path=f"/{kind}/{slug}",
        documents=[(s, s.lstrip(".")) for s in DOCUMENT_SUFFIXES if s != ".html"],
        network_href="/graph/?focus=" + _quote(iri) if found.in_network else None,
        canonical=f"/{kind}/{slug}.html",
        jsonld=_embedded_jsonld(found, str(request.base_url).rstrip("/") + f"/{kind}/{slug}.html"),
    )
    page.headers.update({**validators, "Vary": DOCUMENT_VARY})
    return page


def _embedded_jsonld(found: Description, page_url: str) -> Markup | None:
    """The page's schema.org JSON-LD, escaped for a `<script>` element, or None."""
    data = conventions.schema_jsonld(found, page_url)
    return conventions.embeddable_json(data) if data is not None else None


DOCUMENT_VARY = HTML_VARY
"""Documents vary by type (the 303) and, for HTML, by language (`Accept-Language`, cookie)."""


def _document_etag(store: Store, path: str, language: str) -> str | None:
    """A weak ETag naming the served build, the document and its language.

    The build's store folder is named by its build id; a store without one (a remote endpoint)
    gets no validator, since its content may change at any time.
    """
    location = getattr(store, "path", None)
    if not location:
        return None
    digest = hashlib.sha256(f"{path}|{language}".encode()).hexdigest()[:16]
    return f'W/"{Path(location).name}-{digest}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match against `etag`, by weak comparison (RFC 9110 asks for it there)."""
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


__all__ = [
    "KINDS",
    "TEMPLATES",
    "Description",
    "Linker",
    "Term",
    "chosen_language",
    "describe",
    "document_graph",
    "etag_matches",
    "is_translation",
    "kept_parameters",
    "not_found",
    "pick_label",
    "render",
    "resource",
]
