"""Read-only safety checks on a SPARQL request, made before any query runs.

The query is tokenised (strings, comments, IRIs, prefixed names and variables are tokens of
their own, so a keyword inside a literal or an IRI is never mistaken for one) and refused when it
is an update, uses SERVICE or LOAD, or names a graph in FROM / FROM NAMED or in the protocol's
`default-graph-uri` / `named-graph-uri` that is not part of the served dataset.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
    | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:[\w.\-:%\u00b7\u00c0-\uffff]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class UnsafeRequest(ValueError):
    """The request asks for something a read-only, offline endpoint refuses."""

    def __init__(self, message: str, *, update: bool = False) -> None:
        super().__init__(message)
        self.update = update


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(query: str) -> list[Token]:
    """The significant tokens of `query` (whitespace and comments dropped)."""
    found = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group()))
    return found


def _resolve(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def check_query(
    query: str,
    dataset_graphs: Collection[str],
    *,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) if the request is safe; else raise.

    Raises UnsafeRequest naming the refused feature. Syntax errors are left to the parser.
    """
    for iri in (*default_graph_uris, *named_graph_uris):
        if iri not in dataset_graphs:
            raise UnsafeRequest(f"graph <{iri}> is not part of this dataset")
    toks = tokens(query)
    prefixes: dict[str, str] = {}
    form = None
    index = 0
    while index < len(toks):
        token = toks[index]
        upper = token.text.upper() if token.kind == "word" else ""
        if upper == "PREFIX" and index + 2 < len(toks) and toks[index + 2].kind == "iri":
            prefixes[toks[index + 1].text.rstrip(":")] = toks[index + 2].text[1:-1]
        elif upper == "SERVICE":
            raise UnsafeRequest("SERVICE is refused: this endpoint never queries other services")
        elif upper == "LOAD":
            raise UnsafeRequest("LOAD is refused: this endpoint is read-only", update=True)
        elif upper in UPDATE_KEYWORDS and form is None:
            raise UnsafeRequest(
                f"SPARQL Update ({upper}) is refused: this endpoint is read-only", update=True
            )
        elif upper in QUERY_FORMS and form is None:
            form = upper
        elif upper == "FROM":
            following = index + 1
            if following < len(toks) and toks[following].text.upper() == "NAMED":
                following += 1
            if following < len(toks):
                iri = _resolve(toks[following], prefixes)
                if iri is None:
                    raise UnsafeRequest("FROM must name a graph IRI of this dataset")
                if iri not in dataset_graphs:
                    raise UnsafeRequest(f"FROM <{iri}>: graph not part of this dataset")
        index += 1
    return form or "SELECT"


__all__ = ["QUERY_FORMS", "UPDATE_KEYWORDS", "Token", "UnsafeRequest", "check_query", "tokens"]
