"""`villegraph diff` (changes between two builds), the changes each build writes, `villegraph
release` (frozen dumps and their DCAT series) and the releases under `/dumps/`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF

from villegraph.build import build
from villegraph.cli import main
from villegraph.config import Settings
from villegraph.diff import diff_paths, to_markdown
from villegraph.errors import ConfigError
from villegraph.release import release_iri, series_iri

BASE = "https://w3id.org/villegraph/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
"""DCAT 3 terms (rdflib's DCAT lacks dcat:DatasetSeries and dcat:inSeries)."""
PEOPLE_MORE = """
<person/bob> rdfs:label "Bob Test" .
<person/carol> a foaf:Person ; foaf:name "Carol Test" .
"""
EXTRA = (
    '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n_:b1 rdfs:label "a blank node" .\n'
)


def _change(project: Path) -> None:
    """The second build's data: Bob gets a label (his warning goes), Carol comes without one
    (a warning appears), the Institute is renamed, the place of sub/extra.ttl is gone."""
    people = project / "data" / "people.ttl"
    text = people.read_text(encoding="utf-8").replace('"Institute"', '"Institute of Tests"')
    people.write_text(text + PEOPLE_MORE, encoding="utf-8")
    (project / "data" / "sub" / "extra.ttl").write_text(EXTRA, encoding="utf-8")


@pytest.fixture()
def two_builds(pipeline_settings: Settings, tmp_path: Path) -> tuple[Path, Path]:
    """A first build copied aside as `old/`, then a second build of changed data in dist/."""
    assert pipeline_settings.dist_dir is not None
    build(pipeline_settings)
    old = tmp_path / "old"
    shutil.copytree(pipeline_settings.dist_dir.resolve(), old)
    _change(pipeline_settings.root)
    build(pipeline_settings)
    return old, pipeline_settings.dist_dir


def _cli(settings: Settings, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["--root", str(settings.root), *args],
        env={"VILLEGRAPH_DIST_DIR": str(settings.dist_dir), **(env or {})},
    )
    return result.exit_code, result.stdout + result.stderr


def test_diff_lists_entities_with_labels_graph_counts_and_shacl(
    two_builds: tuple[Path, Path],
) -> None:
    old, new = two_builds
    changes = diff_paths(old, new)
    assert [(e.iri, e.label) for e in changes.added] == [(BASE + "person/carol", "Carol Test")]
    assert [(e.iri, e.label) for e in changes.removed] == [(BASE + "place/somewhere", "Somewhere")]
    assert [(e.iri, e.label, len(e.added), len(e.removed)) for e in changes.changed] == [
        (BASE + "org/institute", "Institute of Tests", 1, 1),
        (BASE + "person/bob", "Bob Test", 1, 0),
    ]
    graphs = {g.graph.removeprefix(BASE + "graph/"): g.to_json() for g in changes.graphs}
    assert {k: (g["before"], g["after"], g["added"], g["removed"]) for k, g in graphs.items()} == {
        "derived": (156, 156, 0, 0),
        "events": (17, 17, 0, 0),
        "ontology": (20, 20, 0, 0),
        "people": (20, 23, 4, 1),
        "quality": (9, 9, 7, 7),
        "sub-extra": (4, 1, 0, 3),
        "themes": (24, 24, 0, 0),
    }
    assert (changes.triples_before, changes.triples_after) == (250, 250)
    assert [(r.severity, r.focus, r.focus_label, r.message) for r in changes.appeared] == [
        ("Warning", BASE + "person/carol", "Carol Test", "A person should have a label.")
    ]
    assert [(r.focus, r.focus_label) for r in changes.gone] == [(BASE + "person/bob", "Bob Test")]
    text = to_markdown(changes)
    assert "- entities: 1 added, 1 removed, 2 changed" in text
    assert "- <https://w3id.org/villegraph/person/carol> Carol Test" in text
    assert "| <https://w3id.org/villegraph/graph/people> | 20 | 23 | +4 | −1 |" in text
    assert to_markdown(diff_paths(old, new)) == text  # stable


def test_build_writes_its_changes_beside_the_dumps(
    two_builds: tuple[Path, Path], pipeline_settings: Settings
) -> None:
    old, new = two_builds
    info = json.loads((new / "build.json").read_text(encoding="utf-8"))
    assert info["files"]["changes.md"]["media_type"] == "text/markdown; charset=utf-8"
    assert info["files"]["changes.json"]["media_type"] == "application/json"
    stored = json.loads((new / "changes.json").read_text(encoding="utf-8"))
    assert stored["old"]["build_id"] == json.loads((old / "build.json").read_text())["build_id"]
    assert stored["new"] == {"source": "dist", "build_id": "", "modified": ""}
    computed = diff_paths(old, new).to_json()
    for key in ("entities", "graphs", "shacl", "triples"):
        assert stored[key] == computed[key], key
    assert "Carol Test" in (new / "changes.md").read_text(encoding="utf-8")
    first = json.loads((old / "changes.json").read_text(encoding="utf-8"))
    assert first["first_build"] is True and first["old"] is None
    assert "First build: 250 triples" in (old / "changes.md").read_text(encoding="utf-8")

    code, out = _cli(pipeline_settings, "diff")  # the recorded changes of the current build
    assert code == 0 and "- entities: 1 added, 1 removed, 2 changed" in out
    assert f"- new build: {info['build_id']} ({info['modified']})" in out
    code, out = _cli(pipeline_settings, "diff", str(old), "--format", "json")
    assert code == 0 and json.loads(out)["entities"] == computed["entities"]
    code, out = _cli(
        pipeline_settings, "diff", str(old / "villegraph.nq"), str(new), "--format", "turtle"
    )
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    assert (URIRef(BASE + "person/carol"), None, Literal("Carol Test")) in graph
    code, out = _cli(pipeline_settings, "diff", str(old / "nothing.nq"))
    assert code == 2 and out.startswith("villegraph: error: ") and out.count("\n") == 1


def test_release_freezes_the_dumps_and_describes_the_series(
    two_builds: tuple[Path, Path], pipeline_settings: Settings, tmp_path: Path
) -> None:
    _, dist = two_builds
    env = {"VILLEGRAPH_RELEASES_DIR": str(tmp_path / "rel")}
    code, out = _cli(pipeline_settings, "release", "--version", "1.0.0", env=env)
    assert code == 0, out
    frozen = tmp_path / "rel" / "1.0.0"
    names = sorted(p.name for p in dist.iterdir())
    assert sorted(p.name for p in frozen.iterdir()) == names
    for name in names:
        assert (frozen / name).read_bytes() == (dist / name).read_bytes(), name
    again = _cli(pipeline_settings, "release", "--version", "1.0.0", env=env)
    assert again == (2, f"villegraph: error: release 1.0.0 exists already in {tmp_path / 'rel'}\n")
    assert _cli(pipeline_settings, "release", "--version", "../up", env=env)[0] == 2
    code, out = _cli(pipeline_settings, "release", env=env)  # a date-based version
    assert code == 0, out
    dated = out.split()[1]
    assert len(dated) == 10 and dated.count(".") == 2

    catalog = Graph().parse(
        tmp_path / "rel" / "catalog.ttl", publicID="http://example.org/dumps/releases/catalog.ttl"
    )
    series = URIRef(series_iri(BASE))
    first, second = URIRef(release_iri(BASE, "1.0.0")), URIRef(release_iri(BASE, dated))
    assert (series, RDF.type, DCAT3.DatasetSeries) in catalog
    assert set(catalog.subjects(DCAT3.inSeries, series)) == {first, second}
    assert (second, PROV.wasRevisionOf, first) in catalog
    assert not any(catalog.objects(first, PROV.wasRevisionOf))
    assert catalog.value(first, DCAT3.version) == Literal("1.0.0")
    assert catalog.value(first, DCTERMS.issued) is not None
    nq = next(
        d
        for d in catalog.objects(first, DCAT.distribution)
        if str(catalog.value(d, DCAT.downloadURL)).endswith("/villegraph.nq")
    )
    assert str(catalog.value(nq, DCAT.downloadURL)) == (
        "http://example.org/dumps/releases/1.0.0/villegraph.nq"
    )
    assert catalog.value(nq, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/n-quads"
    )
    assert int(catalog.value(nq, DCAT.byteSize)) == (frozen / "villegraph.nq").stat().st_size
    checksum = catalog.value(nq, SPDX.checksum)
    assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    info = json.loads((frozen / "build.json").read_text(encoding="utf-8"))
    assert (
        str(catalog.value(checksum, SPDX.checksumValue))
        == (info["files"]["villegraph.nq"]["sha256"])
    )


def test_release_without_a_build_is_refused(pipeline_settings: Settings, tmp_path: Path) -> None:
    code, out = _cli(pipeline_settings, "release", env={"VILLEGRAPH_RELEASES_DIR": str(tmp_path)})
    assert code == 2 and "no build to release" in out


@pytest.fixture()
def released_server(two_builds: tuple[Path, Path], pipeline_settings: Settings) -> Iterator[str]:
    """The app on the second build, with one release 1.0.0 of it."""
    from fixtures_server import ServerThread

    from villegraph.release import release
    from villegraph.web.app import serve_embedded

    settings = pipeline_settings.with_(releases_dir=pipeline_settings.root / "releases")
    assert settings.dist_dir is not None and settings.releases_dir is not None
    release(settings.dist_dir, settings.releases_dir, BASE, "1.0.0")
    with ServerThread(serve_embedded(settings)) as server:
        yield server.url


def test_dumps_lists_and_serves_the_releases(
    released_server: str, pipeline_settings: Settings
) -> None:
    page = httpx.get(released_server + "/dumps/?lang=en").text
    assert 'href="/dumps/changes.md"' in page
    assert 'id="release-1.0.0"' in page
    assert 'href="/dumps/releases/1.0.0/villegraph.nq"' in page
    assert 'href="/dumps/releases/catalog.ttl"' in page
    frozen = pipeline_settings.root / "releases" / "1.0.0"
    response = httpx.get(released_server + "/dumps/releases/1.0.0/villegraph.nq")
    assert response.status_code == 200
    assert response.content == (frozen / "villegraph.nq").read_bytes()
    assert response.headers["content-type"].startswith("application/n-quads")
    assert response.headers["cache-control"] == "public, max-age=60"
    again = httpx.get(
        released_server + "/dumps/releases/1.0.0/villegraph.nq",
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304
    packed = httpx.get(released_server + "/dumps/releases/1.0.0/villegraph.nq.gz")
    assert packed.headers["content-type"] == "application/gzip"
    changes = httpx.get(released_server + "/dumps/changes.json")
    assert changes.status_code == 200 and changes.json()["entities"]["added"]
    catalog = httpx.get(released_server + "/dumps/releases/catalog.ttl")
    graph = Graph().parse(data=catalog.text, format="turtle", publicID=str(catalog.url))
    urls = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
    assert released_server + "/dumps/releases/1.0.0/villegraph.nq" in urls
    for missing in ("1.0.0/build.json", "2.0.0/villegraph.nq", "1.0.0/../../x", "x/y/z"):
        assert httpx.get(f"{released_server}/dumps/releases/{missing}").status_code == 404


def test_changes_are_cut_at_the_limit_with_exact_counts(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    settings = replace(pipeline_settings, changes_limit=1)
    assert settings.dist_dir is not None
    build(settings)
    old = tmp_path / "old"
    shutil.copytree(settings.dist_dir.resolve(), old)
    _change(settings.root)
    build(settings)
    stored = json.loads((settings.dist_dir / "changes.json").read_text(encoding="utf-8"))
    assert stored["counts"] == {"added": 1, "removed": 1, "changed": 2, "appeared": 1, "gone": 1}
    assert [e["iri"] for e in stored["entities"]["changed"]] == [BASE + "org/institute"]
    institute = stored["entities"]["changed"][0]
    assert (institute["added_triples"], institute["removed_triples"]) == (1, 1)
    assert len(institute["added"]) + len(institute["removed"]) == 1  # one quad in all
    assert stored["cut"]["limit"] == 1
    assert "`villegraph diff OLD NEW`" in stored["cut"]["note"]
    text = (settings.dist_dir / "changes.md").read_text(encoding="utf-8")
    assert "- entities: 1 added, 1 removed, 2 changed" in text
    assert "**Cut:** each list below shows at most 1 entries." in text
    assert (
        "- <https://w3id.org/villegraph/org/institute> Institute of Tests (+1 −1 triples)" in text
    )
    assert "person/bob" not in text.split("## Entities changed")[1].split("##")[0]
    code, out = _cli(settings, "diff")  # the recorded, cut changes, printed again
    assert code == 0 and "- entities: 1 added, 1 removed, 2 changed" in out and "**Cut:**" in out
    code, out = _cli(settings, "diff", str(old), "--format", "json")  # the full diff
    full = json.loads(out)
    assert full["cut"] is None and len(full["entities"]["changed"]) == 2


def test_the_changes_limit_is_a_setting() -> None:
    assert Settings.from_env({"VILLEGRAPH_CHANGES_LIMIT": "5"}).changes_limit == 5
    assert Settings.from_env({}).changes_limit == 1000
    with pytest.raises(ConfigError, match="changes_limit -1 must not be negative"):
        Settings.from_env({"VILLEGRAPH_CHANGES_LIMIT": "-1"})
