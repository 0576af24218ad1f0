"""Weighted pairs held as integer arrays: a dense co-occurrence graph without a Python object
per edge.

The person-person projection of 2,000 generated people has 725,000 edges. As a networkx graph
they cost about 1 s to build and 0.5 s each time they are read back (for igraph, for the page);
as sorted numpy arrays of node positions and counts they are built in a fraction of that, and
igraph and the page read them directly. networkx is kept for what needs it: the drawn subgraph,
the focused views and the exports (`PairGraph.to_networkx` gives the same graph, edge for edge).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


def count_pairs(
    items_of: Mapping[str, Iterable[str]], index: Mapping[str, int]
) -> tuple[Ints, Ints]:
    """(keys, counts): `key` = a · len(index) + b for two holders a < b (positions in `index`)
    of at least one common item, sorted, and how many items they share."""
    size = len(index)
    holders: dict[str, set[int]] = defaultdict(set)
    for holder, items in items_of.items():
        if holder in index:
            for item in items:
                holders[item].add(index[holder])
    chunks = []
    for found in holders.values():
        if len(found) < 2:
            continue
        members = np.array(sorted(found), dtype=np.int64)
        first, second = np.triu_indices(len(members), 1)
        chunks.append(members[first] * size + members[second])
    if not chunks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return _runs(np.concatenate(chunks))


def _runs(values: Ints) -> tuple[Ints, Ints]:
    """(distinct values, sorted, and how many times each occurs), by one sort.

    Not `np.unique`: numpy 2's hash-based unique took 0.8 s on the 731,000 pairs of 2,000
    people, one sort takes 0.02 s."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered.astype(np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, len(ordered)))
    return ordered[starts].astype(np.int64), counts.astype(np.int64)


def merge_counts(size: int, **columns: tuple[Ints, Ints]) -> tuple[Ints, Ints, dict[str, Ints]]:
    """(source, target, columns) over the union of the keys of several `count_pairs` results;
    a column is 0 where its pair is missing."""
    parts = [keys for keys, _ in columns.values()]
    keys, _ = _runs(np.concatenate(parts)) if parts else _runs(np.zeros(0, dtype=np.int64))
    merged = {}
    for name, (its_keys, counts) in columns.items():
        column = np.zeros(len(keys), dtype=np.int64)
        column[np.searchsorted(keys, its_keys)] = counts
        merged[name] = column
    return keys // max(size, 1), keys % max(size, 1), merged


@dataclass
class PairGraph:
    """An undirected graph: nodes with attributes, edges as sorted arrays of positions.

    Edges run `source[i]` < `target[i]`, sorted by (source, target): the order in which networkx
    reads them back from a graph built in that order. `columns` are integer edge attributes
    (`weight` among them), `relation` the relation of every edge.
    """

    nodes: list[str]
    attrs: list[dict[str, Any]]
    source: Ints
    target: Ints
    columns: dict[str, Ints]
    relation: str
    graph: dict[str, Any] = field(default_factory=dict)

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self.source)

    def degree(self) -> Ints:
        """Links per node, by position."""
        size = len(self.nodes)
        return np.bincount(self.source, minlength=size) + np.bincount(self.target, minlength=size)

    def weights(self) -> npt.NDArray[np.float64]:
        """The `weight` column as floats (1.0 per edge without one)."""
        if "weight" in self.columns:
            return self.columns["weight"].astype(np.float64)
        return np.ones(len(self.source), dtype=np.float64)

    def edge_data(self, positions: Sequence[int]) -> list[tuple[str, str, dict[str, Any]]]:
        """(u, v, attributes) of the edges at these positions, as networkx would give them."""
        chosen = np.asarray(positions, dtype=np.int64)
        names = list(self.columns)
        values = [self.columns[name][chosen].tolist() for name in names]
        sources = self.source[chosen].tolist()
        targets = self.target[chosen].tolist()
        out = []
        for i, (a, b) in enumerate(zip(sources, targets, strict=True)):
            data: dict[str, Any] = {"relation": self.relation}
            data.update((name, column[i]) for name, column in zip(names, values, strict=True))
            out.append((self.nodes[a], self.nodes[b], data))
        return out

    def to_networkx(self) -> nx.Graph:
        """The same graph in networkx: nodes in order, edges in order, the same attributes."""
        graph = nx.Graph(**self.graph)
        graph.add_nodes_from(zip(self.nodes, self.attrs, strict=True))
        graph.add_edges_from(self.edge_data(range(len(self.source))))
        return graph

    def to_igraph(self) -> tuple[list[str], Any]:
        """(node order, igraph.Graph) with float `weight`s, as `metrics.to_igraph` makes them."""
        import igraph

        edges = list(zip(self.source.tolist(), self.target.tolist(), strict=True))
        ig = igraph.Graph(n=len(self.nodes), edges=edges, directed=False)
        if len(self.source):
            ig.es["weight"] = self.weights().tolist()
        return list(self.nodes), ig


__all__ = ["PairGraph", "count_pairs", "merge_counts"]
