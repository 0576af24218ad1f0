"""Where the dump stage of a build spends its time: its parts, timed in a real build.

    villegraph generate --triples 1M --seed 1 --out /tmp/net/data
    .venv/bin/python benchmarks/bench_dump_parts.py /tmp/net [--out /tmp/net-dist]
    .venv/bin/python benchmarks/bench_dump_parts.py      # a 100k network generated for it

Runs `villegraph.build.build` on the project, each part of the dump stage wrapped to print when
it started (seconds since the start), its wall time and this process's CPU time in it (the
second dump process's work is not in the CPU column). Prints a plain bulk_load of the same files
first, as the baseline of the same run. To compare two versions, run it from each checkout
(`PYTHONPATH=…/src`) one after the other, alternating.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baseline import generated_project, plain_bulk_load

START = time.perf_counter()
PARTS = {
    "villegraph.dump": ("write_union_ntriples", "write_union", "write_graphs"),
    "villegraph.build": (
        "write_dumps",
        "class_partitions",
        "source_documents",
        "write_void",
        "write_sources",
        "write_gzip_copies",
        "write_changes",
    ),
}


def _timed(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            print(
                f"| {name} | {wall - START:.2f} | {time.perf_counter() - wall:.2f} "
                f"| {time.process_time() - cpu:.2f} |",
                flush=True,
            )

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", type=Path, nargs="?", help="a project folder, data/ inside (default: 100k made)"
    )
    parser.add_argument("--out", type=Path, help="where to build (default: ROOT/dist-parts)")
    args = parser.parse_args()
    import villegraph.build as build
    import villegraph.dump as dump

    modules = {"villegraph.dump": dump, "villegraph.build": build}
    for module_name, names in PARTS.items():
        module = modules[module_name]
        for name in names:
            setattr(module, name, _timed(getattr(module, name), name))
    result = dump.StatisticsCounter.result
    dump.StatisticsCounter.result = _timed(result, "StatisticsCounter.result")  # type: ignore[method-assign]
    if args.root is None:
        with generated_project() as made:
            _run(made, None)
    else:
        _run(args.root, args.out)


def _run(root: Path, out: Path | None) -> None:
    """The baseline, then the build with its dump stage's parts timed."""
    import villegraph.build as build
    from villegraph.config import Settings

    base = plain_bulk_load(root / "data")
    print(f"plain bulk_load: {base['cpu']:.2f} s CPU, {base['wall']:.2f} s wall")
    out = out or root / "dist-parts"
    if out.is_symlink() or out.exists():
        shutil.rmtree(out.resolve(), ignore_errors=True)
        out.unlink(missing_ok=True)
    print("| part | started at s | wall s | CPU s (this process) |\n|---|---|---|---|")
    report = build.build(
        Settings.from_env(root=root),
        out,
        progress=lambda event: print(
            f"| stage {event.stage} ({event.detail}) | {time.perf_counter() - START:.2f} "
            f"| {event.seconds:.2f} | |",
            flush=True,
        ),
    )
    print(f"CPU by stage: {report.cpu_seconds}", file=sys.stderr)


if __name__ == "__main__":  # the changes' part processes import this module again
    main()
