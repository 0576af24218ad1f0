"""Stable blank node labels: the same file gives the same labels in every build.

A parser names blank nodes afresh each time it runs, so two builds of the same input would
differ. Blank nodes are kept (an OWL class expression such as `owl:unionOf ( … )` must stay a
blank node for OWL tools) but relabelled from their content: each label is a hash of the graph it
belongs to and of its triples, blank neighbours by their own hash, refined round after round
until the rounds stop telling nodes apart (colour refinement). Nodes that are still alike (the
same description in the same place) are numbered in the order they first appear in the file,
which the same input repeats. A change elsewhere in the file leaves a label alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, ox.NamedNode, Term]
PREFIX = "g"
"""Labels start with a letter, so that no store reads them as numbers."""
LENGTH = 32


def stable_blank_nodes(triples: Sequence[Triple], scope: str) -> list[Triple]:
    """`triples` with every blank node relabelled from its content within `scope` (the graph):
    a new list, or `triples` itself when it is a list without blank nodes."""
    edges: dict[ox.BlankNode, list[tuple[str, str, Term]]] = {}
    for s, p, o in triples:
        if isinstance(s, ox.BlankNode):
            edges.setdefault(s, []).append((">", str(p), o))
        if isinstance(o, ox.BlankNode):
            edges.setdefault(o, []).append(("<", str(p), s))
    if not edges:
        return triples if isinstance(triples, list) else list(triples)
    labels = _labels(edges, scope)
    return [(_relabel(s, labels), p, _relabel(o, labels)) for s, p, o in triples]


def _labels(
    edges: dict[ox.BlankNode, list[tuple[str, str, Term]]], scope: str
) -> dict[ox.BlankNode, ox.BlankNode]:
    colour = dict.fromkeys(edges, "")
    distinct = 1
    for _ in range(len(edges) + 1):
        colour = {node: _hash(scope, colour, node, near) for node, near in edges.items()}
        now = len(set(colour.values()))
        if now == distinct:
            break
        distinct = now
    seen: dict[str, int] = {}
    labels = {}
    for node in edges:  # first appearance in the file
        count = seen.get(colour[node], 0)
        seen[colour[node]] = count + 1
        suffix = f"n{count}" if count else ""
        labels[node] = ox.BlankNode(PREFIX + colour[node][:LENGTH] + suffix)
    return labels


def _hash(
    scope: str,
    colour: dict[ox.BlankNode, str],
    node: ox.BlankNode,
    near: list[tuple[str, str, Term]],
) -> str:
    lines = sorted(
        f"{way} {predicate} {colour[other] if isinstance(other, ox.BlankNode) else other}"
        for way, predicate, other in near
    )
    text = "\n".join([scope, colour[node], *lines])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _relabel(term: Term, labels: dict[ox.BlankNode, ox.BlankNode]) -> Term:
    return labels[term] if isinstance(term, ox.BlankNode) else term


__all__ = ["stable_blank_nodes"]
