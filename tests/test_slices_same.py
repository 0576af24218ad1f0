"""Rules evaluated in slices of their agents derive what they derive unsliced: same quads.

The reference is the same rules with their `#+ slice:` header dropped (one evaluation each),
run by `villegraph.infer.infer` on the same data; the sliced runs use tiny slices (1 and 3
agents) so that every organisation, person and roll-up crosses slice boundaries.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from derivation_same import assert_same_derivation

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.infer import infer, load_rules, rule_texts
from villegraph.load import load_dataset
from villegraph.slices import sliced, where_groups

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "src" / "villegraph" / "resources" / "ontology" / "rules"
SLICED = ("10-person-talk-theme", "30-org-member-theme", "40-org-suborg-theme", "50-theme-broader")


def _same(settings: Settings, size: int) -> None:
    rules = load_rules(RULES_DIR)
    assert [rule.name for rule in rules if rule.slice_by] == list(SLICED)
    unsliced = [replace(rule, slice_by=None, slice_from=None) for rule in rules]
    new, old = load_dataset(settings), load_dataset(settings)
    report, expected = infer(new, rules, slice_size=size), infer(old, unsliced)
    assert_same_derivation(new, report, old, expected)
    # the sliced rules ran in slices, several for most of them
    several = 0
    for rule in rules:
        if rule.slice_by:
            texts = list(rule_texts(new.store, rule, new.base_iri, size))
            assert all(f"VALUES ?{rule.slice_by} {{" in text for text in texts), rule.name
            several += len(texts) > 1
    assert several >= (3 if size == 1 else 1)
    again = infer(new, rules, slice_size=size)
    assert (again.triples, again.passes) == (0, 1)


@pytest.mark.parametrize("size", [1, 3])
def test_sliced_rules_derive_the_same_on_the_seed_project(settings: Settings, size: int) -> None:
    _same(settings, size)


@pytest.mark.parametrize("size", [1, 3])
def test_sliced_rules_derive_the_same_on_a_generated_network(
    small_network: Settings, size: int
) -> None:
    _same(small_network, size)


def test_values_go_into_each_where_group_naming_the_variable() -> None:
    text = (
        "PREFIX ex: <http://example.org/>\n"
        "CONSTRUCT { ?agent ex:p ?n } WHERE {\n"
        "  { SELECT ?agent (COUNT(*) AS ?n) WHERE { ?x ex:by ?agent } GROUP BY ?agent }\n"
        "  { SELECT * WHERE { ?y ex:of ?z } }\n"
        "}"
    )
    agents = [ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")]
    assert len(where_groups(text, "agent")) == 1  # the outer group names it in sub-SELECTs only
    out = sliced(text, "agent", agents)
    assert out.count("VALUES ?agent { <http://example.org/a> <http://example.org/b> }") == 1
    assert out.index("VALUES") > out.index("SELECT ?agent")
    assert ox.Store().query(out) is not None  # still parses
    assert where_groups(text.replace("?z }", "?z . ?z ex:x ?agent }"), "agent") != []
    assert len(where_groups(text + " # { ?agent }", "agent")) == 1


def test_the_slice_header_is_checked(tmp_path: Path) -> None:
    head = "#+ rule: vg:rule-x\n"
    body = (
        "PREFIX vg: <https://w3id.org/villegraph/def#>\n"
        "CONSTRUCT { ?agent vg:worksOn ?t } WHERE { ?agent vg:p ?t . BIND(vg:rule-x AS ?rule) }\n"
    )
    for header in ("#+ slice: agent\n", "#+ slice: ?agent { ?a vg:p ?t }\n",
                   "#+ slice: ?other { ?other vg:p ?t }\n"):  # fmt: skip
        (tmp_path / "10-x.rq").write_text(head + header + body, encoding="utf-8")
        with pytest.raises(InputError):
            load_rules(tmp_path)
    (tmp_path / "10-x.rq").write_text(
        head + "#+ slice: ?agent { ?agent vg:p ?t }\n" + body, encoding="utf-8"
    )
    (rule,) = load_rules(tmp_path)
    assert (rule.slice_by, rule.slice_from) == ("agent", "{ ?agent vg:p ?t }")


def test_blank_node_candidates_are_evaluated_unsliced(tmp_path: Path) -> None:
    (tmp_path / "10-x.rq").write_text(
        "#+ rule: vg:rule-x\n#+ slice: ?agent { ?agent vg:p ?t }\n"
        "PREFIX vg: <https://w3id.org/villegraph/def#>\n"
        "CONSTRUCT { ?agent vg:q ?t } WHERE { ?agent vg:p ?t . BIND(vg:rule-x AS ?rule) }\n",
        encoding="utf-8",
    )
    (rule,) = load_rules(tmp_path)
    store = ox.Store()
    p = ox.NamedNode("https://w3id.org/villegraph/def#p")
    store.add(ox.Quad(ox.BlankNode(), p, ox.Literal("1")))
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), p, ox.Literal("2")))
    assert list(rule_texts(store, rule, "http://example.org/", 1)) == [rule.text]
