"""`/context.jsonld`: the JSON-LD context of the dumps and documents, at `{base}context.jsonld`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from villegraph.formats import JSONLD
from villegraph.jsonld import context_bytes


async def jsonld_context(request: Request) -> Response:
    """The published context, with `vgr:` set to the served base IRI; cacheable for a day."""
    body = context_bytes(request.app.state.settings.base_iri)
    return Response(body, media_type=JSONLD.media_type, headers={"Cache-Control": "max-age=86400"})


__all__ = ["jsonld_context"]
