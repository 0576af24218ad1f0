"""The Store interface every consumer of the built graph goes through.

Two implementations stand behind it: the embedded on-disk Oxigraph store (the default) and a
remote SPARQL 1.1 endpoint reached with SPARQLWrapper (`villegraph.remote`). Terms crossing this
interface are rdflib terms; bindings are applied by the store itself (pyoxigraph substitutions,
or a trailing VALUES clause for a remote endpoint), never by string formatting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rdflib import Graph
from rdflib.term import Identifier

Bindings = Mapping[str, Identifier]


@dataclass(frozen=True)
class SelectResult:
    """The answer to a SELECT: variables in order, rows as tuples aligned with them."""

    variables: list[str]
    rows: list[tuple[Identifier | None, ...]]
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Identifier | None, ...]]:
        return iter(self.rows)

    def dicts(self) -> list[dict[str, Identifier]]:
        """Rows as {variable: term}, unbound variables left out."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def column(self, variable: str) -> list[Identifier | None]:
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]


@runtime_checkable
class Store(Protocol):
    """Read access to the built graph (and loading it, for stores that can be written)."""

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        """Run a SELECT; `max_rows` caps the rows and sets `truncated` when it cuts."""
        ...

    def ask(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> bool:
        """Run an ASK."""
        ...

    def construct(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE into an rdflib Graph."""
        ...

    def triple_count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in the whole dataset when `graph` is None."""
        ...

    def graphs(self) -> Sequence[str]:
        """IRIs of the named graphs."""
        ...

    def close(self) -> None:
        """Release files, connections and worker processes."""
        ...


__all__ = ["Bindings", "SelectResult", "Store"]
