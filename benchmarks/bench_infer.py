"""The derivation stage alone: the rules to their fixpoint on a generated network, CPU seconds.

    villegraph generate --triples 100k --seed 1 --out /tmp/net
    .venv/bin/python benchmarks/bench_infer.py /tmp/net [--rounds 1]
    .venv/bin/python benchmarks/bench_infer.py          # a 10k network (seed 1), generated

Each measure runs in its own subprocess, in the same run: a plain pyoxigraph
`Store().bulk_load` of the same files (the baseline), then per round the derivation with the
reference rules (tests/data/rules-reference: the rule texts before they were rewritten) and with
the project's rules, both by `villegraph.infer.infer`, each after loading the project (ontology,
themes and the network). `--loop previous` runs the reference rules with the loop kept in
tests/test_infer_same.py instead. Per rule: CPU seconds of its query (CONSTRUCT evaluation and
serialisation). After the timed part each child digests the derived graph (SHA-256 of its sorted
N-Quads): the run says whether both derived the same graph with the same counts per rule.
Prints Markdown tables; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from baseline import plain_bulk_load

from villegraph.infer import SLICE_SIZE

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_RULES = ROOT / "tests" / "data" / "rules-reference"


def _infer(data: Path, how: str, slice_size: int) -> dict[str, Any]:
    import pyoxigraph as ox

    from villegraph import infer as module
    from villegraph.config import Settings
    from villegraph.load import graph_iri, load_dataset

    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": str(data)})
    assert settings.ontology_dir is not None
    started = time.process_time()
    dataset = load_dataset(settings)
    loaded = time.process_time()
    rss_loaded = _rss_mib()
    own = how in ("now", "unsliced")
    rules = module.load_rules(settings.ontology_dir / "rules" if own else REFERENCE_RULES)
    if how != "now":
        rules = [replace(rule, slice_by=None, slice_from=None) for rule in rules]
    run: Any = partial(module.infer, slice_size=slice_size)
    home: Any = module
    if how == "previous":
        sys.path.insert(0, str(ROOT / "tests"))
        import test_infer_same

        run, home = test_infer_same.reference_infer, test_infer_same
    queries: dict[str, float] = {}
    original = module.run_rule

    def timed(store: Any, rule: Any, base_iri: str, *rest: Any) -> Any:
        begun = time.process_time()
        try:
            return original(store, rule, base_iri, *rest)
        finally:
            queries[rule.name] = queries.get(rule.name, 0.0) + time.process_time() - begun

    if how == "previous":
        home.run_rule = timed
    else:
        original = module.write_rule
        module.write_rule = timed
    begun, wall = time.process_time(), time.perf_counter()
    report = run(dataset, rules)
    cpu = time.process_time() - begun
    wall = time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    graph = ox.NamedNode(graph_iri(dataset.base_iri, "derived"))
    quads = dataset.store.quads_for_pattern(None, None, None, graph)
    lines = sorted(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines())
    return {
        "load_cpu": loaded - started,
        "cpu": cpu,
        "wall": wall,
        "queries": sum(queries.values()),
        "per_rule_queries": queries,
        "triples": report.triples,
        "passes": report.passes,
        "per_rule": {iri.rsplit("#", 1)[-1]: n for iri, n in report.per_rule.items()},
        "digest": hashlib.sha256(b"\n".join(lines)).hexdigest(),
        "peak_mib": peak,
        "loaded_mib": rss_loaded,
    }


def _rss_mib() -> float:
    """The resident set now (Linux), MiB."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * resource.getpagesize() / 2**20


def _child(data: str, how: str, slice_size: int = 0) -> dict[str, Any]:
    command = [sys.executable, __file__, data, "--child", how, "--slice-size", str(slice_size)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", help="villegraph generate --out")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--loop", choices=["infer", "previous"], default="infer",
                        help="the loop that runs the reference rules")  # fmt: skip
    parser.add_argument("--child", choices=["bulk", "reference", "previous", "unsliced", "now"],
                        help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--against", choices=["reference", "unsliced"], default="reference",
                        help="what the project's rules are compared with: the reference texts "
                        "or the project's rules unsliced")  # fmt: skip
    parser.add_argument(
        "--slice-size",
        type=int,
        action="append",
        help="agents per slice of the sliced rules (repeat to compare sizes)",
    )
    options = parser.parse_args()
    if options.child is not None:
        how = options.child
        size = (options.slice_size or [0])[0] or SLICE_SIZE
        figures = (
            plain_bulk_load(options.data) if how == "bulk" else _infer(options.data, how, size)
        )
        print(json.dumps(figures))
        return
    if options.data is None:
        from villegraph.synth import generate, people_for_triples

        options.data = Path(tempfile.mkdtemp(prefix="bench-infer-")) / "data"
        generate(options.data, people=people_for_triples(10_000), seed=1,
                 themes_path=ROOT / "src" / "villegraph" / "resources" / "ontology" / "themes.ttl",
                 roles_path=ROOT / "data" / "roles.ttl")  # fmt: skip
    data = str(options.data)
    baseline = _child(data, "bulk")
    print(f"plain bulk_load: {baseline['cpu']:.2f} s CPU, {baseline['wall']:.2f} s wall, "
          f"{baseline['quads']} quads")  # fmt: skip
    print("| derivation | CPU s | queries | other | wall s | × bulk_load CPU | triples | passes "
          "| RSS loaded MiB | peak MiB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    reference = "previous" if options.loop == "previous" else options.against
    sizes = options.slice_size or [SLICE_SIZE]
    runs: dict[str, list[dict[str, Any]]] = {reference: [], **{f"now {n}": [] for n in sizes}}
    for _ in range(options.rounds):
        for how in runs:
            size = int(how.split()[1]) if how.startswith("now ") else 0
            f = _child(data, how.split()[0], size)
            runs[how].append(f)
            print(f"| {how} | {f['cpu']:.2f} | {f['queries']:.2f} | {f['cpu'] - f['queries']:.2f} "
                  f"| {f['wall']:.2f} | {f['cpu'] / baseline['cpu']:.1f} | {f['triples']} "
                  f"| {f['passes']} | {f['loaded_mib']:.0f} | {f['peak_mib']:.0f} |",
                  flush=True)  # fmt: skip
    names = list(runs[reference][0]["per_rule_queries"])
    print("\n| rule query CPU s | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for how, figures in runs.items():
        for f in figures:
            cells = " | ".join(f"{f['per_rule_queries'].get(n, 0.0):.2f}" for n in names)
            print(f"| {how} | {cells} |")
    keys = ("digest", "per_rule", "passes", "triples")
    same = all({k: f[k] for k in keys} == {k: runs[reference][0][k] for k in keys}
               for figures in runs.values() for f in figures)  # fmt: skip
    print(f"\nsame derived graph (sorted N-Quads SHA-256), counts per rule and passes: "
          f"{'yes' if same else 'NO'}; {runs[reference][0]['digest'][:16]}…, "
          f"{runs[reference][0]['per_rule']}")  # fmt: skip


if __name__ == "__main__":
    main()
