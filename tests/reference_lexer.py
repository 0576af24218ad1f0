"""The SPARQL lexer and guard as they were before the lexer was made faster (commit a17cad6),
kept verbatim as the reference that `test_lexer_reference.py` compares the one lexer with.

Not used by villegraph itself: a second tokenizer in the product is how a request-forgery
bypass happened before. Only the tests read this one.
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from villegraph.errors import QueryError
from villegraph.web.safety import UnsafeRequest

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)

_COMMON = rf"""
      (?P<ws>[\x20\t\r\n]+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<open_string>['"])
    | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
    | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    | (?P<op>\^\^|\|\||&&|!=|<=|>=|[-+*/=<>!^|])
    | (?P<punct>[{{}}()\[\],;.])
    | (?P<other>.)
"""
_IRI = r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
_WITH_IRIS = re.compile(rf"{_IRI} | {_COMMON}", re.VERBOSE | re.DOTALL)
_WITHOUT_IRIS = re.compile(_COMMON, re.VERBOSE | re.DOTALL)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

OPERAND_KINDS = frozenset({"var", "iri", "string", "number", "pname", "bnode", "lang"})
"""Token kinds after which, inside parentheses, an expression parser reads `<` as less-than."""


@dataclass(frozen=True, slots=True)
class Token:
    """One significant token: its kind (a group name above), text and offsets."""

    kind: str
    text: str
    start: int
    end: int

    def keyword(self) -> str:
        """The upper-cased text of a `word` or `pname` token (keywords are case-insensitive)."""
        return self.text.upper() if self.kind in ("word", "pname") else ""


def _is_operand(token: Token) -> bool:
    if token.kind in OPERAND_KINDS or token.text in (")", "]"):
        return True
    return token.kind == "word" and token.text.upper() not in ("SERVICE", "SILENT")


def tokens(
    text: str, *, less_than_after_operand: bool = False, strict: bool = True
) -> Iterator[Token]:
    """The significant tokens of `text` (white space and comments dropped).

    QueryError on an unterminated string, naming its offset; with `strict=False` a lone quote
    is an `other` token instead (the guard's second readings must not stop there).
    """
    position = 0
    nesting: list[str] = []
    previous: Token | None = None
    while position < len(text):
        expression = bool(nesting) and nesting[-1] == "("
        use_operator = (
            less_than_after_operand
            and expression
            and previous is not None
            and _is_operand(previous)
            and text.startswith("<", position)
        )
        pattern = _WITHOUT_IRIS if use_operator else _WITH_IRIS
        match = pattern.match(text, position)
        if match is None:  # pragma: no cover - `other` matches any character
            raise QueryError(f"SPARQL text cannot be read at offset {position}")
        kind = match.lastgroup or "other"
        position = match.end()
        if kind == "open_string" and strict:
            raise QueryError(f"SPARQL text has an unterminated string at offset {match.start()}")
        if kind in ("ws", "comment"):
            continue
        if kind == "open_string":
            kind = "other"
        token = Token(kind, match.group(), match.start(), match.end())
        if token.text in ("(", "{", "["):
            nesting.append("(" if token.text == "(" else token.text)
        elif token.text in (")", "}", "]") and nesting:
            nesting.pop()
        previous = token
        yield token


def unescape_codepoints(text: str) -> str:
    """`text` with `\\uXXXX` / `\\UXXXXXXXX` replaced by their characters (SPARQL 1.1 §19.2)."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"SPARQL text has an invalid codepoint escape {match.group()!r}")
        return chr(code)

    return _CODEPOINT.sub(replace, text)


CASE_SENSITIVE_WORDS = frozenset({"a", "true", "false"})
"""Words a parser reads in their written case only (Oxigraph refuses `A`, `TRUE`)."""


def fingerprint(text: str, *, as_parsed: bool = False) -> str:
    """A digest of the query's tokens: the same for texts that differ only in spacing and
    comments (and the case of keywords).

    With `as_parsed`, two texts with one fingerprint are one query to the engine (the result
    cache's key): `<` after an operand is read as Oxigraph reads it, and a text holding
    codepoint escapes (which may turn a comment into query text) is digested as written.
    """
    if as_parsed and _CODEPOINT.search(text):
        return "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:31]
    return digest_tokens(tokens(text, less_than_after_operand=as_parsed, strict=False))


def digest_tokens(toks: Iterable[Token]) -> str:
    """`fingerprint` of tokens already read (the guard reads them once for both)."""
    digest = hashlib.sha256()
    for t in toks:
        part = t.text.upper() if t.kind == "word" and t.text not in CASE_SENSITIVE_WORDS else t.text
        digest.update(f"{len(part)}:{part}".encode())  # length-prefixed: no two splits collide
    return digest.hexdigest()[:32]


def nesting_depth(toks: list[Token]) -> int:
    """The deepest nesting of `(`, `{` and `[` among `toks`."""
    depth = deepest = 0
    for token in toks:
        if token.text in ("(", "{", "["):
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in (")", "}", "]"):
            depth -= 1
    return deepest


UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
MAX_NESTING = 100
"""Deepest nesting of ( { [ accepted; the engine's recursive parser fails far deeper."""
_SERVICE_WINDOW = 3
"""In the less-than reading, a SERVICE counts when a `{` follows within this many tokens."""


def _texts(query: str) -> Iterator[str]:
    yield query
    try:
        unescaped = unescape_codepoints(query)
    except QueryError as bad:
        raise UnsafeRequest(str(bad)) from None
    if unescaped != query:
        yield unescaped


def _iri(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return unescape_codepoints(token.text[1:-1])
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def _check_service(toks: list[Token], *, strict: bool) -> None:
    """Refuse a SERVICE keyword; in the less-than reading only one followed by a group."""
    for index, token in enumerate(toks):
        if not token.keyword().startswith("SERVICE"):
            continue
        following = toks[index + 1 : index + 1 + _SERVICE_WINDOW]
        if strict or any(t.text == "{" for t in following):
            raise UnsafeRequest("SERVICE is refused: this endpoint never queries other services")


def _check_dataset(toks: list[Token], dataset_graphs: Collection[str]) -> str:
    """The query form; refuse updates, LOAD and FROM graphs outside the dataset."""
    prefixes: dict[str, str] = {}
    form = None
    for index, token in enumerate(toks):
        upper = token.keyword()
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
    written = list(tokens(query))
    depth = nesting_depth(written)
    if depth > MAX_NESTING:
        raise UnsafeRequest(
            f"the query nests groups or parentheses {depth} deep; the limit is {MAX_NESTING}"
        )
    form = _check_dataset(written, dataset_graphs)
    key = ""
    for text in _texts(query):
        as_written = text is query
        primary = written if as_written else list(tokens(text, strict=False))
        _check_service(primary, strict=True)
        if not as_written:
            _check_dataset(primary, dataset_graphs)
        operators = list(tokens(text, less_than_after_operand=True, strict=False))
        _check_service(operators, strict=False)
        # the reading `fingerprint(as_parsed=True)` digests; with codepoint escapes, the text
        key = digest_tokens(operators) if as_written else fingerprint(query, as_parsed=True)
    return form, key
