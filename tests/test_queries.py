"""The query catalogue, parameter parsing, VALUES binding, and each canned query's answer."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from expected_answers import CHAMBON_TALK
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD
from rdflib.plugins.sparql import prepareQuery

from villegraph.config import Settings
from villegraph.errors import QueryError, UnknownResource
from villegraph.namespaces import DEFAULT_BASE_IRI, SCHEMA, VG
from villegraph.queries import CannedQuery, Catalogue, bind_values, run_canned, term_to_sparql
from villegraph.store import EmbeddedStore

HERE = Path(__file__).resolve().parent / "data" / "queries"
B = DEFAULT_BASE_IRI
EX = "https://w3id.org/villegraph/test/"

# Example parameters for every canned query (used for the parity and syntax checks).
EXAMPLES: dict[str, dict[str, str]] = {
    "who-works-on": {"theme": "theme/citizen-participation"},
    "themes-of": {"agent": "person/carole-anne-tisserand"},
    "members-of": {"organisation": "org/psl"},
    "programme": {},
    "speakers-of": {"session": "event/seance-5"},
    "shared-themes": {"person": "person/jean-baptiste-chambon"},  # shares none: no rows
    "org-hierarchy": {},
    "places-studied": {},
    "provenance": {"resource": "person/carole-anne-tisserand"},
    "search": {"text": "données"},
    "talks-of": {"person": "person/jean-baptiste-chambon"},
}


@pytest.fixture(scope="module")
def catalogue(settings: Settings) -> Catalogue:
    return Catalogue.load(settings.queries_dir)


@pytest.fixture(scope="module")
def mini() -> Catalogue:
    return Catalogue.load(HERE)


@pytest.fixture(scope="module")
def mini_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.oxigraph.load(path=str(HERE / "mini.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def rows(result) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in result.dicts()]


# --- catalogue and header ---------------------------------------------------------------------


def test_catalogue_reads_headers(mini: Catalogue) -> None:
    assert mini.names() == ["by-label", "labels-of"]
    query = mini["labels-of"]
    assert query.title == "Labels of a resource"
    assert query.path == HERE / "labels-of.rq"
    assert [(p.name, p.kind, p.default, p.optional) for p in query.params] == [
        ("resource", "iri", None, False),
        ("lang", "lang", "fr", False),
        ("limit", "integer", None, True),
    ]
    assert query.signature() == "resource=IRI [lang=fr] [limit=INTEGER]"


def test_the_project_catalogue_has_every_competency_query(catalogue: Catalogue) -> None:
    assert set(EXAMPLES) <= set(catalogue.names())
    for query in catalogue:
        assert query.title and query.description, query.name


def test_unknown_query_names_close_matches(catalogue: Catalogue) -> None:
    with pytest.raises(QueryError, match="did you mean who-works-on"):
        catalogue["who-work-on"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ param: x (colour) a thing\nSELECT ?x WHERE { ?x ?p ?o }", "unknown kind 'colour'"),
        ("#+ param: x nothing\nSELECT ?x WHERE { ?x ?p ?o }", "NAME \\(KIND\\)"),
        ("#+ param: y (iri) absent\nSELECT ?x WHERE { ?x ?p ?o }", "'y' is not a variable"),
        ("#+ colour: blue\nSELECT ?x WHERE { ?x ?p ?o }", "q.rq:1: unknown header key"),
        ("#+ param: n (integer=ten) n\nSELECT ?n WHERE { ?n ?p ?o }", "default value"),
        ("#+ param: x (iri) a\n#+ param: x (iri) b\nSELECT ?x WHERE {?x ?p ?o}", "twice"),
        ("#+ param: x (string a:B) a\nSELECT ?x WHERE { ?x ?p ?o }", "only an iri parameter"),
        ("#+ param: x (iri nope:B) a\nSELECT ?x WHERE { ?x ?p ?o }", "unknown prefix"),
        ("#+ param: x (boolean=maybe) a\nSELECT ?x WHERE { ?x ?p ?o }", "not a boolean"),
    ],
)
def test_malformed_headers_name_the_file(tmp_path: Path, header: str, message: str) -> None:
    (tmp_path / "q.rq").write_text(header, encoding="utf-8")
    with pytest.raises(QueryError, match=message) as info:
        Catalogue.load(tmp_path)
    assert "q.rq" in str(info.value)


def test_missing_folder_is_a_query_error(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no such query folder"):
        Catalogue.load(tmp_path / "absent")


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "theme/smart-city",
        "vgr:theme/smart-city",
        "https://w3id.org/villegraph/theme/smart-city",
        "<https://w3id.org/villegraph/theme/smart-city>",
        "  theme/smart-city ",
    ],
)
def test_iri_forms_resolve_to_the_same_iri(mini: Catalogue, raw: str) -> None:
    bindings = mini["labels-of"].parse_params({"resource": raw})
    assert bindings["resource"] == URIRef(B + "theme/smart-city")
    assert bindings["lang"] == Literal("fr")
    assert "limit" not in bindings


def test_slug_paths_follow_the_configured_base() -> None:
    text = (HERE / "labels-of.rq").read_text(encoding="utf-8")
    query = CannedQuery.from_text("q", text, base_iri="http://example.org/kg/")
    assert query.parse_params({"resource": "org/psl"})["resource"] == URIRef(
        "http://example.org/kg/org/psl"
    )
    assert query.parse_params({"resource": "vgr:org/psl"})["resource"] == URIRef(
        "http://example.org/kg/org/psl"
    )


def test_typed_parameters(mini: Catalogue) -> None:
    bindings = mini["labels-of"].parse_params(
        {"resource": "skos:Concept", "lang": "EN", "limit": "+12"}
    )
    assert bindings["resource"] == URIRef("http://www.w3.org/2004/02/skos/core#Concept")
    assert bindings["lang"] == Literal("en")
    assert bindings["limit"] == Literal("12", datatype=XSD.integer)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "needs parameter 'resource'"),
        ({"resource": "org/psl", "colour": "x"}, "no parameter 'colour'"),
        ({"resource": "a b"}, "parameter 'resource'"),
        ({"resource": 'https://x/"a'}, "parameter 'resource'.*not a valid IRI"),
        ({"resource": "https://x/a>{}"}, "parameter 'resource'"),
        ({"resource": "nope:thing/x y"}, "parameter 'resource'"),
        ({"resource": ""}, "parameter 'resource'"),
        ({"resource": "org/psl", "limit": "1.5"}, "parameter 'limit'.*not an integer"),
        ({"resource": "org/psl", "lang": "fr fr"}, "parameter 'lang'.*language tag"),
    ],
)
def test_invalid_parameters_name_the_parameter(
    mini: Catalogue, raw: dict[str, str], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        mini["labels-of"].parse_params(raw)


def test_date_parameters() -> None:
    query = CannedQuery.from_text(
        "d", "#+ param: day (date) a day\nSELECT ?day WHERE { ?s ?p ?day }"
    )
    assert query.parse_params({"day": "2023-02-16"})["day"] == Literal(
        "2023-02-16", datatype=XSD.date
    )
    for bad in ("16/02/23", "2023-02-30", "2023-2-16"):
        with pytest.raises(QueryError, match="parameter 'day'"):
            query.parse_params({"day": bad})


def test_header_declares_classes_defaults_booleans_and_the_empty_note() -> None:
    text = (
        "#+ param: who (iri=person/x foaf:Person|org:Organization) someone\n"
        "#+ param: flag (boolean=false) a flag\n"
        "#+ empty: nothing here;\n#+ empty: try again\n"
        "SELECT ?who ?flag WHERE { ?who ?p ?flag }"
    )
    query = CannedQuery.from_text("q", text)
    who = query.param("who")
    assert who is not None and who.default == "person/x"
    assert who.classes == (
        "http://xmlns.com/foaf/0.1/Person",
        "http://www.w3.org/ns/org#Organization",
    )
    assert query.empty == "nothing here; try again"
    for raw, value in (("TRUE", True), ("yes", True), ("1", True), ("no", False), ("0", False)):
        assert query.parse_params({"flag": raw})["flag"] == Literal(value)
    # a value that is no IRI is kept as a label, for run_canned to look up
    assert query.parse_params({"who": "Jean Dupont"})["who"] == Literal("Jean Dupont")


def test_run_canned_applies_bindings(mini: Catalogue, mini_store: EmbeddedStore) -> None:
    result = run_canned(mini_store, mini["labels-of"], {"resource": EX + "a", "lang": "en"})
    assert sorted(str(r["label"]) for r in result.dicts()) == ["alpha en", "plain"]
    assert {str(r["lang"]) for r in result.dicts()} == {"en"}


# --- VALUES binding ---------------------------------------------------------------------------

HOSTILE = [
    'a"b',
    "}",
    "} } SELECT",
    "> <http://evil/>",
    "line1\nline2",
    "carriage\rreturn\ttab",
    "# not a comment",
    "\\",
    '\\"',
    "\\u0022}",
    "'''",
    '"""',
    "é 日本 «»",
    "",
]


@pytest.mark.parametrize("label", HOSTILE, ids=repr)
def test_bind_values_with_hostile_strings_matches_substitutions(label: str) -> None:
    store = EmbeddedStore()
    store.oxigraph.add(
        ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(str(RDFS.label)), ox.Literal(label))
    )
    store.oxigraph.add(
        ox.Quad(ox.NamedNode(EX + "t"), ox.NamedNode(str(RDFS.label)), ox.Literal("x"))
    )
    text = (HERE / "by-label.rq").read_text(encoding="utf-8")
    bound = bind_values(text, {"label": Literal(label)})
    prepareQuery(bound)  # rdflib parses it
    via_values = store.select(bound)
    via_substitution = store.select(text, {"label": Literal(label)})
    assert via_values.rows == via_substitution.rows
    assert [str(r[1]) for r in via_values.rows] == [EX + "s"]


def test_bind_values_places_values_first_in_the_outer_group() -> None:
    text = (
        'PREFIX ex: <http://e/x#y>  # a { comment\nSELECT ?a (EXISTS { ?a ?p "}" } AS ?e)\n'
        "WHERE { ?a ?p ?o . { ?o ?q ?r } }"
    )
    bound = bind_values(text, {"a": URIRef("http://e/a"), "o": Literal("x", lang="fr")})
    assert 'WHERE { VALUES (?a ?o) { (<http://e/a> "x"@fr) } ?a ?p ?o .' in bound
    prepareQuery(bound)


def test_bind_values_wraps_a_sub_select_and_skips_construct_templates() -> None:
    sub = "SELECT ?a WHERE { SELECT ?a WHERE { ?a ?p ?o } }"
    bound = bind_values(sub, {"a": URIRef("http://e/a")})
    prepareQuery(bound)
    assert bound.index("VALUES") < bound.index("SELECT ?a WHERE { ?a")
    construct = "CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o }"
    bound = bind_values(construct, {"a": URIRef("http://e/a")})
    assert bound.startswith("CONSTRUCT { ?a ?p ?o } WHERE { VALUES (?a)")
    prepareQuery(bound)


def test_bind_values_refuses_what_cannot_be_written_safely() -> None:
    with pytest.raises(QueryError):
        term_to_sparql(URIRef("http://e/a> } DROP ALL #"))
    with pytest.raises(QueryError):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s p": URIRef("http://e/a")})
    with pytest.raises(QueryError, match="unterminated"):
        bind_values('SELECT * WHERE { ?s ?p "o }', {"s": URIRef("http://e/a")})
    assert term_to_sparql(Literal("5", datatype=XSD.integer)) == (
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )


def _normalised(result_rows) -> list[tuple[str, ...]]:
    """Rows as sorted tuples; GROUP_CONCAT lists (", "-separated) compared as sorted lists."""
    return sorted(
        tuple(
            ", ".join(sorted(str(t).split(", "))) if isinstance(t, Literal) else str(t) for t in row
        )
        for row in result_rows
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_canned_query_parses_and_binds_the_same_way(
    catalogue: Catalogue, built_store: EmbeddedStore, name: str, lang: str
) -> None:
    """Store substitutions and the VALUES text (used for remote endpoints) agree."""
    query = catalogue[name]
    raw = dict(EXAMPLES[name])
    if query.param("lang") is not None:
        raw["lang"] = lang
    # a paged query's `limit` and `offset` are written into its LIMIT clause, not bound
    bindings = {k: v for k, v in query.parse_params(raw).items() if not query.param(k).paging}
    prepareQuery(query.text)
    bound = bind_values(query.text, bindings)
    prepareQuery(bound)
    via_substitution = built_store.select(query.text, bindings)
    via_values = built_store.select(bound)
    assert via_substitution.variables == via_values.variables
    assert _normalised(via_substitution.rows) == _normalised(via_values.rows)
    if name != "shared-themes":  # the source's three people state no theme in common
        assert len(via_substitution) > 0, f"{name} gives no answer on the real build"


# --- answers on the real build, checked against the source ------------------------------------


def test_who_works_on_citizen_participation(catalogue, built_store) -> None:
    result = run_canned(
        built_store, catalogue["who-works-on"], {"theme": "vgr:theme/citizen-participation"}
    )
    assert result.variables[:6] == [
        "personLabel",
        "levelLabel",
        "viaThemeLabel",
        "score",
        "quote",
        "evidenceLabel",
    ]
    found = rows(result)
    assert {r["personLabel"] for r in found} == {"Carole-Anne Tisserand"}
    assert {r["level"] for r in found} == {str(VG.OwnWork)}
    direct = [r for r in found if r["viaTheme"] == B + "theme/citizen-participation"]
    assert direct and direct[0]["evidence"] == B + "talk/tisserand-participation-smart-territoire"
    assert direct[0]["rule"] == str(VG._NS) + "rule-person-talk-theme"
    assert "participation citoyenne" in direct[0]["evidenceLabel"]
    assert direct[0]["viaThemeLabel"] == "participation citoyenne"
    assert direct[0]["levelLabel"] == "travail propre"
    assert direct[0]["quote"] == "Quelles reconfigurations de la participation citoyenne"


def test_who_works_on_rolls_up_narrower_themes_and_speaks_english(catalogue, built_store) -> None:
    result = run_canned(
        built_store, catalogue["who-works-on"], {"theme": "theme/democracy", "lang": "en"}
    )
    via = {r["viaTheme"].rsplit("/", 1)[1] for r in rows(result)}
    assert {"citizen-participation", "co-construction", "democracy"} <= via
    labels = {r["viaThemeLabel"] for r in rows(result)}
    assert "citizen participation" in labels
    assert {r["levelLabel"] for r in rows(result)} == {"own work"}


def test_who_works_on_ai_is_nobody_unless_session_context_is_asked(catalogue, built_store) -> None:
    query = catalogue["who-works-on"]
    own = run_canned(built_store, query, {"theme": "theme/artificial-intelligence"})
    assert len(own) == 0
    assert own.notes and "context=true" in own.notes[0]
    context = rows(
        run_canned(
            built_store,
            query,
            {"theme": "theme/artificial-intelligence", "context": "true", "lang": "en"},
        )
    )
    assert {r["personLabel"] for r in context} == {
        "Carole-Anne Tisserand",
        "Jean-Baptiste Chambon",
        "Déborah Autheman",
    }
    assert {(r["levelLabel"], r["evidence"]) for r in context} == {
        ("session context", B + "event/seance-5")
    }
    # the quote is the session passage that names the theme (source line 38)
    assert all("l'intelligence artificielle" in r["quote"] for r in context)


def test_who_works_on_ranks_own_work_before_session_context(catalogue, built_store) -> None:
    found = rows(
        run_canned(
            built_store, catalogue["who-works-on"], {"theme": "theme/data", "context": "yes"}
        )
    )
    levels = [r["level"] for r in found]
    assert levels == sorted(levels, key=lambda level: level != str(VG.OwnWork))
    own = [r for r in found if r["level"] == str(VG.OwnWork)]
    assert {r["personLabel"] for r in own} == {"Jean-Baptiste Chambon"}
    assert [int(r["score"]) for r in own] == sorted((int(r["score"]) for r in own), reverse=True)


@pytest.mark.parametrize(
    ("theme", "people"),
    [
        ("theme/open-data", {"Jean-Baptiste Chambon"}),
        ("theme/citizen-participation", {"Carole-Anne Tisserand"}),
        ("theme/administrative-transformation", {"Jean-Baptiste Chambon", "Déborah Autheman"}),
    ],
)
def test_who_works_on_answers_the_source(catalogue, built_store, theme, people) -> None:
    found = rows(run_canned(built_store, catalogue["who-works-on"], {"theme": theme}))
    assert {r["personLabel"] for r in found} == people


@pytest.mark.parametrize(
    "label",
    [
        "participation citoyenne",
        "Participation Citoyenne",
        "citizen participation",
        "participation",
    ],
)
def test_a_label_stands_for_the_theme(catalogue, built_store, label: str) -> None:
    found = rows(run_canned(built_store, catalogue["who-works-on"], {"theme": label}))
    assert {r["theme"] for r in found} == {B + "theme/citizen-participation"}


def test_labels_ignore_accents_and_take_acronyms_and_names(catalogue, built_store) -> None:
    data = rows(run_canned(built_store, catalogue["who-works-on"], {"theme": "donnees ouvertes"}))
    assert {r["theme"] for r in data} == {B + "theme/open-data"}
    csi = rows(run_canned(built_store, catalogue["members-of"], {"organisation": "csi"}))
    assert {r["organisation"] for r in csi} == {B + "org/csi"}
    chambon = rows(
        run_canned(built_store, catalogue["talks-of"], {"person": "Jean-Baptiste Chambon"})
    )
    assert [r["talk"] for r in chambon] == [B + "talk/chambon-donnees-bureaucraties-locales"]


@pytest.mark.parametrize(
    ("query", "params", "message"),
    [
        (
            "who-works-on",
            {"theme": "theme/participation-citoyenne"},
            "parameter 'theme': no theme theme/participation-citoyenne; did you mean "
            r"theme/citizen-participation \(participation citoyenne\)",
        ),
        (  # an existing resource of the wrong kind
            "who-works-on",
            {"theme": "person/jean-baptiste-chambon"},
            "no theme person/jean-baptiste-chambon",
        ),
        (
            "themes-of",
            {"agent": "Chambon"},
            r"no agent Chambon; did you mean "
            r"person/jean-baptiste-chambon \(Jean-Baptiste Chambon\)",
        ),
        ("members-of", {"organisation": "org/nowhere"}, "no organisation org/nowhere"),
    ],
)
def test_unknown_resources_are_errors_with_suggestions(
    catalogue, built_store, query: str, params: dict[str, str], message: str
) -> None:
    with pytest.raises(UnknownResource, match=message):
        run_canned(built_store, catalogue[query], params)


def test_iri_parameters_declare_their_classes(catalogue: Catalogue) -> None:
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert catalogue["who-works-on"].param("theme").classes == (skos + "Concept",)
    assert catalogue["themes-of"].param("agent").classes == (
        "http://xmlns.com/foaf/0.1/Person",
        "http://www.w3.org/ns/org#Organization",
    )
    cycle = catalogue["programme"].param("cycle")
    assert cycle.default == "event/cycle-transition-numerique-villes"
    assert cycle.classes == ("https://w3id.org/villegraph/def#WebinarSeries",)
    assert catalogue["provenance"].param("resource").classes == ()
    assert catalogue["who-works-on"].param("context").kind == "boolean"


def test_themes_of_a_person_and_an_organisation(catalogue, built_store) -> None:
    person = rows(
        run_canned(
            built_store,
            catalogue["themes-of"],
            {"agent": "person/carole-anne-tisserand", "lang": "en"},
        )
    )
    assert list(person[0])[:2] == ["themeLabel", "how"]  # labels first
    how = {
        (r["theme"].rsplit("/", 1)[1], r["level"].rsplit("#", 1)[1]): (r["how"], r["rolledUp"])
        for r in person
    }
    assert how[("citizen-participation", "OwnWork")] == ("own work", "")
    assert how[("smart-city", "OwnWork")] == ("own work", "broader theme")
    # stated by her talk and rolled up from citizen participation: shown as stated
    assert how[("democracy", "OwnWork")] == ("own work", "")
    # session-derived themes are never "direct" and never own work
    assert how[("artificial-intelligence", "SessionContext")] == ("session context", "")
    assert ("artificial-intelligence", "OwnWork") not in how
    psl = rows(run_canned(built_store, catalogue["themes-of"], {"agent": "org/psl", "lang": "en"}))
    assert len(psl) == 10
    assert "citizen-participation" in {r["theme"].rsplit("/", 1)[1] for r in psl}
    assert {r["how"] for r in psl} == {"own work, through 1 member(s)"}
    assert {r["rolledUp"] for r in psl} == {"organisation – sub-organisation – theme"}
    assert {(r["members"], r["talks"]) for r in psl} == {("1", "1")}


def test_chambon_own_work_is_what_his_talk_states(catalogue, built_store, source_lines) -> None:
    query = catalogue["themes-of"]
    found = rows(run_canned(built_store, query, {"agent": "Jean-Baptiste Chambon"}))
    own = [r for r in found if r["level"] == str(VG.OwnWork)]
    stated = {r["theme"].rsplit("/", 1)[1] for r in own if not r["rolledUp"]}
    assert stated == CHAMBON_TALK
    rolled = {r["theme"].rsplit("/", 1)[1] for r in own if r["rolledUp"]}
    assert rolled == {"data", "public-administration", "administrative-transformation"}
    assert {r["how"] for r in own} == {"travail propre"}
    assert {r["rolledUp"] for r in own} == {"", "thème plus général"}
    source = "\n".join(source_lines)
    for row in own:
        for quote in row["quotes"].split(" | "):
            assert quote in source


def test_autheman_own_work_comes_from_her_quoted_role(catalogue, built_store) -> None:
    found = rows(
        run_canned(
            built_store, catalogue["themes-of"], {"agent": "person/deborah-autheman", "lang": "en"}
        )
    )
    own = {r["theme"].rsplit("/", 1)[1]: r for r in found if r["level"] == str(VG.OwnWork)}
    assert set(own) == {"administrative-transformation", "public-administration"}
    assert own["administrative-transformation"]["rules"] == "rule-person-role-theme"
    assert "la transformation et la modernisation" in own["administrative-transformation"]["quotes"]


def test_members_of_sciences_po_and_psl(catalogue, built_store) -> None:
    sciences_po = rows(
        run_canned(built_store, catalogue["members-of"], {"organisation": "org/sciences-po"})
    )
    assert [(r["personLabel"], r["unit"], r["depth"], r["printedTitle"]) for r in sciences_po] == [
        ("Jean-Baptiste Chambon", B + "org/cee", "1", "doctorant")
    ]
    psl = rows(run_canned(built_store, catalogue["members-of"], {"organisation": "org/psl"}))
    assert [(r["personLabel"], r["unit"], r["depth"], r["printedTitle"]) for r in psl] == [
        ("Carole-Anne Tisserand", B + "org/csi", "3", "doctorante")
    ]
    # the chain PSL ← Mines Paris ← i3 ← CSI, as the hierarchy query shows it
    hierarchy = rows(run_canned(built_store, catalogue["org-hierarchy"], {}))
    edges = {
        (r["child"].rsplit("/", 1)[1], r["parent"].rsplit("/", 1)[1], r["depth"]) for r in hierarchy
    }
    assert {
        ("csi", "i3", "1"),
        ("i3", "mines-paris", "1"),
        ("mines-paris", "psl", "1"),
        ("csi", "psl", "3"),
    } <= edges
    assert ("ecole-urbaine", "sciences-po", "1") not in edges


def test_programme_in_printed_order(catalogue, built_store, source_lines) -> None:
    result = rows(run_canned(built_store, catalogue["programme"], {}))
    assert [r["position"] for r in result] == ["1", "2", "3", "4", "5", "6"]
    printed = [r["printedDate"] for r in result]
    assert printed == ["27/11/22", "17/03/22", "28/06/22", "30/11/22", "16/02/23", "A PRÉCISER"]
    programme_text = "\n".join(source_lines[73:83])
    for row in result:
        assert row["printedDate"] in programme_text
        assert row["title"].split(" (")[0] in programme_text
    assert "startDate" not in result[5] and result[5]["status"] == str(VG.DateToBeAnnounced)
    assert result[4]["number"] == "5" and result[4]["startDate"] == "2023-02-16T09:00:00+01:00"
    assert result[0]["startDate"] == "2022-11-27"


def test_speakers_of_session_5(catalogue, built_store, source_lines) -> None:
    result = rows(run_canned(built_store, catalogue["speakers-of"], {"session": "event/seance-5"}))
    assert len(result) == 3
    for row in result:
        line = next(line for line in source_lines if row["speakerLabel"] + "," in line)
        assert row["printedTitle"] in line
        assert row["organisationLabel"].split(" (")[0].replace("Centre de ", "") in line
    talks = {r["speakerLabel"]: r.get("talkTitle") for r in result}
    assert talks["Déborah Autheman"] is None
    assert talks["Carole-Anne Tisserand"].startswith("Quelles reconfigurations")


def test_shared_themes(catalogue, built_store) -> None:
    # own work as stated: Tisserand and Chambon's talks share no theme (the session did), and
    # Autheman's role (transformation of administrations) only meets Chambon's talk
    # (administrative change, a narrower theme) by roll-up, which is not compared
    chambon = run_canned(
        built_store, catalogue["shared-themes"], {"person": "person/jean-baptiste-chambon"}
    )
    assert len(chambon) == 0
    assert chambon.notes == ["no two people share a theme of their own work (talks, quoted roles)"]
    autheman = run_canned(
        built_store, catalogue["shared-themes"], {"person": "person/deborah-autheman"}
    )
    assert len(autheman) == 0
    tisserand = run_canned(
        built_store, catalogue["shared-themes"], {"person": "person/carole-anne-tisserand"}
    )
    assert len(tisserand) == 0 and tisserand.notes
    none = run_canned(
        built_store,
        catalogue["shared-themes"],
        {"person": "person/deborah-autheman", "min": "1000"},
    )
    assert len(none) == 0


def test_shared_themes_needs_a_person(catalogue, built_store) -> None:
    # every pair of people, counted before the first page, does not fit in memory at scale
    assert catalogue["shared-themes"].param("person").required
    with pytest.raises(QueryError, match="person"):
        run_canned(built_store, catalogue["shared-themes"], {})


def test_places_studied(catalogue, built_store) -> None:
    result = rows(run_canned(built_store, catalogue["places-studied"], {}))
    studied = {(r["studiedLabel"], r["kind"], r["personLabel"]) for r in result}
    assert ("métropole londonienne", "place", "Jean-Baptiste Chambon") in studied
    assert ("Smart Région", "programme", "Carole-Anne Tisserand") in studied
    english = rows(run_canned(built_store, catalogue["places-studied"], {"lang": "en"}))
    assert "London metropolitan area" in {r["studiedLabel"] for r in english}


def test_provenance_gives_the_exact_source_line(catalogue, built_store, source_lines) -> None:
    result = rows(
        run_canned(
            built_store, catalogue["provenance"], {"resource": "person/jean-baptiste-chambon"}
        )
    )
    assert result
    for row in result:
        start, end = int(row["startLine"]), int(row["endLine"])
        expected = " ".join(line.strip() for line in source_lines[start - 1 : end])
        assert row["text"] == expected
        assert row["localCopy"] == "data/sources/000_f80f05703dc6102a.txt"
    assert any("Jean-Baptiste Chambon, doctorant" in row["text"] for row in result)


def test_search_and_talks_of(catalogue, built_store) -> None:
    found = rows(run_canned(built_store, catalogue["search"], {"text": "SOCIOLOGIE"}))
    assert B + "org/csi" in {r["resource"] for r in found}
    talks = rows(
        run_canned(built_store, catalogue["talks-of"], {"person": "person/jean-baptiste-chambon"})
    )
    assert [r["talk"] for r in talks] == [B + "talk/chambon-donnees-bureaucraties-locales"]
    assert talks[0]["session"] == B + "event/seance-5"
    assert "administrations locales" in talks[0]["themes"]


def test_remote_stores_see_every_canned_query_as_a_select(catalogue: Catalogue) -> None:
    """SPARQLWrapper guesses the query form from the text, comments included (a header line
    saying "add …" once made it send who-works-on as an update, which endpoints refuse)."""
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper("http://127.0.0.1:9/query")
    for query in catalogue:
        wrapper.setQuery(bind_values(query.text, query.parse_params(EXAMPLES[query.name])))
        assert wrapper.queryType == "SELECT", query.name


def test_queries_use_no_minted_iri_constants(catalogue: Catalogue) -> None:
    """Minted IRIs come in as parameters, so a rebased build answers the same queries."""
    for query in catalogue:
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
        assert B not in body.replace(str(VG._NS), ""), query.name
        if "schema:" in body:
            assert f"PREFIX schema: <{SCHEMA}>" in body, query.name


@pytest.mark.slow
def test_queries_answer_on_a_build_with_another_base(tmp_path: Path, project_root: Path) -> None:
    """Defaults and slug paths follow the configured base IRI, so a rebased build answers."""
    from villegraph.build import build

    base = "http://example.org/kg/"
    config = Settings(root=project_root, base_iri=base, dist_dir=tmp_path / "dist")
    build(config)
    store = EmbeddedStore.from_dist(config.dist_dir)
    rebased = Catalogue.load(config.queries_dir, base_iri=base)
    programme = rows(run_canned(store, rebased["programme"], {}))
    assert [r["session"] for r in programme] == [f"{base}event/seance-{n}" for n in range(1, 7)]
    members = rows(run_canned(store, rebased["members-of"], {"organisation": "vgr:org/psl"}))
    assert [(r["personLabel"], r["unit"]) for r in members] == [
        ("Carole-Anne Tisserand", base + "org/csi")
    ]


def test_normalise_label_and_suggest() -> None:
    from villegraph.queries import normalise_label, suggest

    assert normalise_label("  Données-Ouvertes ») ") == "donnees ouvertes"
    candidates = {
        B + "theme/citizen-participation": ["citizen participation", "participation citoyenne"],
        B + "theme/open-data": ["open data", "données ouvertes"],
        B + "theme/democracy": ["démocratie", "democracy"],
    }
    # compared by the last path segment, shown with the closest label, in any input order
    for order in (candidates, dict(reversed(list(candidates.items())))):
        assert suggest("theme/participation-citoyenne", order) == [
            (B + "theme/citizen-participation", "participation citoyenne")
        ]
    assert suggest("Democratie", candidates) == [(B + "theme/democracy", "démocratie")]
    assert suggest("zzz", candidates) == []
