"""Minted IRIs of the dataset's parts: named graphs and the source texts.

- A named graph `{base}graph/{name}` (listed as a `void:subset` in the build's `void.ttl`)
  answers like any resource: `/graph/{name}` is a 303 to `.html`, `.ttl`, `.nt` or `.jsonld` by
  `Accept`, and each document describes the graph: its VoID facts as the build wrote them
  (`void:triples`), the dataset it is part of, the source documents its triples cite
  (`dcterms:source`), the dumps that keep it by name (`void:dataDump`: N-Quads and TriG), the
  SPARQL endpoint and a CONSTRUCT of its triples there (`rdfs:seeAlso`), plus whatever the data
  says about the graph (a draft's `vg:Unreviewed`). The network view keeps `/graph/`.
- A source document `{base}source/{slug}` whose text the build published (`source-{slug}.txt`
  in build.json, see `villegraph.sources`) also offers that text: `/source/{slug}.txt` sends it
  with the media type build.json records (from `formats.file_media_type`), `/source/{slug}`
  answers 303 to it when `Accept` prefers it (`text/plain`), and every document of the source
  lists it in `Link` as an alternate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from villegraph.dump import KEEPS_GRAPHS
from villegraph.formats import JSONLD, negotiate
from villegraph.namespaces import prefixes_for
from villegraph.store import Store
from villegraph.web import conventions
from villegraph.web.dumps import build_info
from villegraph.web.i18n import chosen_language
from villegraph.web.pages import (
    DOCUMENT_SUFFIXES,
    DOCUMENT_VARY,
    SAFE_PATH,
    SUFFIX_BY_TYPE,
    Description,
    Linker,
    Term,
    compact_document,
    document_graph,
    not_found,
    pick_label,
    render,
    resource,
)
from villegraph.web.sparql import FORMAT_BY_TYPE

Q_SOURCES = (
    "SELECT DISTINCT ?g ?doc WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/source> ?doc } }"
    " ORDER BY ?doc"
)
SOURCE_PREFIX = "source-"


def _void(dist_dir: Path) -> Graph:
    built = Path(dist_dir) / "void.ttl"
    return Graph().parse(built, format="turtle") if built.is_file() else Graph()


def describe_graph(store: Store, dist_dir: Path, base_iri: str, name: str) -> Graph | None:
    """The description of the named graph `{base}graph/{name}`, or None if the build has none."""
    void = _void(dist_dir)
    graph_iri = URIRef(base_iri + "graph/" + name)
    dataset = URIRef(base_iri + "dataset")
    if (dataset, VOID.subset, graph_iri) not in void:
        return None
    found = Graph()
    for prefix, namespace in prefixes_for(base_iri).items():
        found.bind(prefix, namespace)
    found.add((dataset, VOID.subset, graph_iri))
    found.add((graph_iri, DCTERMS.isPartOf, dataset))
    for p, o in void.predicate_objects(graph_iri):
        found.add((graph_iri, p, o))
    found.add((graph_iri, RDFS.label, Literal(f"graphe nommé « {name} »", lang="fr")))
    found.add((graph_iri, RDFS.label, Literal(f"named graph “{name}”", lang="en")))
    for dump in sorted(KEEPS_GRAPHS):
        found.add((graph_iri, VOID.dataDump, URIRef(f"{base_iri}dumps/{dump}")))
    endpoint = base_iri + "sparql"
    found.add((graph_iri, VOID.sparqlEndpoint, URIRef(endpoint)))
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    found.add((graph_iri, RDFS.seeAlso, URIRef(endpoint + "?" + urlencode({"query": construct}))))
    for _, document in store.select(Q_SOURCES, {"g": graph_iri}).rows:
        if isinstance(document, URIRef):
            found.add((graph_iri, DCTERMS.source, document))
    for triple in document_graph(store, str(graph_iri), base_iri):
        found.add(triple)
    return found


def _description(graph: Graph, iri: str, linker: Linker, language: str) -> Description:
    """The resource page's model for a graph description held in `graph`."""
    subject = URIRef(iri)

    def term(node: Any) -> Term:
        if isinstance(node, URIRef):
            labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
            text = pick_label(labels, language) or linker.curie(str(node))
            return Term(text, linker.href(str(node)) or _local(str(node), linker), str(node))
        if isinstance(node, Literal):
            datatype = linker.curie(str(node.datatype)) if node.datatype else None
            return Term(str(node), None, None, node.language, datatype)
        return Term(str(node))

    labels = [o for o in graph.objects(subject, RDFS.label) if isinstance(o, Literal)]
    found = Description(iri, pick_label(labels, language) or linker.curie(iri), labels=labels)
    for p, o in sorted(graph.predicate_objects(subject)):
        if p == RDF.type:
            found.types.append(term(o))
        elif p != RDFS.label:
            found.outgoing.append((term(p), term(o)))
    for s, p in sorted(graph.subject_predicates(subject)):
        found.incoming.append((term(s), term(p)))
    return found


def _local(iri: str, linker: Linker) -> str | None:
    """A link on this server for the dataset's own IRIs that are not resource pages."""
    if iri.startswith(linker.base + "dumps/") or iri.startswith(linker.base + "sparql"):
        return "/" + iri[len(linker.base) :]
    if iri == linker.base + "dataset":
        return "/dataset"
    return None


async def named_graph(request: Request) -> Response:
    """`/graph/{name}` (303 by `Accept`) and `/graph/{name}.{html,ttl,nt,jsonld}`."""
    state = request.app.state
    settings = state.settings
    requested = request.path_params["name"]
    suffix = Path(requested).suffix
    name = requested[: -len(suffix)] if suffix in DOCUMENT_SUFFIXES else requested
    if not SAFE_PATH.fullmatch(name):
        return not_found(request, request.url.path)
    path = f"/graph/{name}"
    graph = await anyio.to_thread.run_sync(
        describe_graph, state.store, settings.dist_dir, settings.base_iri, name
    )
    if graph is None:
        return not_found(request, settings.base_iri + "graph/" + name)
    if suffix not in DOCUMENT_SUFFIXES:
        chosen = negotiate(request.headers.get("accept"), list(DOCUMENT_SUFFIXES.values()))
        if chosen is None:
            offered = ", ".join(DOCUMENT_SUFFIXES.values())
            return Response(f"not acceptable; offered: {offered}\n", 406, media_type="text/plain")
        headers = {"Vary": "Accept", **conventions.see_other_headers(path)}
        return RedirectResponse(path + SUFFIX_BY_TYPE[chosen], status_code=303, headers=headers)
    headers = {**conventions.document_headers(path, suffix), "Vary": DOCUMENT_VARY}
    media_type = DOCUMENT_SUFFIXES[suffix]
    if media_type == JSONLD.media_type:
        return Response(
            compact_document(graph, settings.base_iri), media_type=media_type, headers=headers
        )
    if media_type != "text/html":
        body = graph.serialize(format=FORMAT_BY_TYPE[media_type].rdflib, encoding="utf-8")
        return Response(body, media_type=media_type, headers=headers)
    language = chosen_language(request)
    iri = settings.base_iri + "graph/" + name
    found = _description(graph, iri, Linker(settings.base_iri), language)
    page = render(
        "resource.html",
        r=found,
        profile=None,
        lang=language,
        path=path,
        documents=[(s, s.lstrip(".")) for s in DOCUMENT_SUFFIXES if s != ".html"],
        network_href=None,
        canonical=path + ".html",
        jsonld=None,
    )
    page.headers.update(headers)
    return page


def source_text(dist_dir: Path, slug: str) -> tuple[Path, str] | None:
    """The published text of the source `{base}source/{slug}`: its file and media type."""
    files = build_info(dist_dir).get("files", {})
    for name, record in sorted(files.items()):
        stem, dot, extension = name.partition(".")
        if stem == SOURCE_PREFIX + slug and dot and "." not in extension:
            return Path(dist_dir) / name, str(record.get("media_type") or "text/plain")
    return None


async def source(request: Request) -> Response:
    """`/source/{rest}`: the source text, or the 303 to it, else the resource documents."""
    settings = request.app.state.settings
    rest = request.path_params["rest"]
    slug, _, extension = rest.partition(".")
    text = source_text(settings.dist_dir, slug) if SAFE_PATH.fullmatch(slug) else None
    if text is not None and extension and f".{extension}" == text[0].suffix:
        return _text_response(request, slug, *text)
    if text is not None and not extension:
        offered = [*DOCUMENT_SUFFIXES.values(), text[1].split(";")[0]]
        if negotiate(request.headers.get("accept"), offered) == offered[-1]:
            headers = {"Vary": "Accept", **conventions.see_other_headers(f"/source/{slug}")}
            headers["Link"] = _with_text_link(headers["Link"], slug, text)
            location = f"/source/{slug}{text[0].suffix}"
            return RedirectResponse(location, status_code=303, headers=headers)
    request.scope["path_params"] = {"kind": "source", "rest": rest}
    response = await resource(request)
    if text is not None and "link" in response.headers:
        response.headers["Link"] = _with_text_link(response.headers["Link"], slug, text)
    return response


def _with_text_link(links: str, slug: str, text: tuple[Path, str]) -> str:
    """`links` and the source text as an alternate."""
    link = conventions.link_header(
        [(f"/source/{slug}{text[0].suffix}", "alternate", text[1].split(";")[0])]
    )
    return f"{links}, {link}"


def _text_response(request: Request, slug: str, path: Path, media_type: str) -> Response:
    links = conventions.link_header(
        [
            (f"/source/{slug}.html", "canonical", "text/html"),
            (f"/source/{slug}.ttl", "describedby", "text/turtle"),
        ]
    )
    headers = {
        "Link": links,
        "Content-Location": f"/source/{slug}{path.suffix}",
        "Cache-Control": conventions.CACHE_CONTROL,
    }
    return FileResponse(path, media_type=media_type, headers=headers)


__all__ = ["describe_graph", "named_graph", "source", "source_text"]
