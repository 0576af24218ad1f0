"""The result cache: answers kept per build, since an answer changes only when a build swaps in.

One `ResultCache` serves a `PooledStore` and all its lanes: the endpoint's serialised answers
(keyed by the query's fingerprint as the engine parses it, the dataset parameters, the result
media type, the caps and the base IRI) and the store-level queries of pages and canned queries
(keyed by the query text, its bindings and its caps; the worker's answer is kept as the bytes it
arrived in, so its size is known exactly and no caller can change a cached answer).

- **Bounded.** Entries are dropped least recently used first once their sizes add up to more
  than `budget` bytes; an answer over `max_entry` bytes is not kept at all.
- **One build at a time.** The cache names the build it holds answers of. `reset(build)` (called
  by `PooledStore.swap`, before any request reaches the new build's workers) empties it and names
  the new build; `put` keeps an answer only if it came from the build named now, so a query that
  started on the old build can never fill the new build's cache.
- **What is kept.** Successful answers only, truncated ones included (with their truncation
  flag, so the headers say so again). Errors, timeouts and refusals are never kept.

Every method takes a lock: the endpoint calls it on the event loop, pages from worker threads.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from villegraph.store import Store

T = TypeVar("T")

ENTRY_OVERHEAD = 200
"""Bytes charged to each entry on top of its payload (key, bookkeeping)."""


@dataclass(frozen=True)
class Entry:
    """A kept answer: its bytes, what the response needs besides them, and the build."""

    body: bytes
    build: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD


@dataclass
class CacheStats:
    """Counters for logs, tests and benchmarks."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    evicted: int = 0
    too_big: int = 0
    stale: int = 0
    """Answers refused because they came from a build other than the one named now."""


class ResultCache:
    """Answers of the current build, least recently used dropped first past `budget` bytes."""

    def __init__(self, budget: int, max_entry: int | None = None, build: str = "") -> None:
        self.budget = max(0, budget)
        self.max_entry = self.budget if max_entry is None else min(max_entry, self.budget)
        self._build = build
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.stats = CacheStats()

    @property
    def build(self) -> str:
        """The build whose answers the cache holds."""
        return self._build

    @property
    def size(self) -> int:
        """Bytes held now (payloads plus the overhead of each entry)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry | None:
        """The kept answer for `key`, or None (counted as a miss)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.stats.misses += 1
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return entry

    def put(self, key: Hashable, entry: Entry) -> bool:
        """Keep `entry` if it is of the current build and small enough; True if kept."""
        size = entry.size
        with self._lock:
            if entry.build != self._build:
                self.stats.stale += 1
                return False
            if size > self.max_entry:
                self.stats.too_big += 1
                return False
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
                self.stats.evicted += 1
            self.stats.stored += 1
            return True

    def reset(self, build: str) -> None:
        """Forget every answer and hold those of `build` from now on."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._build = build


class PassedTexts:
    """Query texts the guard let through lately, with their fingerprint as the engine reads
    them (`fingerprint(as_parsed=True)`): a text sent again is looked up in the cache at the
    cost of a dictionary look-up, without being read again. Texts over `max_chars` are not
    remembered (at most `size` of them, so a few MB)."""

    def __init__(self, size: int = 2048, max_chars: int = 8192) -> None:
        self.size = size
        self.max_chars = max_chars
        self._keys: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> str | None:
        """The fingerprint of `text` if the guard passed it lately."""
        with self._lock:
            key = self._keys.get(text)
            if key is not None:
                self._keys.move_to_end(text)
            return key

    def add(self, text: str, key: str) -> None:
        """Remember that the guard passed `text`, whose fingerprint is `key`."""
        if len(text) > self.max_chars:
            return
        with self._lock:
            self._keys[text] = key
            self._keys.move_to_end(text)
            while len(self._keys) > self.size:
                self._keys.popitem(last=False)


def etag_for(build: str, key: Hashable) -> str:
    """A weak ETag naming the build and the request (`W/"<build>-<digest>"`)."""
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:16]
    return f'W/"{build}-{digest}"'


__all__ = ["CacheStats", "Entry", "PassedTexts", "ResultCache", "etag_for"]


class PerBuild(Generic[T]):
    """A value made from the served build on first use (an index of its labels), kept while
    that build is served: one per store folder and base IRI, the last one only. A store
    without a folder (in memory) gets a fresh value each time."""

    def __init__(self, make: Callable[[Store, str], T]) -> None:
        self._make = make
        self._kept: dict[tuple[int, str], T] = {}
        self._lock = threading.Lock()

    def __call__(self, store: Store, base_iri: str) -> T:
        """The value for this store and base IRI, made once."""
        location = getattr(store, "path", None)
        if location is None:
            return self._make(store, base_iri)
        key = (id(store), f"{location}|{base_iri}")
        with self._lock:
            if key in self._kept:
                return self._kept[key]
        value = self._make(store, base_iri)
        with self._lock:
            self._kept.clear()
            self._kept[key] = value
        return value
