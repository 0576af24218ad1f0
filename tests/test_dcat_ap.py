"""The dataset description (void.ttl, /.well-known/void) against SEMIC's DCAT-AP 3 shapes, and
its VoID statistics.

The shapes are vendored in `tests/vendor/dcat-ap-3.0.0/` (CC-BY 4.0, see its LICENCE.md). They
check ranges with `sh:class rdfs:Resource`, which every IRI satisfies under RDFS entailment (rule
rdfs4, as the EU test bed applies through its imports); pyshacl runs with `inference="rdfs"`,
and a second run without inference shows that those are the only results it would add.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SH, VOID

from villegraph.dump import DUMPS, namespace_of, partition_fragment

HERE = Path(__file__).resolve().parent
SHAPES = HERE / "vendor" / "dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl"
BASE = "https://w3id.org/villegraph/"
DATASET = URIRef(BASE + "dataset")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def void(built_dist: Path) -> Graph:
    return Graph().parse(built_dist / "void.ttl", format="turtle")


def _violations(data: Graph, shapes: Graph, inference: str) -> list[tuple[str, str, str]]:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference=inference)
    return sorted(
        (
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )


def test_void_conforms_to_dcat_ap_3(void: Graph, shapes: Graph) -> None:
    assert _violations(void, shapes, "rdfs") == []


def test_without_entailment_only_the_resource_ranges_remain(void: Graph, shapes: Graph) -> None:
    for focus, path, message in _violations(void, shapes, "none"):
        assert message == "Value does not have class rdfs:Resource", (focus, path, message)


def test_the_shapes_catch_the_old_mistakes(void: Graph, shapes: Graph) -> None:
    """A second licence and a text format on a distribution are violations: the test bites."""
    broken = Graph()
    for triple in void:
        broken.add(triple)
    dump = URIRef(BASE + "dumps/villegraph.ttl")
    broken.add((dump, DCTERMS.license, URIRef("https://example.org/other-licence")))
    broken.remove((dump, DCAT.accessURL, None))
    paths = {path for _, path, _ in _violations(broken, shapes, "rdfs")}
    assert {str(DCTERMS.license), str(DCAT.accessURL)} <= paths


def test_one_distribution_per_dump_with_formats_as_iris(void: Graph) -> None:
    distributions = set(void.objects(DATASET, DCAT.distribution))
    assert {str(d).rsplit("/", 1)[1] for d in distributions} == set(DUMPS)
    for dump in distributions:
        assert isinstance(void.value(dump, DCTERMS["format"]), URIRef)
        assert isinstance(void.value(dump, DCAT.mediaType), URIRef)
        assert void.value(dump, DCAT.accessURL) == URIRef(BASE + "dumps/")
        assert len(list(void.objects(dump, DCTERMS.license))) == 1


def test_property_partitions_vocabularies_and_distinct_counts(
    void: Graph, built_dist: Path
) -> None:
    union = Graph().parse(built_dist / "villegraph.nt", format="nt")
    assert void.value(DATASET, VOID.distinctSubjects).toPython() == len(set(union.subjects()))
    assert void.value(DATASET, VOID.distinctObjects).toPython() == len(set(union.objects()))
    predicates = set(union.predicates())
    partitions = {
        void.value(p, VOID.property): p for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert set(partitions) == predicates
    assert void.value(DATASET, VOID.properties).toPython() == len(predicates)
    name = URIRef("http://xmlns.com/foaf/0.1/name")
    assert void.value(partitions[name], VOID.triples).toPython() == len(
        list(union.triples((None, name, None)))
    )
    assert str(partitions[name]) == BASE + "dataset#property-foaf-name"
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert vocabularies == {namespace_of(str(p)) for p in predicates}
    assert "https://w3id.org/villegraph/def#" in vocabularies


def test_partition_iris_are_stable_fragments_of_the_dataset(void: Graph) -> None:
    person = URIRef("http://xmlns.com/foaf/0.1/Person")
    partition = next(void.subjects(VOID["class"], person))
    assert str(partition) == BASE + "dataset#class-foaf-Person"
    odd = partition_fragment("class", "urn:x:odd thing", BASE)
    assert odd.startswith("class-") and " " not in odd
    assert (
        URIRef("https://spdx.org/licenses/etalab-2.0"),
        RDF.type,
        DCTERMS.LicenseDocument,
    ) in void
    assert void.value(URIRef("https://spdx.org/licenses/etalab-2.0"), RDFS.label) is not None
