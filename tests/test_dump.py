"""Dumps: every serialisation reads back to the same graph; VoID/DCAT states the right counts."""

from __future__ import annotations

import gzip
import itertools
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
    # each graph counted as written while the dump is written
    assert counter.graphs == dataset.graph_counts() == {f"{BASE}graph/a": 5, f"{BASE}graph/b": 2}
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


# The dumps are written in one pass each over the quads and the union, partly by the store's
# own serialiser, their gzip copies on another thread: the same bytes as the writer before,
# kept here as the reference (one `ox.serialize` per dump, TriG and Turtle re-read from the
# N-Quads and N-Triples dumps, JSON-LD by `json.dumps`, `.gz` copies from the files).


def _previous_dumps(dataset: LoadedDataset, out: Path) -> dict[str, bytes]:
    import pyoxigraph as ox

    from villegraph.dump import serialisation_prefixes, write_rdf
    from villegraph.formats import NQUADS, NTRIPLES, TRIG, TURTLE
    from villegraph.jsonld import compact_bytes

    prefixes = serialisation_prefixes(dataset.base_iri)
    nquads, ntriples = out / "villegraph.nq", out / "villegraph.nt"
    write_rdf(nquads, dataset.iter_quads(), NQUADS)
    write_rdf(ntriples, dataset.union(), NTRIPLES)
    quads = ox.parse(path=str(nquads), format=NQUADS.oxigraph)
    write_rdf(out / "villegraph.trig", quads, TRIG, prefixes)
    union = [q.triple for q in ox.parse(path=str(ntriples), format=NTRIPLES.oxigraph)]
    write_rdf(out / "villegraph.ttl", union, TURTLE, prefixes)
    (out / "villegraph.jsonld").write_bytes(compact_bytes(union, dataset.base_iri))
    return {name: (out / name).read_bytes() for name in DUMPS}


def _same_as_before(
    dataset: LoadedDataset, tmp_path: Path, chunk: int, apart: bool = False
) -> None:
    """`write_dumps` (Turtle and JSON-LD by a second process when `apart`) gives the bytes of
    the reference writer, with true records, twice."""
    from villegraph.dump import StatisticsCounter, file_record, statistics, write_dumps

    case = f"{chunk}-{'apart' if apart else 'here'}"
    before, now = tmp_path / f"before-{case}", tmp_path / f"now-{case}"
    before.mkdir()
    now.mkdir()
    expected = _previous_dumps(dataset, before)
    counter = StatisticsCounter(dataset)
    records = write_dumps(dataset, now, counter, chunk=chunk, apart=apart)
    again = tmp_path / f"again-{case}"
    again.mkdir()
    assert write_dumps(dataset, again, chunk=chunk, apart=apart) == records
    assert sorted(p.name for p in now.iterdir()) == sorted(
        [*expected, *(n + ".gz" for n in expected)]
    )
    for name, data in expected.items():
        assert (now / name).read_bytes() == data, name
        # the gzip copy, compressed as the dump streamed by: its bytes, and the same bytes again
        assert gzip.decompress((now / (name + ".gz")).read_bytes()) == data, name
    for name, record in records.items():  # hashed as written, never read back
        assert record == file_record(now / name, DUMPS[name].media_type)
        assert record.packed == file_record(now / (name + ".gz"), "application/gzip")
    assert counter.result() == statistics(dataset.triples())
    assert counter.graphs == dataset.graph_counts()
    assert list(counter.graphs) == list(dataset.graph_counts())  # in load order


def test_dumps_are_the_bytes_of_the_previous_writer_on_the_seed_project(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    dataset = _dataset(pipeline_settings)
    for chunk in (256, 7, 1):  # runs cut between subjects, every few triples, every triple
        _same_as_before(dataset, tmp_path, chunk)
    for chunk in (256, 1):  # Turtle and JSON-LD by a second process, from the N-Triples
        _same_as_before(dataset, tmp_path, chunk, apart=True)


def test_dumps_are_the_bytes_of_the_previous_writer_on_a_generated_network(
    tmp_path: Path,
) -> None:
    from villegraph.synth import generate

    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    generate(
        data,
        people=60,
        seed=1,
        themes_path=root / "src" / "villegraph" / "resources" / "ontology" / "themes.ttl",
        roles_path=root / "data" / "roles.ttl",
    )
    dataset = _dataset(Settings(root=root, data_dir=data, dist_dir=tmp_path / "dist"))
    assert dataset.written  # passages' line numbers: graphs written quad by quad
    for chunk in (256, 5):
        _same_as_before(dataset, tmp_path, chunk)
    _same_as_before(dataset, tmp_path, 256, apart=True)


def test_dumps_keep_rewritten_literals_the_bytes_of_the_previous_writer(tmp_path: Path) -> None:
    dataset = _rewritten_dataset(tmp_path)
    for chunk in (256, 1):
        _same_as_before(dataset, tmp_path, chunk)
    _same_as_before(dataset, tmp_path, 256, apart=True)


def test_large_datasets_write_turtle_and_jsonld_in_a_second_process(
    pipeline_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from villegraph import dump

    started: list[list[str]] = []
    enter = dump.UnionProcess.__enter__

    def noted(self: dump.UnionProcess) -> dump.UnionProcess:
        started.append(self.command)
        return enter(self)

    monkeypatch.setattr(dump.UnionProcess, "__enter__", noted)
    dataset = _dataset(pipeline_settings)
    (tmp_path / "small").mkdir()
    here = dump.write_dumps(dataset, tmp_path / "small")
    assert started == []  # below APART_FROM: one process
    monkeypatch.setattr(dump, "APART_FROM", len(dataset.store))
    (tmp_path / "large").mkdir()
    assert dump.write_dumps(dataset, tmp_path / "large") == here
    assert len(started) == 1 and started[0][1:3] == ["-m", "villegraph.cli.union_process"]


def test_a_failed_second_process_stops_the_dumps_with_its_reason(
    pipeline_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from villegraph import dump, unionwriter
    from villegraph.errors import VillegraphError

    monkeypatch.setattr(unionwriter, "PROCESS", "villegraph.no_such_module")
    dataset = _dataset(pipeline_settings)
    with pytest.raises(VillegraphError, match=r"villegraph\.ttl and villegraph\.jsonld failed: "
                       r".*No module named villegraph\.no_such_module"):  # fmt: skip
        dump.write_dumps(dataset, tmp_path, apart=True)


def test_the_second_process_names_bad_input_in_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "villegraph.cli.union_process", str(tmp_path), "urn:x:", "9"]
    done = subprocess.run(command, input=b"<urn:a> <urn:b> oops .\n", capture_output=True)
    assert done.returncode == 1
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("villegraph.cli.union_process: ")
    assert "line 1" in lines[0] or "1:" in lines[0], lines[0]


def test_node_text_is_what_json_dumps_writes() -> None:
    from villegraph.jsonld import node_text

    nodes = [
        {"@id": "vgr:person/a"},
        {
            "@id": "_:b0",
            "@type": ["Talk", "schema:Event"],
            "label": {"@none": 'Théo "quoted" \\ back\nslash', "fr": ["un", "deux"]},
            "vg:score": {"@value": "1.50", "@type": "xsd:decimal"},
            "empty": [],
            "nothing": {},
            "links": [{"@id": "vgr:theme/a"}, {"@id": "vgr:theme/b"}],
            "control": "\u0001\t\u2028 ☃ 𝄞",
        },
    ]
    for node in nodes:
        expected = json.dumps(node, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        assert node_text(node) == expected
    with pytest.raises(TypeError):
        node_text({"@id": "x", "n": 1})


def test_runs_cut_only_where_the_key_changes() -> None:
    from villegraph.dumpfiles import runs

    items = [(k, i) for i, k in enumerate("aaabccccdde")]
    for size in (1, 2, 3, 4, 20):
        cut = list(runs(items, size, lambda item: item[0]))
        assert [item for run in cut for item in run] == items
        assert all(len(run) >= size for run in cut[:-1])
        assert all(a[-1][0] != b[0][0] for a, b in itertools.pairwise(cut))
    assert list(runs([], 3, lambda item: item)) == []


def test_gzip_copies_are_read_by_the_standard_library_and_the_same_for_the_same_bytes(
    tmp_path: Path,
) -> None:
    from villegraph.dump import file_record, write_gzip_copies
    from villegraph.dumpfiles import gzip_compressor

    text = "".join(f'<urn:x:{i}> <urn:x:p> "é {i % 7}" .\n' for i in range(50_000)).encode()
    for name in ("a.nt", "b.nt"):
        (tmp_path / name).write_bytes(text)
    records = write_gzip_copies(
        tmp_path, [(n, file_record(tmp_path / n, "x")) for n in ("a.nt", "b.nt")]
    )
    first, second = (tmp_path / "a.nt.gz").read_bytes(), (tmp_path / "b.nt.gz").read_bytes()
    assert gzip.decompress(first) == text
    assert first == second and records["a.nt.gz"].sha256 == records["b.nt.gz"].sha256
    assert first[4:8] == b"\0\0\0\0"  # no time in the header
    assert len(first) < len(text) // 5
    packer = gzip_compressor()  # the stream the dumps page sends for older builds
    streamed = b"".join(
        [packer.compress(text[:1000]), packer.compress(text[1000:]), packer.flush()]
    )
    assert gzip.decompress(streamed) == text


def test_gzip_copies_written_with_a_dump_are_not_written_again(tmp_path: Path) -> None:
    from villegraph.dump import FileRecord, file_record, write_gzip_copies

    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "a.txt.gz").write_bytes(b"kept")
    packed = FileRecord(4, "f" * 64, "application/gzip")
    plain = file_record(tmp_path / "a.txt", "text/plain")
    record = FileRecord(1, plain.sha256, "text/plain", packed)
    records = write_gzip_copies(tmp_path, [("a.txt", record)])
    assert records == {"a.txt.gz": packed}
    assert (tmp_path / "a.txt.gz").read_bytes() == b"kept"


def test_an_error_while_compressing_stops_the_dumps(tmp_path: Path) -> None:
    from villegraph import dump, dumpfiles

    class Broken(dumpfiles.HashingFile):
        def write(self, data: bytes) -> int:
            if self.size >= 10:  # after the gzip header: while compressing
                raise OSError(28, "No space left on device")
            return super().write(data)

    dataset = _rewritten_dataset(tmp_path)
    out = tmp_path / "dist"
    out.mkdir()
    original = dumpfiles.HashingFile
    dumpfiles.HashingFile = Broken  # type: ignore[misc]
    try:
        with pytest.raises(OSError, match="No space left"):
            dump.write_dumps(dataset, out)
    finally:
        dumpfiles.HashingFile = original  # type: ignore[misc]
