"""The Starlette application: routes, CORS, error pages, and the build watcher.

`create_app(settings, store)` serves any `Store`; `serve_embedded(settings)` (used by
`villegraph serve`) builds the on-disk store from the last build, serves it through worker
processes, and swaps in each new build as it appears in `dist/`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from villegraph.config import Settings
from villegraph.errors import StoreError
from villegraph.store import Store, build_id_of, load_build, remove_old_stores
from villegraph.web import (
    browse,
    context,
    conventions,
    dumps,
    failures,
    graph,
    minted,
    pages,
    programme,
    querypages,
    reconcile,
    search,
)
from villegraph.web.admission import AdmissionControl, Lane, limits_for
from villegraph.web.engine import PooledStore
from villegraph.web.i18n import LanguageCookie
from villegraph.web.sparql import sparql_endpoint

LOG = logging.getLogger("villegraph.web")
STATIC = Path(__file__).parent / "static"
WATCH_INTERVAL = 2.0


class LogUnexpectedErrors:
    """ASGI middleware: an exception no handler expected is logged with its traceback and
    answered with a bare 500, so that a bug never reaches a client as a traceback or a 400."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # deliberate: the last resort for bugs; expected errors never get here
            LOG.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = PlainTextResponse("internal error (logged)\n", status_code=500)
            await response(scope, receive, send)


def routes() -> list[BaseRoute]:
    """Every route of the application."""
    return [
        Route("/", browse.home, name="home"),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/sparql/", sparql_endpoint, methods=["GET", "POST"]),
        Route("/query", querypages.query_page, name="query"),
        Route("/queries/", querypages.canned_index, name="queries"),
        Route("/queries/{name}.{fmt}", querypages.canned_download),
        Route("/queries/{name}", querypages.canned, name="canned"),
        Route("/dumps/", dumps.dump_index, name="dumps"),
        Route("/dumps/{name}", dumps.dump_file),
        Route("/dumps/releases/{path:path}", dumps.release_file),
        Route("/.well-known/void", dumps.well_known_void, name="void"),
        Route("/context.jsonld", context.jsonld_context, name="jsonld-context"),
        Route("/def", browse.ontology, name="ontology"),
        Route("/themes", browse.themes, name="themes"),
        Route("/people", browse.listing, name="people"),
        Route("/organisations", browse.listing, name="organisations"),
        Route("/programme", programme.programme_page, name="programme"),
        Route("/search", search.search_page, name="search"),
        Route("/search.json", search.search_json, name="search-json"),
        Route("/reconcile", reconcile.reconcile, methods=["GET", "POST"], name="reconcile"),
        Route("/reconcile/preview", reconcile.preview),
        Route("/reconcile/view", reconcile.view),
        Route("/reconcile/suggest/entity", reconcile.suggest_entity),
        Route("/reconcile/suggest/type", reconcile.suggest_type),
        Route("/reconcile/suggest/property", reconcile.suggest_property),
        Route("/reconcile/properties", reconcile.properties),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/robots.txt", conventions.robots, name="robots"),
        Route("/sitemap.xml", conventions.sitemap, name="sitemap"),
        Route("/dataset", conventions.dataset, name="dataset"),
        # The network view keeps `/graph/`; any other `/graph/{name}` is a named graph's IRI.
        Mount(
            "/graph",
            routes=[*graph.routes, Route("/{name}", minted.named_graph)],
            name="graph",
        ),
        Route("/source/{rest:path}", minted.source),
        Route("/{kind}/{rest:path}", pages.resource, name="resource"),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    """404 → the not-found page; other HTTP errors (e.g. 405) → one line of text."""
    if not isinstance(exc, HTTPException):
        raise exc
    if exc.status_code == 404:
        return pages.not_found(request, request.url.path)
    return Response(
        f"{exc.detail}\n",
        exc.status_code,
        media_type="text/plain",
        headers=getattr(exc, "headers", None),
    )


def create_app(settings: Settings, store: Store, *, lifespan=None) -> Starlette:
    """The web application serving `store`, with admission control on its two lanes."""
    lanes = {name: Lane(name, limits) for name, limits in limits_for(settings).items()}
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(LogUnexpectedErrors),
            Middleware(LanguageCookie),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["*"],
                expose_headers=[
                    "X-Villegraph-Truncated",
                    "X-Villegraph-Rows",
                    "X-Villegraph-Cache",
                    "Retry-After",
                    "ETag",
                ],
                max_age=3600,
            ),
            Middleware(AdmissionControl, lanes=lanes),
        ],
        exception_handlers={
            HTTPException: _http_error,
            **{kind: failures.exception_handler for kind in failures.HANDLED},
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.open_store = store.in_lane("open") if isinstance(store, PooledStore) else store
    app.state.lanes = lanes
    return app


async def watch_builds(settings: Settings, store: PooledStore, interval: float) -> None:
    """Poll `dist/build.json`; load each new build into its own store directory and swap."""
    current = store.path.name
    while True:
        await asyncio.sleep(interval)
        try:
            build_id = build_id_of(settings.dist_dir)
        except StoreError:
            continue
        if build_id == current:
            continue
        try:
            path = await anyio.to_thread.run_sync(load_build, settings.dist_dir, settings.store_dir)
            await anyio.to_thread.run_sync(store.swap, path)
            current = build_id
            LOG.info("now serving build %s", build_id)
        except StoreError:
            LOG.exception("could not load build %s; still serving %s", build_id, current)


def serve_embedded(
    settings: Settings, *, workers: int | None = None, interval: float = WATCH_INTERVAL
):
    """The app over the last build, loaded into `settings.store_dir`, with the build watcher.

    `workers` overrides `settings.workers` (the open lane's general workers).
    """
    settings = settings.with_(workers=workers)
    path = load_build(settings.dist_dir, settings.store_dir)
    for stale in remove_old_stores(settings.store_dir, [path]):
        LOG.info("removed the unused store %s", stale)
    store = PooledStore(
        path,
        workers=settings.workers + settings.reserve_workers,
        site_workers=settings.site_workers,
        timeout=settings.timeout,
        memory_mb=settings.worker_memory_mb or None,
        in_memory_quads=settings.worker_memory_quads,
        nice=settings.worker_nice,
        cache_bytes=settings.cache_bytes,
        cache_entry_bytes=settings.cache_entry_bytes,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(watch_builds(settings, store, interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await anyio.to_thread.run_sync(store.close)

    return create_app(settings, store, lifespan=lifespan)


__all__ = ["create_app", "routes", "serve_embedded", "watch_builds"]
