"""Near names for "did you mean …", ranked by rapidfuzz."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

MIN_SCORE = 65.0
"""The least similarity (0-100) a suggestion needs."""


def similarity(word: str, choice: str, **_: object) -> float:
    """The better of rapidfuzz's WRatio (a misspelt part of a longer name) and the Damerau-
    Levenshtein similarity (swapped letters in a short one: `cis` → `csi`), 0-100."""
    swapped = DamerauLevenshtein.normalized_similarity(word, choice) * 100
    return max(fuzz.WRatio(word, choice), swapped)


def near(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The choices closest to `word`, best first (ties in name order), at most `limit`."""
    ranked = process.extract(
        word, sorted(set(choices)), scorer=similarity, limit=None, score_cutoff=MIN_SCORE
    )
    ranked.sort(key=lambda match: (-match[1], match[0]))
    return [choice for choice, _, _ in ranked[:limit]]


__all__ = ["near"]
