"""The Python API: open a build or a SPARQL endpoint, run canned queries, get networks, validate.

    >>> from villegraph.api import open_graph
    >>> with open_graph() as graph:                     # the last build of this project
    ...     rows = graph.query("who-works-on", theme="theme/open-data")
    ...     rows[0]["personLabel"]
    'Jean-Baptiste Chambon'

- `open_graph(root=None, *, dist=None, endpoint=None, user=None, password=None, **settings)`
  opens the last build of a project folder (or `dist`), or a remote endpoint. Further keyword
  arguments are settings (`base_iri`, `timeout`, `max_rows`, …), as in `villegraph.Settings`.
- `graph.query(name, **params)` runs a canned query (`queries/*.rq`) and returns its rows as
  dicts of plain Python values: IRIs and strings as `str`, numbers, booleans and dates as such,
  unbound as None. Parameters are given as Python values or strings, as on the command line.
  A paged query (who-works-on, places-studied, shared-themes) returns one page (`limit`, default
  100, from `offset`); when more rows follow, `query` warns (`PageWarning`, naming the next
  offset) and `graph.result(name, …)` has `more` and `next_offset`.
- `graph.frame(name, **params)`: the same as a pandas DataFrame (pandas must be installed).
- `graph.select(sparql)`: any SELECT query, rows as dicts.
- `graph.network(projection="full")`: a networkx graph (`full`, `person-theme`,
  `person-person`, `org-hierarchy`).
- `validate_files(*paths)`: SHACL validation of Turtle files against the shapes.

Errors are those of `villegraph.errors` (QueryError for an unknown query or parameter,
StoreError for a store that cannot be opened or reached).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from villegraph.config import Settings
from villegraph.queries import CannedResult, Catalogue, bind_values, page_note, run_canned
from villegraph.store import SelectResult, Store, open_store

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from villegraph.validate import ValidationReport

Row = dict[str, Any]


def _python(term: object) -> Any:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, (int, float, bool, dt.date, dt.datetime)) else str(term)
    return str(term)


class PageWarning(UserWarning):
    """A canned query's answer was one page of a longer one (more rows follow)."""


def rows_of(result: SelectResult) -> list[Row]:
    """The rows of a SELECT result as dicts of plain Python values."""
    return [
        {name: _python(term) for name, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def _term(value: object) -> URIRef | Literal:
    """An rdflib term for a binding: http(s) strings are IRIs, other values literals."""
    if isinstance(value, (URIRef, Literal)):
        return value
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return URIRef(value)
    return Literal(value)


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


class Graph:
    """An open villegraph: a build or an endpoint, with its canned queries."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._catalogue: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The canned queries of the project (loaded once)."""
        if self._catalogue is None:
            self._catalogue = Catalogue.load(
                self.settings.queries_dir, base_iri=self.settings.base_iri
            )
        return self._catalogue

    def queries(self) -> list[str]:
        """The names of the canned queries."""
        return self.catalogue.names()

    def result(self, name: str, **params: object) -> CannedResult:
        """Run the canned query `name`; the raw result (rdflib terms, truncation flag)."""
        raw = {key: _as_text(value) for key, value in params.items() if value is not None}
        return run_canned(
            self.store,
            self.catalogue[name],
            raw,
            timeout=self.settings.timeout,
            max_rows=self.settings.max_rows,
        )

    def query(self, name: str, **params: object) -> list[Row]:
        """Run the canned query `name` with keyword parameters; rows as dicts (one page of a
        paged query: a PageWarning says when more rows follow)."""
        result = self.result(name, **params)
        if result.more:
            import warnings

            warnings.warn(f"{name}: {page_note(result)}", PageWarning, stacklevel=2)
        return rows_of(result)

    def frame(self, name: str, **params: object) -> pd.DataFrame:
        """Run the canned query `name`; a pandas DataFrame (needs pandas installed)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Graph.frame needs pandas: pip install pandas") from None
        result = self.result(name, **params)
        return pd.DataFrame(rows_of(result), columns=list(result.variables))

    def select(self, sparql: str, bindings: Mapping[str, object] | None = None) -> list[Row]:
        """Any SELECT query; `bindings` (variable → IRI string or value) are bound safely."""
        terms = {key: _term(value) for key, value in (bindings or {}).items()}
        text = bind_values(sparql, terms)  # a VALUES block, as for canned queries
        return rows_of(self.store.select(text, timeout=self.settings.timeout))

    def network(self, projection: str = "full") -> nx.Graph:
        """A networkx projection of the graph (see `villegraph.network`)."""
        from villegraph.network import load_network, project

        return project(load_network(self.store), projection)

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"villegraph.Graph({self.store!r})"


def open_graph(
    root: Path | str | None = None,
    *,
    dist: Path | str | None = None,
    endpoint: str | None = None,
    user: str | None = None,
    password: str | None = None,
    **settings: Any,
) -> Graph:
    """Open the last build of `root` (or `dist`, or the current project), or a SPARQL endpoint."""
    config = Settings.from_env(
        root=Path(root) if root is not None else None,
        dist_dir=Path(dist) if dist is not None else None,
        endpoint=endpoint,
        user=user,
        password=password,
        **settings,
    )
    return Graph(config, open_store(config))


def validate_files(*paths: Path | str, root: Path | str | None = None) -> ValidationReport:
    """SHACL validation of Turtle files against the project's shapes."""
    from villegraph.validate import validate_files as run

    config = Settings.from_env(root=Path(root) if root is not None else None)
    return run([Path(p) for p in paths], config)


__all__ = ["Graph", "PageWarning", "Row", "open_graph", "rows_of", "validate_files"]
