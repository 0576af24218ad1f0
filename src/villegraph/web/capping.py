"""Lists a page shortens, and says it shortened.

Each page query asks one row more than it shows; `capped` keeps the rows shown and notes the
list's name when there were more, so the page can name what it cut (`cut_notice.html`).
"""

from __future__ import annotations

from typing import TypeVar

R = TypeVar("R")


def capped(rows: list[R], limit: int, name: str, cut: list[str]) -> list[R]:
    """The first `limit` rows; when there were more, `name` is noted in `cut`."""
    if len(rows) <= limit:
        return rows
    if name not in cut:
        cut.append(name)
    return rows[:limit]


__all__ = ["capped"]
