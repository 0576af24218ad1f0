"""Time until the network page has drawn in headless Chromium, for synthetic networks.

For each size, a synthetic research network (preferential attachment, two links per new node,
kinds spread like the real data) is analysed, laid out and rendered to a file; the page is then
opened `--runs` times in Debian's Chromium with every non-local request blocked, and the time
from navigation start to vis-network's first `afterDrawing` (measured by the page,
`performance.now()`) and the wall time of `goto` → drawn are reported (median, min, max).
Goal: ≤ 1 s at 1k nodes, ≤ 3 s at 10k.

    python benchmarks/bench_viz.py [--sizes 1000 10000] [--runs 3] [--max-nodes N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

from villegraph import network, viz

KIND_SHARE = [
    ("theme", 0.35),
    ("person", 0.25),
    ("org", 0.15),
    ("talk", 0.12),
    ("event", 0.05),
    ("place", 0.05),
    ("programme", 0.03),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def synthetic(nodes: int, seed: int = 1) -> nx.Graph:
    """A connected scale-free graph with kinds and bilingual labels on its nodes."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(nodes, 2, seed=seed)
    kinds = [k for k, _ in KIND_SHARE]
    weights = [w for _, w in KIND_SHARE]
    graph = nx.Graph(projection="full")
    for i in base:
        kind = rng.choices(kinds, weights)[0]
        graph.add_node(
            f"https://w3id.org/villegraph/{kind}/n{i}",
            kind=kind,
            label_fr=f"nœud {i}",
            label_en=f"node {i}",
        )
    names = list(graph)
    for u, v in base.edges():
        graph.add_edge(names[u], names[v], relation="subject")
    return graph


def render(graph: nx.Graph, max_nodes: int, folder: Path) -> tuple[Path, dict[str, float], int]:
    """Write the page; returns its path, the Python stage times and the drawn node count."""
    times = {}
    start = time.perf_counter()
    analysis = network.analyse(graph)
    times["analyse"] = time.perf_counter() - start
    start = time.perf_counter()
    view = viz.build_view(graph, analysis, viz.VizOptions(max_nodes=max_nodes))
    times["view+layout"] = time.perf_counter() - start
    start = time.perf_counter()
    path = viz.write_html(folder / f"graph-{graph.number_of_nodes()}.html", viz.render_html(view))
    times["render+write"] = time.perf_counter() - start
    return path, times, len(view["nodes"])


def measure(browser: object, url: str, runs: int) -> tuple[list[float], list[float]]:
    """(page-measured ms to first draw, wall seconds goto → drawn) per run, fresh page each time."""
    in_page, wall = [], []
    for _ in range(runs):
        context = browser.new_context()  # type: ignore[attr-defined]
        blocked: list[str] = []

        def route(route: object, blocked: list[str] = blocked) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(("file://", "data:", "http://127.0.0.1")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("body[data-drawn='true']", state="attached", timeout=120_000)
        wall.append(time.perf_counter() - start)
        in_page.append(float(page.evaluate("window.vgDrawnAt")))
        if blocked:
            raise SystemExit(f"the page tried to load {blocked}")
        context.close()
    return in_page, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=None,
        help="node cap (default: the size itself, i.e. everything drawn)",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        print(
            f"{'nodes':>6} {'drawn':>6} {'edges':>6} {'MB':>5}  python stages (s)"
            f"{'':24} first draw in page, ms (median [min-max])   wall goto→drawn, s"
        )
        for size in args.sizes:
            graph = synthetic(size)
            cap = args.max_nodes or size
            path, times, drawn = render(graph, cap, Path(tmp))
            in_page, wall = measure(browser, path.as_uri(), args.runs)
            stages = " ".join(f"{k} {v:.2f}" for k, v in times.items())
            print(
                f"{size:>6} {drawn:>6} {graph.number_of_edges():>6} "
                f"{path.stat().st_size / 1e6:>5.1f}  {stages:<42} "
                f"{statistics.median(in_page):>7.0f} [{min(in_page):.0f}-{max(in_page):.0f}]"
                f"{'':18}{statistics.median(wall):.2f} [{min(wall):.2f}-{max(wall):.2f}]"
            )
        browser.close()


if __name__ == "__main__":
    main()
