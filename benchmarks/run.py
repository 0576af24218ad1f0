"""Run every benchmark in benchmarks/; write benchmarks/RESULTS.md with the machine's description.

    .venv/bin/python benchmarks/run.py                       # scales 10k,100k (default)
    .venv/bin/python benchmarks/run.py --scales 10k,100k,1M  # the full table
    .venv/bin/python benchmarks/run.py --only bench_scale --timeout 3600

Each `bench_*.py` script runs in its own process with a deadline (`--timeout`, per script); its
standard output (Markdown tables) goes into RESULTS.md under its name, with its wall time and,
when it failed or ran out of time, the reason. `--scales` is passed to `bench_scale.py`. The
sections written by hand after those of a run (measurements of one change, dated) are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    """CPU, cores, memory, OS and the versions that matter, as Markdown lines."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = []
    for package in ("rdflib", "pyshacl", "pyoxigraph", "networkx", "igraph", "SPARQLWrapper"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    try:
        virtuoso = subprocess.run(
            ["virtuoso-t", "-?"], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        virtuoso = subprocess.CompletedProcess([], 1, "", "")
    virtuoso_line = next(
        (line for line in (virtuoso.stdout + virtuoso.stderr).splitlines() if "Version" in line),
        "Virtuoso ?",
    )
    return "\n".join(
        [
            f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
            f"- OS: {platform.platform()}; Python {platform.python_version()}",
            f"- Libraries: {', '.join(versions)}",
            f"- Stores: Virtuoso {virtuoso_line.strip()}; Oxigraph server (PyPI `oxigraph`)",
        ]
    )


def run_script(path: Path, args: list[str], timeout: float) -> tuple[str, str, float]:
    """(stdout, status, seconds) of one benchmark script."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(path), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=HERE.parent,
        )
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout
        return out or "", f"stopped after {timeout:.0f} s", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = " / ".join(done.stderr.strip().splitlines()[-3:])
        return done.stdout, f"failed (exit {done.returncode}): {tail}", seconds
    return done.stdout, "ok", seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10k,100k", help="for bench_scale.py, e.g. 10k,100k,1M")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per script")
    parser.add_argument("--only", help="comma-separated script names (without .py)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = set(args.only.split(","))
        scripts = [s for s in scripts if s.stem in wanted]
    if not (HERE.parent / "dist" / "villegraph.nq").is_file():  # some scripts read the last build
        subprocess.run(
            [sys.executable, "-m", "villegraph", "build", "--quiet"], cwd=HERE.parent, check=False
        )
    sections = []
    summary = ["| script | status | wall s |", "|---|---|---|"]
    for script in scripts:
        extra = ["--scales", args.scales] if script.stem == "bench_scale" else []
        print(f"== {script.name} {' '.join(extra)}", flush=True)
        out, status, seconds = run_script(script, extra, args.timeout)
        print(out, flush=True)
        if status != "ok":
            print(f"   {status}", flush=True)
        summary.append(f"| {script.stem} | {status} | {seconds:.0f} |")
        command = f"python benchmarks/{script.name} {' '.join(extra)}".strip()
        sections.append(f"## {script.stem}\n\n`{command}` — {status}\n\n{out.strip()}\n")
    print("\n".join(summary))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    text = (
        f"# villegraph benchmarks\n\nRun {stamp} with `python benchmarks/run.py --scales "
        f"{args.scales}`. Wall-clock seconds unless stated; timings are measured, never asserted."
        f"\n\n## Machine\n\n{machine()}\n\n## Summary\n\n"
        + "\n".join(summary)
        + "\n\n"
        + "\n".join(sections)
    )
    kept = journal_of(args.out.read_text(encoding="utf-8")) if args.out.is_file() else ""
    args.out.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    print(f"wrote {args.out}")


GENERATED = ("Machine", "Summary")
"""The sections a run writes besides one per script (`bench_…`)."""


def journal_of(text: str) -> str:
    """The sections of RESULTS.md written by hand: from the first `## ` heading that is not one
    a run writes, to the end ("" when there is none)."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        title = line[3:].strip() if line.startswith("## ") else None
        if title is not None and title not in GENERATED and not title.startswith("bench_"):
            return "".join(lines[number:])
    return ""


if __name__ == "__main__":
    main()
