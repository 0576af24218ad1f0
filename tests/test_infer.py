"""Derived facts: rules to a fixpoint, each derived link with evidence and the rule that made it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
from expected_answers import CHAMBON_TALK

from villegraph.config import Settings
from villegraph.errors import InputError
from villegraph.infer import infer, load_rules
from villegraph.load import LoadedDataset, load_dataset

BASE = "https://w3id.org/villegraph/"
VG = "https://w3id.org/villegraph/def#"
PREFIXES = f"PREFIX vg: <{VG}>\nPREFIX vgr: <{BASE}>\n"
RULES = {
    "talk": VG + "rule-person-talk-theme",
    "role": VG + "rule-person-role-theme",
    "session": VG + "rule-person-session-theme",
    "member": VG + "rule-org-member-theme",
    "suborg": VG + "rule-org-suborg-theme",
    "broader": VG + "rule-theme-broader",
}


def _derived(settings: Settings) -> tuple[LoadedDataset, int]:
    assert settings.ontology_dir is not None
    dataset = load_dataset(settings)
    report = infer(dataset, load_rules(settings.ontology_dir / "rules"))
    return dataset, report.triples


def _rows(dataset: LoadedDataset, query: str) -> list[dict[str, str]]:
    solutions = dataset.store.query(PREFIXES + query, use_default_graph_as_union=True)
    return [
        {v.value: s[v].value for v in solutions.variables if s[v] is not None} for s in solutions
    ]


def _attributions(dataset: LoadedDataset, agent: str, theme: str) -> set[tuple[str, str]]:
    rows = _rows(
        dataset,
        f"SELECT ?evidence ?rule WHERE {{ ?a vg:agent <{agent}> ; vg:theme <{theme}> ;"
        " vg:evidence ?evidence ; vg:derivedBy ?rule }",
    )
    return {(r["evidence"], r["rule"]) for r in rows}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> LoadedDataset:
    root = Path(__file__).resolve().parents[1]
    dataset, _ = _derived(Settings(root=root, dist_dir=tmp_path_factory.mktemp("d") / "dist"))
    return dataset


def test_rules_are_read_in_order_and_declared_in_the_ontology(settings: Settings) -> None:
    assert settings.ontology_dir is not None
    rules = load_rules(settings.ontology_dir / "rules")
    assert [r.iri for r in rules] == [
        RULES["talk"],
        RULES["role"],
        RULES["session"],
        RULES["member"],
        RULES["suborg"],
        RULES["broader"],
    ]
    assert [r.reads_derived for r in rules] == [False, False, False, True, True, True]
    # what each rule reads decides when it runs again (see villegraph.infer): the roll-ups
    # read the attributions of talks, roles (and sessions), the sub-organisation rule those of
    # the member rule, which runs before it: everything runs once
    assert rules[3].reads == {RULES["talk"], RULES["role"]}
    assert rules[4].reads == {RULES["member"]}
    assert rules[5].reads == {RULES["talk"], RULES["role"], RULES["session"]}
    assert all(r.title for r in rules)
    declared = ox.Store()
    declared.load(path=str(settings.ontology_dir / "villegraph.ttl"), format=ox.RdfFormat.TURTLE)
    for rule in rules:
        assert declared.query(f"ASK {{ <{rule.iri}> a <{VG}DerivationRule> }}"), (
            f"{rule.iri} is not declared as a vg:DerivationRule"
        )


def _levels(dataset: LoadedDataset, agent: str, theme: str) -> set[str]:
    rows = _rows(
        dataset,
        f"SELECT ?level WHERE {{ ?a vg:agent <{agent}> ; vg:theme <{theme}> ;"
        " vg:evidenceLevel ?level }",
    )
    return {r["level"].removeprefix(VG) for r in rows}


def _themes(dataset: LoadedDataset, agent: str, relation: str = "worksOn") -> set[str]:
    rows = _rows(dataset, f"SELECT ?t WHERE {{ <{agent}> vg:{relation} ?t }}")
    return {r["t"].removeprefix(BASE + "theme/") for r in rows}


def test_small_project_derivations(pipeline_settings: Settings) -> None:
    dataset, derived = _derived(pipeline_settings)
    assert derived == dataset.graph_counts()[BASE + "graph/derived"]
    ada, bob = BASE + "person/ada", BASE + "person/bob"
    talk, session = BASE + "talk/ada-talk", BASE + "event/session-1"
    theme = {t: BASE + "theme/" + t for t in ("open-data", "data", "digital", "participation")}
    assert _attributions(dataset, ada, theme["open-data"]) == {(talk, RULES["talk"])}
    assert _levels(dataset, ada, theme["open-data"]) == {"OwnWork"}
    # the session's subject is session context for both speakers, never "works on"
    assert _attributions(dataset, ada, theme["participation"]) == {(session, RULES["session"])}
    assert _levels(dataset, ada, theme["participation"]) == {"SessionContext"}
    assert _attributions(dataset, bob, theme["participation"]) == {(session, RULES["session"])}
    assert _themes(dataset, ada) == {"open-data", "data", "digital"}
    assert _themes(dataset, bob) == set()
    assert _themes(dataset, bob, "sessionContextTheme") == {"participation"}
    # rolled up the thesaurus, transitively, each step with the narrower theme as evidence,
    # keeping the level of what it rolls up
    assert _attributions(dataset, ada, theme["data"]) == {(theme["open-data"], RULES["broader"])}
    assert _attributions(dataset, ada, theme["digital"]) == {(theme["data"], RULES["broader"])}
    assert _levels(dataset, ada, theme["digital"]) == {"OwnWork"}
    # organisations: the lab through Ada's membership (her own work only, broader themes
    # included), then up the sub-organisation chain; never the session context
    lab, institute, university = (BASE + f"org/{o}" for o in ("lab", "institute", "university"))
    membership = BASE + "membership/ada-lab"
    assert _attributions(dataset, lab, theme["open-data"]) == {(membership, RULES["member"])}
    assert _attributions(dataset, lab, theme["data"]) == {(membership, RULES["member"])}
    assert _attributions(dataset, institute, theme["open-data"]) == {(lab, RULES["suborg"])}
    assert _attributions(dataset, university, theme["open-data"]) == {(institute, RULES["suborg"])}
    assert _attributions(dataset, university, theme["digital"]) == {(institute, RULES["suborg"])}
    for org in (lab, institute, university):
        assert _themes(dataset, org) == {"open-data", "data", "digital"}
        assert _attributions(dataset, org, theme["participation"]) == set()
    counts = _rows(
        dataset,
        f"SELECT ?members ?talks ?score ?source WHERE {{ ?a vg:agent <{university}> ;"
        f" vg:theme <{theme['digital']}> ; vg:memberCount ?members ; vg:talkCount ?talks ;"
        " vg:score ?score ; vg:rolledUpFrom ?source }",
    )
    assert [(r["members"], r["talks"], r["score"]) for r in counts] == [("1", "1", "1")]
    source = _rows(dataset, f"SELECT ?e WHERE {{ <{counts[0]['source']}> vg:evidence ?e }}")
    assert source == [{"e": talk}]


def test_every_derived_link_has_an_attribution(real: LoadedDataset) -> None:
    orphans = _rows(
        real,
        "SELECT ?agent ?theme WHERE { ?agent vg:worksOn|vg:sessionContextTheme ?theme"
        " FILTER NOT EXISTS {"
        " ?a a vg:ThemeAttribution ; vg:agent ?agent ; vg:theme ?theme ;"
        " vg:evidence ?e ; vg:derivedBy ?r ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?e } }",
    )
    assert orphans == []
    links = _rows(real, "SELECT DISTINCT ?agent ?theme WHERE { ?agent vg:worksOn ?theme }")
    assert len(links) > 50
    incomplete = _rows(
        real,
        "SELECT ?a WHERE { ?a a vg:ThemeAttribution FILTER NOT EXISTS {"
        " ?a vg:agent ?agent ; vg:theme ?theme ; vg:evidence ?e ; vg:derivedBy ?r ;"
        " vg:evidenceLevel/vg:levelRelation ?relation ; vg:score ?score ."
        " ?agent ?relation ?theme } }",
    )
    assert incomplete == []


def test_attribution_iris_are_md5_of_their_components(real: LoadedDataset) -> None:
    """agent|theme|evidence|rule|level; organisations (one per theme): agent|theme|rule|level."""
    rows = _rows(
        real,
        "SELECT ?a ?agent ?theme ?e ?r ?level WHERE { ?a vg:agent ?agent ; vg:theme ?theme ;"
        " vg:evidence ?e ; vg:derivedBy ?r ; vg:evidenceLevel ?level }",
    )
    assert rows
    aggregated = {RULES["member"], RULES["suborg"]}
    for row in rows:
        parts = [row["agent"], row["theme"], row["e"], row["r"], row["level"]]
        if row["r"] in aggregated:
            del parts[2]
        key = "|".join(parts)
        assert row["a"] == BASE + "derived/works-on/" + hashlib.md5(key.encode()).hexdigest()


def test_derived_facts_live_in_the_derived_graph_only(real: LoadedDataset) -> None:
    derived = BASE + "graph/derived"
    works_on = ox.NamedNode(VG + "worksOn")
    graphs = {q.graph_name.value for q in real.quads if q.predicate == works_on}
    assert graphs == {derived}


def test_tisserand_works_on_citizen_participation_through_her_talk(real: LoadedDataset) -> None:
    tisserand = BASE + "person/carole-anne-tisserand"
    talks = _rows(real, f"SELECT ?t WHERE {{ ?t vg:presenter <{tisserand}> }}")
    assert len(talks) == 1
    attributions = _attributions(real, tisserand, BASE + "theme/citizen-participation")
    assert (talks[0]["t"], RULES["talk"]) in attributions


def test_broader_themes_are_rolled_up(real: LoadedDataset) -> None:
    rows = _rows(
        real,
        "SELECT ?agent ?narrow ?broad WHERE { ?a vg:derivedBy <" + RULES["broader"] + "> ;"
        " vg:agent ?agent ; vg:evidence ?narrow ; vg:theme ?broad }",
    )
    assert rows
    for row in rows:
        assert _rows(
            real,
            f"SELECT ?x WHERE {{ <{row['agent']}> vg:worksOn|vg:sessionContextTheme"
            f" <{row['narrow']}> ."
            " { <"
            + row["narrow"]
            + "> <http://www.w3.org/2004/02/skos/core#broader> <"
            + row["broad"]
            + "> } UNION { <"
            + row["broad"]
            + "> <http://www.w3.org/2004/02/skos/core#narrower> <"
            + row["narrow"]
            + "> }"
            " BIND(1 AS ?x) }",
        )
    # no agent lacks a broader theme of one of its themes
    missing = _rows(
        real,
        "SELECT ?agent ?broad WHERE { ?agent vg:worksOn ?t ."
        " ?t <http://www.w3.org/2004/02/skos/core#broader> ?broad"
        " FILTER NOT EXISTS { ?agent vg:worksOn ?broad } }",
    )
    assert missing == []


@pytest.mark.parametrize("org", ["csi", "i3", "cnrs", "mines-paris", "psl"])
def test_organisations_get_themes_through_csi(real: LoadedDataset, org: str) -> None:
    iri = BASE + f"org/{org}"
    assert _attributions(real, iri, BASE + "theme/citizen-participation")
    rules = {
        r["rule"]
        for r in _rows(real, f"SELECT ?rule WHERE {{ ?a vg:agent <{iri}> ; vg:derivedBy ?rule }}")
    }
    expected = RULES["member"] if org == "csi" else RULES["suborg"]
    assert rules == {expected}
    # one doctoral student's own work: her talk's 7 themes and their 3 broader ones, not the
    # 29 the session description used to add; each through 1 member and 1 talk
    assert _themes(real, iri) == _themes(real, BASE + "person/carole-anne-tisserand")
    assert len(_themes(real, iri)) == 10
    counts = _rows(
        real,
        f"SELECT DISTINCT ?members ?talks WHERE {{ ?a vg:agent <{iri}> ;"
        " vg:memberCount ?members ; vg:talkCount ?talks }",
    )
    assert counts == [{"members": "1", "talks": "1"}]


def test_chambon_works_on_what_his_talk_states_and_its_broader_themes(real: LoadedDataset) -> None:
    chambon = BASE + "person/jean-baptiste-chambon"
    own = _themes(real, chambon)
    broader = {"data", "public-administration", "administrative-transformation"}
    assert own == CHAMBON_TALK | broader
    for theme in broader:
        assert _levels(real, chambon, BASE + "theme/" + theme) == {"OwnWork", "SessionContext"}
        rules = {r for _, r in _attributions(real, chambon, BASE + "theme/" + theme)}
        assert RULES["talk"] not in rules
    # artificial intelligence is only in the session's description (source line 38)
    ai = BASE + "theme/artificial-intelligence"
    assert _attributions(real, chambon, ai) == {(BASE + "event/seance-5", RULES["session"])}
    assert "artificial-intelligence" in _themes(real, chambon, "sessionContextTheme")


def test_nobody_works_on_artificial_intelligence(real: LoadedDataset) -> None:
    ai = BASE + "theme/artificial-intelligence"
    rows = _rows(real, f"SELECT ?who WHERE {{ ?who vg:worksOn <{ai}> }}")
    assert rows == []


def test_autheman_works_only_on_what_her_quoted_role_states(real: LoadedDataset) -> None:
    autheman = BASE + "person/deborah-autheman"
    assert _themes(real, autheman) == {"administrative-transformation", "public-administration"}
    stated = _rows(
        real,
        f"SELECT ?e ?quote WHERE {{ ?a vg:agent <{autheman}> ; vg:derivedBy <{RULES['role']}> ;"
        " vg:evidence ?e ; vg:quote ?quote }",
    )
    assert stated == [
        {
            "e": BASE + "membership/autheman-region-nouvelle-aquitaine",
            "quote": "engagée dans la transformation et la modernisation d'une collectivité locale",
        }
    ]


def test_talk_attributions_quote_the_words_that_state_the_theme(
    real: LoadedDataset, source_lines: list[str]
) -> None:
    rows = _rows(
        real,
        f"SELECT ?theme ?quote WHERE {{ ?a vg:derivedBy <{RULES['talk']}> ; vg:theme ?theme ;"
        " vg:quote ?quote ; vg:score ?score }",
    )
    assert len(rows) == 14  # one quote per talk theme
    source = "\n".join(source_lines)
    for row in rows:
        assert row["quote"] in source, row
    quotes = {r["theme"].removeprefix(BASE + "theme/"): r["quote"] for r in rows}
    assert quotes["open-data"] == "ouverture des données publiques"


def test_tisserand_and_chambon_share_no_own_work_theme(real: LoadedDataset) -> None:
    tisserand = _themes(real, BASE + "person/carole-anne-tisserand")
    assert tisserand and not tisserand & _themes(real, BASE + "person/jean-baptiste-chambon")


def test_rerunning_the_rules_adds_nothing(pipeline_settings: Settings) -> None:
    assert pipeline_settings.ontology_dir is not None
    dataset, derived = _derived(pipeline_settings)
    assert derived > 0
    before = len(dataset.quads)
    again = infer(dataset, load_rules(pipeline_settings.ontology_dir / "rules"))
    assert again.triples == 0
    assert again.passes == 1
    assert len(dataset.quads) == before


def test_attributions_follow_the_configured_base(pipeline_settings: Settings) -> None:
    other = "http://example.org/net/"
    dataset, _ = _derived(pipeline_settings.with_(base_iri=other))
    attributions = _rows(dataset, "SELECT ?a ?agent WHERE { ?a vg:agent ?agent }")
    assert attributions
    assert all(r["a"].startswith(other + "derived/works-on/") for r in attributions)
    assert all(r["agent"].startswith(other) for r in attributions)
    assert other + "graph/derived" in dataset.graph_counts()


def test_rule_without_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.rq:1: a rule needs a '#\+ rule: <IRI>' header"):
        load_rules(tmp_path)


def test_rule_must_bind_its_own_iri(tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_text(
        "#+ rule: vg:rule-a\nPREFIX vg: <https://w3id.org/villegraph/def#>\n"
        "CONSTRUCT { ?s vg:p ?rule } WHERE { ?s ?p ?o BIND(vg:rule-b AS ?rule) }\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"must BIND\(vg:rule-a AS \?rule\)"):
        load_rules(tmp_path)


def test_rule_with_bad_sparql_names_the_file(pipeline_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_text(
        "#+ rule: vg:rule-a\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o BIND(vg:rule-a AS ?rule) }\n",
        encoding="utf-8",
    )
    dataset = load_dataset(pipeline_settings)
    with pytest.raises(InputError, match=r"x.rq: SPARQL syntax error"):
        infer(dataset, load_rules(tmp_path))


def test_missing_rules_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="rules folder not found"):
        load_rules(tmp_path / "none")
