"""The one SPARQL lexer gives the same tokens as the lexer it replaced, and the guard the same
verdicts and cache keys as the guard it replaced (both kept in `reference_lexer.py`).

Property-based: hypothesis writes SPARQL-ish texts from the pieces that make lexing hard (the
four quote styles, unterminated strings, escapes in prefixed names, comments ended by CR, `<` as
an IRI or as less-than, codepoint escapes, keywords in any case, non-ASCII name characters) and
from arbitrary characters; every reading, error message, fingerprint and guard verdict of the
new code must equal the reference's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reference_lexer as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from villegraph import lexer
from villegraph.errors import QueryError
from villegraph.web import safety

GRAPHS = {"https://w3id.org/villegraph/graph/people", "http://e/g"}

PIECES = [
    # white space and comments
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "#",
    "# c\n",
    "#x\r",
    "# } SERVICE\n",
    "#>",
    # keywords, any case, and glued forms
    "SELECT",
    "select",
    "SeLeCt",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "FILTER",
    "BIND",
    "AS",
    "VALUES",
    "OPTIONAL",
    "UNION",
    "EXISTS",
    "NOT",
    "PREFIX",
    "BASE",
    "FROM",
    "NAMED",
    "FROM NAMED",
    "SERVICE",
    "service",
    "SERVICESILENT",
    "SILENT",
    "ERVICE",
    "LOAD",
    "INSERT",
    "DELETE",
    "WITH",
    "CLEAR",
    "GRAPH",
    "a",
    "A",
    "true",
    "TRUE",
    "false",
    "LIMIT",
    "ORDER BY",
    "GROUP BY",
    "HAVING",
    "DISTINCT",
    "LANG",
    "CONTAINS",
    "LCASE",
    "STR",
    # variables, blank nodes, names
    "?s",
    "?p",
    "?o",
    "$x",
    "?svc",
    "?o2",
    "?é",
    "_:b",
    "_:b.c",
    "_:",
    ":",
    ":x",
    "ex:",
    "ex:a",
    "ex:a.b",
    "ex:a.",
    "ex:a\\'",
    "ex:a\\#",
    "ex:%41",
    "ex:%4",
    "ſervice:x",
    "éx:y",
    "ex::z",
    "service:",
    "SERVICE:x",
    "x:SERVICE",
    # IRIs, broken IRIs, less-than
    "<http://e/>",
    "<http://e/g>",
    "<URL>",
    "<>",
    "<a b>",
    "<http://e/service?id=1>",
    "<",
    "<=",
    ">",
    ">=",
    "<1)SERVICE:x#>",
    "<?p)SERVICE<URL>#>",
    "<\\u0068ttp://e/>",
    "<{",
    '<"',
    # strings, open strings, escapes
    "'s'",
    '"s"',
    "'it\\'s'",
    '"a\\"b"',
    "'''x\n'y'''",
    '"""x\r"y"""',
    "'",
    '"',
    "'''",
    '"""',
    "'\n'",
    '"SERVICE <URL> {}"',
    "'\\",
    "\\",
    "\\'",
    "\\u0053",
    "\\u0053ERVICE",
    "\\U00000053",
    "\\uZZZZ",
    "\\uD800",
    "\\U00110000",
    "\\u003C",
    # numbers, language tags, operators, punctuation
    "1",
    "1.5",
    ".5",
    "1e3",
    "1.",
    "2E-1",
    "@fr",
    "@en-GB",
    "@",
    "^^",
    "||",
    "&&",
    "!=",
    "!",
    "=",
    "+",
    "-",
    "*",
    "/",
    "^",
    "|",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ".",
    # odd characters
    "~",
    "%",
    "`",
    "é",
    "\u00b7",
    "\u203f",
    "\u00a0",
    "\x00",
    "\ufeff",
    "\U0001f600",
]
FRAGMENT = st.sampled_from(PIECES)
CHARACTERS = st.text(
    alphabet=st.sampled_from(list("SERVICEservice?:<>()[]{}#'\"\\u0053 \t\r\n.;,=!@^_-+*/aAé%")),
    max_size=40,
)
TRICKY = st.sampled_from(
    [
        " ",
        "\n",
        "\r",
        "#",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<",
        "<=",
        "<x>",
        "<1)SERVICE:x#>",
        "<?p)a#>",
        "?o",
        "1",
        "'",
        '"',
        "'a'",
        "SERVICE",
        "SILENT",
        "a",
        "ex:a",
        "@fr",
        "_:b",
        ">",
    ]
)
"""A few pieces, so that their rarer sequences (several `<` after operands, nested groups
and brackets, open strings before and after) come up often."""
OPERAND = st.sampled_from(["?o", "1", "'a'", "a", "ex:a", "@fr", "_:b", ")", "]", "<x>", "SERVICE"])
IRI_OR_LESS_THAN = st.sampled_from(["<x>", "<1)a#>", "<?p)a#>", "< 1", "<=1", "<'#>"])
EXPRESSION = st.lists(
    st.tuples(st.sampled_from(["", " ", "(", "[", "{", ")"]), OPERAND, IRI_OR_LESS_THAN).map(
        "".join
    ),
    min_size=1,
    max_size=6,
).map(lambda parts: "FILTER(" + "".join(parts) + ")")
"""Expressions where several `<` follow operands, in and out of parentheses."""
TEXTS = st.one_of(
    st.lists(FRAGMENT, max_size=30).map("".join),
    st.lists(TRICKY, max_size=30).map("".join),
    st.lists(st.one_of(EXPRESSION, TRICKY), max_size=6).map("".join),
    st.lists(st.one_of(FRAGMENT, CHARACTERS), max_size=12).map("".join),
    st.text(max_size=60),
)


def _outcome(read: Callable[[], Any]) -> tuple[str, Any]:
    """What `read` gives, or the error it raises (type and message)."""
    try:
        return "value", read()
    except (QueryError, safety.UnsafeRequest) as error:
        return type(error).__name__, str(error)


def _plain(tokens: Any) -> list[tuple[str, str, int, int]]:
    return [(t.kind, t.text, t.start, t.end) for t in tokens]


@settings(max_examples=2000, deadline=None)
@given(text=TEXTS)
def test_tokens_equal_the_reference(text: str) -> None:
    for less_than in (False, True):
        for strict in (False, True):
            options = {"less_than_after_operand": less_than, "strict": strict}
            new = _outcome(lambda: _plain(lexer.tokens(text, **options)))  # noqa: B023
            old = _outcome(lambda: _plain(reference.tokens(text, **options)))  # noqa: B023
            assert new == old, (text, options)


def _new_readings(text: str, strict: bool) -> tuple[list[Any], list[Any]]:
    written, parsed = lexer.readings(text, strict=strict)
    return _plain(written), _plain(parsed)


def _old_readings(text: str, strict: bool) -> tuple[list[Any], list[Any]]:
    written = _plain(reference.tokens(text, strict=strict))
    return written, _plain(reference.tokens(text, less_than_after_operand=True, strict=False))


@settings(max_examples=2000, deadline=None)
@given(text=TEXTS)
def test_readings_are_the_two_token_lists(text: str) -> None:
    for strict in (False, True):
        new = _outcome(lambda: _new_readings(text, strict))  # noqa: B023
        old = _outcome(lambda: _old_readings(text, strict))  # noqa: B023
        assert new == old, (text, strict)


@settings(max_examples=2000, deadline=None)
@given(text=TEXTS)
def test_fingerprints_equal_the_reference(text: str) -> None:
    for as_parsed in (False, True):
        new = _outcome(lambda: lexer.fingerprint(text, as_parsed=as_parsed))  # noqa: B023
        old = _outcome(lambda: reference.fingerprint(text, as_parsed=as_parsed))  # noqa: B023
        assert new == old, (text, as_parsed)


QUERIES = st.one_of(
    TEXTS,
    st.builds(
        lambda prologue, body: prologue + "SELECT * { ?s ?p ?o " + body + " }",
        st.sampled_from(["", "PREFIX : <http://e/> ", "PREFIX ex: <http://e/> BASE <URL> "]),
        st.lists(FRAGMENT, max_size=20).map("".join),
    ),
)


@settings(max_examples=2000, deadline=None)
@given(query=QUERIES)
def test_guard_verdicts_equal_the_reference(query: str) -> None:
    """Same form and cache key, or the same refusal with the same message."""
    new = _outcome(lambda: safety.check_and_fingerprint(query, GRAPHS))
    old = _outcome(lambda: reference.check_and_fingerprint(query, GRAPHS))
    assert new == old, query


def test_readings_share_one_list_until_a_less_than() -> None:
    written, parsed = lexer.readings("SELECT * { ?s ?p ?o FILTER(?o < 3) }")
    assert written is parsed
    text = "SELECT * { ?s ?p ?o FILTER(?o<1)SERVICE:x#>\n { } }"
    written, parsed = lexer.readings(text)
    assert [t.text for t in written][7:] == ["(", "?o", "<1)SERVICE:x#>", "{", "}", "}"]
    assert [t.text for t in parsed][7:] == ["(", "?o", "<", "1", ")", "SERVICE:x", "{", "}", "}"]
    assert written[:9] == parsed[:9]


@settings(max_examples=2000, deadline=None)
@given(head=st.text(max_size=8), tail=st.text(max_size=8))
def test_upper_case_maps_each_character_on_its_own(head: str, tail: str) -> None:
    """What the guard's SERVICE pre-check relies on: the upper case of a slice of a text is
    a slice of the upper case of the text."""
    assert (head + tail).upper() == head.upper() + tail.upper()


def test_upper_case_of_every_character_is_context_free() -> None:
    """Characters with special upper cases (ß, ﬀ, ŉ …) and the sigmas, between neighbours."""
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    special = [c for c in characters if len(c.upper()) != 1]
    assert len(special) > 50
    for around in ("", "a", "Σ", "ß", "s"):
        for character in [*special, "σ", "ς", "Σ", "i", "ı", "ſ", "K"]:
            text = around + character + around
            assert text.upper() == around.upper() + character.upper() + around.upper()


@settings(max_examples=1000, deadline=None)
@given(query=QUERIES)
def test_the_guards_key_is_the_fingerprint_as_parsed(query: str) -> None:
    """The server names a text the query worker could not (stopped at its deadline) by
    `fingerprint(as_parsed=True)`: it must be the key the worker's guard gives."""
    try:
        _, key = safety.check_and_fingerprint(query, GRAPHS)
    except (QueryError, safety.UnsafeRequest):
        return
    assert key == lexer.fingerprint(query, as_parsed=True)
