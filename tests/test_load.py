"""Loading: one named graph per file, literals exactly as written, errors naming file:line:col."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.load import (
    literal_is_valid,
    load_dataset,
    parse_file,
    rebase_iri,
    to_rdflib_graph,
)

BASE = "https://w3id.org/villegraph/"
OTHER = "http://example.org/net/"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_one_named_graph_per_file(pipeline_settings: Settings) -> None:
    dataset = load_dataset(pipeline_settings)
    counts = dataset.graph_counts()
    assert list(counts) == [
        BASE + "graph/ontology",
        BASE + "graph/themes",
        BASE + "graph/events",
        BASE + "graph/people",
        BASE + "graph/sub-extra",  # data/sub/extra.ttl: nested path joined with "-"
    ]
    assert counts[BASE + "graph/people"] == 20
    assert counts[BASE + "graph/sub-extra"] == 4
    assert sum(counts.values()) == len(dataset.quads) == len(dataset.store)
    # data/README.md and data/sources/ (source documents) are not read
    assert all(path.suffix == ".ttl" for path in dataset.files.values())


def test_literals_are_kept_exactly_as_written(pipeline_settings: Settings) -> None:
    dataset = load_dataset(pipeline_settings)
    literals = {q.object for q in dataset.quads if isinstance(q.object, ox.Literal)}
    position = ox.Literal("01", datatype=ox.NamedNode(str(XSD.positiveInteger)))
    ratio = ox.Literal("1.50", datatype=ox.NamedNode(str(XSD.decimal)))
    assert position in literals and ratio in literals
    # ...while Oxigraph's store canonicalises them (hence the lossless copy)
    stored = {q.object for q in dataset.store if isinstance(q.object, ox.Literal)}
    assert position not in stored
    assert ox.Literal("1", datatype=ox.NamedNode(str(XSD.integer))) in stored


def test_real_project_loads_every_file(settings: Settings) -> None:
    dataset = load_dataset(settings)
    names = {iri.removeprefix(BASE + "graph/") for iri in dataset.graph_counts()}
    expected = {"ontology", "themes"} | {p.stem for p in (settings.root / "data").glob("*.ttl")}
    assert names == expected
    assert "shapes" not in names


def test_syntax_error_names_file_line_and_column(pipeline_settings: Settings) -> None:
    _write(
        pipeline_settings.root / "data" / "broken.ttl",
        "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:a foo:bar ex:c .\n",
    )
    with pytest.raises(InputError) as caught:
        load_dataset(pipeline_settings)
    error = caught.value
    assert str(error) == "data/broken.ttl:4:6: The prefix foo: has not been declared"
    assert (error.line, error.column) == (4, 6)
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("literal", "datatype"),
    [
        ('"abc"', "date"),
        ('"2023-02-30"', "date"),
        ('"2023-02-16T25:00:00"', "dateTime"),
        ('"2017-13"', "gYearMonth"),
        ('"0"', "positiveInteger"),
        ('"-1"', "nonNegativeInteger"),
        ('"1.5"', "integer"),
        ('"maybe"', "boolean"),
        ('"1,5"', "decimal"),
    ],
)
def test_ill_typed_literal_is_an_input_error(tmp_path: Path, literal: str, datatype: str) -> None:
    path = _write(
        tmp_path / "bad.ttl",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<http://example.org/a> <http://example.org/ok> 1 .\n"
        f"<http://example.org/a> <http://example.org/p>   {literal}^^xsd:{datatype} .\n",
    )
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.line == 3
    assert caught.value.column == 49
    message = str(caught.value)
    assert message.startswith(f"{path}:3:49: {literal} is not a valid xsd:{datatype}")
    assert "<http://example.org/a> <http://example.org/p>" in message


@pytest.mark.parametrize(
    ("lexical", "datatype", "valid"),
    [
        ("2023-02-16", "date", True),
        ("2023-02-16+01:00", "date", True),
        ("2024-02-29", "date", True),
        ("2023-02-29", "date", False),
        ("16/02/2023", "date", False),
        ("2023-02-16T09:00:00+01:00", "dateTime", True),
        ("2023-02-16T09:00:00.5Z", "dateTime", True),
        ("2023-02-16 09:00:00", "dateTime", False),
        ("2017-03", "gYearMonth", True),
        ("2017", "gYear", True),
        ("+5", "positiveInteger", True),
        ("007", "integer", True),
        ("1.50", "decimal", True),
        (".5", "decimal", True),
        ("1e3", "double", True),
        ("INF", "double", True),
        ("true", "boolean", True),
        ("1", "boolean", True),
        ("mailto:someone@example.org", "anyURI", True),
        ("has space", "anyURI", False),
        ("300", "byte", False),
        ("anything", "string", True),
    ],
)
def test_literal_is_valid(lexical: str, datatype: str, valid: bool) -> None:
    assert literal_is_valid(lexical, str(XSD) + datatype) is valid


def test_unknown_datatypes_are_not_checked() -> None:
    assert literal_is_valid("whatever", "http://example.org/dt")


def test_missing_inputs_are_input_errors(pipeline_settings: Settings, tmp_path: Path) -> None:
    (pipeline_settings.root / "ontology" / "themes.ttl").unlink()
    with pytest.raises(InputError, match=r"^ontology/themes.ttl: file not found$"):
        load_dataset(pipeline_settings)
    empty = Settings(root=tmp_path / "nowhere")  # the packaged ontology, no data
    with pytest.raises(InputError, match=r"data folder not found .*villegraph init"):
        load_dataset(empty)


def test_missing_data_folder(pipeline_settings: Settings, tmp_path: Path) -> None:
    settings = pipeline_settings.with_(data_dir=tmp_path / "no-data")
    with pytest.raises(InputError, match="data folder not found"):
        load_dataset(settings)


def test_parse_file_rejects_non_rdf_and_missing_files(tmp_path: Path) -> None:
    notes = _write(tmp_path / "notes.txt", "hello")
    with pytest.raises(InputError, match=r"notes.txt: not an RDF file \(unknown suffix '.txt'\)"):
        parse_file(notes)
    with pytest.raises(InputError, match=r"missing.ttl: file not found"):
        parse_file(tmp_path / "missing.ttl")


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.ttl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert str(caught.value).startswith(f"{path}:")


def test_two_files_for_one_graph_are_refused(pipeline_settings: Settings) -> None:
    _write(
        pipeline_settings.root / "data" / "people.nt",
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
    )
    with pytest.raises(InputError, match=r"two files map to the graph .*graph/people"):
        load_dataset(pipeline_settings)


def test_other_rdf_formats_are_read(pipeline_settings: Settings) -> None:
    _write(
        pipeline_settings.root / "data" / "extra.nt",
        f'<{BASE}place/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n',
    )
    dataset = load_dataset(pipeline_settings)
    assert dataset.graph_counts()[BASE + "graph/extra"] == 1


def test_base_iri_rewrite(pipeline_settings: Settings) -> None:
    dataset = load_dataset(pipeline_settings.with_(base_iri=OTHER))
    iris = {
        term.value
        for quad in dataset.quads
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode)
    }
    assert OTHER + "person/ada" in iris
    assert OTHER + "theme/open-data" in iris
    assert OTHER + "place/somewhere" in iris  # written as a full IRI in data/sub/extra.ttl
    assert OTHER + "graph/people" in iris
    # the ontology namespace and its terms are never rebased; other IRIs are left alone
    assert "https://w3id.org/villegraph/def" in iris
    assert "https://w3id.org/villegraph/def#Talk" in iris
    assert "https://w3id.org/villegraph/def#presenter" in iris
    assert "https://example.org/elsewhere" in iris
    left = {i for i in iris if i.startswith(BASE) and not i.startswith(BASE + "def")}
    assert left == set()
    # literals are not touched
    assert any(
        isinstance(q.object, ox.Literal) and q.object.value == "Ada Test" for q in dataset.quads
    )


def test_rebase_iri() -> None:
    assert rebase_iri(BASE + "person/x", OTHER) == OTHER + "person/x"
    assert rebase_iri(BASE + "def#Talk", OTHER) == BASE + "def#Talk"
    assert rebase_iri(BASE + "def", OTHER) == BASE + "def"
    assert rebase_iri(BASE + "definitions/x", OTHER) == OTHER + "definitions/x"
    assert rebase_iri("http://elsewhere.org/x", OTHER) == "http://elsewhere.org/x"


def test_to_rdflib_graph_keeps_plain_literals_plain(pipeline_settings: Settings) -> None:
    dataset = load_dataset(pipeline_settings)
    graph = to_rdflib_graph(dataset)
    assert len(graph) == len(dataset.triples())
    assert (URIRef(BASE + "person/ada"), None, Literal("Ada Test")) in graph
    assert not any(o.datatype == XSD.string for o in graph.objects() if isinstance(o, Literal))
    assert (None, None, Literal("01", datatype=XSD.positiveInteger)) in graph
    people = to_rdflib_graph(dataset, [BASE + "graph/people"])
    assert len(people) == 20


@pytest.mark.parametrize("name", ["derived", "ontology", "themes"])
def test_reserved_graph_names(pipeline_settings: Settings, name: str) -> None:
    _write(pipeline_settings.root / "data" / f"{name}.ttl", "")
    with pytest.raises(InputError, match=rf"^data/{name}.ttl: a data file may not be called"):
        load_dataset(pipeline_settings)
