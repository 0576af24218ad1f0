"""Dumps: every serialisation reads back to the same graph; VoID/DCAT states the right counts."""

from __future__ import annotations

import json
import warnings
from datetime import datetime
from pathlib import Path

import pytest
from offline_jsonld import to_graph
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, VOID, XSD

from villegraph.build import build, prepare
from villegraph.config import Settings
from villegraph.dump import DUMPS, KEEPS_GRAPHS
from villegraph.formats import JSONLD
from villegraph.load import LoadedDataset, to_rdflib_graph
from villegraph.quality import quality_quads

BASE = "https://w3id.org/villegraph/"
ETALAB = URIRef("https://spdx.org/licenses/etalab-2.0")
VG = Namespace("https://w3id.org/villegraph/def#")


def _dataset(settings: Settings) -> LoadedDataset:
    """The dataset a build writes: loaded, derived, validated, with its quality graph."""
    dataset, _, report = prepare(settings)
    dataset.add(quality_quads(report.graph, dataset.base_iri))
    return dataset


def _parse_graph(path: Path, rdflib_format: str) -> Graph:
    with warnings.catch_warnings():
        # rdflib 7.6's own JSON-LD parser builds a (deprecated) ConjunctiveGraph internally
        warnings.simplefilter("ignore", DeprecationWarning)
        return Graph().parse(data=path.read_bytes(), format=rdflib_format)


def _assert_round_trip(dist: Path, dataset: LoadedDataset) -> None:
    union = to_rdflib_graph(dataset)
    for name, rdf_format in DUMPS.items():
        path = dist / name
        if name in KEEPS_GRAPHS:
            parsed = Dataset()
            with warnings.catch_warnings():
                # rdflib 7.6's Dataset.parse uses its own deprecated default_context
                warnings.simplefilter("ignore", DeprecationWarning)
                parsed.parse(data=path.read_bytes(), format=rdf_format.rdflib)
            names = {str(g.identifier) for g in parsed.graphs() if len(g)}
            assert names == set(dataset.graph_counts()), name
            for iri in names:
                expected = to_rdflib_graph(dataset, [iri])
                got = parsed.graph(URIRef(iri))
                assert isomorphic(Graph() + got, expected), f"{name}: graph {iri} differs"
        else:
            if rdf_format is JSONLD:  # its @context is the published one, loaded offline
                document = json.loads(path.read_text(encoding="utf-8"))
                parsed_graph = to_graph(document, dataset.base_iri)
            else:
                parsed_graph = _parse_graph(path, rdf_format.rdflib)
            assert len(parsed_graph) == len(union), name
            assert isomorphic(parsed_graph, union), f"{name} does not read back the same"


def test_small_project_dumps_round_trip(pipeline_settings: Settings) -> None:
    report = build(pipeline_settings)
    _assert_round_trip(report.out_dir, _dataset(pipeline_settings))


def test_real_build_dumps_round_trip(built_dist: Path, settings: Settings) -> None:
    _assert_round_trip(built_dist, _dataset(settings))


def test_turtle_keeps_datatypes_and_uses_prefixes(built_dist: Path) -> None:
    text = (built_dist / "villegraph.ttl").read_text(encoding="utf-8")
    assert "@prefix vg: <https://w3id.org/villegraph/def#> ." in text
    assert "@prefix vgr:" not in text  # minted IRIs are written in full, see dump.py
    graph = Graph().parse(built_dist / "villegraph.ttl")
    numbers = set(graph.objects(None, VG.sessionNumber))
    assert numbers and all(n.datatype == XSD.positiveInteger for n in numbers)


def test_small_project_literals_survive_dumps(pipeline_settings: Settings) -> None:
    report = build(pipeline_settings)
    for name in ("villegraph.nt", "villegraph.nq"):
        text = (report.out_dir / name).read_text(encoding="utf-8")
        assert '"01"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in text, name
        assert '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text, name


def _void(dist: Path) -> Graph:
    return Graph().parse(dist / "void.ttl", format="turtle")


def test_void_counts_and_subsets(built_dist: Path) -> None:
    info = json.loads((built_dist / "build.json").read_text(encoding="utf-8"))
    void = _void(built_dist)
    dataset = URIRef(BASE + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert void.value(dataset, VOID.triples).toPython() == info["triples"]
    subsets = {
        str(s): void.value(s, VOID.triples).toPython() for s in void.objects(dataset, VOID.subset)
    }
    assert subsets == info["graphs"]
    assert BASE + "graph/derived" in subsets and BASE + "graph/ontology" in subsets
    partitions = {
        str(void.value(p, VOID["class"])): void.value(p, VOID.entities).toPython()
        for p in void.objects(dataset, VOID.classPartition)
    }
    assert partitions["http://xmlns.com/foaf/0.1/Person"] == 3
    assert partitions[str(VG.ThemeAttribution)] > 0


def test_void_distributions_match_the_files(built_dist: Path) -> None:
    void = _void(built_dist)
    dataset = URIRef(BASE + "dataset")
    dumps = set(void.objects(dataset, VOID.dataDump))
    assert dumps == set(void.objects(dataset, DCAT.distribution))
    assert {str(d).rsplit("/", 1)[1] for d in dumps} == set(DUMPS)
    for dump in dumps:
        name = str(dump).rsplit("/", 1)[1]
        assert void.value(dump, DCAT.byteSize).toPython() == (built_dist / name).stat().st_size
        assert str(void.value(dump, DCAT.mediaType)).endswith("/" + DUMPS[name].media_type)
        assert (dump, DCTERMS.license, ETALAB) in void


def test_void_licence_date_source_and_site_endpoint(built_dist: Path) -> None:
    void = _void(built_dist)
    dataset = URIRef(BASE + "dataset")
    assert list(void.objects(dataset, DCTERMS.license)) == [ETALAB]
    modified = void.value(dataset, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype == XSD.dateTime
    assert isinstance(modified.toPython(), datetime) and modified.toPython().tzinfo is not None
    source = URIRef(BASE + "source/puca-webinaire-seance-5")
    assert (dataset, PROV.wasDerivedFrom, source) in void
    assert list(void.objects(dataset, VOID.sparqlEndpoint)) == [URIRef(BASE + "sparql")]


def test_void_states_the_configured_endpoint(pipeline_settings: Settings) -> None:
    endpoint = "http://127.0.0.1:7878/query"
    report = build(pipeline_settings.with_(endpoint=endpoint))
    void = _void(report.out_dir)
    endpoints = set(void.objects(URIRef(BASE + "dataset"), VOID.sparqlEndpoint))
    assert endpoints == {URIRef(endpoint), URIRef(BASE + "sparql")}


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_dumps_are_not_empty_and_utf8(built_dist: Path, name: str) -> None:
    text = (built_dist / name).read_text(encoding="utf-8")
    assert "Carole-Anne Tisserand" in text
    assert "Île-de-France" in text


XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def _rewritten_dataset(tmp_path: Path) -> LoadedDataset:
    """Two graphs writing the same number in different forms the store keeps as one."""
    from villegraph.load import load_file

    dataset = LoadedDataset(BASE)
    (tmp_path / "a.ttl").write_text(
        f"""@prefix xsd: <{XSD_NS}> .
        <{BASE}p/a> <{VG}startLine> "5"^^xsd:positiveInteger, "5"^^xsd:integer ;
            <{VG}endLine> "05"^^xsd:integer ; <{VG}score> 5 .
        <{BASE}p/b> <{VG}score> "1.50"^^xsd:decimal .
        """,
        encoding="utf-8",
    )
    (tmp_path / "b.ttl").write_text(
        f"""<{BASE}p/a> <{VG}startLine> 5 . <{BASE}p/c> <{VG}score> 1.5 .""", encoding="utf-8"
    )
    load_file(dataset, tmp_path / "a.ttl", "a")
    load_file(dataset, tmp_path / "b.ttl", "b")
    return dataset


def test_literals_the_store_rewrites_are_dumped_as_written_in_their_graph(
    tmp_path: Path,
) -> None:
    from villegraph.dump import StatisticsCounter, statistics, write_dumps

    dataset = _rewritten_dataset(tmp_path)
    assert len(dataset.store) == 6  # the store keeps "5"^^xsd:integer once in graph a
    graph_a, graph_b = f"<{BASE}graph/a>", f"<{BASE}graph/b>"
    counter = StatisticsCounter(dataset)
    out = tmp_path / "dist"
    out.mkdir()
    write_dumps(dataset, out, counter)
    quads = set((out / "villegraph.nq").read_text(encoding="utf-8").splitlines())
    start = f"<{BASE}p/a> <{VG}startLine>"
    assert f'{start} "5"^^<{XSD_NS}positiveInteger> {graph_a} .' in quads
    assert f'{start} "5"^^<{XSD_NS}integer> {graph_a} .' in quads
    assert f'{start} "5"^^<{XSD_NS}integer> {graph_b} .' in quads
    assert f'<{BASE}p/a> <{VG}endLine> "05"^^<{XSD_NS}integer> {graph_a} .' in quads
    assert f'<{BASE}p/b> <{VG}score> "1.50"^^<{XSD_NS}decimal> {graph_a} .' in quads
    assert len(quads) == 7 == sum(dataset.graph_counts().values())
    union = dataset.triples()
    assert len(union) == 6 == counter.triples  # "5"^^xsd:integer of a and b is one triple
    assert counter.result() == statistics(union)
    nt = (out / "villegraph.nt").read_text(encoding="utf-8").splitlines()
    assert sorted(nt) == sorted(str(t) + " ." for t in union)


def test_the_union_is_grouped_by_subject_and_the_jsonld_streamed_node_by_node(
    pipeline_settings: Settings,
) -> None:
    from villegraph.jsonld import compact_bytes, write_compact

    dataset = _dataset(pipeline_settings)
    union = dataset.triples()
    subjects = [t.subject for t in union]
    runs = [s for i, s in enumerate(subjects) if i == 0 or subjects[i - 1] != s]
    assert len(runs) == len(set(subjects))  # each subject in one block
    assert len(union) == len(set(union))
    import io

    out = io.BytesIO()
    write_compact(union, dataset.base_iri, out)
    assert out.getvalue() == compact_bytes(union, dataset.base_iri)
