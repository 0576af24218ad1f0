"""Abusive clients: does a cheap query and a page stay fast while others loop long queries?

Scenario, for 2 and for 20 abusive clients, on villegraph and on the Oxigraph server (same
data, same attack): each abuser has a loopback address of its own (127.0.1.N — all of
127.0.0.0/8 is this machine) and loops a query that runs to the deadline; one reader on
127.0.0.2 alternates a cheap SELECT and a resource page (for the Oxigraph server, which has no
pages, a DESCRIBE of the same IRI) for `--seconds`. Prints p50 / p95 / max and errors for the
reader, and what the abusers got. The Oxigraph server has no query deadline: abusers give up
after the same time and it keeps computing, which is what such an attack does to it.

    .venv/bin/python benchmarks/bench_abuse.py [--dist dist] [--seconds 20] [--deadline 5]
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_server import free_port, wait_ready

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
CHEAP = (
    "SELECT ?p ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ;"
    " <http://xmlns.com/foaf/0.1/name> ?name } LIMIT 10"
)
PERSON = "person/carole-anne-tisserand"
BASE = "https://w3id.org/villegraph/"


def client(address: str, timeout: float) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def abuser(url: str, address: str, stop: threading.Event, seen: collections.Counter, t: float):
    with client(address, t) as http:
        while not stop.is_set():
            try:
                status = http.get(url, params={"query": SLOW}).status_code
            except httpx.HTTPError:
                status = "gave up"
            seen[status] += 1
            if status in (429, 503):
                time.sleep(0.5)


def reader(target: dict[str, str], seconds: float) -> dict[str, list]:
    found: dict[str, list] = {"cheap": [], "page": [], "errors": []}
    end = time.monotonic() + seconds
    with client("127.0.0.2", 30) as http:
        while time.monotonic() < end:
            for kind in ("cheap", "page"):
                started = time.monotonic()
                try:
                    if kind == "cheap":
                        response = http.get(target["sparql"], params={"query": CHEAP})
                    else:
                        response = http.get(target["page"], **target.get("page_args", {}))
                    ok = response.status_code == 200
                except httpx.HTTPError as error:
                    ok, response = False, error
                found[kind].append(time.monotonic() - started)
                if not ok:
                    found["errors"].append(f"{kind}: {getattr(response, 'status_code', response)}")
            time.sleep(0.2)
    return found


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"{name} p50 {statistics.median(ordered) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
        f"max {ordered[-1] * 1000:7.1f} ms  n={len(ordered)}"
    )


def attack(target: dict[str, str], abusers: int, seconds: float, deadline: float) -> None:
    stop = threading.Event()
    seen: collections.Counter = collections.Counter()
    threads = [
        threading.Thread(
            target=abuser,
            args=(target["sparql"], f"127.0.1.{n + 1}", stop, seen, deadline + 2),
            daemon=True,
        )
        for n in range(abusers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    found = reader(target, seconds)
    stop.set()
    print(f"  {target['name']:10s} {abusers:2d} abusers")
    print(f"    {summary('cheap SELECT', found['cheap'])}")
    print(f"    {summary('page        ', found['page'])}")
    print(f"    reader errors: {len(found['errors'])} {found['errors'][:5]}")
    print(f"    abusers got: {dict(seen)}")
    for thread in threads:
        thread.join(deadline + 5)


def start_villegraph(dist: Path, work: Path, deadline: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "villegraph",
            "serve",
            "--port",
            str(port),
            "--dist",
            str(dist),
            "--store",
            str(work / "vg"),
            "--timeout",
            str(deadline),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_ready(url + "/sparql")
    return process, url


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_ready(url + "/query")
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--deadline", type=float, default=5.0)
    parser.add_argument("--abusers", default="2,20")
    args = parser.parse_args()
    dump = args.dist / "villegraph.nq"
    if not dump.is_file():
        sys.exit(f"no {dump}: run `villegraph build` first")
    work = Path(tempfile.mkdtemp(prefix="vg-abuse-"))
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    subprocess.run(
        [oxigraph, "load", "--location", str(work / "ox"), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    print(f"deadline {args.deadline:g} s; reader for {args.seconds:g} s per scenario")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    try:
        for abusers in [int(n) for n in args.abusers.split(",")]:
            process, url = start_villegraph(args.dist, work, args.deadline)
            try:
                target = {
                    "name": "villegraph",
                    "sparql": url + "/sparql",
                    "page": f"{url}/{PERSON}",
                    "page_args": {"headers": {"Accept": "text/html"}, "follow_redirects": True},
                }
                attack(target, abusers, args.seconds, args.deadline)
            finally:
                process.terminate()
                process.wait(10)
            process, url = start_oxigraph(work / "ox")
            try:
                target = {
                    "name": "oxigraph",
                    "sparql": url + "/query",
                    "page": url + "/query",
                    "page_args": {"params": {"query": f"DESCRIBE <{BASE}{PERSON}>"}},
                }
                attack(target, abusers, args.seconds, args.deadline)
            finally:
                process.kill()  # its runaway queries would run on
                process.wait(10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
