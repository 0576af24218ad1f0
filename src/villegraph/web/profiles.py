"""Pages that answer: the part of a resource page that reads like an answer, above its facts.

A person is shown as a researcher profile (affiliations as printed with the lab → institution
chain, talks with their session and date, themes by evidence level with the source's words,
co-speakers), a theme as who works on it (people ranked by their own work, organisations through
their members, narrower themes, then session context, labelled as such), a session as its dates,
speakers and talks, an organisation as its members, its place among organisations and the themes
of its members' own work, a talk as who gives it, where, what it studies and the themes its title
or abstract states, in the source's words.

Everything comes from the canned queries (`queries/*.rq`: themes-of, talks-of, who-works-on,
speakers-of, members-of), run with their parameters bound by `bind_values`, and from a few small
queries below, each bound the same way: the evidence levels, roll-ups and quotes are the rules'
(`ontology/rules/`), never re-derived here. Every profile is a handful of small queries run on
the request's store (the site lane's workers). Templates autoescape every value.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from villegraph.errors import QueryError, QueryTimeout
from villegraph.namespaces import FOAF, ONTOLOGY_IRI, ORG, SKOS, sparql_prefixes
from villegraph.queries import Catalogue, bind_values, normalise_label
from villegraph.store import Store
from villegraph.web.capping import capped
from villegraph.web.pages import Linker, Term, pick_label

LOG = logging.getLogger("villegraph.web")
VG = ONTOLOGY_IRI + "#"
OWN_WORK = VG + "OwnWork"
SESSION_CONTEXT = VG + "SessionContext"
ROLL_UPS = {VG + "rule-theme-broader", VG + "rule-org-member-theme", VG + "rule-org-suborg-theme"}
PERSON = str(FOAF.Person)
ORGANISATION = str(ORG.Organization)
SESSION = VG + "Session"
CONCEPT = str(SKOS.Concept)
TALK = VG + "Talk"
MEMBERSHIP = str(ORG.Membership)
EVIDENCE_KINDS = {TALK: "talk", MEMBERSHIP: "role", SESSION: "session"}
"""What an attribution rests on, by the evidence's class, for the page's words."""

PREFIXES = sparql_prefixes("vg", "org", "skos", "rdfs", "foaf", "schema", "dcterms")
NAMES = "foaf:name|rdfs:label|skos:prefLabel|dcterms:title"
ANSWER_ROWS = 1000
"""Rows each small query of a profile shows; each asks for one more, to know when it cuts."""


def _label(var: str, out: str, path: str = NAMES) -> str:
    """SPARQL for `?out`: the labels of `?var` in every language; the page picks one.

    Only variable names and fixed property paths of this module are written into the text.
    No language filter: a filter on a bound `?lang` would not see it inside a nested group.
    """
    return f"OPTIONAL {{ ?{var} {path} ?{out} }}"


Q_AFFILIATIONS = (
    PREFIXES
    + f"""SELECT ?membership ?title ?unit ?unitLabel ?short ?identifier WHERE {{
  {{ ?person org:hasMembership ?membership }} UNION {{ ?membership org:member ?person }}
  ?membership org:organization ?unit .
  OPTIONAL {{ ?membership vg:printedTitle ?title }}
  OPTIONAL {{ ?unit skos:altLabel ?short }}
  OPTIONAL {{ ?unit org:identifier ?identifier }}
  {_label("unit", "unitLabel", "rdfs:label|foaf:name")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""A person's memberships: the title as printed and the organisation (name, acronym, identifier)."""

Q_ABOVE = (
    PREFIXES
    + f"""SELECT ?sub ?super ?superLabel ?short ?identifier WHERE {{
  ?unit (org:subOrganizationOf|^org:hasSubOrganization)* ?sub .
  ?sub org:subOrganizationOf|^org:hasSubOrganization ?super .
  OPTIONAL {{ ?super skos:altLabel ?short }}
  OPTIONAL {{ ?super org:identifier ?identifier }}
  {_label("super", "superLabel", "rdfs:label|foaf:name")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""Every organisation above `?unit` (sub → super edges), to print the chain up to the top."""

Q_SESSIONS_OF = (
    PREFIXES
    + f"""SELECT ?session ?sessionLabel ?printed ?start ?other ?otherLabel WHERE {{
  ?session vg:speaker ?person .
  OPTIONAL {{ ?session vg:printedDate ?printed }}
  OPTIONAL {{ ?session schema:startDate ?start }}
  OPTIONAL {{
    ?session vg:speaker ?other FILTER(?other != ?person)
    {_label("other", "otherLabel", "foaf:name|rdfs:label")}
  }}
  {_label("session", "sessionLabel", "dcterms:title|rdfs:label")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""The sessions a person speaks in, with the other speakers of each (co-speakers)."""

Q_ATTRIBUTIONS = (
    PREFIXES
    + f"""SELECT ?theme ?level ?rule ?quote ?evidence ?evidenceLabel ?evidenceType ?from ?fromLabel
WHERE {{
  ?a vg:agent ?agent ; vg:theme ?theme ; vg:evidenceLevel ?level ; vg:derivedBy ?rule .
  {{ ?a vg:quote ?quote }}
  UNION {{
    ?a vg:evidence ?evidence .
    OPTIONAL {{
      ?evidence a ?evidenceType FILTER(?evidenceType IN (vg:Talk, vg:Session, org:Membership))
    }}
    {_label("evidence", "evidenceLabel", "dcterms:title|rdfs:label|skos:prefLabel")}
  }}
  UNION {{
    ?a vg:rolledUpFrom ?source . ?source vg:theme ?from .
    {_label("from", "fromLabel", "skos:prefLabel")}
  }}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""An agent's attributions in detail: quotes, evidence, and the themes a roll-up comes from."""

Q_THEME_ORGANISATIONS = (
    PREFIXES
    + f"""SELECT ?organisation ?organisationLabel ?members ?talks ?rule WHERE {{
  ?a vg:theme ?theme ; vg:agent ?organisation ; vg:evidenceLevel vg:OwnWork ;
    vg:memberCount ?members ; vg:derivedBy ?rule .
  ?organisation a org:Organization .
  OPTIONAL {{ ?a vg:talkCount ?talks }}
  {_label("organisation", "organisationLabel", "rdfs:label|foaf:name")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""Organisations whose members' own work has the theme, with how many members and talks."""

Q_THEME_NEIGHBOURS = (
    PREFIXES
    + f"""SELECT ?relation ?other ?otherLabel WHERE {{
  {{ ?other skos:broader ?theme BIND("narrower" AS ?relation) }}
  UNION {{ ?theme skos:narrower ?other BIND("narrower" AS ?relation) }}
  UNION {{ ?theme skos:broader ?other BIND("broader" AS ?relation) }}
  UNION {{ ?other skos:narrower ?theme BIND("broader" AS ?relation) }}
  {_label("other", "otherLabel", "skos:prefLabel")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""A theme's broader and narrower themes (either direction of the thesaurus)."""

Q_SESSION = (
    PREFIXES
    + f"""SELECT ?printed ?weekday ?start ?end ?number ?status ?cycle ?cycleLabel WHERE {{
  OPTIONAL {{ ?session vg:printedDate ?printed }}
  OPTIONAL {{ ?session vg:printedWeekday ?weekday }}
  OPTIONAL {{ ?session schema:startDate ?start }}
  OPTIONAL {{ ?session schema:endDate ?end }}
  OPTIONAL {{ ?session vg:sessionNumber ?number }}
  OPTIONAL {{ ?session schema:eventStatus ?status }}
  OPTIONAL {{
    ?session schema:superEvent ?cycle .
    {_label("cycle", "cycleLabel", "rdfs:label|dcterms:title")}
  }}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""A session's dates (as printed and as read), number, status and cycle."""

Q_SESSION_TALKS = (
    PREFIXES
    + f"""SELECT ?talk ?talkLabel ?presenter ?presenterLabel WHERE {{
  ?talk schema:superEvent ?session ; a vg:Talk .
  OPTIONAL {{
    ?talk vg:presenter ?presenter .
    {_label("presenter", "presenterLabel", "foaf:name|rdfs:label")}
  }}
  {_label("talk", "talkLabel", "dcterms:title|rdfs:label")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""The talks of a session with their presenters."""

Q_SUBJECTS = (
    PREFIXES
    + f"""SELECT ?theme ?themeLabel WHERE {{
  ?x dcterms:subject ?theme .
  {_label("theme", "themeLabel", "skos:prefLabel")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""The themes a resource's description states (`dcterms:subject`)."""

Q_TALK = (
    PREFIXES
    + f"""SELECT ?presenter ?presenterLabel ?session ?sessionLabel ?printed ?start ?theme
  ?themeLabel ?quote ?studied ?studiedLabel WHERE {{
  {{
    ?talk vg:presenter ?presenter .
    {_label("presenter", "presenterLabel", "foaf:name|rdfs:label")}
  }}
  UNION {{
    ?talk schema:superEvent ?session .
    OPTIONAL {{ ?session vg:printedDate ?printed }}
    OPTIONAL {{ ?session schema:startDate ?start }}
    {_label("session", "sessionLabel", "dcterms:title|rdfs:label")}
  }}
  UNION {{
    ?talk dcterms:subject ?theme .
    OPTIONAL {{
      ?talk vg:subjectStatement ?statement . ?statement vg:theme ?theme ; vg:quote ?quote
    }}
    {_label("theme", "themeLabel", "skos:prefLabel")}
  }}
  UNION {{ ?talk vg:studies ?studied . {_label("studied", "studiedLabel", NAMES)} }}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""A talk's presenters, session, themes with the words that state them, and what it studies."""

Q_ORG_RELATIVES = (
    PREFIXES
    + f"""SELECT ?relation ?other ?otherLabel WHERE {{
  {{ ?other org:subOrganizationOf ?organisation BIND("sub" AS ?relation) }}
  UNION {{ ?organisation org:hasSubOrganization ?other BIND("sub" AS ?relation) }}
  UNION {{ ?organisation org:subOrganizationOf ?other BIND("super" AS ?relation) }}
  UNION {{ ?other org:hasSubOrganization ?organisation BIND("super" AS ?relation) }}
  UNION {{ ?organisation vg:partnerOf ?other BIND("partner" AS ?relation) }}
  UNION {{ ?other vg:partnerOf ?organisation BIND("partner" AS ?relation) }}
  {_label("other", "otherLabel", "rdfs:label|foaf:name")}
}} LIMIT {ANSWER_ROWS + 1}"""
)
"""An organisation's direct sub-organisations, the organisations it belongs to, its partners."""


# --- what the templates get -------------------------------------------------------------------


@dataclass
class Affiliation:
    """A membership as printed: title, organisation, and the organisations above it."""

    title: str | None
    unit: Term
    above: list[Term] = field(default_factory=list)


@dataclass
class ThemeEntry:
    """One theme of an agent at one evidence level."""

    theme: Term
    quotes: list[str] = field(default_factory=list)
    evidence: list[tuple[str, Term]] = field(default_factory=list)
    """(kind: talk, role, session or "", the talk, membership or session it rests on)"""
    via: list[Term] = field(default_factory=list)
    """For a roll-up: the themes of the agent's own attributions it carries up."""
    rolled_up: bool = False
    how: str = ""
    members: int | None = None
    talks: int | None = None


@dataclass
class TalkEntry:
    talk: Term
    session: Term | None = None
    date: str | None = None
    presenters: list[Term] = field(default_factory=list)
    themes: str = ""


@dataclass
class SessionEntry:
    session: Term
    printed_date: str | None = None
    date: str | None = None
    others: list[Term] = field(default_factory=list)


@dataclass
class PersonAnswer:
    """A person's entry on a theme page: their rows of evidence and their score."""

    person: Term
    score: int = 0
    quotes: list[str] = field(default_factory=list)
    via: list[Term] = field(default_factory=list)
    evidence: list[Term] = field(default_factory=list)


@dataclass
class OrganisationAnswer:
    organisation: Term
    members: int = 0
    talks: int = 0
    through_units: bool = False


@dataclass
class Member:
    person: Term
    title: str | None
    unit: Term
    depth: int = 0


@dataclass
class Speaker:
    person: Term
    affiliations: list[tuple[str | None, Term | None]] = field(default_factory=list)
    talks: list[Term] = field(default_factory=list)


@dataclass
class Profile:
    """The answer part of a page; `kind` picks the template (person, theme, session, org)."""

    kind: str
    affiliations: list[Affiliation] = field(default_factory=list)
    talks: list[TalkEntry] = field(default_factory=list)
    sessions: list[SessionEntry] = field(default_factory=list)
    own_work: list[ThemeEntry] = field(default_factory=list)
    session_context: list[ThemeEntry] = field(default_factory=list)
    co_speakers: list[Term] = field(default_factory=list)
    people: list[PersonAnswer] = field(default_factory=list)
    context_people: list[PersonAnswer] = field(default_factory=list)
    organisations: list[OrganisationAnswer] = field(default_factory=list)
    broader: list[Term] = field(default_factory=list)
    narrower: list[Term] = field(default_factory=list)
    printed_date: str | None = None
    weekday: str | None = None
    start: str | None = None
    end: str | None = None
    read_date: str | None = None
    """The start and end as read, for people: `2023-02-16, 09:00–10:30 (+01:00)`."""
    number: str | None = None
    cycle: Term | None = None
    speakers: list[Speaker] = field(default_factory=list)
    themes: list[Term] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)
    """The answers shown shorter than they are (message keys): the page says so."""
    sub_organisations: list[Term] = field(default_factory=list)
    super_organisations: list[Term] = field(default_factory=list)
    partners: list[Term] = field(default_factory=list)
    member_themes: list[ThemeEntry] = field(default_factory=list)
    presenters: list[Term] = field(default_factory=list)
    session_entries: list[SessionEntry] = field(default_factory=list)
    talk_themes: list[ThemeEntry] = field(default_factory=list)
    studies: list[Term] = field(default_factory=list)


# --- running the queries ----------------------------------------------------------------------

_CATALOGUES: dict[tuple[str, str], tuple[float, Catalogue]] = {}


def catalogue(settings: Any) -> Catalogue:
    """The canned queries, read again only when a file of the folder changed."""
    folder = Path(settings.queries_dir)
    key = (str(folder), settings.base_iri)
    stamp = max((p.stat().st_mtime for p in folder.glob("*.rq")), default=0.0)
    cached = _CATALOGUES.get(key)
    if cached is None or cached[0] != stamp:
        cached = (stamp, Catalogue.load(folder, base_iri=settings.base_iri))
        _CATALOGUES[key] = cached
    return cached[1]


LABEL_COLUMNS = {"title": "talk", "talkTitle": "talk", "sessionTitle": "session"}
"""Label columns of the canned queries not named `<column>Label`."""


class Runner:
    """Runs the canned and small queries of one page on the request's store.

    Every `xLabel` column (and the canned queries' title columns) is noted as a label of the
    resource in column `x`; `term` names a resource by its label in the page language, else the
    other page language, else a plain one.
    """

    def __init__(self, store: Store, settings: Any, linker: Linker, language: str) -> None:
        self.store = store
        self.settings = settings
        self.linker = linker
        self.language = language
        self.labels: dict[str, list[Literal]] = defaultdict(list)
        self.cut: list[str] = []
        """Set when a query had more rows than the page shows."""

    def canned(self, name: str, **params: str) -> list[dict[str, Identifier]]:
        """A canned query's rows; the resource is known to exist, so no label lookup. A paged
        query is asked for its largest page: a profile shows the whole answer, as before."""
        from villegraph.queries import MAX_PAGE, canned_text

        query = catalogue(self.settings)[name]
        raw = {**params, "lang": self.language}
        if query.page is not None:
            raw.setdefault("limit", str(MAX_PAGE))
        text, limit, _ = canned_text(query, query.parse_params(raw))
        rows = self._select(text)
        return capped(rows, limit, "profile_answers", self.cut) if query.page else rows

    def small(self, text: str, **bindings: Identifier) -> list[dict[str, Identifier]]:
        """One of this module's queries with `bindings` bound."""
        return capped(
            self._select(bind_values(text, bindings)), ANSWER_ROWS, "profile_answers", self.cut
        )

    def _select(self, text: str) -> list[dict[str, Identifier]]:
        timeout = getattr(self.settings, "timeout", None)
        rows = self.store.select(text, timeout=timeout).dicts()
        for row in rows:
            for column, value in row.items():
                if not isinstance(value, Literal):
                    continue
                subject = LABEL_COLUMNS.get(column) or column.removesuffix("Label")
                node = row.get(subject) if subject != column else None
                if isinstance(node, URIRef):
                    found = self.labels[str(node)]
                    if value not in found and str(value) != str(node):
                        found.append(value)
        return rows

    def term(self, node: Identifier | None) -> Term | None:
        if node is None:
            return None
        iri = str(node)
        if not isinstance(node, URIRef):
            return Term(iri)
        text = pick_label(self.labels.get(iri, []), self.language) or self.linker.curie(iri)
        return Term(text, self.linker.href(iri), iri)


def _unique(terms: list[Term]) -> list[Term]:
    seen: dict[str, Term] = {}
    for term in terms:
        seen.setdefault(term.iri or term.text, term)
    return list(seen.values())


def _key(text: str) -> str:
    """Sort key: accents and case aside (« élaboration » among the e's)."""
    return normalise_label(text)


def _sorted(terms: list[Term]) -> list[Term]:
    return sorted(_unique(terms), key=lambda t: _key(t.text))


def _acronym(shorts: set[str]) -> str | None:
    """An acronym among the alternative labels (one word in capitals, at most 6 letters)."""
    found = sorted(s for s in shorts if s.isupper() and " " not in s and len(s) <= 6)
    return found[0] if found else None


def _day(value: Identifier | None) -> str | None:
    """The date part of an xsd:date or xsd:dateTime, as written."""
    return str(value)[:10] if value is not None else None


def _int(value: Identifier | None) -> int:
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


# --- person -------------------------------------------------------------------------------------


def _organisation_terms(run: Runner, rows: list[dict], key: str) -> dict[str, Term]:
    """IRI → a term named by its acronym when it has one, with its identifier (UMR 9217)."""
    names: list[str] = []
    shorts: dict[str, set[str]] = defaultdict(set)
    identifiers: dict[str, str] = {}
    for row in rows:
        iri = str(row[key])
        if iri not in names:
            names.append(iri)
        if "short" in row:
            shorts[iri].add(str(row["short"]))
        if "identifier" in row:
            identifiers[iri] = str(row["identifier"])
    terms = {}
    for iri in names:
        term = run.term(URIRef(iri))
        assert term is not None
        short = _acronym(shorts[iri])
        if short and short != term.text:
            term.text = short
        if iri in identifiers:
            term.text = f"{term.text} {identifiers[iri]}"
        terms[iri] = term
    return terms


def _chain(run: Runner, unit: str) -> list[Term]:
    """The organisations above `unit`, nearest first, each level in name order."""
    rows = run.small(Q_ABOVE, unit=URIRef(unit))
    parents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        parents[str(row["sub"])].add(str(row["super"]))
    terms = _organisation_terms(run, rows, "super")
    order: list[str] = []
    level = [unit]
    seen = {unit}
    while level:
        following = sorted(
            {p for node in level for p in parents.get(node, ()) if p not in seen},
            key=lambda iri: _key(terms[iri].text),
        )
        seen.update(following)
        order += following
        level = following
    return [terms[iri] for iri in order]


def _affiliations(run: Runner, person: URIRef) -> list[Affiliation]:
    rows = run.small(Q_AFFILIATIONS, person=person)
    units = _organisation_terms(run, rows, "unit")
    titles: dict[tuple[str, str], str | None] = {}
    for row in rows:
        key = (str(row["membership"]), str(row["unit"]))
        if titles.get(key) is None:
            titles[key] = str(row["title"]) if "title" in row else None
    found = [
        Affiliation(title, units[unit], _chain(run, unit))
        for (_, unit), title in sorted(titles.items())
    ]
    return found


def _theme_entries(run: Runner, agent: URIRef) -> dict[str, list[ThemeEntry]]:
    """Level IRI → the agent's themes at that level, from themes-of and their details."""
    details: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"quotes": [], "evidence": [], "via": []}
    )
    for row in run.small(Q_ATTRIBUTIONS, agent=agent):
        detail = details[(str(row["theme"]), str(row["level"]))]
        direct = str(row["rule"]) not in ROLL_UPS
        if "quote" in row and direct and str(row["quote"]) not in detail["quotes"]:
            detail["quotes"].append(str(row["quote"]))
        if "evidence" in row and direct:
            term = run.term(row["evidence"])
            kind = EVIDENCE_KINDS.get(str(row.get("evidenceType", "")), "")
            if term is not None and all(t.iri != term.iri for _, t in detail["evidence"]):
                detail["evidence"].append((kind, term))
        if "from" in row and str(row["from"]) != str(row["theme"]):
            term = run.term(row["from"])
            if term is not None:
                detail["via"].append(term)
    levels: dict[str, list[ThemeEntry]] = defaultdict(list)
    for row in run.canned("themes-of", agent=str(agent)):
        theme, level = str(row["theme"]), str(row["level"])
        detail = details[(theme, level)]
        term = run.term(row["theme"])
        assert term is not None
        levels[level].append(
            ThemeEntry(
                term,
                quotes=detail["quotes"],
                evidence=sorted(detail["evidence"], key=lambda e: (e[0], _key(e[1].text))),
                via=_sorted(detail["via"]),
                rolled_up=bool(str(row.get("rolledUp", ""))),
                how=str(row.get("how", "")),
                members=_int(row.get("members")) or None,
                talks=_int(row.get("talks")) or None,
            )
        )
    return levels


def person_profile(run: Runner, person: URIRef) -> Profile:
    profile = Profile("person", affiliations=_affiliations(run, person))
    for row in run.canned("talks-of", person=str(person)):
        talk = run.term(row["talk"])
        assert talk is not None
        profile.talks.append(
            TalkEntry(
                talk,
                run.term(row.get("session")),
                _day(row.get("date")),
                themes=str(row.get("themes", "")),
            )
        )
    sessions: dict[str, SessionEntry] = {}
    for row in run.small(Q_SESSIONS_OF, person=person):
        iri = str(row["session"])
        if iri not in sessions:
            term = run.term(row["session"])
            assert term is not None
            sessions[iri] = SessionEntry(
                term, str(row["printed"]) if "printed" in row else None, _day(row.get("start"))
            )
        other = run.term(row.get("other"))
        if other is not None:
            sessions[iri].others.append(other)
    for entry in sessions.values():
        entry.others = _sorted(entry.others)
    profile.sessions = sorted(sessions.values(), key=lambda s: (s.date or "", s.session.text))
    profile.co_speakers = _sorted([o for s in profile.sessions for o in s.others])
    levels = _theme_entries(run, person)
    profile.own_work = _ordered(levels.get(OWN_WORK, []))
    own = {e.theme.iri for e in profile.own_work}
    # a theme of their own work is not repeated as session context
    profile.session_context = _ordered(
        [e for e in levels.get(SESSION_CONTEXT, []) if e.theme.iri not in own]
    )
    return profile


def _ordered(entries: list[ThemeEntry]) -> list[ThemeEntry]:
    """Themes stated directly first, then roll-ups; each group by name."""
    return sorted(entries, key=lambda e: (e.rolled_up, _key(e.theme.text)))


# --- theme --------------------------------------------------------------------------------------


def theme_profile(run: Runner, theme: URIRef) -> Profile:
    profile = Profile("theme")
    people: dict[tuple[str, str], PersonAnswer] = {}
    for row in run.canned("who-works-on", theme=str(theme), context="true"):
        level = str(row["level"])
        key = (level, str(row["person"]))
        if key not in people:
            person = run.term(row["person"])
            assert person is not None
            people[key] = PersonAnswer(person)
        answer = people[key]
        quote = str(row["quote"]) if "quote" in row else None
        if level == OWN_WORK and quote and quote not in answer.quotes:
            answer.quotes.append(quote)
        via = run.term(row.get("viaTheme"))
        if via is not None and via.iri != str(theme):
            answer.via.append(via)
        evidence = run.term(row.get("evidence"))
        if evidence is not None:
            answer.evidence.append(evidence)
    for answer in people.values():
        answer.via = _sorted(answer.via)
        answer.evidence = _sorted(answer.evidence)
        # the score of the person's link to the theme: distinct talks, roles or sessions
        answer.score = len(answer.evidence)

    def ranked(level: str) -> list[PersonAnswer]:
        found = [a for (lv, _), a in people.items() if lv == level]
        return sorted(found, key=lambda a: (-a.score, _key(a.person.text)))

    profile.people = ranked(OWN_WORK)
    profile.context_people = ranked(SESSION_CONTEXT)
    organisations: dict[str, OrganisationAnswer] = {}
    for row in run.small(Q_THEME_ORGANISATIONS, theme=theme):
        iri = str(row["organisation"])
        if iri not in organisations:
            term = run.term(row["organisation"])
            assert term is not None
            organisations[iri] = OrganisationAnswer(term)
        found = organisations[iri]
        found.members = max(found.members, _int(row.get("members")))
        found.talks = max(found.talks, _int(row.get("talks")))
        if str(row.get("rule")) == VG + "rule-org-suborg-theme":
            found.through_units = True
    profile.organisations = sorted(
        organisations.values(), key=lambda o: (-o.members, _key(o.organisation.text))
    )
    for row in run.small(Q_THEME_NEIGHBOURS, theme=theme):
        term = run.term(row["other"])
        assert term is not None
        (profile.narrower if str(row["relation"]) == "narrower" else profile.broader).append(term)
    profile.narrower, profile.broader = _sorted(profile.narrower), _sorted(profile.broader)
    return profile


# --- session ------------------------------------------------------------------------------------


def session_profile(run: Runner, session: URIRef) -> Profile:
    profile = Profile("session")
    for row in run.small(Q_SESSION, session=session):
        profile.printed_date = profile.printed_date or _text(row.get("printed"))
        profile.weekday = profile.weekday or _text(row.get("weekday"))
        profile.start = profile.start or _text(row.get("start"))
        profile.end = profile.end or _text(row.get("end"))
        profile.number = profile.number or _text(row.get("number"))
        profile.cycle = profile.cycle or run.term(row.get("cycle"))
    profile.read_date = _read_date(profile.start, profile.end)
    speakers: dict[str, Speaker] = {}
    for row in run.canned("speakers-of", session=str(session)):
        iri = str(row["speaker"])
        if iri not in speakers:
            person = run.term(row["speaker"])
            assert person is not None
            speakers[iri] = Speaker(person)
        speaker = speakers[iri]
        title = _text(row.get("printedTitle"))
        organisation = run.term(row.get("organisation"))
        if (title or organisation) and (title, organisation) not in speaker.affiliations:
            speaker.affiliations.append((title, organisation))
        talk = run.term(row.get("talk"))
        if talk is not None:
            speaker.talks = _unique([*speaker.talks, talk])
    profile.speakers = sorted(speakers.values(), key=lambda s: _key(s.person.text))
    talks: dict[str, TalkEntry] = {}
    for row in run.small(Q_SESSION_TALKS, session=session):
        iri = str(row["talk"])
        if iri not in talks:
            talk = run.term(row["talk"])
            assert talk is not None
            talks[iri] = TalkEntry(talk)
        presenter = run.term(row.get("presenter"))
        if presenter is not None:
            talks[iri].presenters = _unique([*talks[iri].presenters, presenter])
    profile.talks = sorted(talks.values(), key=lambda t: _key(t.talk.text))
    profile.themes = _subjects(run, session)
    return profile


def _read_date(start: str | None, end: str | None) -> str | None:
    """`2023-02-16, 09:00–10:30 (+01:00)` from xsd:dateTime values; a date alone as it is."""
    if not start:
        return None
    day, _, time = start.partition("T")
    if not time:
        return day if not end or end == start else f"{day} – {end}"
    clock, offset = time[:5], time[8:].lstrip(".0123456789")
    text = f"{day}, {clock}"
    if end and end.startswith(day + "T"):
        text += f"–{end[11:16]}"
    elif end:
        text += f" – {end}"
    return f"{text} ({offset})" if offset else text


def _subjects(run: Runner, resource: URIRef) -> list[Term]:
    rows = run.small(Q_SUBJECTS, x=resource)
    terms = [run.term(row["theme"]) for row in rows]
    return _sorted([t for t in terms if t is not None])


def _text(value: Identifier | None) -> str | None:
    return str(value) if value is not None else None


# --- talk ---------------------------------------------------------------------------------------


def talk_profile(run: Runner, talk: URIRef) -> Profile:
    profile = Profile("talk")
    sessions: dict[str, SessionEntry] = {}
    themes: dict[str, ThemeEntry] = {}
    for row in run.small(Q_TALK, talk=talk):
        if "presenter" in row:
            profile.presenters.append(_required(run.term(row["presenter"])))
        if "session" in row:
            iri = str(row["session"])
            sessions.setdefault(
                iri,
                SessionEntry(
                    _required(run.term(row["session"])),
                    _text(row.get("printed")),
                    _day(row.get("start")),
                ),
            )
        if "theme" in row:
            entry = themes.setdefault(
                str(row["theme"]), ThemeEntry(_required(run.term(row["theme"])))
            )
            if "quote" in row and str(row["quote"]) not in entry.quotes:
                entry.quotes.append(str(row["quote"]))
        if "studied" in row:
            profile.studies.append(_required(run.term(row["studied"])))
    profile.presenters = _sorted(profile.presenters)
    profile.studies = _sorted(profile.studies)
    profile.session_entries = list(sessions.values())
    profile.talk_themes = sorted(themes.values(), key=lambda e: _key(e.theme.text))
    return profile


def _required(term: Term | None) -> Term:
    assert term is not None
    return term


# --- organisation -------------------------------------------------------------------------------


def organisation_profile(run: Runner, organisation: URIRef) -> Profile:
    profile = Profile("org")
    members: dict[tuple[str, str], Member] = {}
    for row in run.canned("members-of", organisation=str(organisation)):
        key = (str(row["person"]), str(row.get("membership", row.get("unit", ""))))
        if key in members:
            continue
        person = run.term(row["person"])
        unit = run.term(row.get("unit"))
        assert person is not None and unit is not None
        members[key] = Member(person, _text(row.get("printedTitle")), unit, _int(row.get("depth")))
    profile.members = sorted(members.values(), key=lambda m: (m.depth, _key(m.person.text)))
    groups: dict[str, list[Term]] = defaultdict(list)
    for row in run.small(Q_ORG_RELATIVES, organisation=organisation):
        term = run.term(row["other"])
        assert term is not None
        groups[str(row["relation"])].append(term)
    profile.sub_organisations = _sorted(groups["sub"])
    profile.super_organisations = _sorted(groups["super"])
    profile.partners = _sorted(groups["partner"])
    themes = _theme_entries(run, organisation).get(OWN_WORK, [])
    profile.member_themes = sorted(
        themes, key=lambda e: (-(e.members or 0), -(e.talks or 0), _key(e.theme.text))
    )
    return profile


# --- which profile ------------------------------------------------------------------------------

PROFILES = (
    (PERSON, person_profile),
    (CONCEPT, theme_profile),
    (SESSION, session_profile),
    (ORGANISATION, organisation_profile),
    (TALK, talk_profile),
)


def profile_of(
    store: Store, settings: Any, linker: Linker, iri: str, types: set[str], language: str
) -> Profile | None:
    """The answer part of the page of `iri` (blocking: run in a thread), or None.

    None when the resource is of no kind with a profile, or when the canned queries cannot be
    read or a query runs past its deadline: the page then shows its facts only.
    """
    run = Runner(store, settings, linker, language)
    for class_iri, make in PROFILES:
        if class_iri in types:
            try:
                profile = make(run, URIRef(iri))
                profile.cut = run.cut
                return profile
            except (QueryError, QueryTimeout) as failed:
                LOG.warning("no answer part for %s: %s", iri, failed)
                return None
    return None


__all__ = ["Profile", "profile_of"]
