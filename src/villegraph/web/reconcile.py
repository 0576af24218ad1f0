"""`/reconcile`: the W3C Entity Reconciliation Community Group's Reconciliation Service API 0.2,
for OpenRefine and other clients matching spreadsheets of people, labs and themes.

| request | answer |
|---|---|
| `GET /reconcile` | the service manifest |
| `GET /reconcile?queries=…`, `POST /reconcile` (form field `queries`) | a result batch |
| `GET /reconcile/preview?id=…` | an HTML preview of an entity (escaped, no script, no CDN) |
| `GET /reconcile/view?id=…` | 303 to the entity's page on this server |
| `GET /reconcile/suggest/{entity,type,property}?prefix=…[&cursor=N][&type=…]` | suggestions |
| `GET /reconcile?extend=…`, `POST /reconcile` (form field `extend`) | property values |
| `GET /reconcile/properties?type=…[&limit=N]` | the properties of a type (property proposal) |

Entity ids are the part of the IRI after the base (`person/jean-baptiste-chambon`): the manifest's
`identifierSpace` is the base IRI; full IRIs are accepted wherever an id is. Types are the
ontology's class IRIs, properties short ids (see `reconcile_index`). Bounds: at most
`MAX_BATCH` queries a batch (413 beyond), `MAX_LIMIT` candidates a query (a larger `limit` is
lowered, and `X-Villegraph-Limit` says so), `MAX_QUERY` characters of a query string are read,
`MAX_CONSTRAINTS` properties a query, `MAX_EXTEND` ids a data extension. Every JSON answer
carries `Access-Control-Allow-Origin: *` (read-only, no credentials); JSONP (`callback=`) is
refused with a 400: it would run the answer as a script in the caller's page. Errors go through
`web/failures.py` as one line of text.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from villegraph import __version__
from villegraph.namespaces import ONTOLOGY_IRI
from villegraph.web import failures
from villegraph.web.failures import WebError
from villegraph.web.i18n import chosen_language
from villegraph.web.pages import Linker
from villegraph.web.reconcile_index import (
    DEFAULT_TYPES,
    PROPERTIES,
    PROPERTY_BY_ID,
    TYPE_BY_IRI,
    TYPES,
    Constraint,
    Index,
    Property,
    Value,
    index_of,
    rank,
    suggest,
)
from villegraph.web.search import fold

MAX_BATCH = 50
MAX_LIMIT = 25
DEFAULT_LIMIT = 5
MAX_QUERY = 200
MAX_CONSTRAINTS = 10
MAX_EXTEND = 200
MAX_VALUES = 10
MAX_BODY = 1 << 20
SUGGEST_LIMIT = 10
PREVIEW_SIZE = (400, 160)
CORS = {"Access-Control-Allow-Origin": "*"}
STRICTNESS = ("any", "should", "all")


def _json(data: object, headers: dict[str, str] | None = None) -> JSONResponse:
    extra = {**CORS, "Vary": "Accept-Language, Cookie", **(headers or {})}
    return JSONResponse(data, headers=extra)


def _refuse(error: Exception) -> Response:
    response = failures.plain(error)
    response.headers.update(CORS)
    return response


async def _index(request: Request) -> Index:
    state = request.app.state
    return await anyio.to_thread.run_sync(index_of, state.store, state.settings.base_iri)


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def manifest(request: Request) -> dict[str, Any]:
    """The service manifest (Reconciliation Service API 0.2)."""
    root = _root(request)
    language = chosen_language(request)
    service = root + "/reconcile"
    return {
        "versions": ["0.2"],
        "name": "villegraph",
        "identifierSpace": request.app.state.settings.base_iri,
        "schemaSpace": ONTOLOGY_IRI + "#",
        "documentation": root + "/",
        "serviceVersion": __version__,
        "defaultTypes": [_type(TYPE_BY_IRI[iri], language) for iri in DEFAULT_TYPES],
        "view": {"url": service + "/view?id={{id}}"},
        "preview": {
            "url": service + "/preview?id={{id}}",
            "width": PREVIEW_SIZE[0],
            "height": PREVIEW_SIZE[1],
        },
        "suggest": {
            kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/reconcile/properties"}
        },
        "batchSize": MAX_BATCH,
    }


def _type(kind: Any, language: str) -> dict[str, Any]:
    found: dict[str, Any] = {"id": kind.iri, "name": kind.name(language)}
    if kind.broader:
        found["broader"] = [{"id": kind.broader, "name": TYPE_BY_IRI[kind.broader].name(language)}]
    return found


async def reconcile(request: Request) -> Response:
    """`/reconcile`: the manifest, or the answer to a batch of queries (GET or POST form)."""
    try:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update(await _form(request))
        if "callback" in params:
            raise WebError(
                400,
                "JSONP (callback=) is not offered: it would run the answer as a script in the "
                "calling page; this service sends CORS headers instead",
            )
        language = chosen_language(request)
        if "extend" in params:
            ids, wanted = parse_extend(params["extend"])
            index = await _index(request)
            return _json(answer_extend(index, ids, wanted, language))
        if "queries" not in params:
            return _json(manifest(request))
        batch, capped = parse_batch(params["queries"])
        index = await _index(request)
        answer = await anyio.to_thread.run_sync(answer_batch, index, batch, language)
    except (WebError, failures.NotFound) as error:
        return _refuse(error)
    headers = {"X-Villegraph-Limit": f"{MAX_LIMIT} (lowered)" if capped else str(MAX_LIMIT)}
    return _json(answer, headers)


async def _form(request: Request) -> dict[str, str]:
    """The fields of a form-encoded POST body, at most `MAX_BODY` bytes."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise WebError(413, f"request body over {MAX_BODY} bytes")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise WebError(415, "send the queries as an application/x-www-form-urlencoded form")
    from urllib.parse import parse_qsl

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebError(400, "the form is not UTF-8") from None
    return dict(parse_qsl(text, keep_blank_values=True))


Query = tuple[str, str, list[str], bool, list[Constraint], int]
"""(key, query string, types, all types, constraints, limit)."""


def parse_batch(text: str) -> tuple[list[Query], bool]:
    """The queries of a batch, and whether a limit was lowered; WebError(400/413) if malformed."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise WebError(400, f"queries: not JSON: {message}") from None
    if not isinstance(data, dict):
        raise WebError(400, "queries: expected a JSON object of queries by key")
    if len(data) > MAX_BATCH:
        raise WebError(413, f"queries: {len(data)} queries, over the batch size of {MAX_BATCH}")
    capped = False
    queries = []
    for key, item in data.items():
        query, lowered = _parse_query(str(key), item)
        capped = capped or lowered
        queries.append(query)
    return queries, capped


def _bad(key: str, message: str) -> WebError:
    return WebError(400, f"queries: {json.dumps(key, ensure_ascii=False)[:80]}: {message}")


def _parse_query(key: str, item: object) -> tuple[Query, bool]:
    if not isinstance(item, dict):
        raise _bad(key, "expected an object with `query`, `type`, `limit`, `properties`")
    text = item.get("query", "")
    if not isinstance(text, str):
        raise _bad(key, "`query` must be a string")
    types = item.get("type", [])
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise _bad(key, "`type` must be a type id or a list of them")
    unknown = [t for t in types if t not in TYPE_BY_IRI]
    if unknown:
        known = ", ".join(t.iri for t in TYPES)
        raise _bad(key, f"unknown type {unknown[0]!r}; known types: {known}")
    strict = item.get("type_strict", "any")
    if strict not in STRICTNESS:
        raise _bad(key, "`type_strict` must be one of any, should, all")
    limit = item.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 1:
        raise _bad(key, "`limit` must be a positive number")
    constraints = _constraints(key, item.get("properties", []))
    lowered = limit > MAX_LIMIT
    query = (key, text[:MAX_QUERY], types, strict == "all", constraints, int(min(limit, MAX_LIMIT)))
    return query, lowered


def _constraints(key: str, given: object) -> list[Constraint]:
    if not isinstance(given, list):
        raise _bad(key, "`properties` must be a list of {pid, v}")
    if len(given) > MAX_CONSTRAINTS:
        raise _bad(key, f"more than {MAX_CONSTRAINTS} properties")
    found = []
    for item in given:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise _bad(key, "each property must be an object {pid, v}")
        prop = PROPERTY_BY_ID.get(item["pid"])
        if prop is None:
            known = ", ".join(p.id for p in PROPERTIES)
            raise _bad(key, f"unknown property {item['pid']!r}; known properties: {known}")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if len(values) > MAX_VALUES:
            raise _bad(key, f"more than {MAX_VALUES} values for {prop.id!r}")
        found.append(Constraint(prop, tuple(_value_text(key, v) for v in values)))
    return found


def _value_text(key: str, value: object) -> str:
    if isinstance(value, dict):
        if not isinstance(value.get("id"), str):
            raise _bad(key, "an entity value must have a string `id`")
        return value["id"][:MAX_QUERY]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)[:MAX_QUERY]
    raise _bad(key, "a property value must be a string, number, boolean or {id}")


def answer_batch(index: Index, batch: list[Query], language: str) -> dict[str, Any]:
    """The reconciliation result batch for `batch` (blocking: scoring runs in a thread)."""
    results: dict[str, Any] = {}
    for key, text, types, every, constraints, limit in batch:
        candidates = []
        for scored in rank(index, text, types, every, constraints, limit):
            entity = scored.entity
            candidates.append(
                {
                    "id": entity.id,
                    "name": entity.label(language),
                    "description": index.description(entity, language),
                    "score": scored.score,
                    "match": scored.match,
                    "type": [
                        {"id": t, "name": TYPE_BY_IRI[t].name(language)} for t in entity.types
                    ],
                }
            )
        results[key] = {"result": candidates}
    return results


def parse_extend(text: str) -> tuple[list[str], list[Property]]:
    """The ids and properties of a data extension query; WebError(400/413) if malformed."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise WebError(400, f"extend: not JSON: {message}") from None
    if not isinstance(data, dict):
        raise WebError(400, "extend: expected an object with `ids` and `properties`")
    ids, wanted = data.get("ids"), data.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise WebError(400, "extend: `ids` must be a list of entity ids")
    if not isinstance(wanted, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in wanted
    ):
        raise WebError(400, "extend: `properties` must be a list of {id}")
    if len(ids) > MAX_EXTEND:
        raise WebError(413, f"extend: {len(ids)} ids, over the limit of {MAX_EXTEND}")
    if len(wanted) > MAX_CONSTRAINTS:
        raise WebError(413, f"extend: more than {MAX_CONSTRAINTS} properties")
    found = []
    for item in wanted:
        prop = PROPERTY_BY_ID.get(item["id"])
        if prop is None:
            known = ", ".join(p.id for p in PROPERTIES)
            raise WebError(400, f"extend: unknown property {item['id']!r}; known: {known}")
        found.append(prop)
    return ids, found


def answer_extend(
    index: Index, ids: list[str], wanted: list[Property], language: str
) -> dict[str, Any]:
    """The data extension response: each property's values for each id (none for an id or a
    property that does not apply), resources as {id, name}, literals as {str}."""
    meta = []
    for prop in wanted:
        item: dict[str, Any] = {"id": prop.id, "name": prop.name(language)}
        if prop.value_type:
            item["type"] = {
                "id": prop.value_type,
                "name": TYPE_BY_IRI[prop.value_type].name(language),
            }
        meta.append(item)
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for given in ids:
        entity = index.entity(given.strip())
        row = rows[given] = {}
        for prop in wanted:
            values = entity.values.get(prop.id, []) if entity is not None else []
            shown = [_shown(index, value, language) for value in values]
            row[prop.id] = sorted(shown, key=lambda v: (v.get("name", ""), v.get("str", "")))
    return {"meta": meta, "rows": rows}


def _shown(index: Index, value: Value, language: str) -> dict[str, str]:
    if value.iri is None:
        return {"str": value.literal}
    if value.iri.startswith(index.base_iri):
        return {"id": value.iri[len(index.base_iri) :], "name": index.label(value.iri, language)}
    return {"str": value.iri}


async def preview(request: Request) -> Response:
    """`/reconcile/preview?id=`: a small HTML card of the entity, for OpenRefine's iframe."""
    index = await _index(request)
    entity = index.entity(request.query_params.get("id", "").strip())
    if entity is None:
        return _refuse(failures.NotFound(f"no entity {request.query_params.get('id', '')!r}"))
    language = chosen_language(request)
    href = Linker(index.base_iri).href(entity.iri) or "/"
    body = (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(entity.label(language))}</title>"
        "<style>body{font:14px/1.4 sans-serif;margin:8px}h1{font-size:16px;margin:0 0 4px}"
        "p{margin:0 0 4px}small{color:#444}</style></head><body>"
        f'<h1><a href="{escape(href)}.html" target="_blank" rel="noopener">'
        f"{escape(entity.label(language))}</a></h1>"
        f"<p>{escape(index.description(entity, language))}</p>"
        f"<p><small>{escape(entity.iri)}</small></p></body></html>\n"
    )
    return HTMLResponse(
        body,
        headers={
            **CORS,
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "Vary": "Accept-Language, Cookie",
        },
    )


async def view(request: Request) -> Response:
    """`/reconcile/view?id=`: 303 to the entity's IRI on this server (its page by `Accept`)."""
    index = await _index(request)
    entity = index.entity(request.query_params.get("id", "").strip())
    href = Linker(index.base_iri).href(entity.iri) if entity is not None else None
    if entity is None or href is None:
        return _refuse(failures.NotFound(f"no entity {request.query_params.get('id', '')!r}"))
    return RedirectResponse(quote(href), status_code=303, headers=CORS)


def _cursor(request: Request) -> int:
    text = request.query_params.get("cursor", "0")
    if not text.isdigit() or len(text) > 9:
        raise WebError(400, "cursor: expected a number of suggestions to skip")
    return int(text)


async def suggest_entity(request: Request) -> Response:
    """`/reconcile/suggest/entity?prefix=[&type=][&cursor=]`: entities by name prefix."""
    try:
        cursor = _cursor(request)
        types = request.query_params.getlist("type")
        unknown = [t for t in types if t not in TYPE_BY_IRI]
        if unknown:
            raise WebError(400, f"type: unknown type {unknown[0]!r}")
    except WebError as error:
        return _refuse(error)
    index = await _index(request)
    language = chosen_language(request)
    prefix = request.query_params.get("prefix", "")[:MAX_QUERY]
    found = await anyio.to_thread.run_sync(suggest, index, prefix, types, language)
    result = [
        {
            "id": entity.id,
            "name": entity.label(language),
            "description": index.description(entity, language),
            "notable": [{"id": t, "name": TYPE_BY_IRI[t].name(language)} for t in entity.types],
        }
        for entity in found[cursor : cursor + SUGGEST_LIMIT]
    ]
    return _json({"result": result})


def _by_prefix(prefix: str, names: list[tuple[str, list[str]]]) -> list[int]:
    """Positions of the items whose id or a name has a word starting with `prefix` (folded)."""
    wanted = fold(prefix)
    hits = []
    for position, (identifier, texts) in enumerate(names):
        words = [w for text in texts for w in fold(text).replace("-", " ").split()]
        if (
            not wanted
            or identifier == prefix.strip()
            or any(
                fold(text).startswith(wanted) or w.startswith(wanted)
                for text in texts
                for w in words
            )
        ):
            hits.append(position)
    return hits


async def suggest_type(request: Request) -> Response:
    """`/reconcile/suggest/type?prefix=`: the types by name prefix (every type without one)."""
    try:
        cursor = _cursor(request)
    except WebError as error:
        return _refuse(error)
    language = chosen_language(request)
    names = [(t.iri, [t.en, t.fr, t.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]]) for t in TYPES]
    hits = _by_prefix(request.query_params.get("prefix", "")[:MAX_QUERY], names)
    result = [_type(TYPES[i], language) for i in hits][cursor : cursor + SUGGEST_LIMIT]
    return _json({"result": result})


def _property(prop: Any, language: str) -> dict[str, str]:
    return {"id": prop.id, "name": prop.name(language), "description": prop.description}


async def suggest_property(request: Request) -> Response:
    """`/reconcile/suggest/property?prefix=`: the properties by name or id prefix."""
    try:
        cursor = _cursor(request)
    except WebError as error:
        return _refuse(error)
    language = chosen_language(request)
    names = [(p.id, [p.id, p.en, p.fr]) for p in PROPERTIES]
    hits = _by_prefix(request.query_params.get("prefix", "")[:MAX_QUERY], names)
    result = [_property(PROPERTIES[i], language) for i in hits][cursor : cursor + SUGGEST_LIMIT]
    return _json({"result": result})


async def properties(request: Request) -> Response:
    """`/reconcile/properties?type=[&limit=]`: the properties a query of that type may use."""
    kind = request.query_params.get("type", "")
    limit_text = request.query_params.get("limit", str(len(PROPERTIES)))
    if kind not in TYPE_BY_IRI:
        return _refuse(WebError(400, f"type: unknown type {kind[:100]!r}"))
    if not limit_text.isdigit() or len(limit_text) > 9:
        return _refuse(WebError(400, "limit: expected a number"))
    language = chosen_language(request)
    lineage = {kind}
    while TYPE_BY_IRI[kind].broader:
        kind = TYPE_BY_IRI[kind].broader or kind
        lineage.add(kind)
    fitting = [_property(p, language) for p in PROPERTIES if lineage & set(p.types)]
    answer = {
        "type": request.query_params["type"],
        "limit": int(limit_text),
        "properties": fitting[: int(limit_text)],
    }
    return _json(answer)


__all__ = [
    "MAX_BATCH",
    "MAX_LIMIT",
    "answer_batch",
    "answer_extend",
    "manifest",
    "parse_batch",
    "parse_extend",
    "preview",
    "properties",
    "reconcile",
    "suggest_entity",
    "suggest_property",
    "suggest_type",
    "view",
]
