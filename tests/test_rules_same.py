"""The project's rules derive what their reference texts derive: same quads, same report.

`tests/data/rules-reference/` keeps the rules as they were before they were rewritten to cost
less (benchmarks/RESULTS.md, "the rules rewritten"): the same patterns, evaluated in another
shape. Both sets run with `villegraph.infer.infer` on the same data and must give the same
derived graph (sorted N-Quads), the same counts per rule, passes and graph sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from derivation_same import assert_same_derivation

from villegraph.config import Settings
from villegraph.infer import InferenceReport, infer, load_rules
from villegraph.load import load_dataset

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "src" / "villegraph" / "resources" / "ontology" / "rules"
REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "rules-reference"
VG = "https://w3id.org/villegraph/def#"


def _same(settings: Settings) -> InferenceReport:
    new, old = load_dataset(settings), load_dataset(settings)
    report = infer(new, load_rules(RULES_DIR))
    expected = infer(old, load_rules(REFERENCE_DIR))
    assert_same_derivation(new, report, old, expected)
    return report


def test_the_reference_rules_are_the_project_rules_rewritten() -> None:
    """Same files, same rule IRIs, titles and descriptions, same inputs; other texts."""
    rules, reference = load_rules(RULES_DIR), load_rules(REFERENCE_DIR)
    assert [r.path.name for r in rules] == [r.path.name for r in reference]
    for rule, old in zip(rules, reference, strict=True):
        assert (rule.iri, rule.title, rule.description, rule.reads) == (
            old.iri,
            old.title,
            old.description,
            old.reads,
        )
    assert any(rule.text != old.text for rule, old in zip(rules, reference, strict=True))


def test_same_derived_graph_on_the_seed_project(settings: Settings) -> None:
    report = _same(settings)
    assert report.per_rule[VG + "rule-org-member-theme"] > 0


@pytest.fixture(scope="module")
def network(small_network: Settings) -> Settings:
    """The shared generated network (100 people, seed 1)."""
    return small_network


def test_same_derived_graph_on_a_generated_network(network: Settings) -> None:
    report = _same(network)
    for rule in ("rule-person-talk-theme", "rule-org-member-theme", "rule-org-suborg-theme",
                 "rule-theme-broader"):  # fmt: skip
        assert report.per_rule[VG + rule] > 0
