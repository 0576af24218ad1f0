"""Fixtures: real villegraph servers (uvicorn on a free loopback port, in a thread).

- `live_server`: the app on `built_dist` (the real build), base URL without trailing slash.
- `web_dist` / `web_server`: a small hand-made build (hostile labels included) that the web tests
  use, so they do not depend on the content of the real data.
- `w3c_server`: the app on the W3C protocol-test dataset (tests/w3c/protocol).
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
import uvicorn

from villegraph.config import Settings
from villegraph.dump import DUMPS, VoidInput, file_record, statistics, write_void

HERE = Path(__file__).resolve().parent
W3C = HERE / "w3c" / "protocol"
W3C_GRAPHS = "http://kasei.us/2009/09/sparql/data/"

SAMPLE_TRIG = """
@prefix vg: <https://w3id.org/villegraph/def#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix g: <https://w3id.org/villegraph/graph/> .
@prefix theme: <https://w3id.org/villegraph/theme/> .
@prefix person: <https://w3id.org/villegraph/person/> .
@prefix vgorg: <https://w3id.org/villegraph/org/> .
@prefix talk: <https://w3id.org/villegraph/talk/> .
@prefix passage: <https://w3id.org/villegraph/source/doc/> .
@prefix derived: <https://w3id.org/villegraph/derived/works-on/> .

g:ontology {
  vg:Talk a owl:Class ; rdfs:label "communication"@fr, "talk"@en ;
    skos:definition "Une communication donnée dans une séance."@fr,
      "A talk given in a session."@en .
  vg:worksOn a owl:ObjectProperty ; rdfs:label "travaille sur"@fr, "works on"@en .
}
g:themes {
  theme:scheme a skos:ConceptScheme .
  theme:smart-city a skos:Concept ; skos:inScheme theme:scheme ;
    skos:prefLabel "ville intelligente"@fr, "smart city"@en .
  theme:participation a skos:Concept ; skos:inScheme theme:scheme ;
    skos:broader theme:smart-city ;
    skos:prefLabel "participation citoyenne"@fr, "citizen participation"@en .
}
g:people {
  person:ada-test a foaf:Person, schema:Person ; foaf:name "Ada Test" ; rdfs:label "Ada Test" ;
    prov:wasDerivedFrom passage:l10 .
  person:evil a foaf:Person ; foaf:name "<script>alert('x')</script> Evil & Co" ;
    org:hasMembership <https://w3id.org/villegraph/membership/evil-lab> .
  <https://w3id.org/villegraph/membership/evil-lab> a org:Membership ;
    org:member person:evil ; org:organization vgorg:lab ;
    vg:printedTitle "<b>chef</b> & <i>co</i>"@fr .
  vgorg:lab a org:Organization ; rdfs:label "Laboratoire d'essai"@fr, "Test lab"@en .
  talk:t1 a vg:Talk ; dcterms:title "Une communication"@fr ; vg:presenter person:ada-test ;
    dcterms:subject theme:participation ; prov:wasDerivedFrom passage:l12 .
  passage:l12 a vg:Passage ; vg:startLine 12 ; vg:endLine 12 ; rdf:value "Une communication" .
  passage:l10 a vg:Passage ; vg:startLine 10 ; vg:endLine 11 ;
    rdf:value "Ada Test, doctorante au laboratoire" .
  <https://w3id.org/villegraph/dataset>
    dcterms:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> .
}
g:derived {
  person:ada-test vg:worksOn theme:participation .
  derived:abc a vg:ThemeAttribution ; vg:agent person:ada-test ;
    vg:theme theme:participation ; vg:evidence talk:t1 .
  person:evil vg:worksOn theme:participation .
  derived:evil a vg:ThemeAttribution ; vg:agent person:evil ; vg:theme theme:participation ;
    vg:evidence <https://w3id.org/villegraph/membership/evil-lab> ;
    vg:evidenceLevel vg:OwnWork ; vg:derivedBy vg:rule-person-role-theme ;
    vg:quote "<script>alert('quote')</script> & co" ; vg:score 1 .
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


class ServerThread:
    """uvicorn serving `app` on a free loopback port, in a daemon thread."""

    def __init__(self, app: object) -> None:
        self.port = free_port()
        from villegraph.web.protocol import uvicorn_options

        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", **uvicorn_options()
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        end = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > end or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def write_dist(dist: Path, trig: str, build_id: str) -> Path:
    """A minimal build folder: every dump of `trig`, plus build.json."""
    dist.mkdir(parents=True, exist_ok=True)
    quads = list(ox.parse(trig.encode("utf-8"), format=ox.RdfFormat.TRIG))
    triples = [q.triple for q in quads]
    ox.serialize(quads, str(dist / "villegraph.nq"), ox.RdfFormat.N_QUADS)
    ox.serialize(quads, str(dist / "villegraph.trig"), ox.RdfFormat.TRIG)
    ox.serialize(triples, str(dist / "villegraph.ttl"), ox.RdfFormat.TURTLE)
    ox.serialize(triples, str(dist / "villegraph.nt"), ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, str(dist / "villegraph.jsonld"), ox.RdfFormat.JSON_LD)
    records = {name: file_record(dist / name, fmt.media_type) for name, fmt in DUMPS.items()}
    graphs: dict[str, int] = {}
    for quad in quads:
        graphs[str(quad.graph_name.value)] = graphs.get(str(quad.graph_name.value), 0) + 1
    write_void(
        dist / "void.ttl",
        VoidInput(
            base_iri="https://w3id.org/villegraph/",
            modified=datetime(2026, 11, 25, 12, tzinfo=UTC),
            triples=len(set(triples)),
            graphs=dict(sorted(graphs.items())),
            classes={},
            sources=[],
            dumps=records,
            stats=statistics(triples),
        ),
    )
    files = {
        p.name: {"bytes": p.stat().st_size, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
        for p in dist.iterdir()
    }
    info = {
        "build_id": build_id,
        "modified": "2026-11-25T12:00:00+00:00",
        "base_iri": "https://w3id.org/villegraph/",
        "triples": len(quads),
        "files": files,
    }
    (dist / "build.json").write_text(json.dumps(info), encoding="utf-8")
    return dist


def _serve(settings: Settings, **options: object) -> Iterator[str]:
    from villegraph.web.app import serve_embedded

    app = serve_embedded(settings, **options)  # type: ignore[arg-type]
    with ServerThread(app) as server:
        yield server.url


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on the small hand-made build, with a 3 s deadline and a 50-row cap."""
    work = tmp_path_factory.mktemp("web")
    write_dist(work / "dist", SAMPLE_TRIG, "sample-1")
    return Settings(dist_dir=work / "dist", store_dir=work / "store", timeout=3.0, max_rows=50)


@pytest.fixture(scope="session")
def web_server(web_settings: Settings) -> Iterator[str]:
    """Base URL of the real server on the small build (two query workers)."""
    yield from _serve(web_settings, workers=2, interval=0.5)


@pytest.fixture(scope="session")
def live_server(settings: Settings, built_dist: Path) -> Iterator[str]:
    """Base URL of the real server on the real build."""
    yield from _serve(settings.with_(dist_dir=built_dist), workers=2)


@pytest.fixture(scope="session")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the server on the W3C protocol-test dataset (data0 is an empty named graph)."""
    work = tmp_path_factory.mktemp("w3c")
    dist = work / "dist"
    dist.mkdir()
    lines = []
    for n in (1, 2, 3):
        for line in (W3C / f"data{n}.nt").read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.append(line.rstrip().removesuffix(".") + f"<{W3C_GRAPHS}data{n}.rdf> .")
    (dist / "villegraph.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (dist / "build.json").write_text(json.dumps({"build_id": "w3c"}), encoding="utf-8")
    settings = Settings(dist_dir=dist, store_dir=work / "store", timeout=5.0)
    from villegraph.store import load_build

    path = load_build(dist, settings.store_dir)
    store = ox.Store(str(path))
    store.add_graph(ox.NamedNode(W3C_GRAPHS + "data0.rdf"))
    store.flush()
    del store
    yield from _serve(settings, workers=1)
