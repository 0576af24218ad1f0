"""Projections of the built RDF graph into networkx, and the metrics computed on them.

The graph is read only through the `Store` protocol (four SELECT queries), so the same code runs
on the embedded store and on a remote SPARQL endpoint.

Nodes: every IRI typed as one of the classes in `KIND_OF_TYPE` (people, organisations, the cycle
and its sessions, talks, places, programmes, themes). Roles (`org:Role`) are not nodes; a person's
role becomes an attribute of the "member of" edge.

Which RDF relations become which edges (`RELATIONS`):

| edge        | RDF                                              | between                    |
|-------------|--------------------------------------------------|----------------------------|
| member-of   | `?m org:member ?person ; org:organization ?org`  | person – org               |
| sub-org-of  | `org:subOrganizationOf`                          | org – org                  |
| partner-of  | `vg:partnerOf`                                   | org – org                  |
| organiser   | `schema:organizer`                               | event – org                |
| part-of     | `schema:superEvent`                              | session – cycle, talk – session |
| speaker     | `vg:speaker`                                     | session – person           |
| presenter   | `vg:presenter`                                   | talk – person              |
| subject     | `dcterms:subject`                                | event/talk – theme         |
| studies     | `vg:studies`                                     | talk – place/programme/org |
| location    | `schema:location`                                | programme – place          |
| area-served | `schema:areaServed`                              | org – place                |
| broader     | `skos:broader`                                   | theme – theme              |

Inverse properties (`schema:subEvent`, `skos:narrower`, `org:hasSubOrganization`) are not read:
each link is taken once, from the direction above. The derived `vg:worksOn` links are not edges of
the full network either: the talk or session that is their evidence is already on the path.

Projections (`PROJECTIONS`):
- `full`: every node and edge above, undirected.
- `person-theme`: bipartite; a person is linked to a theme when they present a talk or speak in a
  session whose `dcterms:subject` is that theme (the evidence of derivation rules 10 and 20);
  `weight` = number of such talks and sessions.
- `person-person`: two people are linked when they share a theme (as above) or a session (speaker
  of it, or presenter of a talk in it); `weight` = shared themes + shared sessions.
- `org-hierarchy`: organisations and `org:subOrganizationOf`, directed child → parent.

Metrics: degree and degree centrality; betweenness (networkx exact up to `NX_EXACT_MAX_NODES`
nodes, igraph exact above: networkx's pure-Python Brandes took 57 s on a 2,500-node graph where
igraph took 0.5 s; igraph stays exact, no sampling error, up to tens of thousands of nodes);
Louvain communities (networkx up to the same size, igraph's multilevel above, both seeded);
bridges: people and organisations whose themes fall in more than one theme community, scored with
the participation coefficient 1 − Σ (k_c / k)², where theme communities are Louvain communities of
the theme co-occurrence graph (two themes are linked when they are subjects of the same talk or
session, or one is broader than the other).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef

from villegraph.errors import StoreError, UsageError
from villegraph.store import Store

PREFIXES = """\
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX vg: <https://w3id.org/villegraph/def#>
"""

VG = "https://w3id.org/villegraph/def#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"

KINDS: tuple[str, ...] = ("person", "org", "event", "talk", "theme", "place", "programme")
"""Kinds of node, in legend order."""

KIND_LABELS: dict[str, tuple[str, str]] = {
    "person": ("personne", "person"),
    "org": ("organisation", "organisation"),
    "event": ("cycle ou séance", "cycle or session"),
    "talk": ("intervention", "talk"),
    "theme": ("thème", "theme"),
    "place": ("lieu", "place"),
    "programme": ("programme", "programme"),
}
"""Kind → (French, English) name."""

KIND_OF_TYPE: dict[str, str] = {
    "http://xmlns.com/foaf/0.1/Person": "person",
    ORG + "Organization": "org",
    VG + "WebinarSeries": "event",
    VG + "Session": "event",
    VG + "Talk": "talk",
    SCHEMA + "Place": "place",
    VG + "Programme": "programme",
    SKOS + "Concept": "theme",
}
"""rdf:type → kind. A `skos:Concept` that is also an `org:Role` is a role, not a theme."""

SUBTYPES: dict[str, str] = {
    VG + "ResearchUnit": "research unit",
    VG + "HigherEducationInstitution": "higher education institution",
    VG + "ResearchOrganisation": "research organisation",
    VG + "Chair": "chair",
    VG + "PublicAuthority": "public authority",
    VG + "WebinarSeries": "webinar series",
    VG + "Session": "session",
}

RELATIONS: dict[str, tuple[str | None, str, str]] = {
    "member-of": (None, "membre de", "member of"),
    "sub-org-of": (ORG + "subOrganizationOf", "sous-organisation de", "sub-organisation of"),
    "partner-of": (VG + "partnerOf", "partenaire de", "partner of"),
    "organiser": (SCHEMA + "organizer", "organisé par", "organised by"),
    "part-of": (SCHEMA + "superEvent", "fait partie de", "part of"),
    "speaker": (VG + "speaker", "intervenant·e", "speaker"),
    "presenter": (VG + "presenter", "présenté par", "presented by"),
    "subject": ("http://purl.org/dc/terms/subject", "sujet", "subject"),
    "studies": (VG + "studies", "étudie", "studies"),
    "location": (SCHEMA + "location", "lieu", "located in"),
    "area-served": (SCHEMA + "areaServed", "territoire", "area served"),
    "broader": (SKOS + "broader", "thème plus large", "broader theme"),
}
"""Edge relation → (RDF property or None, French label, English label)."""

_RELATION_OF_PROPERTY = {prop: key for key, (prop, _, _) in RELATIONS.items() if prop}

PROJECTIONS: dict[str, str] = {
    "full": "people, organisations, events, talks, themes, places and programmes",
    "person-theme": "people and the themes of their talks and sessions (bipartite)",
    "person-person": "people, weighted by shared themes and shared sessions",
    "org-hierarchy": "organisations and their sub-organisations",
}

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

DEFAULT_SEED = 42

NODES_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?node ?type WHERE {
  VALUES ?type { foaf:Person org:Organization vg:WebinarSeries vg:Session vg:Talk schema:Place
                 vg:Programme skos:Concept org:Role vg:ResearchUnit vg:HigherEducationInstitution
                 vg:ResearchOrganisation vg:Chair vg:PublicAuthority }
  ?node rdf:type ?type .
  FILTER(isIRI(?node))
}"""
)

LABELS_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?node ?property ?label WHERE {
  VALUES ?type { foaf:Person org:Organization vg:WebinarSeries vg:Session vg:Talk schema:Place
                 vg:Programme skos:Concept }
  VALUES ?property { skos:prefLabel rdfs:label foaf:name dcterms:title skos:altLabel }
  ?node rdf:type ?type ; ?property ?label .
  FILTER(isLiteral(?label))
}"""
)

EDGES_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { org:subOrganizationOf vg:partnerOf schema:organizer schema:superEvent vg:speaker
              vg:presenter dcterms:subject vg:studies schema:location schema:areaServed
              skos:broader }
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
}"""
)

MEMBERSHIPS_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?person ?org ?role ?title WHERE {
  ?membership org:member ?person ; org:organization ?org .
  OPTIONAL { ?membership org:role ?role }
  OPTIONAL { ?membership vg:printedTitle ?title }
}"""
)


@dataclass
class NodeInfo:
    """One node: its kind, labels by language ("" for language-less) and a finer type."""

    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    subtype: str = ""

    def label(self, lang: str = "fr") -> str:
        """The label in `lang`, else a language-less one, else any, else the IRI's last part."""
        for key in (lang, "", "fr", "en"):
            if self.labels.get(key):
                return self.labels[key]
        if self.labels:
            return next(iter(self.labels.values()))
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Link:
    """One edge as read from RDF: subject, relation key, object, extra attributes."""

    source: str
    relation: str
    target: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass
class ResearchNetwork:
    """The research network read from a store: nodes by IRI and the links between them."""

    nodes: dict[str, NodeInfo]
    links: list[Link]

    def of_kind(self, kind: str) -> list[str]:
        return sorted(iri for iri, info in self.nodes.items() if info.kind == kind)

    def targets(self, source: str, relation: str) -> list[str]:
        return [
            link.target
            for link in self.links
            if link.source == source and link.relation == relation
        ]


# -- reading ------------------------------------------------------------------------------------


def _select(store: Store, query: str) -> list[tuple[Any, ...]]:
    """All rows of a SELECT; a result the store cut short is an error, not a smaller network."""
    result = store.select(query)
    if result.truncated:
        raise StoreError(f"the store cut the network query short at {len(result.rows)} rows")
    return list(result.rows)


def load_network(store: Store) -> ResearchNetwork:
    """Read nodes, labels and links from `store` (four SELECT queries)."""
    types: dict[str, set[str]] = defaultdict(set)
    for node, type_ in _select(store, NODES_QUERY):
        types[str(node)].add(str(type_))
    nodes: dict[str, NodeInfo] = {}
    for iri, its_types in types.items():
        kind = _kind_of(its_types)
        if kind is not None:
            subtype = next((SUBTYPES[t] for t in sorted(its_types) if t in SUBTYPES), "")
            nodes[iri] = NodeInfo(iri, kind, subtype=subtype)
    _read_labels(store, nodes)
    links: list[Link] = []
    for s, p, o in _select(store, EDGES_QUERY):
        source, target = str(s), str(o)
        relation = _RELATION_OF_PROPERTY.get(str(p))
        if relation and source in nodes and target in nodes and source != target:
            links.append(Link(source, relation, target))
    for person, org_, role, title in _select(store, MEMBERSHIPS_QUERY):
        if str(person) in nodes and str(org_) in nodes:
            attrs = []
            if role is not None:
                attrs.append(("role", str(role)))
            if title is not None:
                attrs.append(("title", str(title)))
            links.append(Link(str(person), "member-of", str(org_), tuple(attrs)))
    links.sort(key=lambda link: (link.source, link.relation, link.target, link.attrs))
    return ResearchNetwork(nodes, _dedupe(links))


def _kind_of(types: set[str]) -> str | None:
    if ORG + "Role" in types:
        return None
    for type_iri, kind in KIND_OF_TYPE.items():
        if type_iri in types:
            return kind
    return None


def _read_labels(store: Store, nodes: dict[str, NodeInfo]) -> None:
    """Fill labels: per language, skos:prefLabel before rdfs:label, foaf:name, dcterms:title."""
    rank = {"prefLabel": 0, "label": 1, "name": 2, "title": 3, "altLabel": 4}
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for node, prop, label in _select(store, LABELS_QUERY):
        iri = str(node)
        if iri not in nodes or not isinstance(label, Literal):
            continue
        local = str(prop).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        key = (iri, label.language or "")
        candidate = (rank.get(local, 9), str(label))
        if key not in best or candidate < best[key]:
            best[key] = candidate
    for (iri, lang), (_, text) in best.items():
        nodes[iri].labels[lang] = " ".join(text.split())


def _dedupe(links: list[Link]) -> list[Link]:
    seen: set[Link] = set()
    out = []
    for link in links:
        if link not in seen:
            seen.add(link)
            out.append(link)
    return out


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
    for person, themes in sorted(person_themes(network).items()):
        for theme, count in sorted(themes.items()):
            if theme not in graph:
                _add_node(graph, network.nodes[theme])
                graph.nodes[theme]["bipartite"] = 1
            graph.add_edge(person, theme, relation="works-on", weight=count)
    return graph


def person_person(network: ResearchNetwork) -> nx.Graph:
    """People linked by shared themes and sessions; `weight` = shared themes + shared sessions."""
    graph = nx.Graph()
    people = network.of_kind("person")
    for iri in people:
        _add_node(graph, network.nodes[iri])
    shared_themes = _pairs(person_themes(network))
    shared_sessions = _pairs(person_sessions(network))
    for a, b in sorted(set(shared_themes) | set(shared_sessions)):
        themes, sessions = shared_themes.get((a, b), 0), shared_sessions.get((a, b), 0)
        graph.add_edge(
            a,
            b,
            relation="shares",
            weight=themes + sessions,
            shared_themes=themes,
            shared_sessions=sessions,
        )
    return graph


def _pairs(items_of: Mapping[str, Iterable[str]]) -> Counter[tuple[str, str]]:
    """(a, b) with a < b → how many items the two people share (via an item → people index)."""
    holders: dict[str, list[str]] = defaultdict(list)
    for person, items in items_of.items():
        for item in set(items):
            holders[item].append(person)
    pairs: Counter[tuple[str, str]] = Counter()
    for people in holders.values():
        pairs.update(combinations(sorted(people), 2))
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
    graph: nx.Graph,
    network: ResearchNetwork | None = None,
    *,
    seed: int = DEFAULT_SEED,
) -> Analysis:
    """Degree, betweenness, communities and (with `network`) bridges of a projection."""
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    large = undirected.number_of_nodes() > NX_EXACT_MAX_NODES
    if large:
        betweenness, community, modularity = _igraph_metrics(undirected, seed)
        sampled = undirected.number_of_nodes() > IGRAPH_EXACT_MAX_NODES
        methods = {
            "betweenness": (
                f"igraph sampled, {BETWEENNESS_SAMPLES} sources, seed {seed} (normalised)"
                if sampled
                else "igraph exact (normalised)"
            ),
            "communities": f"igraph multilevel (Louvain), seed {seed}",
        }
    else:
        betweenness = nx.betweenness_centrality(undirected, normalized=True)
        community, modularity = _nx_louvain(undirected, seed)
        methods = {
            "betweenness": "networkx exact (normalised)",
            "communities": f"networkx Louvain, seed {seed}",
        }
    analysis = Analysis(
        projection=str(graph.graph.get("projection", "")),
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        degree=dict(undirected.degree()),
        degree_centrality=_degree_centrality(undirected),
        betweenness=betweenness,
        community=community,
        modularity=modularity,
        methods=methods,
    )
    if network is not None:
        analysis.bridges = {b.iri: b for b in bridges(network, seed=seed)}
        methods["bridges"] = "participation coefficient over theme co-occurrence communities"
    return analysis


def _degree_centrality(graph: nx.Graph) -> dict[str, float]:
    if len(graph) < 2:
        return {n: 0.0 for n in graph}
    return nx.degree_centrality(graph)


def _nx_louvain(graph: nx.Graph, seed: int) -> tuple[dict[str, int], float]:
    if graph.number_of_edges() == 0:
        return {n: i for i, n in enumerate(sorted(graph))}, 0.0
    parts = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    community = {n: i for i, part in enumerate(parts) for n in part}
    modularity = nx.community.modularity(graph, parts, weight="weight")
    return community, float(modularity)


def _igraph_metrics(graph: nx.Graph, seed: int) -> tuple[dict[str, float], dict[str, int], float]:
    order, ig = to_igraph(graph)
    n = len(order)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if n > IGRAPH_EXACT_MAX_NODES:
        # Brandes–Pich estimate: shortest paths from a seeded sample of sources, scaled up
        sources = random.Random(seed).sample(range(n), BETWEENNESS_SAMPLES)
        raw = ig.betweenness(directed=False, sources=sources)
        scale *= n / BETWEENNESS_SAMPLES
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


def to_igraph(graph: nx.Graph) -> tuple[list[str], Any]:
    """(node order, igraph.Graph) with edge weights when the graph has them."""
    import igraph

    order = sorted(graph.nodes)
    index = {node: i for i, node in enumerate(order)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    ig = igraph.Graph(n=len(order), edges=edges, directed=False)
    if any("weight" in d for _, _, d in graph.edges(data=True)):
        ig.es["weight"] = [float(d.get("weight", 1)) for _, _, d in graph.edges(data=True)]
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


# -- exports ------------------------------------------------------------------------------------


def flat_copy(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all str/int/float/bool (GraphML and GEXF need scalars)."""
    flat = graph.__class__()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items()}
        attrs.setdefault("label", str(data.get("label_fr", node)))
        flat.add_node(node, iri=node, **attrs)
    for u, v, data in graph.edges(data=True):
        flat.add_edge(u, v, **{k: _scalar(v2) for k, v2 in data.items()})
    return flat


def _scalar(value: object) -> str | int | float | bool:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Iterable):
        return ";".join(str(v) for v in value)
    return str(value)


def with_metrics(graph: nx.Graph, analysis: Analysis) -> nx.Graph:
    """A copy of `graph` with degree, betweenness, community and bridge score on every node."""
    out = graph.copy()
    for node in out:
        out.nodes[node]["degree"] = analysis.degree[node]
        out.nodes[node]["betweenness"] = analysis.betweenness[node]
        out.nodes[node]["community"] = analysis.community[node]
        bridge = analysis.bridges.get(node)
        out.nodes[node]["bridge_score"] = bridge.score if bridge else 0.0
    return out


METRIC_TERMS: dict[str, tuple[str, str, str, str, str]] = {
    "degree": (
        "integer",
        "degré",
        "degree",
        "Nombre de liens du nœud dans le réseau de recherche.",
        "Number of links of the node in the research network.",
    ),
    "betweennessCentrality": (
        "double",
        "centralité d'intermédiarité",
        "betweenness centrality",
        "Part normalisée des plus courts chemins du réseau qui passent par le nœud.",
        "Normalised share of the network's shortest paths that pass through the node.",
    ),
    "community": (
        "integer",
        "communauté",
        "community",
        "Numéro de la communauté (Louvain, graine fixe) du nœud dans le réseau.",
        "Number of the node's community (Louvain, fixed seed) in the network.",
    ),
    "themeBridgeScore": (
        "double",
        "score de pont entre thèmes",
        "theme bridge score",
        "Coefficient de participation des thèmes de l'agent entre communautés de thèmes.",
        "Participation coefficient of the agent's themes across theme communities.",
    ),
}
"""Terms of the metrics graph: local name → (datatype, label fr, label en, definition fr, en)."""


def metrics_graph(analysis: Analysis, base_iri: str) -> tuple[str, Graph]:
    """(graph IRI, rdflib Graph) of the metrics, with the definitions of the terms it uses.

    The graph is `{base}graph/network-<projection>`, so SPARQL can ask for central people.
    """
    from rdflib import RDF, RDFS, XSD
    from rdflib import Namespace as RdfNamespace

    vg = RdfNamespace(VG)
    skos = RdfNamespace(SKOS)
    graph = Graph()
    graph.bind("vg", VG)
    for name, (datatype, label_fr, label_en, def_fr, def_en) in METRIC_TERMS.items():
        term = vg[name]
        graph.add((term, RDF.type, URIRef("http://www.w3.org/2002/07/owl#DatatypeProperty")))
        graph.add((term, RDFS.label, Literal(label_fr, lang="fr")))
        graph.add((term, RDFS.label, Literal(label_en, lang="en")))
        graph.add((term, skos.definition, Literal(def_fr, lang="fr")))
        graph.add((term, skos.definition, Literal(def_en, lang="en")))
        graph.add((term, RDFS.range, XSD[datatype]))
    for node, degree in analysis.degree.items():
        subject = URIRef(node)
        graph.add((subject, vg.degree, Literal(degree, datatype=XSD.integer)))
        graph.add(
            (
                subject,
                vg.betweennessCentrality,
                Literal(float(analysis.betweenness[node]), datatype=XSD.double),
            )
        )
        graph.add((subject, vg.community, Literal(analysis.community[node], datatype=XSD.integer)))
        bridge = analysis.bridges.get(node)
        if bridge is not None:
            graph.add(
                (subject, vg.themeBridgeScore, Literal(float(bridge.score), datatype=XSD.double))
            )
    return f"{base_iri}graph/network-{analysis.projection or 'full'}", graph


def metrics_trig(analysis: Analysis, base_iri: str) -> bytes:
    """The metrics graph as TriG (UTF-8), in its named graph."""
    import pyoxigraph as ox

    from villegraph.terms import to_oxigraph

    graph_iri, graph = metrics_graph(analysis, base_iri)
    name = ox.NamedNode(graph_iri)
    quads = [
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)  # type: ignore[arg-type]
        for s, p, o in sorted(graph)
    ]
    prefixes = {"vg": VG, "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": SKOS}
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)


def relation_label(relation: str, lang: str = "fr") -> str:
    """The French or English name of an edge relation."""
    extra = {
        "works-on": ("travaille sur", "works on"),
        "shares": ("thèmes ou séances en commun", "shared themes or sessions"),
    }
    if relation in RELATIONS:
        _, fr, en = RELATIONS[relation]
    else:
        fr, en = extra.get(relation, (relation, relation))
    return en if lang == "en" else fr


def parse_iri(value: str, what: str) -> str:
    """Check that `value` looks like an absolute http(s) IRI."""
    if not value.startswith(("http://", "https://")) or any(c in value for c in ' <>"{}|\\^`'):
        raise UsageError(f"{what} {value!r} is not an absolute http(s) IRI")
    return str(URIRef(value))


def counts_by_kind(graph: nx.Graph) -> Mapping[str, int]:
    """How many nodes of each kind."""
    return Counter(data.get("kind", "") for _, data in graph.nodes(data=True))


__all__ = [
    "KINDS",
    "KIND_LABELS",
    "NX_EXACT_MAX_NODES",
    "PROJECTIONS",
    "RELATIONS",
    "Analysis",
    "Bridge",
    "Link",
    "NodeInfo",
    "ResearchNetwork",
    "agent_themes",
    "analyse",
    "bridges",
    "counts_by_kind",
    "ego",
    "flat_copy",
    "load_network",
    "metrics_graph",
    "metrics_trig",
    "parse_iri",
    "person_person",
    "person_theme",
    "project",
    "relation_label",
    "theme_view",
    "with_metrics",
]
