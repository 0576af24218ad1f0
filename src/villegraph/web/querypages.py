"""Query pages: `/query` (YASGUI editor plus a plain form that works without JavaScript) and
`/queries/NAME` (a canned query with a form for its parameters and the result table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from rdflib import Literal, URIRef
from starlette.requests import Request
from starlette.responses import Response

from villegraph.errors import QueryError
from villegraph.lexer import fingerprint
from villegraph.store import SelectResult, Store
from villegraph.web.admission import admitted, client_of
from villegraph.web.capping import capped
from villegraph.web.failures import HANDLED, message_of, plain, status_of
from villegraph.web.pages import (
    Linker,
    Term,
    chosen_language,
    kept_parameters,
    not_found,
    render,
)
from villegraph.web.safety import check_query

EXAMPLE = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?person ?name WHERE {
  ?person a foaf:Person ; foaf:name ?name .
} ORDER BY ?name LIMIT 50"""


def _cells(result: SelectResult, linker: Linker) -> list[list[Term | None]]:
    table = []
    for row in result.rows:
        cells: list[Term | None] = []
        for term in row:
            if term is None:
                cells.append(None)
            elif isinstance(term, URIRef):
                cells.append(Term(linker.curie(str(term)), linker.href(str(term)), str(term)))
            elif isinstance(term, Literal):
                cells.append(Term(str(term), None, None, term.language))
            else:
                cells.append(Term(f"_:{term}"))
        table.append(cells)
    return table


def _run_select(store: Store, query: str, settings: Any) -> SelectResult | bool | str:
    form = check_query(query, set(store.graphs()))
    if form == "SELECT":
        return store.select(query, timeout=settings.timeout, max_rows=settings.max_rows)
    if form == "ASK":
        return store.ask(query, timeout=settings.timeout)
    graph = store.construct(query, timeout=settings.timeout)
    return graph.serialize(format="turtle")


async def query_page(request: Request) -> Response:
    """The query UI; with `?query=` it also shows the answer as an HTML table."""
    state = request.app.state
    language = chosen_language(request)
    query = request.query_params.get("query")
    context: dict[str, Any] = {
        "query": query or EXAMPLE,
        "error": None,
        "table": None,
        "variables": [],
        "boolean": None,
        "graph_text": None,
        "truncated": False,
        "links": [],
    }
    status = 200
    if query:
        try:
            async with admitted(
                state.lanes["open"], client_of(request.scope), fingerprint(query)
            ) as admission:
                deadline = admission.grant.deadline
                limited = state.settings.with_(timeout=min(state.settings.timeout, deadline))
                answer = await anyio.to_thread.run_sync(
                    _run_select, state.open_store, query, limited
                )
        except HANDLED as refused:  # one mapping of errors to statuses (web/failures.py)
            context["error"], status = message_of(refused), status_of(refused)
        else:
            if isinstance(answer, SelectResult):
                context["variables"] = answer.variables
                context["table"] = _cells(answer, Linker(state.settings.base_iri))
                context["truncated"] = answer.truncated
            elif isinstance(answer, bool):
                context["boolean"] = answer
            else:
                context["graph_text"] = answer
            context["links"] = [
                (label, "/sparql?" + urlencode({"query": query, "format": fmt}))
                for label, fmt in (("CSV", "csv"), ("JSON", "json"), ("TSV", "tsv"))
            ]
    return render(
        "query.html", status, lang=language, path="/query", keep=kept_parameters(request), **context
    )


def _catalogue(settings: Any) -> Any:
    from villegraph.queries import Catalogue

    return Catalogue.load(settings.queries_dir, base_iri=settings.base_iri)


CHOICE_ROWS = 1000
"""Rows of choices read at most for a parameter (one more is asked, to know there were more)."""
Q_CHOICES = f"""SELECT ?class ?x ?label WHERE {{
  ?x a ?class
  OPTIONAL {{
    ?x <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://xmlns.com/foaf/0.1/name> ?label
  }}
}} ORDER BY ?label LIMIT {CHOICE_ROWS + 1}"""
CHOICE_CLASSES = {
    "theme": "http://www.w3.org/2004/02/skos/core#Concept",
    "person": "http://xmlns.com/foaf/0.1/Person",
    "org": "http://www.w3.org/ns/org#Organization",
}


@dataclass
class Choices:
    """Values offered for a parameter, and whether they are only the first of more."""

    values: list[tuple[str, str]] = field(default_factory=list)
    cut: bool = False


def _choices(store: Store, param: Any, language: str) -> Choices:
    """Values offered for a parameter: themes, people or organisations, or the page languages."""
    name = param.name
    if getattr(param, "kind", "").startswith("lang"):
        return Choices([("fr", "français"), ("en", "English")])
    if getattr(param, "kind", "iri") != "iri":
        return Choices()
    for key, class_iri in CHOICE_CLASSES.items():
        if key in name:
            seen: dict[str, str] = {}
            cut: list[str] = []
            rows = store.select(Q_CHOICES, {"class": URIRef(class_iri)}).rows
            for _, x, label in capped(rows, CHOICE_ROWS, name, cut):
                if isinstance(label, Literal) and label.language in (None, language):
                    seen[str(x)] = str(label)
                else:
                    seen.setdefault(str(x), str(label) if label is not None else str(x))
            kept = {k: v for k, v in seen.items() if key != "theme" or "/theme/" in k}
            return Choices(sorted(kept.items(), key=lambda kv: kv[1].lower()), bool(cut))
    return Choices()


async def canned_index(request: Request) -> Response:
    """`/queries/`: the canned queries."""
    state = request.app.state
    language = chosen_language(request)
    try:
        catalogue = await anyio.to_thread.run_sync(_catalogue, state.settings)
    except (ImportError, QueryError) as missing:
        return render("error.html", 503, title="Queries", message=str(missing), lang=language)
    queries = [_shown(catalogue[name], language) for name in sorted(_names(catalogue))]
    return render("queries.html", lang=language, path="/queries/", queries=queries)


def _shown(query: Any, language: str) -> dict[str, str]:
    """A query's name, title and description in the page's language where the query file has
    them (`#+ title@fr:`), else in English, with the language of each."""
    title, title_lang = query.title_in(language)
    description, description_lang = query.description_in(language)
    return {
        "name": query.name,
        "title": title,
        "title_lang": title_lang,
        "description": description,
        "description_lang": description_lang,
    }


def _page(name: str, raw: dict[str, str], result: Any, language: str) -> dict[str, Any] | None:
    """Where a paged answer stands: its rows ("rows 1 to 100"), links to the next and previous
    pages (None when the query is not paged)."""
    from villegraph.web.i18n import message

    if getattr(result, "page", None) is None:
        return None
    first, last = result.offset + 1, result.offset + len(result.rows)
    rows = message("page_rows", language).format(first=first, last=last)

    def link(offset: int) -> str:
        return f"/queries/{name}?" + urlencode({**raw, "offset": str(offset)})

    previous = max(0, result.offset - result.page) if result.offset > 0 else None
    return {
        "rows": rows,
        "next": link(result.next_offset) if result.next_offset is not None else None,
        "previous": link(previous) if previous is not None else None,
    }


def _names(catalogue: Any) -> list[str]:
    if hasattr(catalogue, "names"):
        names = catalogue.names
        return list(names() if callable(names) else names)
    return list(catalogue)


def _run_canned(store: Store, query: Any, raw: dict[str, str], settings: Any) -> SelectResult:
    from villegraph.queries import run_canned

    given = {name: value for name, value in raw.items() if value.strip()}
    return run_canned(store, query, given, timeout=settings.timeout, max_rows=settings.max_rows)


async def canned(request: Request) -> Response:
    """`/queries/NAME`: a parameter form, the result table and links to CSV/JSON."""
    state = request.app.state
    language = chosen_language(request)
    name = request.path_params["name"]
    try:
        catalogue = await anyio.to_thread.run_sync(_catalogue, state.settings)
        query = catalogue[name]
    except (KeyError, QueryError):
        return not_found(request, request.url.path)
    params = list(getattr(query, "params", []) or [])
    raw = {p.name: request.query_params.get(p.name, "") for p in params}
    choices = {}
    for p in params:
        choices[p.name] = await anyio.to_thread.run_sync(_choices, state.store, p, language)
    context: dict[str, Any] = {
        "q": query,
        "shown": _shown(query, language),
        "page": None,
        "params": params,
        "raw": raw,
        "choices": choices,
        "table": None,
        "variables": [],
        "error": None,
        "links": [],
        "truncated": False,
    }
    status = 200
    ready = all(raw[p.name].strip() for p in params if getattr(p, "required", True))
    if ready:
        try:
            result = await anyio.to_thread.run_sync(
                _run_canned, state.store, query, raw, state.settings
            )
        except HANDLED as refused:  # a parameter naming no resource is a 404, with suggestions
            context["error"], status = message_of(refused), status_of(refused)
        else:
            context["variables"] = result.variables
            context["table"] = _cells(result, Linker(state.settings.base_iri))
            context["truncated"] = result.truncated
            context["page"] = _page(name, raw, result, language)
            if not result.rows and result.notes:  # an empty answer says why (`#+ empty:`)
                notes = [query.empty_in(language) if n == query.empty else n for n in result.notes]
                context["error"] = " ".join(notes)
            context["links"] = [
                (label, f"/queries/{name}.{fmt}?" + urlencode(raw))
                for label, fmt in (("CSV", "csv"), ("JSON", "json"))
            ]
    return render(
        "canned.html",
        status,
        lang=language,
        path=f"/queries/{name}",
        keep=kept_parameters(request),
        **context,
    )


__all__ = ["EXAMPLE", "canned", "canned_download", "canned_index", "query_page"]


async def canned_download(request: Request) -> Response:
    """`/queries/NAME.csv` and `/queries/NAME.json`: the canned query's result as a file."""
    from villegraph import writers as results
    from villegraph.terms import to_oxigraph

    state = request.app.state
    name, fmt = request.path_params["name"], request.path_params["fmt"]
    media_type = {"csv": results.CSV, "json": results.SPARQL_JSON, "tsv": results.TSV}.get(fmt)
    try:
        catalogue = await anyio.to_thread.run_sync(_catalogue, state.settings)
        query = catalogue[name]
    except (KeyError, QueryError):
        return not_found(request, request.url.path)
    if media_type is None:
        return not_found(request, request.url.path)
    raw = {p.name: request.query_params.get(p.name, "") for p in getattr(query, "params", [])}
    try:
        found = await anyio.to_thread.run_sync(_run_canned, state.store, query, raw, state.settings)
    except HANDLED as refused:
        return plain(refused)
    rows = ([None if t is None else to_oxigraph(t) for t in row] for row in found.rows)
    out = results.select(
        found.variables,
        rows,
        media_type,
        max_rows=state.settings.max_rows,
        max_bytes=state.settings.max_bytes,
    )
    headers = {"X-Villegraph-Truncated": "true"} if out.truncated or found.truncated else {}
    next_offset = getattr(found, "next_offset", None)
    if next_offset is not None:  # a page cut short says so, and where the next one is
        following = f"/queries/{name}.{fmt}?" + urlencode({**raw, "offset": str(next_offset)})
        headers["Link"] = f'<{following}>; rel="next"'
        headers["X-Villegraph-Next-Offset"] = str(next_offset)
        headers["X-Villegraph-Note"] = found.notes[-1]
    return Response(out.body, media_type=media_type, headers=headers)
