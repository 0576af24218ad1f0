"""A new project folder: `villegraph init DIR` copies the example project into it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from villegraph.errors import InputError, UsageError
from villegraph.resources import example_project

DATA = "data"


@dataclass(frozen=True)
class NewProject:
    """What `create_project` wrote."""

    root: Path
    data_files: list[Path]
    """The RDF files of `data/`, relative to the root."""
    sources: list[Path]
    """The source texts under `data/sources/`, relative to the root."""


def create_project(folder: Path) -> NewProject:
    """Create `folder` (absent or empty) holding the example project's `data/`.

    Raises UsageError for a folder that holds anything, InputError when it cannot be written."""
    if folder.exists():
        if not folder.is_dir():
            raise UsageError(f"{folder} is a file, not a folder")
        if any(folder.iterdir()):
            raise UsageError(f"{folder} is not empty: init only creates new project folders")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(
            example_project() / DATA,
            folder / DATA,
            ignore=shutil.ignore_patterns(".*", "__pycache__"),
        )
    except OSError as error:
        raise InputError(f"cannot create the project: {error.strerror or error}", folder) from None
    written = sorted(p.relative_to(folder) for p in (folder / DATA).rglob("*") if p.is_file())
    sources = [p for p in written if p.parts[1] == "sources"]
    data_files = [p for p in written if p not in sources]
    return NewProject(folder, data_files, sources)


__all__ = ["NewProject", "create_project"]
