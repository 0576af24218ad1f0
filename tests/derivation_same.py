"""What "the same derivation" means for the sameness tests of the rules and the engine."""

from __future__ import annotations

import pyoxigraph as ox

from villegraph.infer import InferenceReport
from villegraph.load import LoadedDataset, graph_iri


def derived_nquads(dataset: LoadedDataset) -> list[bytes]:
    """The `derived` graph of `dataset` as sorted N-Quads lines."""
    graph = ox.NamedNode(graph_iri(dataset.base_iri, "derived"))
    quads = dataset.store.quads_for_pattern(None, None, None, graph)
    return sorted(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines())


def assert_same_derivation(
    new: LoadedDataset, report: InferenceReport, old: LoadedDataset, expected: InferenceReport
) -> list[bytes]:
    """Same derived quads, counts, passes, per-rule figures and graph sizes; the quads."""
    derived = derived_nquads(new)
    assert derived == derived_nquads(old)
    assert len(derived) == report.triples > 0
    assert (report.triples, report.passes, report.per_rule) == (
        expected.triples,
        expected.passes,
        expected.per_rule,
    )
    assert new.graph_counts() == old.graph_counts()
    return derived
