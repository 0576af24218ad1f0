"""`/programme`: each webinar cycle's sessions in printed order, with speakers, talks and doubts.

A session shows its position in the printed programme, its number, the date as printed and as
read, the build's doubts about it (its SHACL warnings, from the quality graph), its title
(marked when the title shown is villegraph's translation), its speakers and its talks, linked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import anyio.to_thread
from rdflib import Literal
from starlette.requests import Request
from starlette.responses import Response

from villegraph.namespaces import VG, sparql_prefixes
from villegraph.store import Store
from villegraph.web.capping import capped
from villegraph.web.doubts import doubts
from villegraph.web.i18n import chosen_language
from villegraph.web.pages import LABEL_PATH, Linker, Term, is_translation, pick_label, render

PREFIX = sparql_prefixes("vg", "schema", "dcterms")
PROGRAMME_ROWS = 10_000
"""Rows read at most per list (cycles, sessions, speakers, talks); one more is asked, and a
longer list is cut and named on the page."""
Q_SESSIONS = (
    PREFIX
    + f"""SELECT ?cycle ?session ?position ?printed ?start ?number ?status ?title ?language WHERE {{
  ?cycle a vg:WebinarSeries .
  ?session schema:superEvent ?cycle ; vg:programmePosition ?position .
  OPTIONAL {{ ?session vg:printedDate ?printed }}
  OPTIONAL {{ ?session schema:startDate ?start }}
  OPTIONAL {{ ?session vg:sessionNumber ?number }}
  OPTIONAL {{ ?session schema:eventStatus ?status }}
  OPTIONAL {{ ?session dcterms:title ?title }}
  OPTIONAL {{ ?session dcterms:source/dcterms:language ?language }}
}} LIMIT {PROGRAMME_ROWS + 1}"""
)
Q_CYCLES = (
    PREFIX
    + f"""SELECT ?cycle ?label WHERE {{
  ?cycle a vg:WebinarSeries OPTIONAL {{ ?cycle {LABEL_PATH} ?label }}
}} LIMIT {PROGRAMME_ROWS + 1}"""
)
Q_PEOPLE = (
    PREFIX
    + f"""SELECT ?session ?x ?label WHERE {{
  ?session vg:speaker ?x ; schema:superEvent/a vg:WebinarSeries .
  OPTIONAL {{ ?x {LABEL_PATH} ?label }}
}} LIMIT {PROGRAMME_ROWS + 1}"""
)
Q_TALKS = (
    PREFIX
    + f"""SELECT ?session ?x ?label WHERE {{
  ?x a vg:Talk ; schema:superEvent ?session .
  ?session schema:superEvent/a vg:WebinarSeries .
  OPTIONAL {{ ?x {LABEL_PATH} ?label }}
}} LIMIT {PROGRAMME_ROWS + 1}"""
)
TO_BE_ANNOUNCED = str(VG.DateToBeAnnounced)


@dataclass
class Session:
    """One row of the programme."""

    term: Term
    position: int
    number: str | None = None
    printed_date: str | None = None
    date: str | None = None
    to_be_announced: bool = False
    translated: bool = False
    doubts: list[str] = field(default_factory=list)
    speakers: list[Term] = field(default_factory=list)
    talks: list[Term] = field(default_factory=list)


@dataclass
class Cycle:
    """A webinar cycle and its sessions, in printed order."""

    term: Term
    sessions: list[Session] = field(default_factory=list)


def _linked(rows: list[dict], linker: Linker, language: str) -> dict[str, list[Term]]:
    """session → the linked resources of `rows` (session, x, label), sorted by label."""
    labels: dict[str, dict[str, list[Literal]]] = defaultdict(dict)
    for row in rows:
        found = labels[str(row["session"])].setdefault(str(row["x"]), [])
        if isinstance(row.get("label"), Literal) and row["label"] not in found:
            found.append(row["label"])
    return {
        session: sorted(
            (
                Term(pick_label(found, language) or linker.curie(x), linker.href(x), x)
                for x, found in members.items()
            ),
            key=lambda t: t.text.lower(),
        )
        for session, members in labels.items()
    }


def programme(
    store: Store, base_iri: str, language: str, cut: list[str] | None = None
) -> list[Cycle]:
    """Every webinar cycle with its sessions in printed order (blocking: run in a thread).

    A list longer than `PROGRAMME_ROWS` rows is cut and its name noted in `cut`."""
    cut = cut if cut is not None else []
    linker = Linker(base_iri)
    cycle_labels: dict[str, list[Literal]] = defaultdict(list)
    for row in capped(store.select(Q_CYCLES).dicts(), PROGRAMME_ROWS, "cycles", cut):
        label = row.get("label")
        if isinstance(label, Literal):
            cycle_labels[str(row["cycle"])].append(label)
        cycle_labels.setdefault(str(row["cycle"]), [])
    sessions: dict[tuple[str, str], Session] = {}
    titles: dict[str, list[Literal]] = defaultdict(list)
    sources: dict[str, set[str]] = defaultdict(set)
    for row in capped(store.select(Q_SESSIONS).dicts(), PROGRAMME_ROWS, "sessions", cut):
        key = (str(row["cycle"]), str(row["session"]))
        iri = key[1]
        if key not in sessions:
            sessions[key] = Session(Term(linker.curie(iri), linker.href(iri), iri), _int(row))
        session = sessions[key]
        if "printed" in row:
            session.printed_date = str(row["printed"])
        if "start" in row:
            session.date = str(row["start"])
        if "number" in row:
            session.number = str(row["number"])
        if "status" in row and str(row["status"]) == TO_BE_ANNOUNCED:
            session.to_be_announced = True
        title = row.get("title")
        if isinstance(title, Literal) and title not in titles[iri]:
            titles[iri].append(title)
        if "language" in row:
            sources[iri].add(str(row["language"]))
    people = capped(store.select(Q_PEOPLE).dicts(), PROGRAMME_ROWS, "speakers", cut)
    speakers = _linked(people, linker, language)
    given = capped(store.select(Q_TALKS).dicts(), PROGRAMME_ROWS, "talks", cut)
    talks = _linked(given, linker, language)
    raised = doubts(store, language, cut=cut)
    cycles = {
        iri: Cycle(Term(pick_label(found, language) or linker.curie(iri), linker.href(iri), iri))
        for iri, found in cycle_labels.items()
    }
    for (cycle, iri), session in sessions.items():
        session.term.text = pick_label(titles[iri], language) or session.term.text
        session.translated = is_translation(titles[iri], language, sources[iri])
        session.speakers = speakers.get(iri, [])
        session.talks = talks.get(iri, [])
        session.doubts = raised.get(iri, [])
        cycles[cycle].sessions.append(session)
    for found in cycles.values():
        found.sessions.sort(key=lambda s: (s.position, s.term.iri or ""))
    return sorted(cycles.values(), key=lambda c: c.term.text.lower())


def _int(row: dict) -> int:
    try:
        return int(row["position"])
    except (KeyError, ValueError):
        return 0


async def programme_page(request: Request) -> Response:
    """`/programme`: the programme of every webinar cycle."""
    language = chosen_language(request)
    state = request.app.state
    cut: list[str] = []
    cycles = await anyio.to_thread.run_sync(
        programme, state.store, state.settings.base_iri, language, cut
    )
    return render("programme.html", lang=language, path="/programme", cycles=cycles, cut=cut)


__all__ = ["PROGRAMME_ROWS", "Cycle", "Session", "programme", "programme_page"]
