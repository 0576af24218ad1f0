"""The one SPARQL lexer: every place that reads query text (the endpoint's guard, the VALUES
binder of canned queries) takes its tokens from here.

It follows the terminals of the SPARQL 1.1 grammar (§19.8): white space is space, tab, CR and
LF; a comment runs from `#` to the end of the line, which a CR ends as well as an LF; strings in
the four quote styles with their escapes; IRIs; prefixed names with `%XX` and `\\`-escaped
local characters (`ex:a\\'` is one name, not a name and a quote); variables; blank node labels;
language tags; numbers; operators. Keywords are plain `word` tokens: compare them
case-insensitively.

Two questions the grammar leaves to the parser are answered here for the guard:

- **Codepoint escapes.** The specification processes `\\uXXXX` and `\\UXXXXXXXX` in the whole
  query text before parsing (§19.2); some engines process them only inside strings and IRIs.
  `unescape_codepoints` gives the specification's reading; the guard checks both.
- **`<` after an operand.** `?o<1)SERVICE:x#>` is an IRI for a lexer that takes the longest
  terminal, but a less-than sign for a parser that reads expressions first (Oxigraph does).
  `tokens(..., less_than_after_operand=True)` reads `<` as an operator wherever it follows an
  operand inside parentheses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from villegraph.errors import QueryError

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

_SPACE = r"(?>(?:[\x20\t\r\n]+|\#[^\r\n]*)*)"
"""White space and comments before a token, taken whole (atomic): a match is one token."""
_COMMON = rf"""
      (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
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
    | (?P<end>\Z)
"""
_IRI = r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
_FREQUENT = rf"""
      (?P<punct_>[{{}}()\[\],;])
    | (?P<var_>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<word_>[A-Za-z][A-Za-z0-9_]*)(?![{_PN_CHARS}.:])
"""
"""The most frequent tokens, tried first: each equals what `_COMMON` reads at that place (no
other branch starts with these characters; a word followed by a character that could extend
it into a prefixed name is left to the `pname` branch)."""
_WITH_IRIS = re.compile(rf"{_SPACE}(?: {_FREQUENT} | {_IRI} | {_COMMON})", re.VERBOSE | re.DOTALL)
_WITHOUT_IRIS = re.compile(rf"{_SPACE}(?: {_COMMON})", re.VERBOSE | re.DOTALL)
_KINDS = (
    "other",
    *(n.rstrip("_") for n in sorted(_WITH_IRIS.groupindex, key=_WITH_IRIS.groupindex.__getitem__)),
)
"""Token kinds by group number of `_WITH_IRIS` (a match's `lastindex`: no group is nested)."""
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

OPERAND_KINDS = frozenset({"var", "iri", "string", "number", "pname", "bnode", "lang"})
"""Token kinds after which, inside parentheses, an expression parser reads `<` as less-than."""


class Token(NamedTuple):
    """One significant token: its kind (a group name above), text and offsets."""

    kind: str
    text: str
    start: int
    end: int

    def keyword(self) -> str:
        """The upper-cased text of a `word` or `pname` token (keywords are case-insensitive)."""
        return self.text.upper() if self.kind in ("word", "pname") else ""


_new_token = tuple.__new__
_OPENING = frozenset({"(", "{", "["})
_CLOSING = frozenset({")", "}", "]"})


def _is_operand(token: Token) -> bool:
    if token.kind in OPERAND_KINDS or token.text in (")", "]"):
        return True
    return token.kind == "word" and token.text.upper() not in ("SERVICE", "SILENT")


def _scan(
    text: str,
    position: int,
    *,
    less_than: bool,
    strict: bool,
    parted: list[int] | None = None,
    quotes: list[int] | None = None,
) -> list[Token]:
    """The tokens of `text` from `position`, read as `tokens` describes.

    Each match of the pattern is one token with the white space and comments before it. The
    two readings differ only where an IRI would start in an expression after an operand:
    the text is scanned with the IRI-reading pattern (which equals the other one wherever no
    IRI matches) and, at such an IRI, read once with the operator pattern. `parted` receives
    the index of each token read so, `quotes` the index of each lone quote (`strict=False`).
    """
    found: list[Token] = []
    append = found.append
    nesting: list[str] = []
    while True:
        operator_at = -1
        for match in _WITH_IRIS.finditer(text, position):
            group = match.lastindex or 0
            kind = _KINDS[group]
            if kind == "punct":
                if less_than:
                    mark = match.group(group)
                    if mark in _OPENING:
                        nesting.append(mark)
                    elif mark in _CLOSING and nesting:
                        nesting.pop()
            elif kind == "iri":
                # `found` is not empty while `nesting` is not
                if less_than and nesting and nesting[-1] == "(" and _is_operand(found[-1]):
                    operator_at = match.start(group)
                    break
            elif kind == "open_string":
                if strict:
                    raise QueryError(
                        f"SPARQL text has an unterminated string at offset {match.start(group)}"
                    )
                if quotes is not None:
                    quotes.append(len(found))
                append(_new_token(Token, ("other", match.group(group), *match.span(group))))
                continue
            elif kind == "end":
                return found
            append(_new_token(Token, (kind, match.group(group), *match.span(group))))
        if operator_at < 0:  # pragma: no cover - `end` matches at the end of any text
            return found
        operator = _WITHOUT_IRIS.match(text, operator_at)
        if operator is None:  # pragma: no cover - `other` matches any character
            raise QueryError(f"SPARQL text cannot be read at offset {operator_at}")
        # `<` or `<=`: an operator, so the nesting does not change
        kind = operator.lastgroup or "other"
        if parted is not None:
            parted.append(len(found))
        append(_new_token(Token, (kind, operator.group(kind), operator_at, operator.end())))
        position = operator.end()


def tokens(
    text: str, *, less_than_after_operand: bool = False, strict: bool = True
) -> Iterator[Token]:
    """The significant tokens of `text` (white space and comments dropped).

    QueryError on an unterminated string, naming its offset; with `strict=False` a lone quote
    is an `other` token instead (the guard's second readings must not stop there).
    """
    return iter(_scan(text, 0, less_than=less_than_after_operand, strict=strict))


def readings(text: str, *, strict: bool = True) -> tuple[list[Token], list[Token]]:
    """`tokens(text, strict=strict)` and `tokens(text, less_than_after_operand=True,
    strict=False)` as lists, from one scan: the two readings are one until the first `<`
    the second reads as less-than, and are the same list object when there is none.
    """
    parted: list[int] = []
    quotes: list[int] = []
    parsed = _scan(text, 0, less_than=True, strict=False, parted=parted, quotes=quotes)
    shared = parted[0] if parted else len(parsed)
    if strict and quotes and quotes[0] < shared:
        offset = parsed[quotes[0]].start
        raise QueryError(f"SPARQL text has an unterminated string at offset {offset}")
    if not parted:
        return parsed, parsed
    rest = _scan(text, parsed[shared].start, less_than=False, strict=strict)
    return parsed[:shared] + rest, parsed


def unescape_codepoints(text: str) -> str:
    """`text` with `\\uXXXX` / `\\UXXXXXXXX` replaced by their characters (SPARQL 1.1 §19.2)."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"SPARQL text has an invalid codepoint escape {match.group()!r}")
        return chr(code)

    return _CODEPOINT.sub(replace, text)


_HEADER_LANG = re.compile(r"[a-z]{2,8}(-[a-z0-9]{1,8})*\Z")


class HeaderError(QueryError):
    """A malformed `#+` header line; `line` is its number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class HeaderLine:
    """One `#+ key: value` line of a query file's header (`key` lower-cased); `#+ key@fr: value`
    gives the value in one language (`lang`, lower-cased; "" when none is written)."""

    number: int
    key: str
    value: str
    lang: str = ""


def header(text: str) -> list[HeaderLine]:
    """The `#+ key: value` lines of the comment block that opens `text` (canned queries and
    derivation rules share this header form, after grlc's decorators).

    The block ends at the first line that is neither blank nor a comment; plain `#` comments
    in it are skipped. QueryError naming the line when a `#+` line has no `key: value`.
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if not stripped.startswith("#+"):
            continue
        key, sep, value = stripped[2:].partition(":")
        if not sep or not key.strip():
            raise HeaderError(number, "header line needs 'key: value'")
        key, at, lang = key.strip().lower().partition("@")
        if at and not _HEADER_LANG.match(lang):
            raise HeaderError(number, f"header key needs a language tag after @, got {lang!r}")
        found.append(HeaderLine(number, key.strip(), value.strip(), lang))
    return found


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
    parts = [
        t[1].upper() if t[0] == "word" and t[1] not in CASE_SENSITIVE_WORDS else t[1]  # kind, text
        for t in toks
    ]
    # length-prefixed: no two splits collide
    joined = "".join([f"{len(part)}:{part}" for part in parts])
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


_DEPTH = {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}


def nesting_depth(toks: list[Token]) -> int:
    """The deepest nesting of `(`, `{` and `[` among `toks`."""
    steps = [_DEPTH.get(t[1], 0) for t in toks if t[0] == "punct"]  # only punct has these texts
    return max(accumulate(steps, initial=0))


__all__ = [
    "CASE_SENSITIVE_WORDS",
    "OPERAND_KINDS",
    "HeaderError",
    "HeaderLine",
    "Token",
    "digest_tokens",
    "fingerprint",
    "header",
    "nesting_depth",
    "tokens",
    "unescape_codepoints",
]
