"""The reach walk (`villegraph.reach.reach_values`): which values a page draws its rows from,
from a first pass's lower bounds, with ties and exhaustion; and its header (`#+ reach:`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef

from villegraph.errors import QueryError
from villegraph.queries import CannedQuery, Catalogue, bind_values
from villegraph.reach import reach_values

VARIABLES = ["thing", "rows", "kind", "label"]
EX = "https://example.org/"


def _pass(*rows: tuple[str, int, str, str]) -> list[tuple[URIRef, Literal, Literal, Literal]]:
    return [(URIRef(EX + t), Literal(n), Literal(k), Literal(label)) for t, n, k, label in rows]


def _walk(rows: list, needed: int) -> list[str] | None:
    kept = reach_values(VARIABLES, rows, "thing", needed)
    return None if kept is None else [str(v).removeprefix(EX) for v in kept]


PASS = _pass(
    ("a", 3, "place", "Alpha"),
    ("b", 1, "place", "Beta"),
    ("c", 2, "place", "Gamma"),
    ("d", 1, "place", "Gamma"),
    ("e", 5, "programme", "Alpha"),
    ("f", 1, "programme", "Omega"),
)


@pytest.mark.parametrize(
    ("needed", "kept"),
    [
        (1, ["a"]),  # one value's bound covers the page
        (3, ["a"]),
        (4, ["a", "b"]),
        (5, ["a", "b", "c", "d"]),  # c reaches it, d ties with c (same kind and label)
        (6, ["a", "b", "c", "d"]),  # ...and the tie counts towards it
        (7, ["a", "b", "c", "d"]),
        (8, ["a", "b", "c", "d", "e"]),
        (12, ["a", "b", "c", "d", "e"]),
        (13, None),  # reaches the pass's last row: the query is run whole
        (100, None),  # past every bound
    ],
)
def test_the_walk_keeps_values_until_the_bounds_reach_the_page(
    needed: int, kept: list[str] | None
) -> None:
    assert _walk(PASS, needed) == kept


def test_ties_are_compared_by_lexical_form_and_case_aside() -> None:
    rows = _pass(("a", 5, "place", "Lyon"), ("b", 1, "place", "LYON"), ("c", 1, "place", "Nice"))
    rows.insert(2, (URIRef(EX + "x"), Literal(1), Literal("place"), Literal("lyon", lang="fr")))
    assert _walk(rows, 1) == ["a", "b", "x"]


def test_a_value_with_several_keys_is_kept_once() -> None:
    rows = _pass(
        ("a", 1, "organisation", "A"), ("b", 1, "organisation", "B"), ("a", 1, "place", "A")
    )
    rows += _pass(("z", 1, "place", "Z"))
    assert _walk(rows, 3) == ["a", "b"]


def test_a_zero_or_unreadable_bound_counts_nothing() -> None:
    rows = _pass(("a", 0, "k", "A"), ("b", 1, "k", "B"), ("c", 1, "k", "C"))
    rows[1] = (rows[1][0], Literal("many"), rows[1][2], rows[1][3])
    assert _walk(rows, 1) is None  # reached only at the last row
    assert _walk(rows + _pass(("d", 1, "k", "D")), 1) == ["a", "b", "c"]


def test_unbound_or_blank_values_run_the_query_whole() -> None:
    rows = _pass(("a", 1, "k", "A"), ("z", 1, "k", "Z"))
    assert _walk([(None, *rows[0][1:]), rows[1]], 1) is None
    assert _walk([(BNode("b"), *rows[0][1:]), rows[1]], 1) is None
    assert _walk([], 1) is None


@st.composite
def _answers(draw: st.DrawFn) -> tuple[list, list, int]:
    """A whole answer (rows of (key, tie-break, value)) and its reach pass (lower bounds)."""
    things = draw(st.integers(1, 12))
    answer, passed = [], []
    for thing in range(things):
        for key in draw(st.sets(st.sampled_from(["a", "A", "b", "c", "d"]), min_size=1)):
            count = draw(st.integers(1, 5))
            answer += [(key.casefold(), draw(st.integers(0, 9)), thing) for _ in range(count)]
            passed.append((thing, draw(st.integers(0, count)), key))
    order = draw(st.permutations(range(len(passed))))
    passed = [passed[i] for i in order]
    passed.sort(key=lambda row: row[2].casefold())  # the page's order; ties in any order
    return answer, passed, draw(st.integers(1, len(answer) + 3))


@settings(max_examples=300, deadline=None)
@given(_answers())
def test_every_row_of_the_page_has_a_kept_value(case: tuple[list, list, int]) -> None:
    answer, passed, needed = case
    rows = [(Literal(t), Literal(n), Literal("k"), Literal(key)) for t, n, key in passed]
    kept = reach_values(VARIABLES, rows, "thing", needed)
    if kept is None:
        return
    page = sorted(answer)[:needed]
    assert len(page) == needed, "a kept set means the answer has the page's rows"
    assert {thing for _, _, thing in page} <= {int(v) for v in kept}


def test_the_header_names_a_variable_and_a_pass(tmp_path: Path) -> None:
    text = "#+ page: 10\n#+ reach: x\nSELECT ?x WHERE { ?x ?p ?o } LIMIT 10\n"
    reach = "SELECT ?x (COUNT(*) AS ?rows) WHERE { ?x ?p ?o } GROUP BY ?x ORDER BY ?x\n"
    query = CannedQuery.from_text("q", text, reach_text=reach)
    assert (query.reach, query.reach_text) == ("x", reach)
    with pytest.raises(QueryError, match="reach needs its pass"):
        CannedQuery.from_text("q", text)
    with pytest.raises(QueryError, match="only a paged query"):
        CannedQuery.from_text("q", text.replace("#+ page: 10\n", ""), reach_text=reach)
    with pytest.raises(QueryError, match="'y' is not a variable"):
        CannedQuery.from_text("q", text.replace("reach: x", "reach: y"), reach_text=reach)
    with pytest.raises(QueryError, match=r"does not give \?rows"):
        CannedQuery.from_text("q", text, reach_text=reach.replace("rows", "n"))
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    (tmp_path / "q.reach.rq").write_text(reach, encoding="utf-8")
    catalogue = Catalogue.load(tmp_path)
    assert catalogue.names() == ["q"]
    assert catalogue["q"].reach_text == reach


def test_the_kept_values_are_bound_beside_the_parameters() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?o }"
    hostile = Literal('a"} } SELECT')
    bound = bind_values(text, {"p": URIRef(EX + "p")}, among=("x", [URIRef(EX + "a"), hostile]))
    assert bound == (
        f"SELECT ?x WHERE {{ VALUES (?p ?x) {{ (<{EX}p> <{EX}a>) "
        f'(<{EX}p> "a\\"}} }} SELECT"^^<http://www.w3.org/2001/XMLSchema#string>) }}'
        " ?x ?p ?o }"
    )
    alone = bind_values(text, {}, among=("x", [URIRef(EX + "a")]))
    assert alone == f"SELECT ?x WHERE {{ VALUES (?x) {{ (<{EX}a>) }} ?x ?p ?o }}"
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        bind_values(text, {}, among=("x y", []))


def test_a_reach_index_leaves_out_an_iri_parameter_and_binds_only_booleans() -> None:
    head = (
        "#+ page: 10\n#+ reach: x\n#+ param: t (iri) a thing\n#+ param: all (boolean=false) all\n"
        "#+ param: lang (lang=fr) labels\n#+ param: n (integer=1) least\n"
    )
    text = head + "SELECT ?x ?t ?all ?lang ?n WHERE { ?x ?p ?t } LIMIT 10\n"
    reach = "SELECT ?x ?t ?all (COUNT(*) AS ?rows) WHERE { ?x ?p ?t } GROUP BY ?x ?t ?all\n"
    query = CannedQuery.from_text(
        "q", text.replace("#+ page: 10\n", "#+ page: 10\n#+ reach-index: t\n"), reach_text=reach
    )
    assert query.reach_index == "t"
    cases = [
        ("#+ reach-index: t\n", text.replace("#+ reach: x\n", ""), reach, "needs a reach pass"),
        ("#+ reach-index: lang\n", text, reach, "'lang' is not an iri parameter"),
        ("#+ reach-index: t\n", text, reach.replace("?t", "?s"), "'t' is not an iri parameter"),
        ("#+ reach-index: t\n", text, reach.replace("?all", "?all ?n"), "names all, n"),
    ]
    for line, body, pass_text, message in cases:
        with pytest.raises(QueryError, match=message):
            CannedQuery.from_text(
                "q", body.replace("#+ page: 10\n", "#+ page: 10\n" + line), reach_text=pass_text
            )


def test_a_reach_index_gives_the_pass_rows_of_each_value_in_its_order() -> None:
    from villegraph.indexes import ReachIndex

    a, b = URIRef(EX + "a"), URIRef(EX + "b")
    rows = [
        (URIRef(EX + "x1"), a, Literal(3)),
        (URIRef(EX + "x2"), b, Literal(2)),
        (URIRef(EX + "x3"), a, Literal(2)),
        (URIRef(EX + "x4"), None, Literal(1)),
    ]
    index = ReachIndex(["thing", "over", "rows"], rows, "over")
    assert index.variables == ["thing", "rows"]
    assert index.rows(a) == [(URIRef(EX + "x1"), Literal(3)), (URIRef(EX + "x3"), Literal(2))]
    assert index.rows(b) == [(URIRef(EX + "x2"), Literal(2))]
    assert index.rows(URIRef(EX + "c")) == [] and len(index) == 3
