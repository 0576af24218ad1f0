"""Network projections and metrics, on a small hand-made graph and on the real build."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import httpx
import networkx as nx
import pyoxigraph as ox
import pytest
from fixtures_stores import StoreServer

from villegraph import network as N
from villegraph.errors import StoreError, UsageError
from villegraph.remote import RemoteStore
from villegraph.store import EmbeddedStore, SelectResult

SMALL = Path(__file__).parent / "data" / "network" / "small.ttl"
B = "https://w3id.org/villegraph/"
ALICE, BOB = B + "person/alice", B + "person/bob"
LAB, UNI = B + "org/lab", B + "org/uni"
S1, S2, CYCLE, T1 = B + "event/s1", B + "event/s2", B + "event/cycle", B + "talk/t1"
TOP, TA, TB, TC = B + "theme/top", B + "theme/a", B + "theme/b", B + "theme/c"
P1 = B + "place/p1"


@pytest.fixture(scope="module")
def small() -> N.ResearchNetwork:
    store = EmbeddedStore()
    store.oxigraph.load(path=str(SMALL), format=ox.RdfFormat.TURTLE)
    return N.load_network(store)


def test_nodes_have_kinds_and_roles_are_not_nodes(small: N.ResearchNetwork) -> None:
    kinds = Counter(info.kind for info in small.nodes.values())
    assert kinds == {"theme": 4, "event": 3, "person": 2, "org": 2, "talk": 1, "place": 1}
    assert B + "role/researcher" not in small.nodes
    assert small.nodes[LAB].subtype == "research unit"
    assert small.nodes[S1].subtype == "session"


def test_labels_by_language_with_fallback(small: N.ResearchNetwork) -> None:
    theme = small.nodes[TA]
    assert (theme.label("fr"), theme.label("en")) == ("données", "data")
    assert small.nodes[ALICE].label("en") == "<img src=x onerror=alert(1)>"
    assert small.nodes[T1].label("en") == "Exposé"  # only French: used for English too


def test_full_network_edges_follow_the_documented_relations(small: N.ResearchNetwork) -> None:
    graph = N.project(small, "full")
    assert graph.number_of_nodes() == 13
    got = {
        (d["subject"], d["relation"], v if d["subject"] == u else u)
        for u, v, d in graph.edges(data=True)
    }
    assert got == {
        (CYCLE, "organiser", UNI),
        (S1, "part-of", CYCLE),
        (S2, "part-of", CYCLE),
        (T1, "part-of", S1),
        (S1, "speaker", ALICE),
        (S1, "speaker", BOB),
        (S2, "speaker", BOB),
        (T1, "presenter", ALICE),
        (S1, "subject", TA),
        (S2, "subject", TC),
        (T1, "subject", TA),
        (T1, "subject", TB),
        (T1, "studies", P1),
        (LAB, "sub-org-of", UNI),
        (ALICE, "member-of", LAB),
        (BOB, "member-of", UNI),
        (TA, "broader", TOP),
    }
    assert graph.edges[ALICE, LAB]["role"] == B + "role/researcher"
    assert graph.edges[ALICE, LAB]["title"] == "chercheuse"
    # inverse properties are read once: skos:narrower and org:hasSubOrganization add nothing
    assert graph.number_of_edges() == 17


def test_person_theme_is_bipartite_and_weighted_by_evidence(small: N.ResearchNetwork) -> None:
    graph = N.project(small, "person-theme")
    assert nx.is_bipartite(graph)
    assert {n for n, d in graph.nodes(data=True) if d["bipartite"] == 0} == {ALICE, BOB}
    weights = {
        (u, v) if u in (ALICE, BOB) else (v, u): d["weight"] for u, v, d in graph.edges(data=True)
    }
    # alice: theme a from her talk and from session 1; b from her talk; bob: a (s1), c (s2)
    assert weights == {(ALICE, TA): 2, (ALICE, TB): 1, (BOB, TA): 1, (BOB, TC): 1}
    levels = {
        (u, v) if u in (ALICE, BOB) else (v, u): d["level"] for u, v, d in graph.edges(data=True)
    }
    # only her talk is Alice's own work; Bob only spoke in sessions
    assert levels == {
        (ALICE, TA): "own work",
        (ALICE, TB): "own work",
        (BOB, TA): "session context",
        (BOB, TC): "session context",
    }


def test_person_person_counts_own_work_themes_only(small: N.ResearchNetwork) -> None:
    graph = N.project(small, "person-person")
    data = graph.edges[ALICE, BOB]
    # theme a is Alice's own work but only session context for Bob: not a shared theme
    assert (data["shared_themes"], data["shared_sessions"], data["weight"]) == (0, 1, 1)
    # two talks stating the same theme: shared own work
    people = {f"p{i}": N.NodeInfo(f"p{i}", "person") for i in range(3)}
    others = {i: N.NodeInfo(i, k) for i, k in [("t1", "talk"), ("t2", "talk"), ("s", "event")]}
    theme = {"x": N.NodeInfo("x", "theme")}
    research = N.ResearchNetwork(
        {**people, **others, **theme},
        [
            N.Link("t1", "presenter", "p0"),
            N.Link("t2", "presenter", "p1"),
            N.Link("s", "speaker", "p2"),
            N.Link("t1", "subject", "x"),
            N.Link("t2", "subject", "x"),
            N.Link("s", "subject", "x"),
        ],
    )
    shared = N.project(research, "person-person")
    assert list(shared.edges(data="shared_themes")) == [("p0", "p1", 1)]


def test_with_works_on_draws_person_theme_links_with_their_level(
    small: N.ResearchNetwork,
) -> None:
    full = N.project(small, "full")
    view = N.with_works_on(full, small)
    added = {
        (u, v) if u in (ALICE, BOB) else (v, u): d["level"]
        for u, v, d in view.edges(data=True)
        if d["relation"] == "works-on"
    }
    assert added == {
        (ALICE, TA): "own work",
        (ALICE, TB): "own work",
        (BOB, TA): "session context",
        (BOB, TC): "session context",
    }
    assert full.number_of_edges() == 17 and view.number_of_edges() == 21
    assert set(N.ego(view, ALICE, 1)) == {ALICE, S1, T1, LAB, TA, TB}
    person_person = N.project(small, "person-person")
    assert N.with_works_on(person_person, small) is person_person


def test_summaries_say_who_and_what_in_words(small: N.ResearchNetwork) -> None:
    from villegraph.network.summary import summaries

    fr, en = summaries(small, "fr"), summaries(small, "en")
    assert fr[BOB] == "Université & Cie — 2 thèmes des séances où la personne intervient"
    assert en[ALICE] == (
        "chercheuse, Laboratoire href=javascript:alert(3) (Université & Cie) — 1 talk — "
        "2 themes from their talk"
    )
    assert fr[TA] == "1 personne en travail propre — 1 personne en contexte de séance"
    assert en[S1] == "1 talk — 2 speakers — 1 theme"


def test_dense_graphs_get_a_sampled_betweenness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Brandes costs nodes × edges: a dense projection is sampled before it has many nodes."""
    assert N.metrics.betweenness_sources(2000, 725_000) == 68
    assert N.metrics.betweenness_sources(1000, 2000) is None
    assert N.metrics.betweenness_sources(10_000, 20_000) == 500
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(300, 40, seed=2), str)
    assert N.analyse(graph).methods["betweenness"] == "igraph exact (normalised)"
    monkeypatch.setattr(N.metrics, "BETWEENNESS_EXACT_MAX_WORK", 1_000_000)
    monkeypatch.setattr(N.metrics, "BETWEENNESS_SAMPLE_WORK", 1_000_000)
    sampled = N.analyse(graph, seed=4)
    assert sampled.methods["betweenness"].startswith("igraph sampled, 96 sources, seed 4")
    assert sampled.betweenness == N.analyse(graph, seed=4).betweenness


def test_org_hierarchy_is_directed_child_to_parent(small: N.ResearchNetwork) -> None:
    graph = N.project(small, "org-hierarchy")
    assert graph.is_directed()
    assert list(graph.edges) == [(LAB, UNI)]


def test_unknown_projection_is_a_usage_error(small: N.ResearchNetwork) -> None:
    with pytest.raises(UsageError, match="unknown projection 'people'"):
        N.project(small, "people")


def test_betweenness_exact_values_on_small_graph(small: N.ResearchNetwork) -> None:
    analysis = N.analyse(N.project(small, "full"), small)
    assert analysis.methods["betweenness"].startswith("networkx exact")
    # a leaf has no betweenness; session 1 sits on most shortest paths
    assert analysis.betweenness[P1] == 0.0
    assert max(analysis.betweenness, key=analysis.betweenness.get) == S1
    assert analysis.degree[S1] == 5


def test_igraph_path_agrees_with_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = nx.gnm_random_graph(120, 300, seed=3)
    graph = nx.relabel_nodes(graph, {i: f"n{i}" for i in graph})
    exact = N.analyse(graph)
    monkeypatch.setattr(N.metrics, "NX_EXACT_MAX_NODES", 10)
    fast = N.analyse(graph)
    assert fast.methods["betweenness"].startswith("igraph")
    for node in graph:
        assert fast.betweenness[node] == pytest.approx(exact.betweenness[node], abs=1e-9)
    assert 0.2 < fast.modularity < 0.8


def test_large_graphs_get_a_seeded_betweenness_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=5), lambda i: f"n{i:03}")
    exact = N.analyse(graph).betweenness
    monkeypatch.setattr(N.metrics, "NX_EXACT_MAX_NODES", 10)
    monkeypatch.setattr(N.metrics, "IGRAPH_EXACT_MAX_NODES", 100)
    monkeypatch.setattr(N.metrics, "BETWEENNESS_SAMPLES", 100)
    first, second = N.analyse(graph, seed=3), N.analyse(graph, seed=3)
    assert first.methods["betweenness"].startswith("igraph sampled, 100 sources, seed 3")
    assert first.betweenness == second.betweenness, "the same seed gives the same estimate"
    assert first.betweenness != exact, "an estimate, not the exact values"

    def top(values: dict[str, float]) -> set[str]:
        return set(sorted(values, key=lambda n: (-values[n], n))[:10])

    assert len(top(first.betweenness) & top(exact)) >= 7, "the central nodes are still found"
    assert sum(first.betweenness.values()) == pytest.approx(sum(exact.values()), rel=0.25)


@pytest.mark.parametrize("limit", [10_000, 10])
def test_communities_are_reproducible_with_a_seed(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(N.metrics, "NX_EXACT_MAX_NODES", limit)
    graph = nx.relabel_nodes(nx.connected_caveman_graph(6, 8), str)
    first = N.analyse(graph, seed=7).community
    random.seed(12345)  # global state must not matter
    second = N.analyse(graph, seed=7).community
    assert first == second
    assert len(set(first.values())) == 6  # the six caves


def _two_theme_clusters() -> N.ResearchNetwork:
    nodes = {
        iri: N.NodeInfo(iri, kind)
        for iri, kind in [
            ("p", "person"),
            ("q", "person"),
            ("x", "talk"),
            ("y", "talk"),
            ("o", "org"),
            ("a1", "theme"),
            ("a2", "theme"),
            ("a3", "theme"),
            ("b1", "theme"),
            ("b2", "theme"),
            ("b3", "theme"),
        ]
    }
    links = [
        N.Link("x", "presenter", "p"),
        N.Link("y", "presenter", "p"),
        N.Link("x", "presenter", "q"),
        N.Link("q", "member-of", "o"),
    ]
    links += [N.Link("x", "subject", t) for t in ("a1", "a2", "a3")]
    links += [N.Link("y", "subject", t) for t in ("b1", "b2", "b3")]
    return N.ResearchNetwork(nodes, links)


def test_bridges_span_theme_communities() -> None:
    found = {b.iri: b for b in N.bridges(_two_theme_clusters())}
    # p works on both clusters (3 + 3 themes): participation 1 - 2 * (1/2)^2 = 0.5
    assert set(found) == {"p"}
    assert found["p"].score == pytest.approx(0.5)
    assert found["p"].communities == 2


def test_organisations_inherit_member_themes() -> None:
    themes = N.agent_themes(_two_theme_clusters())
    assert themes["o"] == {"a1", "a2", "a3"}


def test_ego_and_theme_views(small: N.ResearchNetwork) -> None:
    graph = N.project(small, "full")
    assert set(N.ego(graph, ALICE, 1)) == {ALICE, S1, T1, LAB}
    assert set(N.ego(graph, ALICE, 0)) == {ALICE}
    view = N.theme_view(graph, TOP)
    # top, its narrower theme a, and non-theme nodes within two links of them
    assert {TOP, TA, S1, T1, ALICE, BOB, CYCLE, P1} <= set(view)
    assert TB not in view and TC not in view
    with pytest.raises(UsageError, match="no node"):
        N.ego(graph, B + "person/nobody", 1)
    with pytest.raises(UsageError, match="no theme"):
        N.theme_view(graph, ALICE)


def test_truncated_results_are_an_error() -> None:
    class Cut:
        def select(self, query: str, *args: object, **kw: object) -> SelectResult:
            return SelectResult(["node", "type"], [], truncated=True)

    with pytest.raises(StoreError, match="cut the network query short"):
        N.load_network(Cut())  # type: ignore[arg-type]


def test_graphml_and_gexf_round_trip_with_labels_and_kinds(
    small: N.ResearchNetwork, tmp_path: Path
) -> None:
    graph = N.project(small, "full")
    flat = N.flat_copy(N.with_metrics(graph, N.analyse(graph, small)))
    nx.write_graphml(flat, tmp_path / "n.graphml")
    nx.write_gexf(flat, tmp_path / "n.gexf")
    back = nx.read_graphml(tmp_path / "n.graphml")
    assert back.nodes[ALICE]["label_fr"] == "<img src=x onerror=alert(1)>"
    assert back.nodes[ALICE]["kind"] == "person"
    assert back.nodes[S1]["degree"] == 5
    assert back.edges[T1, S1]["relation"] == "part-of"
    gexf = nx.read_gexf(tmp_path / "n.gexf")
    assert gexf.number_of_nodes() == 13 and gexf.number_of_edges() == 17
    assert gexf.nodes[UNI]["label"] == "Université & Cie"


def test_metrics_graph_answers_sparql(small: N.ResearchNetwork) -> None:
    graph = N.project(small, "full")
    analysis = N.analyse(graph, small)
    graph_iri, metrics = N.metrics_graph(analysis, B)
    assert graph_iri == B + "graph/network-full"
    store = EmbeddedStore()
    store.oxigraph.load(N.metrics_trig(analysis, B), format=ox.RdfFormat.TRIG)
    assert store.graphs() == [graph_iri]
    top = store.select(
        """PREFIX vg: <https://w3id.org/villegraph/def#>
        SELECT ?node WHERE { GRAPH ?g { ?node vg:betweennessCentrality ?b } }
        ORDER BY DESC(?b) LIMIT 1"""
    )
    assert str(top.rows[0][0]) == S1
    assert store.ask(
        """PREFIX vg: <https://w3id.org/villegraph/def#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        ASK { vg:degree rdfs:label "degree"@en, "degré"@fr }"""
    )
    assert len(metrics) == store.triple_count(graph_iri)


def test_real_build_network(built_store: EmbeddedStore) -> None:
    research = N.load_network(built_store)
    people = research.of_kind("person")
    assert people == [
        B + "person/carole-anne-tisserand",
        B + "person/deborah-autheman",
        B + "person/jean-baptiste-chambon",
    ]
    full = N.project(research, "full")
    assert nx.is_connected(full.subgraph(n for n in full if full.degree(n)))
    shared = N.project(research, "person-person")
    # the three speakers share session 5
    assert shared.number_of_edges() == 3
    assert all(d["shared_sessions"] >= 1 for _, _, d in shared.edges(data=True))
    bridges = {b.iri for b in N.bridges(research)}
    assert set(people) <= bridges


@pytest.mark.store
def test_remote_endpoint_gives_the_same_network(
    oxigraph_server: StoreServer, built_dist: Path, built_store: EmbeddedStore
) -> None:
    """The projections read over SPARQL protocol (Oxigraph server) equal the embedded ones."""
    dump = (built_dist / "villegraph.nq").read_bytes()
    response = httpx.post(
        oxigraph_server.gsp_url, content=dump, headers={"Content-Type": "application/n-quads"}
    )
    assert response.status_code in (200, 201, 204)
    remote = RemoteStore(
        oxigraph_server.query_url, timeout=30, update_endpoint=oxigraph_server.update_url
    )
    try:
        far, near = N.load_network(remote), N.load_network(built_store)
        for projection in N.PROJECTIONS:
            a, b = N.project(far, projection), N.project(near, projection)
            assert sorted(a.nodes(data=True)) == sorted(b.nodes(data=True))
            assert sorted(map(sorted, a.edges())) == sorted(map(sorted, b.edges()))
    finally:
        for graph in built_store.graphs():
            remote.update(f"DROP SILENT GRAPH <{graph}>")
        remote.close()
