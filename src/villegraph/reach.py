"""The reach of a page: the values of one variable that the rows of a page can hold, read off a
cheap first query, so that the page's own query orders only their rows (`#+ reach:`).

Oxigraph orders every candidate row of a paged query before it cuts the page. A reach pass is a
small SELECT whose rows follow the page's order, one row per value of the reach variable and
sort key: the value, `?rows` (a lower bound of the rows of the paged query that the value
yields with that key) and the key itself (every other column). `reach_values` walks them and
keeps values until their bounds add up to the rows the page needs (offset + limit + 1), then
every following value whose key ties with the last kept one (the rows of tied keys interleave).

Why the page is then the same: at least `needed` rows of the whole answer have a key up to the
last kept one, so the page's rows all do, and every value with such a key is kept. The query
restricted to the kept values (`VALUES ?var { … }`) gives a subset of the whole answer that holds
all of the page's first `needed` rows, in the same order. Ties are compared generously (lexical
forms, case aside): keeping more values than needed is always safe, fewer never is.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import BNode
from rdflib.term import Identifier

ROWS = "rows"
"""The column of a reach pass holding each value's lower bound of rows."""

MAX_VALUES = 1000
"""Past this many kept values the paged query is run whole (a VALUES block of that size costs
more to read than the order it saves)."""


def reach_values(
    variables: Sequence[str],
    rows: Sequence[Sequence[Identifier | None]],
    variable: str,
    needed: int,
) -> list[Identifier] | None:
    """The values of `variable` a page of `needed` rows (offset + limit + 1) can draw from, in
    the pass's order, each once; None when the walk reaches the pass's last row (the page may
    reach past it, or the pass was cut short by an endpoint: run the query whole) or a kept
    value cannot be written in a VALUES block (unbound, a blank node)."""
    column, bound = variables.index(variable), variables.index(ROWS)
    keys = [i for i in range(len(variables)) if i not in (column, bound)]
    kept: dict[Identifier, None] = {}
    total = 0
    last: tuple[str | None, ...] | None = None
    for row in rows:
        key = tuple(_loose(row[i]) for i in keys)
        if total >= needed and key != last:
            return list(kept)
        value = row[column]
        if value is None or isinstance(value, BNode):
            return None
        kept[value] = None
        total += _bound(row[bound])
        last = key
    return None


def _loose(term: Identifier | None) -> str | None:
    """A key term as compared for ties: its lexical form, case aside (None when unbound)."""
    return None if term is None else str(term).casefold()


def _bound(term: Identifier | None) -> int:
    """The lower bound written in a row (0 when unbound or not a number)."""
    try:
        return max(int(str(term)), 0) if term is not None else 0
    except ValueError:
        return 0


__all__ = ["MAX_VALUES", "ROWS", "reach_values"]
