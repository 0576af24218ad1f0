"""JSON-LD expanded with pyld without the network: the published context comes from the package."""

from __future__ import annotations

from typing import Any

from pyld import jsonld
from rdflib import Graph

from villegraph.jsonld import context_document, context_iri


def offline_loader(base_iri: str) -> Any:
    """A pyld document loader that knows only `{base}context.jsonld` and fails for anything else."""

    def load(url: str, options: object = None) -> dict[str, Any]:
        if url != context_iri(base_iri):
            raise jsonld.JsonLdError(
                f"offline: {url}", "jsonld.LoadDocumentError", code="loading document failed"
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": context_document(base_iri),
        }

    return load


def to_graph(document: Any, base_iri: str) -> Graph:
    """The triples of a JSON-LD document, as pyld reads them, in an rdflib graph."""
    options = {"format": "application/n-quads", "documentLoader": offline_loader(base_iri)}
    nquads = jsonld.to_rdf(document, options)
    return Graph().parse(data=nquads, format="nt")
