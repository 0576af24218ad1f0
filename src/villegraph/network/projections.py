"""Projections of the research network into networkx graphs, and focused views of them."""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from villegraph.errors import UsageError
from villegraph.network.model import PROJECTIONS, NodeInfo, ResearchNetwork
from villegraph.network.pairs import PairGraph, count_pairs, merge_counts

OWN_WORK = "own work"
"""Level of a person–theme edge when a talk of theirs states the theme."""
SESSION_CONTEXT = "session context"
"""Level of a person–theme edge when only a session they speak in has the theme."""

# -- projections --------------------------------------------------------------------------------


def project(network: ResearchNetwork, projection: str = "full") -> nx.Graph:
    """The networkx graph of one projection; node attributes `kind`, `label_fr`, `label_en`."""
    builders = {
        "full": full_network,
        "person-theme": person_theme,
        "person-person": person_person,
        "org-hierarchy": org_hierarchy,
    }
    if projection not in builders:
        raise UsageError(
            f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}"
        )
    graph = builders[projection](network)
    graph.graph["projection"] = projection
    return graph


def node_attributes(info: NodeInfo) -> dict[str, str]:
    """A node's attributes in every projection: kind, subtype, labels, doubts if any."""
    attrs = {
        "kind": info.kind,
        "subtype": info.subtype,
        "label_fr": info.label("fr"),
        "label_en": info.label("en"),
    }
    for lang, doubts in info.doubts.items():  # only doubtful nodes carry the attribute
        attrs["doubts_" + lang] = " ".join(doubts)
    return attrs


def _add_node(graph: nx.Graph, info: NodeInfo) -> None:
    graph.add_node(info.iri, **node_attributes(info))


def full_network(network: ResearchNetwork) -> nx.Graph:
    """Every node and link; parallel links between two nodes are kept in `relations`."""
    graph = nx.Graph()
    for info in network.nodes.values():
        _add_node(graph, info)
    for link in network.links:
        if graph.has_edge(link.source, link.target):
            data = graph.edges[link.source, link.target]
            if link.relation not in data["relations"]:
                data["relations"].append(link.relation)
            continue
        graph.add_edge(
            link.source,
            link.target,
            relation=link.relation,
            relations=[link.relation],
            subject=link.source,
            **dict(link.attrs),
        )
    return graph


def person_themes(network: ResearchNetwork) -> dict[str, Counter[str]]:
    """Person → Counter(theme → number of talks and sessions of theirs with that subject)."""
    subjects: dict[str, list[str]] = defaultdict(list)
    for link in network.links:
        if link.relation == "subject":
            subjects[link.source].append(link.target)
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for event, person in _person_events(network):
        for theme in subjects.get(event, ()):
            out[person][theme] += 1
    return out


def person_theme_levels(network: ResearchNetwork) -> dict[tuple[str, str], str]:
    """(person, theme) → "own work" when a talk of theirs states it, else "session context".

    The same split as the derivation rules' evidence levels (vg:OwnWork, vg:SessionContext).
    """
    subjects: dict[str, list[str]] = defaultdict(list)
    for link in network.links:
        if link.relation == "subject":
            subjects[link.source].append(link.target)
    levels: dict[tuple[str, str], str] = {}
    for event, person in _person_events(network):
        own = network.nodes[event].kind == "talk"
        for theme in subjects.get(event, ()):
            if own or (person, theme) not in levels:
                levels[person, theme] = OWN_WORK if own else SESSION_CONTEXT
    return levels


def person_sessions(network: ResearchNetwork) -> dict[str, set[str]]:
    """Person → sessions they speak in or present a talk in."""
    part_of = {link.source: link.target for link in network.links if link.relation == "part-of"}
    out: dict[str, set[str]] = defaultdict(set)
    for event, person in _person_events(network):
        kind = network.nodes[event].kind
        if kind == "event":
            out[person].add(event)
        elif kind == "talk" and event in part_of:
            out[person].add(part_of[event])
    return out


def _person_events(network: ResearchNetwork) -> list[tuple[str, str]]:
    """(talk or session, person) for every `vg:presenter` and `vg:speaker` link."""
    pairs = []
    for link in network.links:
        if link.relation in ("speaker", "presenter"):
            event, person = link.source, link.target
            if network.nodes[person].kind == "person":
                pairs.append((event, person))
    return sorted(set(pairs))


def person_theme(network: ResearchNetwork) -> nx.Graph:
    """Bipartite person–theme graph (node attribute `bipartite`: 0 people, 1 themes)."""
    graph = nx.Graph()
    for iri in network.of_kind("person"):
        _add_node(graph, network.nodes[iri])
        graph.nodes[iri]["bipartite"] = 0
    levels = person_theme_levels(network)
    for person, themes in sorted(person_themes(network).items()):
        for theme, count in sorted(themes.items()):
            if theme not in graph:
                _add_node(graph, network.nodes[theme])
                graph.nodes[theme]["bipartite"] = 1
            graph.add_edge(
                person, theme, relation="works-on", weight=count, level=levels[person, theme]
            )
    return graph


def own_work_themes(network: ResearchNetwork) -> dict[str, set[str]]:
    """Person → the themes their own talks state (evidence level "own work" only)."""
    out: dict[str, set[str]] = defaultdict(set)
    for (person, theme), level in person_theme_levels(network).items():
        if level == OWN_WORK:
            out[person].add(theme)
    return out


def person_person(network: ResearchNetwork) -> nx.Graph:
    """People linked by shared own-work themes and shared sessions.

    A theme counts as shared only when it is own work for both (a theme two people merely met
    as the subject of a session they spoke in is session context, not shared work);
    `weight` = shared themes + shared sessions. The networkx form of `person_pairs`.
    """
    return person_pairs(network).to_networkx()


def person_pairs(network: ResearchNetwork) -> PairGraph:
    """The person-person projection as integer arrays (see `villegraph.network.pairs`).

    Pairs are counted with numpy: at 2,000 people the own-work themes alone make 725,000
    pairs, and a networkx edge per pair made this the slowest step of the page.
    """
    people = network.of_kind("person")  # sorted: the node order igraph is given
    index = {iri: i for i, iri in enumerate(people)}
    source, target, columns = merge_counts(
        len(people),
        shared_themes=count_pairs(own_work_themes(network), index),
        shared_sessions=count_pairs(person_sessions(network), index),
    )
    return PairGraph(
        nodes=people,
        attrs=[node_attributes(network.nodes[iri]) for iri in people],
        source=source,
        target=target,
        columns={
            "weight": columns["shared_themes"] + columns["shared_sessions"],
            "shared_themes": columns["shared_themes"],
            "shared_sessions": columns["shared_sessions"],
        },
        relation="shares",
        graph={"projection": "person-person"},
    )


def org_hierarchy(network: ResearchNetwork) -> nx.DiGraph:
    """Organisations, with an edge child → parent for each `org:subOrganizationOf`."""
    graph = nx.DiGraph()
    for iri in network.of_kind("org"):
        _add_node(graph, network.nodes[iri])
    for link in network.links:
        if link.relation == "sub-org-of":
            graph.add_edge(link.source, link.target, relation="sub-org-of")
    return graph


def with_works_on(graph: nx.Graph, network: ResearchNetwork) -> nx.Graph:
    """The full network plus a direct person → theme edge for each theme of a person.

    What the view draws instead of making the reader walk person → talk → theme: `relation`
    "works-on", `level` "own work" or "session context" (as in `person_theme`), `weight` the
    number of talks and sessions behind it. Other projections are returned unchanged.
    """
    if graph.graph.get("projection", "full") != "full":
        return graph
    out = graph.copy()
    levels = person_theme_levels(network)
    for person, themes in sorted(person_themes(network).items()):
        for theme, count in sorted(themes.items()):
            if person in out and theme in out and not out.has_edge(person, theme):
                out.add_edge(
                    person,
                    theme,
                    relation="works-on",
                    relations=["works-on"],
                    subject=person,
                    weight=count,
                    level=levels[person, theme],
                )
    return out


# -- focused views ------------------------------------------------------------------------------


def view_graph(
    network: ResearchNetwork,
    projection: str = "full",
    *,
    focus: str | None = None,
    depth: int = 1,
    theme: str | None = None,
) -> nx.Graph | PairGraph:
    """The graph the network view draws (`villegraph viz`, `/graph/`): the projection, with
    direct person → theme links in the full network, narrowed to `focus` (within `depth`
    links) or to `theme`. The whole person-person projection stays a `PairGraph` (its links
    as arrays); every other view is a networkx graph."""
    if projection == "person-person" and focus is None and theme is None:
        return person_pairs(network)
    graph = with_works_on(project(network, projection), network)
    if focus is not None:
        graph = ego(graph, focus, depth)
    elif theme is not None:
        graph = theme_view(graph, theme)
    graph.graph["projection"] = projection
    return graph


def ego(graph: nx.Graph, focus: str, depth: int) -> nx.Graph:
    """The nodes within `depth` links of `focus` (an ego network)."""
    if focus not in graph:
        raise UsageError(f"no node {focus} in the {graph.graph.get('projection', '')} network")
    if depth < 0:
        raise UsageError(f"depth {depth} must be 0 or more")
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    keep = nx.single_source_shortest_path_length(undirected, focus, cutoff=depth)
    return graph.subgraph(keep).copy()


def theme_view(graph: nx.Graph, theme: str, depth: int = 2) -> nx.Graph:
    """A theme, its narrower themes, and what lies within `depth` links of them.

    The walk does not pass through other themes (else every broad theme would pull in the whole
    network); narrower themes are reached through `broader` links pointing at the theme.
    """
    if theme not in graph or graph.nodes[theme].get("kind") != "theme":
        raise UsageError(f"no theme {theme} in the {graph.graph.get('projection', '')} network")
    seeds = {theme}
    frontier = [theme]
    while frontier:
        current = frontier.pop()
        for other, data in graph[current].items():
            if (
                data.get("relation") == "broader"
                and data.get("subject") == other
                and other not in seeds
            ):
                seeds.add(other)
                frontier.append(other)
    keep = set(seeds)
    level = set(seeds)
    for _ in range(depth):
        nxt = set()
        for node in level:
            for other in graph[node]:
                if other not in keep and graph.nodes[other].get("kind") != "theme":
                    nxt.add(other)
        keep |= nxt
        level = nxt
    # themes adjacent to the kept non-theme nodes stay out, except the seeds
    return graph.subgraph(keep).copy()
