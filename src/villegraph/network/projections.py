"""Projections of the research network into networkx graphs, and focused views of them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations

import networkx as nx

from villegraph.errors import UsageError
from villegraph.network.model import PROJECTIONS, NodeInfo, ResearchNetwork

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


def _add_node(graph: nx.Graph, info: NodeInfo) -> None:
    graph.add_node(
        info.iri,
        kind=info.kind,
        subtype=info.subtype,
        label_fr=info.label("fr"),
        label_en=info.label("en"),
    )
    for lang, doubts in info.doubts.items():  # only doubtful nodes carry the attribute
        graph.nodes[info.iri]["doubts_" + lang] = " ".join(doubts)


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
    `weight` = shared themes + shared sessions.
    """
    graph = nx.Graph()
    people = network.of_kind("person")
    for iri in people:
        _add_node(graph, network.nodes[iri])
    index = {iri: i for i, iri in enumerate(people)}
    shared_themes = _pairs(own_work_themes(network), index)
    shared_sessions = _pairs(person_sessions(network), index)
    size = len(people)

    def edge(key: int) -> tuple[str, str, dict[str, object]]:
        a, b = divmod(key, size)
        themes, sessions = shared_themes.get(key, 0), shared_sessions.get(key, 0)
        return (
            people[a],
            people[b],
            {
                "relation": "shares",
                "weight": themes + sessions,
                "shared_themes": themes,
                "shared_sessions": sessions,
            },
        )

    graph.add_edges_from(map(edge, sorted(shared_themes.keys() | shared_sessions.keys())))
    return graph


def _pairs(items_of: Mapping[str, Iterable[str]], index: Mapping[str, int]) -> Counter[int]:
    """a · len(index) + b, with a < b the positions of two people in `index` → how many items
    they share (via an item → people index).

    Pairs are counted as plain integers: at 2,000 people the own-work themes alone make
    725,000 pairs, and pairs of strings (then of tuples) made this the slowest step of a page.
    """
    size = len(index)
    holders: dict[str, list[int]] = defaultdict(list)
    for person, items in items_of.items():
        if person in index:
            for item in set(items):
                holders[item].append(index[person])
    pairs: Counter[int] = Counter()
    for people in holders.values():
        people.sort()
        pairs.update(a * size + b for a, b in combinations(people, 2))
    return pairs


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
