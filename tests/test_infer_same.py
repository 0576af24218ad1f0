"""Derivation derives what the previous loop derived: same quads, same report.

The reference below is `villegraph.infer.infer` as it was before it counted the store instead of
the derived graph after each rule (a COUNT over the whole derived graph, every rule run).
"""

from __future__ import annotations

import io
import shutil
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from derivation_same import assert_same_derivation, derived_nquads

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.infer import (
    MAX_PASSES,
    InferenceReport,
    Rule,
    infer,
    load_rules,
    run_rule,
    write_rule,
)
from villegraph.load import LoadedDataset, graph_iri, load_dataset

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "src" / "villegraph" / "resources" / "ontology" / "rules"


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    solution = next(iter(store.query(query, substitutions={ox.Variable("g"): graph})), None)
    return 0 if solution is None else int(solution["n"].value)


def reference_infer(dataset: LoadedDataset, rules: list[Rule]) -> InferenceReport:
    """The previous loop, kept as it was."""
    iri = graph_iri(dataset.base_iri, "derived")
    graph = ox.NamedNode(iri)
    store = dataset.store
    report = InferenceReport(iri, per_rule={rule.iri: 0 for rule in rules})
    initial = _count(store, graph)
    size = initial
    version = {rule.iri: 0 for rule in rules}
    seen: dict[str, dict[str, int]] = {}
    while True:
        if report.passes == MAX_PASSES:
            raise InputError(f"the rules did not reach a fixpoint in {MAX_PASSES} passes")
        report.passes += 1
        added_in_pass = 0
        for rule in rules:
            inputs = list(version) if rule.reads is None else sorted(rule.reads)
            if rule.iri in seen and all(seen[rule.iri].get(i) == version.get(i) for i in inputs):
                continue
            seen[rule.iri] = {i: version.get(i, 0) for i in inputs}
            store.load(
                run_rule(store, rule, dataset.base_iri),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=graph,
            )
            grown = _count(store, graph)
            report.per_rule[rule.iri] += grown - size
            added_in_pass += grown - size
            if grown > size:
                version[rule.iri] += 1
            size = grown
        if not added_in_pass:
            break
    dataset.note_graph(iri)
    report.triples = size - initial
    return report


def _both(settings: Settings, rules: list[Rule]) -> InferenceReport:
    new, old = load_dataset(settings), load_dataset(settings)
    report, expected = infer(new, rules), reference_infer(old, rules)
    derived = assert_same_derivation(new, report, old, expected)
    # run again on what is there: nothing more, in one pass, both ways
    again, expected_again = infer(new, rules), reference_infer(old, rules)
    assert (
        (again.triples, again.passes) == (expected_again.triples, expected_again.passes) == (0, 1)
    )
    assert derived_nquads(new) == derived
    return report


def test_same_derived_graph_on_the_seed_project(settings: Settings) -> None:
    _both(settings, load_rules(RULES_DIR))


@pytest.fixture(scope="module")
def network(small_network: Settings) -> Settings:
    """The shared generated network (100 people, seed 1)."""
    return small_network


def test_same_derived_graph_on_a_generated_network(network: Settings) -> None:
    _both(network, load_rules(RULES_DIR))


def test_same_derived_graph_when_a_rule_feeds_itself(network: Settings, tmp_path: Path) -> None:
    """A rule reading `vg:worksOn` re-runs after every addition, its own included: several
    passes, and the counts per rule and pass as before."""
    for path in RULES_DIR.glob("*.rq"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "60-narrower-step.rq").write_text(
        "#+ rule: vg:rule-narrower-step\n"
        "PREFIX vg: <https://w3id.org/villegraph/def#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "CONSTRUCT { ?agent vg:worksOn ?narrower . ?agent vg:derivedStep ?rule }\n"
        "WHERE { ?agent vg:worksOn ?theme . ?narrower skos:broader ?theme .\n"
        "  BIND(vg:rule-narrower-step AS ?rule) }\n",
        encoding="utf-8",
    )
    rules = load_rules(tmp_path)
    assert rules[-1].reads is None
    report = _both(network, rules)
    assert report.passes >= 3
    assert report.per_rule[rules[-1].iri] > 0


def test_slices_on_several_threads_derive_the_same(
    network: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small slices spread over three threads: the same derived graph and counts as the loop
    before, the slices' N-Triples written in slice order, and the work was shared."""
    from villegraph import infer as infer_module

    names: set[str] = set()
    derive = infer_module._derive

    def noting(*args: object) -> bytes:
        names.add(threading.current_thread().name)
        return derive(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(infer_module, "_derive", noting)
    rules = load_rules(RULES_DIR)
    new, old = load_dataset(network), load_dataset(network)
    report = infer(new, rules, slice_size=3, threads=3)
    assert_same_derivation(new, report, old, reference_infer(old, rules))
    assert len(names) > 1

    sliced = next(rule for rule in rules if rule.slice_by is not None)
    one, three = io.BytesIO(), io.BytesIO()
    write_rule(new.store, sliced, new.base_iri, one, slice_size=3, threads=1)
    write_rule(new.store, sliced, new.base_iri, three, slice_size=3, threads=3)
    assert three.getvalue() == one.getvalue() != b""
