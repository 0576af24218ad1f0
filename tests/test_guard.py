"""The endpoint's no-fetch guard: the one lexer's readings, historical bypasses, generated attacks.

Three properties, each tested against the real engine where it matters:
- every way of writing SERVICE that Oxigraph runs is refused by `check_query` (generated);
- through the real server, such a query gets 400 and a loopback listener receives nothing;
- a query the guard accepts never makes the engine connect (differential fuzz on pyoxigraph).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fixtures_server import Listener
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villegraph.errors import QueryError
from villegraph.lexer import tokens, unescape_codepoints
from villegraph.web.safety import MAX_NESTING, UnsafeRequest, check_query

GRAPHS = {"https://w3id.org/villegraph/graph/people"}
FIXTURES = HealthCheck.function_scoped_fixture


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _run_on_oxigraph(text: str) -> None:
    """Run `text` on an empty in-memory pyoxigraph store, ignoring its errors."""
    with contextlib.suppress(SyntaxError, OSError, RuntimeError):
        answer = ox.Store().query(text)
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)


# --- historical bypasses: each one a regression test ---------------------------------------

BYPASSES = [
    # a comment ends at a carriage return: the old guard read the SERVICE as commented out
    "SELECT * WHERE { #\rSERVICE <URL> { ?s ?p ?o } }",
    # keywords are matched by their first letters: SERVICESILENT is SERVICE SILENT
    "SELECT * { SERVICESILENT<URL>{ ?s ?p ?o } }",
    # a prefixed name whose prefix is SERVICE is a SERVICE with an empty-prefix IRI
    "PREFIX : <URL> SELECT * { SERVICE:x { ?s ?p ?o } }",
    # `<1)SERVICE:x#>` is an IRI for the grammar's longest match, a less-than for Oxigraph
    "PREFIX : <URL> SELECT * { ?s ?p ?o FILTER(?o<1)SERVICE:x#>\n { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o FILTER(?o<?p)SERVICE<URL>#>\n { } }",
    # an escaped quote in a prefixed name is part of the name, not the start of a string
    "PREFIX ex: <http://e/> SELECT * { ?s ex:a\\' ?o . SERVICE <URL> { } } #'",
    "PREFIX ex: <http://e/> SELECT * { ?s ex:a\\# ?o . SERVICE <URL> { } }",
    # codepoint escapes, as the specification processes them before parsing
    "SELECT * { \\u0053ERVICE <URL> { ?s ?p ?o } }",
    "SELECT * { sErViCe <URL> { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <URL> { ?s ?p ?o } } }",
]


def _fill(template: str, url: str) -> str:
    return template.replace("URL", url)


@pytest.mark.parametrize("template", BYPASSES)
def test_historical_bypass_is_refused(template: str, listener: Listener) -> None:
    with pytest.raises(UnsafeRequest, match="SERVICE"):
        check_query(_fill(template, listener.url), GRAPHS)


def test_historical_bypasses_do_reach_the_engine(listener: Listener) -> None:
    """The regression cases are real: Oxigraph connects out for most of them (not all parse)."""
    before = listener.connections
    for template in BYPASSES:
        _run_on_oxigraph(_fill(template, listener.url))
    assert listener.connections - before >= 7


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://e/> {}" }',
        "SELECT * { ?s <http://e/service> ?service }",
        "SELECT ?x { BIND('''SERVICE\n<http://e/> {}''' AS ?x) }",
        "# SERVICE <http://e/> {}\nASK {}",
        "SELECT * { VALUES (?a ?b) { (<http://e/x> <http://e/service?id=1>) } }",
        "SELECT * { ?s ?p ?o FILTER(?o < 3) }",
        "SELECT * { ?s ?p ?o FILTER(?o<3 && ?o>1) }",
        'SELECT * { ?s ?p ?o FILTER(CONTAINS(LCASE(?o), "service public")) }',
    ],
)
def test_legitimate_queries_pass(query: str) -> None:
    assert check_query(query, GRAPHS) in ("SELECT", "ASK")


def test_nesting_limit() -> None:
    deep = "SELECT * { " + "{ " * (MAX_NESTING + 1) + "?s ?p ?o" + " }" * (MAX_NESTING + 1) + " }"
    with pytest.raises(UnsafeRequest, match="deep"):
        check_query(deep, GRAPHS)
    parens = "SELECT * { BIND(" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) }"
    with pytest.raises(UnsafeRequest, match="limit is"):
        check_query(parens, GRAPHS)
    fine = "SELECT * { " + "{ " * 20 + "?s ?p ?o" + " }" * 20 + " }"
    assert check_query(fine, GRAPHS) == "SELECT"


def test_lexer_reads_the_grammar() -> None:
    kinds = [(t.kind, t.text) for t in tokens("SELECT ?x #c\rWHERE { ?x ex:a\\'b 'it''s' }")]
    assert kinds == [
        ("word", "SELECT"),
        ("var", "?x"),
        ("word", "WHERE"),
        ("punct", "{"),
        ("var", "?x"),
        ("pname", "ex:a\\'b"),
        ("string", "'it'"),
        ("string", "'s'"),
        ("punct", "}"),
    ]
    assert unescape_codepoints("\\u0053ERVICE \\U0001F600") == "SERVICE \U0001f600"
    with pytest.raises(QueryError, match="unterminated string at offset 9"):
        list(tokens("SELECT * 'open"))


# --- generated attacks ------------------------------------------------------------------


def _escaped(letter: str) -> str:
    return f"\\u{ord(letter):04X}"


@st.composite
def keyword(draw: st.DrawFn, word: str) -> str:
    """`word` with each letter in either case, some of them possibly as codepoint escapes."""
    letters = []
    for letter in word:
        letter = draw(st.sampled_from([letter.lower(), letter.upper()]))
        letters.append(_escaped(letter) if draw(st.integers(0, 9)) == 0 else letter)
    return "".join(letters)


SEPARATORS = st.lists(
    st.sampled_from([" ", "\t", "\n", "\r", "\r\n", "#x\r", "#x\n", "# } SERVICE\n", "#\r\n"]),
    min_size=1,
    max_size=3,
).map("".join)
OPTIONAL_SEPARATOR = st.one_of(st.just(""), SEPARATORS)
TARGETS = st.sampled_from(["<URL>", "?svc", ":x", "<\\u0068ttp://127.0.0.1:PORT/>"])


@st.composite
def service_clause(draw: st.DrawFn) -> str:
    """A SERVICE clause in one of the many ways the grammar (or an engine) allows."""
    parts = [draw(keyword("SERVICE"))]
    target = draw(TARGETS)
    if draw(st.booleans()):
        parts += [draw(SEPARATORS), draw(keyword("SILENT"))]
    glue = draw(OPTIONAL_SEPARATOR if target[0] in "<?:" else SEPARATORS)
    parts += [glue, target, draw(OPTIONAL_SEPARATOR), "{ ?s ?p ?o }"]
    return "".join(parts)


PLACES = st.sampled_from(
    [
        "SELECT * {{ {clause} }}",
        "SELECT * {{ ?a ?b ?c . {clause} }}",
        "SELECT * {{ OPTIONAL {{ {clause} }} }}",
        "SELECT * {{ {{ SELECT * {{ {clause} }} }} }}",
        "ASK {{ FILTER NOT EXISTS {{ {clause} }} }}",
        "SELECT * {{ ?s ?p ?o FILTER(?o<1){clause} }}",
        "SELECT * {{ {{ }} UNION {{ {clause} }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {clause} }}",
    ]
)
PROLOGUE = "PREFIX : <URL> BASE <URL> "


@st.composite
def attack(draw: st.DrawFn) -> str:
    return PROLOGUE + draw(PLACES).format(clause=draw(service_clause()))


def _concrete(template: str, listener: Listener) -> str:
    return template.replace("URL", listener.url).replace("PORT", str(listener.port))


@settings(max_examples=400, deadline=None, suppress_health_check=[FIXTURES])
@given(query=attack())
def test_generated_service_variants_are_refused(query: str, listener: Listener) -> None:
    with pytest.raises((UnsafeRequest, QueryError)):
        check_query(_concrete(query, listener), GRAPHS)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[FIXTURES])
@given(query=attack())
def test_server_refuses_and_never_connects(query: str, listener: Listener, web_server: str) -> None:
    before = listener.connections
    text = _concrete(query, listener)
    by_get = httpx.get(web_server + "/sparql", params={"query": text}, timeout=10)
    by_post = httpx.post(
        web_server + "/sparql",
        content=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert by_get.status_code == by_post.status_code == 400
    assert listener.connections == before


FRAGMENTS = st.sampled_from(
    [
        " ",
        "\n",
        "\r",
        "#",
        "#>",
        "'",
        '"',
        "\\'",
        "\\u0053",
        "(",
        ")",
        "{",
        "}",
        "<",
        ">",
        "?o",
        "1",
        ":x",
        "ex:a",
        "FILTER",
        "SERVICE",
        "service",
        "SILENT",
        "<URL>",
        "?svc",
        "ERVICE",
        ".",
        "BIND(<URL> AS ?svc)",
        "VALUES ?svc { <URL> }",
        "OPTIONAL",
    ]
)


@settings(max_examples=500, deadline=None, suppress_health_check=[FIXTURES])
@given(body=st.lists(FRAGMENTS, max_size=14).map("".join))
def test_accepted_queries_never_connect(body: str, listener: Listener) -> None:
    """Differential: whatever the guard lets through, the real engine runs without calling out."""
    prologue = "PREFIX : <URL> PREFIX ex: <http://e/> SELECT * { ?s ?p ?o "
    text = _concrete(prologue + body + " }", listener)
    try:
        check_query(text, GRAPHS)
    except (UnsafeRequest, QueryError):
        return
    before = listener.connections
    _run_on_oxigraph(text)
    assert listener.connections == before, text


def test_one_header_reader_for_queries_and_rules(tmp_path: Path) -> None:
    """Canned queries and derivation rules read their `#+` lines with the same function."""
    from villegraph.errors import InputError
    from villegraph.infer import load_rules
    from villegraph.lexer import HeaderError, header
    from villegraph.queries import CannedQuery

    text = "#+ Title: T\n# plain comment\n\n#+ param: x (iri) the x\nSELECT ?x {}\n#+ late: no"
    assert [(h.number, h.key, h.value) for h in header(text)] == [
        (1, "title", "T"),
        (4, "param", "x (iri) the x"),
    ]
    with pytest.raises(HeaderError) as bad:
        header("#+ title T\nSELECT * {}")
    assert bad.value.line == 1
    with pytest.raises(QueryError, match=r"q\.rq:2: header line needs 'key: value'$"):
        CannedQuery.from_text("q", "#+ title: T\n#+ oops\nSELECT * {}", path=tmp_path / "q.rq")
    (tmp_path / "10-x.rq").write_text("#+ rule: vg:rule-x\n#+ broken\nCONSTRUCT {} WHERE {}\n")
    with pytest.raises(InputError, match=r"10-x\.rq:2: header line needs"):
        load_rules(tmp_path)
