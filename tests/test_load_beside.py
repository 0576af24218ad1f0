"""A Turtle or N-Triples file read by the store itself beside the parser's checks: the same
store and written forms as the parsed triples put in, and nothing left behind on an error."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import villegraph.load as load
from villegraph.bnodes import stable_blank_nodes
from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.formats import RdfFormat
from villegraph.load import LoadedDataset, graph_iri, load_dataset, load_file, parse_file
from villegraph.namespaces import DEFAULT_BASE_IRI

TURTLE = """\
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix vg: <https://w3id.org/villegraph/def#> .
<person/ada> vg:position "01"^^xsd:positiveInteger ;
    vg:ratio "1.50"^^xsd:decimal , "1.5"^^xsd:decimal ;
    vg:when "2024-03-01"^^xsd:date ;
    vg:note "line\\nbreak \\"quoted\\" é"@fr , "plain" , '''long
text''' ;
    vg:flag true ;
    vg:count 7 .
<person/ada> vg:position "1"^^xsd:integer .
"""


def _reference(path: Path, name: str, base: str = DEFAULT_BASE_IRI) -> LoadedDataset:
    """The file put in from the parsed triples, as before the store read files itself."""
    dataset = LoadedDataset(base)
    iri = graph_iri(base, name)
    dataset.add_triples(iri, stable_blank_nodes(parse_file(path, base), iri))  # type: ignore[arg-type]
    return dataset


def _loaded(path: Path, name: str, base: str = DEFAULT_BASE_IRI) -> LoadedDataset:
    dataset = LoadedDataset(base)
    load_file(dataset, path, name)
    return dataset


def _same(found: LoadedDataset, expected: LoadedDataset) -> None:
    assert set(found.store) == set(expected.store)
    assert len(found.store) == len(expected.store)
    assert found.written.by_quad == expected.written.by_quad
    assert found.written.by_triple == expected.written.by_triple
    assert found.quads == expected.quads
    assert found.graphs == expected.graphs


@pytest.fixture
def store_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the store read itself (and kept or took out again), from any size."""
    monkeypatch.setattr(load, "STORE_READS_FROM", 0)
    read: list[Path] = []
    original = load._store_load

    def counted(store: ox.Store, path: Path, rdf_format: RdfFormat, graph: ox.NamedNode) -> None:
        read.append(path)
        original(store, path, rdf_format, graph)

    monkeypatch.setattr(load, "_store_load", counted)
    return read


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_the_store_s_reading_equals_the_parsed_triples(
    tmp_path: Path, suffix: str, store_reads: list[Path]
) -> None:
    path = tmp_path / f"people{suffix}"
    if suffix == ".ttl":
        path.write_text(TURTLE, encoding="utf-8")
    else:
        quads = ox.parse(input=TURTLE, format=ox.RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI)
        ox.serialize(quads, str(path), ox.RdfFormat.N_TRIPLES)
    found = _loaded(path, "people")
    assert store_reads == [path]
    _same(found, _reference(path, "people"))
    assert found.written.by_quad  # the rewritten literals are noted as before


def test_a_project_loads_as_before(small_network: Settings, store_reads: list[Path]) -> None:
    found = load_dataset(small_network)
    expected = LoadedDataset(found.base_iri)
    for iri, path in found.files.items():
        expected.add_triples(iri, stable_blank_nodes(parse_file(path, found.base_iri), iri))  # type: ignore[arg-type]
    # all but the ontology (its class unions are collections: blank nodes)
    assert store_reads == [path for path in found.files.values() if path.name != "villegraph.ttl"]
    assert len(found.files) >= 7
    _same(found, expected)


@pytest.mark.parametrize(
    "text",
    [
        '<a> <q> [ <r> "z" ] .\n<b> <q> [ <r> "z" ] .\n',
        '<a> <q> _:z .\n_:z <r> "z" .\n',
        '<a> <q> "a string with [brackets]" .\n',
    ],
    ids=["brackets", "labelled", "a string that looks like one"],
)
def test_a_file_that_may_hold_blank_nodes_is_put_in_from_its_parsed_triples(
    tmp_path: Path, text: str, store_reads: list[Path]
) -> None:
    path = tmp_path / "blank.ttl"
    path.write_text(text, encoding="utf-8")
    found = _loaded(path, "blank")
    assert store_reads == []  # `_:` or `[` in its bytes: the store does not read it
    _same(found, _reference(path, "blank"))
    labels = {q.subject.value for q in found.store if isinstance(q.subject, ox.BlankNode)}
    assert labels == {
        q.subject.value for q in _loaded(path, "blank").store if isinstance(q.subject, ox.BlankNode)
    }  # labelled from their content: the same in every build


def test_blank_nodes_seen_only_once_parsed_are_taken_out_again(
    tmp_path: Path, store_reads: list[Path]
) -> None:
    path = tmp_path / "collection.ttl"
    path.write_text('<a> <p> ( "x" "y" ) ; <q> "(not a list)" .\n', encoding="utf-8")
    found = _loaded(path, "collection")
    assert store_reads == [path]  # read by the store, then taken out again
    expected = _reference(path, "collection")
    assert set(found.store) == set(expected.store) and len(found.store) == len(expected.store)
    assert found.quads == _loaded(path, "collection").quads  # (in the store's order after
    # the graph was taken out and put in again: the same in every build)
    labels = {q.subject.value for q in found.store if isinstance(q.subject, ox.BlankNode)}
    assert len(labels) == 2 and labels == {
        q.subject.value
        for q in _loaded(path, "collection").store
        if isinstance(q.subject, ox.BlankNode)
    }


def test_parentheses_in_strings_iris_and_comments_keep_the_store_s_reading(
    tmp_path: Path, store_reads: list[Path]
) -> None:
    path = tmp_path / "plain.ttl"
    path.write_text(
        '<a> <p> "(a) b" ; <q> <http://example.org/x(1)> . # a (comment)\n', encoding="utf-8"
    )
    found = _loaded(path, "plain")
    assert store_reads == [path]
    _same(found, _reference(path, "plain"))


def test_an_empty_file_loads(tmp_path: Path, store_reads: list[Path]) -> None:
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")
    assert load_file(LoadedDataset(DEFAULT_BASE_IRI), path, "empty") == 0


def test_small_files_are_put_in_from_their_parsed_triples(tmp_path: Path) -> None:
    path = tmp_path / "people.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    assert path.stat().st_size < load.STORE_READS_FROM
    calls: list[Path] = []
    dataset = LoadedDataset(DEFAULT_BASE_IRI)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load, "_store_load", lambda *args: calls.append(args[1]))
        load_file(dataset, path, "people")
    assert calls == []
    _same(dataset, _reference(path, "people"))


def test_another_base_is_parsed_and_rewritten(tmp_path: Path, store_reads: list[Path]) -> None:
    path = tmp_path / "people.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    other = "http://example.org/net/"
    found = _loaded(path, "people", other)
    assert store_reads == []
    _same(found, _reference(path, "people", other))
    assert any(str(q.subject).startswith("<" + other) for q in found.store)


@pytest.mark.parametrize(
    "text",
    [
        '<a> <p> "x" .\n<a> <p> "not a date"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        '<a> <p> "x" .\n<a> <p> "unclosed .\n',
    ],
    ids=["ill-typed", "syntax"],
)
def test_an_error_leaves_nothing_in_the_store(
    tmp_path: Path, text: str, store_reads: list[Path]
) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(text, encoding="utf-8")
    dataset = LoadedDataset(DEFAULT_BASE_IRI)
    with pytest.raises(InputError, match=r"bad\.ttl"):
        load_file(dataset, path, "bad")
    assert store_reads == [path]
    assert len(dataset.store) == 0 and list(dataset.store.named_graphs()) == []
    assert dataset.files == {} and dataset.graphs == []


def test_the_store_s_failure_falls_back_to_the_parsed_triples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "people.ttl"
    path.write_text(TURTLE, encoding="utf-8")

    def half_then_fail(
        store: ox.Store, path: Path, rdf_format: RdfFormat, graph: ox.NamedNode
    ) -> None:
        store.add(ox.Quad(ox.NamedNode("urn:half"), ox.NamedNode("urn:p"), ox.Literal("x"), graph))
        raise OSError("disk full")

    monkeypatch.setattr(load, "_store_load", half_then_fail)
    _same(_loaded(path, "people"), _reference(path, "people"))
