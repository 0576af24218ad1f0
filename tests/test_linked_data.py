"""Linked-data conventions on the real build: every ontology term has an anchor on `/def`."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from villegraph.namespaces import ONTOLOGY_IRI

ONTOLOGY = (
    Path(__file__).resolve().parent.parent / "src/villegraph/resources/ontology/villegraph.ttl"
)


def test_every_ontology_term_has_an_anchor_on_def(live_server: str) -> None:
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    terms = {str(s) for s in ontology.subjects(RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI))}
    assert ONTOLOGY_IRI + "#rule-person-talk-theme" in terms
    assert ONTOLOGY_IRI + "#DateToBeAnnounced" in terms
    page = httpx.get(live_server + "/def?lang=en").text
    anchors = set(re.findall(r'<dt id="([^"]+)">', page))
    assert {term.rpartition("#")[2] for term in terms} <= anchors
    assert "Individuals" in page
