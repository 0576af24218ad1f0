"""How villegraph scales: synthetic networks at 10k, 100k, 1M triples, every stage, every store.

For each scale: generate a network (`villegraph.synth`), build it (load, derive, validate, dump;
in a subprocess with a deadline), load the dump into the embedded store, the Oxigraph server and
Virtuoso (Graph Store Protocol), then run every canned query on the embedded store, rdflib
in memory (the naive baseline, in a worker process that is killed past its deadline), the Oxigraph
server and Virtuoso, and report p50/p95 over `--runs` runs after one warm-up.

    .venv/bin/python benchmarks/bench_scale.py --scales 10k,100k [--runs 5]
    .venv/bin/python benchmarks/bench_scale.py --scales 1M --build-timeout 900
    .venv/bin/python benchmarks/bench_scale.py --scales 10M --build-timeout 1800 --stores embedded

Each build is measured beside a plain pyoxigraph `Store().bulk_load` of the same files, in its
own subprocess in the same run, and reports its peak RSS (`ru_maxrss`, as `/usr/bin/time`).

`--canned DIST` times only the canned queries on an existing build (e.g. of
`villegraph generate --triples 1M --seed 1`), in memory, beside a plain pyoxigraph `bulk_load`
of the same `villegraph.nq` in the same run; `--queries DIR` takes the queries from another
folder (an older checkout's, for a before/after), and, repeated, from each folder in turn on the
same loaded store (e.g. `--queries tests/data/queries-reference --queries
src/villegraph/resources/queries`):

    .venv/bin/python benchmarks/bench_scale.py --canned /tmp/net-dist --runs 5

Prints Markdown tables; `--json FILE` also writes the raw figures. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the store launchers shared with the test fixtures

from fixtures_stores import oxigraph_server, virtuoso_server  # noqa: E402
from rdflib import Literal  # noqa: E402

from villegraph.config import Settings  # noqa: E402
from villegraph.errors import VillegraphError  # noqa: E402
from villegraph.indexes import LabelIndex, PairIndex, ReachIndex  # noqa: E402
from villegraph.queries import (  # noqa: E402
    CannedQuery,
    Catalogue,
    canned_text,
    reach_index_text,
    run_canned,
)
from villegraph.remote import RemoteStore, read_quads_by_graph  # noqa: E402
from villegraph.resources import ONTOLOGY_DIR, QUERIES_DIR  # noqa: E402
from villegraph.store import EmbeddedStore, Store, load_build  # noqa: E402
from villegraph.synth import generate, people_for_triples  # noqa: E402

BASE = "https://w3id.org/villegraph/"
PICKS = {
    "person": """PREFIX vg: <https://w3id.org/villegraph/def#>
        SELECT ?v WHERE { ?t vg:presenter ?v } GROUP BY ?v ORDER BY DESC(COUNT(?t)) ?v LIMIT 1""",
    "theme": """PREFIX vg: <https://w3id.org/villegraph/def#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?v WHERE { ?t a vg:Talk ; dcterms:subject ?v }
        GROUP BY ?v ORDER BY DESC(COUNT(?t)) ?v LIMIT 1""",
    "organisation": """PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?v WHERE { ?u org:subOrganizationOf ?v }
        GROUP BY ?v ORDER BY DESC(COUNT(?u)) ?v LIMIT 1""",
    "session": """PREFIX vg: <https://w3id.org/villegraph/def#>
        SELECT ?v WHERE { ?v vg:speaker ?p } GROUP BY ?v ORDER BY DESC(COUNT(?p)) ?v LIMIT 1""",
    "cycle": """PREFIX vg: <https://w3id.org/villegraph/def#>
        SELECT ?v WHERE { ?v a vg:WebinarSeries } ORDER BY ?v LIMIT 1""",
}
ALIASES = {"agent": "person", "resource": "person"}
TEXT_VALUE = "laboratoire synthétique 1"


def parse_scale(text: str) -> int:
    units = {"k": 1_000, "m": 1_000_000}
    text = text.strip().lower()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


# --- build, in a subprocess with a deadline ------------------------------------------------


def worker_build(data_dir: str, dist_dir: str) -> None:
    """Subprocess: build, printing one JSON line per finished stage."""
    from villegraph.build import build

    settings = Settings(root=ROOT, data_dir=Path(data_dir), dist_dir=Path(dist_dir))

    def progress(event: Any) -> None:
        print(json.dumps({"stage": event.stage, "seconds": event.seconds}), flush=True)

    report = build(settings, progress=progress)
    peak = max(report.peak_rss_mb.values())
    print(json.dumps({"done": True, "triples": report.triples, "peak_rss_mb": peak}), flush=True)


def worker_bulk_load(data_dir: str) -> None:
    """Subprocess: the baseline, a plain pyoxigraph `Store().bulk_load` of the same files."""
    import pyoxigraph as ox

    from villegraph.build import peak_rss_mb
    from villegraph.load import project_files

    settings = Settings(root=ROOT, data_dir=Path(data_dir))
    start = time.perf_counter()
    store = ox.Store()
    for path, _ in project_files(settings):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "quads": len(store), "peak_rss_mb": peak_rss_mb()}))


def worker_dump_unvalidated(data_dir: str, dist_dir: str) -> None:
    """Subprocess: load, derive and dump without validating (when validation ran out of time)."""
    from villegraph.dump import write_dumps
    from villegraph.infer import infer, load_rules
    from villegraph.load import load_dataset

    settings = Settings(root=ROOT, data_dir=Path(data_dir), dist_dir=Path(dist_dir))
    dataset = load_dataset(settings)
    infer(dataset, load_rules(ONTOLOGY_DIR / "rules"))
    Path(dist_dir).mkdir(parents=True, exist_ok=True)
    write_dumps(dataset, Path(dist_dir))
    print(json.dumps({"done": True, "triples": len(dataset.store)}), flush=True)


def run_worker(mode: str, args: list[str], timeout: float) -> tuple[list[dict[str, Any]], bool]:
    """Run a worker mode of this script; its JSON lines, and whether it finished in time."""
    command = [sys.executable, __file__, "--worker", mode, *args]
    lines: list[dict[str, Any]] = []
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True)
        try:
            _, error = process.communicate(timeout=timeout)
            finished = process.returncode == 0
            if not finished:
                print(f"  {mode} failed: {error.strip().splitlines()[-1:]}", file=sys.stderr)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            finished = False
        out.seek(0)
        lines = [json.loads(line) for line in out if line.startswith("{")]
    return lines, finished


# --- embedded store and rdflib baseline, in worker processes with deadlines ------------------


def worker_queries(kind: str, dist_dir: str) -> None:
    """Subprocess: load the build into `kind` (embedded | rdflib), then time queries from stdin."""
    start = time.perf_counter()
    if kind == "rdflib":
        from rdflib import Dataset

        dataset = Dataset(default_union=True)
        dataset.parse(str(Path(dist_dir) / "villegraph.nq"), format="nquads")

        def run(text: str) -> int:
            return len(dataset.query(text))
    else:
        store = EmbeddedStore.from_dist(Path(dist_dir))

        def run(text: str) -> int:
            return len(store.select(text))

    print(json.dumps({"loaded": time.perf_counter() - start}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        run(request["text"])  # warm-up
        times = [timed(lambda t=request["text"]: run(t))[0] for _ in range(request["runs"])]
        print(json.dumps({"times": times}), flush=True)


class QueryWorker:
    """A query worker process with a deadline per query, restarted after a timeout while the
    total budget lasts (reloading the data costs a minute at 1M triples with rdflib)."""

    def __init__(self, kind: str, dist: Path, timeout: float, budget: float) -> None:
        self.kind = kind
        self.dist = dist
        self.timeout = timeout
        self.deadline = time.monotonic() + budget
        self.process: subprocess.Popen[str] | None = None
        self.load_seconds: float | None = None

    def _start(self) -> bool:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", "queries", self.kind, str(self.dist)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self._read_line(max(1.0, self.deadline - time.monotonic()))
        if line is None:
            return False
        self.load_seconds = json.loads(line)["loaded"]
        return True

    def _read_line(self, timeout: float) -> str | None:
        import selectors

        assert self.process is not None and self.process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout)
        selector.close()
        if not ready:
            self.stop()
            return None
        return self.process.stdout.readline() or None

    def run(self, text: str, runs: int) -> list[float] | str:
        if time.monotonic() > self.deadline:
            return "skipped (budget spent)"
        if self.process is None and not self._start():
            return "could not load in budget"
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(json.dumps({"text": text, "runs": runs}) + "\n")
        self.process.stdin.flush()
        line = self._read_line(self.timeout * (runs + 1))
        if line is None:
            return f"> {self.timeout:g} s"
        return json.loads(line)["times"]

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


# --- queries ---------------------------------------------------------------------------------


def pick_params(store: Store, query: CannedQuery) -> dict[str, str] | None:
    """Values for the query's parameters, chosen from the network itself.

    Required parameters always get a value; optional and defaulted IRI parameters get one too
    (a synthetic cycle, one person), because that is how the queries are used: the defaults
    name the real cycle, and `shared-themes` needs its person.
    """
    raw: dict[str, str] = {}
    for param in query.params:
        if not param.required and param.kind != "iri":
            continue
        if param.kind == "string":
            raw[param.name] = TEXT_VALUE
            continue
        pick = PICKS.get(ALIASES.get(param.name, param.name))
        rows = store.select(pick).rows if pick is not None else []
        if not rows or rows[0][0] is None:
            if param.required:
                return None
            continue
        raw[param.name] = str(rows[0][0])
    return raw


def measure(call: Callable[[], Any], runs: int) -> list[float] | str:
    try:
        call()  # warm-up
        return [timed(call)[0] for _ in range(runs)]
    except VillegraphError as error:
        return f"error: {str(error)[:80]}"


# --- one scale -------------------------------------------------------------------------------


def bench_scale(target: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"target": target, "stages": {}, "queries": {}}
    data = work / f"net-{target}"
    dist = work / f"dist-{target}"
    seconds, report = timed(
        lambda: generate(
            data,
            people=people_for_triples(target),
            seed=args.seed,
            themes_path=ONTOLOGY_DIR / "themes.ttl",
            roles_path=ROOT / "data" / "roles.ttl",
        )
    )
    result["data_triples"] = report.triples
    result["stages"]["generate"] = seconds
    print(f"[{target}] generated {report.triples} triples in {seconds:.1f} s", file=sys.stderr)

    lines, loaded = run_worker("bulk", [str(data)], args.build_timeout)
    if loaded and lines:
        result["stages"]["baseline: plain pyoxigraph bulk_load of the files"] = lines[-1]["seconds"]
    start = time.perf_counter()
    deadline = max(args.build_timeout, 120 * target / 1e6)  # 10M: 20 minutes
    lines, finished = run_worker("build", [str(data), str(dist)], deadline)
    for line in lines:
        if "stage" in line:
            result["stages"][line["stage"]] = line["seconds"]
        if "triples" in line:
            result["triples"] = line["triples"]
        if "peak_rss_mb" in line:
            result["build_peak_rss_mb"] = line["peak_rss_mb"]
    result["stages"]["build (total)"] = time.perf_counter() - start if finished else None
    result["build_finished"] = finished
    print(f"[{target}] build finished={finished}: {result['stages']}", file=sys.stderr)
    if not finished:
        lines, ok = run_worker("dump", [str(data), str(dist)], args.build_timeout)
        if not ok:
            return result
        result["triples"] = lines[-1]["triples"]

    seconds, _ = timed(lambda: load_build(dist, work / f"store-{target}"))
    result["stages"]["embedded: load (on disk)"] = seconds
    seconds, embedded = timed(lambda: EmbeddedStore.from_dist(dist))
    result["stages"]["embedded: load (memory)"] = seconds
    graphs = read_quads_by_graph(str(dist / "villegraph.nq"))

    catalogue = Catalogue.load(QUERIES_DIR)
    texts: dict[str, str | None] = {}
    for query in catalogue:
        raw = pick_params(embedded, query)
        texts[query.name] = None if raw is None else canned_text(query, query.parse_params(raw))[0]
    analysis_and_viz(embedded, result, work / f"viz-{target}.html")
    embedded.close()

    def record(store_name: str, query_name: str, value: Any) -> None:
        result["queries"].setdefault(query_name, {})[store_name] = value

    for kind in ("embedded", "rdflib"):
        if kind not in args.stores:
            continue
        timeout = args.query_timeout if kind == "embedded" else args.rdflib_timeout
        worker = QueryWorker(kind, dist, timeout, args.worker_budget)
        for query_name, text in texts.items():
            runs = args.runs if kind == "embedded" else max(1, min(args.runs, 3))
            record(
                kind, query_name, "no parameter value" if text is None else worker.run(text, runs)
            )
        worker.stop()
        if kind == "rdflib" and worker.load_seconds is not None:
            result["stages"]["rdflib: parse"] = worker.load_seconds

    for name, launcher in (("oxigraph", oxigraph_server), ("virtuoso", virtuoso_server)):
        if name not in args.stores:
            continue
        options: dict[str, Any] = (
            {"max_rows": 5_000_000} if name == "virtuoso" else {"query_timeout": args.query_timeout}
        )
        with launcher(**options) as server:
            store = RemoteStore(
                server.query_url,
                timeout=args.query_timeout,
                user=server.user,
                password=server.password,
                gsp_endpoint=server.gsp_url,
                graph_prefix=BASE + "graph/",
            )
            start = time.perf_counter()
            store.timeout = max(args.query_timeout, 600)
            for graph, triples in graphs.items():
                if graph:
                    store.replace_graph(graph, triples, chunk_size=200_000)
            store.timeout = args.query_timeout
            result["stages"][f"{name}: load (GSP, verified)"] = time.perf_counter() - start
            for query_name, text in texts.items():
                if text is None:
                    record(name, query_name, "no parameter value")
                    continue
                record(name, query_name, measure(lambda t=text, st=store: st.select(t), args.runs))
    return result


def analysis_and_viz(store: Store, result: dict[str, Any], out: Path) -> None:
    """Network analysis and the viz page, where those modules offer the functions."""
    try:
        from villegraph import network
    except ImportError:
        return
    if not hasattr(network, "load_network"):
        return
    seconds, loaded = timed(lambda: network.load_network(store))
    result["stages"]["analysis: load network"] = seconds
    if hasattr(network, "project"):
        seconds, _ = timed(lambda: network.project(loaded))
        result["stages"]["analysis: project"] = seconds


# --- tables ----------------------------------------------------------------------------------


def fmt_seconds(value: Any) -> str:
    if value is None:
        return "did not finish"
    if isinstance(value, str):
        return value
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_times(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{statistics.median(value) * 1000:.1f} / {percentile(value, 0.95) * 1000:.1f}"


def tables(results: list[dict[str, Any]]) -> str:
    out = []
    names = [f"{r['target']:,} (data {r.get('data_triples', 0):,}, built {r.get('triples', 0):,})"
             for r in results]  # fmt: skip
    stages: list[str] = []
    for r in results:
        stages += [s for s in r["stages"] if s not in stages]
    out.append("Stages, wall seconds (the build in a subprocess; its baseline in another)\n")
    out.append("| stage | " + " | ".join(names) + " |")
    out.append("|---|" + "---|" * len(results))
    for stage in stages:
        cells = [fmt_seconds(r["stages"].get(stage, "—")) for r in results]
        out.append(f"| {stage} | " + " | ".join(cells) + " |")
    for r, name in zip(results, names, strict=True):
        total = r["stages"].get("build (total)")
        baseline = r["stages"].get("baseline: plain pyoxigraph bulk_load of the files")
        if isinstance(total, float) and isinstance(baseline, float):
            peak = r.get("build_peak_rss_mb")
            out.append(
                f"\nBuild at {name}: {total / baseline:.1f}× the plain bulk_load"
                + (f", peak RSS {peak:,.0f} MiB" if peak else "")
            )
    stores = ["embedded", "rdflib", "oxigraph", "virtuoso"]
    for r, name in zip(results, names, strict=True):
        out.append(f"\nCanned queries at {name}: p50 / p95 in ms\n")
        out.append(
            "| query | " + " | ".join(stores) + " | rdflib ÷ embedded | embedded ÷ oxigraph |"
        )
        out.append("|---|" + "---|" * (len(stores) + 2))
        for query, by_store in sorted(r["queries"].items()):
            cells = [fmt_times(by_store.get(s)) for s in stores]
            slower = ratio(by_store, "rdflib", "embedded")
            against = ratio(by_store, "embedded", "oxigraph")
            out.append(f"| {query} | " + " | ".join(cells) + f" | {slower} | {against} |")
    return "\n".join(out)


def ratio(by_store: dict[str, Any], top: str, bottom: str) -> str:
    a, b = by_store.get(top), by_store.get(bottom)
    if isinstance(a, str) and a.startswith(">") and isinstance(b, list):
        return "> " + f"{float(a[2:-2]) / statistics.median(b):.0f}×"
    if not isinstance(a, list) or not isinstance(b, list):
        return "—"
    return f"{statistics.median(a) / statistics.median(b):.1f}×"


def bench_canned(
    dist: Path, queries_dirs: list[Path], runs: int, also: list[str] | None = None
) -> str:
    """p50 / p95 of every canned query on the build in `dist` (in memory, run by `run_canned`:
    parameters bound, a paged query's LIMIT written, a query that a store's index narrows
    through it, made and timed before the queries), with the rows each returns and
    the plain bulk load of the same N-Quads as the baseline. `also`: more runs of a query with
    the given parameters, `NAME:key=value,key=value` (`who-works-on:theme=theme/data`)."""
    import pyoxigraph as ox

    dump = dist / "villegraph.nq"

    def plain_load() -> ox.Store:
        plain = ox.Store()
        plain.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        return plain

    cpu = time.process_time()
    seconds, plain = timed(plain_load)
    cpu = time.process_time() - cpu
    del plain
    loaded, store = timed(lambda: EmbeddedStore.from_dist(dist))
    lines = [
        f"Build {dist}: plain pyoxigraph bulk_load of villegraph.nq {seconds:.1f} s "
        f"({cpu:.1f} s CPU); EmbeddedStore.from_dist {loaded:.1f} s\n",
    ]
    for queries_dir in queries_dirs:
        lines += _indexes(store, queries_dir)
        lines += _canned_table(store, queries_dir, runs, seconds, also or [])
    store.close()
    return "\n".join(lines)


def _indexes(store: EmbeddedStore, queries_dir: Path) -> list[str]:
    """Make the indexes the queries of `queries_dir` use; a line saying what each cost."""
    lines = []
    for query in Catalogue.load(queries_dir):
        if not query.label_index and query.pair_index is None and query.reach_index is None:
            continue
        rss = _resident_mib()
        cpu = time.process_time()
        seconds, index = timed(functools.partial(_index_of, store, query))
        cpu = time.process_time() - cpu
        if isinstance(index, LabelIndex):
            kind, size = "Label", f"{len(index):,} labels, {len(index.haystack):,} bytes of text"
        elif isinstance(index, PairIndex):
            kind, size = "Pair", f"{len(index.subjects):,} subjects"
        else:
            kind, size = "Reach", f"{len(index or ()):,} rows of its reach pass"
        lines.append(
            f"{kind} index of {query.name}: {size}, {seconds:.1f} s ({cpu:.1f} s CPU, "
            f"its thread's included), resident memory +{_resident_mib() - rss:.0f} MiB\n"
        )
    return lines


def _index_of(
    store: EmbeddedStore, query: CannedQuery
) -> LabelIndex | PairIndex | ReachIndex | None:
    """The index the store keeps for the query, made now."""
    if query.label_index:
        return store.label_index(query.label_index)
    if query.pair_index is not None:
        return store.pair_index(query.pair_index.predicate)
    return _reach_index(store, query)


def _reach_index(store: EmbeddedStore, query: CannedQuery) -> ReachIndex | None:
    """The reach indexes `run_canned` reads for the query, one per value of its boolean
    parameters (made here, so that no timed run waits for one); the one for their defaults."""
    assert query.reach_index is not None
    booleans = [p for p in query.params if p.kind == "boolean"]
    defaults = query.parse_params({query.reach_index: "x"})
    made = None
    for values in itertools.product((False, True), repeat=len(booleans)):
        bindings = {
            **defaults,
            **{p.name: Literal(v) for p, v in zip(booleans, values, strict=True)},
        }
        index = store.reach_index(reach_index_text(query, bindings), query.reach_index)
        if all(bindings[p.name] == defaults[p.name] for p in booleans):
            made = index
    return made


def _resident_mib() -> float:
    """This process's resident memory now (Linux), in MiB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _canned_table(
    store: Store, queries_dir: Path, runs: int, seconds: float, also: list[str]
) -> list[str]:
    """The table of `bench_canned` for the queries of one folder."""
    lines = [
        f"\nQueries of {queries_dir}:\n",
        "| query | parameters | rows | p50 ms | p95 ms | CPU ms a run | p50 ÷ bulk_load |",
        "|---|---|---|---|---|---|---|",
    ]
    catalogue = Catalogue.load(queries_dir)
    runs_of: list[tuple[CannedQuery, dict[str, str] | None]] = [
        (query, pick_params(store, query)) for query in catalogue
    ]
    for spec in also:
        name, _, written = spec.partition(":")
        if name in catalogue:
            pairs = (pair.partition("=") for pair in written.split(",") if pair)
            runs_of.append((catalogue[name], {key: value for key, _, value in pairs}))
    for query, raw in runs_of:
        if raw is None:
            lines.append(f"| {query.name} | no parameter value | | | | |")
            continue
        rows = len(run_canned(store, query, raw).rows)
        cpu_before = time.process_time()
        times = measure(lambda q=query, r=raw: run_canned(store, q, r), runs)
        cpu = (time.process_time() - cpu_before) / (runs + 1)  # the warm-up run included
        shown = ", ".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in raw.items())
        if isinstance(times, str):
            lines.append(f"| {query.name} | {shown} | | {times} | | | |")
            continue
        p50 = statistics.median(times)
        lines.append(
            f"| {query.name} | {shown} | {rows:,} | {p50 * 1000:.0f} | "
            f"{percentile(times, 0.95) * 1000:.0f} | {cpu * 1000:.0f} | {p50 / seconds:.4f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10k,100k", help="comma-separated, e.g. 10k,100k,1M")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (after warm-up)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stores", default="embedded,rdflib,oxigraph,virtuoso")
    parser.add_argument("--build-timeout", type=float, default=600)
    parser.add_argument("--query-timeout", type=float, default=60)
    parser.add_argument("--rdflib-timeout", type=float, default=60)
    parser.add_argument("--worker-budget", type=float, default=600, help="seconds per worker")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--canned", type=Path, help="only the canned queries, on this build")
    parser.add_argument(
        "--queries", type=Path, action="append", help="canned queries folder (repeatable)"
    )
    parser.add_argument(
        "--also",
        action="append",
        help="with --canned: a query run with these parameters too, NAME:key=value,key=value",
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.canned:
        print(bench_canned(args.canned, args.queries or [QUERIES_DIR], args.runs, args.also))
        return
    if args.worker:
        mode, *rest = args.worker
        workers = {
            "bulk": worker_bulk_load,
            "build": worker_build,
            "dump": worker_dump_unvalidated,
            "queries": worker_queries,
        }
        workers[mode](*rest)
        return
    args.stores = set(args.stores.split(","))
    results = []
    with tempfile.TemporaryDirectory(prefix="vg-bench-scale-") as work:
        for scale in args.scales.split(","):
            results.append(bench_scale(parse_scale(scale), args, Path(work)))
            if args.json:
                args.json.write_text(json.dumps(results, indent=1, default=str))
    print(tables(results))


if __name__ == "__main__":
    main()
