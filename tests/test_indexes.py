"""The label index behind `#+ label-index:` canned queries (`search`): the same rows, order and
notes as the query scanning every label in the store, whatever the labels and the text (case
mappings that change lengths, final sigma, dotted I, sharp s, unassigned code points, newlines,
blank nodes, typed literals), and at page boundaries where labels tie."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villegraph.config import Settings
from villegraph.errors import QueryError
from villegraph.indexes import LabelIndex
from villegraph.queries import CannedQuery, reach_index_text, run_canned
from villegraph.store import EmbeddedStore, SelectResult

SEARCH = (Settings().queries_dir / "search.rq").read_text(encoding="utf-8")
SEARCH_3 = CannedQuery.from_text("search", SEARCH.replace("LIMIT 200", "LIMIT 3"))
PROPERTIES = [
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",  # not a property the query reads
]
TRICKY = "aAbBsSßẞσςΣiIİıKkK\u01c5\u0301é\n \u0378\U0001f600Ꭰꭰ-.'"
"""Letters whose lower case or case folding is not one letter for one, or depends on context,
or that Python's Unicode tables leave unassigned (U+0378)."""


class ScanningStore:
    """The same store without its label index: the query reads every label."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store

    def select(self, *args: object, **kwargs: object) -> SelectResult:
        return self._store.select(*args, **kwargs)  # type: ignore[arg-type]


def _literal(text: str, kind: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if kind == "int":
        return f'"{escaped}"^^<http://www.w3.org/2001/XMLSchema#integer>'
    return f'"{escaped}"' + (f"@{kind}" if kind in ("fr", "en") else "")


def _store(tmp_path: Path, labels: list[tuple[int, int, str, str]]) -> EmbeddedStore:
    """A store loaded from a build folder (so it keeps a label index) holding `labels`:
    (resource, property, text, kind) with kind "", "fr", "en", "int" or "iri"."""
    dist = tmp_path / "dist"
    dist.mkdir(exist_ok=True)
    lines = []
    for resource, prop, text, kind in labels:
        subject = f"_:b{resource}" if resource % 5 == 4 else f"<https://example.org/r{resource}>"
        obj = "<https://example.org/x>" if kind == "iri" else _literal(text, kind)
        lines.append(f"{subject} <{PROPERTIES[prop]}> {obj} <https://example.org/g> .")
    (dist / "villegraph.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = EmbeddedStore.from_dist(dist)
    store.label_index(SEARCH_3.label_index)  # made now: the queries below go through it
    return store


def _same(store: EmbeddedStore, query: CannedQuery, text: str) -> int:
    expected = run_canned(ScanningStore(store), query, {"text": text})
    answer = run_canned(store, query, {"text": text})
    assert answer.variables == expected.variables
    assert answer.rows == expected.rows, text
    assert answer.notes == expected.notes, text
    return len(answer.rows)


labels = st.lists(
    st.tuples(
        st.integers(0, 12),
        st.integers(0, len(PROPERTIES) - 1),
        st.text(TRICKY, max_size=6),
        st.sampled_from(["", "fr", "en", "en", "int", "iri"]),
    ),
    max_size=30,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(labels=labels, needles=st.lists(st.text(TRICKY, max_size=3), min_size=1, max_size=4))
def test_same_rows_as_scanning_every_label(
    tmp_path: Path, labels: list[tuple[int, int, str, str]], needles: list[str]
) -> None:
    store = _store(tmp_path, labels)
    try:
        for text in [*needles, *(label[2][1:3].upper() for label in labels[:3])]:
            _same(store, SEARCH_3, text)
            _same(store, CannedQuery.from_text("search", SEARCH), text)
    finally:
        store.close()


def test_ties_at_the_page_boundary_and_labels_the_filter_drops(tmp_path: Path) -> None:
    """Equal labels on either side of the third row; `ß` offered for `ss` and dropped."""
    texts = ["Ville", "ville", "VILLE", "ville", "Ville", "villes", "Straße", "strasse", "SS"]
    store = _store(tmp_path, [(n, n % 5, t, "fr" if n % 2 else "") for n, t in enumerate(texts)])
    try:
        assert store.label_index(SEARCH_3.label_index) is not None
        assert _same(store, SEARCH_3, "ville") == 3
        assert _same(store, SEARCH_3, "ss") == 2
        assert _same(store, SEARCH_3, "ß") == 1
        assert _same(store, SEARCH_3, "zz") == 0
        assert _same(store, SEARCH_3, "") == 3
    finally:
        store.close()


def test_the_index_finds_in_answer_order_and_never_across_two_labels() -> None:
    index = LabelIndex(
        [("<r1>", "ab"), ("<r2>", "cd"), ("<r3>", "x\ny"), ("<r4>", "Ab"), ("<r1>", "b")]
    )
    assert [index.label(n) for n in range(len(index))] == ["b", "Ab", "ab", "cd", "x\ny"]
    assert [index.label(n) for n in index.matches("AB")] == ["Ab", "ab"]
    assert list(index.matches("b\nc")) == []  # "ab" then "cd": no label holds it
    assert [index.label(n) for n in index.matches("X\nY")] == ["x\ny"]
    found = index.candidates("b", 2)
    assert found.resources == ["<r1>", "<r4>"] and found.reach == (2, "Ab")
    assert index.candidates("b", 9).reach is None  # every match met
    assert index.candidates("zz", 1).resources == []


def test_only_a_store_that_cannot_change_keeps_an_index(tmp_path: Path) -> None:
    writable = EmbeddedStore()
    assert writable.label_index(SEARCH_3.label_index) is None
    loaded = _store(tmp_path, [(1, 0, "Ville", "fr")])
    try:
        index = loaded.label_index(SEARCH_3.label_index)
        assert index is not None and len(index) == 1
        assert loaded.label_index(SEARCH_3.label_index) is index  # made once
    finally:
        loaded.close()


def test_the_seed_build_keeps_an_index_for_search(built_store: EmbeddedStore) -> None:
    query = CannedQuery.from_text("search", SEARCH)
    assert query.label_index == tuple(PROPERTIES[:5])
    index = built_store.label_index(query.label_index)
    assert index is not None and len(index) > 50
    assert _same(built_store, query, "VILLE") > 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ label-index: rdfs:label\n#+ page: 200", "is not paged"),
        ("#+ label-index: nope:label", "no property IRI"),
        ("#+ label-index:", "names no property"),
    ],
)
def test_a_malformed_label_index_header_names_its_line(header: str, message: str) -> None:
    line = next(line for line in SEARCH.splitlines() if line.startswith("#+ label-index:"))
    text = SEARCH.replace(line, header)
    with pytest.raises(QueryError, match=message):
        CannedQuery.from_text("search", text)


def test_a_label_index_query_needs_its_text_and_one_limit() -> None:
    text = SEARCH.replace("(string) the text", "(string?) the text")
    with pytest.raises(QueryError, match="required string parameter 'text'"):
        CannedQuery.from_text("search", text)
    with pytest.raises(QueryError, match="exactly one 'LIMIT N'"):
        CannedQuery.from_text("search", SEARCH.replace("LIMIT 200", ""))


# --- pair-index: shared-themes --------------------------------------------------------------

SHARED = CannedQuery.from_file(Settings().queries_dir / "shared-themes.rq")
STATED = "https://w3id.org/villegraph/def#statedTheme"


def _pairs_store(tmp_path: Path, links: list[tuple[int, int]]) -> EmbeddedStore:
    """A store loaded from a build folder holding `links` (person, theme) of vg:statedTheme;
    person 7 is a blank node, person names sort otherwise than their numbers."""
    dist = tmp_path / "dist"
    dist.mkdir(exist_ok=True)
    lines = []
    for person, theme in links:
        subject = "_:p7" if person == 7 else f"<https://example.org/p{'-x' * (person % 3)}{person}>"
        lines.append(
            f"{subject} <{STATED}> <https://example.org/t{theme}> <https://example.org/g> ."
        )
        lines.append(
            f"<https://example.org/t{theme}> <http://www.w3.org/2004/02/skos/core#prefLabel> "
            f'"thème {theme}"@fr <https://example.org/g> .'
        )
    for person in range(12):
        lines.append(
            f"<https://example.org/p{'-x' * (person % 3)}{person}> "
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<http://xmlns.com/foaf/0.1/Person> <https://example.org/g> ."
        )
    (dist / "villegraph.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = EmbeddedStore.from_dist(dist)
    store.pair_index(STATED)  # made now: the queries below go through it
    return store


def _same_page(store: EmbeddedStore, raw: dict[str, str]) -> tuple[int, bool]:
    """Rows of the page, and whether the index narrowed the query (a LATERAL was sent)."""
    sent: list[str] = []
    select = store.select

    def recording(text: str, *args: object, **kwargs: object) -> SelectResult:
        sent.append(text)
        return select(text, *args, **kwargs)  # type: ignore[arg-type]

    expected = run_canned(ScanningStore(store), SHARED, raw)
    store.select = recording  # type: ignore[method-assign]
    try:
        answer = run_canned(store, SHARED, raw)
    finally:
        del store.select
    assert answer.variables == expected.variables
    assert answer.rows == expected.rows, raw
    assert (answer.more, answer.notes) == (expected.more, expected.notes), raw
    return len(answer.rows), any("LATERAL" in text for text in sent)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    links=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 5)), max_size=40),
    person=st.integers(0, 11),
    least=st.integers(0, 4),
    limit=st.integers(1, 5),
    offset=st.integers(0, 6),
)
def test_shared_pages_are_the_same_as_counting_every_pair(
    tmp_path: Path, links: list[tuple[int, int]], person: int, least: int, limit: int, offset: int
) -> None:
    store = _pairs_store(tmp_path, links)
    try:
        iri = f"https://example.org/p{'-x' * (person % 3)}{person}"
        raw = {"person": iri, "min": str(least), "limit": str(limit), "offset": str(offset)}
        _same_page(store, raw)
    finally:
        store.close()


def test_shared_pages_go_through_the_index_on_a_generated_network(
    tmp_path: Path,
) -> None:
    links = [(p, t) for p in range(12) for t in range(6) if (p * 7 + t * 3) % 5 < 3 and p != 7]
    store = _pairs_store(tmp_path, links)
    try:
        person = "https://example.org/p-x1"
        assert _same_page(store, {"person": person, "limit": "3"}) == (3, True)
        assert _same_page(store, {"person": person, "limit": "3", "offset": "3"}) == (3, True)
        assert _same_page(store, {"person": person, "min": "3"})[1]
        # past the last page, and a person sharing nothing: the store counts, as before
        assert _same_page(store, {"person": person, "offset": "50"}) == (0, False)
        assert _same_page(store, {"person": "https://example.org/p-x7"})[1] is False
    finally:
        store.close()


def test_the_served_store_narrows_through_its_own_indexes_and_swaps_them(
    built_dist: Path, tmp_path: Path
) -> None:
    """The site's store (worker processes) keeps the indexes in the serving process, read
    from the store folder; a new build gets its own."""
    from villegraph.store import load_build
    from villegraph.web.engine import PooledStore

    path = load_build(built_dist, tmp_path / "store")
    store = PooledStore(path, workers=1, site_workers=1, timeout=20)
    try:
        search = CannedQuery.from_text("search", SEARCH)
        index = store.label_index(search.label_index)
        assert index is not None and len(index) > 50
        assert store.pair_index(STATED) is not None
        who = CannedQuery.from_file(Settings().queries_dir / "who-works-on.rq")
        reach = reach_index_text(who, who.parse_params({"theme": "theme/data"}))
        assert store.reach_index(reach, "theme") is not None
        reference = CannedQuery.from_file(
            Path(__file__).parent / "data" / "queries-reference" / "who-works-on.rq"
        )
        for raw in ({"theme": "theme/digital-city", "limit": "2"}, {"theme": "theme/data"}):
            assert run_canned(store, who, raw).rows == run_canned(store, reference, raw).rows
        for text in ("ville", "DONNÉES", "zzzz", "a"):
            expected = run_canned(ScanningStore(store), search, {"text": text})  # type: ignore[arg-type]
            assert run_canned(store, search, {"text": text}).rows == expected.rows
        store.swap(path, remove_old=False)
        assert store.label_index(search.label_index) is not index  # made again, for the new one
    finally:
        store.close()
