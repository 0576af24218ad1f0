"""Every minted IRI of the dataset's parts dereferences: the dataset, its class and property
partitions, the named graphs (each described, with content negotiation) and the source
documents and passages (the source text itself downloadable), on the real build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, VOID

from villegraph.load import LoadedDataset
from villegraph.sources import write_sources

BASE = "https://w3id.org/villegraph/"
SOURCE = Path(__file__).resolve().parents[1] / "data" / "sources" / "000_f80f05703dc6102a.txt"
DOCUMENT = BASE + "source/puca-webinaire-seance-5"


def dereference(server: str, iri: str, accept: str = "*/*") -> httpx.Response:
    """GET the IRI's path on the server; a 303 is followed once. Returns the final answer."""
    assert iri.startswith(BASE), iri
    path = "/" + iri[len(BASE) :].split("#")[0]
    first = httpx.get(server + path, headers={"Accept": accept})
    assert first.status_code in (200, 303), f"{iri}: {first.status_code}"
    if first.status_code == 200:
        return first
    second = httpx.get(server + first.headers["location"], headers={"Accept": accept})
    assert second.status_code == 200, f"{iri} → {first.headers['location']}: {second.status_code}"
    return second


def void(server: str) -> Graph:
    text = httpx.get(server + "/.well-known/void", headers={"Accept": "text/turtle"}).text
    return Graph().parse(data=text, format="turtle")


def test_every_minted_iri_of_the_dataset_dereferences(live_server: str) -> None:
    description = void(live_server)
    dataset = URIRef(BASE + "dataset")
    minted = {str(dataset)}
    for p in (VOID.classPartition, VOID.propertyPartition, VOID.subset):
        minted |= {str(o) for o in description.objects(dataset, p)}
    sources = {str(o) for o in description.objects(dataset, URIRef(str(DCTERMS) + "source"))}
    sources |= {
        str(o)
        for o in description.objects(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    }
    assert DOCUMENT in sources
    minted |= sources
    assert len([iri for iri in minted if "#class-" in iri]) > 10
    assert len([iri for iri in minted if "/graph/" in iri]) == 12
    for iri in sorted(minted):
        assert dereference(live_server, iri).status_code == 200


def test_every_source_passage_dereferences(live_server: str, built_dist: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(built_dist / "villegraph.nq"), format=ox.RdfFormat.N_QUADS)
    query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{BASE}source/')) }}"
    iris = [row[0].value for row in store.query(query, use_default_graph_as_union=True)]
    assert len(iris) > 30
    for iri in iris:
        assert dereference(live_server, iri, "text/html").status_code == 200


def test_named_graphs_are_described(live_server: str, built_dist: Path) -> None:
    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(built_dist / "villegraph.nq"), format=ox.RdfFormat.N_QUADS):
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1  # type: ignore[union-attr]
    redirect = httpx.get(live_server + "/graph/people", headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303 and redirect.headers["location"] == "/graph/people.ttl"
    assert "</graph/people.jsonld>" in redirect.headers["link"]
    for name in ("people", "derived", "quality", "ontology"):
        iri = URIRef(BASE + "graph/" + name)
        answer = dereference(live_server, str(iri), "text/turtle")
        assert answer.headers["content-type"].startswith("text/turtle")
        graph = Graph().parse(data=answer.text, format="turtle")
        assert (iri, RDF.type, VOID.Dataset) in graph
        assert (iri, DCTERMS.isPartOf, URIRef(BASE + "dataset")) in graph
        assert int(graph.value(iri, VOID.triples)) == counts[str(iri)]  # type: ignore[arg-type]
        assert (iri, VOID.dataDump, URIRef(BASE + "dumps/villegraph.nq")) in graph
        see_also = str(graph.value(iri, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")))
        construct = httpx.get(
            live_server + "/" + see_also[len(BASE) :], headers={"Accept": "application/n-triples"}
        )
        assert construct.status_code == 200
        assert len([line for line in construct.text.splitlines() if line]) == counts[str(iri)]
    people = Graph().parse(
        data=dereference(live_server, BASE + "graph/people", "text/turtle").text, format="turtle"
    )
    assert (URIRef(BASE + "graph/people"), DCTERMS.source, URIRef(DOCUMENT)) in people
    page = dereference(live_server, BASE + "graph/people", "text/html")
    assert "text/html" in page.headers["content-type"] and "61" in page.text
    jsonld = dereference(live_server, BASE + "graph/people", "application/ld+json")
    assert json.loads(jsonld.text)
    assert httpx.get(live_server + "/graph/no-such-graph").status_code == 404
    assert httpx.get(live_server + "/graph/").status_code == 200, "the network view stays"


def test_the_source_text_is_downloadable_at_its_iri(live_server: str, built_dist: Path) -> None:
    text = dereference(live_server, DOCUMENT, "text/plain")
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.content == SOURCE.read_bytes()
    first = httpx.get(
        live_server + "/source/puca-webinaire-seance-5", headers={"Accept": "text/plain"}
    )
    assert first.headers["location"] == "/source/puca-webinaire-seance-5.txt"
    page = httpx.get(live_server + "/source/puca-webinaire-seance-5.html")
    assert (
        '</source/puca-webinaire-seance-5.txt>; rel="alternate"; type="text/plain"'
        in (page.headers["link"])
    )
    browser = httpx.get(
        live_server + "/source/puca-webinaire-seance-5", headers={"Accept": "text/html"}
    )
    assert browser.headers["location"] == "/source/puca-webinaire-seance-5.html"
    record = json.loads((built_dist / "build.json").read_text())["files"][
        "source-puca-webinaire-seance-5.txt"
    ]
    assert record["sha256"] == hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert record["media_type"] == "text/plain; charset=utf-8"
    assert httpx.get(live_server + "/source/nope.txt").status_code == 404
    assert httpx.get(live_server + "/source/..%2Fbuild.json").status_code == 404


def test_write_sources_copies_what_is_found(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "data" / "sources").mkdir(parents=True)
    (root / "data" / "sources" / "a.txt").write_text("Annonce\n", encoding="utf-8")
    (root / "secret.txt").write_text("no\n", encoding="utf-8")
    dataset = LoadedDataset(BASE)
    copy = ox.NamedNode("https://w3id.org/villegraph/def#localCopy")
    graph = ox.NamedNode(BASE + "graph/source")
    for document, path in [
        ("source/a", "data/sources/a.txt"),
        ("source/missing", "data/sources/missing.txt"),
        ("person/not-a-source", "data/sources/a.txt"),
        ("source/escape", "data/sources/../../secret.txt"),
    ]:
        dataset.add([ox.Quad(ox.NamedNode(BASE + document), copy, ox.Literal(path), graph)])
    out = tmp_path / "out"
    out.mkdir()
    records = write_sources(dataset, root, root / "data", out)
    assert sorted(records) == ["source-a.txt"]
    assert (out / "source-a.txt").read_text(encoding="utf-8") == "Annonce\n"
    assert sorted(p.name for p in out.iterdir()) == ["source-a.txt"]
