"""What a build's outputs cost the store's own code alone: a floor under the build's time.

    .venv/bin/python benchmarks/bench_floor.py /tmp/net [--dist /tmp/net/dist]   # built before
    .venv/bin/python benchmarks/bench_floor.py                   # a 100k network made and built

A build reads the data files, derives, validates and writes five dumps with their `.gz` copies.
This times what no Python is needed for, on the build's own outputs: a plain `bulk_load` of the
data files (the baseline every figure stands beside), a `bulk_load` of the built N-Quads (the
store's work of holding the data and the derived triples), then the store's own serialisers
writing N-Quads and TriG of the dataset and N-Triples, Turtle and JSON-LD of the union (read
into a second store from the build's N-Triples, not timed), and the gzip copies of those five
files at the build's level. Their sum is the least a build writing the same files in the same
way could cost, before deriving or validating anything; printed beside the build's own dump
and whole times (its build.json) and as multiples of the plain load. (Oxigraph's JSON-LD is not
the build's compacted JSON-LD, and the store's Turtle of the union leaves out the build's
grouping: the floor is a lower bound, not the same bytes.)
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from baseline import generated_project, plain_bulk_load


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(rows: list[tuple[str, float, float]], name: str, work: Callable[[], object]) -> None:
    cpu, wall = _cpu(), time.perf_counter()
    work()
    rows.append((name, _cpu() - cpu, time.perf_counter() - wall))


def floor(root: Path, dist: Path) -> None:
    """Print the floor of the build of `root` whose outputs are in `dist`."""
    import pyoxigraph as ox

    from villegraph.unionwriter import serialisation_prefixes

    base = plain_bulk_load(root / "data")
    info = json.loads((dist / "build.json").read_text(encoding="utf-8"))
    prefixes = serialisation_prefixes(str(info["base_iri"]))
    rows: list[tuple[str, float, float]] = []
    dataset, union = ox.Store(), ox.Store()
    union.bulk_load(path=str(dist / "villegraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    _timed(
        rows,
        "bulk_load of the built N-Quads",
        lambda: dataset.bulk_load(path=str(dist / "villegraph.nq"), format=ox.RdfFormat.N_QUADS),
    )
    with tempfile.TemporaryDirectory(prefix="villegraph-floor-") as made:
        out = Path(made)
        dumps = {
            "N-Quads": (dataset, ox.RdfFormat.N_QUADS, "a.nq", None),
            "TriG": (dataset, ox.RdfFormat.TRIG, "a.trig", None),
            "N-Triples of the union": (union, ox.RdfFormat.N_TRIPLES, "a.nt", ox.DefaultGraph()),
            "Turtle of the union": (union, ox.RdfFormat.TURTLE, "a.ttl", ox.DefaultGraph()),
            "JSON-LD of the union": (union, ox.RdfFormat.JSON_LD, "a.jsonld", ox.DefaultGraph()),
        }
        for name, (store, rdf_format, file, graph) in dumps.items():
            options: dict[str, Any] = {"from_graph": graph} if graph is not None else {}
            if rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE):
                options["prefixes"] = prefixes
            _timed(rows, name, partial(store.dump, str(out / file), rdf_format, **options))
        _timed(rows, "gzip copies of the five", lambda: _compress(sorted(out.iterdir())))
    print(f"plain bulk_load of the data files: {base['cpu']:.2f} s CPU, {base['wall']:.2f} s wall")
    print("| what | CPU s | wall s | × plain load (CPU) |\n|---|---|---|---|")
    for name, cpu, wall in rows:
        print(f"| {name} | {cpu:.2f} | {wall:.2f} | {cpu / base['cpu']:.1f} |")
    total = sum(cpu for _, cpu, _ in rows)
    print(f"| **the floor (sum)** | {total:.2f} | | {total / base['cpu']:.1f} |")
    timings, cpu_seconds = info.get("timings", {}), info.get("cpu_seconds", {})
    if timings:
        wall_all, cpu_all = sum(timings.values()), sum(cpu_seconds.values())
        print(
            f"| the build (build.json) | {cpu_all:.2f} | {wall_all:.2f} | "
            f"{cpu_all / base['cpu']:.1f} (wall {wall_all / base['wall']:.1f}) |"
        )
        print(
            f"| its dump stage | {cpu_seconds.get('dump', 0):.2f} | {timings.get('dump', 0):.2f} "
            f"| {cpu_seconds.get('dump', 0) / base['cpu']:.1f} |"
        )


def _compress(paths: list[Path]) -> None:
    from villegraph.dumpfiles import gzip_compressor

    for path in paths:
        compressor = gzip_compressor()
        with path.open("rb") as file:
            while piece := file.read(1 << 20):
                compressor.compress(piece)
        compressor.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?", help="a project folder with data/ and dist/")
    parser.add_argument("--dist", type=Path, help="its build (default: ROOT/dist)")
    args = parser.parse_args()
    if args.root is not None:
        floor(args.root, args.dist or args.root / "dist")
        return
    with generated_project() as made:
        from villegraph.build import build
        from villegraph.config import Settings

        report = build(Settings.from_env(root=made), made / "dist")
        try:
            floor(made, report.out_dir)
        finally:
            shutil.rmtree(made / "dist", ignore_errors=True)


if __name__ == "__main__":
    main()
