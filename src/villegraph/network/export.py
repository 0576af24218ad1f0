"""Exports of a projection: flat attributes for GraphML/GEXF, and the metrics as RDF."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from rdflib import Graph, Literal, URIRef

from villegraph.network.metrics import Analysis
from villegraph.network.model import SKOS, VG

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
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
