"""What a build's outputs cost the store's own code alone: a floor under the build's time.

    .venv/bin/python benchmarks/bench_floor.py /tmp/net [--dist /tmp/net/dist]   # built before
    .venv/bin/python benchmarks/bench_floor.py                   # a 100k network made and built

A build reads the data files, derives, validates and writes five dumps with their `.gz` copies.
This times what the store's own code does for the same work, with no Python between: the data
files bulk-loaded into their graphs; the project's rules (`ontology/rules/*.rq`), each
evaluated once, whole (the build evaluates the large ones in slices), in file order, its
N-Triples loaded into the derived graph before the next (the build's second pass evaluates
none; the count derived is printed beside the build's); then the store's own serialisers
writing N-Quads and TriG of that dataset and N-Triples, Turtle and JSON-LD of the union (read
into a second store from the build's N-Triples, not timed), and the gzip copies of those five
files at the build's level. Validation is left out (its queries are made by the build's own
engine): the build's validate stage is printed beside.

Their sum is the least CPU a build deriving and writing the same files could take, printed as
multiples of a plain `bulk_load` of the data files (the baseline every figure stands beside),
then spread over the machine's cores with nothing waiting: the least wall time. Beside them,
the build's own figures (its build.json). Oxigraph's JSON-LD is not the build's compacted
JSON-LD, the store's Turtle of the union leaves out the build's grouping, and the literals are
in the store's forms: the floor is a lower bound, not the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
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
    dataset, derived = _derive(root, str(info["base_iri"]), rows)
    union = ox.Store()
    union.bulk_load(path=str(dist / "villegraph.nt"), format=ox.RdfFormat.N_TRIPLES)
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
    cores = os.cpu_count() or 1
    spread = total / cores
    print(
        f"| the floor on {cores} cores, nothing waiting | | {spread:.2f} | "
        f"wall {spread / base['wall']:.1f} |"
    )
    print(f"derived: {derived} triples here, {info.get('derived')} in the build")
    timings, cpu_seconds = info.get("timings", {}), info.get("cpu_seconds", {})
    if timings:
        wall_all, cpu_all = sum(timings.values()), sum(cpu_seconds.values())
        print(
            f"| the build (build.json) | {cpu_all:.2f} | {wall_all:.2f} | "
            f"{cpu_all / base['cpu']:.1f} (wall {wall_all / base['wall']:.1f}) |"
        )
        for stage in ("infer", "validate", "dump"):
            print(
                f"| its {stage} stage | {cpu_seconds.get(stage, 0):.2f} | "
                f"{timings.get(stage, 0):.2f} | {cpu_seconds.get(stage, 0) / base['cpu']:.1f} |"
            )


def _derive(root: Path, base_iri: str, rows: list[tuple[str, float, float]]) -> tuple[Any, int]:
    """The data files bulk-loaded into their graphs and what the project's rules derive from
    them, each step timed into `rows` (see the module docstring): the store, and how many
    triples were derived."""
    import pyoxigraph as ox

    from villegraph.config import Settings
    from villegraph.infer import DERIVED_GRAPH, load_rules, run_rule
    from villegraph.load import graph_iri, project_files

    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": str(root / "data")})
    store = ox.Store()
    cpu, wall = _cpu(), time.perf_counter()
    for path, name in project_files(settings):
        if path.suffix == ".ttl":
            store.bulk_load(
                path=str(path),
                format=ox.RdfFormat.TURTLE,
                to_graph=ox.NamedNode(graph_iri(base_iri, name)),
            )
    rows.append(
        ("the data files, bulk-loaded into their graphs", _cpu() - cpu, time.perf_counter() - wall)
    )
    graph = ox.NamedNode(graph_iri(base_iri, DERIVED_GRAPH))
    assert settings.ontology_dir is not None
    before = len(store)
    evaluated, loaded = [0.0, 0.0], [0.0, 0.0]
    for rule in load_rules(settings.ontology_dir / "rules"):
        cpu, wall = _cpu(), time.perf_counter()
        result = run_rule(store, rule, base_iri)
        evaluated[0] += _cpu() - cpu
        evaluated[1] += time.perf_counter() - wall
        cpu, wall = _cpu(), time.perf_counter()
        store.load(result, ox.RdfFormat.N_TRIPLES, to_graph=graph)
        loaded[0] += _cpu() - cpu
        loaded[1] += time.perf_counter() - wall
    rows.append(("the rules, each evaluated once, whole", evaluated[0], evaluated[1]))
    rows.append(("loading what they derived", loaded[0], loaded[1]))
    return store, len(store) - before  # the rules write to the derived graph only


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
