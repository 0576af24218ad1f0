"""`/dumps/` (every dump, plain and gzip, with ETag/Last-Modified/304) and `/.well-known/void`."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
from rdflib import Graph
from starlette.requests import Request
from starlette.responses import Response

from villegraph.formats import JSONLD, NQUADS, NTRIPLES, RDFXML, TRIG, TURTLE, negotiate
from villegraph.web.pages import chosen_language, etag_matches, not_found, render
from villegraph.web.sparql import rdf_response

DUMPS = {
    "villegraph.ttl": TURTLE.media_type,
    "villegraph.nt": NTRIPLES.media_type,
    "villegraph.jsonld": JSONLD.media_type,
    "villegraph.trig": TRIG.media_type,
    "villegraph.nq": NQUADS.media_type,
}
"""The dumps offered for download, with their media types."""
REPORTS = {
    "shacl-report.ttl": TURTLE.media_type,
    "shacl-report.txt": "text/plain; charset=utf-8",
}
"""The build's validation report (its doubts), as RDF and as text; the RDF is also the named
graph `{base}graph/quality` of the dumps."""
DOWNLOADS = {**DUMPS, **REPORTS}

_GZIP_CACHE: dict[tuple[str, str], bytes] = {}
_LOCK = threading.Lock()


def build_info(dist_dir: Path) -> dict[str, Any]:
    """The build description (`build.json`), or an empty one."""
    path = Path(dist_dir) / "build.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _etag(path: Path, gzipped: bool) -> str:
    stat = path.stat()
    digest = hashlib.sha256(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    return f'"{digest[:32]}{"-gz" if gzipped else ""}"'


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag_matches(match, etag)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _gzipped(path: Path, etag: str) -> bytes:
    key = (str(path), etag)
    with _LOCK:
        if key not in _GZIP_CACHE:
            _GZIP_CACHE.clear()
            _GZIP_CACHE[key] = gzip.compress(path.read_bytes(), mtime=0)
        return _GZIP_CACHE[key]


async def dump_file(request: Request) -> Response:
    """`/dumps/NAME` and `/dumps/NAME.gz`."""
    name = request.path_params["name"]
    gzipped = name.endswith(".gz")
    plain = name[:-3] if gzipped else name
    if plain not in DOWNLOADS:
        return not_found(request, request.url.path)
    path = Path(request.app.state.settings.dist_dir) / plain
    if not path.is_file():
        return not_found(request, request.url.path)
    etag = _etag(path, gzipped)
    mtime = path.stat().st_mtime
    headers = {
        "ETag": etag,
        "Last-Modified": formatdate(mtime, usegmt=True),
        "Cache-Control": "public, max-age=60",
    }
    if _not_modified(request, etag, mtime):
        return Response(status_code=304, headers=headers)
    if gzipped:
        body = _gzipped(path, etag)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(body, media_type="application/gzip", headers=headers)
    return Response(path.read_bytes(), media_type=DOWNLOADS[plain], headers=headers)


async def dump_index(request: Request) -> Response:
    """`/dumps/`: each dump with its size, media type and digest."""
    dist = Path(request.app.state.settings.dist_dir)
    info = build_info(dist)
    return render(
        "dumps.html",
        lang=chosen_language(request),
        path="/dumps/",
        dumps=_rows(dist, DUMPS, info),
        reports=_rows(dist, REPORTS, info),
        info=info,
    )


def _rows(dist: Path, names: dict[str, str], info: dict[str, Any]) -> list[dict[str, Any]]:
    """The files of `names` present in `dist`, with media type, size and digest."""
    rows = []
    for name, media_type in names.items():
        path = dist / name
        if path.is_file():
            rows.append(
                {
                    "name": name,
                    "media_type": media_type,
                    "bytes": path.stat().st_size,
                    "sha256": info.get("files", {}).get(name, {}).get("sha256", ""),
                }
            )
    return rows


def void_graph(request: Request) -> Graph | None:
    """The VoID + DCAT-AP description the build wrote (`void.ttl`), or None without a build.

    Served as written: one description, the same in the dump folder and here.
    """
    built = Path(request.app.state.settings.dist_dir) / "void.ttl"
    if not built.is_file():
        return None
    return Graph().parse(built, format="turtle")


VOID_OFFER = [TURTLE.media_type, NTRIPLES.media_type, JSONLD.media_type, RDFXML.media_type]


async def well_known_void(request: Request) -> Response:
    """`/.well-known/void`, content-negotiated (Turtle by default)."""
    chosen = negotiate(request.headers.get("accept"), VOID_OFFER)
    if chosen is None:
        return Response(
            "not acceptable; offered: " + ", ".join(VOID_OFFER) + "\n",
            406,
            media_type="text/plain",
            headers={"Vary": "Accept"},
        )
    graph = await anyio.to_thread.run_sync(void_graph, request)
    if graph is None:
        return not_found(request, request.url.path)
    return rdf_response(graph, chosen)


__all__ = [
    "DOWNLOADS",
    "DUMPS",
    "REPORTS",
    "build_info",
    "dump_file",
    "dump_index",
    "void_graph",
    "well_known_void",
]
