"""The baseline every benchmark here stands beside: a plain pyoxigraph `Store().bulk_load` of a
project's Turtle files (ontology, thesaurus, data), timed in the same run as the figure."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def plain_bulk_load(data: Path) -> dict[str, Any]:
    """CPU and wall seconds of loading the project files of the data folder `data`, and quads."""
    import pyoxigraph as ox

    from villegraph.config import Settings
    from villegraph.load import project_files

    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": str(data)})
    started, wall = time.process_time(), time.perf_counter()
    store = ox.Store()
    for path, _name in project_files(settings):
        if path.suffix == ".ttl":
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return {"cpu": time.process_time() - started, "wall": time.perf_counter() - wall,
            "quads": len(store)}  # fmt: skip
