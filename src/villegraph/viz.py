"""networkx graph → one self-contained, offline HTML page drawn with vis-network.

How pyvis is used: for its bundled vis-network build (`pyvis/lib/vis-9.1.2/vis-network.min.js`,
inlined in the page) and its option model (`pyvis.options.Options`, turned into the JSON options
vis-network reads). pyvis's own page template is not used: it references Bootstrap on a CDN in
every `cdn_resources` mode and does not escape labels, and `Network.add_edge` scans every existing
edge (quadratic). The page is rendered by our Jinja2 template with autoescaping; node and edge
lists are written directly as JSON into a `<script type="application/json">` block with `<`, `>`,
`&`, U+2028 and U+2029 escaped, and the page script builds the DOM with `textContent` only.

Large graphs stay usable: positions are precomputed with igraph's Fruchterman–Reingold layout
(seeded; above `overview_above` drawn nodes, one layout per community, which the page opens as
clusters), physics runs only up to `physics_max_nodes` nodes and is switched off once stabilised,
and at most `max_nodes` nodes are drawn (the most central ones), with a visible notice of what
was left out; the nodes left out stay in the page's search (`others`), which opens their
neighbourhood. Edge labels are drawn only for the hovered or selected node's links; node labels
are placed by the page (below, else above, else left to the tooltip) so that they do not overlap.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import numpy as np
from markupsafe import Markup

from villegraph.errors import UsageError
from villegraph.network import (
    KIND_LABELS,
    KINDS,
    Analysis,
    ResearchNetwork,
    relation_label,
    seeded_igraph,
)
from villegraph.network.metrics import edge_triples
from villegraph.network.pairs import PairGraph
from villegraph.network.projections import OWN_WORK
from villegraph.network.summary import all_summaries

ASSETS = "viz_assets"
VIS_NETWORK = ("pyvis", "lib/vis-9.1.2/vis-network.min.js")

KIND_STYLE: dict[str, tuple[str, str]] = {
    "person": ("#B86E00", "dot"),
    "org": ("#0072B2", "square"),
    "event": ("#D55E00", "diamond"),
    "talk": ("#B8478A", "triangle"),
    "theme": ("#008060", "hexagon"),
    "place": ("#2B83BA", "star"),
    "programme": ("#8A7E00", "triangleDown"),
}
"""Kind → (colour, vis-network shape): Okabe–Ito hues (told apart by colour-blind readers),
darkened where needed so that every colour has a contrast of at least 3:1 on the white page
(WCAG 1.4.11); the shape tells the kinds apart as well."""

OTHER_STYLE = ("#767676", "dot")


OVERVIEW_ABOVE = 400
"""Default: above this many drawn nodes the page opens on an overview of communities."""


@dataclass(frozen=True)
class VizOptions:
    """What the page shows and how."""

    lang: str = "fr"
    title: str = "villegraph"
    max_nodes: int = 5000
    max_edges: int = 20_000
    physics_max_nodes: int = 300
    seed: int = 42
    base_iri: str | None = None
    """IRIs under this base link to `link_prefix` + the rest (e.g. `/person/x` on the server)."""
    link_prefix: str | None = None
    graph_path: str | None = None
    """Path of the server's network page, for "focus on this node" links (None in files)."""
    focus: str | None = None
    overview_above: int = OVERVIEW_ABOVE
    """With more drawn nodes than this (and no focus), the page opens on an overview of
    communities: 0 always, a number at or above `max_nodes` never."""

    def __post_init__(self) -> None:
        if self.lang not in ("fr", "en"):
            raise UsageError(f"language {self.lang!r}: choose fr or en")
        if self.max_nodes < 1:
            raise UsageError(f"node cap {self.max_nodes} must be at least 1")
        if self.max_edges < 0:
            raise UsageError(f"edge cap {self.max_edges} must be 0 or more")
        if self.overview_above < 0:
            raise UsageError(f"overview threshold {self.overview_above} must be 0 or more")


# -- the page data --------------------------------------------------------------------------


@dataclass
class Selection:
    """What the page draws of a projection, and what it needs to say about the rest."""

    chosen: list[Any]
    """Drawn nodes, most central first (the focus always among them)."""
    edges: list[tuple[Any, Any, dict[str, Any]]]
    """Drawn links (u, v, attributes)."""
    shown: nx.Graph
    """The drawn nodes in the projection's order, without links: what the layout is given.

    Not `graph.subgraph(chosen)`: a subgraph of less than half the nodes iterates them in the
    order of a set of strings, which changes with the process's hash seed, and so did the
    layout."""
    data: Mapping[Any, Mapping[str, Any]]
    """Node → attributes, for every node of the projection, in its order."""
    degree: Mapping[Any, int]
    edges_between: int
    """Links between drawn nodes, drawn or not."""


def select_nodes(graph: nx.Graph, analysis: Analysis | None, cap: int, keep: str | None) -> list:
    """The `cap` most central nodes (betweenness, then degree), always including `keep`."""
    degree = dict(graph.degree())
    return _most_central(list(graph.nodes), degree, analysis, cap, keep)


def _most_central(
    nodes: list[Any], degree: Mapping[Any, int], analysis: Analysis | None, cap: int, keep: Any
) -> list[Any]:
    if len(nodes) <= cap:
        return nodes
    between = analysis.betweenness if analysis else {}
    nodes = sorted(nodes, key=lambda n: (-between.get(n, 0.0), -degree[n], str(n)))
    chosen = nodes[:cap]
    if keep is not None and keep in degree and keep not in chosen:
        chosen[-1] = keep
    return chosen


def select_edges(graph: nx.Graph, nodes: list, between: dict, cap: int) -> list:
    """Edges between `nodes`, at most `cap`: the heaviest, then those between central nodes.

    Reads the graph's adjacency directly (a subgraph view filters every neighbour and took 9 s
    on the 725,000 edges of the person-person projection of 2,000 people) and finds the cap-th
    weight by sorting plain floats instead of every edge by a tuple key.
    """
    keep = set(nodes)
    edges = edge_triples(graph)
    if len(keep) < graph.number_of_nodes():
        edges = [(u, v, d) for u, v, d in edges if u in keep and v in keep]
    if len(edges) <= cap:
        return edges
    if cap == 0:
        return []
    # the weight of the cap-th heaviest edge, from a sort of plain floats; heavier edges are all
    # kept, and the ties at that weight are ranked by the betweenness of their ends
    weights = [float(d.get("weight", 1)) for _, _, d in edges]
    threshold = sorted(weights, reverse=True)[cap - 1]
    kept = [e for e, w in zip(edges, weights, strict=True) if w > threshold]
    ties = [e for e, w in zip(edges, weights, strict=True) if w == threshold]
    ties.sort(key=lambda e: -(between.get(e[0], 0) + between.get(e[1], 0)))
    kept.extend(ties[: cap - len(kept)])
    return kept


def select(
    graph: nx.Graph | PairGraph, analysis: Analysis | None, options: VizOptions
) -> Selection:
    """The drawn nodes and links of a networkx graph or of a `PairGraph`."""
    if isinstance(graph, PairGraph):
        return _select_pairs(graph, analysis, options)
    chosen = select_nodes(graph, analysis, options.max_nodes, options.focus)
    between = analysis.betweenness if analysis else {}
    edges = select_edges(graph, chosen, between, options.max_edges)
    drawn = set(chosen)
    return Selection(
        chosen=chosen,
        edges=edges,
        shown=_in_order(graph.nodes, drawn),
        data=graph.nodes,
        degree=dict(graph.degree()),
        edges_between=(
            graph.number_of_edges()
            if len(chosen) == graph.number_of_nodes()
            else sum(1 for u, v, _ in edge_triples(graph) if u in drawn and v in drawn)
        ),
    )


def _in_order(nodes: Iterable[Any], drawn: set[Any]) -> nx.Graph:
    """A graph of the drawn nodes, in the order of `nodes`."""
    shown = nx.Graph()
    shown.add_nodes_from(node for node in nodes if node in drawn)
    return shown


def _select_pairs(pairs: PairGraph, analysis: Analysis | None, options: VizOptions) -> Selection:
    """`select` on arrays: the same nodes and links, in the same order, as on the networkx
    form of `pairs`, without a Python object per link."""
    degrees = pairs.degree()
    degree = dict(zip(pairs.nodes, degrees.tolist(), strict=True))
    chosen = _most_central(pairs.nodes, degree, analysis, options.max_nodes, options.focus)
    drawn = set(chosen)
    mask = np.array([node in drawn for node in pairs.nodes], dtype=bool)
    inside = np.flatnonzero(mask[pairs.source] & mask[pairs.target])
    cap = options.max_edges
    if len(inside) > cap:
        weights = pairs.weights()[inside]
        if cap == 0:
            inside = inside[:0]
        else:
            # as select_edges: every link above the cap-th weight, then the ties at that
            # weight ranked (stably) by the betweenness of their ends
            threshold = np.sort(weights)[::-1][cap - 1]
            between = analysis.betweenness if analysis else {}
            central = np.array([between.get(node, 0) for node in pairs.nodes], dtype=np.float64)
            ties = inside[weights == threshold]
            rank = np.argsort(
                -(central[pairs.source[ties]] + central[pairs.target[ties]]), kind="stable"
            )
            kept = inside[weights > threshold]
            inside = np.concatenate([kept, ties[rank][: cap - len(kept)]])
    return Selection(
        chosen=chosen,
        edges=pairs.edge_data(inside.tolist()),
        shown=_in_order(pairs.nodes, drawn),
        data=dict(zip(pairs.nodes, pairs.attrs, strict=True)),
        degree=degree,
        edges_between=int(np.count_nonzero(mask[pairs.source] & mask[pairs.target])),
    )


GRID_ABOVE = 200
"""Components of more nodes are laid out with Fruchterman–Reingold's grid approximation."""


def layout(graph: nx.Graph, seed: int, edges: list | None = None) -> dict[Any, tuple[float, float]]:
    """Seeded Fruchterman–Reingold positions from igraph, scaled to the node count, centred.

    `edges` (default: the graph's) are the links the layout pulls on: the drawn ones. Each
    connected component is laid out on its own and the components are packed in rows below the
    largest, so that isolated nodes do not fly to the edges and shrink the network to a dot
    when the page fits it to the screen.
    """
    order = list(graph.nodes)
    if not order:
        return {}
    import igraph

    index = {node: i for i, node in enumerate(order)}
    pairs = graph.edges() if edges is None else [(e[0], e[1]) for e in edges]
    ig = igraph.Graph(n=len(order), edges=[(index[u], index[v]) for u, v in pairs])
    unit = 160.0  # canvas units per √node, the spread of the largest component
    placed: dict[int, tuple[float, float]] = {}
    components = sorted(ig.connected_components(), key=lambda c: (-len(c), min(c)))
    cursor_x = cursor_y = row_height = 0.0
    row_width = 0.0
    for number, members in enumerate(components):
        size = len(members)
        if size == 1:
            coords = [(0.0, 0.0)]
        else:
            sub = ig.induced_subgraph(members)
            # repulsion between grid neighbours only above GRID_ABOVE nodes (igraph's own
            # choice is above 1,000): 6× faster at 660 nodes, for the clusters of an overview
            with seeded_igraph(seed):  # igraph's own random start, from a seeded generator
                found = sub.layout_fruchterman_reingold(niter=300, grid=size > GRID_ABOVE)
            coords = [tuple(c) for c in found.coords]
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        extent = unit * math.sqrt(size) if size > 1 else 0.0
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        local = [((x - cx) / span * extent, (y - cy) / span * extent) for x, y in coords]
        if number == 0:
            row_width = max(extent, unit * 4)
            cursor_x, cursor_y = -row_width / 2, extent / 2 + unit
            for i, (x, y) in zip(members, local, strict=True):
                placed[i] = (x, y)
            continue
        width = extent + unit * 0.8
        if cursor_x + width > row_width / 2:
            cursor_x = -row_width / 2
            cursor_y += row_height + unit * 0.5
            row_height = 0.0
        for i, (x, y) in zip(members, local, strict=True):
            placed[i] = (cursor_x + width / 2 + x, cursor_y + extent / 2 + y)
        cursor_x += width
        row_height = max(row_height, extent + unit * 0.3)
    xs = [placed[i][0] for i in range(len(order))]
    ys = [placed[i][1] for i in range(len(order))]
    mx, my = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        node: (round(placed[i][0] - mx, 1), round(placed[i][1] - my, 1))
        for i, node in enumerate(order)
    }


def node_href(iri: str, options: VizOptions) -> str | None:
    """Where a node's details link points: the server path of its page, or the IRI itself."""
    if options.base_iri and options.link_prefix is not None and iri.startswith(options.base_iri):
        return options.link_prefix + iri[len(options.base_iri) :]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def _ranks(values: dict[Any, float]) -> dict[Any, int]:
    """Node → its rank (1 = highest) among the values above zero."""
    ordered = sorted((n for n, v in values.items() if v > 0), key=lambda n: (-values[n], str(n)))
    return {n: i for i, n in enumerate(ordered, 1)}


def build_view(
    graph: nx.Graph | PairGraph,
    analysis: Analysis | None = None,
    options: VizOptions | None = None,
    research: ResearchNetwork | None = None,
) -> dict[str, Any]:
    """The JSON-ready data of the page: nodes, edges, legend, notice and vis-network options.

    With `research`, each node gets a one-line summary in plain words (`summaries`); nodes left
    out of the drawing stay findable through `others` (searched by the page, opened by focus).
    """
    options = options or VizOptions()
    selection = select(graph, analysis, options)
    chosen = selection.chosen
    between = analysis.betweenness if analysis else {}
    kept_edges = selection.edges
    degree = selection.degree
    top = max((between.get(n, 0.0) for n in chosen), default=0.0)
    top_degree = max((degree[n] for n in chosen), default=0)
    index = {node: i for i, node in enumerate(chosen)}
    ranks = _ranks(between)
    summary = all_summaries(research) if research else {}
    nodes = []
    for node in chosen:
        data = selection.data[node]
        iri = str(node)
        weight = between.get(node, 0.0) / top if top else degree[node] / (top_degree or 1)
        bridge = analysis.bridges.get(iri) if analysis else None
        nodes.append(
            {
                "id": index[node],
                "iri": iri,
                "kind": data.get("kind", "other"),
                "lf": str(data.get("label_fr") or iri),
                "le": str(data.get("label_en") or data.get("label_fr") or iri),
                "x": 0.0,  # placed below: by the whole layout, or by its cluster's
                "y": 0.0,
                "size": round(10 + 25 * math.sqrt(weight), 1),
                "href": node_href(iri, options),
                "deg": degree[node],
                "btw": round(between.get(node, 0.0), 4) if analysis else None,
                "rank": ranks.get(node),
                "com": analysis.community.get(node) if analysis else None,
                "bridge": round(bridge.score, 3) if bridge else None,
                "df": data.get("doubts_fr"),
                "de": data.get("doubts_en"),
                "sf": summary.get("fr", {}).get(iri),
                "se": summary.get("en", {}).get(iri),
            }
        )
    edges = []
    for u, v, data in kept_edges:
        relation = str(data.get("relation", ""))
        relations = data.get("relations") or [relation]
        source = data.get("subject", u)
        a, b = (u, v) if source == u else (v, u)
        edge: dict[str, Any] = {
            "from": index[a],
            "to": index[b],
            "rel": relation,
            "lf": ", ".join(relation_label(r, "fr") for r in relations),
            "le": ", ".join(relation_label(r, "en") for r in relations),
            "w": data.get("weight"),
        }
        if data.get("level"):
            edge["lvl"] = "own" if data["level"] == OWN_WORK else "context"
        edges.append(edge)
    counts = Counter(n["kind"] for n in nodes)
    total = Counter(data.get("kind", "other") for data in selection.data.values())
    left_out = {k: total[k] - counts.get(k, 0) for k in total if total[k] - counts.get(k, 0)}
    kinds = [k for k in KINDS if k in total] + sorted(k for k in total if k not in KINDS)
    edges_between = selection.edges_between
    others = [
        [
            str(n),
            str(d.get("label_fr") or n),
            str(d.get("label_en") or d.get("label_fr") or n),
            d.get("kind", "other"),
        ]
        for n, d in selection.data.items()
        if n not in index
    ]
    levels = sorted({e["lvl"] for e in edges if "lvl" in e}, key=["own", "context"].index)
    clusters, cluster_edges = (
        overview(nodes, edges, options.seed)
        if analysis is not None and options.focus is None and len(nodes) > options.overview_above
        else ([], [])
    )
    if not clusters:  # one drawing of everything (with clusters, each has its own layout)
        positions = layout(selection.shown, options.seed, kept_edges)
        for node, item in zip(chosen, nodes, strict=True):
            item["x"], item["y"] = positions[node]
    physics = len(nodes) <= options.physics_max_nodes and not clusters
    return {
        "lang": options.lang,
        "title": options.title,
        "kinds": [
            {
                "key": k,
                "fr": KIND_LABELS.get(k, (k, k))[0],
                "en": KIND_LABELS.get(k, (k, k))[1],
                "color": KIND_STYLE.get(k, OTHER_STYLE)[0],
                "shape": KIND_STYLE.get(k, OTHER_STYLE)[1],
                "count": counts.get(k, 0),
            }
            for k in kinds
        ],
        "levels": levels,
        "nodes": nodes,
        "edges": edges,
        "others": others,
        "clusters": clusters,
        "clusterEdges": cluster_edges,
        "notice": (
            {
                "shown": len(nodes),
                "total": len(selection.data),
                "leftOut": left_out,
                "edgesShown": len(edges),
                "edgesTotal": edges_between,
            }
            if left_out or len(edges) < edges_between
            else None
        ),
        "physics": physics,
        "edgeLabels": "hover",
        "focus": index.get(options.focus) if options.focus else None,
        "graphPath": options.graph_path,
        "options": vis_options(
            physics, large=len(nodes) > options.physics_max_nodes, seed=options.seed
        ),
    }


def overview(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Communities of the drawn nodes (the analysis's seeded Louvain) as labelled clusters.

    A cluster is named by its dominant themes (its theme nodes with the most links, else the
    themes its members' links point at, else its most central members), sized by its members,
    placed by a seeded layout of the clusters linked by how many drawn links join them.

    Each cluster's members get a layout of their own, from the links between them, spread
    evenly over the unit disk (`cx`, `cy`, which the page stretches to its window; `x`, `y` the
    same in canvas units), and `cw`, their links inside the cluster over the most any member
    has (the page sizes opened nodes by it): an opened cluster reads as a small network, not as
    a corner of the whole one.
    """
    members: dict[int, list[dict[str, Any]]] = {}
    for node in nodes:
        if node["com"] is not None:
            members.setdefault(node["com"], []).append(node)
    if len(members) < 2:
        return [], []
    by_id = {node["id"]: node for node in nodes}
    theme_links: dict[int, Counter[int]] = {com: Counter() for com in members}
    between: Counter[tuple[int, int]] = Counter()
    for edge in edges:
        a, b = by_id[edge["from"]], by_id[edge["to"]]
        for one, other in ((a, b), (b, a)):
            if other["kind"] == "theme" and one["com"] is not None:
                theme_links[one["com"]][other["id"]] += 1
        if a["com"] != b["com"] and a["com"] is not None and b["com"] is not None:
            between[min(a["com"], b["com"]), max(a["com"], b["com"])] += 1
    theme_total: Counter[int] = Counter()
    for counts in theme_links.values():
        theme_total.update(counts)
    _cluster_layouts(members, edges, by_id, seed)
    clusters = []
    order = sorted(members, key=lambda c: (-len(members[c]), c))
    graph = nx.Graph()
    graph.add_nodes_from(order)
    graph.add_edges_from((a, b) for a, b in between)
    positions = layout(graph, seed)
    for number, com in enumerate(order):
        group = members[com]
        counts = theme_links[com]
        # distinctive themes: linked here, rather than everywhere (count² / all its links)
        distinct = sorted(counts, key=lambda i: (-(counts[i] ** 2) / theme_total[i], i))[:3]
        themes = [by_id[i] for i in distinct]
        named = themes or sorted(group, key=lambda n: (-n["size"], n["id"]))[:3]
        x, y = positions[com]
        clusters.append(
            {
                "id": f"c{number}",
                "com": com,
                "n": len(group),
                "lf": ", ".join(n["lf"] for n in named),
                "le": ", ".join(n["le"] for n in named),
                "x": x * 1.5,
                "y": y * 1.5,
                "size": round(12 + 40 * math.sqrt(len(group) / len(nodes)), 1),
            }
        )
    ids = {cluster["com"]: cluster["id"] for cluster in clusters}
    cluster_edges = [
        {"from": ids[a], "to": ids[b], "w": count} for (a, b), count in sorted(between.items())
    ]
    return clusters, cluster_edges


def _cluster_layouts(
    members: dict[int, list[dict[str, Any]]],
    edges: list[dict[str, Any]],
    by_id: dict[int, dict[str, Any]],
    seed: int,
) -> None:
    """Lay out each community on its own: `x`, `y`, `cx`, `cy` and `cw` of its members."""
    inside: dict[int, list[tuple[int, int]]] = {com: [] for com in members}
    for edge in edges:
        a, b = by_id[edge["from"]], by_id[edge["to"]]
        if a["com"] == b["com"] and a["com"] in inside:
            inside[a["com"]].append((a["id"], b["id"]))
    for com, group in members.items():
        sub = nx.Graph()
        sub.add_nodes_from(node["id"] for node in group)
        positions = layout(sub, seed, inside[com])
        links = Counter(i for pair in inside[com] for i in pair)
        top = max(links.values(), default=0)
        spread = _spread(positions)
        extent = 160.0 * math.sqrt(len(group))  # canvas units, as `layout` spreads nodes
        for node in group:
            cx, cy = spread[node["id"]]
            node.update(
                x=round(cx * extent, 1),
                y=round(cy * extent, 1),
                cx=cx,
                cy=cy,
                cw=round(links[node["id"]] / top, 3) if top else 0.0,
            )


def _spread(positions: dict[Any, tuple[float, float]]) -> dict[Any, tuple[float, float]]:
    """Positions in the unit disk, spread evenly: each keeps its direction from the centre and
    its rank by distance, at radius √(rank / n) (an even density over the disk).

    A force-directed layout of one community packs most members into a dense core around its
    hubs, with a few outliers setting the extent; fitted to the window, the core stays a knot.
    """
    if not positions:
        return {}
    mx = sum(x for x, _ in positions.values()) / len(positions)
    my = sum(y for _, y in positions.values()) / len(positions)
    polar = {
        node: (math.hypot(x - mx, y - my), math.atan2(y - my, x - mx))
        for node, (x, y) in positions.items()
    }
    ranked = sorted(polar, key=lambda node: (polar[node][0], str(node)))
    out = {}
    for rank, node in enumerate(ranked):
        radius = math.sqrt((rank + 0.5) / len(ranked)) if len(ranked) > 1 else 0.0
        angle = polar[node][1]
        out[node] = (round(radius * math.cos(angle), 4), round(radius * math.sin(angle), 4))
    return out


def vis_options(physics: bool, *, large: bool, seed: int) -> dict[str, Any]:
    """vis-network options, from pyvis's option model plus groups (colour and shape by kind)."""
    from pyvis.options import Layout, Options

    model = Options()
    model.layout = Layout(randomSeed=seed, improvedLayout=False)
    model.layout.hierarchical.enabled = False
    model.physics.enabled = physics
    model.physics.use_force_atlas_2based(
        {
            "gravity": -50,
            "central_gravity": 0.01,
            "spring_length": 100,
            "spring_strength": 0.08,
            "damping": 0.4,
            "overlap": 0,
        }
    )
    model.physics.stabilization.iterations = 150
    model.physics.stabilization.updateInterval = 25
    model.edges.inherit_colors(False)
    if large:
        model.edges.smooth.enabled = False
    else:
        model.edges.toggle_smoothness("continuous")
    model.interaction.hideEdgesOnDrag = large
    options = json.loads(model.to_json())
    options["edges"]["color"] = {"color": "#9a9a9a", "highlight": "#333333", "inherit": False}
    options["edges"]["font"] = {"size": 10, "align": "middle", "color": "#444444"}
    options["edges"]["width"] = 1
    options["nodes"] = {
        "font": {"size": 14, "face": "sans-serif"},
        "borderWidth": 1,
        "scaling": {"label": {"drawThreshold": 6}},
    }
    options["interaction"].update(
        {
            "hover": not large,
            "tooltipDelay": 150,
            "keyboard": {"enabled": True, "bindToWindow": False},  # arrows, +/- when focused
        }
    )
    options["groups"] = {
        kind: {"color": {"background": colour, "border": "#333333"}, "shape": shape}
        for kind, (colour, shape) in KIND_STYLE.items()
    }
    options["groups"]["cluster"] = {
        "color": {"background": "#d9e6f2", "border": "#0072B2"},
        "shape": "dot",
        "borderWidth": 2,
        "font": {"size": 20},
    }
    return options


# -- the page -------------------------------------------------------------------------------


def json_for_script(value: object) -> str:
    """JSON safe inside a `<script>` element: no `<`, `>`, `&` or line separators left raw."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


@cache
def vis_network_js() -> str:
    """pyvis's bundled vis-network build, without its source-map comment."""
    package, name = VIS_NETWORK
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if not line.startswith("//# sourceMappingURL")]
    text = "\n".join(lines)
    if "</script" in text.lower():
        raise UsageError(f"{package}/{name} contains '</script' and cannot be inlined")
    return text


@cache
def asset(name: str) -> str:
    """One of our page assets (script, stylesheet, template)."""
    return resources.files("villegraph").joinpath(ASSETS, name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def content_security_policy() -> str:
    """The page's policy: only its two inline scripts run; nothing is fetched from anywhere."""
    scripts = " ".join(_csp_hash(s) for s in (vis_network_js(), asset("graph.js")))
    return (
        "default-src 'none'; "
        f"script-src {scripts}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'"
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("villegraph", "viz_assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(view: dict[str, Any]) -> str:
    """The whole page as a string: styles, vis-network, our script and the data, all inline."""
    template = _environment().get_template("graph.html.j2")
    return template.render(
        lang=view["lang"],
        title=view["title"],
        csp=content_security_policy(),
        css=Markup(asset("graph.css")),
        data_json=Markup(json_for_script(view)),
        vis_js=Markup(vis_network_js()),
        app_js=Markup(asset("graph.js")),
    )


def write_html(path: Path, html: str) -> Path:
    """Write the page as UTF-8, atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def page(
    graph: nx.Graph | PairGraph,
    analysis: Analysis | None = None,
    options: VizOptions | None = None,
    research: ResearchNetwork | None = None,
) -> str:
    """`build_view` then `render_html`."""
    return render_html(build_view(graph, analysis, options, research))


__all__ = [
    "KIND_STYLE",
    "OVERVIEW_ABOVE",
    "Selection",
    "VizOptions",
    "build_view",
    "content_security_policy",
    "json_for_script",
    "layout",
    "node_href",
    "page",
    "render_html",
    "select",
    "select_nodes",
    "vis_options",
    "write_html",
]
