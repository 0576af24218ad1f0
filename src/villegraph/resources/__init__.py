"""The files villegraph ships: the ontology (with its shapes, thesaurus and rules), the canned
queries, the JSON-LD context and the example project.

They live in this package folder, so an installed wheel finds them where it is installed. The
example project (`data/` of the announcement, with its source text) is the checkout's own
`data/` folder: the wheel gets a copy of it under `example/data/` when it is built (`setup.py`),
and a development checkout uses it in place.
"""

from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).resolve().parent
ONTOLOGY_DIR = PACKAGED / "ontology"
QUERIES_DIR = PACKAGED / "queries"
CONTEXT_FILE = PACKAGED / "context.jsonld"
EXAMPLE_DIR = PACKAGED / "example"
"""Where a wheel holds the example project (absent in a development checkout)."""
CHECKOUT = PACKAGED.parents[2]
"""The repository checkout, when villegraph runs from one (src/villegraph/resources)."""


def is_checkout(folder: Path = CHECKOUT) -> bool:
    """Whether `folder` is a development checkout of villegraph (its own data beside src/)."""
    return (folder / "pyproject.toml").is_file() and (folder / "src" / "villegraph").is_dir()


def example_project() -> Path:
    """The folder holding the example project's `data/`: the packaged copy, else the checkout."""
    if (EXAMPLE_DIR / "data").is_dir():
        return EXAMPLE_DIR
    return CHECKOUT


__all__ = [
    "CHECKOUT",
    "CONTEXT_FILE",
    "EXAMPLE_DIR",
    "ONTOLOGY_DIR",
    "PACKAGED",
    "QUERIES_DIR",
    "example_project",
    "is_checkout",
]
