"""Sameness: the canned queries rewritten for scale (issue 13) give exactly what the texts they
replace gave (kept in tests/data/queries-reference/): the same columns, the same rows in the
same order, the same paging and notes, on the seed build and on a generated network of 300
people, in both languages and on pages 1 and 2. `shared-themes` now requires its person: it is
compared for many people, and without one it is an error instead of every pair of people; it
goes through the store's pair index (`villegraph.indexes`), the reference through the store's
own count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from villegraph.config import Settings
from villegraph.errors import QueryError
from villegraph.queries import CannedQuery, CannedResult, reach_pass, run_canned
from villegraph.resources import ONTOLOGY_DIR
from villegraph.store import EmbeddedStore

REFERENCE = Path(__file__).resolve().parent / "data" / "queries-reference"
PEOPLE = """PREFIX vg: <https://w3id.org/villegraph/def#>
SELECT ?person (COUNT(?theme) AS ?themes) WHERE { ?person vg:statedTheme ?theme }
GROUP BY ?person ORDER BY DESC(?themes) ?person"""
PAGES = ({}, {"limit": "7"}, {"limit": "7", "offset": "7"}, {"limit": "3", "offset": "1000"})


@pytest.fixture(scope="module")
def network_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A generated network of 300 people (seed 3), built into a folder of this module's own."""
    from villegraph.build import build
    from villegraph.synth import generate

    root = tmp_path_factory.mktemp("network-300")
    generate(
        root / "data",
        people=300,
        seed=3,
        themes_path=ONTOLOGY_DIR / "themes.ttl",
        roles_path=Path(__file__).resolve().parents[1] / "data" / "roles.ttl",
    )
    settings = Settings(
        root=Path(__file__).resolve().parents[1], data_dir=root / "data", dist_dir=root / "dist"
    )
    store = EmbeddedStore.from_dist(build(settings).out_dir)
    yield store
    store.close()


@pytest.fixture(params=["seed", "generated"])
def store(
    request: pytest.FixtureRequest, built_store: EmbeddedStore, network_store: EmbeddedStore
) -> EmbeddedStore:
    return built_store if request.param == "seed" else network_store


def _queries(name: str) -> tuple[CannedQuery, CannedQuery]:
    """The query as it is now and as the reference copy has it."""
    new = CannedQuery.from_file(Settings().queries_dir / f"{name}.rq")
    return new, CannedQuery.from_file(REFERENCE / f"{name}.rq")


def _same(store: EmbeddedStore, name: str, raw: dict[str, str]) -> CannedResult:
    new, old = _queries(name)
    if new.pair_index is not None:  # made now: the new text goes through it
        assert store.pair_index(new.pair_index.predicate) is not None
    expected = run_canned(store, old, raw)
    answer = run_canned(store, new, raw)
    assert answer.variables == expected.variables, raw
    assert answer.rows == expected.rows, raw
    assert (answer.more, answer.next_offset, answer.notes) == (
        expected.more,
        expected.next_offset,
        expected.notes,
    ), raw
    return answer


def test_shared_themes_is_the_same_for_each_person(store: EmbeddedStore) -> None:
    people = [str(row[0]) for row in store.select(PEOPLE).rows]
    assert len(people) >= 3
    picked = people[:4] + people[len(people) // 2 :][:3] + people[-2:]
    rows = cut = 0
    for person in picked:
        for lang in ("fr", "en"):
            for minimum in ("1", "2"):
                for page in PAGES:
                    raw = {"person": person, "lang": lang, "min": minimum, **page}
                    answer = _same(store, "shared-themes", raw)
                    rows += len(answer.rows)
                    cut += answer.more
    if len(people) > 50:  # the generated network
        assert rows > 0 and cut > 0, "some pairs, and some pages cut short"


def test_shared_themes_with_no_one_sharing_is_the_same(store: EmbeddedStore) -> None:
    # the seed's people share no theme: empty answers with the same note
    person = str(store.select(PEOPLE).rows[-1][0])
    answer = _same(store, "shared-themes", {"person": person, "min": "1000"})
    assert answer.rows == [] and answer.notes


def test_shared_themes_without_a_person_is_refused(store: EmbeddedStore) -> None:
    new, _ = _queries("shared-themes")
    with pytest.raises(QueryError, match="needs parameter 'person'"):
        run_canned(store, new, {})


# --- places-studied: the page read through its reach pass -------------------------------------

PLACES_PAGES = [
    {"limit": limit, "offset": offset}
    for limit in ("1", "2", "7", "100")
    for offset in ("0", "1", "5", "100000")
]


def test_places_studied_through_its_reach_is_the_same(store: EmbeddedStore) -> None:
    new, _ = _queries("places-studied")
    assert new.reach == "studied"
    reached = 0
    for lang in ("fr", "en"):
        for page in PLACES_PAGES:
            raw = {"lang": lang, **page}
            _same(store, "places-studied", raw)
            bindings = new.parse_params(raw)
            limit, offset = int(page["limit"]), int(page["offset"])
            reached += reach_pass(store, new, bindings, limit, offset) is not None
    assert reached > 0, "some pages are read through the reach pass"


def test_places_studied_with_tied_labels_is_the_same() -> None:
    """Things of one kind sharing a label (in a language, plainly, in another case), a thing of
    two kinds, one without a type or a label, talks with several presenters or none."""
    store = EmbeddedStore()
    store.oxigraph.load(TIES.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    new, _ = _queries("places-studied")
    whole = run_canned(store, new, {"limit": "1000"})
    assert len(whole.rows) > 20 and not whole.more
    cut = 0
    for lang in ("fr", "en", "de"):
        for limit in range(1, 12):
            for offset in (0, 1, 2, 3, 5, 8, 13, 40):
                raw = {"lang": lang, "limit": str(limit), "offset": str(offset)}
                _same(store, "places-studied", raw)
                bindings = new.parse_params(raw)
                kept = reach_pass(store, new, bindings, limit, offset)
                cut += kept is not None
    assert cut > 0


def _ties() -> str:
    lines = [
        "@prefix vg: <https://w3id.org/villegraph/def#> .",
        "@prefix schema: <https://schema.org/> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix ex: <https://example.org/> .",
    ]
    things = {
        "lyon1": ("schema:Place", '"Lyon"'),
        "lyon2": ("schema:Place", '"Lyon"'),
        "lyon3": ("schema:Place", '"Lyon"@fr, "Lyons"@en'),
        "lyon4": ("schema:Place", '"LYON"'),
        "lyon5": ("vg:Programme", '"Lyon"'),
        "both": ("schema:Place, org:Organization", '"Alpha"'),
        "nothing": (None, None),
        "nice": ("schema:Place", '"Nice"@en, "Nice"@fr'),
        "prog": ("vg:Programme", '"Grand Lyon"@fr, "Greater Lyon"@en'),
    }
    for name, (types, labels) in things.items():
        if types:
            lines.append(f"ex:{name} a {types} .")
        if labels:
            lines.append(f"ex:{name} rdfs:label {labels} .")
    lines.append("ex:prog schema:location ex:lyon1, ex:nice .")
    names = list(things)
    for number in range(30):  # each talk studies one or two things, never two Lyons
        talk = f"ex:talk{number:02d}"
        studied = {names[number % len(names)], names[(number * 5 + 3) % len(names)]}
        if sum(name.startswith("lyon") for name in studied) > 1:
            studied = {names[number % len(names)]}
        lines.append(f"{talk} vg:studies {', '.join(f'ex:{n}' for n in sorted(studied))} .")
        lines.append(f'{talk} dcterms:title "Talk {number}"@fr .')
        for person in range(2 if number % 7 == 6 else number % 2):  # bounds mostly tight
            lines.append(f"{talk} vg:presenter ex:person{(number + person) % 5} .")
    lines += [f'ex:person{n} rdfs:label "Person {n}" .' for n in range(4)]
    return "\n".join(lines) + "\n"


TIES = _ties()


# --- who-works-on: the people of a page found by the scores alone ---------------------------

THEMES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?theme WHERE {
  ?theme skos:inScheme ?scheme FILTER(STRENDS(STR(?scheme), "/theme/scheme"))
} ORDER BY ?theme"""


def _reach_index_made(store: EmbeddedStore, context: bool) -> None:
    """Make the store's reach index of who-works-on now (with `context`), so that the pages
    below are read through it and not through the pass run for each."""
    from villegraph.queries import reach_index_text

    new, _ = _queries("who-works-on")
    bindings = new.parse_params({"theme": "theme/data", "context": str(context).lower()})
    text = reach_index_text(new, bindings)
    assert text.count(f"{bool(context)}".lower()) == 1 and "theme/data" not in text
    assert store.reach_index(text, "theme") is not None


def test_who_works_on_through_its_reach_index_is_the_same(store: EmbeddedStore) -> None:
    new, _ = _queries("who-works-on")
    assert (new.reach, new.reach_index) == ("person", "theme")
    for context in (False, True):
        _reach_index_made(store, context)
    themes = [str(row[0]) for row in store.select(THEMES).rows]
    assert len(themes) > 20
    cut = reached = 0
    for theme in themes:
        for context in ("false", "true"):
            for page in ({}, {"limit": "7"}, {"limit": "3", "offset": "2"}):
                raw = {"theme": theme, "context": context, **page}
                answer = _same(store, "who-works-on", raw)
                cut += answer.more
                bindings = new.parse_params(raw)
                limit, offset = int(page.get("limit", 100)), int(page.get("offset", 0))
                reached += reach_pass(store, new, bindings, limit, offset) is not None
    assert cut > 0, "some pages cut short"
    if len(store.select(PEOPLE).rows) > 50:  # the generated network; the seed's scores all tie
        assert reached > 0, "some pages read through the reach"


def test_who_works_on_pages_in_both_languages_are_the_same(store: EmbeddedStore) -> None:
    for theme in ("theme/citizen-participation", "theme/public-administration", "theme/data"):
        for lang in ("fr", "en"):
            for page in PAGES:
                _same(store, "who-works-on", {"theme": theme, "lang": lang, **page})


def test_who_works_on_with_tied_scores_is_the_same(tmp_path: Path) -> None:
    """Scores that tie at the page's edge, an attribution without a score, several pieces of
    evidence, quotes or names, people without a name, session context, and attributions the
    query leaves out (an organisation's, a level its rule does not give): with the reach index
    (a store loaded from a build) and with the pass run for each page (a store that may change)."""
    dist = tmp_path / "dist"
    dist.mkdir()
    data = ox.Store()
    data.load(WHO_TIES.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    data.dump(dist / "villegraph.nq", format=ox.RdfFormat.N_QUADS)
    indexed = EmbeddedStore.from_dist(dist)
    changing = EmbeddedStore()
    changing.oxigraph.load(WHO_TIES.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    for context in (False, True):
        _reach_index_made(indexed, context)
    new, _ = _queries("who-works-on")
    whole = run_canned(indexed, new, {"theme": f"{EX}top", "context": "true", "limit": "1000"})
    assert len(whole.rows) > 40 and not whole.more
    kept = 0
    for store in (indexed, changing):
        for theme in ("top", "a", "b", "a2", "orphan"):
            for context in ("false", "true"):
                for limit in (1, 2, 3, 5, 8, 13):
                    for offset in (0, 1, 2, 3, 5, 8, 13, 40):
                        raw = {
                            "theme": f"{EX}{theme}",
                            "context": context,
                            "lang": "en" if offset % 2 else "fr",
                            "limit": str(limit),
                            "offset": str(offset),
                        }
                        _same(store, "who-works-on", raw)
                        bindings = new.parse_params(raw)
                        kept += reach_pass(store, new, bindings, limit, offset) is not None
    assert kept > 0


EX = "https://example.org/"


def _who_ties() -> str:
    lines = [
        "@prefix vg: <https://w3id.org/villegraph/def#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix ex: <https://example.org/> .",
        "ex:a skos:broader ex:top . ex:b skos:broader ex:top . ex:a2 skos:broader ex:a .",
        'ex:top skos:prefLabel "Top"@en . ex:a skos:prefLabel "A"@fr, "Ah"@en .',
        'vg:OwnWork rdfs:label "own work"@en, "travaux propres"@fr .',
        "ex:orphan skos:prefLabel 'Orphan'@en .",
    ]
    for theme in ("top", "a", "b", "a2", "orphan"):
        lines.append(
            f"ex:{theme} a skos:Concept ;"
            " skos:inScheme <https://w3id.org/villegraph/theme/scheme> ."
        )
    rules = [
        ("vg:rule-person-talk-theme", "vg:OwnWork"),
        ("vg:rule-person-role-theme", "vg:OwnWork"),
        ("vg:rule-person-session-theme", "vg:SessionContext"),
        ("vg:rule-org-member-theme", "vg:OwnWork"),  # an organisation's: never listed
        ("vg:rule-person-talk-theme", "vg:SessionContext"),  # a level its rule does not give
    ]
    themes = ["a", "b", "a2", "top"]
    for number in range(60):
        person = f"ex:p{number % 13}"
        rule, level = rules[number % 7 % len(rules)]
        lines.append(
            f"ex:at{number} vg:agent {person} ; vg:theme ex:{themes[number % 4]} ;"
            f" vg:derivedBy {rule} ; vg:evidenceLevel {level} ;"
            f" vg:evidence ex:talk{number % 9}"
            + (f", ex:talk{number % 5 + 20}" if number % 6 == 0 else "")
            + (f" ; vg:score {number % 3 + 1}" if number % 11 else "")
            + (f' ; vg:quote "quote {number}", "other {number}"' if number % 8 == 1 else "")
            + " ."
        )
    for n in range(13):
        if n % 5:
            alias = ", 'Alias'" if n == 3 else ""
            lines.append(f'ex:p{n} foaf:name "Person {n % 4}"{alias} .')
    lines += [f'ex:talk{n} rdfs:label "Talk {n}"@fr .' for n in range(0, 25, 2)]
    return "\n".join(lines) + "\n"


WHO_TIES = _who_ties()
