"""The dump stage in one process and with Turtle and JSON-LD in a second one: CPU and wall.

    villegraph generate --triples 1M --seed 1 --out /tmp/net
    .venv/bin/python benchmarks/bench_dump_apart.py /tmp/net [--rounds 2]
    .venv/bin/python benchmarks/bench_dump_apart.py      # a 100k network generated for it

The network is loaded, derived and validated once, as a build does it (with its quality graph);
then each round calls `write_dumps` with `apart=False` and `apart=True`, one after the other.
CPU seconds include the second process (the children this process waited for). A plain
pyoxigraph `Store().bulk_load` of the same files runs in a subprocess before and after, as the
baseline of the same run. Prints Markdown; asserts only that both ways give the same records.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline import on_network, plain_bulk_load


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _baseline(data: Path) -> str:
    command = [sys.executable, __file__, str(data), "--child-bulk"]
    found = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    return f"{found['cpu']:.2f} s CPU / {found['wall']:.2f} s wall"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data", type=Path, nargs="?", help="a folder written by villegraph generate (default: 100k)"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child-bulk", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child_bulk:
        print(json.dumps(plain_bulk_load(options.data)))
        return
    on_network(options.data, lambda data: _measure(options, data))


def _measure(options: argparse.Namespace, data: Path) -> None:
    """Both ways on the network in `data`, `options.rounds` rounds."""
    from villegraph.build import prepare
    from villegraph.config import Settings
    from villegraph.dump import StatisticsCounter, write_dumps
    from villegraph.quality import quality_quads

    before = _baseline(data)
    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": str(data)})
    dataset, _, report = prepare(settings)
    dataset.add(quality_quads(report.graph, dataset.base_iri))
    gc.disable()  # as in a build
    print(f"{len(dataset.store)} quads; plain bulk_load before: {before}\n")
    print("| round | how | CPU s | wall s | load average |")
    print("|---|---|---|---|---|")
    records = {}
    for round_ in range(1, options.rounds + 1):
        for apart in (False, True):
            out = Path(tempfile.mkdtemp(prefix="bench-apart-"))
            cpu, wall = _cpu(), time.perf_counter()
            found = write_dumps(dataset, out, StatisticsCounter(dataset), apart=apart)
            cpu, wall = _cpu() - cpu, time.perf_counter() - wall
            how = "two processes" if apart else "one process"
            print(f"| {round_} | {how} | {cpu:.2f} | {wall:.2f} | {os.getloadavg()[0]:.1f} |")
            records.setdefault(apart, found)
            assert found == records[apart] == records[False], "not the same dumps"
            shutil.rmtree(out)
    print(f"\nplain bulk_load after: {_baseline(data)}")


if __name__ == "__main__":
    main()
