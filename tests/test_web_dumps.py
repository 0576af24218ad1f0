"""Dumps (plain and gzip, ETag/Last-Modified/304) and the VoID + DCAT description."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, VOID

from villegraph.config import Settings
from villegraph.dump import DUMPS

NAMES = ["villegraph.ttl", "villegraph.nt", "villegraph.jsonld", "villegraph.trig"]


def test_index_lists_every_dump(web_server: str) -> None:
    page = httpx.get(web_server + "/dumps/").text
    for name in NAMES:
        assert f'href="/dumps/{name}"' in page and f'href="/dumps/{name}.gz"' in page


@pytest.mark.parametrize("name", NAMES)
def test_dump_plain_and_gzip(web_server: str, web_settings: Settings, name: str) -> None:
    original = (Path(web_settings.dist_dir) / name).read_bytes()
    plain = httpx.get(f"{web_server}/dumps/{name}")
    packed = httpx.get(f"{web_server}/dumps/{name}.gz")
    assert plain.content == original
    assert gzip.decompress(packed.content) == original
    assert packed.headers["content-type"] == "application/gzip"
    assert plain.headers["etag"] != packed.headers["etag"]


def test_conditional_get(web_server: str) -> None:
    first = httpx.get(web_server + "/dumps/villegraph.ttl")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = httpx.get(web_server + "/dumps/villegraph.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = httpx.get(web_server + "/dumps/villegraph.ttl", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    stale = httpx.get(web_server + "/dumps/villegraph.ttl", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200


def test_unknown_dump_is_404(web_server: str) -> None:
    assert httpx.get(web_server + "/dumps/build.json").status_code == 404
    assert httpx.get(web_server + "/dumps/%2e%2e%2fbuild.json").status_code == 404
    assert httpx.get(web_server + "/dumps/secret.txt").status_code == 404


def test_void_is_the_description_the_build_wrote(web_server: str, web_settings: Settings) -> None:
    response = httpx.get(web_server + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    written = Graph().parse(web_settings.dist_dir / "void.ttl", format="turtle")
    assert isomorphic(graph, written)
    base = "https://w3id.org/villegraph/"
    dataset = next(graph.subjects(VOID.sparqlEndpoint, URIRef(base + "sparql")))
    dumps = {str(d) for d in graph.objects(dataset, VOID.dataDump)}
    assert dumps == {f"{base}dumps/{name}" for name in DUMPS}
    assert set(graph.objects(dataset, DCAT.distribution)) == {URIRef(d) for d in dumps}
    assert graph.value(dataset, VOID.triples) is not None
    sizes = [o for o in graph.objects(None, DCAT.byteSize) if isinstance(o, Literal)]
    assert len(sizes) == len(DUMPS) and all(int(s) > 0 for s in sizes)
    nt = httpx.get(web_server + "/.well-known/void", headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert isomorphic(Graph().parse(data=nt.text, format="nt"), written)


def test_gzip_copies_written_by_the_build_are_sent_as_they_are(
    live_server: str, built_dist: Path
) -> None:
    """The build writes `NAME.gz`; the dumps page sends that file (no compression per request)."""
    import gzip as gz

    response = httpx.get(live_server + "/dumps/villegraph.nt.gz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert response.content == (built_dist / "villegraph.nt.gz").read_bytes()
    assert gz.decompress(response.content) == (built_dist / "villegraph.nt").read_bytes()
    ranged = httpx.get(live_server + "/dumps/villegraph.nt", headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and len(ranged.content) == 10


def test_source_texts_listed_and_served(live_server: str, built_dist: Path) -> None:
    web_server, dist = live_server, built_dist
    texts = sorted(p.name for p in dist.glob("source-*.txt"))
    assert texts, "the build publishes the source text it cites"
    for lang in ("fr", "en"):
        page = httpx.get(f"{web_server}/dumps/?lang={lang}").text
        assert 'id="sources"' in page
        for name in texts:
            assert f'href="/dumps/{name}"' in page
    for name in texts:
        served = httpx.get(f"{web_server}/dumps/{name}")
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("text/plain")
        assert served.content == (dist / name).read_bytes()
        packed = httpx.get(f"{web_server}/dumps/{name}.gz")
        assert gzip.decompress(packed.content) == served.content
    assert httpx.get(f"{web_server}/dumps/source-none.txt").status_code == 404
