"""Metrics of a projection: degree, betweenness, communities, and theme bridges."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from villegraph.errors import UsageError
from villegraph.network.model import ResearchNetwork
from villegraph.network.pairs import PairGraph
from villegraph.network.projections import org_hierarchy, person_themes

NX_EXACT_MAX_NODES = 200
"""Above this many nodes, betweenness and communities are computed with igraph.

networkx's exact betweenness is pure Python, O(n·m): about 0.1 s at 200 nodes, 4.7 s at 1,000
(bench_viz), 57 s at 2,500 (MEASUREMENTS.md), where igraph's C code takes 0.5 s at 2,500. Below
the threshold networkx is the reference implementation and costs nothing noticeable; above it
igraph computes the same exact values (tests compare them) and its multilevel (Louvain) method."""

IGRAPH_EXACT_MAX_NODES = 5000
"""Above this many nodes, betweenness is estimated from `BETWEENNESS_SAMPLES` sampled sources.

igraph's exact betweenness took 7 s on a 10,000-node, 20,000-edge graph; the estimate from 500
sources took 0.3 s and kept 88 of the 100 most central nodes (bench_viz's synthetic network)."""

BETWEENNESS_SAMPLES = 500

BETWEENNESS_EXACT_MAX_WORK = 100_000_000
"""Above this many nodes × edges, betweenness is estimated too, even under the node threshold.

Brandes' algorithm costs O(n·m): a dense projection is slow long before it has many nodes (the
person-person projection of 2,000 generated people has 725,000 edges; igraph's exact betweenness
took 13 s on it). The estimate then uses `BETWEENNESS_SAMPLE_WORK` / m sources (at least
`BETWEENNESS_MIN_SAMPLES`, at most `BETWEENNESS_SAMPLES`), about half a second."""

BETWEENNESS_SAMPLE_WORK = 50_000_000
BETWEENNESS_MIN_SAMPLES = 32


def betweenness_sources(nodes: int, edges: int) -> int | None:
    """How many sampled sources betweenness uses for this size, or None for the exact values."""
    if nodes <= IGRAPH_EXACT_MAX_NODES and nodes * edges <= BETWEENNESS_EXACT_MAX_WORK:
        return None
    wanted = min(
        BETWEENNESS_SAMPLES, max(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_SAMPLE_WORK // max(edges, 1))
    )
    return wanted if wanted < nodes else None


DEFAULT_SEED = 42

# -- metrics ------------------------------------------------------------------------------------


@dataclass
class Analysis:
    """Metrics of one projection, per node, with the methods that computed them."""

    projection: str
    nodes: int
    edges: int
    degree: dict[str, int]
    degree_centrality: dict[str, float]
    betweenness: dict[str, float]
    community: dict[str, int]
    modularity: float
    methods: dict[str, str]
    bridges: dict[str, Bridge] = field(default_factory=dict)

    def rows(self, graph: nx.Graph, sort: str = "betweenness") -> list[dict[str, Any]]:
        """One dict per node, sorted by `sort` (descending), then by label."""
        keys = {
            "betweenness": lambda r: (-r["betweenness"], -r["degree"], r["label"]),
            "degree": lambda r: (-r["degree"], -r["betweenness"], r["label"]),
            "bridge": lambda r: (-r["bridge_score"], -r["betweenness"], r["label"]),
        }
        if sort not in keys:
            raise UsageError(f"unknown sort key {sort!r}; choose one of {', '.join(keys)}")
        rows = []
        for iri, data in graph.nodes(data=True):
            bridge = self.bridges.get(iri)
            rows.append(
                {
                    "iri": iri,
                    "label": data.get("label_fr", iri),
                    "kind": data.get("kind", ""),
                    "degree": self.degree[iri],
                    "degree_centrality": round(self.degree_centrality[iri], 6),
                    "betweenness": round(self.betweenness[iri], 6),
                    "community": self.community[iri],
                    "bridge_score": round(bridge.score, 6) if bridge else 0.0,
                    "theme_communities": bridge.communities if bridge else 0,
                }
            )
        rows.sort(key=keys[sort])
        return rows


@dataclass(frozen=True)
class Bridge:
    """A person or organisation whose themes fall in several theme communities."""

    iri: str
    score: float
    communities: int
    themes: int


def analyse(
    graph: nx.Graph | PairGraph,
    network: ResearchNetwork | None = None,
    *,
    seed: int = DEFAULT_SEED,
) -> Analysis:
    """Degree, betweenness, communities and (with `network`) bridges of a projection.

    A `PairGraph` gives the same analysis as its networkx form, read from its arrays.
    """
    if isinstance(graph, PairGraph) and graph.number_of_nodes() <= NX_EXACT_MAX_NODES:
        graph = graph.to_networkx()
    small: nx.Graph | None = None
    if isinstance(graph, PairGraph):
        order, ig = graph.to_igraph()
        degrees = dict(zip(order, graph.degree().tolist(), strict=True))
    else:
        undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
        degrees = dict(undirected.degree())
        if undirected.number_of_nodes() <= NX_EXACT_MAX_NODES:
            small = undirected
        else:
            order, ig = to_igraph(undirected)
    if small is not None:
        betweenness = nx.betweenness_centrality(small, normalized=True)
        community, modularity = _nx_louvain(small, seed)
        methods = {
            "betweenness": "networkx exact (normalised)",
            "communities": f"networkx Louvain, seed {seed}",
        }
    else:
        betweenness, community, modularity = _igraph_metrics(order, ig, seed)
        sources = betweenness_sources(len(order), ig.ecount())
        methods = {
            "betweenness": (
                f"igraph sampled, {sources} sources, seed {seed} (normalised)"
                if sources
                else "igraph exact (normalised)"
            ),
            "communities": f"igraph multilevel (Louvain), seed {seed}",
        }
    analysis = Analysis(
        projection=str(graph.graph.get("projection", "")),
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        degree=degrees,
        degree_centrality=_degree_centrality(degrees),
        betweenness=betweenness,
        community=community,
        modularity=modularity,
        methods=methods,
    )
    if network is not None:
        analysis.bridges = {b.iri: b for b in bridges(network, seed=seed)}
        methods["bridges"] = "participation coefficient over theme co-occurrence communities"
    return analysis


def _degree_centrality(degrees: dict[str, int]) -> dict[str, float]:
    """Degree over n − 1, computed as networkx's `degree_centrality` does."""
    if len(degrees) < 2:
        return {n: 0.0 for n in degrees}
    scale = 1.0 / (len(degrees) - 1.0)
    return {n: d * scale for n, d in degrees.items()}


def _nx_louvain(graph: nx.Graph, seed: int) -> tuple[dict[str, int], float]:
    if graph.number_of_edges() == 0:
        return {n: i for i, n in enumerate(sorted(graph))}, 0.0
    parts = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    community = {n: i for i, part in enumerate(parts) for n in part}
    modularity = nx.community.modularity(graph, parts, weight="weight")
    return community, float(modularity)


def _igraph_metrics(
    order: list[str], ig: Any, seed: int
) -> tuple[dict[str, float], dict[str, int], float]:
    """Betweenness (exact or sampled), seeded multilevel communities and their modularity."""
    n = len(order)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    samples = betweenness_sources(n, ig.ecount())
    if samples:
        # Brandes–Pich estimate: shortest paths from a seeded sample of sources, scaled up
        sources = random.Random(seed).sample(range(n), samples)
        raw = ig.betweenness(directed=False, sources=sources)
        scale *= n / samples
    else:
        raw = ig.betweenness(directed=False)
    betweenness = {order[i]: raw[i] * scale for i in range(n)}
    weights = "weight" if "weight" in ig.es.attributes() else None
    with seeded_igraph(seed):
        clustering = ig.community_multilevel(weights=weights)
    parts = sorted(
        (sorted(order[i] for i in part) for part in clustering), key=lambda p: (-len(p), p[0])
    )
    community = {node: i for i, part in enumerate(parts) for node in part}
    return betweenness, community, float(clustering.modularity)


def edge_triples(graph: nx.Graph) -> list[tuple[Any, Any, dict[str, Any]]]:
    """(u, v, data) for every edge, each once, read straight from the adjacency.

    The same edges, in the same order, as `graph.edges(data=True)`, at about a third of its
    cost on an undirected graph (its view wraps every step in Python generators): 725,000 edges
    are read twice per page of the person-person projection of 2,000 people.
    """
    if graph.is_directed():
        return list(graph.edges(data=True))
    seen: set[Any] = set()
    out = []
    for u, neighbours in graph.adjacency():
        for v, data in neighbours.items():
            if v not in seen:
                out.append((u, v, data))
        seen.add(u)
    return out


def to_igraph(graph: nx.Graph) -> tuple[list[str], Any]:
    """(node order, igraph.Graph) with edge weights when the graph has them."""
    import igraph

    order = sorted(graph.nodes)
    index = {node: i for i, node in enumerate(order)}
    edges = []
    weights = []
    weighted = False
    for u, v, d in edge_triples(graph):  # one pass: 725,000 edges at 2,000 people
        edges.append((index[u], index[v]))
        weight = d.get("weight")
        weighted = weighted or weight is not None
        weights.append(1.0 if weight is None else float(weight))
    ig = igraph.Graph(n=len(order), edges=edges, directed=False)
    if weighted:
        ig.es["weight"] = weights
    return order, ig


class seeded_igraph:
    """Run igraph's random choices from a seeded generator, then restore the default."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __enter__(self) -> None:
        import igraph

        igraph.set_random_number_generator(random.Random(self.seed))

    def __exit__(self, *exc: object) -> None:
        import igraph

        igraph.set_random_number_generator(random)


def theme_cooccurrence(network: ResearchNetwork) -> nx.Graph:
    """Themes linked when subjects of one talk or session (weight = how many), or by broader."""
    graph = nx.Graph()
    by_event: dict[str, list[str]] = defaultdict(list)
    for link in network.links:
        if link.relation == "subject":
            by_event[link.source].append(link.target)
            graph.add_node(link.target)
        elif link.relation == "broader":
            graph.add_edge(link.source, link.target, weight=1)
    for themes in by_event.values():
        unique = sorted(set(themes))
        for i, a in enumerate(unique):
            for b in unique[i + 1 :]:
                weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
                graph.add_edge(a, b, weight=weight)
    return graph


def agent_themes(network: ResearchNetwork) -> dict[str, set[str]]:
    """People's themes (talks and sessions) and organisations' themes (members, sub-orgs)."""
    out: dict[str, set[str]] = {p: set(c) for p, c in person_themes(network).items()}
    org_themes: dict[str, set[str]] = defaultdict(set)
    for link in network.links:
        if link.relation == "member-of":
            org_themes[link.target] |= out.get(link.source, set())
    hierarchy = org_hierarchy(network)
    for org_iri in network.of_kind("org"):
        collected = set(org_themes.get(org_iri, set()))
        for child in nx.ancestors(hierarchy, org_iri):
            collected |= org_themes.get(child, set())
        if collected:
            out[org_iri] = collected
    return out


def bridges(network: ResearchNetwork, *, seed: int = DEFAULT_SEED) -> list[Bridge]:
    """People and organisations spanning two or more theme communities, best first."""
    cooc = theme_cooccurrence(network)
    community, _ = _nx_louvain(cooc, seed) if len(cooc) else ({}, 0.0)
    found = []
    for agent, themes in agent_themes(network).items():
        counts = Counter(community[t] for t in themes if t in community)
        total = sum(counts.values())
        if len(counts) < 2 or total == 0:
            continue
        score = 1.0 - sum((k / total) ** 2 for k in counts.values())
        found.append(Bridge(agent, score, len(counts), total))
    found.sort(key=lambda b: (-b.score, -b.communities, b.iri))
    return found
