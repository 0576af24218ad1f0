"""Throughput and latency of `/sparql` for a small SELECT, villegraph vs the Oxigraph server.

Both servers run on loopback on the same data (a build's N-Quads dump); 16 concurrent clients
(asyncio + httpx) send the same small SELECT for a fixed time. Prints requests/s, p50 and p95.
Also measures the per-query overhead of the worker-process pool against an in-process query.

    .venv/bin/python benchmarks/bench_server.py [--dist dist] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUERY = (
    "SELECT ?p ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ;"
    " <http://xmlns.com/foaf/0.1/name> ?name } LIMIT 10"
)
CLIENTS = 16


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def load(url: str, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    headers = {"Accept": "application/sparql-results+json"}

    async def client() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            while time.perf_counter() < end:
                start = time.perf_counter()
                response = await http.get(url, params={"query": QUERY}, headers=headers)
                response.raise_for_status()
                latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return time.perf_counter() - started, latencies


def report(name: str, elapsed: float, latencies: list[float]) -> float:
    ordered = sorted(latencies)
    rate = len(ordered) / elapsed
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    print(
        f"{name:12s} {rate:8.0f} req/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   n={len(ordered)}"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    dump = args.dist / "villegraph.nq"
    if not dump.is_file():
        sys.exit(f"no {dump}: run `villegraph build` first")
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
                stderr=subprocess.DEVNULL,
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
        processes.append(
            subprocess.Popen(villegraph, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        ox_url, vg_url = f"http://127.0.0.1:{ox_port}/query", f"http://127.0.0.1:{vg_port}/sparql"
        wait_ready(ox_url)
        wait_ready(vg_url)
        print(f"{CLIENTS} clients, {args.seconds:g} s per run, {args.rounds} alternating rounds")
        print(f"query: {QUERY}")
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        ratios = []
        for _ in range(args.rounds):
            ox_rate = report("oxigraph", *asyncio.run(load(ox_url, args.seconds)))
            vg_rate = report("villegraph", *asyncio.run(load(vg_url, args.seconds)))
            ratios.append(vg_rate / ox_rate)
        print(
            f"villegraph / oxigraph throughput per round: {[round(r, 2) for r in ratios]}"
            f", median {statistics.median(ratios):.2f}"
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
