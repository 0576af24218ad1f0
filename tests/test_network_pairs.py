"""The person-person projection as integer arrays (`PairGraph`): the same pairs, analysis and
page as its networkx form, on a seeded generated network."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest

from villegraph import network as N
from villegraph import viz
from villegraph.config import Settings
from villegraph.resources import ONTOLOGY_DIR
from villegraph.store import EmbeddedStore
from villegraph.synth import generate

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 300  # above networkx's 200-node threshold: igraph's betweenness and communities


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> N.ResearchNetwork:
    """The research network of `villegraph generate --people 300 --seed 3`, built."""
    from villegraph.build import build

    folder = tmp_path_factory.mktemp("generated")
    generate(
        folder / "net",
        people=PEOPLE,
        seed=3,
        themes_path=ONTOLOGY_DIR / "themes.ttl",
        roles_path=ROOT / "data" / "roles.ttl",
    )
    report = build(Settings(root=ROOT, data_dir=folder / "net", dist_dir=folder / "dist"))
    store = EmbeddedStore.from_dist(report.out_dir)
    try:
        return N.load_network(store)
    finally:
        store.close()


def _shared(items_of: dict[str, set[str]]) -> Counter[tuple[str, str]]:
    """(a, b) → items both hold, counted pair by pair."""
    holders: dict[str, set[str]] = {}
    for holder, items in items_of.items():
        for item in items:
            holders.setdefault(item, set()).add(holder)
    out: Counter[tuple[str, str]] = Counter()
    for group in holders.values():
        out.update(combinations(sorted(group), 2))
    return out


def test_pairs_count_shared_own_work_themes_and_sessions(generated: N.ResearchNetwork) -> None:
    pairs = N.person_pairs(generated)
    themes = _shared(N.own_work_themes(generated))
    sessions = _shared(N.person_sessions(generated))
    got = {
        (pairs.nodes[a], pairs.nodes[b]): (t, s)
        for a, b, t, s in zip(
            pairs.source.tolist(),
            pairs.target.tolist(),
            pairs.columns["shared_themes"].tolist(),
            pairs.columns["shared_sessions"].tolist(),
            strict=True,
        )
    }
    assert got == {key: (themes[key], sessions[key]) for key in themes.keys() | sessions.keys()}
    assert pairs.columns["weight"].tolist() == [t + s for t, s in got.values()]
    assert len(pairs.nodes) == PEOPLE and pairs.number_of_edges() > 1000
    assert any(t for t, _ in got.values()) and any(s for _, s in got.values())


def test_networkx_form_is_the_projection_edge_for_edge(generated: N.ResearchNetwork) -> None:
    pairs = N.person_pairs(generated)
    graph = N.project(generated, "person-person")
    assert list(graph.nodes(data=True)) == list(pairs.to_networkx().nodes(data=True))
    edges = list(graph.edges(data=True))
    assert len(edges) == pairs.number_of_edges()
    assert edges[0][2].keys() == {"relation", "weight", "shared_themes", "shared_sessions"}
    assert all(type(value) is int for _, _, d in edges for k, value in d.items() if k != "relation")
    assert nx.utils.graphs_equal(graph, pairs.to_networkx())


def test_analysis_and_page_are_the_same_from_the_arrays(generated: N.ResearchNetwork) -> None:
    pairs = N.view_graph(generated, "person-person")
    assert isinstance(pairs, N.PairGraph)
    graph = N.project(generated, "person-person")
    from_arrays, from_networkx = N.analyse(pairs, generated), N.analyse(graph, generated)
    assert from_arrays.methods["communities"] == "igraph multilevel (Louvain), seed 42"
    for field in ("degree", "degree_centrality", "betweenness", "community", "modularity"):
        assert getattr(from_arrays, field) == getattr(from_networkx, field), field
    assert len(set(from_arrays.community.values())) >= 2
    caps = [
        {},  # everything drawn
        {"max_nodes": 120, "max_edges": 150},  # the most central, the heaviest links, ties
        {"max_edges": 0},
        {"max_nodes": 50, "focus": pairs.nodes[-1]},  # a peripheral person kept
        {"overview_above": 0},
    ]
    for cap in caps:
        options = viz.VizOptions(graph_path="/graph/", **cap)
        a = viz.build_view(pairs, from_arrays, options, generated)
        b = viz.build_view(graph, from_networkx, options, generated)
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True), cap
    capped = viz.build_view(pairs, from_arrays, viz.VizOptions(max_nodes=120, max_edges=150))
    assert len(capped["nodes"]) == 120 and len(capped["edges"]) == 150
    assert len(capped["others"]) == PEOPLE - 120
    weights = sorted((e["w"] for e in capped["edges"]), reverse=True)
    assert weights[-1] <= weights[0]


def test_layout_input_follows_the_projection_order(generated: N.ResearchNetwork) -> None:
    """The layout is given the drawn nodes in the graph's order (a subgraph view of few nodes
    iterates a set of strings, whose order changed with the process's hash seed)."""
    graph = N.project(generated, "person-person")
    analysis = N.analyse(graph)
    selection = viz.select(graph, analysis, viz.VizOptions(max_nodes=40))
    drawn = set(selection.chosen)
    assert list(selection.shown.nodes) == [n for n in graph if n in drawn]
    assert selection.shown.number_of_edges() == 0
