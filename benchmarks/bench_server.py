"""Throughput and latency of `/sparql`, villegraph vs the Oxigraph server.

Both servers run on loopback on the same data (a build's N-Quads dump); 16 concurrent clients
send queries for a fixed time, alternating between the servers round by round. The clients are
lean (`lean_client`: prepared request bytes on kept-alive connections, a few tens of
microseconds of CPU a request) so that the figures are the servers' and not the load
generator's; `--client httpx` runs the httpx clients used before (about 2.5 ms of client CPU a
page query, request text made in the loop), which cap both servers near 300 requests a second
on two cores.
Prints requests/s, p50 and p95 for each workload:

- `same`: one small SELECT, again and again (answered from villegraph's cache after the first);
- `small-unique`: the small SELECT made a new text each time by a `BIND` of a number (same rows
  and cost; villegraph's cache never helps): the cost of villegraph's layers on a tiny query;
- `repeat`: what pages and dashboards send: 80 % of requests repeat one of 50 queries, 20 % are
  unique. The 50 are canned queries of the catalogue bound to resources of the build, as the
  pages bind them (who-works-on a theme, themes-of a person or organisation, members-of,
  talks-of, speakers-of, shared-themes; org-hierarchy, places-studied, programme); a unique one
  is one of those with one more VALUES variable bound to a new number (same rows, same cost);
- `unique`: every request is such a unique page query.

Also measures the per-query overhead of the worker-process pool against an in-process query.
With `--micro`, only in-process figures, no server: per page-query text (made unique as in the
`unique` workload), the guard and the lexer now and as they were (`tests/reference_lexer.py`),
beside running the query itself on pyoxigraph in the same process.

    .venv/bin/python benchmarks/bench_server.py [--dist dist] [--seconds 10] [--workloads ...]
    .venv/bin/python benchmarks/bench_server.py --micro [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

QUERY = (
    "SELECT ?p ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ;"
    " <http://xmlns.com/foaf/0.1/name> ?name } LIMIT 10"
)
CLIENTS = 16
REPEATED = 50
"""Queries of the `repeat` workload's recurring set."""
REPEAT_SHARE = 0.8
WORKLOADS = ("same", "small-unique", "repeat", "unique")
_unique = itertools.count(REPEATED)
"""Numbers for unique query texts: never reused, across rounds and servers."""
PAGE_QUERIES = {
    "who-works-on": ("theme", "http://www.w3.org/2004/02/skos/core#Concept"),
    "themes-of": ("agent", "http://xmlns.com/foaf/0.1/Person"),
    "themes-of/org": ("agent", "http://www.w3.org/ns/org#Organization"),
    "members-of": ("organisation", "http://www.w3.org/ns/org#Organization"),
    "talks-of": ("person", "http://xmlns.com/foaf/0.1/Person"),
    "speakers-of": ("session", "https://w3id.org/villegraph/def#Session"),
    "shared-themes": ("person", "http://xmlns.com/foaf/0.1/Person"),
    "org-hierarchy": None,
    "places-studied": None,
    "programme": None,
}
"""Canned queries as pages run them: the parameter bound, and the class of its values."""
PAGES: list[tuple[str, dict[str, object]]] = []
"""Page query shapes: text and bindings (filled by `page_queries` from the build)."""


def variant(number: int) -> str:
    """The small SELECT made a text of its own by a BIND of `number` (same rows, same cost)."""
    return (
        "SELECT ?p ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ;"
        f" <http://xmlns.com/foaf/0.1/name> ?name . BIND({number} AS ?k) }} LIMIT 10"
    )


def page_queries(endpoint: str, per_query: int = 12) -> list[tuple[str, dict[str, object]]]:
    """Canned queries with resources of the build bound (found through `endpoint`)."""

    def find(class_iri: str) -> list[str]:
        query = f"SELECT ?x WHERE {{ ?x a <{class_iri}> }} ORDER BY ?x LIMIT {per_query}"
        found = httpx.get(
            endpoint,
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=600,
        ).json()["results"]["bindings"]
        return [row["x"]["value"] for row in found]

    return page_shapes(find)


def page_shapes(find: Callable[[str], list[str]]) -> list[tuple[str, dict[str, object]]]:
    """Canned queries with resources of the build bound; `find` gives instances of a class."""
    from rdflib import Literal, URIRef

    from villegraph.config import Settings
    from villegraph.queries import Catalogue

    settings = Settings()
    catalogue = Catalogue.load(settings.queries_dir, base_iri=settings.base_iri)
    shapes: list[tuple[str, dict[str, object]]] = []
    for name, bound in PAGE_QUERIES.items():
        canned = catalogue[name.split("/")[0]]
        common: dict[str, object] = {"lang": Literal("fr")} if canned.param("lang") else {}
        if bound is None:
            shapes.append((canned.text, common))
            continue
        param, class_iri = bound
        shapes += [(canned.text, {param: URIRef(iri), **common}) for iri in find(class_iri)]
    return shapes


def page_query(number: int, unique: int | None = None) -> str:
    """Page query `number` (of `PAGES`); with `unique`, a text of its own with the same rows."""
    from rdflib import Literal

    from villegraph.queries import bind_values

    text, bindings = PAGES[number % len(PAGES)]
    if unique is not None:
        bindings = {**bindings, "unique_request": Literal(unique)}
    return bind_values(text, bindings)  # type: ignore[arg-type]


MARK = 987_654_321_012
"""The number a prepared unique request holds, replaced by a fresh one for each request."""


class Prepared:
    """Each workload's requests to one server as bytes, made once: a unique request is a
    prepared one with `MARK` replaced (the lean client's loop makes no text)."""

    def __init__(self, url: str) -> None:
        from urllib.parse import urlsplit

        from lean_client import get_request

        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

        def request(text: str) -> bytes:
            return get_request(parts.netloc, parts.path, text, ACCEPT)

        self.same = request(QUERY)
        self.small = request(variant(MARK))
        self.pages = [request(page_query(n, MARK)) for n in range(len(PAGES))]
        self.repeated = [request(text) for text in REPEATED_TEXTS]
        self.mark = str(MARK).encode()
        assert all(r.count(self.mark) == 1 for r in [self.small, *self.pages])

    def next(self, workload: str, rng: random.Random) -> bytes:
        """The next request a client sends in `workload` (as `next_query`)."""
        if workload == "same":
            return self.same
        if workload == "small-unique":
            return self.small.replace(self.mark, str(next(_unique)).encode())
        if workload == "repeat" and rng.random() < REPEAT_SHARE:
            return self.repeated[rng.randrange(REPEATED)]
        page = self.pages[rng.randrange(len(self.pages))]
        return page.replace(self.mark, str(next(_unique)).encode())


def next_query(workload: str, rng: random.Random) -> str:
    """The next query text a client sends in `workload`."""
    if workload == "same":
        return QUERY
    if workload == "small-unique":
        return variant(next(_unique))
    if workload == "repeat" and rng.random() < REPEAT_SHARE:
        return REPEATED_TEXTS[rng.randrange(REPEATED)]
    return page_query(rng.randrange(len(PAGES)), next(_unique))


HITS: dict[str, int] = {}
FAILED: dict[str, int] = {}
"""Requests without an answer (a timeout, a status other than 200) per URL, in the run."""
CLIENT_TIMEOUT = [30.0]
"""Seconds a client waits for an answer (`--client-timeout`)."""
"""Answers villegraph gave from its cache, by URL (its `X-Villegraph-Cache: hit` header)."""
REPEATED_TEXTS: list[str] = []
"""The 50 recurring texts of the `repeat` workload (filled in `main`)."""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(
    url: str,
    timeout: float = 60,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> None:
    """Wait until `url` answers; say so at once, with the last line of its `log`, if the
    server's `process` ended (e.g. no space left to load its store)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            lines = log.read_text(errors="replace").strip().splitlines() if log else []
            last = lines[-1] if lines else "no message"
            raise RuntimeError(f"{url}: the server exited with {process.returncode}: {last}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


ACCEPT = "application/sparql-results+json"
CLIENT = ["lean"]
"""The load generator (`--client`): `lean` or `httpx`."""


async def load(url: str, seconds: float, workload: str = "same") -> tuple[float, list[float]]:
    if CLIENT[0] == "lean":
        return await lean_load(url, seconds, workload)
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    headers = {"Accept": ACCEPT}

    async def client(number: int) -> None:
        rng = random.Random(number)
        async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT[0]) as http:
            while time.perf_counter() < end:
                query = next_query(workload, rng)
                start = time.perf_counter()
                try:
                    response = await http.get(url, params={"query": query}, headers=headers)
                except httpx.TimeoutException:
                    FAILED[url] = FAILED.get(url, 0) + 1  # no answer within the client's wait
                    continue
                if response.status_code != 200:  # e.g. villegraph's 504 past its deadline
                    FAILED[url] = FAILED.get(url, 0) + 1
                    continue
                latencies.append(time.perf_counter() - start)
                if response.headers.get("x-villegraph-cache") == "hit":
                    HITS[url] = HITS.get(url, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return time.perf_counter() - started, latencies


async def lean_load(url: str, seconds: float, workload: str) -> tuple[float, list[float]]:
    """`load` by the lean clients: same requests, same counts."""
    from lean_client import Connection

    if url not in PREPARED:
        PREPARED[url] = Prepared(url)
    prepared = PREPARED[url]
    latencies: list[float] = []
    end = time.perf_counter() + seconds

    async def client(number: int) -> None:
        rng = random.Random(number)
        connection = Connection(prepared.host, prepared.port)
        try:
            while time.perf_counter() < end:
                request = prepared.next(workload, rng)
                start = time.perf_counter()
                try:
                    answer = await connection.send(request, CLIENT_TIMEOUT[0])
                except (TimeoutError, OSError, asyncio.IncompleteReadError):
                    FAILED[url] = FAILED.get(url, 0) + 1
                    continue
                if answer.status != 200:
                    FAILED[url] = FAILED.get(url, 0) + 1
                    continue
                latencies.append(time.perf_counter() - start)
                if b"\r\nx-villegraph-cache: hit" in answer.headers:
                    HITS[url] = HITS.get(url, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return time.perf_counter() - started, latencies


PREPARED: dict[str, Prepared] = {}


def tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by `pid` and its descendants (Linux `/proc`): a server's own
    cost, whatever else the machine runs; and by `pid` alone (villegraph's front process,
    without its query workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = own = 0.0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
            if current == pid:
                own = sum(int(f) for f in fields[11:13]) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total, own


def measured(
    url: str, seconds: float, workload: str, pid: int
) -> tuple[float, list[float], float, float, float]:
    """One run: elapsed seconds, latencies, the server's CPU milliseconds per request (all its
    processes, and its front process alone) and the load generator's."""
    if CLIENT[0] == "lean" and url not in PREPARED:
        PREPARED[url] = Prepared(url)  # before the clocks start
    before, before_own = tree_cpu(pid)
    client = time.process_time()
    elapsed, latencies = asyncio.run(load(url, seconds, workload))
    client = time.process_time() - client
    after, after_own = tree_cpu(pid)
    count = max(1, len(latencies))
    return (
        elapsed,
        latencies,
        (after - before) * 1000 / count,
        (after_own - before_own) * 1000 / count,
        client * 1000 / count,
    )


def report(
    name: str,
    elapsed: float,
    latencies: list[float],
    cpu_ms: float = 0.0,
    own_ms: float = 0.0,
    client_ms: float = 0.0,
    failed: int = 0,
) -> float:
    ordered = sorted(latencies) or [float("nan")]
    rate = len(latencies) / elapsed
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    print(
        f"{name:12s} {rate:8.{0 if rate >= 100 else 2}f} req/s   p50 {p50:6.1f} ms   "
        f"p95 {p95:6.1f} ms   n={len(latencies)}"
        f"   server CPU {cpu_ms:.2f} ms/request (front process {own_ms:.2f})"
        f"   client CPU {client_ms:.2f}" + (f"   failed {failed}" if failed else "")
    )
    return rate


def overhead(store_path: Path, repeat: int = 300) -> None:
    import pyoxigraph as ox

    from villegraph.web.engine import PooledStore

    direct = ox.Store.read_only(str(store_path))
    start = time.perf_counter()
    for _ in range(repeat):
        list(direct.query(QUERY, use_default_graph_as_union=True))
    inline = (time.perf_counter() - start) / repeat
    pooled = PooledStore(store_path, workers=1)
    try:
        request = {"query": QUERY, "accept": None, "max_rows": 10_000, "max_bytes": 10**7}
        pooled.protocol(request)
        start = time.perf_counter()
        for _ in range(repeat):
            pooled.protocol(request)
        through_pool = (time.perf_counter() - start) / repeat
    finally:
        pooled.close()
    print(
        f"in-process query {inline * 1e3:.3f} ms; through a worker (with serialisation) "
        f"{through_pool * 1e3:.3f} ms; overhead {(through_pool - inline) * 1e3:.3f} ms"
    )


def micro(dump: Path, rounds: int) -> None:
    """In-process: the guard and the lexer per unique page-query text, now and as they were,
    beside the query itself on pyoxigraph (same process, same texts, alternating rounds)."""
    import pyoxigraph as ox

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import reference_lexer as before

    from villegraph import lexer
    from villegraph.web.safety import check_and_fingerprint

    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)

    def find(class_iri: str) -> list[str]:
        query = f"SELECT ?x WHERE {{ ?x a <{class_iri}> }} ORDER BY ?x LIMIT 12"
        found = store.query(query, use_default_graph_as_union=True)
        return [row["x"].value for row in found]  # type: ignore[union-attr]

    PAGES.extend(page_shapes(find))
    graphs = {g.value for g in store.named_graphs()}  # type: ignore[union-attr]
    sets = {
        "page": [page_query(n, next(_unique)) for n in range(len(PAGES))],
        "small": [variant(next(_unique)) for _ in range(len(PAGES))],
    }
    for texts in sets.values():
        assert [check_and_fingerprint(t, graphs) for t in texts] == [
            before.check_and_fingerprint(t, graphs) for t in texts
        ]
    steps: dict[str, Callable[[str], object]] = {
        "query on pyoxigraph (baseline)": lambda t: list(
            store.query(t, use_default_graph_as_union=True)  # type: ignore[arg-type]
        ),
        "guard, before": lambda t: before.check_and_fingerprint(t, graphs),
        "guard, now": lambda t: check_and_fingerprint(t, graphs),
        "lexer (one reading), before": lambda t: list(before.tokens(t)),
        "lexer (one reading), now": lambda t: list(lexer.tokens(t)),
        "lexer (both readings), before": lambda t: (
            list(before.tokens(t)),
            list(before.tokens(t, less_than_after_operand=True, strict=False)),
        ),
        "lexer (both readings), now": lambda t: lexer.readings(t),
    }
    print(f"{len(PAGES)} page-query texts, {rounds} alternating rounds; ms per text, median")
    print("| step | page queries (1.7–4.3 KB) | small SELECT |")
    print("|---|---|---|")
    timings: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for kind, texts in sets.items():
            for name, step in steps.items():
                start = time.perf_counter()
                for text in texts:
                    step(text)
                per_text = (time.perf_counter() - start) / len(texts) * 1000
                timings.setdefault((name, kind), []).append(per_text)
    for name in steps:
        cells = [f"{statistics.median(timings[name, kind]):.3f}" for kind in sets]
        print(f"| {name} | {' | '.join(cells)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument(
        "--client", choices=("lean", "httpx"), default="lean", help="the load generator"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--micro", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--client-timeout", type=float, default=30, help="seconds a client waits for an answer"
    )
    parser.add_argument(
        "--ready-timeout", type=float, default=60, help="seconds for each server to come up"
    )
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help="comma-separated: " + ", ".join(WORKLOADS)
    )
    args = parser.parse_args()
    CLIENT[0] = args.client
    CLIENT_TIMEOUT[0] = args.client_timeout
    workloads = [w for w in args.workloads.split(",") if w]
    if unknown := set(workloads) - set(WORKLOADS):
        sys.exit(f"unknown workloads: {', '.join(sorted(unknown))}")
    dump = args.dist / "villegraph.nq"
    if not dump.is_file():
        sys.exit(f"no {dump}: run `villegraph build` first")
    if args.micro:
        micro(dump, args.rounds)
        return
    work = Path(tempfile.mkdtemp(prefix="vg-bench-"))
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    processes = []
    try:
        subprocess.run(
            [oxigraph, "load", "--location", str(work / "ox"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        ox_port, vg_port = free_port(), free_port()
        logs = [work / "oxigraph.log", work / "villegraph.log"]  # the servers' messages
        processes.append(
            subprocess.Popen(
                [
                    oxigraph,
                    "serve-read-only",
                    "--location",
                    str(work / "ox"),
                    "--bind",
                    f"127.0.0.1:{ox_port}",
                    "--union-default-graph",  # as villegraph: the query sees every graph
                ],
                stdout=subprocess.DEVNULL,
                stderr=logs[0].open("wb"),
            )
        )
        villegraph = [
            sys.executable,
            "-m",
            "villegraph",
            "serve",
            "--port",
            str(vg_port),
            "--dist",
            str(args.dist),
            "--store",
            str(work / "vg"),
            "--workers",
            str(args.workers),
        ]
        # the 16 clients share one address: lift the per-client limit of admission control
        environment = {**os.environ, "VILLEGRAPH_PER_CLIENT": str(4 * CLIENTS)}
        processes.append(
            subprocess.Popen(
                villegraph, stdout=subprocess.DEVNULL, stderr=logs[1].open("wb"), env=environment
            )
        )
        ox_url, vg_url = f"http://127.0.0.1:{ox_port}/query", f"http://127.0.0.1:{vg_port}/sparql"
        wait_ready(ox_url, args.ready_timeout, processes[0], logs[0])
        wait_ready(vg_url, args.ready_timeout, processes[1], logs[1])
        print(f"{CLIENTS} clients, {args.seconds:g} s per run, {args.rounds} alternating rounds")
        print(f"query: {QUERY}")
        print(f"small-unique: {variant(0)}, BIND numbered")
        PAGES.extend(page_queries(ox_url))
        rng = random.Random(0)
        order = rng.sample(range(len(PAGES)), len(PAGES))
        REPEATED_TEXTS.extend(page_query(order[n % len(order)]) for n in range(REPEATED))
        print(
            f"page queries: {len(PAGES)} canned queries with bindings; the repeat workload's "
            f"{len(set(REPEATED_TEXTS))} distinct recurring texts"
        )
        for workload in workloads:
            print(f"\n## workload {workload}")
            print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            ratios, cpu_ratios = [], []
            for _ in range(args.rounds):
                ox_run = measured(ox_url, args.seconds, workload, processes[0].pid)
                ox_rate = report("oxigraph", *ox_run, failed=FAILED.pop(ox_url, 0))
                HITS.clear()
                vg_run = measured(vg_url, args.seconds, workload, processes[1].pid)
                vg_rate = report("villegraph", *vg_run, failed=FAILED.pop(vg_url, 0))
                hits = HITS.get(vg_url, 0) / max(1, len(vg_run[1]))
                print(f"{'':12s} {hits:.0%} answered from the cache")
                ratios.append(vg_rate / ox_rate if ox_rate else float("inf"))
                cpu_ratios.append(ox_run[2] / max(vg_run[2], 1e-9))
            print(
                f"{workload}: villegraph / oxigraph throughput per round: "
                f"{[round(r, 2) for r in ratios]}, median {statistics.median(ratios):.2f}"
            )
            print(
                f"{workload}: oxigraph / villegraph server CPU per request, per round: "
                f"{[round(r, 2) for r in cpu_ratios]}, median {statistics.median(cpu_ratios):.2f}"
            )
            print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        overhead(next(p for p in (work / "vg").iterdir() if p.is_dir()))
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
