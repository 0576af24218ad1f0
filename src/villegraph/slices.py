"""A rule's text restricted to a slice of the values of one variable (`#+ slice:` rules).

`sliced(text, "agent", terms)` writes `VALUES ?agent { … }` first in each WHERE group (the
rule's and its sub-SELECTs') that names `?agent` in a pattern of its own (not only in its
sub-SELECTs, nor only in a `BIND` or `FILTER`: a group joining sub-SELECTs already restricted
needs no block, and with one Oxigraph joined them far more slowly). Oxigraph then
looks the slice's agents up through its indexes, and each group's joins and GROUP BYs hold
that slice's rows only. The rule's results over all slices are its results unsliced when
every solution of those groups binds `?agent` and every GROUP BY keeps `?agent` (the rule's
author states it by the header; `tests/test_slices_same.py` checks the project's rules).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from villegraph import lexer
from villegraph.errors import QueryError


def prologue(text: str) -> str:
    """The PREFIX and BASE declarations of a query (its text before the query form)."""
    for token in lexer.tokens(text):
        if token.keyword() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return text[: token.start]
    raise QueryError("SPARQL text has no query form")


def where_groups(text: str, name: str) -> list[int]:
    """Offsets of the `{` of each WHERE group naming `?name` in a pattern of its own: outside
    its sub-SELECTs and outside parentheses (a `BIND` or `FILTER` only reads it)."""
    tokens = list(lexer.tokens(text))
    opens: list[int] = []
    for index, token in enumerate(tokens[:-1]):
        opening = token.keyword() == "WHERE" and tokens[index + 1].text == "{"
        if opening and _names(tokens, index + 1, name):
            opens.append(tokens[index + 1].start)
    return opens


def _names(tokens: list[lexer.Token], open_index: int, name: str) -> bool:
    """Whether the group opened at `open_index` names `?name` in a pattern of its own."""
    depth = parens = 0
    skip_below: int | None = None
    for index in range(open_index, len(tokens)):
        token = tokens[index]
        if token.text in ("(", ")"):
            parens += 1 if token.text == "(" else -1
        elif token.text == "{":
            depth += 1
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if skip_below is None and depth > 1 and following and following.keyword() == "SELECT":
                skip_below = depth
        elif token.text == "}":
            if skip_below == depth:
                skip_below = None
            depth -= 1
            if depth == 0:
                return False
        elif skip_below is None and not parens and token.kind == "var" and token.text[1:] == name:
            return True
    raise QueryError("SPARQL text has an unbalanced '{'")


def values_block(name: str, terms: Sequence[ox.NamedNode | ox.Literal]) -> str:
    """`VALUES ?name { … }` of `terms` in N-Triples syntax (valid SPARQL terms)."""
    return f"VALUES ?{name} {{ {' '.join(str(term) for term in terms)} }}"


def sliced(text: str, name: str, terms: Sequence[ox.NamedNode | ox.Literal]) -> str:
    """`text` with `?name` restricted to `terms` in each WHERE group that names it."""
    opens = where_groups(text, name)
    if not opens:
        raise QueryError(f"no WHERE group of the rule names ?{name}")
    block = values_block(name, terms)
    pieces, last = [], 0
    for offset in opens:
        pieces += [text[last : offset + 1], f"\n  {block}\n"]
        last = offset + 1
    return "".join(pieces) + text[last:]


__all__ = ["prologue", "sliced", "values_block", "where_groups"]
