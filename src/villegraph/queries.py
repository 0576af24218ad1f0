"""The catalogue of canned queries (`queries/*.rq`), their parameters, and how they are bound.

Each `.rq` file is valid SPARQL that starts with a header of `#+` comment lines::

    #+ title: Who works on a theme
    #+ description: People linked to a theme or any narrower theme.
    #+ param: theme (iri) the theme
    #+ param: lang (lang=fr) language of the labels
    #+ param: person (iri? foaf:Person) optional: leave out to query every person
    #+ param: context (boolean=false) also list session context
    #+ empty: nobody works on this theme in their own talks or roles; try context=true
    #+ title@fr: Qui travaille sur un thème
    #+ description@fr: Les personnes liées à un thème ou à un thème plus étroit.
    #+ page: 100

Lines without a language tag are English; `title@fr`, `description@fr` and `empty@fr` give the
French (`CannedQuery.title_in`, `description_in`, `empty_in`). `#+ page: N` makes a paged query:
its text has one `LIMIT N` (in the query or in the sub-SELECT that opens its WHERE group), and
it gets two parameters, `limit` (default N) and `offset` (default 0), that `run_canned` writes
there as `LIMIT limit+1 OFFSET offset`: one row more than the page tells whether more follow,
and a cut page carries a note saying so and where the next page starts (`CannedResult`).

A parameter is `NAME (KIND) DESCRIPTION`, KIND one of `iri`, `string`, `lang`, `integer`,
`date`, `boolean` (true/false, yes/no, 1/0); `(KIND=VALUE)` gives a default, `(KIND?)` makes it
optional (left unbound when absent). Every parameter is a variable of the query's outer WHERE
group and of its projection. An `iri` parameter may name the classes its value must have, as
prefixed names after the kind, alternatives joined by `|` (`(iri skos:Concept)`,
`(iri foaf:Person|org:Organization)`, `(iri=event/x vg:WebinarSeries)`), and a concept the scheme
it must be in (`(iri skos:Concept in theme/scheme)`: a role concept is no theme): `run_canned`
then checks with one small SELECT through the Store that the resource exists with one of them
(and in the scheme), accepts a
label instead of an IRI (`theme="participation citoyenne"`: rdfs:label, skos:prefLabel,
skos:altLabel or foaf:name, in any language, accents and case aside, acronyms included), and
otherwise fails with `UnknownResource` listing the closest resources by label. `#+ empty:` is
the note a run with no row carries (`SelectResult.notes`), so an empty answer is never silent.

A paged query may declare a reach pass, `#+ reach: VAR`, written beside it as `NAME.reach.rq`
(plain SPARQL, no header; the catalogue lists no `*.reach.rq` as a query of its own): a cheap
SELECT whose rows follow the page's order, one row per value of `?VAR` and sort key, with the
value, `?rows` (a lower bound of the rows the query yields for it with that key: count what
every row has, never what an OPTIONAL adds) and the key (every other column, computed exactly as
the query computes it). `run_canned` runs it first, with the same parameters bound, keeps the
values the page can draw from (`villegraph.reach`: until the bounds add up to offset + limit + 1,
then every value whose key ties with the last kept one) and runs the query with them as a
multi-row `VALUES ?VAR { … }` where its parameters are bound: it then orders only their rows,
and the page is the same. When the pass runs out before the page is reached, the query is run
whole. Only SPARQL: the same on every store.

`#+ reach-index: PARAM` beside it lets a store that cannot change (loaded from a build) keep the
pass's rows for every value of the iri parameter PARAM: it runs the pass once with PARAM left
unbound (projected, so that each row says its value) and the other parameters the pass names
bound, and reads a page's rows from that (`villegraph.indexes.ReachIndex`). The pass names no
other parameter than booleans (an index per value of those). `who-works-on` is one: its pass,
run for each page, cost what the page did (every attribution of the theme ordered by score).

Writing a canned query: use a parameter only where the outer group's bindings reach it — in
the outer group's triple patterns, BINDs and FILTERs, or in the FILTER of an OPTIONAL placed
directly in the outer group. Not inside a nested group or a sub-SELECT: pyoxigraph's
substitutions replace the variable everywhere, while a VALUES block (remote endpoints) follows
SPARQL's scoping, and the two would disagree. Minted IRIs are never written in a query (they
change with the base IRI): they come in as parameters, with defaults resolved against the base.
For the same answers on Virtuoso 7: start every transitive path (`p*`, `p+`) from a variable
that a plain triple pattern or a parameter binds; no EXISTS inside BIND (use an OPTIONAL with a
VALUES table); no IF over aggregates (aggregate a per-row value instead).

A query whose outer WHERE group opens with a sub-SELECT (`WHERE { { SELECT … } … }`, used to
order and cut a page before the labels are looked up) has its parameters bound at the start of
that sub-SELECT's WHERE group instead (of the innermost, when that group opens with a
sub-SELECT in turn): each sub-SELECT on the way must then project every parameter, so the
outer groups see them bound as well.

A store that cannot change (loaded from a build) may narrow two kinds of query with its indexes
(`villegraph.indexes`) before answering them; the text stays plain SPARQL for every other store:

- `#+ label-index: rdfs:label skos:prefLabel …` — the query takes a required string parameter
  `text`, finds `?resource PROPERTY ?label` for those properties with
  `CONTAINS(LCASE(?label), LCASE(?text))`, orders by `STRLEN(STR(?label)) ?label` first and ends
  with one `LIMIT N` (not paged). `search` is one.
- `#+ pair-index: PROPERTY SUBJECT OTHER COUNT LEAST` — a paged query of the subjects ?OTHER
  sharing objects of PROPERTY with the one the iri parameter SUBJECT names, counted as ?COUNT,
  at least the integer parameter LEAST of them, ordered by `DESC(?COUNT)` then ?OTHER.
  `shared-themes` is one.

`run_canned` then runs the text on the resources the index names (`narrowed`) and keeps the
answer only when it is provably the same as the plain query's; otherwise it runs the plain text.

Values are given as strings (`key=value` on the command line, form fields on the web) and
parsed into rdflib terms. An `iri` value may be a full IRI (`https://…` or `<https://…>`), a
prefixed name with a known prefix (`vgr:theme/smart-city`), or a path relative to the base IRI
(`theme/smart-city`, resolved to `{base}theme/smart-city`).

Bindings are applied by the store (pyoxigraph substitutions), or, for a remote endpoint, by
`bind_values`, which writes a `VALUES` block at the start of the outer WHERE group with the terms
in N-Triples syntax — user input is never formatted into SPARQL text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from villegraph import lexer
from villegraph.errors import QueryError, UnknownResource, UsageError
from villegraph.folding import fold_words
from villegraph.indexes import needs_store
from villegraph.namespaces import DEFAULT_BASE_IRI, PREFIXES, prefixes_for
from villegraph.reach import MAX_VALUES, ROWS, reach_values
from villegraph.store import SelectResult
from villegraph.terms import escape_string

if TYPE_CHECKING:
    from villegraph.store import Store

PARAM_KINDS = ("iri", "string", "lang", "integer", "date", "boolean")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CURIE = r"[A-Za-z][\w.-]*:[A-Za-z_][\w.-]*"
_PARAM_LINE = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"\(\s*(?P<kind>[a-z]+)\s*(?:(?P<optional>\?)|=\s*(?P<default>[^)]*?))?"
    rf"(?:\s+(?P<classes>{_CURIE}(?:\|{_CURIE})*)(?:\s+in\s+(?P<scheme>[^\s)]+))?)?\s*\)"
    r"\s*(?P<description>.*)\Z"
)
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}
_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}\Z")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+\Z")
_PREFIXED = re.compile(r"(?P<prefix>[A-Za-z][A-Za-z0-9_\-]*)?:(?P<local>\S*)\Z")
_SLUG_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~\-]*(/[A-Za-z0-9._~\-]+)*/?\Z")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a canned query."""

    name: str
    kind: str
    description: str = ""
    default: str | None = None
    optional: bool = False
    classes: tuple[str, ...] = ()
    """Full IRIs of the classes an `iri` value must have one of (empty: not checked)."""
    scheme: str | None = None
    """For a `skos:Concept` parameter: the full IRI of the concept scheme its value must be in
    (`skos:inScheme`); a concept of another scheme is the wrong kind of resource."""
    paging: bool = False
    """`limit` or `offset` of a paged query: written into its LIMIT clause, not bound."""

    @property
    def required(self) -> bool:
        """True when a value must be given (no default, not optional)."""
        return self.default is None and not self.optional

    def parse(self, raw: str, base_iri: str = DEFAULT_BASE_IRI) -> Identifier:
        """The rdflib term for a raw string value; QueryError naming the parameter if invalid.

        An `iri` parameter with declared classes takes a label too: a value that is no IRI
        comes back as a plain Literal, for `resolve_resources` to look up.
        """
        value = raw.strip()
        try:
            return _PARSERS[self.kind](value, base_iri)
        except ValueError as error:
            if self.kind == "iri" and self.classes and value:
                return Literal(value)
            raise QueryError(f"parameter {self.name!r}: {error}") from None


def _parse_iri(value: str, base_iri: str) -> URIRef:
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if not value:
        raise ValueError("an IRI is required, got an empty value")
    match = _PREFIXED.match(value)
    prefixes = prefixes_for(base_iri)
    if match and (match["prefix"] or "") in prefixes:
        iri = prefixes[match["prefix"] or ""] + match["local"]
    elif value.startswith(("http://", "https://", "urn:", "mailto:")) or (
        _ABSOLUTE_IRI.match(value) and not _SLUG_PATH.match(value)
    ):
        iri = value
    elif _SLUG_PATH.match(value):
        iri = base_iri + value
    else:
        raise ValueError(
            f"{value!r} is not an IRI, a prefixed name or a path like theme/smart-city"
        )
    if _IRI_FORBIDDEN.search(iri):
        raise ValueError(f"{value!r} is not a valid IRI (spaces, quotes or <>{{}}|^`\\ inside)")
    if not _ABSOLUTE_IRI.match(iri):
        raise ValueError(f"{value!r} is not an absolute IRI")
    return URIRef(iri)


def resolve_iri(value: str, base_iri: str = DEFAULT_BASE_IRI, what: str = "IRI") -> URIRef:
    """A full IRI from a full IRI, a prefixed name (`vgr:org/psl`) or a path (`org/psl`).

    The same forms as an `iri` parameter; UsageError naming `what` when it is none of them.
    """
    try:
        return _parse_iri(value.strip(), base_iri)
    except ValueError as error:
        raise UsageError(f"{what}: {error}") from None


def _parse_string(value: str, _base: str) -> Literal:
    return Literal(value)


def _parse_lang(value: str, _base: str) -> Literal:
    if not _LANG.match(value):
        raise ValueError(f"{value!r} is not a language tag like fr or en")
    return Literal(value.lower())


def _parse_integer(value: str, _base: str) -> Literal:
    if not _INTEGER.match(value):
        raise ValueError(f"{value!r} is not an integer")
    return Literal(str(int(value)), datatype=XSD.integer)


def _parse_date(value: str, _base: str) -> Literal:
    if not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date like 2023-02-16")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid calendar date") from None
    return Literal(value, datatype=XSD.date)


def _parse_boolean(value: str, _base: str) -> Literal:
    lowered = value.lower()
    if lowered not in _TRUE | _FALSE:
        raise ValueError(f"{value!r} is not a boolean: true or false")
    return Literal(lowered in _TRUE)


_PARSERS = {
    "iri": _parse_iri,
    "string": _parse_string,
    "lang": _parse_lang,
    "integer": _parse_integer,
    "date": _parse_date,
    "boolean": _parse_boolean,
}


@dataclass(frozen=True)
class CannedQuery:
    """A named SPARQL query of the catalogue, with its header."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None
    base_iri: str = DEFAULT_BASE_IRI
    empty: str = ""
    """The note carried by a run that returns no row (`#+ empty:`)."""
    page: int | None = None
    """Default page size of a paged query (`#+ page: N`), None when not paged."""
    translations: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(key, language) → text of the header lines written in another language than English."""
    reach: str | None = None
    """The reach variable of a paged query (`#+ reach: VAR`), None without a reach pass."""
    reach_text: str = ""
    """The reach pass (`NAME.reach.rq`) when `reach` is set."""
    label_index: tuple[str, ...] = ()
    """Full IRIs of the label properties a store's text index may narrow the query by
    (`#+ label-index:`), empty when it may not."""
    pair_index: PairIndexUse | None = None
    """How a store's index of one property's links may narrow the query (`#+ pair-index:`)."""
    reach_index: str | None = None
    """The parameter a store may leave unbound to keep the reach pass's rows for all its values
    (`#+ reach-index: PARAM`), None when it may not."""

    def title_in(self, language: str) -> tuple[str, str]:
        """The title in `language` if written, else the English one; with its language."""
        return self._in("title", self.title, language)

    def description_in(self, language: str) -> tuple[str, str]:
        """The description in `language` if written, else the English one; with its language."""
        return self._in("description", self.description, language)

    def empty_in(self, language: str) -> str:
        """The note of an empty answer in `language` if written, else the English one."""
        return self._in("empty", self.empty, language)[0]

    def _in(self, key: str, english: str, language: str) -> tuple[str, str]:
        text = self.translations.get((key, language.lower()))
        return (text, language.lower()) if text else (english, "en")

    @classmethod
    def from_text(
        cls,
        name: str,
        text: str,
        *,
        path: Path | None = None,
        base_iri: str = DEFAULT_BASE_IRI,
        reach_text: str = "",
    ) -> CannedQuery:
        """Read the `#+` header of a query text; QueryError naming file:line when malformed.

        `reach_text` is the reach pass of a query that declares one (`#+ reach:`)."""
        where = str(path) if path is not None else name
        title, descriptions, params, empty = "", [], [], []
        translated: dict[tuple[str, str], list[str]] = {}
        page: int | None = None
        reach: str | None = None
        label_index: tuple[str, ...] = ()
        pair_index: PairIndexUse | None = None
        reach_index: str | None = None
        try:
            lines = lexer.header(text)
        except lexer.HeaderError as bad:
            raise QueryError(f"{where}:{bad}") from None
        for line in lines:
            number, key, value = line.number, line.key, line.value
            if line.lang and line.lang != "en":
                if key not in ("title", "description", "empty"):
                    raise QueryError(
                        f"{where}:{number}: only title, description and empty take a language"
                    )
                translated.setdefault((key, line.lang), []).append(value)
            elif key == "title":
                title = value
            elif key == "description":
                descriptions.append(value)
            elif key == "param":
                params.append(_parse_param_line(value, f"{where}:{number}", base_iri))
            elif key == "empty":
                empty.append(value)
            elif key == "page":
                page = _page_size(value, f"{where}:{number}", text)
            elif key == "reach":
                reach = value.lstrip("?$")
            elif key == "label-index":
                label_index = _label_index(value, f"{where}:{number}", text)
            elif key == "pair-index":
                pair_index = PairIndexUse.read(value, f"{where}:{number}", text)
            elif key == "reach-index":
                reach_index = value.lstrip("?$")
            else:
                raise QueryError(
                    f"{where}:{number}: unknown header key {key!r} (expected title, description, "
                    "param, empty, page, reach, reach-index, label-index or pair-index)"
                )
        if reach is not None:
            _check_reach(reach, reach_text, text, page, where)
        if page is not None:
            params += _paging_params(page)
        if label_index and (
            page is not None
            or not any(p.name == "text" and p.kind == "string" and p.required for p in params)
        ):
            raise QueryError(
                f"{where}: a label-index query takes a required string parameter 'text' "
                "and is not paged"
            )
        if pair_index is not None:
            pair_index.check(params, page, where)
        if reach_index is not None:
            _check_reach_index(reach_index, reach, reach_text, params, where)
        names = [p.name for p in params]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise QueryError(f"{where}: parameter declared twice: {', '.join(duplicates)}")
        for param in params:
            if not param.paging and not _names(text, param.name):
                raise QueryError(
                    f"{where}: parameter {param.name!r} is not a variable of the query"
                )
        return cls(
            name=name,
            title=title or name,
            description=" ".join(descriptions),
            params=tuple(params),
            text=text,
            path=path,
            base_iri=base_iri,
            empty=" ".join(empty),
            page=page,
            translations={key: " ".join(values) for key, values in translated.items()},
            reach=reach,
            reach_text=reach_text if reach is not None else "",
            label_index=label_index,
            pair_index=pair_index,
            reach_index=reach_index,
        )

    @classmethod
    def from_file(cls, path: Path, *, base_iri: str = DEFAULT_BASE_IRI) -> CannedQuery:
        """Read one `.rq` file; its stem is the query's name. A query with a reach pass
        (`#+ reach:`) has it read from `NAME.reach.rq` beside it."""
        path = Path(path)
        text = _read(path)
        reach_path = path.with_name(f"{path.stem}{REACH_SUFFIX}")
        declared = any(line.key == "reach" for line in _header_or_none(text))
        reach_text = _read(reach_path) if declared and reach_path.is_file() else ""
        return cls.from_text(path.stem, text, path=path, base_iri=base_iri, reach_text=reach_text)

    def param(self, name: str) -> Param | None:
        """The declared parameter of that name, or None."""
        return next((p for p in self.params if p.name == name), None)

    def parse_params(self, raw: Mapping[str, str]) -> dict[str, Identifier]:
        """Validate raw string values into rdflib terms, defaults filled in.

        Unknown, missing or invalid parameters raise QueryError naming the parameter.
        """
        declared = {p.name for p in self.params}
        unknown = sorted(set(raw) - declared)
        if unknown:
            expected = ", ".join(sorted(declared)) or "none"
            raise QueryError(
                f"query {self.name!r} has no parameter {unknown[0]!r} (parameters: {expected})"
            )
        bindings: dict[str, Identifier] = {}
        for param in self.params:
            value = raw.get(param.name)
            if value is None or (value.strip() == "" and not param.required):
                if param.default is not None:
                    bindings[param.name] = param.parse(param.default, self.base_iri)
                elif param.required:
                    raise QueryError(
                        f"query {self.name!r} needs parameter {param.name!r} ({param.kind}): "
                        f"give {param.name}=VALUE"
                    )
                continue
            bindings[param.name] = param.parse(value, self.base_iri)
        return bindings

    def signature(self) -> str:
        """The parameters in one short line, e.g. `theme=IRI [lang=fr]`."""
        parts = []
        for p in self.params:
            if p.required:
                parts.append(f"{p.name}={p.kind.upper()}")
            elif p.default is not None:
                parts.append(f"[{p.name}={p.default}]")
            else:
                parts.append(f"[{p.name}={p.kind.upper()}]")
        return " ".join(parts)


REACH_SUFFIX = ".reach.rq"
"""The file name ending of a reach pass, beside its query (`places-studied.reach.rq`)."""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: cannot read query file: {error}") from None


def _header_or_none(text: str) -> list[lexer.HeaderLine]:
    """The header lines, none when malformed (`from_text` then says where)."""
    try:
        return lexer.header(text)
    except lexer.HeaderError:
        return []


def _check_reach(variable: str, reach_text: str, text: str, page: int | None, where: str) -> None:
    """A reach pass belongs to a paged query, names one of its variables, and projects that
    variable and `?rows`."""
    if page is None:
        raise QueryError(f"{where}: only a paged query (#+ page:) takes a reach pass")
    if not _NAME.match(variable) or not _names(text, variable):
        raise QueryError(f"{where}: reach {variable!r} is not a variable of the query")
    if not reach_text:
        raise QueryError(f"{where}: reach needs its pass, a file NAME{REACH_SUFFIX} beside it")
    for needed in (variable, ROWS):
        if not _names(reach_text, needed):
            raise QueryError(f"{where}: the reach pass does not give ?{needed}")


def _check_reach_index(
    name: str, reach: str | None, reach_text: str, params: list[Param], where: str
) -> None:
    """A reach index leaves out an iri parameter its query's reach pass names; every other
    parameter the pass names is a boolean (an index is made per value of those: at most two)."""
    kinds = {p.name: p.kind for p in params}
    if reach is None:
        raise QueryError(f"{where}: reach-index needs a reach pass (#+ reach:)")
    if kinds.get(name) != "iri" or not _names(reach_text, name):
        raise QueryError(
            f"{where}: reach-index {name!r} is not an iri parameter that the reach pass names"
        )
    others = sorted(n for n in kinds if n != name and _names(reach_text, n))
    if any(kinds[n] != "boolean" for n in others):
        raise QueryError(
            f"{where}: a reach-index query's reach pass names no other parameter than booleans, "
            f"it names {', '.join(others)}"
        )


def _names(text: str, variable: str) -> bool:
    """True when `text` names the variable (?name or $name)."""
    return re.search(rf"[?$]{variable}\b", text) is not None


def _page_size(value: str, where: str, text: str) -> int:
    """The N of `#+ page: N`; the query must hold one `LIMIT N` for `run_canned` to rewrite."""
    if not _INTEGER.match(value) or int(value) < 1:
        raise QueryError(f"{where}: page needs a positive number of rows, got {value!r}")
    _limit_clause(text, int(value), where)
    return int(value)


def _label_index(value: str, where: str, text: str) -> tuple[str, ...]:
    """The full IRIs of `#+ label-index: rdfs:label foaf:name …`; the query must hold the
    variables ?resource and ?label and one `LIMIT N` (see `run_canned`)."""
    properties = []
    for written in value.split():
        prefix, _, local = written.partition(":")
        if written.startswith("<") and written.endswith(">"):
            properties.append(written[1:-1])
        elif prefix in PREFIXES and local:
            properties.append(PREFIXES[prefix] + local)
        else:
            raise QueryError(f"{where}: label-index: {written!r} is no property IRI")
    if not properties:
        raise QueryError(f"{where}: label-index names no property")
    for variable in ("resource", "label"):
        if not _names(text, variable):
            raise QueryError(f"{where}: a label-index query has the variable ?{variable}")
    _final_limit(text, where)
    return tuple(properties)


@dataclass(frozen=True)
class PairIndexUse:
    """`#+ pair-index: PROPERTY SUBJECT OTHER COUNT LEAST`: the query pages the subjects
    (?OTHER) that share objects of PROPERTY with the one its parameter SUBJECT names, counted as
    ?COUNT, at least the parameter LEAST of them, ordered by `DESC(?COUNT)` then ?OTHER."""

    predicate: str
    subject: str
    other: str
    count: str
    least: str

    @classmethod
    def read(cls, value: str, where: str, text: str) -> PairIndexUse:
        """The header's five words; QueryError naming the line when malformed."""
        words = value.split()
        if len(words) != 5:
            raise QueryError(
                f"{where}: pair-index reads 'PROPERTY SUBJECT OTHER COUNT LEAST', got {value!r}"
            )
        prefix, _, local = words[0].partition(":")
        if prefix not in PREFIXES or not local:
            raise QueryError(f"{where}: pair-index: {words[0]!r} is no property IRI")
        for variable in words[2:4]:
            if not _names(text, variable):
                raise QueryError(f"{where}: pair-index: the query has no variable ?{variable}")
        return cls(PREFIXES[prefix] + local, *words[1:])

    def check(self, params: list[Param], page: int | None, where: str) -> None:
        """QueryError unless the query is paged, SUBJECT an iri and LEAST an integer parameter."""
        kinds = {p.name: p.kind for p in params}
        if page is None or kinds.get(self.subject) != "iri" or kinds.get(self.least) != "integer":
            raise QueryError(
                f"{where}: a pair-index query is paged, with an iri parameter "
                f"{self.subject!r} and an integer parameter {self.least!r}"
            )


def _final_limit(text: str, where: str) -> int:
    """The N of the query's one `LIMIT N` (a label-index query's whole answer)."""
    toks = list(lexer.tokens(text))
    found = [
        int(toks[i + 1].text)
        for i, token in enumerate(toks[:-1])
        if token.keyword() == "LIMIT" and toks[i + 1].text.isdigit()
    ]
    if len(found) != 1:
        raise QueryError(f"{where}: a label-index query holds exactly one 'LIMIT N'")
    return found[0]


def _paging_params(page: int) -> list[Param]:
    return [
        Param("limit", "integer", f"rows per page (at most {MAX_PAGE})", str(page), paging=True),
        Param("offset", "integer", "rows to skip: where the page starts", "0", paging=True),
    ]


MAX_PAGE = 10_000
"""The largest page a paged query serves (`limit`)."""


def _limit_clause(text: str, page: int, where: str) -> tuple[int, int]:
    """Offsets of the one `LIMIT N` clause of a paged query's text (N the page size)."""
    toks = list(lexer.tokens(text))
    found = [
        (token.start, toks[i + 1].end)
        for i, token in enumerate(toks[:-1])
        if token.keyword() == "LIMIT" and toks[i + 1].text == str(page)
    ]
    offsets = [t for t in toks if t.keyword() == "OFFSET"]
    if len(found) != 1 or offsets:
        raise QueryError(f"{where}: a paged query holds exactly one 'LIMIT {page}' and no OFFSET")
    return found[0]


def paged_text(query: CannedQuery, text: str, limit: int, offset: int) -> str:
    """`text` (the query, parameters bound) with its page's LIMIT written for one row more."""
    start, end = _limit_clause(text, query.page or 0, query.name)
    return f"{text[:start]}LIMIT {limit + 1} OFFSET {offset}{text[end:]}"


def _parse_param_line(value: str, where: str, base_iri: str) -> Param:
    match = _PARAM_LINE.match(value)
    if not match:
        raise QueryError(f"{where}: param line must read 'NAME (KIND) description', got {value!r}")
    kind = match["kind"]
    if kind not in PARAM_KINDS:
        raise QueryError(
            f"{where}: parameter {match['name']!r} has unknown kind {kind!r} "
            f"(kinds: {', '.join(PARAM_KINDS)})"
        )
    classes = _expand_classes(match["classes"], kind, f"{where}: parameter {match['name']!r}")
    scheme = None
    if match["scheme"]:
        try:
            scheme = str(_parse_iri(match["scheme"], base_iri))
        except ValueError as error:
            raise QueryError(f"{where}: parameter {match['name']!r}: scheme: {error}") from None
    param = Param(
        name=match["name"],
        kind=kind,
        description=match["description"].strip(),
        default=match["default"].strip() if match["default"] is not None else None,
        optional=bool(match["optional"]),
        classes=classes,
        scheme=scheme,
    )
    if param.default is not None:
        try:
            param.parse(param.default, base_iri)
        except QueryError as error:
            raise QueryError(f"{where}: default value: {error}") from None
    return param


def _expand_classes(written: str | None, kind: str, where: str) -> tuple[str, ...]:
    """Full IRIs of `a:B|c:D`; only an `iri` parameter may declare classes."""
    if not written:
        return ()
    if kind != "iri":
        raise QueryError(f"{where}: only an iri parameter declares classes, got {written!r}")
    classes = []
    for curie in written.split("|"):
        prefix, _, local = curie.partition(":")
        if prefix not in PREFIXES:
            raise QueryError(f"{where}: unknown prefix in class {curie!r}")
        classes.append(PREFIXES[prefix] + local)
    return tuple(classes)


@dataclass
class Catalogue:
    """The canned queries of a folder, by name."""

    queries: dict[str, CannedQuery] = field(default_factory=dict)
    folder: Path | None = None

    @classmethod
    def load(cls, queries_dir: Path | str, *, base_iri: str = DEFAULT_BASE_IRI) -> Catalogue:
        """Every `*.rq` file of the folder; QueryError if the folder is missing or a file bad."""
        folder = Path(queries_dir)
        if not folder.is_dir():
            raise QueryError(f"{folder}: no such query folder")
        queries = {}
        for path in sorted(folder.glob("*.rq")):
            if path.name.endswith(REACH_SUFFIX):
                continue
            query = CannedQuery.from_file(path, base_iri=base_iri)
            queries[query.name] = query
        return cls(queries, folder)

    def __iter__(self) -> Iterator[CannedQuery]:
        return iter(sorted(self.queries.values(), key=lambda q: q.name))

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def names(self) -> list[str]:
        """Query names, sorted."""
        return sorted(self.queries)

    def __getitem__(self, name: str) -> CannedQuery:
        try:
            return self.queries[name]
        except KeyError:
            close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else "try `villegraph query --list`"
            raise QueryError(f"no canned query named {name!r}: {hint}") from None


# --- resources named by a parameter: existence, labels, suggestions ----------------------------

_TYPES = "SELECT DISTINCT ?resource ?type WHERE { ?resource a ?type }"
_IN_SCHEME = """SELECT ?resource ?scheme WHERE {
  ?resource <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme
}"""
_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?class ?resource ?label WHERE {
  ?resource a ?class .
  ?resource rdfs:label|skos:prefLabel|skos:altLabel|foaf:name ?label .
}"""
_SCHEME_LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?class ?resource ?label ?scheme WHERE {
  ?resource skos:inScheme ?scheme .
  ?resource a ?class .
  ?resource rdfs:label|skos:prefLabel|skos:altLabel ?label .
}"""
SUGGESTIONS = 3
_CUTOFF = 0.6


def normalise_label(text: str) -> str:
    """Accents, case, punctuation, extra spaces removed: "Données-ouvertes" → "donnees ouvertes"."""
    return fold_words(text)


def resolve_resources(
    store: Store,
    query: CannedQuery,
    bindings: Mapping[str, Identifier],
    raw: Mapping[str, str],
) -> dict[str, Identifier]:
    """Bindings with every class-checked `iri` parameter naming an existing resource.

    A label (a Literal from `Param.parse`) or an IRI without a resource of the declared classes
    is looked up by label; no exact match raises UnknownResource with the closest resources.
    """
    resolved = dict(bindings)
    for param in query.params:
        value = resolved.get(param.name)
        if not param.classes or value is None:
            continue
        if isinstance(value, URIRef) and _has_class(store, value, param):
            continue
        given = raw.get(param.name, param.default or "").strip()
        resolved[param.name] = _by_label(store, param, given, query.base_iri)
    return resolved


def _has_class(store: Store, iri: URIRef, param: Param) -> bool:
    """Whether `iri` is typed with one of the parameter's classes, and in its concept scheme
    when it names one (one or two small SELECTs)."""
    types = store.select(_TYPES, {"resource": iri}).column("type")
    if not any(str(t) in param.classes for t in types):
        return False
    if param.scheme is None:
        return True
    schemes = store.select(_IN_SCHEME, {"resource": iri}).column("scheme")
    return any(str(s) == param.scheme for s in schemes)


def _candidates(store: Store, param: Param) -> dict[str, list[str]]:
    """IRI → labels of every resource of the parameter's classes (and scheme)."""
    found: dict[str, list[str]] = {}
    for cls in param.classes:
        if param.scheme is None:
            rows = store.select(_LABELS, {"class": URIRef(cls)}).rows
        else:
            bound = {"class": URIRef(cls), "scheme": URIRef(param.scheme)}
            rows = [row[:3] for row in store.select(_SCHEME_LABELS, bound).rows]
        for _, resource, label in rows:
            found.setdefault(str(resource), []).append(str(label))
    return found


def _by_label(store: Store, param: Param, given: str, base_iri: str) -> URIRef:
    """The one resource whose label is `given` (accents and case aside), else UnknownResource."""
    candidates = _candidates(store, param)
    wanted = normalise_label(given)
    exact = sorted(
        iri for iri, labels in candidates.items() if wanted in map(normalise_label, labels)
    )
    if len(exact) == 1:
        return URIRef(exact[0])
    if exact:
        shown = ", ".join(_shown(iri, base_iri) for iri in exact)
        raise UnknownResource(
            f"parameter {param.name!r}: {given!r} names several resources: {shown}",
            [(iri, given) for iri in exact],
        )
    suggestions = suggest(given, candidates)
    hint = ", ".join(f"{_shown(iri, base_iri)} ({label})" for iri, label in suggestions)
    message = f"parameter {param.name!r}: no {param.name} {given}"
    raise UnknownResource(
        f"{message}; did you mean {hint}?" if hint else message, list(suggestions)
    )


def suggest(given: str, candidates: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """The closest (IRI, label) pairs to `given`, best first, compared without accents or case.

    An IRI-like value (`theme/participation-citoyenne`) is compared by its last segment.
    """
    needle = normalise_label(given.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    scored: list[tuple[float, str, str]] = []
    for iri, labels in candidates.items():
        slug = iri.rstrip("/").rsplit("/", 1)[-1]
        ranked = sorted(((_closeness(needle, normalise_label(n)), n) for n in labels), reverse=True)
        score = max([_closeness(needle, normalise_label(slug)), *(s for s, _ in ranked)])
        if score >= _CUTOFF:  # shown with its closest label (ties: the last in code point order)
            scored.append((score, iri, ranked[0][1] if ranked else slug))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(iri, label) for _, iri, label in scored[:SUGGESTIONS]]


def _closeness(needle: str, name: str) -> float:
    """0..1: the similarity ratio, at least 0.8 when every word of `needle` is a word of `name`."""
    ratio = difflib.SequenceMatcher(None, needle, name).ratio()
    words = set(name.split())
    return max(ratio, 0.8) if needle and set(needle.split()) <= words else ratio


def _shown(iri: str, base_iri: str) -> str:
    """An IRI as a user would type it: a path under the base, else the full IRI."""
    return iri.removeprefix(base_iri) if iri.startswith(base_iri) else iri


def canned_text(
    query: CannedQuery,
    bindings: Mapping[str, Identifier],
    reach: Sequence[Identifier] | None = None,
) -> tuple[str, int, int]:
    """The text `run_canned` sends for these parsed parameters: bound by a VALUES block and,
    for a paged query, with its LIMIT written for one row more; with the page's limit and
    offset (0, 0 when not paged). `reach`: the values of the reach variable the page draws
    from (see `reach_pass`), bound there as well."""
    bound = _bound(query, bindings)
    among = (query.reach, reach) if query.reach is not None and reach is not None else None
    text = bind_values(query.text, bound, among=among)
    if query.page is None:
        return text, 0, 0
    limit, offset = (int(str(bindings[name])) for name in ("limit", "offset"))
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise QueryError(
            f"parameter 'limit' must be 1 to {MAX_PAGE} and 'offset' 0 or more, "
            f"got limit={limit} offset={offset}"
        )
    return paged_text(query, text, limit, offset), limit, offset


def _bound(query: CannedQuery, bindings: Mapping[str, Identifier]) -> dict[str, Identifier]:
    """The bindings written in the text (the paging ones go to its LIMIT)."""
    return {name: term for name, term in bindings.items() if not _is_paging(query, name)}


def reach_pass(
    store: Store,
    query: CannedQuery,
    bindings: Mapping[str, Identifier],
    limit: int,
    offset: int,
    *,
    timeout: float | None = None,
) -> list[Identifier] | None:
    """The values of the reach variable that the page can draw its rows from, by the query's
    reach pass (`#+ reach:`); None when it has none, or when the page must be read from the
    whole answer (the pass runs out before it, or keeps too many values)."""
    if query.reach is None:
        return None
    variables, rows = _reach_rows(store, query, bindings, timeout)
    if query.reach not in variables or ROWS not in variables:
        raise QueryError(f"{query.name}: the reach pass does not give ?{query.reach} and ?{ROWS}")
    values = reach_values(variables, rows, query.reach, offset + limit + 1)
    return values if values is not None and len(values) <= MAX_VALUES else None


def _reach_rows(
    store: Store, query: CannedQuery, bindings: Mapping[str, Identifier], timeout: float | None
) -> tuple[list[str], Sequence[Sequence[Identifier | None]]]:
    """The reach pass's answer for these bindings: read from the store's reach index when the
    query may have one (`#+ reach-index:`) and it is made, else from the pass itself."""
    over, index_of = query.reach_index, getattr(store, "reach_index", None)
    value = bindings.get(over) if over is not None else None
    if over is not None and index_of is not None and value is not None:
        index = index_of(reach_index_text(query, bindings), over, wait=False)
        if index is not None:
            return index.variables, index.rows(value)
    found = store.select(bind_values(query.reach_text, _bound(query, bindings)), timeout=timeout)
    return found.variables, found.rows


def reach_index_text(query: CannedQuery, bindings: Mapping[str, Identifier]) -> str:
    """The reach pass a store keeps as an index for these bindings (`#+ reach-index:`): its
    other parameters bound, the index's own left free (the key of `Store.reach_index`)."""
    others = {
        name: term
        for name, term in _bound(query, bindings).items()
        if name != query.reach_index and _names(query.reach_text, name)
    }
    return bind_values(query.reach_text, others)


def reached_text(
    store: Store,
    query: CannedQuery,
    bindings: Mapping[str, Identifier],
    *,
    timeout: float | None = None,
) -> tuple[str, int, int]:
    """`canned_text`, bound to the values its reach pass keeps when the query has one (the
    pass is run on `store`)."""
    text, limit, offset = canned_text(query, bindings)
    reach = reach_pass(store, query, bindings, limit, offset, timeout=timeout)
    if reach is not None:
        text = canned_text(query, bindings, reach)[0]
    return text, limit, offset


def _is_paging(query: CannedQuery, name: str) -> bool:
    param = query.param(name)
    return param is not None and param.paging


@dataclass(frozen=True)
class CannedResult(SelectResult):
    """The answer to a canned query; for a paged one, which page it is and whether more rows
    follow it (`next_offset`)."""

    offset: int = 0
    page: int | None = None
    more: bool = False

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts, None when this page is the last."""
        return self.offset + len(self.rows) if self.more else None


def page_note(result: CannedResult) -> str:
    """The sentence saying a page is cut short and where the next one starts (English)."""
    first, last = result.offset + 1, result.offset + len(result.rows)
    return (
        f"rows {first}-{last} shown, more follow: next page with offset={result.next_offset}"
        f" (limit={result.page})"
    )


def run_canned(
    store: Store,
    query: CannedQuery,
    raw_params: Mapping[str, str],
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> CannedResult:
    """Parse the parameters and run the query with them bound by a VALUES block.

    The same query text then reaches every store. It is also much faster on pyoxigraph 0.5
    than its `substitutions` (measured: 1.7 ms against 360 ms for `members-of` at 2M triples),
    which do not let the optimiser start from the bound variables. A paged query fetches one
    row more than its page: a page cut short carries a note saying where the next starts. A
    query with a reach pass runs it first and orders only the rows of the values it keeps
    (`reach_pass`); `timeout` covers both.
    """
    parsed = query.parse_params(raw_params)
    bindings = resolve_resources(store, query, parsed, raw_params)
    started = time.monotonic()
    text, limit, offset = reached_text(store, query, bindings, timeout=timeout)
    if timeout is not None and query.reach is not None:
        timeout = max(timeout - (time.monotonic() - started), 0.001)
    found = _by_label_index(store, query, bindings, text, timeout, max_rows)
    if found is None:
        found = _by_pair_index(store, query, bindings, text, (limit, offset), timeout, max_rows)
    if found is None:
        found = store.select(text, timeout=timeout, max_rows=max_rows)
    more = query.page is not None and len(found.rows) > limit
    result = CannedResult(
        found.variables,
        found.rows[:limit] if more else found.rows,
        found.truncated,
        list(found.notes),
        offset=offset,
        page=limit if query.page is not None else None,
        more=more,
    )
    if more:
        result.notes.append(page_note(result))
    elif not result.rows and offset:
        result.notes.append(f"no rows from offset={offset}: the answer has fewer rows")
    elif not result.rows and query.empty:
        result.notes.append(query.empty)
    return result


def _by_label_index(
    store: Store,
    query: CannedQuery,
    bindings: Mapping[str, Identifier],
    text: str,
    timeout: float | None,
    max_rows: int | None,
) -> SelectResult | None:
    """The answer of a `#+ label-index:` query run on the resources whose labels may hold the
    text (`villegraph.indexes`); None when the store keeps no such index (or not yet: the
    first query starts making it and is answered without).

    The index gives the resources of the first labels in the answer's order that may match,
    and the key up to which every match is among them; the query, narrowed to those resources,
    is the store's to answer. Its rows are the whole answer's first rows when they all sort at
    or before that key (or the index met every match); otherwise (labels the filter dropped:
    `ß` found for `ss`) it asks the index for eight times as many, then leaves the query to the
    store unnarrowed (None).
    """
    index_of = getattr(store, "label_index", None)
    if not query.label_index or index_of is None or needs_store(str(bindings["text"])):
        return None
    index = index_of(query.label_index, wait=False)
    if index is None:
        return None
    answer = _final_limit(text, query.name)
    deadline = None if timeout is None else time.monotonic() + timeout
    for wanted in (answer, answer * 8):
        found = index.candidates(str(bindings["text"]), wanted)
        if found.blank:
            return None
        left = None if deadline is None else max(deadline - time.monotonic(), 0.001)
        narrow = narrowed(text, "resource", found.resources, _outer_where(text)[0])
        result = store.select(narrow, timeout=left, max_rows=max_rows)
        if found.reach is None:
            return result
        keys = [(len(str(label)), str(label)) for label in result.column("label")]
        reached = all(key <= found.reach for key in keys)
        if reached and (len(keys) >= answer or result.truncated):
            return result
    return None


def _by_pair_index(
    store: Store,
    query: CannedQuery,
    bindings: Mapping[str, Identifier],
    text: str,
    page: tuple[int, int],
    timeout: float | None,
    max_rows: int | None,
) -> SelectResult | None:
    """The page (limit, offset) of a `#+ pair-index:` query run on its first other subjects by
    the store's index of the property's links (`villegraph.indexes.PairIndex`); None when the
    store keeps no such index. The store counts and orders them again: its answer is used only
    when its rows are the index's, in the index's order and with its counts."""
    use, index_of = query.pair_index, getattr(store, "pair_index", None)
    if use is None or index_of is None or not isinstance(bindings.get(use.subject), URIRef):
        return None
    index = index_of(use.predicate, wait=False)
    if index is None:
        return None
    limit, offset = page
    first = index.shared(
        term_to_sparql(bindings[use.subject]), int(str(bindings[use.least])), offset + limit + 1
    )[offset:]
    if not first or any(term.startswith("_:") for term, _ in first):
        return None  # no row, or a blank node: the store's own count (no VALUES can be empty:
        # Oxigraph then counted every pair of the graph)
    text = canned_text(query, {**bindings, "offset": Literal(0)})[0]  # the page's others only
    open_at = _outer_where(text)[0]
    inner = _leading_subselect_where(text, open_at)
    narrow = narrowed(text, use.other, [term for term, _ in first], inner or open_at)
    result = store.select(narrow, timeout=timeout, max_rows=max_rows)
    rows = [
        (term_to_sparql(other), int(str(count)) if count is not None else -1)
        for other, count in zip(result.column(use.other), result.column(use.count), strict=True)
        if isinstance(other, URIRef)
    ]
    if rows != (first[: len(rows)] if result.truncated else first):
        return None
    return result


def narrowed(query_text: str, variable: str, terms: Sequence[str], open_at: int) -> str:
    """The query with its group opening at `open_at` evaluated once per term (N-Triples) bound
    to the variable: `{ VALUES ?variable { … } LATERAL { group } }`. LATERAL is Oxigraph's:
    with the variable bound, each pattern is an index look-up (as a plain join, Oxigraph read
    every label of the properties first: 0.9 s against 3 ms for `search` at a million
    triples; 213 against 76 ms for a page of `shared-themes`)."""
    tokens = list(lexer.tokens(query_text))
    start = next(n for n, token in enumerate(tokens) if token.start == open_at)
    close_at = tokens[_skip_group(tokens, start)].start
    return (
        f"{query_text[: open_at + 1]} VALUES ?{variable} {{ {' '.join(terms)} }} "
        f"LATERAL {{{query_text[open_at + 1 : close_at]}}} {query_text[close_at:]}"
    )


# --- VALUES binding for endpoints without initBindings -------------------------------------
# The text is read by the one SPARQL lexer (villegraph.lexer), the same that the endpoint's
# guard uses.

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _outer_where(text: str) -> tuple[int, int, bool]:
    """Offsets of the outer WHERE group's `{` and `}`, and whether it holds a sub-SELECT."""
    tokens = list(lexer.tokens(text))
    form = None
    parens = 0
    seen_where = False
    for index, token in enumerate(tokens):
        upper = token.text.upper() if token.kind == "word" else ""
        if form is None:
            if upper in _FORMS:
                form = upper
            continue
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif upper == "WHERE" and parens == 0:
            seen_where = True
        elif token.text == "{" and parens == 0:
            if form == "CONSTRUCT" and not seen_where:
                index = _skip_group(tokens, index)
                continue
            close = _skip_group(tokens, index)
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            subselect = bool(
                following and following.kind == "word" and following.text.upper() == "SELECT"
            )
            return token.start, tokens[close].start, subselect
    raise QueryError("SPARQL text has no WHERE group to bind parameters in")


def _leading_subselect_where(text: str, open_at: int) -> int | None:
    """The offset of the WHERE group's `{` of the sub-SELECT that opens the group at
    `open_at` (`{ { SELECT … WHERE { … } … } … }`), following such sub-SELECTs down to the
    innermost; None when the group opens otherwise."""
    tokens = [t for t in lexer.tokens(text) if t.start > open_at]
    if len(tokens) < 2 or tokens[0].text != "{" or tokens[1].keyword() != "SELECT":
        return None
    parens = 0
    for token in tokens[2:]:
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and parens == 0:
            inner = _leading_subselect_where(text, token.start)
            return token.start if inner is None else inner
    return None


def _skip_group(tokens: list[lexer.Token], index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        if tokens[position].text == "{":
            depth += 1
        elif tokens[position].text == "}":
            depth -= 1
            if depth == 0:
                return position
    raise QueryError("SPARQL text has an unbalanced '{'")


def term_to_sparql(term: Identifier) -> str:
    """A term in N-Triples syntax, safe to place in SPARQL text whatever its content."""
    if isinstance(term, URIRef):
        value = str(term)
        if _IRI_FORBIDDEN.search(value) or not _ABSOLUTE_IRI.match(value):
            raise QueryError(f"cannot bind {value!r}: not a valid absolute IRI")
        return f"<{value}>"
    if isinstance(term, Literal):
        lexical = escape_string(str(term))
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"cannot bind language tag {term.language!r}")
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^{term_to_sparql(term.datatype)}'
        # Written typed: the same RDF 1.1 term, and Virtuoso 7 only matches non-ASCII strings
        # bound by VALUES in this form.
        return f'"{lexical}"^^<{XSD.string}>'
    if isinstance(term, BNode):
        raise QueryError("cannot bind a blank node as a query parameter")
    raise QueryError(f"cannot bind {term!r}: not an RDF term")


def bind_values(
    query_text: str,
    bindings: Mapping[str, Identifier],
    *,
    among: tuple[str, Sequence[Identifier]] | None = None,
) -> str:
    """The query with `VALUES (?a …) { (term …) }` first in its outer WHERE group.

    Equivalent to pyoxigraph's substitutions: the variables are bound for the outer group (not
    inside sub-SELECTs). Terms are written in N-Triples syntax with escaping; variable names must
    be plain SPARQL names. `among` (a variable and its values) adds that variable as one more
    column, a row per value: the variable takes one of those values. One table, not a second
    `VALUES ?v { … }` beside the first: Oxigraph joins two tables with the patterns before it
    starts from them (a page of who-works-on narrowed to 14 people at a million triples: 162 ms
    with two tables, 12 ms with one).
    """
    if not bindings and among is None:
        return query_text
    names = [*bindings, *([among[0]] if among is not None else [])]
    for name in names:
        if not _NAME.match(name):
            raise QueryError(f"cannot bind variable {name!r}: not a SPARQL variable name")
    columns = " ".join(f"?{name}" for name in names)
    bound = [term_to_sparql(term) for term in bindings.values()]
    rows = [bound] if among is None else [[*bound, term_to_sparql(t)] for t in among[1]]
    block = f"VALUES ({columns}) {{ {' '.join('(' + ' '.join(row) + ')' for row in rows)} }}"
    open_at, close_at, subselect = _outer_where(query_text)
    inner = _leading_subselect_where(query_text, open_at)
    if inner is not None:
        return f"{query_text[: inner + 1]} {block}{query_text[inner + 1 :]}"
    if subselect:
        return (
            f"{query_text[: open_at + 1]} {block} {{{query_text[open_at + 1 : close_at]}}} "
            f"{query_text[close_at:]}"
        )
    return f"{query_text[: open_at + 1]} {block}{query_text[open_at + 1 :]}"


__all__ = [
    "PARAM_KINDS",
    "CannedQuery",
    "CannedResult",
    "Catalogue",
    "Param",
    "bind_values",
    "canned_text",
    "normalise_label",
    "page_note",
    "paged_text",
    "reach_index_text",
    "reach_pass",
    "reached_text",
    "resolve_iri",
    "resolve_resources",
    "run_canned",
    "suggest",
    "term_to_sparql",
]
