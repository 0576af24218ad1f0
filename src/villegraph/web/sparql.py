"""The SPARQL 1.1 Protocol endpoint `/sparql` (query operation only; the endpoint is read-only).

GET `?query=`, POST form-encoded and POST `application/sparql-query`; results by `Accept` or by
the `format` parameter; GET without a query answers with a Service Description (or, for a
browser, the query page). Every refusal is a 4xx with a one-line plain-text message; a query
past its deadline is a 504; an unexpected failure is logged and answered with a bare 500.

Answers are kept per build (`villegraph.web.cache`). A request whose answer is kept is answered
at once, without entering the `open` lane: it takes no worker, so it neither waits nor counts
towards its client's limit (it costs what a static file costs). A text the guard has not passed
lately is guarded first (one reading gives the verdict and the cache key); one it passed is
looked up directly. The response is the kept bytes with the same headers, plus
`X-Villegraph-Cache: hit` (`miss` otherwise, `off` for a store without a cache). GET answers
carry a weak `ETag` naming the build and the request, and `Cache-Control`; a GET whose
`If-None-Match` names it is answered 304 without a lookup.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from villegraph import writers as results
from villegraph.errors import QueryTimeout, StoreError
from villegraph.formats import JSONLD, NTRIPLES, RDFXML, TURTLE, negotiate
from villegraph.lexer import fingerprint
from villegraph.namespaces import prefixes_for
from villegraph.store import Store
from villegraph.terms import to_oxigraph
from villegraph.web import urlencoded
from villegraph.web.admission import admitted, client_of
from villegraph.web.cache import Entry, PassedTexts, etag_for
from villegraph.web.engine import PooledStore
from villegraph.web.failures import HANDLED, WebError, plain
from villegraph.web.safety import check_and_fingerprint

LOG = logging.getLogger("villegraph.web")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
MAX_QUERY_BYTES = 1_000_000
"""Largest query text accepted (bytes); more is answered with 413."""

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


class ProtocolError(WebError):
    """A request the protocol refuses, with the status and message to answer."""


@dataclass
class ProtocolRequest:
    """The parts of a SPARQL protocol request that matter here."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """A plain-text error answer; the message is one line."""
    line = " ".join(message.split())[:2000]
    return PlainTextResponse(line + "\n", status_code=status, headers=dict(headers or {}))


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(
            400, f"the request has {len(values)} '{name}' parameters; one is allowed"
        )
    return values[0] if values else None


def _media_type(request: Request) -> tuple[str, str | None]:
    header = request.headers.get("content-type", "")
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_QUERY_BYTES:
        raise ProtocolError(413, f"request body over {MAX_QUERY_BYTES} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_QUERY_BYTES:
            raise ProtocolError(413, f"request body over {MAX_QUERY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset!r} is not supported; send UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request body is not UTF-8: {exc.reason}") from None


def _query_string(request: Request) -> dict[str, list[str]]:
    """The URL's parameters; ProtocolError 400 when they are not UTF-8 (never replaced)."""
    try:
        raw = request.scope.get("query_string", b"").decode("utf-8")
        return urlencoded.parse(raw)
    except UnicodeDecodeError:
        raise ProtocolError(400, "the URL's parameters hold bytes that are not UTF-8") from None


async def parse_request(request: Request) -> ProtocolRequest:
    """Read a protocol request from GET parameters or a POST body; raise ProtocolError."""
    url_params = _query_string(request)
    if request.method == "GET":
        params = url_params
    elif request.method == "POST":
        media_type, charset = _media_type(request)
        body = await _body(request)
        if media_type == FORM:
            try:
                form = urlencoded.parse(_decode(body, charset))
            except UnicodeDecodeError:
                raise ProtocolError(
                    400, "the form holds percent-escapes that are not UTF-8"
                ) from None
            params = {k: url_params.get(k, []) + form.get(k, []) for k in {*url_params, *form}}
        elif media_type == DIRECT:
            if "query" in url_params:
                raise ProtocolError(400, "a direct POST carries the query in its body only")
            params = {**url_params, "query": [_decode(body, charset)]}
        elif media_type == UPDATE:
            raise ProtocolError(403, "SPARQL Update is refused: this endpoint is read-only")
        elif not media_type:
            raise ProtocolError(415, f"POST needs a Content-Type: {FORM} or {DIRECT}")
        else:
            raise ProtocolError(
                415, f"unsupported Content-Type {media_type!r}; use {FORM} or {DIRECT}"
            )
    else:
        raise ProtocolError(405, f"method {request.method} is not allowed; use GET or POST")
    if params.get("update"):
        raise ProtocolError(403, "SPARQL Update is refused: this endpoint is read-only")
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if params.get(name):
            raise ProtocolError(403, f"{name} belongs to SPARQL Update, which is refused here")
    query = _one(params, "query")
    if query is not None and len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise ProtocolError(413, f"query over {MAX_QUERY_BYTES} bytes")
    return ProtocolRequest(
        query=query,
        default_graphs=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
        format=next(iter(params.get("format") or []), None),
    )


def busy_reserve(fast: float) -> Response:
    """503 for a query stopped on a reserve worker: long queries wait for a general one."""
    return error(
        503,
        f"the server is busy with long queries and this one needs more than {fast:g} s: "
        "retry it and it will run on a general worker",
        {"Retry-After": "1"},
    )


def _truncation_headers(answer: Mapping[str, Any]) -> dict[str, str]:
    headers = {"Vary": "Accept", "X-Villegraph-Rows": str(answer.get("rows", 0))}
    if answer.get("truncated"):
        headers["X-Villegraph-Truncated"] = "true"
        headers["Warning"] = '199 villegraph "result truncated at the server\'s row or byte cap"'
    return headers


def _run_generic(
    store: Store,
    form: str,
    parsed: ProtocolRequest,
    accept: str | None,
    settings: Any,
    timeout: float,
) -> dict[str, Any]:
    """Run a protocol query through any Store (e.g. a remote endpoint) and serialise it here."""
    if parsed.default_graphs or parsed.named_graphs:
        raise ProtocolError(400, "default-graph-uri/named-graph-uri need the embedded store")
    kind = {"SELECT": "select", "ASK": "ask"}.get(form, "graph")
    media_type = results.choose(kind, accept, parsed.format)
    if media_type is None:
        return {"status": "not_acceptable", "kind": kind}
    query = parsed.query or ""
    caps = {"max_rows": settings.max_rows, "max_bytes": settings.max_bytes}
    if kind == "select":
        found = store.select(query, timeout=timeout, max_rows=settings.max_rows)
        rows = ([None if t is None else to_oxigraph(t) for t in row] for row in found.rows)
        out = results.select(found.variables, rows, media_type, **caps)
        truncated = out.truncated or found.truncated
    elif kind == "ask":
        out = results.boolean(store.ask(query, timeout=timeout), media_type)
        truncated = False
    else:
        import pyoxigraph as ox

        graph = store.construct(query, timeout=timeout)
        triples = (
            ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
            for s, p, o in graph
        )
        out = results.graph(triples, media_type, **caps)
        truncated = out.truncated
    return {
        "status": "ok",
        "media_type": out.media_type,
        "body": out.body,
        "rows": out.rows,
        "truncated": truncated,
    }


def _worker_request(
    parsed: ProtocolRequest, accept: str | None, settings: Any, base_iri: str | None
) -> dict[str, Any]:
    """A protocol request as a query worker reads it."""
    return {
        "query": parsed.query,
        "accept": accept,
        "format": parsed.format,
        "default_graphs": parsed.default_graphs,
        "named_graphs": parsed.named_graphs,
        "max_rows": settings.max_rows,
        "max_bytes": settings.max_bytes,
        "prefixes": prefixes_for(settings.base_iri),
        "base_iri": base_iri,
    }


PASSED = PassedTexts()
"""Texts the guard passed lately, with their fingerprints (see `PassedTexts`)."""


def _cache_key(
    parsed: ProtocolRequest, query_key: str, accept: str | None, settings: Any, base_iri: str
) -> tuple[Any, ...]:
    """What determines the answer's bytes within a build: the query as the engine reads it,
    the dataset, what chooses the media type (`Accept`, `format`), the caps and the base IRI
    (relative IRIs in the query resolve against it)."""
    return (
        "protocol",
        query_key,
        tuple(parsed.default_graphs),
        tuple(parsed.named_graphs),
        parsed.format or "",
        "" if parsed.format else (accept or ""),
        settings.max_rows,
        settings.max_bytes,
        base_iri,
    )


_ENDPOINT_URLS: dict[tuple[Any, ...], str] = {}
"""The endpoint's URL by scheme, Host and root path (url_for is slow for a hot path)."""


def _endpoint_url(request: Request) -> str:
    """`request.url_for("sparql")`, remembered for the few hosts the server is reached by."""
    scope = request.scope
    where = (scope.get("scheme"), scope.get("server"), scope.get("root_path"))
    known = (*where, request.headers.get("host"))
    url = _ENDPOINT_URLS.get(known)
    if url is None:
        url = str(request.url_for("sparql"))
        if len(_ENDPOINT_URLS) >= 64:  # the Host header is the client's: keep few
            _ENDPOINT_URLS.clear()
        _ENDPOINT_URLS[known] = url
    return url


def _etag_matches(header: str, etag: str) -> bool:
    # imported here: the pages module builds on this one (its documents' matcher is reused)
    from villegraph.web.pages import etag_matches

    return etag_matches(header, etag)


def _answer_response(
    entry: Entry, etag: str | None, cache_control: str | None, status: str
) -> Response:
    """The response for a (kept or fresh) answer, with its validators."""
    media_type = entry.meta["media_type"]
    charset = "" if media_type.endswith("+xml") else "; charset=utf-8"
    headers = {
        "Content-Type": media_type + charset,
        **_truncation_headers(entry.meta),
        "X-Villegraph-Cache": status,
    }
    if etag:
        headers["ETag"] = etag
    if cache_control:
        headers["Cache-Control"] = cache_control
    return Response(entry.body, headers=headers)


def service_description(endpoint: str, store: Store) -> Graph:
    """The SPARQL Service Description of this endpoint."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
    ):
        graph.add((service, SD.resultFormat, FORMATS[fmt]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(store.triple_count())))
    for name in store.graphs():
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, SD.name, URIRef(name)))
    return graph


RDF_OFFER = [TURTLE.media_type, NTRIPLES.media_type, JSONLD.media_type, RDFXML.media_type]
FORMAT_BY_TYPE = {f.media_type: f for f in (TURTLE, NTRIPLES, JSONLD, RDFXML)}


def rdf_response(
    graph: Graph, media_type: str, headers: Mapping[str, str] | None = None
) -> Response:
    """Serialise an rdflib graph as `media_type` (one of RDF_OFFER)."""
    body = graph.serialize(format=FORMAT_BY_TYPE[media_type].rdflib, encoding="utf-8")
    return Response(body, media_type=media_type, headers={"Vary": "Accept", **(headers or {})})


async def sparql_endpoint(request: Request) -> Response:
    """Route handler for `/sparql`."""
    app_state = request.app.state
    store: Store = app_state.open_store
    settings = app_state.settings
    try:
        parsed = await parse_request(request)
        accept = request.headers.get("accept")
        if parsed.query is None:
            if request.method == "POST":
                raise ProtocolError(400, "no 'query' parameter in the request")
            if negotiate(accept, [*RDF_OFFER, "text/html"]) == "text/html":
                # imported here: the query page module itself builds on this one
                from villegraph.web.querypages import query_page

                return await query_page(request)
            chosen = negotiate(accept, RDF_OFFER)
            if chosen is None:
                raise ProtocolError(
                    406, "the service description is offered as " + ", ".join(RDF_OFFER)
                )
            endpoint = str(request.url_for("sparql"))
            graph = await anyio.to_thread.run_sync(service_description, endpoint, store)
            return rdf_response(graph, chosen)
        base_iri = _endpoint_url(request)
        pooled = isinstance(store, PooledStore)
        cache = store.cache if isinstance(store, PooledStore) else None
        is_get = request.method == "GET"
        cache_control = f"public, max-age={settings.cache_max_age}" if is_get else None
        validator = request.headers.get("if-none-match") if is_get else None
        # A text the guard passed lately is known by its fingerprint: its kept answer (one the
        # guard let through, for a text the engine reads as this one) is looked up at once.
        # Any other text is read by the guard in the query worker, before the engine sees it.
        query_key = PASSED.get(parsed.query) if pooled else None
        if cache is not None and query_key is not None:
            cache_key = _cache_key(parsed, query_key, accept, settings, base_iri)
            etag = etag_for(cache.build, cache_key) if is_get else None
            if etag and validator and _etag_matches(validator, etag):
                return _not_modified(etag, cache_control)
            kept = cache.get(cache_key)
            if kept is not None:
                if etag and kept.build != cache.build:
                    etag = etag_for(kept.build, cache_key)
                return _answer_response(kept, etag, cache_control, "hit")
        form = ""
        if not pooled:  # e.g. a remote endpoint: guarded here, its answers serialised here
            form, query_key = await _guarded(store, parsed)
        lane = app_state.lanes["open"]
        async with admitted(lane, client_of(request.scope), query_key) as admission:
            timeout = min(settings.timeout, admission.grant.deadline)
            try:
                if isinstance(store, PooledStore):  # its pipe awaited here, no thread
                    work = _worker_request(parsed, accept, settings, base_iri)
                    answer = await store.protocol_async(work, timeout)
                    admission.query_key = query_key = answer["key"]
                    PASSED.add(parsed.query, query_key)
                else:
                    answer = await anyio.to_thread.run_sync(
                        _run_generic, store, form, parsed, accept, settings, timeout
                    )
            except StoreError as failed:
                if admission.query_key is None:  # the worker could not say: named here, so
                    # that the same text from any client is known (heavy, if it ran long)
                    admission.query_key = fingerprint(parsed.query or "", as_parsed=True)
                    PASSED.add(parsed.query or "", admission.query_key)
                if isinstance(failed, QueryTimeout) and admission.grant.reserve:
                    return busy_reserve(timeout)
                raise
    except HANDLED as refused:  # one mapping of errors to statuses (web/failures.py)
        return plain(refused)
    if answer["status"] == "not_acceptable":
        offered = {"select": results.SELECT_TYPES, "ask": results.ASK_TYPES}.get(
            answer["kind"], results.GRAPH_TYPES
        )
        return error(406, "acceptable result types: " + ", ".join(offered), {"Vary": "Accept"})
    meta = {k: answer.get(k) for k in ("media_type", "rows", "truncated")}
    fresh = Entry(answer["body"], answer.get("build", ""), meta)
    if cache is None or query_key is None:
        return _answer_response(fresh, None, None, "off")
    cache_key = _cache_key(parsed, query_key, accept, settings, base_iri)
    cache.put(cache_key, fresh)
    etag = etag_for(fresh.build, cache_key) if is_get else None
    if etag and validator and _etag_matches(validator, etag):
        return _not_modified(etag, cache_control)
    return _answer_response(fresh, etag, cache_control, "miss")


def _not_modified(etag: str, cache_control: str | None) -> Response:
    headers = {"ETag": etag, "Vary": "Accept", "Cache-Control": cache_control or ""}
    return Response(status_code=304, headers=headers)


async def _guarded(store: Store, parsed: ProtocolRequest) -> tuple[str, str]:
    """The guard's verdict on a request to a store without query workers (raises if refused):
    the query form and the query's fingerprint as the engine reads it. (A query worker guards
    the requests it is given itself: `worker.handle`.)"""
    graphs: Sequence[str] = await anyio.to_thread.run_sync(store.graphs)
    return check_and_fingerprint(
        parsed.query or "",
        set(graphs),
        default_graph_uris=parsed.default_graphs,
        named_graph_uris=parsed.named_graphs,
    )


__all__ = [
    "MAX_QUERY_BYTES",
    "ProtocolError",
    "ProtocolRequest",
    "error",
    "parse_request",
    "rdf_response",
    "service_description",
    "sparql_endpoint",
]
