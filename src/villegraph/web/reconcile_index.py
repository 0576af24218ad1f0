"""What `/reconcile` matches against: the entities of the reconcilable types, their names, types,
short descriptions and property values, and the scoring of a query against them.

Names come from the site search index (`web/search.py`: names, labels, alternative labels and
acronyms, identifiers, folded by `folding.fold`), plus each person's `foaf:familyName`, so that a
spreadsheet of surnames matches. The index is read once per served build, like the search index.

Scoring (0–100, rapidfuzz on folded text, so accents and case never count):

- the name score is the best score of the query against any of the entity's names (`SCORERS`:
  `WRatio`, or 0.9 × `token_set_ratio` when every word of the query is in the name); the
  entity's id or IRI given as the query scores 100;
- each property constraint scores the best match of its values against the entity's values
  (100 for the same entity, given by id or IRI; `WRatio` against the labels otherwise, counted
  from `PROPERTY_FIT` up; 0 when nothing fits or the entity has no value); with constraints
  the score is `0.75 · name + 0.25 · mean(constraints)`, without a query string their mean;
- candidates under `MIN_SCORE` are left out; `match` is true only for the first candidate when it
  scores at least `MATCH_SCORE` and leads the next one by `MATCH_MARGIN`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rdflib import Literal, URIRef

from villegraph.folding import fold
from villegraph.namespaces import ONTOLOGY_IRI
from villegraph.store import Store
from villegraph.web.cache import PerBuild
from villegraph.web.pages import pick_label
from villegraph.web.search import index_for

VG = ONTOLOGY_IRI + "#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"

MIN_SCORE = 70.0
MATCH_SCORE = 95.0
MATCH_MARGIN = 10.0
NAME_WEIGHT = 0.75
NAME_CUTOFF = MIN_SCORE * NAME_WEIGHT
"""Below it a name cannot reach `MIN_SCORE`, even with every property constraint met."""
PROPERTY_FIT = 80.0
"""A value less similar than this to the one asked for does not fit at all (scores 0)."""
SCORERS = ((fuzz.WRatio, 1.0), (fuzz.token_set_ratio, 0.9))
"""Name scorers and their weights: the best weighted score counts. `token_set_ratio` scores
100 when every word of the query is a word of the name, so "Centre" finds both centres at 90
however long their names (`WRatio` scales a short query against a long name down to 60)."""


@dataclass(frozen=True)
class Type:
    """A type of the service: a class of the data, its names and its broader type."""

    iri: str
    en: str
    fr: str
    broader: str | None = None

    def name(self, language: str) -> str:
        return self.en if language == "en" else self.fr


TYPES: tuple[Type, ...] = (
    Type(FOAF + "Person", "person", "personne"),
    Type(ORG + "Organization", "organisation", "organisation"),
    Type(VG + "ResearchUnit", "research unit", "unité de recherche", ORG + "Organization"),
    Type(
        VG + "HigherEducationInstitution",
        "higher education institution",
        "établissement d'enseignement supérieur",
        ORG + "Organization",
    ),
    Type(
        VG + "ResearchOrganisation",
        "research organisation",
        "organisme de recherche",
        ORG + "Organization",
    ),
    Type(VG + "PublicAuthority", "public authority", "autorité publique", ORG + "Organization"),
    Type(VG + "Chair", "chair", "chaire", ORG + "Organization"),
    Type(SKOS + "Concept", "theme or role", "thème ou rôle"),
    Type(VG + "WebinarSeries", "webinar series", "cycle de webinaires"),
    Type(VG + "Session", "session", "séance"),
    Type(VG + "Talk", "talk", "communication"),
    Type(SCHEMA + "Place", "place", "lieu"),
    Type(VG + "Programme", "programme", "programme"),
)
"""The classes of the ontology and data that curators reconcile against, in the order shown."""
TYPE_BY_IRI = {t.iri: t for t in TYPES}
DEFAULT_TYPES = (FOAF + "Person", ORG + "Organization", SKOS + "Concept", VG + "Session")


@dataclass(frozen=True)
class Property:
    """A property curators can constrain a query with: its id, names, types and SPARQL path."""

    id: str
    en: str
    fr: str
    description: str
    types: tuple[str, ...]
    path: str
    value_type: str | None = None
    """The type of the entities it links to (data extension's `meta`), when they have one."""

    def name(self, language: str) -> str:
        return self.en if language == "en" else self.fr


PROPERTIES: tuple[Property, ...] = (
    Property(
        "affiliation",
        "affiliation",
        "affiliation",
        "an organisation the person is a member of, or any organisation it belongs to "
        "(name, acronym, id or IRI)",
        (FOAF + "Person",),
        f"<{ORG}hasMembership>/<{ORG}organization>/<{ORG}subOrganizationOf>*",
        ORG + "Organization",
    ),
    Property(
        "role",
        "role",
        "rôle",
        "the person's title as printed, or their role",
        (FOAF + "Person",),
        f"<{ORG}hasMembership>/(<{VG}printedTitle>|<{ORG}role>)",
    ),
    Property(
        "acronym",
        "acronym or other name",
        "sigle ou autre nom",
        "an acronym or alternative name of the organisation (skos:altLabel)",
        (ORG + "Organization",),
        f"<{SKOS}altLabel>",
    ),
    Property(
        "identifier",
        "identifier",
        "identifiant",
        "the organisation's identifier as printed, e.g. UMR 9217 (org:identifier)",
        (ORG + "Organization",),
        f"<{ORG}identifier>|<{DCTERMS}identifier>",
    ),
    Property(
        "parent",
        "part of",
        "fait partie de",
        "an organisation this one belongs to, at any depth (org:subOrganizationOf)",
        (ORG + "Organization",),
        f"<{ORG}subOrganizationOf>+",
        ORG + "Organization",
    ),
    Property(
        "broader",
        "broader theme",
        "thème plus large",
        "a broader theme, at any depth (skos:broader)",
        (SKOS + "Concept",),
        f"<{SKOS}broader>+",
        SKOS + "Concept",
    ),
    Property(
        "speaker",
        "speaker",
        "intervenant",
        "a person who speaks in the session or gives the talk",
        (VG + "Session", VG + "Talk"),
        f"<{VG}speaker>|<{VG}presenter>",
        FOAF + "Person",
    ),
)
PROPERTY_BY_ID = {p.id: p for p in PROPERTIES}

Q_TYPES = (
    "SELECT DISTINCT ?x ?t WHERE { VALUES ?t { "
    + " ".join(f"<{t.iri}>" for t in TYPES)
    + " } ?x a ?t FILTER(isIRI(?x)) }"
)
Q_FAMILY = f"SELECT ?x ?name WHERE {{ ?x <{FOAF}familyName> ?name FILTER(isLiteral(?name)) }}"
Q_MEMBERSHIPS = f"""SELECT ?x ?org ?title WHERE {{
  ?x <{ORG}hasMembership> ?m . ?m <{ORG}organization> ?org .
  OPTIONAL {{ ?m <{VG}printedTitle> ?title }} }}"""
Q_PARENTS = f"SELECT ?x ?parent WHERE {{ ?x <{ORG}subOrganizationOf>|<{SKOS}broader> ?parent }}"


@dataclass(frozen=True)
class Value:
    """One value of a property: the resource it names (if any), its folded texts, and the
    literal as written (for data extension; a resource is shown by its label)."""

    iri: str | None
    texts: tuple[str, ...]
    literal: str = ""


@dataclass
class Entity:
    """A reconcilable resource."""

    iri: str
    id: str
    names: list[Literal] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """Folded names to match against."""
    types: list[str] = field(default_factory=list)
    values: dict[str, list[Value]] = field(default_factory=dict)
    memberships: list[tuple[str, str | None]] = field(default_factory=list)
    """(organisation IRI, printed title) for a person; (parent IRI, None) for others."""

    def label(self, language: str) -> str:
        return pick_label(self.names, language) or self.id


@dataclass
class Index:
    """Every reconcilable entity by IRI, and the folded texts of every labelled IRI."""

    base_iri: str
    entities: dict[str, Entity]
    labels: dict[str, list[Literal]]

    def entity(self, identifier: str) -> Entity | None:
        """The entity an id (`person/x`) or a full IRI names."""
        if not identifier:
            return None
        found = self.entities.get(identifier)
        return found or self.entities.get(self.base_iri + identifier.lstrip("/"))

    def iri_of(self, identifier: str) -> str | None:
        """The IRI of the data an id or IRI names (an entity or any labelled resource)."""
        if not identifier:
            return None
        for iri in (identifier, self.base_iri + identifier.lstrip("/")):
            if iri in self.entities or iri in self.labels:
                return iri
        return None

    def of_types(self, types: Sequence[str], every: bool = False) -> list[Entity]:
        """The entities of any (or, with `every`, all) of `types`; every entity without types."""
        if not types:
            return list(self.entities.values())
        wanted = set(types)
        if every:
            return [e for e in self.entities.values() if wanted <= set(e.types)]
        return [e for e in self.entities.values() if wanted & set(e.types)]

    def label(self, iri: str, language: str) -> str:
        return pick_label(self.labels.get(iri, []), language) or iri

    def description(self, entity: Entity, language: str) -> str:
        """A short text telling namesakes apart: memberships, parents, or the type."""
        parts = []
        for other, title in entity.memberships:
            name = self.label(other, language)
            parts.append(f"{title}, {name}" if title else name)
        kinds = [TYPE_BY_IRI[t].name(language) for t in entity.types if t in TYPE_BY_IRI]
        head = kinds[-1] if kinds else ""
        if not parts:
            return head
        joiner = " ; " if language == "fr" else "; "
        return f"{head} — {joiner.join(sorted(set(parts)))}" if head else joiner.join(parts)


def build_index(store: Store, base_iri: str) -> Index:
    """Read the reconcilable entities and their property values (blocking)."""
    search_entries = {entry.iri: entry for entry in index_for(store, base_iri)}
    labels = {
        iri: entry.names or [Literal(t[1]) for t in entry.texts[:1]]
        for iri, entry in search_entries.items()
    }
    entities: dict[str, Entity] = {}
    for x, t in store.select(Q_TYPES).rows:
        iri = str(x)
        if not iri.startswith(base_iri):
            continue
        entity = entities.get(iri)
        if entity is None:
            entry = search_entries.get(iri)
            entity = entities[iri] = Entity(iri, iri[len(base_iri) :])
            if entry is not None:
                entity.names = list(entry.names) or [Literal(entry.texts[0][1])]
                entity.texts = [folded for folded, _ in entry.texts]
        entity.types.append(str(t))
    for entity in entities.values():
        entity.types.sort(key=lambda iri: [t.iri for t in TYPES].index(iri))
    for x, name in store.select(Q_FAMILY).rows:
        entity = entities.get(str(x))
        if entity is not None and fold(str(name)) not in entity.texts:
            entity.texts.append(fold(str(name)))
    for x, org, title in store.select(Q_MEMBERSHIPS).rows:
        if str(x) in entities:
            entities[str(x)].memberships.append((str(org), str(title) if title else None))
    for x, parent in store.select(Q_PARENTS).rows:
        if str(x) in entities:
            entities[str(x)].memberships.append((str(parent), None))

    def texts_of(node: object) -> tuple[str, ...]:
        if isinstance(node, URIRef):
            entry = search_entries.get(str(node))
            return tuple(folded for folded, _ in entry.texts) if entry else ()
        return (fold(str(node)),)

    for prop in PROPERTIES:
        query = f"SELECT DISTINCT ?x ?v WHERE {{ ?x {prop.path} ?v }}"
        for x, v in store.select(query).rows:
            entity = entities.get(str(x))
            if entity is None or not set(prop.types) & set(entity.types):
                continue
            if isinstance(v, URIRef):
                value = Value(str(v), texts_of(v))
            else:
                value = Value(None, texts_of(v), str(v))
            entity.values.setdefault(prop.id, []).append(value)
    return Index(base_iri, entities, labels)


index_of = PerBuild(build_index)
"""The index of the served build, read once per store folder (as the search index is)."""


@dataclass(frozen=True)
class Constraint:
    """A property constraint of a query: the property and the values asked for."""

    property: Property
    values: tuple[str, ...]
    """Each value as text (an id, an IRI, a name, a number)."""


@dataclass(frozen=True)
class Scored:
    """A candidate with its score and whether it is a certain match."""

    entity: Entity
    score: float
    match: bool = False


def name_scores(query: str, entities: Sequence[Entity], index: Index) -> dict[str, float]:
    """Entity IRI → best name score of `query` against its names (see the module docstring)."""
    wanted = fold(query)
    if not wanted:
        return {}
    choices: list[str] = []
    owners: list[str] = []
    for entity in entities:
        for text in entity.texts:
            choices.append(text)
            owners.append(entity.iri)
    scores: dict[str, float] = {}
    for scorer, weight in SCORERS:
        for _, score, position in process.extract(
            wanted, choices, scorer=scorer, limit=None, score_cutoff=NAME_CUTOFF / weight
        ):
            owner = owners[position]
            scores[owner] = max(scores.get(owner, 0.0), weight * float(score))
    named = index.entity(query.strip())
    if named is not None and any(entity.iri == named.iri for entity in entities):
        scores[named.iri] = 100.0
    return scores


def constraint_score(entity: Entity, constraint: Constraint, index: Index) -> float:
    """How well the entity's values of the property fit the values asked for (0–100)."""
    values = entity.values.get(constraint.property.id, [])
    best = 0.0
    for given in constraint.values:
        named = index.iri_of(given.strip())
        wanted = fold(given)
        for value in values:
            if named is not None:
                if value.iri == named:
                    return 100.0
                continue
            for text in value.texts:
                similarity = float(fuzz.WRatio(wanted, text)) if wanted else 0.0
                if similarity >= PROPERTY_FIT:
                    best = max(best, similarity)
    return best


def rank(
    index: Index,
    query: str,
    types: Sequence[str],
    every_type: bool,
    constraints: Sequence[Constraint],
    limit: int,
) -> list[Scored]:
    """The candidates for one query, best first (see the module docstring)."""
    pool = index.of_types(types, every_type)
    if fold(query):
        names = name_scores(query, pool, index)
        pool = [entity for entity in pool if entity.iri in names]
    elif constraints:
        names = {}
    else:
        return []
    scored = []
    for entity in pool:
        fits = [constraint_score(entity, c, index) for c in constraints]
        if entity.iri in names:
            score = names[entity.iri]
            if fits:
                score = NAME_WEIGHT * score + (1 - NAME_WEIGHT) * sum(fits) / len(fits)
        else:
            score = sum(fits) / len(fits)
        if score >= MIN_SCORE:
            scored.append(Scored(entity, round(score, 2)))
    scored.sort(key=lambda s: (-s.score, s.entity.iri))
    scored = scored[:limit]
    if scored:
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        first = scored[0]
        if first.score >= MATCH_SCORE and first.score - runner_up >= MATCH_MARGIN:
            scored[0] = Scored(first.entity, first.score, True)
    return scored


def suggest(index: Index, prefix: str, types: Sequence[str], language: str) -> list[Entity]:
    """Entities whose names start with `prefix` (folded) at a word, shortest names first."""
    wanted = fold(prefix)
    if not wanted:
        return []
    found = []
    for entity in index.of_types(types):
        best = None
        for text in entity.texts:
            if text.startswith(wanted):
                rank_ = 0
            elif f" {wanted}" in f" {text.replace('-', ' ')}":
                rank_ = 1
            else:
                continue
            key = (rank_, len(text))
            best = key if best is None or key < best else best
        if best is not None or entity.id == prefix.strip() or entity.iri == prefix.strip():
            found.append(((best or (-1, 0)), entity.label(language), entity))
    found.sort(key=lambda item: (item[0], item[1], item[2].iri))
    return [entity for _, _, entity in found]


__all__ = [
    "DEFAULT_TYPES",
    "PROPERTIES",
    "PROPERTY_BY_ID",
    "TYPES",
    "TYPE_BY_IRI",
    "Constraint",
    "Entity",
    "Index",
    "Property",
    "Scored",
    "Type",
    "build_index",
    "index_of",
    "rank",
    "suggest",
]
