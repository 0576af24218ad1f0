"""Indexes over a loaded build that narrow a canned query before the store answers it
(`#+ label-index:` and `#+ pair-index:`, see `villegraph.queries`).

SPARQL on Oxigraph has no text index and no top-k: `FILTER(CONTAINS(LCASE(?label), …))` reads
every label of the graph, and a page of the pairs that share most themes counts every pair
before it cuts the page. An index here finds the few resources the answer's first rows can be
about; the query then runs on those only, with its own filter and order, so the answer is still
the store's. Indexes are made on first use, once per store that cannot change.

`LabelIndex`: the labels are laid end to end, each made `caseless` (`villegraph.folding`), in
the order `ORDER BY STRLEN(STR(?label)) ?label ?resource` gives them (length in code points,
then the label's code points, then the resource), so a `str.find` scan meets them in the
answer's order and stops once it has enough. `caseless` maps each character on its own and
keeps whatever lower-casing keeps, so every label whose `LCASE` contains `LCASE(text)` is found;
it may also find a few that the query's filter then drops (`ß` and `ss` are one caseless text),
which the caller allows for. A label holding a character this Python's Unicode tables do not
know (whose lower case the store may know) is kept aside and always offered.

`PairIndex`: the links of one property (a person's stated themes) as integer arrays, so that
what one subject shares with every other is counted by numpy in milliseconds.

`ReachIndex`: a query's reach pass (`villegraph.reach`) run once with one parameter left unbound,
its rows grouped by that parameter's value: who-works-on's pass orders every attribution of the
theme by score, which at ten million triples costs what the page itself did; read from the
index, the page's people are found in microseconds.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from rdflib.term import Identifier

from villegraph.folding import caseless

LOG = logging.getLogger(__name__)

SEPARATOR = b"\n"
"""Between two texts of the haystack. A label may hold one too: a match that spans two texts
is no match (`LabelIndex.matches` checks where it ends)."""


@dataclass(frozen=True)
class Candidates:
    """What a scan found: the resources (N-Triples) of the labels that may match, and the sort
    key `(length, label)` up to which every match is among them (None: every match is)."""

    resources: list[str]
    reach: tuple[int, str] | None
    blank: bool
    """True when a label of a blank node may match: a blank node cannot be named in a query,
    so the caller must run the query over every label."""


class LabelIndex:
    """Labels of a build in answer order, `caseless`, laid end to end in UTF-8 for `find`.

    Bytes rather than str: one character outside Latin-1 among millions of labels would make a
    str of them all two or four bytes a character. A UTF-8 needle found in UTF-8 text always
    starts and ends on characters."""

    def __init__(self, labels: Iterable[tuple[str, str]]) -> None:
        """`labels`: (resource in N-Triples syntax, label's lexical form) pairs, any order."""
        resources: dict[str, int] = {}
        owners: list[int] = []
        texts: list[str] = []
        for resource, label in labels:
            owners.append(resources.setdefault(resource, len(resources)))
            texts.append(label)
        by_label = np.array(sorted(range(len(texts)), key=texts.__getitem__), dtype=np.int64)
        lengths = np.array([len(texts[n]) for n in by_label], dtype=np.int64)
        order = by_label[np.argsort(lengths, kind="stable")]  # by length, then by label
        self.owners = array("i", (owners[n] for n in order))
        """The resource (its number) of each label, in haystack order."""
        self.starts = array("q")
        """Where each label's caseless text starts in the haystack (a byte offset)."""
        self.texts = array("q")
        """Where each label starts in `originals` (a byte offset)."""
        self.unknown: list[int] = []
        """Labels holding a character unknown to this Python's Unicode tables."""
        haystack, originals = bytearray(), bytearray()
        for number, label in enumerate(texts[n] for n in order):
            self.starts.append(len(haystack))
            self.texts.append(len(originals))
            haystack += caseless(label).encode()
            haystack += SEPARATOR
            originals += label.encode()
            if not label.isprintable() and _has_unknown(label):
                self.unknown.append(number)
        self.starts.append(len(haystack))
        self.texts.append(len(originals))
        self.haystack = bytes(haystack)
        self.originals = bytes(originals)
        del haystack, originals
        names = [name.encode() for name in resources]
        self._names = b"".join(names)
        self._name_starts = array("q", [0])
        for name in names:
            self._name_starts.append(self._name_starts[-1] + len(name))

    def __len__(self) -> int:
        return len(self.owners)

    def resource(self, number: int) -> str:
        """The resource (N-Triples) of the `number`th label."""
        owner = self.owners[number]
        return self._names[self._name_starts[owner] : self._name_starts[owner + 1]].decode()

    def label(self, number: int) -> str:
        """The label (as written) of the `number`th text."""
        return self.originals[self.texts[number] : self.texts[number + 1]].decode()

    def key(self, number: int) -> tuple[int, str]:
        """The `number`th label's place in the answer's order: (length, label)."""
        label = self.label(number)
        return len(label), label

    def matches(self, text: str, start: int = 0) -> Iterator[int]:
        """The labels (their numbers) whose caseless text holds `text` made caseless, in
        haystack order, from the `start`th label on."""
        needle = caseless(text).encode()
        find, starts = self.haystack.find, self.starts
        position = starts[start] if start < len(self) else len(self.haystack)
        while True:
            at = find(needle, position)
            if at == -1:
                return
            number = bisect_right(starts, at) - 1
            if number >= len(self):  # the empty text, found past the last label
                return
            end = starts[number + 1] - len(SEPARATOR)
            if at + len(needle) <= end:
                yield number
                position = starts[number + 1]
            else:  # across a separator: look again from the next byte
                position = at + 1

    def candidates(self, text: str, wanted: int) -> Candidates:
        """The resources of the first `wanted` labels that may hold `text` (and of every label
        that ties with the last of them in the answer's order), with how far that reaches."""
        numbers: list[int] = []
        reach: tuple[int, str] | None = None
        for number in self.matches(text):
            if reach is not None and self.key(number) != reach:
                break
            numbers.append(number)
            if reach is None and len(numbers) >= wanted:
                reach = self.key(number)
        else:
            reach = None  # the scan met every label that may match
        chosen = dict.fromkeys(self.resource(n) for n in numbers + self.unknown)
        return Candidates(list(chosen), reach, any(r.startswith("_:") for r in chosen))


def _has_unknown(label: str) -> bool:
    """True when `label` holds a code point that this Python's Unicode tables leave unassigned."""
    return any(unicodedata.category(c) == "Cn" for c in label)


def needs_store(text: str) -> bool:
    """True when the index cannot look `text` up: it holds a character this Python's Unicode
    tables do not know (its lower case is the store's to say) or a lone surrogate (no UTF-8)."""
    if text.isprintable():
        return False
    return _has_unknown(text) or any("\ud800" <= c <= "\udfff" for c in text)


class PairIndex:
    """The links of one property, subject to object, as arrays: `shared` counts, for one
    subject, the objects it shares with each other subject."""

    def __init__(self, links: Iterable[tuple[str, str]]) -> None:
        """`links`: (subject, object) pairs in N-Triples syntax, any order, repeats allowed."""
        subjects: dict[str, int] = {}
        objects: dict[str, int] = {}
        pairs = {
            (subjects.setdefault(s, len(subjects)), objects.setdefault(o, len(objects)))
            for s, o in links
        }
        table = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        self.subjects = list(subjects)
        """Subject terms (N-Triples) by number."""
        self._numbers = subjects
        self._objects_of = _grouped(table[:, 0], table[:, 1], len(subjects))
        self._subjects_of = _grouped(table[:, 1], table[:, 0], len(objects))
        order = sorted(range(len(self.subjects)), key=lambda n: self.subjects[n].strip("<>"))
        self._rank = np.empty(len(self.subjects), dtype=np.int64)
        self._rank[order] = np.arange(len(order))
        """Each subject's place in the order of its IRI (SPARQL's order of IRIs)."""

    def shared(self, subject: str, least: int, count: int) -> list[tuple[str, int]]:
        """The first `count` other subjects sharing at least `least` (and one) objects with
        `subject`, most shared first, then by IRI; with how many they share."""
        number = self._numbers.get(subject)
        if number is None:
            return []
        starts, members = self._objects_of
        mine = members[starts[number] : starts[number + 1]]
        starts, members = self._subjects_of
        others = np.concatenate(
            [members[starts[o] : starts[o + 1]] for o in mine] or [np.empty(0, dtype=np.int64)]
        )
        counts = np.bincount(others, minlength=len(self.subjects))
        counts[number] = 0
        chosen = np.flatnonzero(counts >= max(least, 1))
        order = np.lexsort((self._rank[chosen], -counts[chosen]))[:count]
        return [(self.subjects[n], int(counts[n])) for n in chosen[order]]


class ReachIndex:
    """A reach pass's rows for every value of one of its parameters, grouped by that value in
    the pass's order: what the pass gives with the parameter bound, without running it."""

    def __init__(
        self, variables: Sequence[str], rows: Iterable[Sequence[Identifier | None]], over: str
    ) -> None:
        """`rows`: the pass's answer with `over` left unbound (so projected), in its order."""
        self.variables = [name for name in variables if name != over]
        column = list(variables).index(over)
        kept = [n for n in range(len(variables)) if n != column]
        self._rows: dict[Identifier, list[tuple[Identifier | None, ...]]] = {}
        for row in rows:
            value = row[column]
            if value is not None:
                self._rows.setdefault(value, []).append(tuple(row[n] for n in kept))

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    def rows(self, value: Identifier) -> list[tuple[Identifier | None, ...]]:
        """The pass's rows (without the parameter's column) with the parameter bound to
        `value`; none for a value the pass never gave."""
        return self._rows.get(value, [])


def _grouped(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """`values` grouped by `keys` (0 … size-1): where each key's values start, and the values."""
    order = np.argsort(keys, kind="stable")
    starts = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=starts[1:])
    return starts, values[order]


Index = TypeVar("Index", LabelIndex, PairIndex, ReachIndex)


class IndexCache:
    """Indexes made on first use, one per kind and key, each by one thread of its own (a store
    answers without it meanwhile: at ten million triples the labels take about 10 s)."""

    def __init__(self) -> None:
        self._making: dict[tuple[type, tuple[str, ...]], _Making] = {}
        self._lock = threading.Lock()

    def get(
        self,
        kind: type[Index],
        key: tuple[str, ...],
        make: Callable[[tuple[str, ...]], Index],
        *,
        wait: bool,
    ) -> Index | None:
        """The index of `kind` for `key`, its making started the first time; with `wait`,
        once made (its error raised if it failed), else None while it is being made (or if
        it failed: the store answers without it)."""
        with self._lock:
            making = self._making.get((kind, key))
            if making is None:
                making = self._making[(kind, key)] = _Making(lambda: make(key))
        if wait:
            making.done.wait()
            if making.error is not None:
                raise making.error
        index = making.value
        assert index is None or isinstance(index, kind)
        return index


class _Making:
    """One index being made on a daemon thread (a command that ends does not wait for it)."""

    def __init__(self, make: Callable[[], object]) -> None:
        self.value: object = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._make = make
        threading.Thread(target=self._run, name="villegraph-index", daemon=True).start()

    def _run(self) -> None:
        try:
            self.value = self._make()
        except Exception as error:  # kept for `wait`; without it the store answers alone
            self.error = error
            LOG.warning("index not made: %s", error)
        finally:
            self.done.set()


__all__ = ["Candidates", "IndexCache", "LabelIndex", "PairIndex", "ReachIndex", "needs_store"]
