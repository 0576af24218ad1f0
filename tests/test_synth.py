"""The synthetic network generator: deterministic, shaped like the model, conforming."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from villegraph.cli import main
from villegraph.config import Settings
from villegraph.errors import UsageError
from villegraph.resources import ONTOLOGY_DIR
from villegraph.synth import generate

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/villegraph/"
VG = "https://w3id.org/villegraph/def#"
DCT = "http://purl.org/dc/terms/"


def _generate(out: Path, people: int, seed: int = 1):
    return generate(
        out,
        people=people,
        seed=seed,
        themes_path=ONTOLOGY_DIR / "themes.ttl",
        roles_path=ROOT / "data" / "roles.ttl",
    )


def _store(folder: Path) -> ox.Store:
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


def test_same_seed_same_bytes_other_seed_other_network(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", 60, seed=7)
    _generate(tmp_path / "b", 60, seed=7)
    _generate(tmp_path / "c", 60, seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")
    assert set(_files(tmp_path / "a")) >= {
        "events.ttl",
        "organisations.ttl",
        "people.ttl",
        "places.ttl",
        "roles.ttl",
        "source.ttl",
        "talks.ttl",
        "sources/synthetic-network-60-7.txt",
    }
    assert first.counts["people"] == 60
    assert first.triples == len(_store(tmp_path / "a"))


def test_network_shape(tmp_path: Path) -> None:
    report = _generate(tmp_path / "net", 400, seed=2)
    store = _store(tmp_path / "net")
    rows = store.query(
        f"SELECT ?talk (COUNT(?theme) AS ?n) WHERE {{ ?talk a <{VG}Talk> ; "
        f"<{DCT}subject> ?theme }} GROUP BY ?talk"
    )
    themes_per_talk = Counter(int(r["n"].value) for r in rows)
    assert set(themes_per_talk) <= {1, 2, 3} and len(themes_per_talk) == 3
    assert sum(themes_per_talk.values()) == report.counts["talks"]
    per_person = [
        int(r["n"].value)
        for r in store.query(
            f"SELECT ?p (COUNT(?t) AS ?n) WHERE {{ ?t <{VG}presenter> ?p }} GROUP BY ?p"
        )
    ]
    # long tail: the most productive person gives many times the median number of talks
    assert max(per_person) >= 5 * statistics.median(per_person)
    # every lab sits in an institution; every person has a membership in a lab with a role
    assert not bool(
        store.query(
            "ASK { ?lab a <https://w3id.org/villegraph/def#ResearchUnit> "
            "FILTER NOT EXISTS { ?lab <http://www.w3.org/ns/org#subOrganizationOf> ?i } }"
        )
    )
    assert not bool(
        store.query(
            "ASK { ?p a <http://xmlns.com/foaf/0.1/Person> FILTER NOT EXISTS { "
            "?p <http://www.w3.org/ns/org#hasMembership> ?m . "
            "?m <http://www.w3.org/ns/org#role> ?r ; <http://www.w3.org/ns/org#organization> ?o } }"
        )
    )
    # every IRI minted follows {base}{kind}/{slug}
    kinds = set()
    for quad in store.quads_for_pattern(None, None, None):
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(BASE):
            kind, _, rest = quad.subject.value[len(BASE) :].partition("/")
            kinds.add(kind)
            assert rest and rest == rest.lower(), quad.subject
    assert kinds <= {"person", "org", "event", "talk", "membership", "role", "place", "source"}


def test_passages_quote_the_synthetic_source(tmp_path: Path) -> None:
    _generate(tmp_path / "net", 20, seed=3)
    lines = (tmp_path / "net" / "sources" / "synthetic-network-20-3.txt").read_text().splitlines()
    store = _store(tmp_path / "net")
    passages = list(
        store.query(
            f"SELECT ?start ?end ?text WHERE {{ ?p a <{VG}Passage> ; <{VG}startLine> ?start ; "
            f"<{VG}endLine> ?end ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?text }}"
        )
    )
    assert len(passages) == len(lines)
    for row in passages:
        start, end = int(row["start"].value), int(row["end"].value)
        assert row["text"].value == " ".join(lines[start - 1 : end])
    labels = [
        r["l"].value
        for r in store.query(
            "SELECT ?l WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    ]
    assert len(labels) == 20 and all("synthetic" in label for label in labels)


@pytest.mark.slow
def test_generated_network_builds_and_conforms(tmp_path: Path) -> None:
    from villegraph.build import build

    _generate(tmp_path / "net", 30, seed=4)
    settings = Settings(root=ROOT, data_dir=tmp_path / "net", dist_dir=tmp_path / "dist")
    report = build(settings)
    assert report.conforms
    assert report.graphs[BASE + "graph/talks"] > 0
    assert report.graphs[BASE + "graph/derived"] > 0


def test_refuses_a_non_empty_folder_and_tiny_networks(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.ttl").write_text("")
    with pytest.raises(UsageError, match="not empty"):
        _generate(tmp_path / "x", 10)
    with pytest.raises(UsageError, match="at least 5"):
        _generate(tmp_path / "y", 2)


def test_cli_generate_by_triple_count(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["generate", "--triples", "10k", "--seed", "1", "--out", str(tmp_path / "n")]
    )
    assert result.exit_code == 0, result.output
    assert len(_store(tmp_path / "n")) == int(result.output.split(": ")[1].split()[0])
    assert 6_000 < len(_store(tmp_path / "n")) < 16_000
    again = CliRunner().invoke(main, ["generate", "--people", "9", "--out", str(tmp_path / "n")])
    assert again.exit_code == 2 and "not empty" in again.output
    both = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "m")])
    assert both.exit_code == 2 and "exactly one of" in both.output
