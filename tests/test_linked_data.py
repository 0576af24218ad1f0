"""Linked-data and web conventions: anchors on `/def`, document headers, embedded schema.org
JSON-LD, robots.txt and sitemap, and the dataset, partition and named-graph IRIs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import httpx
from offline_jsonld import to_graph
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, VOID

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


BASE = "https://w3id.org/villegraph/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _embedded(page: str) -> Graph:
    blocks = SCRIPT.findall(page)
    assert len(blocks) == 1
    assert "</" not in blocks[0] and "<" not in blocks[0]
    return to_graph(json.loads(blocks[0]), BASE)  # pyld, offline: the context is inline


def test_document_headers(web_server: str) -> None:
    see = httpx.get(web_server + "/person/ada-test", headers={"Accept": "text/turtle"})
    assert see.status_code == 303 and see.headers["location"] == "/person/ada-test.ttl"
    assert (
        '</person/ada-test.jsonld>; rel="describedby"; type="application/ld+json"'
        in (see.headers["link"])
    )
    for suffix, media_type in ((".html", "text/html"), (".ttl", "text/turtle")):
        doc = httpx.get(web_server + "/person/ada-test" + suffix)
        assert doc.status_code == 200 and doc.headers["content-type"].startswith(media_type)
        assert doc.headers["content-location"] == "/person/ada-test" + suffix
        assert doc.headers["cache-control"] == "public, max-age=300"
        link = doc.headers["link"]
        assert '</person/ada-test.nt>; rel="alternate"; type="application/n-triples"' in link
        assert f'</person/ada-test{suffix}>; rel="alternate"' not in link
        assert '</.well-known/void>; rel="describedby"; type="text/turtle"' in link
        assert '</person/ada-test.html>; rel="canonical"' in link
    page = httpx.get(web_server + "/person/ada-test.html").text
    assert '<link rel="canonical" href="/person/ada-test.html">' in page


def test_person_page_embeds_schema_org_json_ld(web_server: str) -> None:
    graph = _embedded(httpx.get(web_server + "/person/ada-test.html").text)
    ada = URIRef(BASE + "person/ada-test")
    schema = "https://schema.org/"
    assert (ada, URIRef(schema + "name"), None) in graph
    assert str(graph.value(ada, URIRef(schema + "name"))) == "Ada Test"
    assert graph.value(ada, RDF.type) == URIRef(schema + "Person")


def test_hostile_names_stay_inside_the_json_ld(web_server: str) -> None:
    page = httpx.get(web_server + "/person/evil.html").text
    graph = _embedded(page)
    name = graph.value(URIRef(BASE + "person/evil"), URIRef("https://schema.org/name"))
    assert str(name) == "<script>alert('x')</script> Evil & Co"
    assert "<script>alert" not in page


def test_talk_event_and_org_pages_embed_json_ld(live_server: str) -> None:
    schema = "https://schema.org/"
    for path, kind in (
        ("/talk/tisserand-participation-smart-territoire", "Event"),
        ("/event/seance-5", "Event"),
        ("/org/csi", "Organization"),
        ("/person/carole-anne-tisserand", "Person"),
    ):
        graph = _embedded(httpx.get(live_server + path + ".html").text)
        node = URIRef(BASE + path.lstrip("/"))
        assert (node, RDF.type, URIRef(schema + kind)) in graph, path
        assert graph.value(node, URIRef(schema + "name")) is not None, path
    talk = _embedded(
        httpx.get(live_server + "/talk/tisserand-participation-smart-territoire.html").text
    )
    performers = set(talk.objects(None, URIRef(schema + "performer")))
    assert URIRef(BASE + "person/carole-anne-tisserand") in performers


def test_robots_and_sitemap(live_server: str) -> None:
    robots = httpx.get(live_server + "/robots.txt")
    assert robots.status_code == 200
    assert f"Sitemap: {live_server}/sitemap.xml" in robots.text
    assert "Disallow: /sparql" in robots.text
    sitemap = httpx.get(live_server + "/sitemap.xml")
    assert sitemap.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(sitemap.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert f"{live_server}/person/carole-anne-tisserand.html" in locations
    assert f"{live_server}/source/puca-webinaire-seance-5/l19.html" in locations
    assert len(locations) == len(set(locations))
    for location in locations[:: max(1, len(locations) // 15)]:
        assert httpx.get(location).status_code == 200, location


def test_minted_dataset_partition_and_graph_iris_dereference(live_server: str) -> None:
    dataset = httpx.get(live_server + "/dataset")
    assert dataset.status_code == 303 and dataset.headers["location"] == "/.well-known/void"
    void = Graph().parse(data=httpx.get(live_server + "/.well-known/void").text, format="turtle")
    partition = URIRef(BASE + "dataset#class-foaf-Person")
    assert (URIRef(BASE + "dataset"), VOID.classPartition, partition) in void
    people = httpx.get(live_server + "/graph/people")
    assert people.status_code == 303 and people.headers["location"] == "/graph/people.html"
    assert (URIRef(BASE + "dataset"), VOID.subset, URIRef(BASE + "graph/people")) in void
    assert httpx.get(live_server + "/graph/no-such-graph").status_code == 404
    network = httpx.get(live_server + "/graph/")
    assert network.status_code == 200 and "text/html" in network.headers["content-type"]
