"""Web conventions for the linked-data documents and the site.

- `Link`, `Content-Location` and `Cache-Control` headers for resource documents
  (`document_headers`) and for the 303 from a resource IRI (`see_other_headers`);
- schema.org JSON-LD for person, organisation, event and talk pages (`schema_jsonld`), made safe
  to embed in `<script type="application/ld+json">` (no `<`, `>` or `&` left in it);
- `/robots.txt`, `/sitemap.xml` (every resource page), `/dataset` (303 to the VoID description,
  which also holds the class and property partitions, `{base}dataset#…`). The named graphs and
  the source texts are described in `web/minted.py`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import anyio.to_thread
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from villegraph.store import Store

DOCUMENT_TYPES = {
    ".html": "text/html",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
}
CACHE_CONTROL = "public, max-age=300"
"""Documents change only with a new build; five minutes keeps pages fresh after one."""
VOID_PATH = "/.well-known/void"
SCHEMA = "https://schema.org/"
SCHEMA_TYPES = {
    "http://xmlns.com/foaf/0.1/Person": "Person",
    "https://schema.org/Person": "Person",
    "http://www.w3.org/ns/org#Organization": "Organization",
    "https://w3id.org/villegraph/def#WebinarSeries": "EventSeries",
    "https://w3id.org/villegraph/def#Session": "Event",
    "https://w3id.org/villegraph/def#Talk": "Event",
    "https://schema.org/Event": "Event",
}
"""The data's types → the schema.org type of the embedded JSON-LD (other pages get none)."""
SCHEMA_PROPERTIES = {
    "https://w3id.org/villegraph/def#presenter": "performer",
    "https://w3id.org/villegraph/def#speaker": "performer",
    "http://purl.org/dc/terms/description": "description",
    "http://purl.org/dc/terms/abstract": "abstract",
    "http://xmlns.com/foaf/0.1/homepage": "url",
    "http://www.w3.org/2004/02/skos/core#altLabel": "alternateName",
    "http://www.w3.org/ns/org#subOrganizationOf": "parentOrganization",
}
"""Properties of the data stated with a schema.org name in the embedded JSON-LD."""


def link_header(links: Sequence[tuple[str, str, str | None]]) -> str:
    """A `Link` header value from (target, rel, type) triples (RFC 8288)."""
    parts = []
    for target, rel, media_type in links:
        part = f'<{target}>; rel="{rel}"'
        if media_type:
            part += f'; type="{media_type}"'
        parts.append(part)
    return ", ".join(parts)


def document_headers(path: str, suffix: str) -> dict[str, str]:
    """Headers of the document `path + suffix`: its alternates, the dataset description,
    where it is, and how long it may be cached."""
    links = [(path + s, "alternate", t) for s, t in DOCUMENT_TYPES.items() if s != suffix]
    links.append((path + ".html", "canonical", "text/html"))
    links.append((VOID_PATH, "describedby", "text/turtle"))
    return {
        "Link": link_header(links),
        "Content-Location": path + suffix,
        "Cache-Control": CACHE_CONTROL,
    }


def see_other_headers(path: str) -> dict[str, str]:
    """Headers of the 303 from a resource IRI: every document that describes it."""
    links = [(path + s, "describedby", t) for s, t in DOCUMENT_TYPES.items()]
    return {"Link": link_header(links), "Cache-Control": CACHE_CONTROL}


def embeddable_json(data: object) -> Markup:
    """JSON safe inside a `<script>` element: `<`, `>`, `&` and the JavaScript line separators
    are written as `\\u` escapes, so no `</script>` or `<!--` can appear."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)  # escaped just above: JSON text, never HTML


def schema_jsonld(description: Any, page_url: str) -> dict[str, Any] | None:
    """schema.org JSON-LD for a person, organisation, event or talk `Description`, else None.

    The context is inline (`@vocab` schema.org), so the block reads the same offline."""
    types = sorted({SCHEMA_TYPES[t.iri] for t in description.types if t.iri in SCHEMA_TYPES})
    if not types:
        return None
    if "EventSeries" in types:
        types = ["EventSeries"]
    node: dict[str, Any] = {
        "@context": {"@vocab": SCHEMA},
        "@id": description.iri,
        "@type": types[0] if len(types) == 1 else types,
        "name": description.label,
        "mainEntityOfPage": page_url,
    }
    for prop, value in description.outgoing:
        iri = prop.iri or ""
        key = iri[len(SCHEMA) :] if iri.startswith(SCHEMA) else SCHEMA_PROPERTIES.get(iri)
        if key:
            node[key] = _many(node[key], _value(value)) if key in node else _value(value)
    return node


def _value(term: Any) -> object:
    if term.iri:
        return {"@id": term.iri}
    if term.language:
        return {"@value": term.text, "@language": term.language}
    return term.text


def _many(existing: object, value: object) -> list[object]:
    values = existing if isinstance(existing, list) else [existing]
    return values if value in values else [*values, value]


ROBOTS = """User-agent: *
Disallow: /sparql
Disallow: /query
Disallow: /search
Disallow: /reconcile
Disallow: /graph/?
Allow: /
Sitemap: {root}/sitemap.xml
"""
MAX_SITEMAP_URLS = 50_000
"""The sitemaps protocol's limit for one file."""


async def robots(request: Request) -> Response:
    """`/robots.txt`: crawl the pages, not the query services; where the sitemap is."""
    root = str(request.base_url).rstrip("/")
    return PlainTextResponse(
        ROBOTS.format(root=root), headers={"Cache-Control": "public, max-age=86400"}
    )


Q_RESOURCES = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s"


def resource_paths(store: Store, base_iri: str) -> list[str]:
    """The path of every resource page: each subject minted under the base with a known kind."""
    from villegraph.web.pages import KINDS, SAFE_PATH  # the page module owns the kinds

    paths = []
    for (subject,) in store.select(Q_RESOURCES, max_rows=4 * MAX_SITEMAP_URLS).rows:
        if not str(subject).startswith(base_iri):
            continue
        local = str(subject)[len(base_iri) :]
        kind, _, rest = local.partition("/")
        if kind in KINDS and SAFE_PATH.fullmatch(rest):
            paths.append("/" + local)
    return paths[:MAX_SITEMAP_URLS]


async def sitemap(request: Request) -> Response:
    """`/sitemap.xml`: the HTML page of every resource, on this server."""
    state = request.app.state
    paths = await anyio.to_thread.run_sync(resource_paths, state.store, state.settings.base_iri)
    root = str(request.base_url).rstrip("/")
    entries = "".join(f"<url><loc>{escape(root + path + '.html')}</loc></url>\n" for path in paths)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    return Response(body, media_type="application/xml", headers={"Cache-Control": CACHE_CONTROL})


async def dataset(request: Request) -> Response:
    """`/dataset`, the dataset IRI: 303 to its VoID + DCAT description."""
    return RedirectResponse(VOID_PATH, status_code=303, headers={"Cache-Control": CACHE_CONTROL})


__all__ = [
    "dataset",
    "document_headers",
    "embeddable_json",
    "link_header",
    "resource_paths",
    "robots",
    "schema_jsonld",
    "see_other_headers",
    "sitemap",
]
