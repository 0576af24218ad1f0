"""Site-wide search over labels: `/search?q=` (an HTML page, a plain GET form) and
`/search.json?q=` (suggestions for the search box as you type, read by /static/search.js).

The index holds every literal of the label properties (`LABEL_PROPERTIES`: names, labels, titles,
preferred and alternative labels — acronyms are `skos:altLabel` — and identifiers) of every IRI,
folded for matching: accents removed (NFKD without combining marks), case folded, spaces
collapsed. It is read once per served build (the store folder names the build) and held in
memory; stores without a folder (remote endpoints) are read on every request. A result shows the
resource's label in the page language, the label that matched when that is another one, its kind
and its link.

Matching does not loop over the entries in Python (`Index`): the folded texts are laid end to
end in one string, each after a newline (which no folded text holds), in the order hits are
ranked within one kind of match (entry kind, text length, IRI). Each kind of match — the whole
text, its start, a word's start, anywhere — is a `str.find` scan of that string from its start,
which meets the best texts first and stops once the hits to show are found. The total (every
matching entry) is one regular expression over a second string, one line per entry, counted in C.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import anyio.to_thread
from rdflib import Literal, URIRef
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from villegraph.folding import fold
from villegraph.store import Store
from villegraph.web.cache import PerBuild
from villegraph.web.i18n import chosen_language, message
from villegraph.web.pages import Linker, kept_parameters, pick_label, render

LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#hiddenLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
    "http://www.w3.org/ns/org#identifier",
)
DISPLAY_PROPERTIES = LABEL_PROPERTIES[:1] + LABEL_PROPERTIES[3:6]
"""The properties whose labels name a resource on the page (not its alternative labels)."""
Q_LABELS = (
    "SELECT ?x ?p ?label WHERE { VALUES ?p { "
    + " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    + " } ?x ?p ?label FILTER(isIRI(?x) && isLiteral(?label)) }"
)
MIN_LENGTH = 2
MAX_QUERY = 200
PAGE_LIMIT = 100
SUGGEST_LIMIT = 10
KINDS = {
    "person": ("personne", "person"),
    "org": ("organisation", "organisation"),
    "event": ("cycle ou séance", "cycle or session"),
    "talk": ("communication", "talk"),
    "membership": ("appartenance", "membership"),
    "role": ("rôle", "role"),
    "place": ("lieu", "place"),
    "programme": ("programme", "programme"),
    "theme": ("thème", "theme"),
    "source": ("source", "source"),
    "contact": ("contact", "contact point"),
    "def": ("terme de l'ontologie", "ontology term"),
}
"""First segment of a resource's path → its kind, in French and English."""
RANK_OF_KIND = {kind: index for index, kind in enumerate(KINDS)}


@dataclass
class Entry:
    """One resource of the index: its labels (to show) and every searchable text."""

    iri: str
    href: str | None
    kind: str
    names: list[Literal] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    """(folded, original) for every label property value."""


@dataclass(frozen=True)
class Hit:
    """A result: what to show, where it links, and the label that matched if not the shown one."""

    label: str
    kind: str
    href: str | None
    iri: str
    matched: str | None

    def to_json(self) -> dict[str, str | None]:
        return {
            "label": self.label,
            "kind": self.kind,
            "href": self.href,
            "iri": self.iri,
            "matched": self.matched,
        }


SEPARATOR = "\n"
"""What comes before each text in `Index.haystack` (and after the last): whitespace, so never in a
folded text, nor is `JOINER`, which joins the texts of one entry in `Index.by_entry`."""
JOINER = "\x1f"


class Index:
    """The entries, and their folded texts laid end to end for `str.find`: in `haystack` in the
    order hits are ranked within a kind of match (entry kind, text length, IRI), so that a scan
    meets the best first; in `by_entry` one line per entry, to count the matching entries."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        kinds = [RANK_OF_KIND.get(entry.kind, len(KINDS)) for entry in entries]
        places = [0] * len(entries)
        for place, number in enumerate(sorted(range(len(entries)), key=lambda n: entries[n].iri)):
            places[number] = place
        texts = sorted(
            (kinds[number], len(folded), places[number], number, folded)
            for number, entry in enumerate(entries)
            for folded, _ in entry.texts
        )
        self.owners = [text[3] for text in texts]
        """The entry (its number) of each text, in haystack order."""
        self.starts: list[int] = []
        """Where each text starts in the haystack (after its separator)."""
        self.ends: list[int] = []
        offset = 0
        for text in texts:
            self.starts.append(offset + len(SEPARATOR))
            offset += len(SEPARATOR) + len(text[4])
            self.ends.append(offset)
        self.haystack = "".join(SEPARATOR + text[4] for text in texts) + SEPARATOR
        self.by_entry = SEPARATOR.join(
            JOINER.join(folded for folded, _ in entry.texts) for entry in entries
        )

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def count(self, wanted: str) -> int:
        """How many entries have a text containing `wanted`: one match a line, in C."""
        return len(re.findall(re.escape(wanted) + "[^\n]*", self.by_entry))

    def first(self, wanted: str, limit: int) -> list[Entry]:
        """The first `limit` entries with a text containing `wanted` (folded), best first by
        how their best text matches it (whole, at its start, at a word's start, anywhere),
        then kind, that text's length and IRI. Each kind of match is a scan of the haystack,
        which meets texts in that order: it stops after `limit` entries."""
        chosen: list[int] = []
        seen: set[int] = set()
        word_starts = [" " + wanted]
        if not {" ", "-"} & set(wanted):
            word_starts.append("-" + wanted)
        for needles in (
            [SEPARATOR + wanted + SEPARATOR],
            [SEPARATOR + wanted],
            word_starts,
            [wanted],
        ):
            self._scan(needles, chosen, seen, limit)
            if len(chosen) >= limit:
                break
        return [self.entries[number] for number in chosen]

    def _scan(self, needles: list[str], chosen: list[int], seen: set[int], limit: int) -> None:
        """Add to `chosen` the entries of the texts holding one of `needles`, in haystack
        order, once each, until it holds `limit`; one `find` a text and needle, resumed at
        the end of the text found."""
        find, starts, ends, owners = self.haystack.find, self.starts, self.ends, self.owners
        ahead = [find(needle) for needle in needles]  # where each is next found; -1: nowhere
        while len(chosen) < limit:
            found = [at for at in ahead if at != -1]
            if not found:
                return
            at = min(found)
            text = bisect_right(starts, at + 1) - 1
            number = owners[text]
            if number not in seen:
                seen.add(number)
                chosen.append(number)
            resume = ends[text]
            ahead = [
                find(needle, resume) if -1 < was < resume else was
                for needle, was in zip(needles, ahead, strict=True)
            ]


def build_index(store: Store, base_iri: str) -> Index:
    """Every labelled IRI with its labels (blocking)."""
    linker = Linker(base_iri)
    entries: dict[str, Entry] = {}
    display = set(DISPLAY_PROPERTIES)
    for x, p, label in store.select(Q_LABELS).rows:
        if not isinstance(x, URIRef) or not isinstance(label, Literal):
            continue
        iri = str(x)
        entry = entries.get(iri)
        if entry is None:
            href = linker.href(iri)
            kind = (href or "/").lstrip("/").split("/")[0].split("#")[0]
            entry = entries[iri] = Entry(iri, href, kind)
        text = " ".join(str(label).split())
        if str(p) in display and label not in entry.names:
            entry.names.append(label)
        if (fold(text), text) not in entry.texts:
            entry.texts.append((fold(text), text))
    return Index(list(entries.values()))


index_for = PerBuild(build_index)
"""The index of the served build, read once per store folder (see the module docstring)."""


def search(
    entries: Index | Sequence[Entry], query: str, language: str, limit: int
) -> tuple[list[Hit], int]:
    """Entries whose labels contain `query` (folded), best first: a whole-label match, then a
    label starting with it, then a word starting with it, then anywhere; shorter labels first.
    The first `limit` hits, and how many entries matched in all."""
    index = entries if isinstance(entries, Index) else Index(list(entries))
    wanted = fold(query)
    if len(wanted) < MIN_LENGTH:
        return [], 0
    total = index.count(wanted)
    first = index.first(wanted, limit) if total else []
    hits = []
    for entry in first:
        matched = _best_text(entry, wanted)
        label = pick_label(entry.names, language) or matched
        hits.append(
            Hit(
                label=label,
                kind=kind_name(entry.kind, language),
                href=entry.href,
                iri=entry.iri,
                matched=None if fold(matched) == fold(label) else matched,
            )
        )
    return hits, total


def _best_text(entry: Entry, wanted: str) -> str:
    """The text of the entry that matched best: best rank, then shortest, then least."""
    ranked = []
    for folded, original in entry.texts:
        if wanted not in folded:
            continue
        if folded == wanted:
            rank = 0
        elif folded.startswith(wanted):
            rank = 1
        elif f" {wanted}" in f" {folded}" or any(
            part.startswith(wanted) for part in folded.replace("-", " ").split()
        ):
            rank = 2
        else:
            rank = 3
        ranked.append((rank, len(folded), original))
    return min(ranked)[2]


def kind_name(kind: str, language: str) -> str:
    """The name of a kind of resource in `language`."""
    french, english = KINDS.get(kind, (kind or "ressource", kind or "resource"))
    return english if language == "en" else french


async def _hits(request: Request, limit: int) -> tuple[str, str, list[Hit], int]:
    state = request.app.state
    language = chosen_language(request)
    query = request.query_params.get("q", "")[:MAX_QUERY]
    entries = await anyio.to_thread.run_sync(index_for, state.store, state.settings.base_iri)
    hits, total = search(entries, query, language, limit)
    return query, language, hits, total


async def search_page(request: Request) -> Response:
    """`/search?q=`: the results as a page; without `q`, the form and a short help."""
    query, language, hits, total = await _hits(request, PAGE_LIMIT)
    return render(
        "search.html",
        lang=language,
        path="/search",
        keep=kept_parameters(request),
        search_query=query,
        hits=hits,
        total=total,
        too_short=len(fold(query)) < MIN_LENGTH,
    )


async def search_json(request: Request) -> Response:
    """`/search.json?q=`: up to ten suggestions, `{"query", "results": [{label, kind, href,
    iri, matched}], "total", "more", "empty"}` where `total` counts every match, `more` is
    the link text to all of them when the results are cut, and `empty` is the page's "no
    result" sentence."""
    query, language, hits, total = await _hits(request, SUGGEST_LIMIT)
    return JSONResponse(
        {
            "query": query,
            "results": [hit.to_json() for hit in hits],
            "total": total,
            "more": (
                message("search_all", language).replace("{total}", str(total))
                if total > len(hits)
                else None
            ),
            "empty": f"{message('search_none', language)} « {query} »" if not hits else None,
        },
        headers={"Vary": "Accept-Language, Cookie", "X-Content-Type-Options": "nosniff"},
    )


__all__ = ["Hit", "Index", "build_index", "index_for", "search", "search_json", "search_page"]
