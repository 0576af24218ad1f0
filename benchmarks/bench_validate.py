"""How long SHACL validation takes on the real graph, and why validate() is set up as it is.

Run: .venv/bin/python benchmarks/bench_validate.py [--runs N] [--synthetic 10000,100000]

Rows:
- villegraph.validate on the union of ontology + themes + data (what `villegraph validate` sees)
- the same on the built graph with the derived facts (what `villegraph build` validates)
- pyshacl called directly with the same options, its SPARQL answered by rdflib
- pyshacl with inference="rdfs" (the alternative to "none")
- with --synthetic: on synthetic networks of about that many triples before derivation
  (villegraph.synth), built as the build does: a plain pyoxigraph `Store().bulk_load` of the
  same files, the store engine on the build's store (as the build validates), and pyshacl
  (the reference engine, with the rdflib graph it needs made first); peak RSS after each row
Medians of wall-clock seconds; the result counts show that the variants agree.
`--data DIR` runs the synthetic rows on a network already written by `villegraph generate`
(e.g. `--triples 1M --seed 1`), `--store-only` leaves pyshacl out (too slow at 1M); the
synthetic rows also give CPU seconds (user + sys), the figure to compare on a shared machine;
they run with Python's cyclic garbage collector paused, as the build runs them.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SH

from villegraph.config import Settings
from villegraph.resources import ONTOLOGY_DIR
from villegraph.validate import load_shapes, validate

ROOT = Path(__file__).resolve().parents[1]


def source_graph() -> Graph:
    """Ontology, thesaurus and data files parsed with rdflib into one graph."""
    graph = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if path.name != "shapes.ttl":
            graph.parse(path)
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


def built_graph(settings: Settings) -> tuple[Graph, Any] | None:
    """The union graph with the derived facts and its Oxigraph store, as the build has them."""
    try:
        from villegraph.infer import infer, load_rules
        from villegraph.load import load_dataset, to_rdflib_graph
    except ImportError:
        return None
    dataset = load_dataset(settings)
    infer(dataset, load_rules(Path(settings.ontology_dir or ONTOLOGY_DIR) / "rules"))
    return to_rdflib_graph(dataset), dataset.store


def synthetic_settings(triples: int, work: Path) -> Settings:
    """Settings whose data folder holds a synthetic network of about `triples` triples."""
    from villegraph.synth import generate, people_for_triples

    out = work / f"synthetic-{triples}"
    generate(
        out,
        people=people_for_triples(triples),
        seed=1,
        themes_path=ONTOLOGY_DIR / "themes.ttl",
        roles_path=ROOT / "data" / "roles.ttl",
    )
    return Settings(root=ROOT, data_dir=out)


def pyshacl_direct(data: Graph, shapes: Graph, inference: str) -> int:
    """pyshacl on its own (copying the data graph, parsing every SPARQL text per focus node)."""
    from pyshacl import validate as pyshacl_validate

    _, report, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        inference=inference,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        do_owl_imports=False,
    )
    return len(list(report.subjects(RDF.type, SH.ValidationResult)))


def median_time(work: Callable[[], int], runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per row (median reported)")
    parser.add_argument(
        "--synthetic",
        default="",
        help="comma-separated sizes (triples before derivation) of synthetic networks to add",
    )
    parser.add_argument("--data", type=Path, help="a generated network for the synthetic rows")
    parser.add_argument("--store-only", action="store_true", help="synthetic rows without pyshacl")
    args = parser.parse_args()
    if args.data:
        settings = Settings(root=ROOT, data_dir=args.data.resolve())
        synthetic_engines(settings, 0, pyshacl=not args.store_only)
        return
    settings = Settings(root=ROOT)
    shapes = load_shapes(settings)
    source = source_graph()
    rows: list[tuple[str, int, Callable[[], int]]] = [
        (
            "validate(): ontology + themes + data",
            len(source),
            lambda: len(validate(source, shapes).results),
        ),
    ]
    built = built_graph(settings)
    if built is not None:
        graph, store = built
        rows.append(
            (
                "validate(): built graph with derived facts",
                len(graph),
                lambda: len(validate(graph, shapes, sparql_store=store).results),
            )
        )
    rows += [
        (
            "pyshacl direct (rdflib SPARQL), inference=none",
            len(source),
            lambda: pyshacl_direct(source, shapes, "none"),
        ),
        (
            "pyshacl direct (rdflib SPARQL), inference=rdfs",
            len(source),
            lambda: pyshacl_direct(source, shapes, "rdfs"),
        ),
    ]
    print(f"{'what':<50} {'triples':>8} {'median s':>9} {'results':>8}", flush=True)
    for name, triples, work in rows:
        seconds, count = median_time(work, args.runs)
        print(f"{name:<50} {triples:>8} {seconds:>9.3f} {count:>8}", flush=True)
    sizes = [int(size) for size in args.synthetic.split(",") if size.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as work:
        for size in sizes:
            synthetic_engines(
                synthetic_settings(size, Path(work)), size, pyshacl=not args.store_only
            )


def synthetic_engines(settings: Settings, size: int, *, pyshacl: bool = True) -> None:
    """Both engines on one synthetic network, beside a plain bulk load of its files."""
    import pyoxigraph as ox

    from villegraph.build import peak_rss_mb, validate_dataset, validate_graph
    from villegraph.infer import infer, load_rules
    from villegraph.load import load_dataset, project_files, to_rdflib_graph

    def bulk_load() -> int:
        store = ox.Store()
        for path, _ in project_files(settings):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        return len(store)

    # As the build runs them: with Python's cyclic collector paused (build._no_cyclic_gc), which
    # would otherwise rescan the millions of objects that loading and derivation leave alive.
    gc.disable()
    dataset = load_dataset(settings)
    infer(dataset, load_rules(ONTOLOGY_DIR / "rules"))
    built = len(dataset.store)
    rows = [
        ("plain pyoxigraph Store().bulk_load of the files", bulk_load),
        (
            "store engine on the build's store",
            lambda: len(validate_dataset(dataset, settings).results),
        ),
    ]
    if pyshacl:
        rows.append(
            (
                "pyshacl engine (rdflib graph made first)",
                lambda: len(validate_graph(to_rdflib_graph(dataset), dataset, settings).results),
            )
        )
    for name, work in rows:
        cpu = os.times()
        seconds, count = median_time(work, 1)
        after = os.times()
        used = (after.user + after.system) - (cpu.user + cpu.system)
        label = f"{size or settings.data_dir} triples: {name}"
        memory = f"peak RSS {peak_rss_mb():.0f} MiB"
        print(
            f"{label:<50} {built:>8} {seconds:>9.3f} {count:>8}  CPU {used:.2f} s  {memory}",
            flush=True,
        )
    gc.enable()


if __name__ == "__main__":
    main()
