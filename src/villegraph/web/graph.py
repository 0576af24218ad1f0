"""The network page: `routes`, mounted by the app at `/graph`.

`GET /graph/` draws the research network of `request.app.state.store`;
`?theme=IRI` narrows it to a theme, `?focus=IRI&depth=N` to an ego network, `?projection=…`
picks a projection, `?lang=fr|en` the labels, `?max_nodes=N` / `?max_edges=N` the caps,
`?overview=N` opens on an overview of communities above N drawn nodes (0 always, 20000 never).
Bad parameters are answered 400, an IRI that is not in the network 404, a failing store 503 —
each with one line of plain text. The page carries the same Content-Security-Policy as a header
and in its `<meta>`. Pages are cached per store directory (one per build), see `cached_render`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from villegraph import network, viz
from villegraph.config import Settings
from villegraph.errors import UsageError
from villegraph.namespaces import DEFAULT_BASE_IRI
from villegraph.store import Store
from villegraph.web.failures import HANDLED, NotFound, plain
from villegraph.web.i18n import chosen_language

MAX_DEPTH = 4
MAX_NODES_LIMIT = 20_000
MAX_EDGES_LIMIT = 100_000


@dataclass(frozen=True)
class GraphRequest:
    """The page's parameters, checked."""

    projection: str = "full"
    theme: str | None = None
    focus: str | None = None
    depth: int = 1
    lang: str = "fr"
    max_nodes: int = 5000
    max_edges: int = 20_000
    overview: int = viz.OVERVIEW_ABOVE


def parse_request(params: dict[str, str], base_iri: str = DEFAULT_BASE_IRI) -> GraphRequest:
    """Check the query parameters; raises UsageError naming the bad one.

    `theme` and `focus` take the forms of a query's IRI parameter: a full IRI, a prefixed name
    (`vgr:theme/smart-city`) or a path relative to the base IRI (`theme/smart-city`).
    """
    unknown = sorted(
        set(params)
        - {"projection", "theme", "focus", "depth", "lang", "max_nodes", "max_edges", "overview"}
    )
    if unknown:
        raise UsageError(f"unknown parameter {unknown[0]!r}")
    projection = params.get("projection", "full")
    if projection not in network.PROJECTIONS:
        raise UsageError(
            f"projection {projection!r}: choose one of {', '.join(network.PROJECTIONS)}"
        )
    lang = params.get("lang", "fr")
    if lang not in ("fr", "en"):
        raise UsageError(f"lang {lang!r}: choose fr or en")
    theme = network.node_iri(params["theme"], base_iri, "theme") if params.get("theme") else None
    focus = network.node_iri(params["focus"], base_iri, "focus") if params.get("focus") else None
    if theme and focus:
        raise UsageError("give theme or focus, not both")
    depth = _int(params.get("depth", "1"), "depth", 0, MAX_DEPTH)
    max_nodes = _int(params.get("max_nodes", "5000"), "max_nodes", 1, MAX_NODES_LIMIT)
    max_edges = _int(params.get("max_edges", "20000"), "max_edges", 0, MAX_EDGES_LIMIT)
    overview = _int(params.get("overview", str(viz.OVERVIEW_ABOVE)), "overview", 0, MAX_NODES_LIMIT)
    return GraphRequest(projection, theme, focus, depth, lang, max_nodes, max_edges, overview)


def _int(raw: str, name: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name} {raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise UsageError(f"{name} {value} is not between {low} and {high}")
    return value


class NotInNetwork(NotFound):
    """The theme or focus IRI is not a node of the projection."""


CACHE_SIZE = 16
_cache: OrderedDict[tuple[object, ...], str] = OrderedDict()
_cache_lock = threading.Lock()


def cached_render(store: Store, settings: Settings, wanted: GraphRequest, path: str) -> str:
    """`render`, remembered per store directory: a new build is a new directory, so a new key.

    Stores without a directory (in memory, remote endpoints) are rendered on every request.
    """
    location = getattr(store, "path", None)
    if location is None:
        return render(store, settings, wanted, path)
    key = (id(store), str(location), settings.base_iri, wanted, path)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    html = render(store, settings, wanted, path)
    with _cache_lock:
        _cache[key] = html
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return html


def render(store: Store, settings: Settings, wanted: GraphRequest, path: str) -> str:
    """The page for one request (blocking: run it in a thread)."""
    research = network.load_network(store)
    try:
        graph = network.view_graph(
            research,
            wanted.projection,
            focus=wanted.focus,
            depth=wanted.depth,
            theme=wanted.theme,
        )
    except UsageError as error:
        raise NotInNetwork(str(error)) from None
    title = "villegraph"
    shown_around = wanted.focus or wanted.theme
    if shown_around:
        title += " — " + research.nodes[shown_around].label(wanted.lang)
    analysis = network.analyse(graph, research)
    options = viz.VizOptions(
        lang=wanted.lang,
        title=title,
        max_nodes=wanted.max_nodes,
        max_edges=wanted.max_edges,
        base_iri=settings.base_iri,
        link_prefix="/",
        graph_path=path,
        focus=wanted.focus,
        overview_above=wanted.overview,
    )
    return viz.page(graph, analysis, options, research)


async def graph_page(request: Request) -> Response:
    """GET /graph/: the network page."""
    params = dict(request.query_params)
    params.setdefault("lang", chosen_language(request))  # the cookie or Accept-Language
    try:
        wanted = parse_request(params, request.app.state.settings.base_iri)
    except UsageError as error:
        return plain(error)
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    try:
        html = await anyio.to_thread.run_sync(
            cached_render, store, settings, wanted, request.url.path
        )
    except HANDLED as error:  # NotInNetwork is a 404 (web/failures.py)
        return plain(error)
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": viz.content_security_policy(),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


routes = [Route("/", graph_page, methods=["GET", "HEAD"], name="graph")]

__all__ = ["GraphRequest", "cached_render", "parse_request", "render", "routes"]
