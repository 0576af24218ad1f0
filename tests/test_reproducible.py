"""Two builds of the same input write the same bytes, apart from what declares the build time.

Each build runs in its own process (another hash seed), into its own folder, in another second.
What may differ, and nothing else:
- build.json: `modified`, the time stamp that starts `build_id` (its content hash must match),
  `timings`, and the SHA-256 of void.ttl (which states `modified`) and the record of its gzip copy;
- void.ttl: the `dcterms:modified` literals (the same length, so byte sizes match too), and so
  void.ttl.gz.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from villegraph.bnodes import stable_blank_nodes

ROOT = Path(__file__).resolve().parents[1]
MODIFIED = re.compile(rb'(dcterms:modified "|modified> ")[0-9T:+-]+(")')
BUILD_TIME_FIELDS = ("modified", "build_id", "timings", "peak_rss_mb", "cpu_seconds")


def _build(out: Path, seed: str) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VILLEGRAPH_")}
    env["PYTHONHASHSEED"] = seed
    command = [sys.executable, "-m", "villegraph", "--root", str(ROOT), "build", "-q"]
    done = subprocess.run(
        [*command, "--out", str(out)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return out.resolve()


def _comparable_build_json(folder: Path) -> tuple[dict[str, object], str]:
    info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    _stamp, content = info["build_id"].split("-", 1)
    for name in BUILD_TIME_FIELDS:
        del info[name]
    del info["files"]["void.ttl"]["sha256"]
    del info["files"]["void.ttl.gz"]
    return info, content


@pytest.mark.slow
def test_two_builds_write_the_same_bytes(tmp_path: Path) -> None:
    first = _build(tmp_path / "one" / "dist", "1")
    time.sleep(1.05 - time.time() % 1)  # the next second: the time stamps differ
    second = _build(tmp_path / "two" / "dist", "2")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"villegraph.nq", "villegraph.jsonld", "void.ttl", "build.json"} <= set(names)

    stamps = [json.loads((f / "build.json").read_text())["modified"] for f in (first, second)]
    assert stamps[0] != stamps[1]
    assert _comparable_build_json(first) == _comparable_build_json(second)
    void = [MODIFIED.sub(rb"\1...\2", (f / "void.ttl").read_bytes()) for f in (first, second)]
    assert void[0] == void[1]
    assert (first / "void.ttl").stat().st_size == (second / "void.ttl").stat().st_size
    unpacked = [gzip.decompress((f / "void.ttl.gz").read_bytes()) for f in (first, second)]
    assert unpacked == [(f / "void.ttl").read_bytes() for f in (first, second)]
    for name in names:
        if name not in ("build.json", "void.ttl", "void.ttl.gz"):
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.slow
def test_the_dumps_keep_only_content_labelled_blank_nodes(tmp_path: Path) -> None:
    dist = _build(tmp_path / "dist", "3")
    labels = set(re.findall(rb"_:(\w+)", (dist / "villegraph.nq").read_bytes()))
    assert labels, "the ontology's class expressions stay blank nodes"
    assert all(re.fullmatch(rb"g[0-9a-f]{32}(n\d+)?", label) for label in labels), labels


EX = "http://example.org/"


def _parse(turtle: str) -> list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal, ...]]:
    return [(q.subject, q.predicate, q.object) for q in ox.parse(turtle, ox.RdfFormat.TURTLE)]


def _blank_labels(triples: list[tuple[object, ...]]) -> list[str]:
    return [t.value for triple in triples for t in triple if isinstance(t, ox.BlankNode)]


TURTLE = f"""
@prefix ex: <{EX}> .
ex:a ex:audience [ ex:type "public" ] ; ex:kind ( ex:x ex:y ) .
ex:b ex:audience [ ex:type "public" ] .
"""


def test_labels_come_from_content_not_from_the_parser() -> None:
    once = stable_blank_nodes(_parse(TURTLE), "graph/a")  # type: ignore[arg-type]
    again = stable_blank_nodes(_parse(TURTLE), "graph/a")  # type: ignore[arg-type]
    assert once == again
    assert _blank_labels(once) != _blank_labels(_parse(TURTLE))
    # the two audiences are told apart by who points at them; list cells by their position
    assert len(set(_blank_labels(once))) == 4


def test_labels_depend_on_the_graph_and_not_on_unrelated_triples() -> None:
    base = stable_blank_nodes(_parse(TURTLE), "graph/a")  # type: ignore[arg-type]
    other_graph = stable_blank_nodes(_parse(TURTLE), "graph/b")  # type: ignore[arg-type]
    assert not set(_blank_labels(base)) & set(_blank_labels(other_graph))
    more = stable_blank_nodes(  # type: ignore[arg-type]
        _parse(TURTLE + f'<{EX}c> <{EX}name> "c" .\n'), "graph/a"
    )
    assert set(_blank_labels(base)) == set(_blank_labels(more))


def test_alike_blank_nodes_stay_apart() -> None:
    twins = f'<{EX}a> <{EX}p> [ <{EX}q> "v" ] , [ <{EX}q> "v" ] .\n'
    triples = stable_blank_nodes(_parse(twins), "g")  # type: ignore[arg-type]
    assert len(triples) == 4
    assert len(set(_blank_labels(triples))) == 2
    assert triples == stable_blank_nodes(_parse(twins), "g")  # type: ignore[arg-type]
