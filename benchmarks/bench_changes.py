"""The changes stage alone (changes.md and changes.json of a build against the previous one):
CPU, wall and memory of the streaming diff (`villegraph.diff.changes_since`) beside the previous
implementation (every quad in Python sets, kept in `tests/reference_diff.py`) and beside a plain
pyoxigraph `Store().bulk_load` of the new build's N-Quads dump, each in its own process of the
same run. Memory: the process's resident set after its imports (`VmRSS`) and its peak
(`VmHWM`), from /proc (Linux). Each run also prints the SHA-256 of the two files it would write,
so that the implementations are seen to agree.

    .venv/bin/python benchmarks/bench_changes.py [--new DIST] [--old PREVIOUS] [--limit 1000]
        [--runs 1] [--impls previous,streaming,parts]

`parts` is the streaming diff with the dumps read in parts by two other processes
(`quadscan.scan_files`); its CPU includes theirs.

DIST and PREVIOUS are build folders (a dist/ copy, a release); DIST is the project's last build,
dist/, by default (a first build's changes: no PREVIOUS). Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def memory() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def worker(impl: str, new: str, old: str, limit: int) -> None:
    """Subprocess: one implementation (or the plain bulk_load), one JSON line."""
    import pyoxigraph as ox

    from villegraph.diff import changes_since, to_json_text, to_markdown

    sys.path.insert(0, str(ROOT / "tests"))
    from reference_diff import build_changes

    start_memory = memory()["VmRSS"]
    wall, cpu = time.perf_counter(), _cpu()
    digest = ""
    if impl == "bulk_load":
        store = ox.Store()
        store.bulk_load(path=str(Path(new) / "villegraph.nq"), format=ox.RdfFormat.N_QUADS)
        digest = f"{len(store)} quads"
    else:
        previous = Path(old) if old else None
        if impl == "parts":
            changes = changes_since(previous, Path(new), "dist", limit, processes=2)
        else:
            compute = changes_since if impl == "streaming" else build_changes
            changes = compute(previous, Path(new), "dist", limit)
        text = to_markdown(changes) + to_json_text(changes)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    figures = {
        "impl": impl,
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "rss_before": start_memory,
        "peak": memory()["VmHWM"],
        "outputs": digest,
    }
    print(json.dumps(figures), flush=True)


def _cpu() -> float:
    """CPU seconds of this process and of the processes it waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run(impl: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", impl, "--new", args.new]
    command += ["--old", args.old or "", "--limit", str(args.limit)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", default=str(ROOT / "dist"), help="default: the project's dist/")
    parser.add_argument("--old", default="")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--impls", default="previous,streaming")
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.new, args.old, args.limit)
        return
    print("| run | what | CPU s | wall s | RSS at start | peak | peak − start (MiB) | outputs |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for number in range(1, args.runs + 1):
        for impl in ["bulk_load", *args.impls.split(",")]:
            f = run(impl, args)
            print(
                f"| {number} | {impl} | {f['cpu']:.2f} | {f['wall']:.2f} | {f['rss_before']:.0f} "
                f"| {f['peak']:.0f} | {f['peak'] - f['rss_before']:.0f} | {f['outputs']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
