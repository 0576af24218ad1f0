"""The dump stage's RDF dumps alone: the previous writer and the current one, CPU and wall seconds.

    villegraph generate --triples 100k --seed 1 --out /tmp/net
    .venv/bin/python benchmarks/bench_dump.py /tmp/net [--rounds 3] [--previous REV]
    .venv/bin/python benchmarks/bench_dump.py            # a 100k network generated for it

The network is loaded, derived and validated once, as a build does it (with its quality graph),
then each round writes the five dumps and their `.gz` copies with the previous writer (the
`dump.py` and `jsonld.py` of git revision `--previous`, loaded beside the current ones: N-Quads
and N-Triples from the store, TriG and Turtle re-read from them, JSON-LD re-read from N-Triples,
gzip copies and SHA-256 records read back from the files) and with `villegraph.dump.write_dumps`
(one pass over the quads, one over the union, gzip on another thread), each into its own
folder; both count the VoID statistics on the way. A plain pyoxigraph `Store().bulk_load` of the
same files runs in a subprocess before and after, as the baseline of the same run. The RSS is
sampled every 20 ms while each writer runs. Prints Markdown; nothing here is asserted but that
both writers give the same dumps (their .gz copies differ: the compressor changed since).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baseline import on_network, plain_bulk_load

ROOT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")
PREVIOUS = "d2dc97a^"
"""The last revision of the previous writer (files re-read for TriG, Turtle, JSON-LD, gzip)."""


def _baseline(data: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, str(data), "--child-bulk"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.splitlines()[-1]))


def _previous(revision: str) -> tuple[types.ModuleType, types.ModuleType]:
    """`villegraph.dump` and `villegraph.jsonld` as they were at `revision`."""
    modules = []
    saved = sys.modules["villegraph.jsonld"]
    try:
        for name in ("jsonld", "dump"):
            source = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{revision}:src/villegraph/{name}.py"],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            module = types.ModuleType(f"villegraph_previous_{name}")
            sys.modules[module.__name__] = module
            if name == "jsonld":
                sys.modules["villegraph.jsonld"] = module  # what the previous dump.py imports
            exec(compile(source, f"{revision}:{name}.py", "exec"), module.__dict__)
            modules.append(module)
    finally:
        sys.modules["villegraph.jsonld"] = saved
    return modules[0], modules[1]


class _Rss:
    """The highest resident set size seen while the block runs, sampled every 20 ms."""

    def __enter__(self) -> _Rss:
        self.start = self.peak = _rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE


def _timed(figures: dict[str, tuple[float, float]], label: str, run: Callable[[], Any]) -> Any:
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    figures[label] = (time.process_time() - cpu, time.perf_counter() - wall)
    return result


def _write_previous(dataset: Any, out: Path, previous: Any) -> dict[str, Any]:
    """The previous `write_dumps`, step by step, then its gzip copies (as build.py asks)."""
    prev_jsonld, prev = previous
    from villegraph.formats import NQUADS, NTRIPLES, TRIG, TURTLE

    figures: dict[str, tuple[float, float]] = {}
    prefixes = prev.serialisation_prefixes(dataset.base_iri)
    paths = {name: out / name for name in prev.DUMPS}
    nquads, ntriples = paths["villegraph.nq"], paths["villegraph.nt"]
    counter = prev.StatisticsCounter(dataset)

    def jsonld() -> None:
        with paths["villegraph.jsonld"].open("wb") as handle:
            prev_jsonld.write_compact(prev._read(ntriples, NTRIPLES), dataset.base_iri, handle)

    _timed(figures, "N-Quads", lambda: prev.write_rdf(nquads, dataset.iter_quads(), NQUADS))
    _timed(figures, "N-Triples + VoID counts",
           lambda: prev.write_rdf(ntriples, counter.count(dataset.union()), NTRIPLES))  # fmt: skip
    _timed(figures, "TriG", lambda: prev.write_rdf(
        paths["villegraph.trig"], prev._read(nquads, NQUADS), TRIG, prefixes))  # fmt: skip
    _timed(figures, "Turtle", lambda: prev.write_rdf(
        paths["villegraph.ttl"], prev._read(ntriples, NTRIPLES), TURTLE, prefixes))  # fmt: skip
    _timed(figures, "JSON-LD", jsonld)
    records = _timed(figures, "SHA-256 records (files read back)", lambda: {
        name: prev.file_record(path, prev.DUMPS[name].media_type)
        for name, path in paths.items()})  # fmt: skip
    packed = _timed(figures, "gzip copies (files read back)",
                    lambda: prev.write_gzip_copies(out, list(records.items())))  # fmt: skip
    _timed(figures, "VoID statistics", counter.result)
    return {"figures": figures, "records": {**records, **packed}}


def _write_now(dataset: Any, out: Path) -> dict[str, Any]:
    from villegraph import dump

    figures: dict[str, tuple[float, float]] = {}
    counter = dump.StatisticsCounter(dataset)
    records = _timed(figures, "write_dumps (5 dumps, .gz, records)",
                     lambda: dump.write_dumps(dataset, out, counter))  # fmt: skip
    packed = dump.write_gzip_copies(out, list(records.items()))
    _timed(figures, "VoID statistics", counter.result)
    return {"figures": figures, "records": {**records, **packed}}


def _parts_now(dataset: Any, out: Path) -> dict[str, tuple[float, float]]:
    """The two passes of `write_dumps` to plain files, without hashing or gzip."""
    from villegraph import dump

    figures: dict[str, tuple[float, float]] = {}
    names = ("nq", "trig", "nt", "ttl", "jsonld")
    handles = {name: (out / f"parts.{name}").open("wb") for name in names}
    to = {name: handle.write for name, handle in handles.items()}
    _timed(figures, "graphs pass: N-Quads + TriG",
           lambda: dump.write_graphs(dataset, to["nq"], to["trig"]))  # fmt: skip
    counter = dump.StatisticsCounter(dataset)
    union = (to["nt"], to["ttl"], to["jsonld"])
    _timed(figures, "union pass: N-Triples + Turtle + JSON-LD + VoID counts",
           lambda: dump.write_union(dataset, *union, counter))  # fmt: skip
    for handle in handles.values():
        handle.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data", type=Path, nargs="?", help="a folder written by villegraph generate (default: 100k)"
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--previous", default=PREVIOUS, help="git revision of the previous writer")
    parser.add_argument("--child-bulk", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child_bulk:
        print(json.dumps(plain_bulk_load(options.data)))
        return
    on_network(options.data, lambda data: _measure(options, data))


def _measure(options: argparse.Namespace, data: Path) -> None:
    """Both writers on the network in `data`, `options.rounds` times."""
    from villegraph.build import prepare
    from villegraph.config import Settings
    from villegraph.quality import quality_quads

    previous = _previous(options.previous)
    before = _baseline(data)
    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": str(data)})
    dataset, _, report = prepare(settings)
    dataset.add(quality_quads(report.graph, dataset.base_iri))
    gc.disable()  # as in a build
    print(f"{len(dataset.store)} quads in the store; RSS {_rss() / 2**20:.0f} MiB", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-dump-"))
    rows: list[str] = []
    for round_ in range(1, options.rounds + 1):
        for how in ("previous", "now"):
            out = work / how
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            with _Rss() as rss:
                cpu, wall = time.process_time(), time.perf_counter()
                done = (_write_previous(dataset, out, previous) if how == "previous"
                        else _write_now(dataset, out))  # fmt: skip
                total = (time.process_time() - cpu, time.perf_counter() - wall)
            if how == "now":
                done["figures"].update(_parts_now(dataset, out))
            digests = {  # the dumps: their .gz copies differ since zlib-ng (another compressor)
                n: r.sha256 for n, r in sorted(done["records"].items()) if not n.endswith(".gz")
            }
            if how == "previous":
                expected = digests
            same = "same dumps" if digests == expected else "DIFFERENT DUMPS"
            for name in sorted(done["records"]):  # the records are those of the files
                assert done["records"][name].sha256 == _sha256(out / name), name
            rows.append(f"| {round_} | {how} | **total** | **{total[0]:.2f}** | {total[1]:.2f} "
                        f"| +{(rss.peak - rss.start) / 2**20:.0f} MiB | {same} |")  # fmt: skip
            for label, (c, w) in done["figures"].items():
                rows.append(f"| {round_} | {how} | {label} | {c:.2f} | {w:.2f} | | |")
            print(rows[-len(done["figures"]) - 1], flush=True)
    after = _baseline(data)
    sizes = {p.name: p.stat().st_size for p in sorted((work / "now").glob("villegraph.*"))}
    shutil.rmtree(work, ignore_errors=True)
    print()
    for label, b in (("before", before), ("after", after)):
        print(f"plain bulk_load ({label}): {b['cpu']:.2f} s CPU, {b['wall']:.2f} s wall, "
              f"{b['quads']} quads")  # fmt: skip
    print()
    print("| round | writer | part | CPU s | wall s | RSS above start | outputs |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items()))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


if __name__ == "__main__":
    main()
