"""Read-only safety checks on a SPARQL request, made before any query runs.

The query is read by the one SPARQL lexer (`villegraph.lexer`), so a keyword inside a string,
a comment or an IRI is never mistaken for one, and refused when it is an update, uses SERVICE
or LOAD, names a graph in FROM / FROM NAMED or in the protocol's `default-graph-uri` /
`named-graph-uri` that is not part of the served dataset, or nests deeper than `MAX_NESTING`.

The guard does not depend on one reading of the text being the engine's. It checks every
reading an engine may make: the text as written and with its codepoint escapes processed
(`\\u0053ERVICE`), each with `<` read as the start of an IRI and, after an operand inside
parentheses, as less-than (`FILTER(?o<1)SERVICE:x#>` hides a SERVICE in an "IRI" otherwise).
A keyword is recognised by its first letters, case-insensitively, since an engine may read
`SERVICESILENT<…>` as `SERVICE SILENT <…>`: a prefixed name that starts with `service` is
therefore refused too. This is the first line of defence; the query workers cannot open network
connections at all (`villegraph.web.sandbox`), which is the second.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from villegraph.errors import QueryError
from villegraph.lexer import (
    Token,
    digest_tokens,
    fingerprint,
    nesting_depth,
    readings,
    unescape_codepoints,
)

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
MAX_NESTING = 100
"""Deepest nesting of ( { [ accepted; the engine's recursive parser fails far deeper."""
_SERVICE_WINDOW = 3
"""In the less-than reading, a SERVICE counts when a `{` follows within this many tokens."""


class UnsafeRequest(ValueError):
    """The request asks for something a read-only, offline endpoint refuses."""

    def __init__(self, message: str, *, update: bool = False) -> None:
        super().__init__(message)
        self.update = update


_NAMES = ("word", "pname")
"""The token kinds a keyword may be read from (`Token.keyword` is empty for the others)."""


def _unescaped(query: str) -> str:
    try:
        return unescape_codepoints(query)
    except QueryError as bad:
        raise UnsafeRequest(str(bad)) from None


def _iri(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return unescape_codepoints(token.text[1:-1])
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def _may_hold_service(text: str) -> bool:
    """False when no token of `text` can read as SERVICE: a token is a slice of the text and
    `str.upper` maps each character on its own, so a token whose upper case starts with SERVICE
    puts SERVICE in the upper case of the whole text."""
    return "SERVICE" in text.upper()


def _check_service(toks: list[Token], *, strict: bool) -> None:
    """Refuse a SERVICE keyword; in the less-than reading only one followed by a group."""
    for index, token in enumerate(toks):
        if token.kind not in _NAMES or not token.text.upper().startswith("SERVICE"):
            continue
        following = toks[index + 1 : index + 1 + _SERVICE_WINDOW]
        if strict or any(t.text == "{" for t in following):
            raise UnsafeRequest("SERVICE is refused: this endpoint never queries other services")


def _check_dataset(toks: list[Token], dataset_graphs: Collection[str]) -> str:
    """The query form; refuse updates, LOAD and FROM graphs outside the dataset."""
    prefixes: dict[str, str] = {}
    form = None
    for index, token in enumerate(toks):
        if token.kind not in _NAMES:
            continue
        upper = token.text.upper()
        if upper == "PREFIX" and index + 2 < len(toks) and toks[index + 2].kind == "iri":
            prefixes[toks[index + 1].text.rstrip(":")] = toks[index + 2].text[1:-1]
        elif upper.startswith("LOAD") and token.kind == "word":
            raise UnsafeRequest("LOAD is refused: this endpoint is read-only", update=True)
        elif upper in UPDATE_KEYWORDS and form is None:
            raise UnsafeRequest(
                f"SPARQL Update ({upper}) is refused: this endpoint is read-only", update=True
            )
        elif upper in QUERY_FORMS and form is None:
            form = upper
        elif upper.startswith("FROM") and token.kind == "word":
            following = index + 1
            if upper == "FROM" and following < len(toks) and toks[following].keyword() == "NAMED":
                following += 1
            if following < len(toks):
                iri = _iri(toks[following], prefixes)
                if iri is None:
                    raise UnsafeRequest("FROM must name a graph IRI of this dataset")
                if iri not in dataset_graphs:
                    raise UnsafeRequest(f"FROM <{iri}>: graph not part of this dataset")
    return form or "SELECT"


def check_query(
    query: str,
    dataset_graphs: Collection[str],
    *,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) if the request is safe; else raise.

    Raises UnsafeRequest naming the refused feature, QueryError for an unterminated string.
    Other syntax errors are left to the parser.
    """
    return check_and_fingerprint(
        query,
        dataset_graphs,
        default_graph_uris=default_graph_uris,
        named_graph_uris=named_graph_uris,
    )[0]


def check_and_fingerprint(
    query: str,
    dataset_graphs: Collection[str],
    *,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> tuple[str, str]:
    """`check_query`'s form and `fingerprint(query, as_parsed=True)`, from one reading."""
    for iri in (*default_graph_uris, *named_graph_uris):
        if iri not in dataset_graphs:
            raise UnsafeRequest(f"graph <{iri}> is not part of this dataset")
    # the text as written, with `<` read as an IRI and as less-than: one scan gives both
    written, parsed = readings(query)
    depth = nesting_depth(written)
    if depth > MAX_NESTING:
        raise UnsafeRequest(
            f"the query nests groups or parentheses {depth} deep; the limit is {MAX_NESTING}"
        )
    form = _check_dataset(written, dataset_graphs)
    if _may_hold_service(query):
        _check_service(written, strict=True)
        if parsed is not written:  # the same tokens pass the less-than check if they passed
            _check_service(parsed, strict=False)
    # the reading `fingerprint(as_parsed=True)` digests
    key = digest_tokens(parsed)
    unescaped = _unescaped(query)
    if unescaped != query:
        # the text with its codepoint escapes processed; the key is then the text's digest
        primary, operators = readings(unescaped, strict=False)
        _check_service(primary, strict=True)
        _check_dataset(primary, dataset_graphs)
        if operators is not primary:
            _check_service(operators, strict=False)
        key = fingerprint(query, as_parsed=True)
    return form, key


__all__ = [
    "MAX_NESTING",
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "UnsafeRequest",
    "check_and_fingerprint",
    "check_query",
]
