"""The baseline every benchmark here stands beside: a plain pyoxigraph `Store().bulk_load` of a
project's Turtle files (ontology, thesaurus, data), timed in the same run as the figure."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


@contextlib.contextmanager
def generated_project(triples: str = "100k", seed: int = 1) -> Iterator[Path]:
    """A temporary project folder whose data/ holds `villegraph generate --triples TRIPLES
    --seed SEED`: what a benchmark measures when it is given no network (as `run.py` runs it).
    Removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="villegraph-bench-") as made:
        generate = ["generate", "--triples", triples, "--seed", str(seed), "--out", f"{made}/data"]
        subprocess.run([sys.executable, "-m", "villegraph", *generate], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        yield Path(made)


def on_network(data: Path | None, measure: Callable[[Path], object]) -> None:
    """`measure(data)`, or, without `data`, `measure` of the data folder of a generated 100k
    network (`generated_project`)."""
    if data is not None:
        measure(data)
        return
    with generated_project() as made:
        measure(made / "data")
