"""The data states what the source announcement states, with provenance, and nothing more."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from villegraph.namespaces import DEFAULT_BASE_IRI, SCHEMA, VG
from villegraph.resources import ONTOLOGY_DIR

ROOT = Path(__file__).resolve().parents[1]
BASE = DEFAULT_BASE_IRI
DOCUMENT = URIRef(BASE + "source/puca-webinaire-seance-5")
SOURCE_PATH = "data/sources/000_f80f05703dc6102a.txt"
KINDS = {
    "person",
    "org",
    "event",
    "talk",
    "membership",
    "role",
    "place",
    "programme",
    "theme",
    "source",
    "contact",
}
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
TERMS = str(VG._NS)  # ontology terms live under the base too, but are not minted resources
PROVENANCED_CLASSES = [
    FOAF.Person,
    ORG.Organization,
    ORG.Membership,
    VG.WebinarSeries,
    VG.Session,
    VG.Talk,
    SCHEMA.Place,
    VG.Programme,
    SCHEMA.ContactPoint,
]


def r(path: str) -> URIRef:
    """A resource minted under the default base."""
    return URIRef(BASE + path)


@pytest.fixture(scope="module")
def data() -> Graph:
    """Every data file, parsed directly with rdflib."""
    graph = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def everything(data: Graph) -> Graph:
    """The data with the themes thesaurus, to resolve every link."""
    graph = Graph()
    for triple in data:
        graph.add(triple)
    graph.parse(ONTOLOGY_DIR / "themes.ttl", format="turtle")
    return graph


@pytest.fixture(scope="module")
def plain_source(source_lines: list[str]) -> str:
    """The source text without its Markdown emphasis and escapes, one line per line."""
    return "\n".join(source_lines).replace("*", "").replace("\\", "")


def french(data: Graph, subject: URIRef, predicate: URIRef) -> Literal:
    """The one @fr value of a property."""
    values = [o for o in data.objects(subject, predicate) if getattr(o, "language", None) == "fr"]
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def _passages(data: Graph) -> list[URIRef]:
    return sorted(p for p in data.subjects(RDF.type, VG.Passage) if isinstance(p, URIRef))


def _sessions(data: Graph) -> list[URIRef]:
    sessions = list(data.subjects(RDF.type, VG.Session))
    return sorted(sessions, key=lambda s: int(data.value(s, VG.programmePosition)))


# --- passages and provenance -------------------------------------------------------------


def test_document_is_described_without_a_date(data: Graph) -> None:
    assert (DOCUMENT, RDF.type, FOAF.Document) in data
    assert data.value(DOCUMENT, VG.localCopy) == Literal(SOURCE_PATH)
    assert (ROOT / SOURCE_PATH).is_file()
    assert data.value(DOCUMENT, DCTERMS.title) is not None
    assert data.value(DOCUMENT, DCTERMS.date) is None


def test_every_passage_quotes_its_lines(data: Graph, source_lines: list[str]) -> None:
    passages = _passages(data)
    assert len(passages) >= 30
    for passage in passages:
        start = int(data.value(passage, VG.startLine))
        end = int(data.value(passage, VG.endLine))
        assert 1 <= start <= end <= len(source_lines), passage
        suffix = f"/l{start}" if start == end else f"/l{start}-{end}"
        assert str(passage) == str(DOCUMENT) + suffix
        lines = [line.strip() for line in source_lines[start - 1 : end]]
        assert all(lines), f"{passage} spans a blank line"
        assert data.value(passage, RDF.value) == Literal(" ".join(lines)), passage
        assert data.value(passage, DCTERMS.isPartOf) == DOCUMENT


def test_every_cited_passage_exists_and_every_passage_is_cited(data: Graph) -> None:
    cited = set(data.objects(None, PROV.wasDerivedFrom))
    assert cited == set(_passages(data))


@pytest.mark.parametrize("cls", PROVENANCED_CLASSES, ids=lambda c: re.split(r"[/#]", c)[-1])
def test_every_entity_has_provenance(data: Graph, cls: URIRef) -> None:
    entities = list(data.subjects(RDF.type, cls))
    assert entities
    for entity in entities:
        passages = set(data.objects(entity, PROV.wasDerivedFrom))
        assert passages, f"{entity} has no passage"
        assert all((p, RDF.type, VG.Passage) in data for p in passages), entity
        assert data.value(entity, DCTERMS.source) == DOCUMENT, entity


@pytest.mark.parametrize(
    "cls", [FOAF.Person, ORG.Organization, SCHEMA.Place], ids=lambda c: re.split(r"[/#]", c)[-1]
)
def test_a_name_of_each_entity_is_printed_in_its_passages(data: Graph, cls: URIRef) -> None:
    for entity in data.subjects(RDF.type, cls):
        names = {
            str(o).casefold()
            for p in (FOAF.name, RDFS.label, SKOS.altLabel)
            for o in data.objects(entity, p)
            if not isinstance(o, Literal) or o.language in (None, "fr")
        }
        quoted = " ".join(
            str(data.value(p, RDF.value)).casefold()
            for p in data.objects(entity, PROV.wasDerivedFrom)
        )
        assert any(name in quoted for name in names), entity


# --- people, memberships, organisations -------------------------------------------------

SPEAKERS = {
    "carole-anne-tisserand": (
        "Carole-Anne Tisserand",
        "doctorante",
        "org/csi",
        "role/doctoral-student",
    ),
    "jean-baptiste-chambon": (
        "Jean-Baptiste Chambon",
        "doctorant",
        "org/cee",
        "role/doctoral-student",
    ),
    "deborah-autheman": (
        "Déborah Autheman",
        "Déléguée Régionale à la Transformation, au Pilotage, et à la Modernisation",
        "org/region-nouvelle-aquitaine",
        "role/regional-delegate-transformation",
    ),
}


@pytest.mark.parametrize("slug", sorted(SPEAKERS))
def test_speaker_title_and_lab_as_printed(data: Graph, slug: str, plain_source: str) -> None:
    name, title, organisation, role = SPEAKERS[slug]
    person = r("person/" + slug)
    assert data.value(person, FOAF.name) == Literal(name)
    memberships = list(data.objects(person, ORG.hasMembership))
    assert len(memberships) == 1
    membership = memberships[0]
    assert data.value(membership, ORG.member) == person
    assert data.value(membership, ORG.organization) == r(organisation)
    assert data.value(membership, ORG.role) == r(role)
    assert data.value(membership, VG.printedTitle) == Literal(title, lang="fr")
    assert data.value(membership, VG.attestedOn) == Literal("2023-02-16", datatype=XSD.date)
    assert f"{name}, {title}" in plain_source


def test_exactly_three_people(data: Graph) -> None:
    assert set(data.subjects(RDF.type, FOAF.Person)) == {r("person/" + s) for s in SPEAKERS}


SUB_ORGANISATIONS = {
    ("org/csi", "org/i3"),
    ("org/i3", "org/cnrs"),
    ("org/i3", "org/mines-paris"),
    ("org/mines-paris", "org/psl"),
    ("org/cee", "org/sciences-po"),
    ("org/chaire-villes-et-numerique", "org/ecole-urbaine"),
}


def test_organisations_relate_as_printed(data: Graph) -> None:
    stated = {
        (str(a)[len(BASE) :], str(b)[len(BASE) :])
        for a, b in data.subject_objects(ORG.subOrganizationOf)
    }
    assert stated == SUB_ORGANISATIONS
    inverse = {(b, a) for a, b in data.subject_objects(ORG.hasSubOrganization)}
    assert inverse == set(data.subject_objects(ORG.subOrganizationOf))
    assert data.value(r("org/ecole-urbaine"), ORG.subOrganizationOf) is None


def test_lab_details(data: Graph) -> None:
    assert data.value(r("org/i3"), ORG.identifier) == Literal("UMR 9217")
    assert Literal("CSI") in set(data.objects(r("org/csi"), SKOS.altLabel))
    assert Literal("CEE") in set(data.objects(r("org/cee"), SKOS.altLabel))
    assert (r("org/csi"), RDF.type, VG.ResearchUnit) in data
    assert (r("org/sciences-po"), RDF.type, VG.HigherEducationInstitution) in data


def test_chair(data: Graph) -> None:
    chair = r("org/chaire-villes-et-numerique")
    assert (chair, RDF.type, VG.Chair) in data
    assert data.value(chair, SCHEMA.foundingDate) == Literal("2017-03", datatype=XSD.gYearMonth)
    assert data.value(chair, VG.partnerOf) == r("org/cee")
    assert data.value(r("org/cee"), VG.partnerOf) == chair


def test_puca(data: Graph) -> None:
    puca = r("org/puca")
    assert Literal("PUCA") in set(data.objects(puca, SKOS.altLabel))
    assert data.value(puca, FOAF.name) == Literal("Plan urbanisme construction architecture")
    assert data.value(puca, FOAF.homepage) == URIRef("http://www.urbanisme-puca.gouv.fr")
    description = str(french(data, puca, DCTERMS.description))
    assert description.startswith("Organisme national de recherche et d'expérimentation")
    contact = data.value(puca, SCHEMA.contactPoint)
    assert data.value(contact, SCHEMA.email) == Literal(
        "mailto:francois.menard@developpement-durable.gouv.fr", datatype=XSD.anyURI
    )
    # the source gives an address, not a person
    assert data.value(contact, FOAF.name) is None
    assert not list(data.subjects(FOAF.name, Literal("François Ménard")))


def test_regions(data: Graph) -> None:
    assert data.value(r("org/region-nouvelle-aquitaine"), FOAF.name) == Literal(
        "Région Nouvelle Aquitaine"
    )
    assert data.value(r("org/region-ile-de-france"), SCHEMA.areaServed) == r("place/ile-de-france")
    programme = r("programme/smart-region-ile-de-france")
    assert data.value(programme, DCTERMS.creator) == r("org/region-ile-de-france")
    assert data.value(programme, SCHEMA.startDate) == Literal("2018", datatype=XSD.gYear)
    assert data.value(programme, SCHEMA.endDate) == Literal("2021", datatype=XSD.gYear)


# --- the cycle and its sessions ---------------------------------------------------------

PROGRAMME = [
    ("27/11/22", date(2022, 11, 27), "Séance introductive : quels nouveaux enjeux"),
    ("17/03/22", date(2022, 3, 17), "Sobriété, matérialité et infrastructures"),
    ("28/06/22", date(2022, 6, 28), "Circulation, usage et maîtrise de la donnée"),
    ("30/11/22", date(2022, 11, 30), "Les acteurs privés de la ville numérique"),
    ("16/02/23", date(2023, 2, 16), "Le numérique, facteur de transformation"),
    ("A PRÉCISER", None, "Les citoyens face à la numérisation des villes"),
]


def test_cycle(data: Graph) -> None:
    cycle = r("event/cycle-transition-numerique-villes")
    assert (cycle, RDF.type, VG.WebinarSeries) in data
    assert french(data, cycle, DCTERMS.title) == Literal(
        "Nouveaux enjeux de la transition numérique des villes", lang="fr"
    )
    assert data.value(cycle, VG.plannedSessionCount) == Literal(6, datatype=XSD.nonNegativeInteger)
    assert set(data.objects(cycle, SCHEMA.organizer)) == {
        r("org/puca"),
        r("org/chaire-villes-et-numerique"),
    }
    audience = data.value(cycle, SCHEMA.audience)
    assert {str(t) for t in data.objects(audience, SCHEMA.audienceType)} == {
        "chercheurs",
        "acteurs opérationnels",
    }
    assert set(data.objects(cycle, SCHEMA.subEvent)) == set(_sessions(data))


def test_six_sessions_in_printed_order(data: Graph, plain_source: str) -> None:
    sessions = _sessions(data)
    assert [int(data.value(s, VG.programmePosition)) for s in sessions] == [1, 2, 3, 4, 5, 6]
    for session, (printed, day, title_start) in zip(sessions, PROGRAMME, strict=True):
        title = str(french(data, session, DCTERMS.title))
        assert title.startswith(title_start), session
        assert f"{printed} : {title}" in plain_source, session
        assert data.value(session, VG.printedDate) == Literal(printed)
        assert data.value(session, SCHEMA.superEvent) == r(
            "event/cycle-transition-numerique-villes"
        )
        start = data.value(session, SCHEMA.startDate)
        if day is None:
            assert start is None
        else:
            value = start.toPython()
            assert (value.date() if isinstance(value, datetime) else value) == day


def test_undated_session(data: Graph) -> None:
    session = _sessions(data)[-1]
    assert data.value(session, SCHEMA.startDate) is None
    assert data.value(session, SCHEMA.endDate) is None
    assert data.value(session, SCHEMA.eventStatus) == VG.DateToBeAnnounced


def test_source_doubts_are_kept_as_printed(data: Graph) -> None:
    first, second = _sessions(data)[:2]
    first_day = data.value(first, SCHEMA.startDate).toPython()
    assert first_day > data.value(second, SCHEMA.startDate).toPython()
    assert first_day.isoweekday() == 7  # 27/11/22 is a Sunday


def test_session_five(data: Graph) -> None:
    session = r("event/seance-5")
    assert data.value(session, VG.sessionNumber) == Literal(5, datatype=XSD.positiveInteger)
    assert data.value(session, VG.printedWeekday) == Literal("jeudi", lang="fr")
    paris_winter = timezone(timedelta(hours=1))
    start = data.value(session, SCHEMA.startDate)
    end = data.value(session, SCHEMA.endDate)
    assert start.datatype == XSD.dateTime and end.datatype == XSD.dateTime
    assert start.toPython() == datetime(2023, 2, 16, 9, 0, tzinfo=paris_winter)
    assert end.toPython() == datetime(2023, 2, 16, 10, 30, tzinfo=paris_winter)
    assert start.toPython().utcoffset() == timedelta(hours=1)
    assert data.value(session, SCHEMA.eventAttendanceMode) == SCHEMA.OnlineEventAttendanceMode
    assert data.value(session, VG.registrationPage) == URIRef("https://bit.ly/3XOTBct")
    assert set(data.objects(session, VG.speaker)) == {r("person/" + s) for s in SPEAKERS}
    assert len(set(data.objects(session, DCTERMS.subject))) >= 10


def test_session_five_description_is_the_printed_text(data: Graph, plain_source: str) -> None:
    description = str(french(data, r("event/seance-5"), DCTERMS.description))
    paragraphs = description.split("\n\n")
    assert len(paragraphs) == 3
    source_lines = plain_source.splitlines()
    assert all(paragraph in source_lines for paragraph in paragraphs)


# --- talks -------------------------------------------------------------------------------

TALKS = {
    "tisserand-participation-smart-territoire": ("carole-anne-tisserand", 1),
    "chambon-donnees-bureaucraties-locales": ("jean-baptiste-chambon", 2),
}


@pytest.mark.parametrize("slug", sorted(TALKS))
def test_talk(data: Graph, slug: str, plain_source: str) -> None:
    presenter, paragraph_count = TALKS[slug]
    talk = r("talk/" + slug)
    assert (talk, RDF.type, VG.Talk) in data
    assert data.value(talk, VG.presenter) == r("person/" + presenter)
    assert data.value(talk, SCHEMA.superEvent) == r("event/seance-5")
    assert (r("event/seance-5"), SCHEMA.subEvent, talk) in data
    title = french(data, talk, DCTERMS.title)
    name = str(data.value(r("person/" + presenter), FOAF.name))
    assert f"{name} - {title}" in plain_source
    abstract = french(data, talk, DCTERMS.abstract)
    paragraphs = str(abstract).split("\n\n")
    assert len(paragraphs) == paragraph_count
    assert all(p in plain_source.splitlines() for p in paragraphs)
    assert set(data.objects(talk, DCTERMS.subject))
    assert set(data.objects(talk, VG.studies))


def test_what_the_talks_study(data: Graph) -> None:
    assert set(data.objects(r("talk/tisserand-participation-smart-territoire"), VG.studies)) == {
        r("org/region-ile-de-france"),
        r("programme/smart-region-ile-de-france"),
        r("place/ile-de-france"),
    }
    assert set(data.objects(r("talk/chambon-donnees-bureaucraties-locales"), VG.studies)) == {
        r("place/metropole-londonienne")
    }
    place = r("place/metropole-londonienne")
    assert Literal("métropole londonienne", lang="fr") in set(data.objects(place, RDFS.label))


def test_autheman_speaks_but_gives_no_titled_talk(data: Graph) -> None:
    autheman = r("person/deborah-autheman")
    assert (r("event/seance-5"), VG.speaker, autheman) in data
    assert not list(data.subjects(VG.presenter, autheman))
    assert len(list(data.subjects(RDF.type, VG.Talk))) == 2


# --- nothing invented, everything linked --------------------------------------------------

FORBIDDEN = ("orcid.org", "ror.org", "wikidata.org", "viaf.org", "isni", "idref.fr")


def test_no_external_identifiers(data: Graph) -> None:
    assert not list(data.triples((None, OWL.sameAs, None)))
    assert not list(data.triples((None, SKOS.exactMatch, None)))
    for triple in data:
        for term in triple:
            assert not any(marker in str(term).casefold() for marker in FORBIDDEN), triple


def _minted(term: object) -> bool:
    return isinstance(term, URIRef) and term.startswith(BASE) and not term.startswith(TERMS)


def test_minted_iris_follow_the_pattern(data: Graph) -> None:
    # passages add /l<n>[-<m>]; subject statements add /subject/<theme slug>
    pattern = re.compile(
        rf"{re.escape(BASE)}(?P<kind>[a-z]+)/{SLUG}(/l[0-9]+(-[0-9]+)?|/subject/{SLUG})?"
    )
    minted = {t for triple in data for t in triple if _minted(t)}
    assert len(minted) > 50
    for iri in minted:
        match = pattern.fullmatch(str(iri))
        assert match and match["kind"] in KINDS, iri


def test_every_minted_link_resolves(everything: Graph) -> None:
    described = set(everything.subjects())
    for _, predicate, obj in everything:
        if _minted(obj):
            assert obj in described, (predicate, obj)


def test_text_has_no_markdown_and_a_language(data: Graph) -> None:
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.abstract):
        for subject in set(data.subjects(predicate)):
            texts = list(data.objects(subject, predicate))
            assert all(isinstance(t, Literal) and t.language in ("fr", "en") for t in texts)
            assert [t.language for t in texts].count("fr") == 1, (subject, predicate)
            assert not any("*" in t or "\\" in t for t in texts), (subject, predicate)


def test_events_have_an_english_title_too(data: Graph) -> None:
    events = [*data.subjects(RDF.type, VG.WebinarSeries), *_sessions(data)]
    events += list(data.subjects(RDF.type, VG.Talk))
    assert len(events) == 9
    for event in events:
        languages = sorted(t.language for t in data.objects(event, DCTERMS.title))
        assert languages == ["en", "fr"], event


def test_every_subject_statement_quotes_its_passage_word_for_word(
    data: Graph, source_lines: list[str]
) -> None:
    """Each vg:quote is a verbatim substring of the source file and of its passage's text."""
    source = "\n".join(source_lines)
    statements = set(data.subjects(RDF.type, VG.SubjectStatement))
    assert len(statements) == 15  # 14 talk themes and one role (line 46)
    for statement in statements:
        quotes = list(data.objects(statement, VG.quote))
        passages = list(data.objects(statement, PROV.wasDerivedFrom))
        assert len(quotes) == 1 and len(passages) == 1, statement
        quote = str(quotes[0])
        assert quote in source, (statement, quote)
        assert quote in str(data.value(passages[0], RDF.value)), (statement, quote)
        owner = URIRef(str(statement).rsplit("/subject/", 1)[0])
        assert (owner, VG.subjectStatement, statement) in data
        theme = data.value(statement, VG.theme)
        assert str(theme).rsplit("/", 1)[1] == str(statement).rsplit("/", 1)[1]
        if (owner, RDF.type, VG.Talk) in data:
            assert (owner, DCTERMS.subject, theme) in data, statement
            assert passages[0] in set(data.objects(owner, PROV.wasDerivedFrom)), statement


def test_every_theme_of_a_talk_has_a_subject_statement(data: Graph) -> None:
    for talk in data.subjects(RDF.type, VG.Talk):
        stated = {data.value(s, VG.theme) for s in data.objects(talk, VG.subjectStatement)}
        assert stated == set(data.objects(talk, DCTERMS.subject)), talk
