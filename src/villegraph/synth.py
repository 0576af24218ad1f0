"""A deterministic generator of synthetic research networks, for scale tests and benchmarks.

`generate(out_dir, people=N, seed=S)` writes a folder laid out like `data/` — `source.ttl`,
`organisations.ttl`, `places.ttl`, `roles.ttl` (copied from the real data), `people.ttl`,
`events.ttl`, `talks.ttl` and the synthetic source text under `sources/` — so that
`build(settings.with_(data_dir=out_dir))` runs the whole pipeline on it with the real ontology,
thesaurus and shapes. Every resource follows the model's IRI pattern and provenance: each fact
points to a passage (one line of the synthetic source text, quoted exactly) and to the synthetic
source document. Labels say that the resources are synthetic.

Shape of the network: institutions, labs inside one or two institutions, people each in a lab
with a role, webinar series of six to ten sessions on working days in programme order, talks
with one to three themes (a few themes far more popular than the rest) and a long-tailed number
of talks per person (Pareto). Same `people` and `seed` → byte-identical files.

Size: about 100 data triples per person before derivation (the Pareto tail varies it);
`people_for_triples` inverts that.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from villegraph.errors import InputError, UsageError
from villegraph.namespaces import DEFAULT_BASE_IRI, RDF_TYPE, SKOS

SKOS_CONCEPT = str(SKOS.Concept)
SKOS_PREF_LABEL = str(SKOS.prefLabel)
TRIPLES_PER_PERSON = 100
"""Measured on the generator's output (data files only, before derivation), rounded."""

PREFIXES = """\
@base <{base}> .
@prefix vg: <https://w3id.org/villegraph/def#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .

"""

GIVEN = [
    "Camille",
    "Claire",
    "Louis",
    "Léa",
    "Hugo",
    "Inès",
    "Jules",
    "Chloé",
    "Lucas",
    "Manon",
    "Arthur",
    "Sarah",
    "Nathan",
    "Zoé",
    "Paul",
    "Alice",
    "Théo",
    "Emma",
    "Victor",
    "Jeanne",
    "Adam",
    "Lina",
    "Raphaël",
    "Anna",
    "Gabriel",
    "Rose",
    "Noé",
    "Julie",
    "Marius",
    "Elsa",
]
FAMILY_PARTS = [
    "Mar",
    "Dur",
    "Ber",
    "Lef",
    "Gar",
    "Mor",
    "Rou",
    "Fon",
    "Bla",
    "Che",
    "Pic",
    "Gau",
    "Rob",
    "Ler",
    "Mas",
    "Car",
    "Bon",
    "Fau",
    "Gir",
    "Val",
    "Pel",
    "Roy",
]
FAMILY_ENDS = [
    "tin",
    "and",
    "nard",
    "èvre",
    "nier",
    "eau",
    "x",
    "taine",
    "nc",
    "valier",
    "ard",
    "tier",
    "in",
    "oy",
    "sson",
    "on",
    "ier",
    "aud",
    "eau",
]
TOWNS = [
    "Aubeville",
    "Belmont",
    "Castelnau",
    "Dorval",
    "Esterel",
    "Fontclair",
    "Granville",
    "Hautrive",
    "Ivry-Vert",
    "Jouvence",
    "Kerlan",
    "Lormont",
    "Montval",
    "Noirfonds",
    "Orvault",
    "Pradelle",
    "Quimerch",
    "Rochebrune",
    "Saulnay",
    "Tournel",
    "Uzerche",
    "Valbonne",
    "Wissous",
    "Yzeure",
    "Zonza",
]
INSTITUTION_KINDS = ("vg:HigherEducationInstitution", "vg:ResearchOrganisation")
ROLES = {
    "role/researcher": ("chercheur", "chercheuse"),
    "role/doctoral-student": ("doctorant", "doctorante"),
    "role/practitioner": ("chargé de mission", "chargée de mission"),
}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class SynthReport:
    """What `generate` wrote."""

    out_dir: Path
    people: int
    seed: int
    triples: int
    counts: dict[str, int] = field(default_factory=dict)


def people_for_triples(triples: int) -> int:
    """The number of people that gives about `triples` data triples."""
    return max(5, round(triples / TRIPLES_PER_PERSON))


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)


def _lit(text: str) -> str:
    """A Turtle string literal, escaped."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _iris(items: Iterable[str]) -> str:
    return ", ".join(f"<{i}>" for i in items)


class _Writer:
    """Accumulates one Turtle file and the lines of the synthetic source text."""

    def __init__(self, source: _Source, name: str) -> None:
        self.source = source
        self.name = name
        self.parts: list[str] = []

    def entity(self, iri: str, statements: list[str], line_text: str) -> None:
        """Write `iri` with `statements` (predicate-object strings) and its provenance."""
        passage = self.source.passage(line_text)
        body = [
            *statements,
            f"prov:wasDerivedFrom <{passage}>",
            f"dcterms:source <{self.source.iri}>",
        ]
        self.parts.append(f"<{iri}> " + " ;\n    ".join(body) + " .\n")

    def save(self, out_dir: Path, header: str) -> None:
        (out_dir / self.name).write_text(header + "\n".join(self.parts), encoding="utf-8")


class _Source:
    """The synthetic source document: one line per stated fact, quoted by a passage."""

    def __init__(self, seed: int, people: int) -> None:
        self.slug = f"synthetic-network-{people}-{seed}"
        self.iri = f"source/{self.slug}"
        self.file_name = f"{self.slug}.txt"
        self.lines: list[str] = []

    def passage(self, text: str) -> str:
        text = " ".join(text.split())
        self.lines.append(text)
        return f"{self.iri}/l{len(self.lines)}"

    def turtle(self, local_copy: str) -> str:
        parts = [
            f"<{self.iri}> a foaf:Document, prov:Entity ;\n"
            f"    dcterms:title {_lit(f'Réseau de recherche synthétique ({self.slug})')}@fr ;\n"
            f"    rdfs:label {_lit('Document source synthétique ' + self.slug)}@fr,"
            f" {_lit('Synthetic source document ' + self.slug)}@en ;\n"
            f'    dcterms:language "fr" ;\n'
            f'    dcterms:format "text/plain" ;\n'
            f"    vg:localCopy {_lit(local_copy)} .\n"
        ]
        for number, text in enumerate(self.lines, start=1):
            parts.append(
                f"<{self.iri}/l{number}> a vg:Passage, prov:Entity ;\n"
                f'    rdfs:label "ligne {number}"@fr, "line {number}"@en ;\n'
                f"    dcterms:isPartOf <{self.iri}> ;\n"
                f'    vg:startLine "{number}"^^xsd:positiveInteger ;\n'
                f'    vg:endLine "{number}"^^xsd:positiveInteger ;\n'
                f"    rdf:value {_lit(text)} .\n"
            )
        return "\n".join(parts)


def read_themes(themes_path: Path) -> list[tuple[str, str]]:
    """(relative IRI, French label) of every theme concept in the thesaurus, in IRI order."""
    labels: dict[str, str] = {}
    concepts: set[str] = set()
    prefix = DEFAULT_BASE_IRI + "theme/"
    try:
        quads = list(ox.parse(path=str(themes_path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as error:
        raise InputError(str(error), themes_path) from None
    for quad in quads:
        subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
        if not subject.startswith(prefix) or subject.endswith("/scheme"):
            continue
        predicate = quad.predicate.value
        if predicate == RDF_TYPE and quad.object.value == SKOS_CONCEPT:
            concepts.add(subject)
        elif predicate == SKOS_PREF_LABEL and getattr(quad.object, "language", None) == "fr":
            labels[subject] = quad.object.value
    themes = [(iri[len(DEFAULT_BASE_IRI) :], labels.get(iri, iri)) for iri in sorted(concepts)]
    if not themes:
        raise InputError("no theme concepts found", themes_path)
    return themes


def _roles_with_source(roles_path: Path, source: _Source) -> bytes:
    """The real role scheme, its provenance pointed at passages of the synthetic source."""
    provenance = {
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        "http://purl.org/dc/terms/source",
    }
    try:
        triples = [
            q.triple
            for q in ox.parse(path=str(roles_path), format=ox.RdfFormat.TURTLE)
            if q.predicate.value not in provenance
        ]
    except (OSError, SyntaxError) as error:
        raise InputError(str(error), roles_path) from None
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    document = ox.NamedNode("http://purl.org/dc/terms/source")
    subjects = sorted({t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)})
    for subject in subjects:
        passage = source.passage(f"Rôle : {subject.rsplit('/', 1)[-1]}.")
        node = ox.NamedNode(subject)
        triples.append(ox.Triple(node, derived, ox.NamedNode(DEFAULT_BASE_IRI + passage)))
        triples.append(ox.Triple(node, document, ox.NamedNode(DEFAULT_BASE_IRI + source.iri)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b""


def _working_days(rng: random.Random, start: dt.date, count: int) -> list[dt.date]:
    """`count` increasing working days from `start`, three to six weeks apart."""
    days = []
    day = start
    for _ in range(count):
        day = day + dt.timedelta(days=rng.randint(21, 42))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        days.append(day)
    return days


@dataclass
class _Plan:
    """What every step of the generator shares: the random source, themes and source text."""

    rng: random.Random
    people: int
    source: _Source
    tag: str
    themes: list[tuple[str, str]]
    theme_cumulative: list[float]


@dataclass(frozen=True)
class _Organisations:
    writer: _Writer
    institutions: list[tuple[str, str, str]]
    labs: list[tuple[str, str, list[str]]]


@dataclass(frozen=True)
class _People:
    writer: _Writer
    iris: list[str]
    talks_of: list[int]


def _plan(people: int, seed: int, themes_path: Path) -> _Plan:
    rng = random.Random(seed)
    themes = read_themes(themes_path)
    theme_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(themes))]
    rng.shuffle(theme_weights)
    return _Plan(
        rng=rng,
        people=people,
        source=_Source(seed, people),
        tag=f"(synthetic {seed})",
        themes=themes,
        theme_cumulative=list(itertools.accumulate(theme_weights)),
    )


def _places(plan: _Plan) -> tuple[_Writer, list[str]]:
    """One studied place per 50 people (at least five)."""
    places = _Writer(plan.source, "places.ttl")
    place_iris = []
    for index in range(max(5, plan.people // 50)):
        name = f"{TOWNS[index % len(TOWNS)]} {index // len(TOWNS) + 1}"
        iri = f"place/{_slug(name)}"
        place_iris.append(iri)
        places.entity(
            iri,
            [
                "a schema:Place, dcterms:Location",
                f"rdfs:label {_lit(name + ' ' + plan.tag)}@fr",
                f"schema:name {_lit(name)}@fr",
            ],
            f"Territoire étudié : {name}.",
        )
    return places, place_iris


def _organisations(plan: _Plan) -> _Organisations:
    """Institutions (one per 40 people) and labs (one per 8) inside one or two of them."""
    rng = plan.rng
    orgs = _Writer(plan.source, "organisations.ttl")
    institutions = []
    for index in range(max(2, plan.people // 40)):
        kind = INSTITUTION_KINDS[index % 2]
        word = "Université" if kind.endswith("Institution") else "Institut national"
        name = f"{word} synthétique de {TOWNS[index % len(TOWNS)]} {index + 1}"
        institutions.append((f"org/{_slug(name)}", name, kind))
    labs: list[tuple[str, str, list[str]]] = []
    for index in range(max(3, plan.people // 8)):
        name = f"Laboratoire synthétique {index + 1}"
        chosen = rng.sample(institutions, 2 if rng.random() < 0.2 else 1)
        labs.append((f"org/{_slug(name)}", name, [p[0] for p in chosen]))
    children: dict[str, list[str]] = {}
    for lab_iri, _, parents in labs:
        for parent in parents:
            children.setdefault(parent, []).append(lab_iri)
    for iri, name, kind in institutions:
        statements = [
            f"a org:Organization, foaf:Organization, {kind}",
            f"foaf:name {_lit(name)}",
            f"rdfs:label {_lit(name + ' ' + plan.tag)}",
        ]
        if children.get(iri):
            statements.append(f"org:hasSubOrganization {_iris(children[iri])}")
        orgs.entity(iri, statements, f"{name}.")
    for iri, name, parents in labs:
        orgs.entity(
            iri,
            [
                "a org:Organization, foaf:Organization, org:OrganizationalUnit, vg:ResearchUnit",
                f"foaf:name {_lit(name)}",
                f"rdfs:label {_lit(name + ' ' + plan.tag)}",
                f"org:subOrganizationOf {_iris(parents)}",
            ],
            f"{name}, rattaché à " + " et ".join(n for i, n, _ in institutions if i in parents),
        )
    return _Organisations(orgs, institutions, labs)


def _people(plan: _Plan, labs: list[tuple[str, str, list[str]]]) -> _People:
    """People, each with a membership in a lab, and a long-tailed number of talks each."""
    rng = plan.rng
    lab_weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.7 for rank in range(len(labs))))
    persons = _Writer(plan.source, "people.ttl")
    roles = list(ROLES)
    talks_of: list[int] = []
    person_iris = []
    attested = dt.date(2023, 2, 16)
    for index in range(plan.people):
        given = GIVEN[rng.randrange(len(GIVEN))]
        family = rng.choice(FAMILY_PARTS) + rng.choice(FAMILY_ENDS)
        name = f"{given} {family}"
        slug = f"{_slug(name)}-{index + 1}"
        iri = f"person/{slug}"
        person_iris.append(iri)
        lab_iri, lab_name, _ = rng.choices(labs, cum_weights=lab_weights)[0]
        role = roles[rng.randrange(len(roles))]
        title = ROLES[role][rng.randrange(2)]
        membership = f"membership/{slug}-{_slug(lab_name)}"
        line = f"{name}, {title} au {lab_name}"
        persons.entity(
            iri,
            [
                "a foaf:Person, schema:Person",
                f"foaf:name {_lit(name)}",
                f"rdfs:label {_lit(name + ' ' + plan.tag)}",
                f"foaf:givenName {_lit(given)}",
                f"foaf:familyName {_lit(family)}",
                f"org:hasMembership <{membership}>",
            ],
            line,
        )
        persons.entity(
            membership,
            [
                "a org:Membership",
                f"rdfs:label {_lit(line + ' ' + plan.tag)}@fr",
                f"org:member <{iri}>",
                f"org:organization <{lab_iri}>",
                f"org:role <{role}>",
                f"vg:printedTitle {_lit(title)}@fr",
                f'vg:attestedOn "{attested.isoformat()}"^^xsd:date',
            ],
            line,
        )
        talks_of.append(min(40, int(rng.paretovariate(1.5))))
    return _People(persons, person_iris, talks_of)


@dataclass
class _Programme:
    """The series, sessions and talks as they are written."""

    events: _Writer
    talks: _Writer
    series: int = 0
    sessions: int = 0
    talk_count: int = 0


def _talk(
    plan: _Plan, programme: _Programme, presenter: str, session_iri: str, places: list[str]
) -> str:
    """One talk by `presenter` in `session_iri`, with one to three themes; its IRI."""
    rng = plan.rng
    programme.talk_count += 1
    number = programme.talk_count
    chosen = rng.choices(range(len(plan.themes)), cum_weights=plan.theme_cumulative, k=3)
    subjects = sorted({plan.themes[c][0] for c in chosen[: rng.randint(1, 3)]})
    title = "Communication synthétique n°{} : {}".format(
        number, ", ".join(label for t, label in plan.themes if t in subjects)
    )
    talk_iri = f"talk/communication-synthetique-{number}"
    statements = [
        "a vg:Talk, schema:Event",
        f"dcterms:title {_lit(title)}@fr",
        f"rdfs:label {_lit(title + ' ' + plan.tag)}@fr",
        f"vg:presenter <{presenter}>",
        f"schema:superEvent <{session_iri}>",
        f"dcterms:subject {_iris(subjects)}",
    ]
    if rng.random() < 0.5:
        statements.append(f"vg:studies <{rng.choice(places)}>")
    programme.talks.entity(talk_iri, statements, title)
    return talk_iri


def _session(
    plan: _Plan,
    programme: _Programme,
    where: tuple[str, int, str, dt.date],
    presenters: list[str],
    places: list[str],
) -> None:
    """One session (series IRI, position, IRI, day) with the talks of `presenters`."""
    series_iri, position, session_iri, day = where
    session_title = f"Séance synthétique {position} du cycle {programme.series}"
    talk_iris = [_talk(plan, programme, p, session_iri, places) for p in presenters]
    statements = [
        "a vg:Session, schema:Event",
        f"dcterms:title {_lit(session_title)}@fr",
        f"rdfs:label {_lit(session_title + ' ' + plan.tag)}@fr",
        f'vg:programmePosition "{position}"^^xsd:positiveInteger',
        f"vg:printedDate {_lit(day.strftime('%d/%m/%y'))}",
        f"vg:printedWeekday {_lit(WEEKDAYS_FR[day.weekday()])}@fr",
        f'schema:startDate "{day.isoformat()}"^^xsd:date',
        "schema:eventStatus schema:EventScheduled",
        "schema:eventAttendanceMode schema:OnlineEventAttendanceMode",
        f"schema:superEvent <{series_iri}>",
    ]
    if talk_iris:
        statements += [
            f"schema:subEvent {_iris(talk_iris)}",
            f"vg:speaker {_iris(sorted(set(presenters)))}",
        ]
    programme.events.entity(
        session_iri,
        statements,
        f"{WEEKDAYS_FR[day.weekday()]} {day.strftime('%d/%m/%y')} : {session_title}",
    )


def _programmes(
    plan: _Plan, organisers: list[str], persons: _People, places: list[str]
) -> _Programme:
    """Series of six to ten sessions of four talks each, until every talk has a session."""
    rng = plan.rng
    talk_owners = [p for p, count in enumerate(persons.talks_of) for _ in range(count)]
    rng.shuffle(talk_owners)
    per_session = 4
    session_count = math.ceil(len(talk_owners) / per_session)
    programme = _Programme(_Writer(plan.source, "events.ttl"), _Writer(plan.source, "talks.ttl"))
    while programme.sessions < session_count:
        programme.series += 1
        series = programme.series
        size = min(rng.randint(6, 10), session_count - programme.sessions)
        series_iri = f"event/cycle-synthetique-{series}"
        series_title = f"Cycle synthétique n°{series} sur la ville numérique"
        days = _working_days(
            rng, dt.date(2021, 1, 4) + dt.timedelta(days=rng.randint(0, 700)), size
        )
        session_iris = [f"event/seance-synthetique-{series}-{k + 1}" for k in range(size)]
        programme.events.entity(
            series_iri,
            [
                "a vg:WebinarSeries, schema:EventSeries",
                f"dcterms:title {_lit(series_title)}@fr",
                f"rdfs:label {_lit(series_title + ' ' + plan.tag)}@fr",
                f'vg:plannedSessionCount "{size}"^^xsd:nonNegativeInteger',
                f"schema:organizer {_iris(rng.sample(organisers, min(2, len(organisers))))}",
                "schema:eventAttendanceMode schema:OnlineEventAttendanceMode",
                f"schema:subEvent {_iris(session_iris)}",
            ],
            f"{series_title} : un cycle de {size} webinaires.",
        )
        for position, (session_iri, day) in enumerate(zip(session_iris, days, strict=True), 1):
            first = programme.sessions * per_session
            owners = talk_owners[first : first + per_session]
            programme.sessions += 1
            presenters = [persons.iris[o] for o in owners]
            _session(plan, programme, (series_iri, position, session_iri, day), presenters, places)
    return programme


def _save(out_dir: Path, plan: _Plan, writers: list[_Writer], roles_path: Path) -> None:
    """Every Turtle file, the role scheme with synthetic provenance, and the source text."""
    source = plan.source
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "sources").mkdir()
    header = PREFIXES.format(base=DEFAULT_BASE_IRI)
    for writer in writers:
        writer.save(out_dir, header)
    (out_dir / "roles.ttl").write_bytes(_roles_with_source(roles_path, source))
    source_text = source.turtle(f"data/sources/{source.file_name}")
    (out_dir / "source.ttl").write_text(header + source_text, encoding="utf-8")
    (out_dir / "sources" / source.file_name).write_text(
        "\n".join(source.lines) + "\n", encoding="utf-8"
    )


def generate(
    out_dir: Path,
    *,
    people: int,
    seed: int = 0,
    themes_path: Path,
    roles_path: Path,
) -> SynthReport:
    """Write a synthetic network of `people` people into `out_dir` (created, must be empty)."""
    if people < 5:
        raise UsageError(f"--people {people}: at least 5 people are needed")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise UsageError(f"{out_dir} is not empty")
    if not roles_path.is_file():
        raise InputError("roles file not found", roles_path)
    plan = _plan(people, seed, themes_path)
    places, place_iris = _places(plan)
    organisations = _organisations(plan)
    persons = _people(plan, organisations.labs)
    organisers = [i for i, _, _ in organisations.institutions]
    programme = _programmes(plan, organisers, persons, place_iris)
    writers = [places, organisations.writer, persons.writer, programme.events, programme.talks]
    _save(out_dir, plan, writers, roles_path)
    counts = {
        "people": people,
        "institutions": len(organisations.institutions),
        "labs": len(organisations.labs),
        "places": len(place_iris),
        "series": programme.series,
        "sessions": programme.sessions,
        "talks": programme.talk_count,
    }
    triples = sum(
        sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        for path in sorted(out_dir.glob("*.ttl"))
    )
    return SynthReport(out_dir, people, seed, triples, counts)


__all__ = ["SynthReport", "generate", "people_for_triples", "read_themes"]
