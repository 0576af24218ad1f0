"""PerBuild: an index made once per served build, remade for another build, never kept for a
store without a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from villegraph.web.cache import PerBuild


class FakeStore:
    """Stands in for a Store: PerBuild reads only its identity and `path`."""

    def __init__(self, path: Path | None) -> None:
        self.path = path


def test_made_once_per_build_and_base(tmp_path: Path) -> None:
    made: list[tuple[Any, str]] = []

    def make(store: Any, base: str) -> list[str]:
        made.append((store, base))
        return [base, str(len(made))]

    per_build = PerBuild(make)
    first = FakeStore(tmp_path / "a")
    assert per_build(first, "https://x/") is per_build(first, "https://x/")
    assert len(made) == 1
    assert per_build(first, "https://y/") == ["https://y/", "2"]
    second = FakeStore(tmp_path / "b")
    per_build(second, "https://x/")
    assert len(made) == 3
    per_build(first, "https://x/")  # the first build's value was dropped when the second came
    assert len(made) == 4


def test_store_without_folder_is_never_kept() -> None:
    calls = 0

    def make(store: Any, base: str) -> int:
        nonlocal calls
        calls += 1
        return calls

    per_build = PerBuild(make)
    memory = FakeStore(None)
    assert [per_build(memory, "b"), per_build(memory, "b")] == [1, 2]
