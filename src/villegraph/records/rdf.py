"""Make the triples of a checked curation file: its source, passages and records.

IRIs follow the project's pattern `{base}{kind}/{slug}`; a subject statement is
`{record}/subject/{theme}` and a passage `{base}source/{document}/l{start}[-{end}]`.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from villegraph.errors import InputError
from villegraph.records.dates import PRINTED_FORMS, XSD, day_of, iso_literal, parse_printed
from villegraph.records.problems import FieldPath, did_you_mean, field_error
from villegraph.records.quotes import Passage, SourceText, normalise
from villegraph.records.reading import YamlDocument
from villegraph.records.suggest import near
from villegraph.records.terms import ATTENDANCE, EVENT_STATUS, ORGANISATION_KINDS, term

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

SECTIONS: dict[str, str] = {
    "people": "person",
    "organisations": "org",
    "contacts": "contact",
    "places": "place",
    "programmes": "programme",
    "cycles": "event",
    "sessions": "event",
    "talks": "talk",
    "memberships": "membership",
}
"""Section of a curation file → the IRI kind of its records."""


@dataclass(frozen=True)
class Reference:
    """A reference to a resource the file does not define, for the loader to resolve."""

    iri: str
    kind: str
    slug: str
    path: FieldPath
    line: int | None


@dataclass
class Made:
    """What a curation file contributes."""

    triples: list[Triple] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    """References to resources defined elsewhere (other files, the thesaurus)."""
    defined: dict[str, FieldPath] = field(default_factory=dict)
    """IRI → the path of the record that defines it."""


class Maker:
    """Turns one checked curation file into triples; raises InputError at the first problem."""

    def __init__(
        self, document: YamlDocument, shown: Path | str, base_iri: str, source: SourceText
    ) -> None:
        self.document = document
        self.data: dict[str, Any] = document.data
        self.shown = shown
        self.base = base_iri
        self.source_text = source
        self.language: str = self.data["source"]["language"]
        self.doc = self.iri("source", self.data["source"]["id"])
        self.made = Made()
        self.passages: dict[str, Passage] = {}
        self.names: dict[str, str] = {}

    # --- helpers ---------------------------------------------------------------------------

    def error(self, path: FieldPath, message: str) -> InputError:
        return field_error(self.shown, self.document.line(path), path, message)

    def iri(self, kind: str, slug: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}{kind}/{slug}")

    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        self.made.triples.append((s, term(p), o))

    def plain(self, s: ox.NamedNode, p: str, value: str | None) -> None:
        if value is not None:
            self.add(s, p, ox.Literal(value))

    def text(self, s: ox.NamedNode, p: str, value: str | dict[str, str] | None) -> None:
        """Text in the source's language, or one literal per language of a map."""
        if value is None:
            return
        texts = value if isinstance(value, dict) else {self.language: value}
        for language, words in texts.items():
            self.add(s, p, ox.Literal(words, language=language))

    def source_language_text(self, value: str | dict[str, str]) -> str | None:
        return value if isinstance(value, str) else value.get(self.language)

    def date(self, s: ox.NamedNode, p: str, value: str | None, path: FieldPath) -> None:
        if value is None:
            return
        try:
            lexical, datatype = iso_literal(value)
        except ValueError as error:
            raise self.error(path, str(error)) from None
        self.add(s, p, ox.Literal(lexical, datatype=ox.NamedNode(datatype)))

    def typed(self, s: ox.NamedNode, p: str, value: int | None, datatype: str) -> None:
        if value is not None:
            self.add(s, p, ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype)))

    def ref(self, value: str, kinds: tuple[str, ...], path: FieldPath) -> ox.NamedNode:
        """The IRI a reference names: `slug` (of the field's first kind) or `kind/slug`."""
        kind, _, slug = value.rpartition("/")
        if not kind:
            kind = kinds[0]
        elif kind not in kinds:
            raise self.error(
                path, f"{value!r}: a {kind} cannot go here (expected {' or '.join(kinds)})"
            )
        iri = self.iri(kind, slug)
        if iri.value not in self.made.defined:
            self.made.references.append(
                Reference(iri.value, kind, slug, path, self.document.line(path))
            )
        return iri

    def refs(
        self, value: str | list[str] | None, kinds: tuple[str, ...], path: FieldPath
    ) -> list[ox.NamedNode]:
        if value is None:
            return []
        if isinstance(value, str):
            return [self.ref(value, kinds, path)]
        return [self.ref(item, kinds, (*path, index)) for index, item in enumerate(value)]

    def passage(self, quote: str, path: FieldPath) -> ox.NamedNode:
        """The passage a quote comes from (made once), or an error saying why there is none."""
        found = self.source_text.find(quote)
        if not found:
            nearest = self.source_text.nearest(quote)
            hint = f'; did you mean "{nearest[0]}" (line {nearest[1]})?' if nearest else ""
            raise self.error(path, f'"{_short(quote)}" is not in the source{hint}')
        if len(found) > 1:
            lines = ", ".join(p.slug[1:] for p in found)
            raise self.error(
                path,
                f'"{_short(quote)}" is in the source more than once (lines {lines}): '
                "quote more words",
            )
        passage = found[0]
        self.passages[passage.slug] = passage
        return ox.NamedNode(f"{self.doc.value}/{passage.slug}")

    def quotes(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> list[str]:
        """prov:wasDerivedFrom the passage of each quote of the record, and dcterms:source."""
        value = record["quote"]
        quotes = [value] if isinstance(value, str) else value
        for index, quote in enumerate(quotes):
            where = (*path, "quote") if isinstance(value, str) else (*path, "quote", index)
            self.add(s, "prov:wasDerivedFrom", self.passage(quote, where))
        self.add(s, "dcterms:source", self.doc)
        return quotes

    def themes(
        self, s: ox.NamedNode, items: list[Any] | None, path: FieldPath, *, subject: bool = True
    ) -> None:
        """dcterms:subject for each theme (if `subject`); a vg:SubjectStatement for each quoted
        one, with the quote word for word and its passage."""
        for index, item in enumerate(items or []):
            where = (*path, index)
            if isinstance(item, str):
                self.add(s, "dcterms:subject", self.ref(item, ("theme",), where))
                continue
            theme = self.ref(item["theme"], ("theme",), (*where, "theme"))
            if subject:
                self.add(s, "dcterms:subject", theme)
            statement = ox.NamedNode(f"{s.value}/subject/{theme.value.rsplit('/', 1)[1]}")
            self.add(s, "vg:subjectStatement", statement)
            self.add(statement, "rdf:type", term("vg:SubjectStatement"))
            self.add(statement, "rdf:type", term("prov:Entity"))
            self.add(statement, "vg:theme", theme)
            self.add(statement, "vg:quote", ox.Literal(normalise(item["quote"])))
            self.add(
                statement, "prov:wasDerivedFrom", self.passage(item["quote"], (*where, "quote"))
            )
            self.add(statement, "dcterms:source", self.doc)

    def types(self, s: ox.NamedNode, *names: str) -> None:
        for name in names:
            self.add(s, "rdf:type", term(name))

    # --- the file ----------------------------------------------------------------------------

    def make(self) -> Made:
        self.define()
        self.make_source()
        for section in SECTIONS:
            maker = getattr(self, "make_" + section)
            for index, record in enumerate(self.data.get(section) or []):
                path: FieldPath = (section, index)
                s = self.iri(SECTIONS[section], record["id"])
                maker(s, record, path)
                self.quotes(s, record, path)
        self.make_passages()
        return self.made

    def define(self) -> None:
        """Record every IRI the file defines; an id used twice for one kind is an error."""
        for section, kind in SECTIONS.items():
            for index, record in enumerate(self.data.get(section) or []):
                iri = self.iri(kind, record["id"]).value
                if iri in self.made.defined:
                    first = self.made.defined[iri]
                    raise self.error(
                        (section, index, "id"),
                        f"{record['id']!r} is already the id of {first[0]}[{first[1]}]",
                    )
                self.made.defined[iri] = (section, index)
                name = record.get("name") or record.get("title")
                if name is not None:
                    self.names[iri] = self.source_language_text(name) or record["id"]

    def make_source(self) -> None:
        source = self.data["source"]
        s, path = self.doc, ("source",)
        self.types(s, "foaf:Document", "prov:Entity")
        self.text(s, "dcterms:title", source["title"])
        self.text(s, "rdfs:label", source["label"])
        self.text(s, "dcterms:description", source.get("description"))
        self.plain(s, "dcterms:language", source["language"])
        media = source.get("format") or mimetypes.guess_type(source["file"])[0] or "text/plain"
        self.plain(s, "dcterms:format", media)
        self.plain(s, "vg:localCopy", source["file"])
        for publisher in self.refs(source.get("publisher"), ("org",), (*path, "publisher")):
            self.add(s, "dcterms:publisher", publisher)
        self.date(s, "dcterms:date", source.get("date"), (*path, "date"))
        if "url" in source:
            self.add(s, "schema:url", ox.NamedNode(source["url"]))
        if "licence" in source:
            self.add(s, "dcterms:license", ox.NamedNode(source["licence"]))

    def make_passages(self) -> None:
        for slug, passage in self.passages.items():
            s = ox.NamedNode(f"{self.doc.value}/{slug}")
            self.types(s, "vg:Passage", "prov:Entity")
            if passage.start == passage.end:
                labels = {"fr": f"ligne {passage.start}", "en": f"line {passage.start}"}
            else:
                labels = {
                    "fr": f"lignes {passage.start} à {passage.end}",
                    "en": f"lines {passage.start} to {passage.end}",
                }
            self.text(s, "rdfs:label", labels)
            self.add(s, "dcterms:isPartOf", self.doc)
            self.typed(s, "vg:startLine", passage.start, "positiveInteger")
            self.typed(s, "vg:endLine", passage.end, "positiveInteger")
            self.plain(s, "rdf:value", passage.text)

    def make_people(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "foaf:Person", "schema:Person")
        self.plain(s, "foaf:name", record["name"])
        self.plain(s, "rdfs:label", record["name"])
        self.plain(s, "foaf:givenName", record.get("given_name"))
        self.plain(s, "foaf:familyName", record.get("family_name"))

    def make_organisations(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "org:Organization", "foaf:Organization", *ORGANISATION_KINDS[record["kind"]])
        self.plain(s, "foaf:name", record["name"])
        self.plain(s, "rdfs:label", record["name"])
        for name in [record.get("acronym"), *record.get("other_names", [])]:
            self.plain(s, "skos:altLabel", name)
        if "identifier" in record:
            self.plain(s, "org:identifier", record["identifier"])
            self.plain(s, "dcterms:identifier", record["identifier"])
        self.text(s, "dcterms:description", record.get("description"))
        self.date(s, "schema:foundingDate", record.get("founded"), (*path, "founded"))
        if "homepage" in record:
            self.add(s, "foaf:homepage", ox.NamedNode(record["homepage"]))
        for contact in self.refs(record.get("contact"), ("contact",), (*path, "contact")):
            self.add(s, "schema:contactPoint", contact)
        for place in self.refs(record.get("area_served"), ("place",), (*path, "area_served")):
            self.add(s, "schema:areaServed", place)
        for parent in self.refs(record.get("parent"), ("org",), (*path, "parent")):
            self.add(s, "org:subOrganizationOf", parent)
            self.add(parent, "org:hasSubOrganization", s)
        for partner in self.refs(record.get("partners"), ("org",), (*path, "partners")):
            self.add(s, "vg:partnerOf", partner)
            self.add(partner, "vg:partnerOf", s)

    def make_contacts(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "schema:ContactPoint")
        self.text(s, "rdfs:label", record["label"])
        email = ox.Literal("mailto:" + record["email"], datatype=ox.NamedNode(XSD + "anyURI"))
        self.add(s, "schema:email", email)

    def make_places(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "schema:Place", "dcterms:Location")
        self.text(s, "rdfs:label", record["name"])
        name = self.source_language_text(record["name"])
        if name is not None:
            self.add(s, "schema:name", ox.Literal(name, language=self.language))

    def make_programmes(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "vg:Programme", "foaf:Project")
        self.text(s, "rdfs:label", record["title"])
        self.text(s, "dcterms:title", record["title"])
        self.text(s, "dcterms:description", record.get("description"))
        self.date(s, "schema:startDate", record.get("start"), (*path, "start"))
        self.date(s, "schema:endDate", record.get("end"), (*path, "end"))
        for agent in self.refs(record.get("associated_with"), ("org",), (*path, "associated_with")):
            self.add(s, "dcterms:creator", agent)
        for place in self.refs(record.get("location"), ("place",), (*path, "location")):
            self.add(s, "schema:location", place)
        self.themes(s, record.get("themes"), (*path, "themes"))

    def make_cycles(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "vg:WebinarSeries", "schema:EventSeries")
        self.titled(s, record)
        self.text(s, "skos:note", record.get("note"))
        self.typed(
            s, "vg:plannedSessionCount", record.get("planned_sessions"), "nonNegativeInteger"
        )
        for organiser in self.refs(record.get("organisers"), ("org",), (*path, "organisers")):
            self.add(s, "schema:organizer", organiser)
        if record.get("audience"):
            audience = ox.BlankNode()
            self.add(s, "schema:audience", audience)
            self.add(audience, "rdf:type", term("schema:Audience"))
            for kind in record["audience"]:
                self.add(audience, "schema:audienceType", ox.Literal(kind, language=self.language))
        self.attendance(s, record)
        self.themes(s, record.get("themes"), (*path, "themes"))

    def make_sessions(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "vg:Session", "schema:Event")
        self.titled(s, record)
        self.typed(s, "vg:sessionNumber", record.get("number"), "positiveInteger")
        self.typed(s, "vg:programmePosition", record.get("position"), "positiveInteger")
        self.plain(s, "vg:printedDate", record.get("printed_date"))
        if "printed_weekday" in record:
            self.add(
                s,
                "vg:printedWeekday",
                ox.Literal(record["printed_weekday"], language=self.language),
            )
        self.when(s, record, path)
        self.attendance(s, record)
        if "registration" in record:
            self.add(s, "vg:registrationPage", ox.NamedNode(record["registration"]))
        for speaker in self.refs(record.get("speakers"), ("person",), (*path, "speakers")):
            self.add(s, "vg:speaker", speaker)
        cycle = self.ref(record["cycle"], ("event",), (*path, "cycle"))
        self.add(s, "schema:superEvent", cycle)
        self.add(cycle, "schema:subEvent", s)
        self.themes(s, record.get("themes"), (*path, "themes"))

    def make_talks(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "vg:Talk", "schema:Event")
        self.titled(s, record)
        self.text(s, "dcterms:abstract", record.get("abstract"))
        for presenter in self.refs(record["presenter"], ("person",), (*path, "presenter")):
            self.add(s, "vg:presenter", presenter)
        session = self.ref(record["session"], ("event",), (*path, "session"))
        self.add(s, "schema:superEvent", session)
        self.add(session, "schema:subEvent", s)
        self.themes(s, record.get("themes"), (*path, "themes"))
        kinds = ("place", "programme", "org")
        for studied in self.refs(record.get("studies"), kinds, (*path, "studies")):
            self.add(s, "vg:studies", studied)

    def make_memberships(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        self.types(s, "org:Membership")
        person = self.ref(record["person"], ("person",), (*path, "person"))
        organisation = self.ref(record["organisation"], ("org",), (*path, "organisation"))
        title = record["printed_title"]
        quotes = record["quote"] if isinstance(record["quote"], list) else [record["quote"]]
        if not any(normalise(title) in normalise(quote) for quote in quotes):
            raise self.error((*path, "printed_title"), f"{title!r} is not in the quote")
        label = record.get("label")
        if label is None:
            parts = [self.names.get(person.value), title, self.names.get(organisation.value)]
            label = ", ".join(part for part in parts if part)
        self.text(s, "rdfs:label", label)
        self.add(s, "org:member", person)
        self.add(person, "org:hasMembership", s)
        self.add(s, "org:organization", organisation)
        for role in self.refs(record.get("role"), ("role",), (*path, "role")):
            self.add(s, "org:role", role)
        self.add(s, "vg:printedTitle", ox.Literal(title, language=self.language))
        self.date(s, "vg:attestedOn", record.get("attested_on"), (*path, "attested_on"))
        self.themes(s, record.get("themes"), (*path, "themes"), subject=False)

    # --- shared by events ----------------------------------------------------------------------

    def titled(self, s: ox.NamedNode, record: dict[str, Any]) -> None:
        self.text(s, "dcterms:title", record["title"])
        self.text(s, "rdfs:label", record["title"])
        self.text(s, "dcterms:description", record.get("description"))

    def attendance(self, s: ox.NamedNode, record: dict[str, Any]) -> None:
        if "attendance" in record:
            self.add(s, "schema:eventAttendanceMode", term(ATTENDANCE[record["attendance"]]))

    def when(self, s: ox.NamedNode, record: dict[str, Any], path: FieldPath) -> None:
        """Start, end and status of a session: the start as given, else as printed."""
        status = record.get("status", "scheduled")
        self.add(s, "schema:eventStatus", term(EVENT_STATUS[status]))
        printed, start = record.get("printed_date"), record.get("start")
        if status == "to-be-announced":
            if start is not None:
                raise self.error((*path, "start"), "a session to be announced has no start")
            return
        day = parse_printed(printed) if printed is not None else None
        if start is None:
            if printed is None:
                raise self.error((*path, "start"), "missing (or give printed_date)")
            if day is None:
                raise self.error(
                    (*path, "printed_date"),
                    f"{printed!r} does not parse as a date ({PRINTED_FORMS}): "
                    "give start:, or status: to-be-announced",
                )
            start = day.isoformat()
        self.date(s, "schema:startDate", start, (*path, "start"))
        if day is not None and day_of(start) != day:
            raise self.error(
                (*path, "start"), f"{start!r} is not the printed date {printed!r} ({day})"
            )
        self.date(s, "schema:endDate", record.get("end"), (*path, "end"))


def _short(text: str, limit: int = 80) -> str:
    text = normalise(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unknown_reference(reference: Reference, candidates: list[str], shown: Path | str) -> InputError:
    """`shown:line: field: no <kind> 'slug'; did you mean …?`."""
    hint = did_you_mean(near(reference.slug, candidates))
    return field_error(
        shown, reference.line, reference.path, f"no {reference.kind} {reference.slug!r}{hint}"
    )


__all__ = ["SECTIONS", "Made", "Maker", "Reference", "Triple", "unknown_reference"]
