"""Projections of the built RDF graph into networkx, and the metrics computed on them.

The graph is read only through the `Store` protocol (five SELECT queries), so the same code runs
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
  `weight` = number of such talks and sessions; `level` = "own work" when one of them is a talk of
  theirs, else "session context" (the evidence levels of the derived attributions).
- `person-person`: two people are linked when they share an own-work theme (a talk of each states
  it; session-context themes are not counted as shared) or a session (speaker of it, or
  presenter of a talk in it); `weight` = shared themes + shared sessions.

The network view (`villegraph viz`, `/graph/`) draws `view_graph`: the full network with
`with_works_on` (a direct person → theme edge, "works-on" with its `level`, beside the talk or
session behind it, so a person's themes are one link away), focused or not; the whole
person-person projection stays a `PairGraph` (`person_pairs`: its pairs as numpy arrays, which
igraph and the page read without a networkx edge per pair).
- `org-hierarchy`: organisations and `org:subOrganizationOf`, directed child → parent.

Metrics: degree and degree centrality; betweenness (networkx exact up to `NX_EXACT_MAX_NODES`
nodes, igraph exact up to `IGRAPH_EXACT_MAX_NODES` (networkx's pure-Python Brandes took 57 s on a
2,500-node graph where igraph took 0.5 s), igraph estimated from seeded sources above, or when
nodes × edges passes `BETWEENNESS_EXACT_MAX_WORK` (dense projections, see `betweenness_sources`));
Louvain communities (networkx up to the same size, igraph's multilevel above, both seeded);
bridges: people and organisations whose themes fall in more than one theme community, scored with
the participation coefficient 1 − Σ (k_c / k)², where theme communities are Louvain communities of
the theme co-occurrence graph (two themes are linked when they are subjects of the same talk or
session, or one is broader than the other).
"""

from villegraph.network.export import flat_copy, metrics_graph, metrics_trig, with_metrics
from villegraph.network.metrics import (
    BETWEENNESS_SAMPLES,
    DEFAULT_SEED,
    IGRAPH_EXACT_MAX_NODES,
    NX_EXACT_MAX_NODES,
    Analysis,
    Bridge,
    agent_themes,
    analyse,
    bridges,
    seeded_igraph,
    theme_cooccurrence,
    to_igraph,
)
from villegraph.network.model import (
    KIND_LABELS,
    KINDS,
    PROJECTIONS,
    RELATIONS,
    Link,
    NodeInfo,
    ResearchNetwork,
    counts_by_kind,
    kind_of,
    load_network,
    node_iri,
    parse_iri,
    relation_label,
)
from villegraph.network.pairs import PairGraph
from villegraph.network.projections import (
    ego,
    full_network,
    org_hierarchy,
    own_work_themes,
    person_pairs,
    person_person,
    person_sessions,
    person_theme,
    person_theme_levels,
    person_themes,
    project,
    theme_view,
    view_graph,
    with_works_on,
)

__all__ = [
    "BETWEENNESS_SAMPLES",
    "DEFAULT_SEED",
    "IGRAPH_EXACT_MAX_NODES",
    "KINDS",
    "KIND_LABELS",
    "NX_EXACT_MAX_NODES",
    "PROJECTIONS",
    "RELATIONS",
    "Analysis",
    "Bridge",
    "Link",
    "NodeInfo",
    "PairGraph",
    "ResearchNetwork",
    "agent_themes",
    "analyse",
    "bridges",
    "counts_by_kind",
    "ego",
    "flat_copy",
    "full_network",
    "kind_of",
    "load_network",
    "metrics_graph",
    "metrics_trig",
    "node_iri",
    "org_hierarchy",
    "own_work_themes",
    "parse_iri",
    "person_pairs",
    "person_person",
    "person_sessions",
    "person_theme",
    "person_theme_levels",
    "person_themes",
    "project",
    "relation_label",
    "seeded_igraph",
    "theme_cooccurrence",
    "theme_view",
    "to_igraph",
    "view_graph",
    "with_metrics",
    "with_works_on",
]
