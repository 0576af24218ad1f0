"""Near names for "did you mean …", ranked by rapidfuzz."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

MIN_SCORE = 70.0
"""The least similarity (0-100, rapidfuzz WRatio) a suggestion needs."""


def near(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The choices closest to `word`, best first (ties in name order), at most `limit`."""
    ranked = process.extract(
        word, sorted(set(choices)), scorer=fuzz.WRatio, limit=None, score_cutoff=MIN_SCORE
    )
    ranked.sort(key=lambda match: (-match[1], match[0]))
    return [choice for choice, _, _ in ranked[:limit]]


__all__ = ["near"]
