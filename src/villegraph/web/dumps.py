"""`/dumps/` and `/.well-known/void`: every dump, plain and gzip (the `.gz` copies the build
wrote), sent from disk by Starlette's FileResponse (streamed, with Range) with ETag,
Last-Modified and 304s.

The frozen releases (`villegraph.release`) are served below `/dumps/releases/`: each file of a
release at `/dumps/releases/V/NAME` (and `NAME.gz`) with the same caching headers, the DCAT
catalog of the series at `/dumps/releases/catalog.ttl`; `/dumps/` lists them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
from rdflib import Graph
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse

from villegraph.dumpfiles import gzip_compressor
from villegraph.formats import JSONLD, NQUADS, NTRIPLES, RDFXML, TRIG, TURTLE, negotiate
from villegraph.sources import PREFIX as SOURCE_PREFIX
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
CHANGES = {
    "changes.md": "text/markdown; charset=utf-8",
    "changes.json": "application/json",
}
"""What changed against the previous build (`villegraph.diff`)."""
DOWNLOADS = {**DUMPS, **REPORTS, **CHANGES}
WORDS = {
    "fr": {
        "changes": "Changements depuis la construction précédente",
        "releases": "Versions publiées",
        "releases_intro": "Chaque version est figée : citez-la par son adresse.",
        "version": "version",
        "issued": "publiée le",
        "files": "fichiers",
        "sources": "Textes des sources",
        "sources_intro": "Les annonces d'où viennent les faits, citées par la construction.",
    },
    "en": {
        "changes": "Changes since the previous build",
        "releases": "Releases",
        "releases_intro": "Each release is frozen: cite it by its address.",
        "version": "version",
        "issued": "issued",
        "files": "files",
        "sources": "Source texts",
        "sources_intro": "The announcements the facts come from, as the build cites them.",
    },
}
"""The words of the changes and releases sections, per page language."""


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


def _compressed_stream(path: Path) -> Iterator[bytes]:
    """`path` gzipped chunk by chunk: for builds made before `.gz` copies were written."""
    packer = gzip_compressor()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            yield packer.compress(chunk)
    yield packer.flush()


async def dump_file(request: Request) -> Response:
    """`/dumps/NAME` and `/dumps/NAME.gz`."""
    name = request.path_params["name"]
    plain = name.removesuffix(".gz")
    dist = Path(request.app.state.settings.dist_dir)
    offered = DOWNLOADS if plain in DOWNLOADS else source_files(build_info(dist))
    if plain not in offered:
        return not_found(request, request.url.path)
    return _file_response(request, dist / plain, name, offered[plain])


def source_files(info: dict[str, Any]) -> dict[str, str]:
    """The source texts a build published (`villegraph.sources`), as build.json lists them:
    file name → media type."""
    files = info.get("files", {})
    return {
        name: str(files[name].get("media_type") or "text/plain; charset=utf-8")
        for name in sorted(files)
        if name.startswith(SOURCE_PREFIX)
    }


def _file_response(request: Request, path: Path, name: str, media_type: str) -> Response:
    """`path` (gzipped when `name` ends with .gz) with ETag, Last-Modified and 304s."""
    if not path.is_file():
        return not_found(request, request.url.path)
    gzipped = name.endswith(".gz")
    etag = _etag(path, gzipped)
    mtime = path.stat().st_mtime
    headers = {
        "ETag": etag,
        "Last-Modified": formatdate(mtime, usegmt=True),
        "Cache-Control": "public, max-age=60",
    }
    if _not_modified(request, etag, mtime):
        return Response(status_code=304, headers=headers)
    if not gzipped:
        return FileResponse(path, media_type=media_type, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    written = path.with_name(path.name + ".gz")  # written by the build (dump.write_gzip_copies)
    if written.is_file():
        return FileResponse(written, media_type="application/gzip", headers=headers)
    return StreamingResponse(
        _compressed_stream(path), media_type="application/gzip", headers=headers
    )


def _releases_dir(request: Request) -> Path | None:
    folder = getattr(request.app.state.settings, "releases_dir", None)
    return Path(folder) if folder else None


async def release_file(request: Request) -> Response:
    """`/dumps/releases/catalog.ttl` and `/dumps/releases/V/NAME[.gz]` (a file the release's
    build.json lists)."""
    from villegraph.release import CATALOG_NAME, VERSION

    folder = _releases_dir(request)
    parts = request.path_params["path"].split("/")
    if folder is None:
        return not_found(request, request.url.path)
    if parts == [CATALOG_NAME]:
        return _file_response(request, folder / CATALOG_NAME, CATALOG_NAME, TURTLE.media_type)
    if len(parts) != 2 or not VERSION.match(parts[0]) or ".." in parts[0]:
        return not_found(request, request.url.path)
    version, name = parts
    files = build_info(folder / version).get("files", {})
    plain = name.removesuffix(".gz")
    if plain not in files:
        return not_found(request, request.url.path)
    media_type = str(files[plain].get("media_type") or "application/octet-stream")
    return _file_response(request, folder / version / plain, name, media_type)


def _release_rows(request: Request) -> list[dict[str, Any]]:
    """The releases, newest first: version, issued date, build id and file names."""
    from villegraph.errors import InputError
    from villegraph.release import releases

    folder = _releases_dir(request)
    if folder is None:
        return []
    try:
        record = releases(folder)
    except InputError:
        return []
    rows = []
    for item in reversed(record):
        files = build_info(folder / item.version).get("files", {})
        rows.append(
            {
                "version": item.version,
                "issued": item.issued,
                "date": item.issued[:10],
                "build_id": item.build_id,
                "files": sorted(files),
            }
        )
    return rows


async def dump_index(request: Request) -> Response:
    """`/dumps/`: each dump with its size, media type and digest; the changes; the releases."""
    dist = Path(request.app.state.settings.dist_dir)
    info = build_info(dist)
    lang = chosen_language(request)
    return render(
        "dumps.html",
        lang=lang,
        path="/dumps/",
        dumps=_rows(dist, DUMPS, info),
        reports=_rows(dist, REPORTS, info),
        changes=_rows(dist, CHANGES, info),
        sources=_rows(dist, source_files(info), info),
        releases=_release_rows(request),
        words=WORDS.get(lang, WORDS["en"]),
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
    "CHANGES",
    "DOWNLOADS",
    "DUMPS",
    "REPORTS",
    "build_info",
    "dump_file",
    "dump_index",
    "release_file",
    "source_files",
    "void_graph",
    "well_known_void",
]
