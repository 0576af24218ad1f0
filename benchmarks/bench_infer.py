"""The derivation stage alone: the rules to their fixpoint on a generated network, CPU seconds.

    villegraph generate --triples 100k --seed 1 --out /tmp/net
    .venv/bin/python benchmarks/bench_infer.py /tmp/net [--rounds 1]
    .venv/bin/python benchmarks/bench_infer.py          # a 10k network (seed 1), generated

Each measure runs in its own subprocess, in the same run: a plain pyoxigraph
`Store().bulk_load` of the same files (the baseline), then per round the derivation as the
previous loop did it (a COUNT over the derived graph after each rule, kept in
tests/test_infer_same.py) and as `villegraph.infer.infer` does it, each after loading the
project (ontology, themes and the network). Per rule: CPU seconds of its query, its load and
its count. Prints a Markdown table; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _bulk_load(data: Path) -> dict[str, Any]:
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


def _infer(data: Path, how: str) -> dict[str, Any]:
    from villegraph import infer as module
    from villegraph.config import Settings
    from villegraph.load import load_dataset

    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": str(data)})
    assert settings.ontology_dir is not None
    started = time.process_time()
    dataset = load_dataset(settings)
    loaded = time.process_time()
    rules = module.load_rules(settings.ontology_dir / "rules")
    run = module.infer
    home: Any = module
    if how == "previous":
        sys.path.insert(0, str(ROOT / "tests"))
        import test_infer_same

        run, home = test_infer_same.reference_infer, test_infer_same
    queries: dict[str, float] = {}
    original = module.run_rule

    def timed(store: Any, rule: Any, base_iri: str) -> bytes:
        begun = time.process_time()
        try:
            return original(store, rule, base_iri)
        finally:
            queries[rule.name] = queries.get(rule.name, 0.0) + time.process_time() - begun

    home.run_rule = timed
    begun, wall = time.process_time(), time.perf_counter()
    report = run(dataset, rules)
    cpu = time.process_time() - begun
    return {
        "load_cpu": loaded - started,
        "cpu": cpu,
        "wall": time.perf_counter() - wall,
        "queries": sum(queries.values()),
        "per_rule_queries": queries,
        "triples": report.triples,
        "passes": report.passes,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(data: str, how: str) -> dict[str, Any]:
    command = [sys.executable, __file__, data, "--child", how]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", help="villegraph generate --out")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", choices=["bulk", "previous", "now"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child is not None:
        how = options.child
        figures = _bulk_load(options.data) if how == "bulk" else _infer(options.data, how)
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
    print("| derivation | CPU s | queries | other | wall s | × bulk_load CPU | triples | passes |")
    print("|---|---|---|---|---|---|---|---|")
    for _ in range(options.rounds):
        for how in ("previous", "now"):
            f = _child(data, how)
            print(f"| {how} | {f['cpu']:.2f} | {f['queries']:.2f} | {f['cpu'] - f['queries']:.2f} "
                  f"| {f['wall']:.2f} | {f['cpu'] / baseline['cpu']:.1f} | {f['triples']} "
                  f"| {f['passes']} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
