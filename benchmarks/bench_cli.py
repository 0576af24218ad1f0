"""Wall time of the command line, interpreter start included: `villegraph build` and a query.

Runs each command 5 times as a subprocess (after one warm-up run) and prints the median, min
and max in a table. The build writes into a temporary folder; the query runs on that build.

    python benchmarks/bench_cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from villegraph.resources import QUERIES_DIR

ROOT = Path(__file__).resolve().parents[1]
QUERY = ("programme",)
"""A canned query with default parameters (queries/programme.rq)."""


def timed(args: list[str], env: dict[str, str]) -> float:
    """Seconds of wall time for one run; a failing command stops the benchmark."""
    start = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return seconds


def measure(label: str, args: list[str], env: dict[str, str], runs: int) -> list[str]:
    timed(args, env)  # warm-up: file system caches, .pyc files
    samples = [timed(args, env) for _ in range(runs)]
    return [
        label,
        f"{statistics.median(samples):.3f}",
        f"{min(samples):.3f}",
        f"{max(samples):.3f}",
        str(runs),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    command = [sys.executable, "-m", "villegraph", "--root", str(ROOT)]
    rows = []
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(Path(work) / "dist")}
        rows.append(measure("villegraph --help", [*command, "--help"], env, options.runs))
        rows.append(measure("villegraph build", [*command, "build"], env, options.runs))
        if (QUERIES_DIR / f"{QUERY[0]}.rq").is_file():
            rows.append(
                measure(
                    f"villegraph query {' '.join(QUERY)}",
                    [*command, "query", *QUERY],
                    env,
                    options.runs,
                )
            )
    header = ["command", "median s", "min s", "max s", "runs"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
