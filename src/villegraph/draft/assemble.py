"""Source text → the records of a draft curation file: speakers and their organisations
(patterns first, the model's named entities only fill in), sessions, talks, theme suggestions,
each with its verbatim quote; known people and organisations reconciled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from villegraph.draft.emit import COMMENT
from villegraph.draft.nlp import people_names
from villegraph.draft.organisations import Org, find_letterhead, find_mentions
from villegraph.draft.programme import Session, main_session, merge, programme
from villegraph.draft.reconcile import Index
from villegraph.draft.speakers import Speaker, parse_line, parse_table
from villegraph.draft.talks import Talk, find_talks
from villegraph.draft.text import Source, fold, plain, slug
from villegraph.draft.themes import suggest


@dataclass
class Draft:
    """A drafted curation file (plain data, COMMENT keys for notes) and the curator's notes."""

    document: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def draft(text: str, file_name: str, index: Index, nlp: Any) -> Draft:
    """Draft the curation file of one announcement."""
    source = Source(text)
    notes: list[str] = []
    speakers = _speakers(source, nlp)
    orgs = _organisations(source, speakers)
    taken = {
        kind: {c.slug for e in index.entries[kind].values() for c in e.values()}
        for kind in ("person", "org")
    }
    org_ids = _org_ids(orgs, index, taken["org"], notes)
    sessions = merge(main_session(source), programme(source))
    main = next((session for session in sessions if session.main), None)
    people, memberships, person_ids = _people(source, speakers, org_ids, index, taken, notes, main)
    cycle = _cycle(source)
    if cycle is not None:
        _organisers(cycle, source, orgs, org_ids)
    talks = find_talks(source, [speaker.name for speaker in speakers])
    known = _known_orgs(orgs, org_ids, notes)
    document: dict[str, Any] = {
        COMMENT: [note for org in known for note in _notes_about(notes, org.name)],
        "status": "draft",
        "source": _source(source, file_name, cycle, main),
        "people": people,
        "organisations": [
            _org_record(org, org_ids, source, notes) for org in orgs if org not in known
        ],
        "memberships": memberships,
        "cycles": [cycle] if cycle else [],
        "sessions": _session_records(sessions, cycle, person_ids, speakers),
        "talks": _talk_records(talks, main, person_ids, source, nlp),
    }
    return Draft(document, notes)


def _speakers(source: Source, nlp: Any) -> list[Speaker]:
    speakers: list[Speaker] = []
    table: list[str] = []
    for line in [*source.text.splitlines(), ""]:
        if line.strip().startswith("|"):
            table.append(line)
            continue
        if table:
            speakers += parse_table(table)
            table = []
        speaker = parse_line(line)
        if speaker is not None:
            speakers.append(speaker)
        elif re.match(r"^\s*[-*•]\s+\S", line) and "," in line:
            speakers += _model_speakers(line, nlp)
    unique: dict[str, Speaker] = {}
    for speaker in speakers:
        unique.setdefault(fold(speaker.name), speaker)
    return list(unique.values())


def _model_speakers(line: str, nlp: Any) -> list[Speaker]:
    """A bullet the patterns missed: a person the model names at its start, without title."""
    text = plain(re.sub(r"^\s*[-*•]\s+", "", line))
    names = [name for name in people_names(nlp(text)) if text.startswith(name)]
    return [Speaker(names[0], text)] if names else []


def _organisations(source: Source, speakers: list[Speaker]) -> list[Org]:
    found = [org for speaker in speakers for org in speaker.orgs]
    for paragraph in source.paragraphs:
        for org in find_mentions(paragraph):
            org.context = paragraph.casefold()
            found.append(org)
    for line in source.lines:
        letterhead = find_letterhead(line)
        if letterhead is not None:
            found.append(letterhead)
    merged: list[Org] = []
    names = [fold(org.name) for org in found]
    found = [
        org
        for org, name in zip(found, names, strict=True)
        if org.acronym or not any(name != other and name in other for other in names)
    ]
    for org in found:
        same = next((known for known in merged if known.folded() & org.folded()), None)
        if same is None:
            merged.append(org)
            continue
        _absorb(same, org)
    return merged


def _absorb(known: Org, other: Org) -> None:
    """Fold a second mention into a known organisation."""
    if (
        len(other.name) > len(known.name)
        and other.acronym
        and fold(known.name) == fold(other.acronym)
    ):
        known.other_names.append(known.name) if known.name != other.acronym else None
        known.name = other.name
    elif (
        other.name != known.name
        and fold(other.name) not in {fold(known.name)} | {fold(name) for name in known.other_names}
    ) or (
        other.name != known.name
        and other.name not in known.other_names
        and other.name not in {known.acronym}
    ):
        known.other_names.append(other.name)
    known.acronym = known.acronym or other.acronym
    known.identifier = known.identifier or other.identifier
    known.parents += [parent for parent in other.parents if parent not in known.parents]
    known.quotes += [quote for quote in other.quotes if quote not in known.quotes]
    known.context = known.context or other.context


def _org_ids(orgs: list[Org], index: Index, taken: set[str], notes: list[str]) -> dict[str, str]:
    """Folded name → slug of every organisation, reconciled where the graph knows it."""
    ids: dict[str, str] = {}
    for org in orgs:
        names = [org.name, *org.other_names] + ([org.acronym] if org.acronym else [])
        slug_text = org.acronym or org.name
        chosen = _reconcile("org", names, index, notes, org.name)
        new_id = chosen or slug(slug_text, taken)
        for key in org.folded():
            ids[key] = new_id
    return ids


def _reconcile(
    kind: str, names: list[str], index: Index, notes: list[str], shown: str
) -> str | None:
    candidates = index.lookup(kind, names)
    if len(candidates) == 1:
        notes.append(
            f"{kind}/{candidates[0].slug}: {shown} is {candidates[0].iri} ({candidates[0].file})"
        )
        return candidates[0].slug
    if len(candidates) > 1:
        listed = "; ".join(f"{c.iri} ({c.name}, {c.file})" for c in candidates)
        notes.append(f"ambiguous: {shown} may be {listed}: not merged, pick one")
    return None


def _org_record(org: Org, ids: dict[str, str], source: Source, notes: list[str]) -> dict[str, Any]:
    own = ids[fold(org.name)]
    parents = [ids[parent] for parent in org.parents if parent in ids and ids[parent] != own]
    quotes = [_unique(source, quote) for quote in org.quotes]
    other_names = [
        name for name in dict.fromkeys(org.other_names) if name not in {org.name, org.acronym}
    ]
    return {
        COMMENT: _notes_about(notes, org.name),
        "id": own,
        "name": org.name,
        "acronym": org.acronym,
        "other_names": other_names,
        "kind": org.kind,
        "identifier": org.identifier,
        "parent": parents[0] if len(parents) == 1 else parents,
        "quote": _one_or_list([quote for quote in dict.fromkeys(quotes) if quote]),
    }


def _notes_about(notes: list[str], shown: str) -> list[str]:
    """The reconciliation notes of one record (what it is, or may be)."""
    return [
        note
        for note in notes
        if f": {shown} is " in note or note.startswith(f"ambiguous: {shown} may be ")
    ]


def _people(
    source: Source,
    speakers: list[Speaker],
    org_ids: dict[str, str],
    index: Index,
    taken: dict[str, set[str]],
    notes: list[str],
    main: Session | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    people, memberships, ids = [], [], {}
    membership_ids: set[str] = set()
    for speaker in speakers:
        person_id = _reconcile("person", [speaker.name], index, notes, speaker.name) or slug(
            speaker.name, taken["person"]
        )
        ids[speaker.name] = person_id
        given, family = speaker.given_family
        line_quote = _unique(source, speaker.line) or speaker.name
        people.append(
            {
                COMMENT: _notes_about(notes, speaker.name),
                "id": person_id,
                "name": speaker.name,
                "given_name": given,
                "family_name": family,
                "quote": _short(source, line_quote, speaker.name),
            }
        )
        if not speaker.orgs or not speaker.title:
            continue
        organisation = org_ids[fold(speaker.orgs[0].name)]
        role = _reconcile("role", _title_forms(speaker.title), index, [], speaker.title)
        if role is None:
            role = _role_todo(speaker.title, index)
        memberships.append(
            {
                "id": slug(f"{family} {organisation}", membership_ids),
                "person": person_id,
                "organisation": organisation,
                "role": role,
                "printed_title": speaker.title,
                "attested_on": main.day if main else None,
                "quote": line_quote,
            }
        )
    return people, memberships, ids


def _role_todo(title: str, index: Index) -> str:
    """A TODO for a membership's role no known role's label matches."""
    known = sorted({c.slug for entry in index.entries["role"].values() for c in entry.values()})
    listed = f"a role id of data/ ({', '.join(known)})" if known else "a role id"
    return f"TODO: the role of «{title}»: {listed}, or a new org:Role in a Turtle file of data/"


def _known_orgs(orgs: list[Org], ids: dict[str, str], notes: list[str]) -> list[Org]:
    """Organisations reconciled to a resource another file describes: referred to by their id,
    not described again (a second name or kind would contradict the first)."""
    reconciled = {note.split(":", 1)[0] for note in notes if note.startswith("org/")}
    return [org for org in orgs if f"org/{ids[fold(org.name)]}" in reconciled]


_ORGANISED_BY = re.compile(
    r"\b(?:organis[ée]e?s?|organi[sz]ed)\s+(?:par|by)\s+(?P<who>[^.]*?)"
    r"(?:,?\s+(?:avec le soutien|en partenariat|with the support|in partnership)\b[^.]*)?(?:\.|$)",
    re.IGNORECASE,
)
_STATE_MARKS = {"GOUVERNEMENT", "RÉPUBLIQUE FRANÇAISE", "GOVERNMENT"}


def _organisers(
    cycle: dict[str, Any], source: Source, orgs: list[Org], ids: dict[str, str]
) -> None:
    """The cycle's organisers: the organisations an `Organisé par …` / `Organised by …` sentence
    names, else those the letterhead prints (not the State's mark), else a TODO."""
    quotes: list[str] = []
    found: list[str] = []
    for paragraph in source.paragraphs:
        for match in _ORGANISED_BY.finditer(paragraph):
            named = [org for org in orgs if _names_in(org, match["who"])]
            if named:
                found += [ids[fold(org.name)] for org in named]
                quotes.append(_unique(source, match[0].rstrip(".")))
    if not found:
        for line in source.lines:
            letterhead = find_letterhead(line)
            if letterhead is None or plain(line.strip()) in _STATE_MARKS:
                continue
            key = fold(letterhead.name)
            if key in ids:
                found.append(ids[key])
                quotes.append(_unique(source, line.strip()))
    if not found:
        cycle["organisers"] = (
            "TODO: who organises the cycle: organisation ids, quoted where the source names them"
        )
        return
    cycle["organisers"] = list(dict.fromkeys(found))
    titles = cycle["quote"] if isinstance(cycle["quote"], list) else [cycle["quote"]]
    cycle["quote"] = list(dict.fromkeys([*titles, *quotes]))


def _names_in(org: Org, text: str) -> bool:
    """Whether `text` names `org`: a whole word for a short name (an acronym), else its words."""
    words = [fold(word) for word in text.split()]
    joined = "".join(words)
    return any(name in words if len(name) <= 6 else name in joined for name in org.folded())


def _title_forms(title: str) -> list[str]:
    """A printed title and its masculine form (`doctorante` → `doctorant`)."""
    return [title, re.sub(r"(?<=[nt])e\b", "", title)]


def _short(source: Source, line: str, name: str) -> str:
    """The name and the next words of a speaker line, unique."""
    at = line.find(name)
    if at < 0:
        return line
    words = line[at:].split(" ")
    for size in range(len(name.split(" ")) + 1, len(words) + 1):
        quote = " ".join(words[:size])
        if source.is_unique(quote):
            return quote
    return line


def _unique(source: Source, text: str) -> str:
    if source.is_unique(text):
        return text
    return source.quote_text(text) or text


def _one_or_list(quotes: list[str]) -> str | list[str]:
    return quotes[0] if len(quotes) == 1 else quotes


def _cycle(source: Source) -> dict[str, Any] | None:
    """The cycle: the first top-level heading, else the first long enough paragraph."""
    for paragraph in source.paragraphs:
        if paragraph.startswith("# ") and not re.search(r"\d", paragraph):
            return {
                "id": slug("cycle " + plain(paragraph)),
                "title": plain(paragraph),
                "quote": source.quote(paragraph, 0, len(paragraph)),
            }
    for paragraph in source.paragraphs:
        words = plain(paragraph).split()
        if len(words) >= 4 and not paragraph.isupper() and not re.search(r"\d", paragraph):
            title = plain(paragraph)
            return {
                "id": slug("cycle " + title),
                "title": title,
                "quote": source.quote(paragraph, 0, len(paragraph)),
            }
    return None


def _source(
    source: Source, file_name: str, cycle: dict[str, Any] | None, main: Session | None
) -> dict[str, Any]:
    words = re.findall(r"\w+", source.text.casefold())
    french = sum(word in {"le", "la", "les", "des", "et", "du"} for word in words)
    english = sum(word in {"the", "and", "of", "to", "with"} for word in words)
    title = (
        " – ".join(
            part
            for part in [cycle["title"] if cycle else None, main.title if main else None]
            if part
        )
        or file_name
    )
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return {
        "id": slug("source " + stem),
        "file": file_name,
        "language": "fr" if french >= english else "en",
        "title": title,
        "label": title,
    }


def _session_records(
    sessions: list[Session],
    cycle: dict[str, Any] | None,
    person_ids: dict[str, str],
    speakers: list[Speaker],
) -> list[dict[str, Any]]:
    taken: set[str] = set()
    records = []
    for session in sessions:
        label = f"seance {session.number or session.position or ''} {session.day or 'tba'}"
        records.append(
            {
                "id": slug(label, taken),
                "cycle": cycle["id"] if cycle else "cycle",
                "position": session.position,
                "number": session.number,
                "title": session.title or (cycle["title"] if cycle else "Séance"),
                "description": session.description,
                "printed_date": session.printed_date,
                "printed_weekday": session.weekday,
                "start": session.start if session.main or not _parses(session) else None,
                "end": session.end,
                "status": "to-be-announced" if session.to_be_announced else None,
                "registration": session.registration,
                "speakers": [person_ids[s.name] for s in speakers] if session.main else [],
                "quote": _one_or_list(session.quotes),
            }
        )
    for record, session in zip(records, sessions, strict=True):
        session.speakers = [str(record["id"])]
    return records


def _quote_in(source: Source, paragraphs: list[str], words: str) -> str | None:
    """A unique quote around `words` in one of `paragraphs`."""
    for paragraph in paragraphs:
        at = paragraph.find(words)
        if at >= 0:
            return source.quote(paragraph, at, at + len(words))
    return None


def _parses(session: Session) -> bool:
    from villegraph.records.dates import parse_printed

    return session.printed_date is not None and parse_printed(session.printed_date) is not None


def _talk_records(
    talks: list[Talk], main: Session | None, person_ids: dict[str, str], source: Source, nlp: Any
) -> list[dict[str, Any]]:
    taken: set[str] = set()
    records = []
    titles = list(nlp.pipe(talk.title for talk in talks))
    abstracts = list(nlp.pipe(" ".join(talk.abstract) for talk in talks))
    for talk, title_doc, abstract_doc in zip(talks, titles, abstracts, strict=True):
        themes = []
        notes = []
        for hit in suggest(nlp, title_doc, abstract_doc if talk.abstract else None):
            text = talk.title if hit.field == "title" else " ".join(talk.abstract)
            quote = _quote_in(source, talk.paragraphs, text[hit.start : hit.end])
            if quote is None:
                continue
            themes.append({"theme": hit.theme, "quote": quote})
            notes.append(f"theme {hit.theme}: score {hit.score:.2f}")
        family = talk.presenter.split(" ", 1)[-1]
        records.append(
            {
                COMMENT: notes,
                "id": slug(f"{family} {talk.title}", taken),
                "session": main.speakers[0] if main and main.speakers else "session",
                "presenter": person_ids.get(talk.presenter),
                "title": talk.title,
                "abstract": "\n\n".join(talk.abstract) or None,
                "themes": themes,
                "quote": _one_or_list(talk.quotes),
            }
        )
    return records


__all__ = ["Draft", "draft"]
