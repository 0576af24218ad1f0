"""JSON-LD people can read: the dump and the documents are compact under the published context,
and expand (pyld, offline) to exactly the triples of the N-Triples dump / the Turtle document."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from offline_jsonld import to_graph
from rdflib import Graph
from rdflib.compare import isomorphic

from villegraph.formats import JSONLD
from villegraph.jsonld import CONTEXT_NAME, compact_bytes, context_bytes, context_document
from villegraph.namespaces import DEFAULT_BASE_IRI
from villegraph.resources import CONTEXT_FILE
from villegraph.terms import to_rdflib

BASE = DEFAULT_BASE_IRI


@pytest.fixture(scope="module")
def dump(built_dist: Path) -> dict[str, object]:
    return json.loads((built_dist / "villegraph.jsonld").read_text(encoding="utf-8"))


def test_the_dump_expands_to_the_triples_of_the_ntriples_dump(
    built_dist: Path, dump: dict[str, object]
) -> None:
    expanded = to_graph(dump, BASE)
    ntriples = Graph().parse(built_dist / "villegraph.nt", format="nt")
    assert len(expanded) == len(ntriples) > 4000
    assert isomorphic(expanded, ntriples)


def test_the_dump_is_compact_and_much_smaller(built_dist: Path, dump: dict[str, object]) -> None:
    assert dump["@context"] == BASE + CONTEXT_NAME
    keys = {key for node in dump["@graph"] for key in node}  # type: ignore[attr-defined]
    assert not [k for k in keys if k.startswith(("http://", "https://"))]
    assert {"label", "prefLabel", "worksOn", "wasDerivedFrom"} <= keys
    triples = list(ox.parse(path=str(built_dist / "villegraph.nt"), format=ox.RdfFormat.N_TRIPLES))
    expanded_size = len(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    compact_size = (built_dist / "villegraph.jsonld").stat().st_size
    # the long quotes of the evidence do not shrink; keys, types and IRIs do
    assert compact_size < 0.7 * expanded_size, (compact_size, expanded_size)


def test_labels_are_language_maps_and_links_are_short(dump: dict[str, object]) -> None:
    nodes = {node["@id"]: node for node in dump["@graph"]}  # type: ignore[attr-defined]
    theme = nodes["vgr:theme/smart-city"]
    assert theme["@type"] == "skos:Concept"
    assert set(theme["prefLabel"]) == {"fr", "en"}
    assert isinstance(theme["prefLabel"]["en"], str)
    assert theme["inScheme"] == "vgr:theme/scheme"
    person = nodes["vgr:person/carole-anne-tisserand"]
    assert person["name"] == "Carole-Anne Tisserand"
    assert "foaf:Person" in person["@type"]
    talk = next(n for n in nodes.values() if "Talk" in n.get("@type", []))
    assert talk["presenter"].startswith("vgr:person/")


def test_the_shipped_context_is_the_published_one(built_dist: Path) -> None:
    assert (built_dist / CONTEXT_NAME).read_bytes() == context_bytes(BASE)
    shipped = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert shipped == context_document(BASE)
    other = context_document("https://example.org/vg/")["@context"]
    assert other["vgr"] == "https://example.org/vg/"
    assert other["vg"] == shipped["@context"]["vg"]


def test_values_that_do_not_fit_a_term_keep_their_exact_form() -> None:
    """A term coerces one kind of value; anything else goes under the compact IRI, unchanged."""
    ex = "https://w3id.org/villegraph/thing/x"
    start = ox.NamedNode("https://w3id.org/villegraph/def#startLine")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    agent = ox.NamedNode("https://w3id.org/villegraph/def#agent")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    triples = [
        ox.Triple(ox.NamedNode(ex), start, ox.Literal("7", datatype=ox.NamedNode(xsd + "integer"))),
        ox.Triple(
            ox.NamedNode(ex),
            start,
            ox.Literal("08", datatype=ox.NamedNode(xsd + "positiveInteger")),
        ),
        ox.Triple(ox.NamedNode(ex), label, ox.Literal("sans langue")),
        ox.Triple(ox.NamedNode(ex), label, ox.Literal("deux", language="fr")),
        ox.Triple(ox.NamedNode(ex), label, ox.Literal("1", datatype=ox.NamedNode(xsd + "integer"))),
        ox.Triple(ox.NamedNode(ex), agent, ox.Literal("not a link")),
        ox.Triple(ox.NamedNode(ex), agent, ox.BlankNode("b1")),
    ]
    document = json.loads(compact_bytes(triples, BASE))
    (node,) = document["@graph"]
    assert node["startLine"] == "08"
    assert node["vg:startLine"] == {"@value": "7", "@type": "xsd:integer"}
    assert node["label"] == {"@none": "sans langue", "fr": "deux"}
    assert node["rdfs:label"] == {"@value": "1", "@type": "xsd:integer"}
    assert node["agent"] == "_:b1" and node["vg:agent"] == "not a link"
    expected = Graph()
    for t in triples:
        expected.add(tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)))
    assert isomorphic(to_graph(document, BASE), expected)


def test_a_document_expands_to_the_triples_of_its_turtle(web_server: str) -> None:
    for path in ("/person/ada-test", "/talk/t1"):
        response = httpx.get(web_server + path + ".jsonld")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(JSONLD.media_type)
        document = response.json()
        assert document["@context"] == BASE + CONTEXT_NAME
        turtle = Graph().parse(data=httpx.get(web_server + path + ".ttl").text, format="turtle")
        expanded = to_graph(document, BASE)
        assert len(expanded) == len(turtle) > 0
        assert isomorphic(expanded, turtle)


def test_the_context_is_served_at_its_iri(web_server: str) -> None:
    response = httpx.get(web_server + "/context.jsonld", headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSONLD.media_type
    assert response.content == context_bytes(BASE)
    assert (
        response.headers["access-control-allow-origin"] == "*" or "origin" not in response.headers
    )
